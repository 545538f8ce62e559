"""Queues that stay usable at a million petitions: keyset pages in the queue's own order, capped
counts, and a page whose number of queries does not grow with its rows (petitions/queries.py,
core/paging.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core import clock, paging
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import queries, workflow
from portal.petitions.models import Petition
from tests.factories import login, make_petition, make_user


def mixed_petitions(clerk, today):
    """Received (by ack_due_on), accepted (by reply_due_on) and answered (no deadline) ones,
    received on days chosen so that the groups interleave and some share a day."""
    for age in (40, 3, 3, 12, 0, 25, 9, 9, 1, 60, 5, 30):
        make_petition(received_on=today - timedelta(days=age), commit=False)
    db.session.flush()
    petitions = db.session.scalars(sa.select(Petition).order_by(Petition.id)).all()
    for petition in petitions[::3]:
        workflow.acknowledge(petition, clerk, notice="已受理。")
    for petition in petitions[1::4]:
        if petition.status == "received":
            workflow.not_accept(petition, clerk, reason="不属于本院管辖。")
    # Open petitions in two states, each a range of its own in the queue's order: the two in
    # progress are due before the two still accepted, so a page read backwards from the end
    # finds more than a page in one state and must still read the other.
    handler = make_user(Role.HANDLER)
    for petition in (petitions[0], petitions[9]):
        workflow.assign(petition, clerk, handler=handler)
    db.session.commit()


def walk(code, user, today, *, per_page, forward=True, **filters):
    """Every page of the queue, following the next links (or, backwards, the previous links
    from the last page); returns the ids in the order shown and the number of pages."""
    pages, shown = 0, []
    page = queries.petitions_in_queue(
        code, user, today, per_page=per_page, due_soon_days=2, **filters
    )
    while True:
        pages += 1
        shown.extend(petition.id for petition in page.items)
        if not page.has_next:
            break
        page = queries.petitions_in_queue(
            code, user, today, after=page.after, per_page=per_page, due_soon_days=2, **filters
        )
    if forward:
        return shown, pages
    backwards = []
    while True:
        backwards[:0] = [petition.id for petition in page.items]
        if not page.has_prev:
            return backwards, pages
        page = queries.petitions_in_queue(
            code, user, today, before=page.before, per_page=per_page, due_soon_days=2, **filters
        )


def in_queue_order(code, user, today, **filters):
    query = queries.queue_query(code, user, today, due_soon_days=2, **filters)
    return [petition.id for petition in db.session.scalars(query)]


def test_keyset_pages_show_every_petition_once_in_the_queue_order(app, frozen_now):
    clerk = make_user(Role.CLERK)
    today = clock.local_today()
    mixed_petitions(clerk, today)
    expected = in_queue_order("all", clerk, today)
    assert len(expected) == 12
    for per_page in (1, 2, 5, 50):
        forward, pages = walk("all", clerk, today, per_page=per_page)
        assert forward == expected, per_page
        assert pages == -(-12 // per_page)
        assert walk("all", clerk, today, per_page=per_page, forward=False)[0] == expected


@pytest.mark.parametrize("read_whole_up_to", [queries.READ_WHOLE_UP_TO, 1])
def test_keyset_pages_keep_the_filters(app, frozen_now, monkeypatch, read_whole_up_to):
    """The same pages whether a filtered "all" list is read whole and ordered in Python (few
    petitions) or walked in the order of the queue's indexes (many: forced here by a limit of 1)."""
    monkeypatch.setattr(queries, "READ_WHOLE_UP_TO", read_whole_up_to)
    clerk = make_user(Role.CLERK)
    today = clock.local_today()
    mixed_petitions(clerk, today)
    for petition in db.session.scalars(sa.select(Petition).where(Petition.id % 4 == 0)):
        petition.kind, petition.channel = "report", "letter"
    db.session.commit()
    for code, filters in [
        ("all", {"state": "accepted"}),
        ("all", {"state": "answered"}),
        ("new", {}),
        ("overdue", {}),
        ("all", {"kind": "complaint", "channel": "web"}),
        ("all", {"kind": "report"}),
        ("all", {"channel": "letter"}),
        ("all", {"kind": "complaint", "state": "received"}),
        ("all", {"channel": "web", "state": "answered"}),
        ("all", {"kind": "report", "channel": "letter", "state": "accepted"}),
        ("all", {"kind": "report", "channel": "web"}),
    ]:
        expected = in_queue_order(code, clerk, today, **filters)
        assert walk(code, clerk, today, per_page=2, **filters)[0] == expected, (code, filters)
        backwards = walk(code, clerk, today, per_page=2, forward=False, **filters)[0]
        assert backwards == expected, (code, filters)
        first = queries.petitions_in_queue(code, clerk, today, due_soon_days=2, **filters)
        assert first.total.count == len(expected), (code, filters)


def test_a_page_starting_after_an_unknown_petition_is_the_first_page(app, frozen_now):
    clerk = make_user(Role.CLERK)
    today = clock.local_today()
    mixed_petitions(clerk, today)
    first = queries.petitions_in_queue("all", clerk, today, per_page=3, due_soon_days=2)
    unknown = queries.petitions_in_queue(
        "all", clerk, today, after=10**9, per_page=3, due_soon_days=2
    )
    assert unknown.items == first.items and not unknown.has_prev


def test_counts_stop_at_the_cap_and_say_so(app):
    for _ in range(4):
        make_petition(commit=False)
    db.session.commit()
    every = sa.select(Petition.id)
    with app.test_request_context(headers={"Cookie": "portal_locale=en"}):
        exact = paging.capped_count(every, cap=4)
        assert (exact.count, exact.is_capped, str(exact)) == (4, False, "4")
        capped = paging.capped_count(every, cap=3)
        assert capped.is_capped and str(capped) == "3+"


def test_the_dashboard_and_the_queue_show_a_capped_count(client_request, monkeypatch, frozen_now):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    clerk = make_user(Role.CLERK)
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, clerk)
    for _ in range(4):
        make_petition(commit=False)
    db.session.commit()
    dashboard = client_request.get("backoffice.dashboard")
    counts = [card.get_text(strip=True) for card in dashboard.select(".queue-count")]
    assert "3+" in counts
    page = client_request.get("backoffice.list_petitions", queue="all")
    assert page.select_one("caption").get_text(strip=True) == "3+ petitions"
    assert len(page.select("tbody tr")) == 4


def test_the_queue_page_asks_the_same_number_of_queries_for_10_or_50_rows(
    app, client_request, frozen_now
):
    """No query per row: the handler, the leader, the new-material tag and the deadline of each
    row come with the page's few queries."""
    clerk = make_user(Role.CLERK)
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, clerk)

    def queries_for_page() -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            client_request.get("backoffice.list_petitions", queue="all")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    for _ in range(10):
        make_petition(commit=False)
    db.session.commit()
    with_10 = queries_for_page()
    for _ in range(40):
        make_petition(commit=False)
    db.session.commit()
    assert queries_for_page() == with_10
