"""server-side login sessions: one row per login, for staff and lawyers alike

Each login becomes a row of `login_sessions` (only the SHA-256 of the id in the cookie is
stored); logout, a password change or reset and deactivation revoke rows, and the loader refuses
idle and too old ones (portal/core/sessions.py). The per-account `session_token` that the
cookie used to carry is no longer read: it goes from `users` and `lawyer_accounts`. Sessions
signed before this migration carry no login session id and simply end: everyone logs in again.

Revision ID: 0007_sessions
Revises: 0006_audit_subject
Create Date: 2026-12-08 10:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0007_sessions'
down_revision = '0006_audit_subject'
branch_labels = None
depends_on = None

ACCOUNT_TABLES = ('users', 'lawyer_accounts')


def upgrade():
    op.create_table(
        'login_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('account_kind', sa.String(length=20), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash')),
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_login_sessions_account', ['account_kind', 'account_id'], unique=False
        )

    for table in ACCOUNT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('session_token')


def downgrade():
    # The old cookies named a per-account token; give every account a fresh random one.
    for table in ACCOUNT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        accounts = sa.table(table, sa.column('id', sa.Integer), sa.column('session_token', sa.String))
        connection = op.get_bind()
        for (account_id,) in connection.execute(sa.select(accounts.c.id)).all():
            connection.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(session_token=secrets.token_hex(16))
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                'session_token', existing_type=sa.String(length=64), nullable=False
            )

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_login_sessions_account')
    op.drop_table('login_sessions')
