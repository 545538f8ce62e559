"""The guarantees of DESIGN §2, §5a and §5c, checked against what the database holds.

Each check is written from the stored facts by hand, not with the functions that keep them (the
sweep's query, the statistics' running totals, the notices' subscriber): a check that reused the
rule it judges would agree with it whatever it did. `check` returns the broken invariants as
sentences, empty when all hold; the property test fails on the first, `simulate` prints them and
exits non-zero.

The deadline invariant is "in time, or on the overdue list and escalated to a leader exactly once
per missed deadline". Escalating is the sweep's job, which runs every hour: between a deadline
passing and the next sweep a petition is overdue and not yet escalated, and that is no fault. So
"overdue implies escalated" is checked when the caller says the sweep has just run (`swept`);
the rest (no deadline escalated twice, none escalated before it was missed, one trail event per
escalation) always.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import sqlalchemy as sa

from portal.core import audit, clock, outbox
from portal.extensions import db
from portal.petitions import services as petitions
from portal.petitions.models import Escalation, Petition, Reply
from portal.statistics import queries as statistics

OPEN = ("accepted", "in_progress", "awaiting_approval", "under_review")
CONCLUDING_REPLIES = ("result", "transfer", "not_accepted")
SATISFIED = ("satisfied", "basically_satisfied")


def check(today: date, *, swept: bool = False) -> list[str]:
    """Every broken invariant, as a sentence naming the petition. `today`: the local date the
    portal's clock reads; `swept`: the deadline sweep has just run for `today`."""
    return [
        *deadlines_kept(today, swept=swept),
        *answers_readable(),
        *transitions_audited(),
        *figures_recount(today),
    ]


def _number(petition_id: int) -> str:
    return db.session.scalar(sa.select(Petition.tracking_number).where(Petition.id == petition_id))


# ---- deadlines: in time, or overdue and escalated exactly once -------------------------------


def current_deadlines(today: date) -> dict[int, tuple[str, date]]:
    """The petitions whose next deadline has passed: (which, its due date). The procedural reply
    while received; the next substantive reply while open (DESIGN §2)."""
    rows = db.session.execute(
        sa.select(Petition.id, Petition.status, Petition.ack_due_on, Petition.reply_due_on).where(
            sa.or_(
                sa.and_(Petition.status == "received", Petition.ack_due_on < today),
                sa.and_(Petition.status.in_(OPEN), Petition.reply_due_on < today),
            )
        )
    )
    return {
        row.id: ("acknowledgment", row.ack_due_on)
        if row.status == "received"
        else ("reply", row.reply_due_on)
        for row in rows
    }


def deadlines_kept(today: date, *, swept: bool) -> list[str]:
    broken = []
    escalations = db.session.execute(
        sa.select(
            Escalation.petition_id, Escalation.deadline, Escalation.due_on, Escalation.escalated_at
        )
    ).all()
    escalated = Counter((row.petition_id, row.deadline, row.due_on) for row in escalations)
    for row in escalations:
        if clock.local_date(row.escalated_at) <= row.due_on:
            broken.append(
                f"{_number(row.petition_id)}: its {row.deadline} deadline ({row.due_on}) was "
                "escalated before it was missed"
            )
    for key, n in escalated.items():
        if n > 1:
            broken.append(f"{_number(key[0])}: its {key[1]} deadline was escalated {n} times")
    events = Counter(
        int(subject_id)
        for (subject_id,) in db.session.execute(
            sa.select(audit.AuditEvent.subject_id).where(
                audit.AuditEvent.code == "petition.overdue_escalated"
            )
        )
    )
    rows = Counter(row.petition_id for row in escalations)
    for petition_id in set(events) | set(rows):
        if events[petition_id] != rows[petition_id]:
            broken.append(
                f"{_number(petition_id)}: {rows[petition_id]} escalation(s) but "
                f"{events[petition_id]} escalation event(s) in the audit trail"
            )
    if swept:
        for petition_id, (deadline, due_on) in current_deadlines(today).items():
            if not escalated[(petition_id, deadline, due_on)]:
                broken.append(
                    f"{_number(petition_id)}: its {deadline} deadline ({due_on}) passed and the "
                    "sweep did not escalate it"
                )
    return broken


# ---- answers: a reply the petitioner reads, and the message they chose -----------------------


def answers_readable() -> list[str]:
    """Every answered or closed petition has a concluding reply on its progress page (the
    replies `petitions.replies_for_petitioner` gives the page), and so does every petition merged
    into one: the earlier petition answers for it. Where the petitioner chose e-mail or SMS, a
    message to that address was queued when (or after) the reply was sent."""
    broken = []
    answered = db.session.scalars(
        sa.select(Petition).where(Petition.status.in_(("answered", "closed")))
    ).all()
    merged = db.session.scalars(
        sa.select(Petition).where(
            Petition.status == "merged",
            Petition.merged_into_id.in_([petition.id for petition in answered]),
        )
    ).all()
    queued = _queued_messages()
    for petition in [*answered, *merged]:
        readable = [
            reply
            for reply in petitions.replies_for_petitioner(petition)
            if reply.kind in CONCLUDING_REPLIES and reply.body.strip()
        ]
        if not readable:
            broken.append(
                f"{petition.tracking_number} is {petition.status} with no reply on its progress page"
            )
            continue
        sent_at = clock.as_utc(readable[-1].sent_at)
        wanted = (
            ("email", petition.email if petition.notify_by_email else None),
            ("sms", petition.mobile if petition.notify_by_sms else None),
        )
        for channel, address in wanted:
            if address and not any(at >= sent_at for at in queued[(channel, address)]):
                broken.append(
                    f"{petition.tracking_number} is {petition.status} (the reply of "
                    f"{readable[-1].petition.tracking_number}) and no {channel} was queued for it"
                )
    return broken


