"""lawyers and appointments

Revision ID: 0004_lawyers_appointments
Revises: 0003_disclosure
Create Date: 2026-11-23 23:37:18.223178

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_lawyers_appointments'
down_revision = '0003_disclosure'
branch_labels = None
depends_on = None


OLD_ACTOR_KINDS = "actor_kind IN ('staff', 'petitioner', 'system')"
NEW_ACTOR_KINDS = "actor_kind IN ('staff', 'petitioner', 'lawyer', 'system')"


def _set_actor_kinds(condition):
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_events_actor_kind'), type_='check')
        batch_op.create_check_constraint('actor_kind', condition)


def upgrade():
    _set_actor_kinds(NEW_ACTOR_KINDS)
    op.create_table('appointment_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_places')),
    sa.UniqueConstraint('name', name=op.f('uq_appointment_places_name'))
    )
    op.create_table('appointment_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('service', sa.String(length=20), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("service IS NULL OR service IN ('file_reading', 'meeting', 'opinions', 'reception_day')", name=op.f('ck_appointment_closures_service')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_appointment_closures_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_appointment_closures_created_by_id_users')),
    sa.ForeignKeyConstraint(['place_id'], ['appointment_places.id'], name=op.f('fk_appointment_closures_place_id_appointment_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_closures'))
    )
    op.create_table('lawyer_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('licence_number', sa.String(length=17), nullable=False),
    sa.Column('law_firm', sa.String(length=200), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejected_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.CheckConstraint("status != 'rejected' OR rejection_reason IS NOT NULL", name=op.f('ck_lawyer_accounts_rejected_has_reason')),
    sa.CheckConstraint("status != 'verified' OR (verified_at IS NOT NULL AND email_confirmed_at IS NOT NULL)", name=op.f('ck_lawyer_accounts_verified_has_confirmation')),
    sa.CheckConstraint("status IN ('pending', 'verified', 'rejected')", name=op.f('ck_lawyer_accounts_status')),
    sa.ForeignKeyConstraint(['rejected_by_id'], ['users.id'], name=op.f('fk_lawyer_accounts_rejected_by_id_users')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_lawyer_accounts_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lawyer_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_lawyer_accounts_email')),
    sa.UniqueConstraint('licence_number', name=op.f('uq_lawyer_accounts_licence_number'))
    )
    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("service IN ('file_reading', 'meeting', 'opinions', 'reception_day')", name=op.f('ck_opening_hours_service')),
    sa.CheckConstraint('capacity BETWEEN 1 AND 500', name=op.f('ck_opening_hours_capacity')),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_opening_hours_ends_after_start')),
    sa.CheckConstraint('slot_minutes BETWEEN 5 AND 480', name=op.f('ck_opening_hours_slot_minutes')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_opening_hours_weekday')),
    sa.ForeignKeyConstraint(['place_id'], ['appointment_places.id'], name=op.f('fk_opening_hours_place_id_appointment_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening_hours'))
    )
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opening_hours_place_id'), ['place_id'], unique=False)

    op.create_table('reading_exclusions',
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reading_exclusions_created_by_id_users')),
    sa.PrimaryKeyConstraint('category', name=op.f('pk_reading_exclusions'))
    )
    op.create_table('appointment_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closure_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("service IN ('file_reading', 'meeting', 'opinions', 'reception_day')", name=op.f('ck_appointment_slots_service')),
    sa.CheckConstraint('(closed_at IS NULL) = (closure_id IS NULL)', name=op.f('ck_appointment_slots_closed_by_a_closure')),
    sa.CheckConstraint('booked >= 0 AND booked <= capacity', name=op.f('ck_appointment_slots_within_capacity')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_appointment_slots_ends_after_start')),
    sa.ForeignKeyConstraint(['closure_id'], ['appointment_closures.id'], name=op.f('fk_appointment_slots_closure_id_appointment_closures')),
    sa.ForeignKeyConstraint(['place_id'], ['appointment_places.id'], name=op.f('fk_appointment_slots_place_id_appointment_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_slots')),
    sa.UniqueConstraint('place_id', 'service', 'starts_at', name=op.f('uq_appointment_slots_place_id_service_starts_at'))
    )
    with op.batch_alter_table('appointment_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_slots_starts_at'), ['starts_at'], unique=False)

    op.create_table('case_bindings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lawyer_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('active_key', sa.String(length=40), nullable=True),
    sa.Column('client_name', sa.String(length=100), nullable=False),
    sa.Column('relation', sa.String(length=30), nullable=False),
    sa.Column('mandate', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'rejected') = (active_key IS NULL)", name=op.f('ck_case_bindings_active_key_while_active')),
    sa.CheckConstraint("mandate IN ('power_of_attorney', 'legal_aid')", name=op.f('ck_case_bindings_mandate')),
    sa.CheckConstraint("relation IN ('defender', 'victim_agent', 'civil_agent')", name=op.f('ck_case_bindings_relation')),
    sa.CheckConstraint("status != 'rejected' OR rejection_reason IS NOT NULL", name=op.f('ck_case_bindings_rejected_has_reason')),
    sa.CheckConstraint("status IN ('requested', 'approved', 'rejected')", name=op.f('ck_case_bindings_status')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_bindings_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_bindings_decided_by_id_users')),
    sa.ForeignKeyConstraint(['lawyer_id'], ['lawyer_accounts.id'], name=op.f('fk_case_bindings_lawyer_id_lawyer_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_bindings')),
    sa.UniqueConstraint('active_key', name=op.f('uq_case_bindings_active_key'))
    )
    with op.batch_alter_table('case_bindings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_bindings_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_bindings_lawyer_id'), ['lawyer_id'], unique=False)

    op.create_table('binding_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('binding_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('licence', 'firm_letter', 'mandate')", name=op.f('ck_binding_documents_kind')),
    sa.ForeignKeyConstraint(['binding_id'], ['case_bindings.id'], name=op.f('fk_binding_documents_binding_id_case_bindings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_binding_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_binding_documents_storage_key'))
    )
    with op.batch_alter_table('binding_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_binding_documents_binding_id'), ['binding_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('submission_key_hash', sa.String(length=64), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lawyer_id', sa.Integer(), nullable=True),
    sa.Column('case_number', sa.String(length=60), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('active_key', sa.String(length=120), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('visitor_name', sa.String(length=50), nullable=True),
    sa.Column('visitor_mobile', sa.String(length=20), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('cancel_code_hash', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('rescheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('no_show_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('no_show_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.String(length=10), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('closure_id', sa.Integer(), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(status IN ('cancelled', 'declined')) = (active_key IS NULL)", name=op.f('ck_bookings_active_key_while_held')),
    sa.CheckConstraint("service IN ('file_reading', 'meeting', 'opinions', 'reception_day')", name=op.f('ck_bookings_service')),
    sa.CheckConstraint("status != 'cancelled' OR (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)", name=op.f('ck_bookings_cancelled_has_reason')),
    sa.CheckConstraint("status != 'declined' OR (declined_at IS NOT NULL AND decline_reason IS NOT NULL)", name=op.f('ck_bookings_declined_has_reason')),
    sa.CheckConstraint("status IN ('requested', 'confirmed', 'checked_in', 'no_show', 'cancelled', 'declined')", name=op.f('ck_bookings_status')),
    sa.CheckConstraint('(lawyer_id IS NOT NULL AND case_number IS NOT NULL) OR (visitor_name IS NOT NULL AND visitor_mobile IS NOT NULL AND cancel_code_hash IS NOT NULL)', name=op.f('ck_bookings_lawyer_or_visitor')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_bookings_case_id_cases')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_bookings_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['closure_id'], ['appointment_closures.id'], name=op.f('fk_bookings_closure_id_appointment_closures')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_bookings_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['declined_by_id'], ['users.id'], name=op.f('fk_bookings_declined_by_id_users')),
    sa.ForeignKeyConstraint(['lawyer_id'], ['lawyer_accounts.id'], name=op.f('fk_bookings_lawyer_id_lawyer_accounts')),
    sa.ForeignKeyConstraint(['no_show_by_id'], ['users.id'], name=op.f('fk_bookings_no_show_by_id_users')),
    sa.ForeignKeyConstraint(['slot_id'], ['appointment_slots.id'], name=op.f('fk_bookings_slot_id_appointment_slots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
    sa.UniqueConstraint('active_key', name=op.f('uq_bookings_active_key')),
    sa.UniqueConstraint('reference', name=op.f('uq_bookings_reference')),
    sa.UniqueConstraint('submission_key_hash', name=op.f('uq_bookings_submission_key_hash'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_lawyer_id'), ['lawyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_status'), ['status'], unique=False)

    op.create_table('case_file_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('binding_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_by_id', sa.Integer(), nullable=False),
    sa.Column('available_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('available_until > delivered_at', name=op.f('ck_case_file_deliveries_period_after_delivery')),
    sa.ForeignKeyConstraint(['binding_id'], ['case_bindings.id'], name=op.f('fk_case_file_deliveries_binding_id_case_bindings')),
    sa.ForeignKeyConstraint(['delivered_by_id'], ['users.id'], name=op.f('fk_case_file_deliveries_delivered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_file_deliveries')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_case_file_deliveries_storage_key'))
    )
    with op.batch_alter_table('case_file_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_file_deliveries_binding_id'), ['binding_id'], unique=False)


def downgrade():
    op.execute("UPDATE audit_events SET actor_kind = 'petitioner' WHERE actor_kind = 'lawyer'")
    _set_actor_kinds(OLD_ACTOR_KINDS)
    with op.batch_alter_table('case_file_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_file_deliveries_binding_id'))

    op.drop_table('case_file_deliveries')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bookings_status'))
        batch_op.drop_index(batch_op.f('ix_bookings_slot_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_lawyer_id'))

    op.drop_table('bookings')
    with op.batch_alter_table('binding_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_binding_documents_binding_id'))

    op.drop_table('binding_documents')
    with op.batch_alter_table('case_bindings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_bindings_lawyer_id'))
        batch_op.drop_index(batch_op.f('ix_case_bindings_case_id'))

    op.drop_table('case_bindings')
    with op.batch_alter_table('appointment_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_slots_starts_at'))

    op.drop_table('appointment_slots')
    op.drop_table('reading_exclusions')
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opening_hours_place_id'))

    op.drop_table('opening_hours')
    op.drop_table('lawyer_accounts')
    op.drop_table('appointment_closures')
    op.drop_table('appointment_places')
