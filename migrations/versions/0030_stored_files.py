"""stored files: the `database` file store (FILE_STORE=database, portal/core/filestore.py), where
every host of a cluster reads the files any host stored.

Revision ID: 0030_stored_files
Revises: 0029_open_procuratorate
Create Date: 2026-12-12 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030_stored_files"
down_revision = "0029_open_procuratorate"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_files")),
    )


def downgrade():
    op.drop_table("stored_files")
