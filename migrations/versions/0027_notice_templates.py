"""The administrators' standard wordings of the notices to petitioners (petitions/wording.py;
the shipped wordings need no rows).

Revision ID: 0027_notice_templates
Revises: 0024_deputies
Create Date: 2026-12-02 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027_notice_templates"
down_revision = "0024_deputies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice_wordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('acknowledgment', 'transfer', 'not_accepted', 'merged', 'progress', "
            "'result', 'material_request')",
            name=op.f("ck_notice_wordings_kind"),
        ),
        sa.CheckConstraint("language IN ('zh', 'en')", name=op.f("ck_notice_wordings_language")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_notice_wordings_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_wordings")),
        sa.UniqueConstraint("kind", "language", name=op.f("uq_notice_wordings_kind_language")),
    )


def downgrade():
    op.drop_table("notice_wordings")
