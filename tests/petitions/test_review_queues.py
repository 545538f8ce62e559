"""The queues of what waits for a decision by staff (issue 17): objections under review, and
lawyers waiting for verification, on the dashboard of the roles that decide them."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.core import clock
from portal.core.permissions import Role
from portal.extensions import db
from portal.lawyers import queries as lawyer_queries
from portal.petitions import queries, workflow
from portal.petitions.models import Petition
from tests.factories import login, make_petition, make_user
from tests.lawyers.factories import make_lawyer
from tests.web import ClientRequest


def as_user(app, user) -> ClientRequest:
    """A browser of its own, logged in as `user`, reading English."""
    client = app.test_client()
    client.set_cookie("portal_locale", "en")
    login(client, user)
    return ClientRequest(client)


def answered(clerk, handler, leader, *, days_ago=30):
    """A petition answered with a result, as the petitioner reads it."""
    petition, _ = make_petition(received_on=clock.local_today() - timedelta(days=days_ago))
    workflow.acknowledge(petition, clerk, notice="已受理。")
    workflow.assign(petition, clerk, handler=handler)
    workflow.draft_reply(petition, handler, kind="result", body="经审查，答复如下。")
    workflow.approve(petition, leader)
    return petition


def objected(clerk, handler, leader, *, days_ago=30):
    petition = answered(clerk, handler, leader, days_ago=days_ago)
    workflow.object_to_reply(petition, objection="答复没有回应我的诉求。")
    return petition


def cards(page) -> dict[str, str]:
    return {
        card.select_one(".queue-label").get_text(strip=True): card.select_one(
            ".queue-count"
        ).get_text(strip=True)
        for card in page.select(".queue-card")
    }


def test_the_objections_queue_holds_exactly_the_petitions_under_review(app, frozen_now):
    clerk, handler = make_user(Role.CLERK), make_user(Role.HANDLER)
    leader, reviewer = make_user(Role.LEADER), make_user(Role.LEADER)
    older = objected(clerk, handler, leader, days_ago=80)
    newer = objected(clerk, handler, leader, days_ago=20)
    answered(clerk, handler, leader)  # answered, no objection
    reviewed = objected(clerk, handler, leader)
    workflow.start_review(reviewed, reviewer, handler=make_user(Role.HANDLER))
    make_petition()  # received
    db.session.commit()
    today = clock.local_today()

    page = queries.petitions_in_queue("under_review", reviewer, today, due_soon_days=2)
    assert {p.tracking_number for p in page.items} == {older.tracking_number, newer.tracking_number}
    assert page.total.count == 2
    # In the queues' order: the reply due first on top (the same due date here, so by receipt).
    assert [p.id for p in page.items] == [
        p.id
        for p in db.session.scalars(
            queries.queue_query("under_review", reviewer, today, due_soon_days=2)
        )
    ]
    # A page of one, then the next: every objection once.
    first = queries.petitions_in_queue("under_review", reviewer, today, per_page=1, due_soon_days=2)
    second = queries.petitions_in_queue(
        "under_review", reviewer, today, per_page=1, after=first.after, due_soon_days=2
    )
    assert [p.id for p in first.items + second.items] == [p.id for p in page.items]
    assert not second.has_next


def test_an_objection_without_a_reply_date_is_still_in_the_queue(app, frozen_now):
    """Objections recorded before reply dates were kept have none: they are read from the
    range of the petitions without a deadline, not lost."""
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    dated = objected(clerk, handler, leader)
    undated = objected(clerk, handler, leader)
    undated.reply_due_on = None
    db.session.commit()
    page = queries.petitions_in_queue("under_review", leader, clock.local_today(), due_soon_days=2)
    assert [p.id for p in page.items] == [dated.id, undated.id]


def test_leaders_see_the_objections_queue_on_the_dashboard_and_clerks_do_not(app, frozen_now):
    clerk, handler, leader = make_user(Role.CLERK), make_user(Role.HANDLER), make_user(Role.LEADER)
    petition = objected(clerk, handler, leader)
    db.session.commit()

    client_request = as_user(app, make_user(Role.LEADER))
    page = client_request.get("backoffice.dashboard")
    assert cards(page)["Objections under review"] == "1"
    (link,) = [a for a in page.select(".queue-card a") if "Objections under review" in a.get_text()]
    assert "queue=under_review" in link["href"]
    listed = client_request.get("backoffice.list_petitions", queue="under_review")
    assert petition.tracking_number in listed.get_text()

    # The clerk neither reviews objections nor approves drafts: neither queue is on their
    # dashboard or among their tabs (the address still opens for every petition worker).
    client_request = as_user(app, clerk)
    page = client_request.get("backoffice.dashboard")
    assert "Objections under review" not in cards(page)
    assert "Awaiting approval" not in cards(page)
    assert "New" in cards(page)
    tabs = client_request.get("backoffice.list_petitions", queue="new").select("ul.tabs a")
    assert "Objections under review" not in [a.get_text(strip=True) for a in tabs]


def test_lawyers_waiting_for_verification_are_counted_for_those_who_verify(app, frozen_now):
    waiting = make_lawyer(verified=False)
    unconfirmed = make_lawyer(verified=False, confirmed=False)
    make_lawyer()  # verified already
    counts = lawyer_queries.waiting_counts()
    assert (counts.verifiable.count, counts.unconfirmed.count, counts.bindings.count) == (1, 1, 0)
    assert lawyer_queries.lawyers_for_review(verifiable_only=True) == [waiting]

    for role in (Role.CLERK, Role.HANDLER):  # the deciders
        client_request = as_user(app, make_user(role))
        page = client_request.get("backoffice.dashboard")
        assert cards(page)["Lawyer verifications"] == "1"
        assert "1 more have not confirmed their e-mail address yet" in page.get_text()
        listed = client_request.get("lawyers_admin.list_lawyers", waiting="1")
        names = [a.get_text(strip=True) for a in listed.select("table a")]
        assert names == [waiting.name] and unconfirmed.name not in names
    for role in (Role.LEADER, Role.PUBLISHER, Role.ADMIN):
        page = as_user(app, make_user(role)).get("backoffice.dashboard")
        assert "Lawyer verifications" not in cards(page)


def test_the_queue_counts_are_only_worked_out_for_the_queues_shown(app, frozen_now):
    clerk = make_user(Role.CLERK)
    make_petition()
    shown = [queue for queue in queries.QUEUES if queue.code in ("new", "all")]
    counts = queries.queue_counts(shown, clerk, clock.local_today(), 2)
    assert set(counts) == {"new", "all"}
    assert counts["new"].count == db.session.scalar(sa.select(sa.func.count(Petition.id)))
