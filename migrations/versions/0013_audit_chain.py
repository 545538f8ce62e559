"""the audit trail becomes tamper-evident: a hash chain, its head, and no UPDATE or DELETE

Every event gets its place in one chain (`sequence`, gap-free), the hash of the event before it
and its own hash (portal/core/audit.py says how they are computed; the same function chains the
existing rows here, in the order they were written, i.e. by id). `audit_chain_head` holds the
chain's end. Triggers then refuse UPDATE and DELETE on audit_events (one definition, in
core/audit.py); the downgrade drops them first.

Revision ID: 0013_audit_chain
Revises: 0012_unreachable
Create Date: 2026-12-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core import audit


revision = '0013_audit_chain'
down_revision = '0012_unreachable'
branch_labels = None
depends_on = None

BATCH = 5_000
events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer),
    sa.column('at', sa.DateTime(timezone=True)),
    *(sa.column(name) for name in audit.HASHED_FIELDS if name not in {'at', 'sequence'}),
    sa.column('sequence', sa.BigInteger),
    sa.column('prev_hash', sa.String),
    sa.column('hash', sa.String),
)


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    sequence, prev_hash = _chain_existing_rows(op.get_bind())

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('sequence', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_audit_events_sequence', ['sequence'])
        batch_op.create_index('ix_audit_events_code_sequence', ['code', 'sequence'], unique=False)
        batch_op.create_index(
            'ix_audit_events_actor_sequence', ['actor_id', 'sequence'], unique=False
        )

    head = op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('sequence', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')),
    )
    op.bulk_insert(head, [{'id': 1, 'sequence': sequence, 'hash': prev_hash}])
    # Created last: on SQLite, batch operations rebuild the table and would lose them.
    audit.create_guard(op.get_bind())


def _chain_existing_rows(connection):
    """Chain the rows already written, by id, a batch at a time; return the chain's end."""
    sequence, prev_hash, last_id = 0, audit.GENESIS, 0
    while True:
        rows = connection.execute(
            sa.select(events).where(events.c.id > last_id).order_by(events.c.id).limit(BATCH)
        ).all()
        if not rows:
            return sequence, prev_hash
        changes = []
        for row in rows:
            sequence += 1
            fields = {**row._mapping, 'sequence': sequence}
            current = audit.chain_hash(fields, prev_hash)
            changes.append({'row_id': row.id, 'seq': sequence, 'prev': prev_hash, 'own': current})
            prev_hash, last_id = current, row.id
        connection.execute(
            events.update()
            .where(events.c.id == sa.bindparam('row_id'))
            .values(
                sequence=sa.bindparam('seq'),
                prev_hash=sa.bindparam('prev'),
                hash=sa.bindparam('own'),
            ),
            changes,
        )


def downgrade():
    audit.drop_guard(op.get_bind())
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_actor_sequence')
        batch_op.drop_index('ix_audit_events_code_sequence')
        batch_op.drop_constraint('uq_audit_events_sequence', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('sequence')
