"""the reception day as a published rota: which leader receives on which date, where, when and
for how many visitors (portal/appointments/models.py, ReceptionRotaDay). Opening hours of the
reception-day service are no longer read: only rota days are bookable.

Revision ID: 0025_reception_rota
Revises: 0030_stored_files
Create Date: 2026-12-02 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_reception_rota"
down_revision = "0030_stored_files"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reception_rota_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("leader_name", sa.String(length=50), nullable=False),
        sa.Column("leader_title", sa.String(length=50), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("closure_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_reception_rota_days_ends_after_start")),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name=op.f("ck_reception_rota_days_slot_minutes")),
        sa.CheckConstraint("capacity BETWEEN 1 AND 100", name=op.f("ck_reception_rota_days_capacity")),
        sa.CheckConstraint(
            "(cancelled_at IS NULL) = (cancel_reason IS NULL)",
            name=op.f("ck_reception_rota_days_cancelled_has_reason"),
        ),
        sa.ForeignKeyConstraint(["place_id"], ["appointment_places.id"], name=op.f("fk_reception_rota_days_place_id_appointment_places")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_reception_rota_days_created_by_id_users")),
        sa.ForeignKeyConstraint(["cancelled_by_id"], ["users.id"], name=op.f("fk_reception_rota_days_cancelled_by_id_users")),
        sa.ForeignKeyConstraint(["closure_id"], ["appointment_closures.id"], name=op.f("fk_reception_rota_days_closure_id_appointment_closures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_rota_days")),
    )
    op.create_index(op.f("ix_reception_rota_days_place_id"), "reception_rota_days", ["place_id"])
    op.create_index(op.f("ix_reception_rota_days_day"), "reception_rota_days", ["day"])
    standing = sa.text("cancelled_at IS NULL")
    op.create_index(
        "uq_reception_rota_days_standing",
        "reception_rota_days",
        ["place_id", "day"],
        unique=True,
        sqlite_where=standing,
        postgresql_where=standing,
    )


def downgrade():
    op.drop_index("uq_reception_rota_days_standing", table_name="reception_rota_days")
    op.drop_index(op.f("ix_reception_rota_days_day"), table_name="reception_rota_days")
    op.drop_index(op.f("ix_reception_rota_days_place_id"), table_name="reception_rota_days")
    op.drop_table("reception_rota_days")
