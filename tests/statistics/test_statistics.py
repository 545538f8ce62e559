"""The petition statistics: each definition at its edges, the running totals against a recount
written here by hand, the public page, its API and CSV, and the staff page.

The recount (`recount`) reads the raw petitions and replies and applies the definitions as the
transparency page states them; it never calls the statistics code it checks.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.core import clock
from portal.extensions import db
from portal.petitions import workflow
from portal.petitions.models import Petition, Reply, State
from portal.statistics import services as totals
from portal.statistics.models import PetitionTally
from tests.factories import make_petition

TODAY = date(2026, 11, 23)


def at(day: date, hour: int = 10):
    """Frozen at `hour` o'clock Beijing time on `day`."""
    return clock.frozen(datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC))


def receive(day: date, **fields):
    with at(day):
        petition, _code = make_petition(received_on=day, **fields)
    return petition


def acknowledge(petition, staff, day):
    with at(day):
        workflow.acknowledge(petition, staff.clerk, notice="已受理")
        db.session.commit()


def answer(petition, staff, day, *, handler=None, kind="result"):
    with at(day):
        if petition.status == State.ACCEPTED:
            workflow.assign(petition, staff.clerk, handler=handler or staff.handlers[0])
        workflow.draft_reply(petition, handler or staff.handlers[0], kind=kind, body="答复如下。")
        workflow.approve(petition, staff.leaders[0])
        db.session.commit()


def stored_totals() -> dict:
    """The running totals summed over the rows of all handlers (counter → value)."""
    row = (
        db.session.execute(
            sa.select(
                *(
                    sa.func.coalesce(sa.func.sum(column), 0).label(column.name)
                    for column in PetitionTally.__table__.c
                    if column.name not in {"month", "kind", "channel", "handler_id", "reach"}
                )
            ).where(PetitionTally.handler_id == -1)
        )
        .mappings()
        .one()
    )
    return dict(row)


def tally_rows() -> set:
    return {
        tuple(row) for row in db.session.execute(sa.select(PetitionTally.__table__)) if any(row[5:])
    }


# ---- each definition at its edges ----------------------------------------------------------


def test_a_procedural_reply_on_the_due_day_is_in_time_and_the_day_after_is_late(staff):
    on_time = receive(date(2026, 3, 2))  # due 2026-03-09 (a Monday)
    late = receive(date(2026, 3, 2))
    assert on_time.ack_due_on == date(2026, 3, 9)
    acknowledge(on_time, staff, date(2026, 3, 9))
    acknowledge(late, staff, date(2026, 3, 10))
    counted = stored_totals()
    assert (counted["acknowledged_in_time"], counted["acknowledged_late"]) == (1, 1)


def test_a_reply_sent_late_in_the_beijing_evening_counts_on_that_beijing_day(staff):
    """23:30 in Beijing is 15:30 UTC the same day; 00:30 in Beijing is still the day before in
    UTC: the local date decides."""
    petition = receive(date(2026, 3, 2))
    with clock.frozen(datetime(2026, 3, 9, 16, 30, tzinfo=UTC)):  # 00:30 on the 10th, Beijing
        workflow.acknowledge(petition, staff.clerk, notice="已受理")
        db.session.commit()
    assert stored_totals()["acknowledged_late"] == 1


def test_an_answer_on_the_three_month_day_is_in_time_and_the_day_after_is_late(staff):
    on_time = receive(date(2026, 3, 2))
    late = receive(date(2026, 3, 2))
    assert on_time.answer_due_on == date(2026, 6, 2)
    for petition, day in ((on_time, date(2026, 6, 2)), (late, date(2026, 6, 3))):
        acknowledge(petition, staff, date(2026, 3, 3))
        answer(petition, staff, day)
    counted = stored_totals()
    assert (counted["answered_in_time"], counted["answered_late"]) == (1, 1)
    assert (
        counted["days_to_answer"]
        == (date(2026, 6, 2) - date(2026, 3, 2)).days + (date(2026, 6, 3) - date(2026, 3, 2)).days
    )


