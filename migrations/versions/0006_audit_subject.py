"""audit events name their subject the same way in every domain: (subject_kind, subject_id)

Petition events kept the petition in `petition_id` and every other domain wrote a string
"kind:id" into `subject`. Both become the pair (subject_kind, subject_id), indexed together, so
one query reads any record's history. Existing rows are carried over: petition_id N becomes
("petition", "N"); a subject "kind:rest" becomes ("kind", "rest"); an empty subject stays empty.

Revision ID: 0006_audit_subject
Revises: 0005_release_redaction
Create Date: 2026-12-01 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_audit_subject'
down_revision = '0005_release_redaction'
branch_labels = None
depends_on = None

events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer),
    sa.column('petition_id', sa.Integer),
    sa.column('subject', sa.String),
    sa.column('subject_kind', sa.String),
    sa.column('subject_id', sa.String),
)


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_kind', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.String(length=40), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events.c.id, events.c.petition_id, events.c.subject)
    ).all()
    for event_id, petition_id, subject in rows:
        if petition_id is not None:
            pair = ('petition', str(petition_id))
        elif subject and ':' in subject:
            kind, _sep, rest = subject.partition(':')
            pair = (kind[:30], rest[:40])
        else:
            continue
        connection.execute(
            events.update()
            .where(events.c.id == event_id)
            .values(subject_kind=pair[0], subject_id=pair[1])
        )

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_petition_id')
        batch_op.drop_constraint('fk_audit_events_petition_id_petitions', type_='foreignkey')
        batch_op.drop_column('petition_id')
        batch_op.drop_column('subject')
        batch_op.create_index(
            'ix_audit_events_subject', ['subject_kind', 'subject_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('petition_id', sa.Integer(), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events.c.id, events.c.subject_kind, events.c.subject_id)
    ).all()
    for event_id, kind, identifier in rows:
        if kind is None:
            continue
        values = (
            {'petition_id': int(identifier)}
            if kind == 'petition'
            else {'subject': f'{kind}:{identifier}'[:80]}
        )
        connection.execute(events.update().where(events.c.id == event_id).values(**values))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject')
        batch_op.create_foreign_key(
            'fk_audit_events_petition_id_petitions', 'petitions', ['petition_id'], ['id']
        )
        batch_op.create_index('ix_audit_events_petition_id', ['petition_id'], unique=False)
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_kind')
