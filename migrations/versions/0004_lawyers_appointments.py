"""lawyers and appointments

Revision ID: 0004_lawyers_appointments
Revises: 0003_disclosure
Create Date: 2026-11-23 23:37:18.223178

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_lawyers_appointments'
down_revision = '0003_disclosure'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
