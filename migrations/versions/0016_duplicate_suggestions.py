"""duplicate suggestions: keys to find earlier petitions by, their words, and what was found

duplicate_keys holds 64-bit hashes (a normalised ID number or mobile, or a word of the text)
under a primary key that is also the lookup index; duplicate_word_counts in how many petitions
each word appears; duplicate_fingerprints the words of each petition as compared;
duplicate_suggestions the pairs found (portal/petitions/duplicates.py). Petitions received before this revision are indexed with
`flask --app portal petitions index-duplicates`.

Revision ID: 0016_duplicate_suggestions
Revises: 0015_statistics
Create Date: 2026-12-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_duplicate_suggestions'
down_revision = '0015_statistics'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'duplicate_keys',
        sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('petition_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_duplicate_keys_petition_id_petitions')),
        sa.PrimaryKeyConstraint('key', 'petition_id', name=op.f('pk_duplicate_keys')),
    )
    op.create_table(
        'duplicate_word_counts',
        sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('petitions', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_duplicate_word_counts')),
    )
    op.create_table(
        'duplicate_fingerprints',
        sa.Column('petition_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('words', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_duplicate_fingerprints_petition_id_petitions')),
        sa.PrimaryKeyConstraint('petition_id', name=op.f('pk_duplicate_fingerprints')),
    )
    op.create_table(
        'duplicate_suggestions',
        sa.Column('petition_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('earlier_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('same_id_number', sa.Boolean(), nullable=False),
        sa.Column('same_mobile', sa.Boolean(), nullable=False),
        sa.Column('text_score', sa.Float(), nullable=False),
        sa.Column('common_words', sa.Text(), nullable=True),
        sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('earlier_id != petition_id', name=op.f('ck_duplicate_suggestions_not_itself')),
        sa.CheckConstraint('score > 0 AND score <= 1', name=op.f('ck_duplicate_suggestions_score_range')),
        sa.ForeignKeyConstraint(['earlier_id'], ['petitions.id'], name=op.f('fk_duplicate_suggestions_earlier_id_petitions')),
        sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_duplicate_suggestions_petition_id_petitions')),
        sa.PrimaryKeyConstraint('petition_id', 'earlier_id', name=op.f('pk_duplicate_suggestions')),
    )


def downgrade():
    op.drop_table('duplicate_suggestions')
    op.drop_table('duplicate_fingerprints')
    op.drop_table('duplicate_word_counts')
    op.drop_table('duplicate_keys')