def _queued_messages() -> dict[tuple[str, str], list]:
    queued = defaultdict(list)
    rows = db.session.execute(
        sa.select(
            outbox.OutboxMessage.channel,
            outbox.OutboxMessage.recipient,
            outbox.OutboxMessage.created_at,
        )
    )
    for channel, recipient, created_at in rows:
        queued[(channel, recipient)].append(clock.as_utc(created_at))
    return queued


# ---- the trail: one event per transition, and a chain that verifies --------------------------


def state_events() -> dict[int, list[tuple[str | None, str]]]:
    """Each petition's state changes as the trail records them, in order: (from, to)."""
    event = audit.AuditEvent
    rows = db.session.execute(
        sa.select(event.subject_id, event.from_state, event.to_state)
        .where(event.subject_kind == "petition", event.to_state.is_not(None))
        .order_by(event.sequence)
    )
    changes = defaultdict(list)
    for subject_id, from_state, to_state in rows:
        changes[int(subject_id)].append((from_state, to_state))
    return changes


def transitions_audited() -> list[str]:
    """The trail's state changes of each petition make one unbroken path from its receipt to its
    status now (a transition without its event leaves a gap, one written twice a repeat that
    leads nowhere), and the chain of events verifies (core/audit.py)."""
    broken = []
    changes = state_events()
    for petition_id, status in db.session.execute(sa.select(Petition.id, Petition.status)):
        path = changes.get(petition_id, [])
        state = None
        for from_state, to_state in path:
            if from_state != state:
                broken.append(
                    f"{_number(petition_id)}: the trail goes from {from_state} to {to_state} "
                    f"but the petition was {state}"
                )
                break
            state = to_state
        else:
            if state != status:
                broken.append(f"{_number(petition_id)} is {status} but its trail ends at {state}")
    db.session.commit()  # verify reads on its own connection, in batches
    with db.engine.connect() as connection:
        verdict = audit.verify(connection)
    if not verdict.is_intact:
        broken.append(f"the audit trail does not verify: {verdict.first_break.explanation}")
    return broken


# ---- the transparency figures against a recount ----------------------------------------------

COMPARED = (
    "received",
    "acknowledged_in_time",
    "acknowledged_late",
    "answered_in_time",
    "answered_late",
    "merged",
    "graded_satisfied",
    "graded_basically_satisfied",
    "graded_dissatisfied",
    "overdue_now",
    "ack_overdue",
    "answer_overdue",
)


def recount(today: date) -> dict[tuple[date, str], Counter]:
    """The public figures' counts by month of receipt and reach class, from the petitions and
    their replies as stored (DESIGN §5c; the definitions printed on the transparency page)."""
    grades = defaultdict(Counter)
    for petition_id, grade in db.session.execute(
        sa.select(Reply.petition_id, Reply.grade).where(Reply.grade.is_not(None))
    ):
        grades[petition_id][grade] += 1
    counts = defaultdict(Counter)
    for p in db.session.execute(sa.select(Petition.__table__)):
        reach = (
            "anonymous"
            if p.is_anonymous
            else "unreachable"
            if p.unreachable_reason
            else "reachable"
        )
        count = counts[(p.received_on.replace(day=1), reach)]
        count["received"] += 1
        if p.acknowledged_at is not None:
            on_time = clock.local_date(p.acknowledged_at) <= p.ack_due_on
            count["acknowledged_in_time" if on_time else "acknowledged_late"] += 1
        if p.status == "merged":
            count["merged"] += 1
        elif p.first_answered_at is not None:
            on_time = clock.local_date(p.first_answered_at) <= p.answer_due_on
            count["answered_in_time" if on_time else "answered_late"] += 1
        for grade, n in grades[p.id].items():
            count[f"graded_{grade}"] += n
        waiting = p.status == "received" or p.status in OPEN
        if p.status == "received" and p.ack_due_on < today:
            count["ack_overdue"] += 1
            count["overdue_now"] += 1
        elif p.status in OPEN and p.reply_due_on is not None and p.reply_due_on < today:
            count["overdue_now"] += 1
        if waiting and p.first_answered_at is None and p.answer_due_on < today:
            count["answer_overdue"] += 1
    return counts


def figures_recount(today: date) -> list[str]:
    counts = recount(today)
    if not counts:
        return []
    months = sorted({month for month, _reach in counts})
    shown = statistics.public_figures(statistics.Scope(months[0], months[-1]), today).by_month
    broken = []
    for month in statistics.Scope(months[0], months[-1]).months:
        for reach in statistics.REACH_LABELS:
            figures, count = shown.figures(month, reach), counts.get((month, reach), Counter())
            for name in COMPARED:
                if getattr(figures, name) != count[name]:
                    broken.append(
                        f"transparency figures, {month:%Y-%m} ({reach}): {name} shows "
                        f"{getattr(figures, name)}, a recount gives {count[name]}"
                    )
    return broken
