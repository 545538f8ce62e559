"""back-office indexes: each queue's filter and order, so a page reads its rows and no others

The "all" queue is read as three index ranges in its order (petitions/queries.py): received
petitions by (status, ack_due_on, received_at, id); open ones by (reply_due_on, received_at, id)
or, with a state chosen, (status, reply_due_on, received_at, id); the rest by
(received_at, id) or, with a state chosen, (status, received_at, id). They replace the
indexes on (status, ack_due_on), (status, reply_due_on), reply_due_on and received_at, which
they extend (PostgreSQL would otherwise sort the ties of each page). "Mine" reads
(assigned_to_id, status) and (lead_leader_id, status), which replace the indexes on those
columns alone. The petitions merged into one are found by an index on merged_into_id (the
petition page lists them; before, each petition page read every petition). The index on
channel goes: a channel is a tenth to a half of all petitions, too many to read through an
index, and SQLite's planner, offered it, read every petition of a channel instead of a queue's
few rows.

The notices to post are read oldest first from (by_post, posted_at, issued_at, id), which
replaces (by_post, posted_at).

The audit trail page lists newest first by time, then chain number, alone or filtered by event
type, staff member, kind of actor or subject, with or without dates: one index per filter whose
order is the page's, (filter, at, sequence); they replace the indexes by (code, sequence),
(actor_id, sequence), (subject_kind, subject_id) and (at). Plain indexes: the append-only
triggers on audit_events stay as they are.

Revision ID: 0018_backoffice_indexes
Revises: 0019_search_speed
Create Date: 2026-12-20 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_backoffice_indexes'
down_revision = '0019_search_speed'
branch_labels = None
depends_on = None

AUDIT_INDEXES = {
    'ix_audit_events_at_sequence': ['at', 'sequence'],
    'ix_audit_events_code_at': ['code', 'at', 'sequence'],
    'ix_audit_events_actor_at': ['actor_id', 'at', 'sequence'],
    'ix_audit_events_actor_kind_at': ['actor_kind', 'at', 'sequence'],
    'ix_audit_events_subject_kind_at': ['subject_kind', 'at', 'sequence'],
    'ix_audit_events_subject_at': ['subject_kind', 'subject_id', 'at', 'sequence'],
}
OLD_AUDIT_INDEXES = {
    'ix_audit_events_at': ['at'],
    'ix_audit_events_code_sequence': ['code', 'sequence'],
    'ix_audit_events_actor_sequence': ['actor_id', 'sequence'],
    'ix_audit_events_subject': ['subject_kind', 'subject_id'],
}


def upgrade():
    op.create_index(
        'ix_petitions_status_ack_due_order',
        'petitions',
        ['status', 'ack_due_on', 'received_at', 'id'],
    )
    op.create_index(
        'ix_petitions_status_reply_due_order',
        'petitions',
        ['status', 'reply_due_on', 'received_at', 'id'],
    )
    op.create_index(
        'ix_petitions_reply_due_order', 'petitions', ['reply_due_on', 'received_at', 'id']
    )
    op.create_index('ix_petitions_status_received', 'petitions', ['status', 'received_at', 'id'])
    op.create_index('ix_petitions_merged_into_id', 'petitions', ['merged_into_id'])
    op.create_index('ix_petitions_received_order', 'petitions', ['received_at', 'id'])
    op.drop_index('ix_petitions_received_at', table_name='petitions')
    op.create_index('ix_petitions_assigned_to_status', 'petitions', ['assigned_to_id', 'status'])
    op.create_index('ix_petitions_lead_leader_status', 'petitions', ['lead_leader_id', 'status'])
    op.drop_index('ix_petitions_assigned_to_id', table_name='petitions')
    op.drop_index('ix_petitions_lead_leader_id', table_name='petitions')
    op.drop_index('ix_petitions_channel', table_name='petitions')
    op.drop_index('ix_petitions_status_ack_due_on', table_name='petitions')
    op.drop_index('ix_petitions_status_reply_due_on', table_name='petitions')
    op.drop_index('ix_petitions_reply_due_on', table_name='petitions')
    op.create_index(
        'ix_written_notices_to_post', 'written_notices', ['by_post', 'posted_at', 'issued_at', 'id']
    )
    op.drop_index('ix_written_notices_awaiting_post', table_name='written_notices')
    for name, columns in AUDIT_INDEXES.items():
        op.create_index(name, 'audit_events', columns)
    for name in OLD_AUDIT_INDEXES:
        op.drop_index(name, table_name='audit_events')


def downgrade():
    op.create_index('ix_written_notices_awaiting_post', 'written_notices', ['by_post', 'posted_at'])
    op.drop_index('ix_written_notices_to_post', table_name='written_notices')
    for name, columns in OLD_AUDIT_INDEXES.items():
        op.create_index(name, 'audit_events', columns)
    for name in AUDIT_INDEXES:
        op.drop_index(name, table_name='audit_events')
    op.create_index('ix_petitions_channel', 'petitions', ['channel'])
    op.create_index('ix_petitions_lead_leader_id', 'petitions', ['lead_leader_id'])
    op.create_index('ix_petitions_assigned_to_id', 'petitions', ['assigned_to_id'])
    op.drop_index('ix_petitions_lead_leader_status', table_name='petitions')
    op.drop_index('ix_petitions_assigned_to_status', table_name='petitions')
    op.create_index('ix_petitions_reply_due_on', 'petitions', ['reply_due_on'])
    op.create_index('ix_petitions_status_reply_due_on', 'petitions', ['status', 'reply_due_on'])
    op.create_index('ix_petitions_status_ack_due_on', 'petitions', ['status', 'ack_due_on'])
    op.create_index('ix_petitions_received_at', 'petitions', ['received_at'])
    op.drop_index('ix_petitions_received_order', table_name='petitions')
    op.drop_index('ix_petitions_merged_into_id', table_name='petitions')
    op.drop_index('ix_petitions_status_received', table_name='petitions')
    op.drop_index('ix_petitions_reply_due_order', table_name='petitions')
    op.drop_index('ix_petitions_status_reply_due_order', table_name='petitions')
    op.drop_index('ix_petitions_status_ack_due_order', table_name='petitions')
