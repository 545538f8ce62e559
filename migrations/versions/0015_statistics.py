"""running totals of the petition statistics, filled from the petitions already stored

One row per (month of receipt, kind, channel, handler, reach class) with its counters; kept up
to date by portal/statistics/services.py from then on; and the indexes that find the late
petitions by date range (the live count of late ones, the overdue queue, the sweep).

Revision ID: 0015_statistics
Revises: 0013_audit_chain
Create Date: 2026-12-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_statistics'
down_revision = '0013_audit_chain'
branch_labels = None
depends_on = None

COUNTERS = (
    'received', 'acknowledged_in_time', 'acknowledged_late', 'answered_in_time', 'answered_late',
    'merged', 'days_to_answer', 'graded_satisfied', 'graded_basically_satisfied',
    'graded_dissatisfied',
)


def upgrade():
    op.create_table(
        'petition_tallies',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('handler_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('reach', sa.String(length=12), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS),
        sa.CheckConstraint(
            "reach IN ('reachable', 'anonymous', 'unreachable')",
            name=op.f('ck_petition_tallies_reach_class'),
        ),
        sa.PrimaryKeyConstraint(
            'month', 'kind', 'channel', 'handler_id', 'reach', name=op.f('pk_petition_tallies')
        ),
    )
    # The late petitions found by index ranges, without reading the others (petitions/models.py
    # says why each exists): deadlines.overdue_sql is one range per state over (status, due
    # date); the statistics' "no substantive reply after 3 months" the third.
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_petitions_status_ack_due_on', ['status', 'ack_due_on'], unique=False
        )
        batch_op.create_index(
            'ix_petitions_status_reply_due_on', ['status', 'reply_due_on'], unique=False
        )
        batch_op.create_index(
            'ix_petitions_status_unanswered',
            ['status', 'first_answered_at', 'answer_due_on'],
            unique=False,
        )
    # The totals of the petitions already stored, counted as the running code counts them.
    from portal.statistics import services

    services.rebuild(op.get_bind())


def downgrade():
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_index('ix_petitions_status_unanswered')
        batch_op.drop_index('ix_petitions_status_reply_due_on')
        batch_op.drop_index('ix_petitions_status_ack_due_on')
    op.drop_table('petition_tallies')
