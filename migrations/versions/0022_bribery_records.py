"""bribery records: the bribery-record inquiry (行贿犯罪档案查询, portal/certificates): the
applications with their 3-working-day due date and authorisation letter, the records of bribery
crimes staff keep (one per judgment and number), the certificates that answer applications
(revocable), and the counters of application and certificate numbers.

Revision ID: 0022_bribery_records
Revises: 0023_public_interest_leads
Create Date: 2026-12-02 02:41:48.182584

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_bribery_records'
down_revision = "0023_public_interest_leads"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_inquiry_counters',
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_record_inquiry_counters'))
    )
    op.create_table('bribery_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder_kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('identifier', sa.String(length=18), nullable=False),
    sa.Column('judgment_number', sa.String(length=100), nullable=False),
    sa.Column('court', sa.String(length=200), nullable=False),
    sa.Column('judgment_on', sa.Date(), nullable=False),
    sa.Column('offence', sa.String(length=200), nullable=False),
    sa.Column('sentence', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("holder_kind IN ('company', 'person')", name=op.f('ck_bribery_records_holder_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bribery_records_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_bribery_records_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bribery_records')),
    sa.UniqueConstraint('identifier', 'judgment_number', name='one_entry_per_judgment')
    )
    op.create_table('record_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('holder_kind', sa.String(length=20), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('identifier', sa.String(length=18), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('project_name', sa.String(length=200), nullable=True),
    sa.Column('tendering_party', sa.String(length=200), nullable=True),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('locale', sa.String(length=20), nullable=False),
    sa.Column('letter_filename', sa.String(length=200), nullable=False),
    sa.Column('letter_content_type', sa.String(length=100), nullable=False),
    sa.Column('letter_size', sa.Integer(), nullable=False),
    sa.Column('letter_sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('submission_key_hash', sa.String(length=64), nullable=False),
    sa.Column('query_code_hash', sa.String(length=255), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("holder_kind IN ('company', 'person')", name=op.f('ck_record_applications_holder_kind')),
    sa.CheckConstraint("status != 'refused' OR refusal_reason IS NOT NULL", name=op.f('ck_record_applications_refused_has_reason')),
    sa.CheckConstraint("status = 'received' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)", name=op.f('ck_record_applications_decided_has_decider')),
    sa.CheckConstraint("status IN ('received', 'answered', 'refused')", name=op.f('ck_record_applications_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_record_applications_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_record_applications_number')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_record_applications_storage_key')),
    sa.UniqueConstraint('submission_key_hash', name=op.f('uq_record_applications_submission_key_hash'))
    )
    with op.batch_alter_table('record_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_applications_identifier'), ['identifier'], unique=False)
        batch_op.create_index('ix_record_applications_status_due_on', ['status', 'due_on'], unique=False)

    op.create_table('record_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('verification_code_hash', sa.String(length=255), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('found_records', sa.Text(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("result IN ('no_record', 'records_found')", name=op.f('ck_record_certificates_result')),
    sa.CheckConstraint('revoked_at IS NULL OR (revocation_reason IS NOT NULL AND revoked_by_id IS NOT NULL)', name=op.f('ck_record_certificates_revoked_has_reason')),
    sa.ForeignKeyConstraint(['application_id'], ['record_applications.id'], name=op.f('fk_record_certificates_application_id_record_applications')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_record_certificates_issued_by_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_record_certificates_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_certificates')),
    sa.UniqueConstraint('application_id', name=op.f('uq_record_certificates_application_id')),
    sa.UniqueConstraint('number', name=op.f('uq_record_certificates_number'))
    )


def downgrade():
    op.drop_table('record_certificates')
    with op.batch_alter_table('record_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_record_applications_status_due_on')
        batch_op.drop_index(batch_op.f('ix_record_applications_identifier'))

    op.drop_table('record_applications')
    op.drop_table('bribery_records')
    op.drop_table('record_inquiry_counters')
