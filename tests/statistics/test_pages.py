"""The transparency page, its API and CSV, and the staff statistics page: what they show, that
they agree, who may open the staff page, and that bad parameters are answered, never a 500."""

from __future__ import annotations

import codecs
import csv
import io

import pytest

from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import workflow
from tests.disclosure.test_api import conforms
from tests.factories import login, make_user
from tests.petitions.test_export import rows_of
from tests.statistics.test_statistics import TODAY, acknowledge, answer, at, receive
from tests.web import url


@pytest.fixture
def year_of_petitions(staff, frozen_now):
    """Four named petitions (one acknowledged and answered in time, one acknowledged late and
    never answered, one past its 7 days, one received today), an anonymous report past its 7
    days, an unreachable petitioner."""
    from datetime import date

    in_time = receive(date(2026, 5, 4), name="王小明")
    acknowledge(in_time, staff, date(2026, 5, 6))
    answer(in_time, staff, date(2026, 6, 1))
    with at(date(2026, 6, 2)):
        workflow.grade_reply(in_time, reply_id=in_time.latest_sent_reply.id, grade="satisfied")
        db.session.commit()
    late = receive(date(2026, 5, 4), channel="letter")
    acknowledge(late, staff, date(2026, 5, 20))
    receive(date(2026, 11, 2), channel="phone")  # due 11-09: overdue now
    receive(TODAY)  # pending
    receive(date(2026, 9, 1), kind="report", is_anonymous=True, name=None, mobile=None)
    unreachable = receive(date(2026, 9, 1))
    acknowledge(unreachable, staff, date(2026, 9, 2))
    with at(date(2026, 9, 3)):
        unreachable.unreachable_reason, unreachable.unreachable_at = (
            "no_answer",
            unreachable.acknowledged_at,
        )
        db.session.commit()
    return staff


def key_figures(page) -> list[str]:
    return [card.get_text(" ", strip=True) for card in page.select(".key-figures li")]


def test_the_page_shows_the_figures_with_charts_tables_and_definitions(english, year_of_petitions):
    page = english.get("statistics.transparency")
    cards = key_figures(page)
    assert cards[0] == "6 Petitions received"
    # Who can be answered: 7 days in time 1, late 1, still without it and past the limit 1 (and
    # 1 pending); 3 months: in time 1, past them without an answer 1 (2 pending).
    assert cards[1] == "33.3% Procedural reply within 7 days"
    assert cards[2] == "50.0% Answered within 3 months"
    assert cards[3] == "100.0% Satisfaction rate"
    # Everyone: the late one's answer, the 7 days of the one of 11-02 and of the anonymous one.
    assert cards[4] == "3 Overdue now"
    figures = page.select("figure.chart")
    assert len(figures) == 2
    for figure in figures:
        image = figure.find("img")
        assert image["src"].startswith("data:image/svg+xml;base64,") and image["alt"]
        assert figure.find("figcaption").get_text(strip=True)
        assert figure.find_next_sibling("div").find("table")
    assert "6 petitions were received in the last 12 months." in page.get_text(" ")
    counted_apart = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in page.find_all("table")[-1].tbody.find_all("tr")
    }
    assert counted_apart["Anonymous"][0] == "1"
    assert counted_apart["Petitioner unreachable"][0] == "1"
    assert page.find(id="definitions")
    assert "王小明" not in str(page)


def test_the_page_is_cacheable_and_in_the_site_navigation(client_request):
    page = client_request.get("site.home")
    assert page.select_one(f'.site-nav a[href="{url("statistics.transparency")}"]')
    client_request.get("statistics.transparency")
    assert "no-store" not in client_request.response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("year", ["1999", "abc", "2026-01", "99999999999999999999", "2027"])
def test_a_bad_period_is_answered_with_what_is_allowed(english, year):
    page = english.get("statistics.transparency", year=year, _expected_status=400)
    assert "Choose a year from 2026 to 2026, or the last 12 months." in page.get_text() or (
        "Choose a year from" in page.get_text()
    )
    english.get("statistics_api.public_statistics", year=year, _expected_status=400)
    assert "year" in english.response.get_json()["error"]["message"]
    english.get("statistics.transparency_csv", year=year, _expected_status=400)


def test_the_api_answers_as_its_description_says(english, year_of_petitions):
    """Real figures validate against the OpenAPI description: for a year and for the last 12
    months, with rates both known and null (nothing to divide by), and a refused year."""
    for values in ({"year": "2026"}, {}):
        english.get("statistics_api.public_statistics", **values)
        conforms(english.response, "/statistics")
    total = english.response.get_json()["groups"][0]["figures"]
    assert total["reachable"]["answered_rate"] == 50.0
    assert total["reachable"]["average_days_to_answer"] is not None
    assert total["anonymous"]["answered_rate"] is None
    english.get("statistics_api.public_statistics", year="1999", _expected_status=400)
    conforms(english.response, "/statistics")


