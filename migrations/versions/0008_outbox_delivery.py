"""outbox delivery: states, retries with backoff, leases, dead letters, channels

Messages were given up silently after 5 failed attempts. Each now has a state (pending, sent,
dead), the time it was queued (the retry time counts from it), its next attempt (the backoff),
a sender's lease (`claimed_until`) and its channel. Existing rows: sent ones are sent; unsent
ones with 5 attempts or more, which the old sender had dropped without a word, are dead, so
that administrators see them and can retry them; the rest are pending and due at once.

Revision ID: 0008_outbox_delivery
Revises: 0007_sessions
Create Date: 2026-12-10 10:00:00.000000

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0008_outbox_delivery'
down_revision = '0007_sessions'
branch_labels = None
depends_on = None

OLD_MAX_ATTEMPTS = 5

outbox = sa.table(
    'outbox_messages',
    sa.column('status', sa.String),
    sa.column('channel', sa.String),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('queued_at', sa.DateTime(timezone=True)),
    sa.column('next_attempt_at', sa.DateTime(timezone=True)),
    sa.column('sent_at', sa.DateTime(timezone=True)),
    sa.column('dead_at', sa.DateTime(timezone=True)),
    sa.column('attempts', sa.Integer),
)


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('dead_at', sa.DateTime(timezone=True), nullable=True))

    now = datetime.now(UTC)
    op.execute(
        outbox.update().values(
            channel='email', queued_at=outbox.c.created_at, next_attempt_at=outbox.c.created_at
        )
    )
    op.execute(outbox.update().where(outbox.c.sent_at.is_not(None)).values(status='sent'))
    op.execute(
        outbox.update()
        .where(outbox.c.sent_at.is_(None), outbox.c.attempts >= OLD_MAX_ATTEMPTS)
        .values(status='dead', dead_at=now)
    )
    op.execute(outbox.update().where(outbox.c.status.is_(None)).values(status='pending'))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        for column in ('channel', 'status'):
            batch_op.alter_column(column, existing_type=sa.String(length=20), nullable=False)
        for column in ('queued_at', 'next_attempt_at'):
            batch_op.alter_column(
                column, existing_type=sa.DateTime(timezone=True), nullable=False
            )
        batch_op.drop_index(batch_op.f('ix_outbox_messages_sent_at'))
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_check_constraint('status', "status IN ('pending', 'sent', 'dead')")
        batch_op.create_check_constraint('channel', "channel IN ('email')")
        batch_op.create_check_constraint('sent_at', "(status = 'sent') = (sent_at IS NOT NULL)")
        batch_op.create_check_constraint('dead_at', "(status = 'dead') = (dead_at IS NOT NULL)")


def downgrade():
    # Dead messages go back to what the old sender skipped: unsent with 5 attempts or more.
    op.execute(
        outbox.update()
        .where(outbox.c.status == 'dead', outbox.c.attempts < OLD_MAX_ATTEMPTS)
        .values(attempts=OLD_MAX_ATTEMPTS)
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        for name in ('dead_at', 'sent_at', 'channel', 'status'):
            batch_op.drop_constraint(op.f(f'ck_outbox_messages_{name}'), type_='check')
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.create_index(batch_op.f('ix_outbox_messages_sent_at'), ['sent_at'], unique=False)
        for column in (
            'dead_at', 'claimed_until', 'next_attempt_at', 'queued_at', 'status', 'channel'
        ):
            batch_op.drop_column(column)
