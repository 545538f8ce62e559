"""search speed: the procuratorates of the public filters found through an index

The document list and the search page list the procuratorates that have published documents;
an index on (status, procuratorate) lets portal/disclosure/queries.py find them with one lookup
per procuratorate instead of reading every published document on every page.

Revision ID: 0019_search_speed
Revises: 0016_duplicate_suggestions
Create Date: 2026-12-20 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_search_speed'
down_revision = '0016_duplicate_suggestions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_legal_documents_status_procuratorate',
        'legal_documents',
        ['status', 'procuratorate'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_legal_documents_status_procuratorate', table_name='legal_documents')
