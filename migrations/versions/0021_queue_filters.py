"""queue filters: the "all" list filtered by kind, channel or state counts its petitions, and
reads them whole when they are few, through indexes on (kind, channel, status), (kind, status)
and (channel, status), which replace the index on kind alone. Walking the list's order for a rare
combination read most of a million petitions (petitions/queries.py, petitions_in_queue).

Revision ID: 0021_queue_filters
Revises: 0020_person_lookups
Create Date: 2026-12-02 02:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_queue_filters'
down_revision = '0020_person_lookups'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_petitions_kind_channel_status': ['kind', 'channel', 'status'],
    'ix_petitions_kind_status': ['kind', 'status'],
    'ix_petitions_channel_status': ['channel', 'status'],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'petitions', columns)
    op.drop_index('ix_petitions_kind', table_name='petitions')


def downgrade():
    op.create_index('ix_petitions_kind', 'petitions', ['kind'])
    for name in INDEXES:
        op.drop_index(name, table_name='petitions')
