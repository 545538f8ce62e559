"""documents in English and a ranking by title: optional English titles and summaries of legal
documents and releases; the title words of every search entry (`head`) in a full-text index of
their own

* `english_title`, `english_summary` on legal_documents and case_releases: entered by the
  publisher, shown on the public pages and searched (portal/disclosure/search.py).
* search_entries.head: the tokens of the title, the document type (in Chinese and English) and
  the English title. A search lists the entries whose head holds every word first, then the
  others (newest first in each): 不起诉 finds the 不起诉决定书 before a text that mentions it.
  The head has an index of its own, so that its postings are only the titles' and counting the
  entries of that first tier costs no more than a rare word:
  - SQLite: an FTS5 table `search_fts_head` over head and facets (external content, kept in step
    by triggers, as search_fts is);
  - PostgreSQL: a stored generated column `head_vector` with a GIN index.
  The new column starts empty: `flask --app portal search reindex` fills it, and re-segments
  every published text with the legal terms of the segmenter's dictionary (README).

Revision ID: 0028_document_english
Revises: 0025_reception_rota
Create Date: 2026-12-21 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028_document_english'
down_revision = "0025_reception_rota"
branch_labels = None
depends_on = None

SQLITE_HEAD_FTS = [
    """CREATE VIRTUAL TABLE search_fts_head USING fts5(
        head, facets, content='search_entries', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_entries_head_ai AFTER INSERT ON search_entries BEGIN
        INSERT INTO search_fts_head(rowid, head, facets) VALUES (new.id, new.head, new.facets);
    END""",
    """CREATE TRIGGER search_entries_head_ad AFTER DELETE ON search_entries BEGIN
        INSERT INTO search_fts_head(search_fts_head, rowid, head, facets)
            VALUES ('delete', old.id, old.head, old.facets);
    END""",
    """CREATE TRIGGER search_entries_head_au AFTER UPDATE ON search_entries BEGIN
        INSERT INTO search_fts_head(search_fts_head, rowid, head, facets)
            VALUES ('delete', old.id, old.head, old.facets);
        INSERT INTO search_fts_head(rowid, head, facets) VALUES (new.id, new.head, new.facets);
    END""",
    "INSERT INTO search_fts_head(search_fts_head) VALUES ('rebuild')",
]


def upgrade():
    for table in ('legal_documents', 'case_releases'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('english_title', sa.String(length=300), nullable=True))
            batch_op.add_column(sa.Column('english_summary', sa.Text(), nullable=True))
    with op.batch_alter_table('search_entries') as batch_op:
        batch_op.add_column(sa.Column('head', sa.Text(), server_default='', nullable=False))
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_HEAD_FTS:
            op.execute(statement)
    else:
        op.execute(
            "ALTER TABLE search_entries ADD COLUMN head_vector tsvector "
            "GENERATED ALWAYS AS (strip(to_tsvector('simple', head))) STORED"
        )
        op.execute(
            'CREATE INDEX ix_search_entries_head_tsv ON search_entries USING gin (head_vector) '
            'WITH (fastupdate = off)'
        )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('ai', 'ad', 'au'):
            op.execute(f'DROP TRIGGER IF EXISTS search_entries_head_{trigger}')
        op.execute('DROP TABLE IF EXISTS search_fts_head')
    else:
        op.execute('DROP INDEX IF EXISTS ix_search_entries_head_tsv')
        op.execute('ALTER TABLE search_entries DROP COLUMN head_vector')
    with op.batch_alter_table('search_entries') as batch_op:
        batch_op.drop_column('head')
    for table in ('case_releases', 'legal_documents'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('english_summary')
            batch_op.drop_column('english_title')
