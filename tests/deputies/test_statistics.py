"""The completion and satisfaction rates on the staff statistics page, recounted by hand from the
rows: suggestions received on set days, answered early, late or never, and rated."""

from __future__ import annotations

from datetime import UTC, date, datetime

from portal.core import clock
from portal.core.permissions import Role
from portal.deputies import queries, services
from portal.extensions import db
from tests.deputies.factories import make_deputy, make_suggestion
from tests.factories import login, make_user
from tests.web import parse, url


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def _answer(suggestion, on: date, rating=None):
    with clock.frozen(_at(on)):
        services.draft_answer(suggestion, make_user(Role.HANDLER), "答复")
        services.approve_answer(suggestion, make_user(Role.LEADER))
        if rating:
            services.rate_answer(suggestion, suggestion.deputy, rating, "理由")
    db.session.commit()


def _world():
    """Four suggestions received Monday 2 November 2026, all due Tuesday 2 February 2027:
    one answered early and satisfied, one early and basically satisfied, one late (on 5 Feb)
    and dissatisfied, one never answered. One received 1 December, due 1 March, answered early
    and not rated."""
    deputy = make_deputy()
    with clock.frozen(_at(date(2026, 11, 2))):
        early, basic, late, never = (make_suggestion(deputy) for _ in range(4))
    with clock.frozen(_at(date(2026, 12, 1))):
        december = make_suggestion(deputy)
    assert {s.due_on for s in (early, basic, late, never)} == {date(2027, 2, 2)}
    _answer(early, date(2027, 1, 20), "satisfied")
    _answer(basic, date(2027, 1, 25), "basically_satisfied")
    _answer(late, date(2027, 2, 5), "dissatisfied")
    _answer(december, date(2027, 1, 10))
    return never


def test_the_rates_recount_from_the_rows():
    _world()
    rows = {
        r.month: r
        for r in queries.monthly_rates(date(2027, 1, 1), date(2027, 3, 1), date(2027, 3, 10))
    }
    # Due in February: four, answered on time two (early, basic); late and never count as due.
    assert (rows[date(2027, 2, 1)].due, rows[date(2027, 2, 1)].answered_on_time) == (4, 2)
    assert rows[date(2027, 2, 1)].completion_rate == 50.0
    # Due in March (1 March, passed by 10 March): one, answered on time.
    assert rows[date(2027, 3, 1)].completion_rate == 100.0
    # Rated answers by the month they were sent: January two, both satisfied; February one.
    assert (rows[date(2027, 1, 1)].rated, rows[date(2027, 1, 1)].satisfied) == (2, 2)
    assert rows[date(2027, 1, 1)].satisfaction_rate == 100.0
    assert rows[date(2027, 2, 1)].satisfaction_rate == 0.0
    assert rows[date(2027, 1, 1)].completion_rate is None  # nothing was due in January


def test_an_open_suggestion_counts_as_due_only_once_its_date_has_passed():
    _world()
    feb = date(2027, 2, 1)
    (before,) = queries.monthly_rates(feb, feb, date(2027, 2, 1))
    # On 1 February only the three answered count: the open one is not late yet.
    assert (before.due, before.answered_on_time) == (3, 2)


def test_the_staff_statistics_page_shows_the_rates_beside_the_target(client):
    _world()
    with clock.frozen(_at(date(2027, 3, 10))):
        login(client, make_user(Role.LEADER))
        client.get(url("site.switch_language", locale="en", next="/"))
        response = client.get(url("statistics_admin.show_statistics", **{"from": "2027-02"}))
    assert response.status_code == 200
    table = parse(response).find(id="deputies").find_next("table")
    row = table.find("th", string="2027-02").parent
    february = [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
    assert february[:4] == ["2027-02", "4", "2", "50.0below target"]
    assert february[-1] == "95"