def test_the_api_and_the_csv_carry_the_figures_of_the_page(english, year_of_petitions):
    page = english.get("statistics.transparency", year="2026")
    english.get("statistics_api.public_statistics", year="2026")
    data = english.response.get_json()
    assert data["period"] == {"year": 2026, "from": "2026-01", "to": "2026-11"}
    total = next(group for group in data["groups"] if group["dimension"] == "total")["figures"]
    cards = key_figures(page)
    assert cards[0].startswith(str(sum(f["received"] for f in total.values())))
    assert cards[1].startswith(f"{total['reachable']['acknowledged_rate']:.1f}%")
    assert cards[2].startswith(f"{total['reachable']['answered_rate']:.1f}%")
    english.get("statistics.transparency_csv", year="2026")
    body = english.response.get_data()
    assert body.startswith(codecs.BOM_UTF8)
    assert "attachment" in english.response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    as_json = [
        {"dimension": group["dimension"], "group": group["group"], "reach": reach, **figures}
        for group in data["groups"]
        for reach, figures in group["figures"].items()
    ]
    as_text = [{k: str("" if v is None else v) for k, v in row.items()} for row in as_json]

    def order(row):
        return row["dimension"], row["group"], row["reach"]

    assert sorted(as_text, key=order) == sorted(rows, key=order)
    assert len(rows) == 3 * (1 + 11 + 11)  # each class: the total, 11 months, 11 kinds
    may = next(g for g in data["groups"] if g["group"] == "2026-05")["figures"]["reachable"]
    assert (may["received"], may["received_web"], may["received_letter"]) == (2, 1, 1)


def test_the_staff_page_is_for_leaders_and_administrators(app, year_of_petitions):
    for role, status in (
        (Role.LEADER, 200),
        (Role.ADMIN, 200),
        (Role.HANDLER, 403),
        (Role.CLERK, 403),
        (Role.PUBLISHER, 403),
    ):
        client = app.test_client()
        login(client, make_user(role))
        assert client.get(url("statistics_admin.show_statistics")).status_code == status, role


def test_the_staff_page_counts_by_handler_kind_channel_and_month(english, year_of_petitions):
    leader = year_of_petitions.leaders[0]
    login(english.client, leader)
    handler = year_of_petitions.handlers[0]
    page = english.get("statistics_admin.show_statistics", by="handler")
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in page.table.tbody.find_all("tr")
    }
    assert rows[handler.name][:3] == ["1", "1", "1"]  # received, ack in time, answered in time
    assert rows["Not assigned"][0] == "5"
    page = english.get(
        "statistics_admin.show_statistics", by="month", kind="complaint", channel="letter"
    )
    months = [row.th.get_text(strip=True) for row in page.table.tbody.find_all("tr")]
    assert months == ["2026-05"]
    page = english.get("statistics_admin.show_statistics", by="kind", handler=str(handler.id))
    assert [row.th.get_text(strip=True) for row in page.table.tbody.find_all("tr")] == [
        "Complaint (控告)"
    ]


@pytest.mark.parametrize(
    "args",
    [
        {"from": "2026-13"},
        {"from": "20260-1"},
        {"to": "1999-01"},
        {"from": "2026-11", "to": "2026-01"},
        {"kind": "nonsense"},
        {"channel": "fax"},
        {"handler": "-1"},
        {"handler": "9" * 30},
        {"by": "everything"},
    ],
)
def test_bad_staff_filters_are_named_on_the_page(english, year_of_petitions, args):
    login(english.client, make_user(Role.LEADER))
    page = english.get("statistics_admin.show_statistics", _expected_status=400, **args)
    assert page.select_one(".notice--error").get_text(strip=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_staff_table_downloads_as_shown_and_the_download_is_audited(
    english, year_of_petitions, fmt
):
    leader = year_of_petitions.leaders[0]
    login(english.client, leader)
    handler = year_of_petitions.handlers[0]
    page = english.get("statistics_admin.show_statistics", by="kind", channel="web")
    shown = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in page.table.tbody.find_all("tr")
    ]
    form = {
        field["name"]: field["value"]
        for field in page.select("form[action$='/export'] input[type=hidden]")
    }
    response = english.client.post(
        url("statistics_admin.export_statistics"), data={**form, "file_format": fmt}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    header, *rows = rows_of(response, fmt)
    assert header[:2] == ["Kind", "Petitions received"]
    assert [[str(value) for value in row[:2]] for row in rows] == [row[:2] for row in shown]
    [event] = db.session.query(AuditEvent).filter_by(code="statistics.exported").all()
    assert event.actor_id == leader.id
    assert event.details["by"] == "kind" and event.details["channel"] == "web"
    assert event.details["format"] == fmt
    assert handler.name not in (event.detail or "")


def test_a_staff_download_needs_the_role_and_a_valid_form(
    client_request, new_client_request, year_of_petitions
):
    export = url("statistics_admin.export_statistics")
    handler = new_client_request()
    login(handler.client, year_of_petitions.handlers[0])
    data = {"by": "kind", "file_format": "csv", "csrf_token": handler.csrf_token()}
    assert handler.client.post(export, data=data).status_code == 403
    login(client_request.client, year_of_petitions.leaders[0])
    without_token = {"by": "kind", "file_format": "csv"}
    assert client_request.client.post(export, data=without_token).status_code == 400
    bad_month = {**without_token, "csrf_token": client_request.csrf_token(), "from": "2026-13"}
    assert client_request.client.post(export, data=bad_month).status_code == 400
    unknown_format = {"by": "kind", "file_format": "pdf", "csrf_token": client_request.csrf_token()}
    assert client_request.client.post(export, data=unknown_format).status_code == 302
    assert not db.session.query(AuditEvent).filter_by(code="statistics.exported").count()
