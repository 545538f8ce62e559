"""public-interest litigation leads: the petition kind `public_interest` (which may be
anonymous) and the table of what a lead adds to its petition: the field of harm, the place and
its optional coordinates, and how many of its files came in as photos (portal/leads/models.py).

Revision ID: 0023_public_interest_leads
Revises: 0021_queue_filters
Create Date: 2026-12-10 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023_public_interest_leads'
down_revision = '0021_queue_filters'
branch_labels = None
depends_on = None

# The petition kinds before and after, as the constraints list them (written out: a migration
# must not change when the code's enum does).
KINDS = ('complaint', 'criminal_appeal', 'civil_appeal', 'administrative_appeal',
         'state_compensation', 'judicial_aid', 'report', 'misconduct_report',
         'legal_consultation', 'other')
ANONYMOUS_KINDS = ('report', 'misconduct_report')
LEAD = 'public_interest'
HARM_FIELDS = ('ecology', 'food_drug', 'state_property', 'state_land', 'heroes', 'minors',
               'personal_information', 'other')


def _in(values):
    return ', '.join(f"'{value}'" for value in values)


def _petition_kinds(kinds, anonymous_kinds):
    # On SQLite the table is copied with the new constraints (batch mode); on PostgreSQL the
    # two constraints are dropped and added again.
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_petitions_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_petitions_anonymous_kinds'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({_in(kinds)})")
        batch_op.create_check_constraint(
            'anonymous_kinds', f"NOT is_anonymous OR kind IN ({_in(anonymous_kinds)})")


def upgrade():
    # The new kind before 'other', as Kind lists it (the CHECK's order is the enum's).
    _petition_kinds((*KINDS[:-1], LEAD, KINDS[-1]), (*ANONYMOUS_KINDS, LEAD))
    op.create_table(
        'public_interest_leads',
        sa.Column('petition_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('harm_field', sa.String(length=30), nullable=False),
        sa.Column('location', sa.String(length=300), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('photos', sa.Integer(), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"harm_field IN ({_in(HARM_FIELDS)})",
                           name=op.f('ck_public_interest_leads_harm_field')),
        sa.CheckConstraint('(latitude IS NULL) = (longitude IS NULL)',
                           name=op.f('ck_public_interest_leads_coordinates_paired')),
        sa.CheckConstraint('latitude IS NULL OR latitude BETWEEN -90 AND 90',
                           name=op.f('ck_public_interest_leads_latitude')),
        sa.CheckConstraint('longitude IS NULL OR longitude BETWEEN -180 AND 180',
                           name=op.f('ck_public_interest_leads_longitude')),
        sa.CheckConstraint('photos >= 0', name=op.f('ck_public_interest_leads_photos')),
        sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'],
                                name=op.f('fk_public_interest_leads_petition_id_petitions')),
        sa.PrimaryKeyConstraint('petition_id', name=op.f('pk_public_interest_leads')),
    )
    with op.batch_alter_table('public_interest_leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_interest_leads_harm_field'), ['harm_field'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('public_interest_leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_interest_leads_harm_field'))
    op.drop_table('public_interest_leads')
    # Leads filed meanwhile stay petitions, of the kind 'other' (a lead was never anonymous-only
    # by kind: an anonymous one becomes a report, the kind anonymity was allowed for before).
    petitions = sa.table('petitions', sa.column('kind'), sa.column('is_anonymous', sa.Boolean()))
    op.execute(petitions.update().where(petitions.c.kind == LEAD, petitions.c.is_anonymous)
               .values(kind='report'))
    op.execute(petitions.update().where(petitions.c.kind == LEAD).values(kind='other'))
    _petition_kinds(KINDS, ANONYMOUS_KINDS)