def test_petitions_inside_their_limit_are_pending_and_past_it_are_late(english, staff, frozen_now):
    """Today is 2026-11-23. One received today (pending), one whose 7 days ran out (late, and
    overdue now), one acknowledged but with its 3 months past and no answer (late)."""
    from portal.statistics import queries

    receive(TODAY)
    receive(date(2026, 11, 10))
    old = receive(date(2026, 7, 1))
    acknowledge(old, staff, date(2026, 7, 2))
    figures = queries.public_figures(queries.last_twelve_months(TODAY), TODAY)
    total = figures.total.figures(None, "reachable")
    assert total.received == 3
    assert (total.acknowledged_in_time, total.ack_overdue, total.acknowledged_pending) == (1, 1, 1)
    assert total.acknowledged_rate == 50.0
    assert (total.answer_overdue, total.answered_pending) == (1, 2)
    assert total.answered_rate == 0.0
    assert total.overdue_now == 2  # the 7 days of one, the 3 months of the other


def test_anonymous_and_unreachable_petitioners_are_counted_apart(staff, frozen_now):
    from portal.statistics import queries

    named = receive(date(2026, 5, 4))
    anonymous = receive(date(2026, 5, 4), kind="report", is_anonymous=True, name=None, mobile=None)
    unreachable = receive(date(2026, 5, 4))
    for petition in (named, anonymous, unreachable):
        acknowledge(petition, staff, date(2026, 5, 20))  # late
    with at(date(2026, 6, 1)):
        unreachable.unreachable_reason = "returned_letter"
        unreachable.unreachable_at = clock.now()
        db.session.commit()
    figures = queries.public_figures(queries.last_twelve_months(TODAY), TODAY)
    for reach in ("reachable", "anonymous", "unreachable"):
        counted = figures.total.figures(None, reach)
        assert (counted.received, counted.acknowledged_late) == (1, 1), reach
    # Contact made again: the petition counts with the others once more.
    with at(date(2026, 6, 2)):
        unreachable.unreachable_reason = unreachable.unreachable_at = None
        db.session.commit()
    figures = queries.public_figures(queries.last_twelve_months(TODAY), TODAY)
    assert figures.total.figures(None, "reachable").received == 2
    assert figures.total.figures(None, "unreachable").received == 0


def test_the_satisfaction_rate_is_satisfied_and_basically_satisfied_over_graded(staff):
    from portal.statistics import queries

    grades = ["satisfied", "basically_satisfied", "dissatisfied", None]
    for grade in grades:
        petition = receive(date(2026, 5, 4))
        acknowledge(petition, staff, date(2026, 5, 5))
        answer(petition, staff, date(2026, 6, 1))
        if grade:
            with at(date(2026, 6, 2)):
                workflow.grade_reply(
                    petition,
                    reply_id=petition.latest_sent_reply.id,
                    grade=grade,
                    comment="理由" if grade == "dissatisfied" else None,
                )
                db.session.commit()
    figures = queries.public_figures(queries.last_twelve_months(TODAY), TODAY)
    total = figures.total.figures(None, "reachable")
    assert total.graded == 3
    assert total.satisfaction_rate == pytest.approx(66.7)


def test_a_merged_petition_has_its_procedural_reply_but_no_answer_of_its_own(staff):
    earlier = receive(date(2026, 5, 4))
    repeat = receive(date(2026, 5, 6))
    with at(date(2026, 5, 7)):
        workflow.merge(repeat, staff.clerk, into=earlier, notice="与前件合并办理")
        db.session.commit()
    counted = stored_totals()
    assert (counted["acknowledged_in_time"], counted["merged"]) == (1, 1)
    assert counted["answered_in_time"] + counted["answered_late"] == 0


def test_a_reassignment_moves_the_petition_to_the_new_handler(staff):
    petition = receive(date(2026, 5, 4))
    acknowledge(petition, staff, date(2026, 5, 5))
    first, second = staff.handlers
    with at(date(2026, 5, 6)):
        workflow.assign(petition, staff.clerk, handler=first)
        db.session.commit()
    with at(date(2026, 5, 7)):
        workflow.assign(petition, staff.clerk, handler=second)
        db.session.commit()
    by_handler = dict(
        db.session.execute(
            sa.select(PetitionTally.handler_id, sa.func.sum(PetitionTally.received)).group_by(
                PetitionTally.handler_id
            )
        ).all()
    )
    assert by_handler.get(second.id) == 1
    assert not by_handler.get(first.id) and not by_handler.get(0)


