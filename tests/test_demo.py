"""`make run` loads demo data: it must work on a fresh database and be safe to run again."""

import sqlalchemy as sa

from portal.accounts.services import authenticate
from portal.appointments.availability import places_offering
from portal.extensions import db
from portal.petitions.models import Petition


def test_demo_data_loads_once_and_prints_working_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "clerk@demo.local" in first.output and "lawyer@demo.local" in first.output
    petitions = db.session.scalar(sa.select(sa.func.count(Petition.id)))
    assert petitions >= 4
    assert authenticate("admin@demo.local", "Demo-admin-2026").role == "admin"
    assert places_offering("file_reading")
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0 and "already present" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == petitions
