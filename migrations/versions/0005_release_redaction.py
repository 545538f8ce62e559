"""releases redacted like documents: review state, decisions, public title and body

Releases now go through the redaction engine and the publication gate like legal documents. The
title and body as written become `original_title` and `original_body` (internal); review fixes
`public_title` and `public_body`, the only release text any public route shows. Documents and
releases also store the publisher's decisions about people (`people`).

Existing published and withdrawn releases were written before any redaction: this migration runs
each through the engine of the running code, with no publisher decisions, and fixes the result as
its public title and body (reviewed_at: now; reviewed_by_id: NULL, no person reviewed it), and
rewrites its search entry from the redacted text. Where the gate still finds personal data in the
result, or the release concerns a minor (the minors' rule wants a publisher's confirmation), the
release goes back to draft instead and leaves the search index: it is public again only once two
publishers have reviewed and published it.

Published documents are checked again the same way: one whose public text the gate still finds
personal data in goes back to draft and leaves the search index.

Revision ID: 0005_release_redaction
Revises: 0004_lawyers_appointments
Create Date: 2026-12-01 10:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_release_redaction'
down_revision = '0004_lawyers_appointments'
branch_labels = None
depends_on = None

DECISION_COLUMNS = ('added_terms', 'dropped_terms', 'people')


def upgrade():
    with op.batch_alter_table('case_releases', schema=None) as batch_op:
        batch_op.alter_column('title', new_column_name='original_title',
                              existing_type=sa.String(length=200), existing_nullable=False)
        batch_op.alter_column('body', new_column_name='original_body',
                              existing_type=sa.Text(), existing_nullable=False)
        for name in DECISION_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('involves_minor', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('public_title', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('public_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('redactions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_case_releases_reviewed_by_id_users'), 'users',
                                    ['reviewed_by_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_case_releases_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_case_releases_published_has_time'), type_='check')
        batch_op.create_check_constraint(
            'status', "status IN ('draft', 'reviewed', 'published', 'withdrawn')")
        batch_op.create_check_constraint(
            'published_has_time',
            "status NOT IN ('published', 'withdrawn') OR published_at IS NOT NULL")
    with op.batch_alter_table('legal_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('people', sa.JSON(), nullable=False, server_default='[]'))

    _redact_existing_releases()
    _recheck_published_documents()

    with op.batch_alter_table('case_releases', schema=None) as batch_op:
        for name in (*DECISION_COLUMNS, 'involves_minor'):
            batch_op.alter_column(name, server_default=None)
        batch_op.create_check_constraint(
            'reviewed_has_public_text',
            "status = 'draft' OR (public_title IS NOT NULL AND public_body IS NOT NULL"
            " AND reviewed_at IS NOT NULL)")
        batch_op.create_check_constraint(
            'reviewer_does_not_publish',
            "published_by_id IS NULL OR reviewed_by_id IS NULL OR published_by_id != reviewed_by_id")
    with op.batch_alter_table('legal_documents', schema=None) as batch_op:
        batch_op.alter_column('people', server_default=None)


RELEASES = sa.table(
    'case_releases', sa.column('id'), sa.column('status'), sa.column('category'),
    sa.column('procuratorate'), sa.column('released_on', sa.Date()), sa.column('original_title'),
    sa.column('original_body'), sa.column('involves_minor', sa.Boolean()), sa.column('public_title'),
    sa.column('public_body'), sa.column('redactions', sa.JSON()),
    sa.column('reviewed_at', sa.DateTime(timezone=True)),
)
SEARCH_ENTRIES = sa.table(
    'search_entries', sa.column('kind'), sa.column('ref_id'), sa.column('title'),
    sa.column('plain'), sa.column('tokens'),
)


def _redact_existing_releases():
    """See the module docstring. The engine is imported only when there is a release to redact."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(RELEASES).where(RELEASES.c.status.in_(('published', 'withdrawn')))
    ).all()
    if not rows:
        return
    from portal.disclosure import redaction, search

    now = datetime.now(timezone.utc)
    for row in rows:
        entry = (SEARCH_ENTRIES.c.kind == 'release') & (SEARCH_ENTRIES.c.ref_id == row.id)
        fields = {'title': row.original_title, 'body': row.original_body}
        minor = row.category == 'juvenile' or redaction.mentions_minor('\n'.join(fields.values()))
        analysed = redaction.analyse_fields(fields, minor=True if minor else None)
        public = redaction.apply_fields(analysed)
        minor = minor or analysed.analysis.involves_minor
        if minor or redaction.gate(public, analysed.analysis):
            bind.execute(RELEASES.update().where(RELEASES.c.id == row.id)
                         .values(status='draft', involves_minor=minor))
            bind.execute(SEARCH_ENTRIES.delete().where(entry))
            continue
        bind.execute(RELEASES.update().where(RELEASES.c.id == row.id).values(
            public_title=public['title'],
            public_body=public['body'],
            redactions=[{'start': r.start, 'end': r.end, 'kind': r.kind,
                         'replacement': r.replacement} for r in analysed.analysis.redactions],
            reviewed_at=now,
        ))
        if row.status == 'published':
            values = search.entry_values(
                kind='release', ref_id=row.id, type_code='release',
                procuratorate=row.procuratorate, year=row.released_on.year,
                title=public['title'], text=public['body'], published_on=row.released_on,
            )
            bind.execute(SEARCH_ENTRIES.update().where(entry).values(
                title=values['title'], plain=values['plain'], tokens=values['tokens']))
        else:
            bind.execute(SEARCH_ENTRIES.delete().where(entry))