def test_a_rolled_back_change_leaves_the_totals_as_they_were(staff):
    petition = receive(date(2026, 5, 4))
    before = tally_rows()
    with at(date(2026, 5, 5)):
        workflow.acknowledge(petition, staff.clerk, notice="已受理")
        db.session.flush()
        db.session.rollback()
    assert tally_rows() == before


# ---- a generated year, driven through the workflow, against a recount by hand ---------------


def generate_year(staff, seed=13):
    """About 120 petitions received over the year to 2026-11-23, of every kind and channel,
    some anonymous, then acknowledged, transferred, refused, merged, assigned, reassigned,
    answered (in time or late, with progress replies), graded and marked unreachable on random
    days; whatever would fall after today is left undone."""
    rng = random.Random(seed)
    kinds = ["complaint", "criminal_appeal", "report", "judicial_aid", "other"]
    channels = ["web", "letter", "visit", "phone"]
    start = date(2025, 11, 1)
    received = []
    for _ in range(120):
        day = start + timedelta(days=rng.randrange((TODAY - start).days + 1))
        kind = rng.choice(kinds)
        fields = {}
        if kind == "report" and rng.random() < 0.5:
            fields = {"is_anonymous": True, "name": None, "mobile": None}
        petition = receive(day, kind=kind, channel=rng.choice(channels), **fields)
        received.append(petition)
    for petition in received:
        day = petition.received_on
        if rng.random() < 0.1 and (earlier := _earlier(received, petition)) is not None:
            step = day + timedelta(days=rng.randrange(1, 10))
            if step <= TODAY and earlier.status not in (State.MERGED, State.CLOSED):
                with at(step):
                    workflow.merge(petition, staff.clerk, into=earlier, notice="合并办理")
                    db.session.commit()
            continue
        day += timedelta(days=rng.choice([1, 3, 6, 7, 8, 9, 12]))
        if day > TODAY:
            continue
        outcome = rng.random()
        with at(day):
            if outcome < 0.1:
                workflow.transfer(petition, staff.clerk, authority="某区人民法院", notice="已转送")
            elif outcome < 0.15:
                workflow.not_accept(petition, staff.clerk, reason="不属于本院管辖")
            else:
                workflow.acknowledge(petition, staff.clerk, notice="已受理")
                workflow.assign(petition, staff.clerk, handler=rng.choice(staff.handlers))
            db.session.commit()
        if petition.status == State.IN_PROGRESS:
            if rng.random() < 0.3:
                day += timedelta(days=rng.randrange(1, 5))
                if day <= TODAY:
                    with at(day):
                        workflow.assign(petition, staff.clerk, handler=rng.choice(staff.handlers))
                        db.session.commit()
            if rng.random() < 0.3:
                day += timedelta(days=rng.randrange(10, 40))
                if day <= TODAY:
                    _reply(petition, staff, day, "progress", rng)
            day = petition.received_on + timedelta(days=rng.randrange(20, 110))
            if day <= TODAY and petition.status == State.IN_PROGRESS:
                _reply(petition, staff, day, "result", rng)
        if not petition.is_anonymous and rng.random() < 0.12:
            mark_day = min(TODAY, petition.received_on + timedelta(days=rng.randrange(2, 60)))
            with at(mark_day):
                petition.unreachable_reason = rng.choice(["wrong_number", "no_answer"])
                petition.unreachable_at = clock.now()
                db.session.commit()
        gradable = workflow.gradable_reply(petition)
        if gradable is not None and rng.random() < 0.7:
            grade = rng.choice(["satisfied", "basically_satisfied", "dissatisfied"])
            with at(TODAY):
                workflow.grade_reply(
                    petition,
                    reply_id=gradable.id,
                    grade=grade,
                    comment="不服" if grade == "dissatisfied" else None,
                )
                db.session.commit()
    return received


def _earlier(received, petition):
    candidates = [p for p in received if p.received_on < petition.received_on]
    return candidates[-1] if candidates else None


