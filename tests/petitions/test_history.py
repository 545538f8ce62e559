"""A petition's audit trail: the newest events on the petition page, every event on its history
page, a page at a time (issue 14: the petition page no longer grows with its history).

The page sizes are written here by hand (20 on the petition page, 100 a history page), as the
rule states them; who may open the history page is also in tests/test_route_guards.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.core import audit, clock
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import login, make_petition, make_user
from tests.web import url

RECENT = 20
PER_PAGE = 100
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def handler(client_request):
    user = make_user(Role.HANDLER)
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, user)
    return user


def add_events(petition, count: int) -> list[str]:
    """`count` events after the petition's receipt, three to a minute (so that pages end inside
    a run of events written at the same instant, ordered by their chain number), each naming
    itself in a comment. Returns the comments, oldest first."""
    comments = [f"event {n}" for n in range(count)]
    for n, comment in enumerate(comments):
        with clock.frozen(START + timedelta(minutes=1 + n // 3)):
            audit.record(
                "petition.progress_viewed",
                actor_kind=audit.ACTOR_PETITIONER,
                subject=petition,
                detail={"comment": comment},
            )
    db.session.commit()
    return comments


def petition_with_events(count: int):
    with clock.frozen(START):
        petition, _code = make_petition()
    return petition, add_events(petition, count)


def trail_rows(page) -> list[str | None]:
    """The audit table's rows, by the comment `add_events` gave each (None for the others)."""
    (caption,) = [c for c in page.select("table caption") if "Audit trail" in c.get_text()]
    details = [row.select("td")[-1].get_text() for row in caption.parent.select("tbody tr")]
    return [next(iter(re.findall(r"event \d+", detail)), None) for detail in details]


def history_link(page, number):
    return page.find("a", href=url("backoffice.show_petition_history", number=number))


def test_a_short_trail_is_shown_whole_without_a_link(client_request, handler):
    petition, comments = petition_with_events(RECENT - 1)  # with its receipt: RECENT events
    page = client_request.get("backoffice.show_petition", number=petition.tracking_number)
    rows = trail_rows(page)
    assert len(rows) == RECENT
    assert rows[:-1] == list(reversed(comments))  # newest first
    assert history_link(page, petition.tracking_number) is None
    assert "Show the whole audit trail" not in page.get_text()


def test_a_long_trail_shows_the_newest_events_the_count_and_a_link(client_request, handler):
    petition, comments = petition_with_events(RECENT + 5)
    page = client_request.get("backoffice.show_petition", number=petition.tracking_number)
    assert trail_rows(page) == list(reversed(comments))[:RECENT]
    link = history_link(page, petition.tracking_number)
    assert link.get_text(strip=True) == f"Show the whole audit trail ({RECENT + 6} events)"
    assert f"The {RECENT} most recent events are shown here." in page.get_text()


def test_the_history_page_lists_every_event_newest_first_page_by_page(client_request, handler):
    petition, comments = petition_with_events(2 * PER_PAGE + 30)
    number = petition.tracking_number
    page = client_request.get("backoffice.show_petition_history", number=number)
    assert page.h1.get_text(strip=True) == f"Audit trail of {number}"
    assert page.find("a", href=url("backoffice.show_petition", number=number))
    assert not page.find("a", string="Newest events"), "the first page links to no first page"
    pages = [trail_rows(page)]
    while (older := page.select_one("nav.pager a[rel=next]")) is not None:
        target = urlsplit(older["href"])
        assert target.path == url("backoffice.show_petition_history", number=number)
        (before,) = parse_qs(target.query)["before"]
        page = client_request.get("backoffice.show_petition_history", number=number, before=before)
        assert page.find("a", string="Newest events")["href"] == target.path
        pages.append(trail_rows(page))
    assert [len(rows) for rows in pages] == [PER_PAGE, PER_PAGE, 31]
    shown = [row for rows in pages for row in rows]
    assert shown[:-1] == list(reversed(comments))
    assert shown[-1] is None  # the receipt, the oldest event


@pytest.mark.parametrize("before", ["abc", "-1", "0", "9" * 30, "1.5", "1e3", "x" * 5000])
def test_a_before_that_is_no_event_number_gives_a_page_not_an_error(
    client_request, handler, before
):
    petition, comments = petition_with_events(3)
    page = client_request.get(
        "backoffice.show_petition_history", number=petition.tracking_number, before=before
    )
    # Not a whole number between 1 and 2**62: ignored, the first page.
    assert trail_rows(page) == [*reversed(comments), None]
    assert not page.find("a", string="Newest events")


def test_a_control_character_in_before_is_refused_as_everywhere(client_request, handler):
    petition, _comments = petition_with_events(1)
    client_request.get(
        "backoffice.show_petition_history",
        number=petition.tracking_number,
        before="1\x00",
        _expected_status=400,  # the portal's input guard (core/input_guard.py), before the view
    )


def test_the_page_before_the_oldest_event_says_it_is_empty(client_request, handler):
    petition, _comments = petition_with_events(1)
    oldest = audit.history(petition)[0]
    page = client_request.get(
        "backoffice.show_petition_history",
        number=petition.tracking_number,
        before=oldest.sequence,
    )
    assert "No events on this page." in page.get_text()
    assert page.find("a", string="Newest events")


def test_an_unknown_petition_has_no_history_page(client_request, handler):
    client_request.get(
        "backoffice.show_petition_history", number="XF2026-999999", _expected_status=404
    )


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.ADMIN])
def test_staff_who_may_not_open_the_petition_are_refused_its_history_alike(client_request, role):
    petition, _comments = petition_with_events(RECENT + 1)
    login(client_request.client, make_user(role))
    number = petition.tracking_number
    refusal = client_request.client.get(url("backoffice.show_petition", number=number))
    history = client_request.client.get(url("backoffice.show_petition_history", number=number))
    assert refusal.status_code == history.status_code == 403


def test_anonymous_visitors_are_sent_to_login_from_the_history_too(client_request):
    petition, _comments = petition_with_events(1)
    client_request.get(
        "backoffice.show_petition_history",
        number=petition.tracking_number,
        _expected_status=302,
        _expected_redirect="accounts.login",
    )
