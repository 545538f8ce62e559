"""code hmac: partial indexes over the codes whose hash is still a legacy one

Query, cancel and case codes are now stored as HMACs under CODE_HASH_KEY (portal/core/codes.py);
argon2 hashes from before keep working and are replaced at each code's next successful lookup.
While any remain, a lookup of an unknown number does an argon2 verification as well, so that it
costs what a wrong code does; these indexes hold only those rows, so asking whether any remain
is one probe. Nothing is rewritten here: an argon2 hash can only be replaced by someone who
types the code.

Revision ID: 0017_code_hmac
Revises: 0016_duplicate_suggestions
Create Date: 2026-12-20 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_code_hmac'
down_revision = '0016_duplicate_suggestions'
branch_labels = None
depends_on = None

# As portal.core.codes.legacy_condition spells it (a migration does not import the app).
INDEXES = [
    ('ix_petitions_legacy_code_hash', 'petitions', 'query_code_hash'),
    ('ix_bookings_legacy_code_hash', 'bookings', 'cancel_code_hash'),
    ('ix_case_query_grants_legacy_code_hash', 'case_query_grants', 'code_hash'),
]


def upgrade():
    for name, table, column in INDEXES:
        condition = sa.text(f"{column} NOT LIKE 'hmac-sha256$%'")
        op.create_index(name, table, ['id'], sqlite_where=condition, postgresql_where=condition)


def downgrade():
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
