"""duplicate queue: petitions received online wait here for the worker to index them for the
duplicate suggestions (portal/petitions/duplicates.py, index_queued), instead of the citizen's
submission doing it. Petitions never indexed (received before 0016) are queued too, so the
worker indexes them as well.

Revision ID: 0031_duplicate_queue
Revises: 0028_document_english
Create Date: 2026-12-13 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031_duplicate_queue"
down_revision = "0028_document_english"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "duplicate_queue",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_duplicate_queue_petition_id_petitions"),
        ),
        sa.PrimaryKeyConstraint("petition_id", name=op.f("pk_duplicate_queue")),
    )
    op.execute(
        "INSERT INTO duplicate_queue (petition_id) SELECT id FROM petitions WHERE NOT EXISTS "
        "(SELECT 1 FROM duplicate_fingerprints WHERE petition_id = petitions.id)"
    )


def downgrade():
    op.drop_table("duplicate_queue")