DOCUMENTS = sa.table(
    'legal_documents', sa.column('id'), sa.column('status'), sa.column('original_text'),
    sa.column('redacted_text'), sa.column('added_terms', sa.JSON()),
    sa.column('dropped_terms', sa.JSON()), sa.column('involves_minor', sa.Boolean()),
    sa.column('redactions', sa.JSON()), sa.column('reviewed_at', sa.DateTime(timezone=True)),
    sa.column('reviewed_by_id'),
)


def _recheck_published_documents():
    """Documents published by the earlier engine leaked names written with a space inside,
    names with an everyday surname and more: the gate of the running code checks each published
    document's public text against a fresh analysis of its original, and a document it finds
    personal data in goes back to draft and leaves the search index (withdrawn ones are not
    public and stay as they are). A publisher reviews it again; two publish it again."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(DOCUMENTS).where(DOCUMENTS.c.status == 'published')).all()
    if not rows:
        return
    from portal.disclosure import redaction

    for row in rows:
        terms = [redaction.Term(t['kind'], t['text']) for t in row.added_terms or []]
        dropped = [redaction.Term(t['kind'], t['text']) for t in row.dropped_terms or []]
        analysis = redaction.analyse(row.original_text, extra_terms=terms, dropped=dropped,
                                     minor=row.involves_minor or None)
        if not redaction.gate({'text': row.redacted_text or ''}, analysis):
            continue
        bind.execute(DOCUMENTS.update().where(DOCUMENTS.c.id == row.id).values(
            status='draft', redacted_text=None, redactions=None, reviewed_at=None,
            reviewed_by_id=None, involves_minor=bool(row.involves_minor or analysis.involves_minor),
        ))
        bind.execute(SEARCH_ENTRIES.delete().where(
            (SEARCH_ENTRIES.c.kind == 'document') & (SEARCH_ENTRIES.c.ref_id == row.id)))


def downgrade():
    op.execute("UPDATE case_releases SET status = 'draft' WHERE status = 'reviewed'")
    with op.batch_alter_table('legal_documents', schema=None) as batch_op:
        batch_op.drop_column('people')
    with op.batch_alter_table('case_releases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_releases_reviewer_does_not_publish'), type_='check')
        batch_op.drop_constraint(op.f('ck_case_releases_reviewed_has_public_text'), type_='check')
        batch_op.drop_constraint(op.f('ck_case_releases_published_has_time'), type_='check')
        batch_op.drop_constraint(op.f('ck_case_releases_status'), type_='check')
        batch_op.create_check_constraint(
            'status', "status IN ('draft', 'published', 'withdrawn')")
        batch_op.create_check_constraint(
            'published_has_time', "status = 'draft' OR published_at IS NOT NULL")
        batch_op.drop_constraint(op.f('fk_case_releases_reviewed_by_id_users'), type_='foreignkey')
        for name in ('reviewed_by_id', 'reviewed_at', 'redactions', 'public_body', 'public_title',
                     'involves_minor', *DECISION_COLUMNS):
            batch_op.drop_column(name)
        batch_op.alter_column('original_body', new_column_name='body',
                              existing_type=sa.Text(), existing_nullable=False)
        batch_op.alter_column('original_title', new_column_name='title',
                              existing_type=sa.String(length=200), existing_nullable=False)
