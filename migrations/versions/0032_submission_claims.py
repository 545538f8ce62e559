"""submission claims: the first statement of a submission claims its form's one-time key
(portal/core/submission_keys.py), so that a second post of the same form waits there for the
first and does none of its work again. Forms posted before keep the guard of their record's own
UNIQUE key hash, so nothing is copied here.

Revision ID: 0032_submission_claims
Revises: 0031_duplicate_queue
Create Date: 2026-12-03 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032_submission_claims"
down_revision = "0031_duplicate_queue"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submission_claims",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_submission_claims")),
    )


def downgrade():
    op.drop_table("submission_claims")
