"""petitions by mobile: a first appeal is told from a repeat by the ID number (indexed) or the
mobile at every submission (院领导包案, petitions/services.py); without an index on the mobile,
each such submission read every petition

Revision ID: 0020_person_lookups
Revises: 0018_backoffice_indexes
Create Date: 2026-12-02 00:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_person_lookups'
down_revision = '0018_backoffice_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_petitions_mobile', 'petitions', ['mobile'])


def downgrade():
    op.drop_index('ix_petitions_mobile', table_name='petitions')