def _reply(petition, staff, day, kind, rng):
    handler = next(h for h in staff.handlers if h.id == petition.assigned_to_id)
    with at(day):
        workflow.draft_reply(petition, handler, kind=kind, body="答复。")
        workflow.approve(petition, rng.choice(staff.leaders))
        db.session.commit()


def recount(today: date, reach: str, first_month: date):
    """By hand, from the raw rows: the public figures of the petitions received from
    `first_month` to `today` whose petitioner is of the class `reach`."""
    zone = clock.zone()

    def local(moment):
        return clock.as_utc(moment).astimezone(zone).date() if moment else None

    counts = Counter()
    for petition in db.session.scalars(sa.select(Petition)):
        if petition.received_on < first_month:
            continue
        if petition.is_anonymous:
            petition_class = "anonymous"
        elif petition.unreachable_reason:
            petition_class = "unreachable"
        else:
            petition_class = "reachable"
        if petition_class != reach:
            continue
        counts["received"] += 1
        counts[f"received_{petition.channel}"] += 1
        acknowledged = local(petition.acknowledged_at)
        if acknowledged is not None:
            counts["ack_in_time" if acknowledged <= petition.ack_due_on else "ack_late"] += 1
        elif today > petition.ack_due_on:
            counts["ack_overdue"] += 1
        if petition.status == "merged":
            counts["merged"] += 1
        else:
            answered = local(petition.first_answered_at)
            if answered is not None:
                in_time = answered <= petition.answer_due_on
                counts["answer_in_time" if in_time else "answer_late"] += 1
                counts["days"] += (answered - petition.received_on).days
            elif today > petition.answer_due_on:
                counts["answer_overdue"] += 1
        if petition.status == "received" and today > petition.ack_due_on:
            counts["overdue_now"] += 1
        elif (
            petition.status in ("accepted", "in_progress", "awaiting_approval", "under_review")
            and today > petition.reply_due_on
        ):
            counts["overdue_now"] += 1
        for reply in db.session.scalars(sa.select(Reply).where(Reply.petition_id == petition.id)):
            if reply.grade:
                counts[f"grade_{reply.grade}"] += 1
    return counts


def test_the_figures_equal_a_recount_of_a_generated_year(staff):
    from portal.statistics import queries

    generate_year(staff)
    scope = queries.last_twelve_months(TODAY)
    with at(TODAY, hour=18):
        figures = queries.public_figures(scope, TODAY)
    classes = Counter()
    for reach in ("reachable", "anonymous", "unreachable"):
        expected = recount(TODAY, reach, scope.first_month)
        got = figures.total.figures(None, reach)
        classes[reach] = got.received
        assert {
            "received": got.received,
            **{f"received_{c}": n for c, n in got.by_channel.items() if n},
            "ack_in_time": got.acknowledged_in_time,
            "ack_late": got.acknowledged_late,
            "ack_overdue": got.ack_overdue,
            "merged": got.merged,
            "answer_in_time": got.answered_in_time,
            "answer_late": got.answered_late,
            "answer_overdue": got.answer_overdue,
            "days": got.days_to_answer,
            "overdue_now": got.overdue_now,
            "grade_satisfied": got.graded_satisfied,
            "grade_basically_satisfied": got.graded_basically_satisfied,
            "grade_dissatisfied": got.graded_dissatisfied,
        } == {name: n for name, n in expected.items() if n} | {
            name: 0
            for name in (
                "received", "ack_in_time", "ack_late", "ack_overdue", "merged",
                "answer_in_time", "answer_late", "answer_overdue", "days", "overdue_now",
                "grade_satisfied", "grade_basically_satisfied", "grade_dissatisfied",
            )
            if not expected[name]
        }, reach  # fmt: skip
    # The year really has every class, and every outcome.
    assert all(classes.values()), classes
    counted = stored_totals()
    for name in ("acknowledged_late", "answered_late", "merged", "graded_dissatisfied"):
        assert counted[name] > 0, name

    # Recounting from scratch gives the very rows the running totals hold.
    incremental = tally_rows()
    totals.rebuild()
    db.session.commit()
    assert tally_rows() == incremental
