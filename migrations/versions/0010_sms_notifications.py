"""sms notifications: the petitioner's channels and language, SMS in the outbox, query code recovery

Petitions record how the petitioner chose to hear of each step (SMS, e-mail) and the language
they filed in. Existing petitions keep what they had: e-mail to those who gave an address, no
SMS (they were never offered it). The outbox gains the SMS channel, a message's template and
parameters (an SMS gateway sends templates), and the delivery status the far end answered.
One-time codes to recover a lost query code get their table.

Revision ID: 0010_sms_notifications
Revises: 0009_petitioner_material
Create Date: 2026-12-20 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_sms_notifications'
down_revision = '0009_petitioner_material'
branch_labels = None
depends_on = None

petitions = sa.table(
    'petitions', sa.column('email', sa.String), sa.column('notify_by_email', sa.Boolean)
)


def upgrade():
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('notify_by_sms', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('notify_by_email', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('locale', sa.String(length=20), nullable=True))
    op.execute(
        petitions.update().where(petitions.c.email.is_not(None)).values(notify_by_email=True)
    )

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('parameters', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('delivery_receipt', sa.String(length=500), nullable=True))
        batch_op.drop_constraint(op.f('ck_outbox_messages_channel'), type_='check')
        batch_op.create_check_constraint('channel', "channel IN ('email', 'sms')")

    op.create_table(
        'query_code_recoveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('petition_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['petition_id'], ['petitions.id'],
            name=op.f('fk_query_code_recoveries_petition_id_petitions'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_query_code_recoveries')),
    )
    with op.batch_alter_table('query_code_recoveries', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_query_code_recoveries_petition_id'), ['petition_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('query_code_recoveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_query_code_recoveries_petition_id'))
    op.drop_table('query_code_recoveries')
    op.execute("DELETE FROM outbox_messages WHERE channel = 'sms'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_channel'), type_='check')
        batch_op.create_check_constraint('channel', "channel IN ('email')")
        batch_op.drop_column('delivery_receipt')
        batch_op.drop_column('parameters')
        batch_op.drop_column('template')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_column('locale')
        batch_op.drop_column('notify_by_email')
        batch_op.drop_column('notify_by_sms')
