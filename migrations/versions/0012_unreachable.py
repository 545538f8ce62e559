"""petitioners who cannot be reached: the reason and when it was recorded

Two nullable columns on petitions, set together (CHECK) from a fixed list of reasons (CHECK), so
that the reply rates can count unreachable petitioners apart as the national figures do.

Revision ID: 0012_unreachable
Revises: 0011_notice_documents
Create Date: 2026-12-13 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_unreachable'
down_revision = '0011_notice_documents'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreachable_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('unreachable_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            'unreachable_reason',
            "unreachable_reason IN ('wrong_number', 'no_answer', 'returned_letter', 'email_bounced')",
        )
        batch_op.create_check_constraint(
            'unreachable_has_time', '(unreachable_reason IS NULL) = (unreachable_at IS NULL)'
        )


def downgrade():
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_constraint('unreachable_has_time', type_='check')
        batch_op.drop_constraint('unreachable_reason', type_='check')
        batch_op.drop_column('unreachable_at')
        batch_op.drop_column('unreachable_reason')
