"""legal documents and releases

Revision ID: 0003_disclosure
Revises: 0002_cases
Create Date: 2026-11-23 23:37:18.223178

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_disclosure'
down_revision = '0002_cases'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
