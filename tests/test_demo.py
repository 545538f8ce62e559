"""`make run` loads demo data: it must work on a fresh database and be safe to run again."""

import sqlalchemy as sa

from portal.accounts.services import authenticate
from portal.appointments.availability import places_offering
from portal.extensions import db
from portal.petitions.models import Petition
from tests.factories import login


def test_demo_data_loads_once_and_prints_working_logins(app, client_request):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "clerk@demo.local" in first.output and "lawyer@demo.local" in first.output
    petitions = db.session.scalar(sa.select(sa.func.count(Petition.id)))
    assert petitions >= 4
    admin = authenticate("admin@demo.local", "Demo-admin-2026")
    assert admin.role == "admin"
    assert places_offering("file_reading")
    # The printed logins open the back office, and its queues show the demo petitions.
    clerk = authenticate("clerk@demo.local", "Demo-clerk-2026")
    db.session.commit()
    login(client_request.client, clerk, "Demo-clerk-2026")
    page = client_request.get("backoffice.list_petitions", queue="all")
    assert len([a for a in page.select("table a") if a.get_text().startswith("XF")]) == petitions
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0 and "already present" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == petitions
