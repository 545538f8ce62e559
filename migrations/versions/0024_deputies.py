"""deputies' and members' liaison: deputies' accounts, their suggestions with attachments,
events and invitations (portal/deputies/models.py).

Revision ID: 0024_deputies
Revises: 0022_bribery_records
Create Date: 2026-12-10 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024_deputies'
down_revision = "0022_bribery_records"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deputy_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('body', sa.String(length=20), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('assembly', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=200), nullable=False),
        sa.Column('mobile', sa.String(length=20), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rejected_by_id', sa.Integer(), nullable=True),
        sa.Column('rejection_reason', sa.Text(), nullable=True),
        sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'verified', 'rejected')", name=op.f('ck_deputy_accounts_status')),
        sa.CheckConstraint("body IN ('congress', 'cppcc')", name=op.f('ck_deputy_accounts_body')),
        sa.CheckConstraint("level IN ('national', 'provincial', 'city', 'county')", name=op.f('ck_deputy_accounts_level')),
        sa.CheckConstraint("status != 'verified' OR verified_at IS NOT NULL", name=op.f('ck_deputy_accounts_verified_has_time')),
        sa.CheckConstraint("status != 'rejected' OR rejection_reason IS NOT NULL", name=op.f('ck_deputy_accounts_rejected_has_reason')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deputy_accounts_created_by_id_users')),
        sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_deputy_accounts_verified_by_id_users')),
        sa.ForeignKeyConstraint(['rejected_by_id'], ['users.id'], name=op.f('fk_deputy_accounts_rejected_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy_accounts')),
        sa.UniqueConstraint('email', name=op.f('uq_deputy_accounts_email')),
    )
    op.create_table(
        'deputy_suggestions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deputy_id', sa.Integer(), nullable=False),
        sa.Column('submission_key_hash', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('deadline_rule', sa.String(length=20), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('drafted_by_id', sa.Integer(), nullable=True),
        sa.Column('return_comment', sa.Text(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rating', sa.String(length=30), nullable=True),
        sa.Column('rating_comment', sa.Text(), nullable=True),
        sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('received', 'awaiting_approval', 'answered')", name=op.f('ck_deputy_suggestions_status')),
        sa.CheckConstraint("kind IN ('suggestion', 'criticism', 'opinion')", name=op.f('ck_deputy_suggestions_kind')),
        sa.CheckConstraint("rating IN ('satisfied', 'basically_satisfied', 'dissatisfied')", name=op.f('ck_deputy_suggestions_rating')),
        sa.CheckConstraint("status != 'answered' OR (answered_at IS NOT NULL AND approved_by_id IS NOT NULL)", name=op.f('ck_deputy_suggestions_answered_is_approved')),
        sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id != drafted_by_id', name=op.f('ck_deputy_suggestions_two')),
        sa.CheckConstraint("rating IS NULL OR status = 'answered'", name=op.f('ck_deputy_suggestions_rated_when_answered')),
        sa.ForeignKeyConstraint(['deputy_id'], ['deputy_accounts.id'], name=op.f('fk_deputy_suggestions_deputy_id_deputy_accounts')),
        sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_deputy_suggestions_drafted_by_id_users')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_deputy_suggestions_approved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy_suggestions')),
        sa.UniqueConstraint('submission_key_hash', name=op.f('uq_deputy_suggestions_submission_key_hash')),
    )
    op.create_index(op.f('ix_deputy_suggestions_deputy_id'), 'deputy_suggestions', ['deputy_id'])
    op.create_index('ix_deputy_suggestions_status_due', 'deputy_suggestions', ['status', 'due_on'])
    op.create_table(
        'deputy_suggestion_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('suggestion_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=80), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['suggestion_id'], ['deputy_suggestions.id'], name=op.f('fk_deputy_suggestion_attachments_suggestion_id_deputy_suggestions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy_suggestion_attachments')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_deputy_suggestion_attachments_storage_key')),
    )
    op.create_index(op.f('ix_deputy_suggestion_attachments_suggestion_id'), 'deputy_suggestion_attachments', ['suggestion_id'])
    op.create_table(
        'deputy_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('open_day', 'hearing', 'forum', 'other')", name=op.f('ck_deputy_events_kind')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deputy_events_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy_events')),
    )
    op.create_table(
        'deputy_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('deputy_id', sa.Integer(), nullable=False),
        sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=False),
        sa.Column('reply', sa.String(length=20), nullable=True),
        sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("reply IN ('attend', 'decline')", name=op.f('ck_deputy_invitations_reply')),
        sa.CheckConstraint('(reply IS NULL) = (replied_at IS NULL)', name=op.f('ck_deputy_invitations_replied_at')),
        sa.ForeignKeyConstraint(['event_id'], ['deputy_events.id'], name=op.f('fk_deputy_invitations_event_id_deputy_events')),
        sa.ForeignKeyConstraint(['deputy_id'], ['deputy_accounts.id'], name=op.f('fk_deputy_invitations_deputy_id_deputy_accounts')),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_deputy_invitations_invited_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy_invitations')),
        sa.UniqueConstraint('event_id', 'deputy_id', name=op.f('uq_deputy_invitations_event_id_deputy_id')),
    )
    op.create_index(op.f('ix_deputy_invitations_event_id'), 'deputy_invitations', ['event_id'])
    op.create_index(op.f('ix_deputy_invitations_deputy_id'), 'deputy_invitations', ['deputy_id'])


def downgrade():
    op.drop_table('deputy_invitations')
    op.drop_table('deputy_events')
    op.drop_table('deputy_suggestion_attachments')
    op.drop_table('deputy_suggestions')
    op.drop_table('deputy_accounts')
