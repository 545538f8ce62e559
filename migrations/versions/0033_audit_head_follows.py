"""audit head follows: the database sets the chain head's hash from the last event as it is
inserted (portal/core/audit.py, HEAD_FOLLOWS), one statement less in every audited transaction
than the UPDATE the portal sent after hashing. The head already holds the last event's hash.

Revision ID: 0033_audit_head_follows
Revises: 0032_submission_claims
Create Date: 2026-12-03 02:30:00.000000

"""

from alembic import op

from portal.core import audit

# revision identifiers, used by Alembic.
revision = "0033_audit_head_follows"
down_revision = "0032_submission_claims"
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    for statement in audit.HEAD_FOLLOWS[connection.dialect.name]["create"]:
        connection.exec_driver_sql(statement)


def downgrade():
    connection = op.get_bind()
    for statement in audit.HEAD_FOLLOWS[connection.dialect.name]["drop"]:
        connection.exec_driver_sql(statement)
