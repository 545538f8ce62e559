"""written notices: a document number per sent reply and petitioner, and whether it goes by post

Two tables: written_notices (one row per notice: the reply, the petition it is addressed to, its
number, whether it goes by post and when it was posted) and notice_counters (the last number of
each year and kind). Replies sent before this revision get no notice: a document number is given
when a notice is issued, not afterwards.

Revision ID: 0011_notice_documents
Revises: 0010_sms_notifications
Create Date: 2026-12-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_notice_documents'
down_revision = '0010_sms_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'kind', name=op.f('pk_notice_counters'))
    )
    op.create_table('written_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=60), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_post', sa.Boolean(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('acknowledgment', 'transfer', 'not_accepted', 'merged', 'progress', 'result')", name=op.f('ck_written_notices_kind')),
    sa.CheckConstraint('(posted_at IS NULL) = (posted_by_id IS NULL)', name=op.f('ck_written_notices_posted_has_who')),
    sa.CheckConstraint('posted_at IS NULL OR by_post', name=op.f('ck_written_notices_posted_only_by_post')),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_written_notices_petition_id_petitions')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_written_notices_posted_by_id_users')),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_written_notices_reply_id_replies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_notices')),
    sa.UniqueConstraint('document_number', name=op.f('uq_written_notices_document_number')),
    sa.UniqueConstraint('kind', 'year', 'serial', name=op.f('uq_written_notices_kind_year_serial')),
    sa.UniqueConstraint('reply_id', 'petition_id', name=op.f('uq_written_notices_reply_id_petition_id'))
    )
    with op.batch_alter_table('written_notices', schema=None) as batch_op:
        batch_op.create_index('ix_written_notices_awaiting_post', ['by_post', 'posted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_written_notices_petition_id'), ['petition_id'], unique=False)



def downgrade():
    with op.batch_alter_table('written_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_written_notices_petition_id'))
        batch_op.drop_index('ix_written_notices_awaiting_post')

    op.drop_table('written_notices')
    op.drop_table('notice_counters')
