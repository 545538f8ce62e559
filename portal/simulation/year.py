"""A year of petitions, handled by simulated staff on the real services, workflow and sweep.

Time moves an hour at a time through every day of the year and a run-out after it (so that the
last months' petitions reach their 3-month dates): online petitions arrive at any hour, letters,
visits and calls are registered by clerks in office hours, staff work on working days (the
holiday calendar's, with its make-up days), and the deadline sweep runs every hour, as cron runs
it. Each petition waits for its next step on an agenda; on the day it is due, the member of staff
whose step it is takes it if they are at work, else it waits for the next working day.

How staff behave is `Behaviour`: for each role how often they are at work (`presence`), how many
working days a task waits before they take it up (`delay`, a mean), and how often their work is
wrong (`error`: a clerk registers a letter late, a handler overlooks a coming due date, a leader
finds a draft wrong and returns it). Petitioners grade, object, add material and mostly never come
back. Random draws come from one seeded generator, so a run can be repeated.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from portal.accounts import services as accounts
from portal.calendar import services as calendar
from portal.core import clock
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.petitions import services as petitions
from portal.petitions import workflow
from portal.petitions.models import Escalation, Grade, Petition, ReplyKind, State, Unreachable
from portal.simulation import invariants


@dataclass(frozen=True)
class Habits:
    presence: float  # share of working days a member of the role is at work
    delay: float  # mean working days a task waits before they take it up
    error: float  # share of their work done wrong (see the module docstring)


@dataclass(frozen=True)
class Behaviour:
    clerk: Habits
    handler: Habits
    leader: Habits
    handling_days: float = 35.0  # mean calendar days a handler needs for the result
    watch_days: int = 7  # a handler drafts a progress reply this many days before a due date


PRESETS = {
    # Of the order the Supreme People's Procuratorate published for 2023: 7-day procedural
    # replies 99.8%, 3-month answers 97.3%.
    "diligent": Behaviour(
        clerk=Habits(presence=0.97, delay=0.6, error=0.01),
        handler=Habits(presence=0.95, delay=1.0, error=0.03),
        leader=Habits(presence=0.9, delay=1.0, error=0.1),
    ),
    "lazy": Behaviour(
        clerk=Habits(presence=0.7, delay=4.0, error=0.2),
        handler=Habits(presence=0.6, delay=6.0, error=0.4),
        leader=Habits(presence=0.6, delay=5.0, error=0.3),
        handling_days=60.0,
        watch_days=2,
    ),
}

CHANNELS = (("web", 0.5), ("letter", 0.2), ("visit", 0.15), ("phone", 0.15))
KINDS = (
    ("complaint", 0.3),
    ("criminal_appeal", 0.1),
    ("civil_appeal", 0.08),
    ("administrative_appeal", 0.04),
    ("state_compensation", 0.03),
    ("judicial_aid", 0.03),
    ("report", 0.17),
    ("misconduct_report", 0.03),
    ("legal_consultation", 0.12),
    ("other", 0.1),
)
# China's 2025 public holidays and make-up working days (国务院办公厅, 国办发明电〔2024〕12号).
HOLIDAYS_2025 = {
    "holiday": [(1, 1), *((1, d) for d in range(28, 32)), *((2, d) for d in range(1, 5)),
                (4, 4), *((5, d) for d in range(1, 6)), (5, 31), (6, 1), (6, 2),
                *((10, d) for d in range(1, 9))],
    "workday": [(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
}  # fmt: skip
OFFICE_HOURS = range(9, 17)
STAFF = {Role.CLERK: 3, Role.HANDLER: 12, Role.LEADER: 3, Role.ADMIN: 1}


@dataclass
class Month:
    """What a month's end shows."""

    month: date
    overdue: int = 0  # petitions past their next deadline on the month's last day
    escalations: int = 0  # missed deadlines escalated during the month
    broken: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """What the simulation has decided about a petition ahead of time."""

    ready_on: date | None = None  # when the handler's result is ready
    repeat_of: int | None = None  # the earlier petition this one repeats


class Year:
    def __init__(self, petitions_per_year: int, behaviour: Behaviour, *, start: date, seed: int):
        self.rng = random.Random(seed)
        self.behaviour = behaviour
        self.start, self.per_day = start, petitions_per_year / 365
        # Staff steps by the working day they are due; the petitioners' by the evening.
        self.agenda: dict[date, list[tuple[int, str]]] = defaultdict(list)
        self.evenings: dict[date, list[tuple[int, str]]] = defaultdict(list)
        self.today = start
        self.plans: dict[int, Plan] = defaultdict(Plan)
        self.people: list[tuple[str, str]] = []  # (name, mobile) of earlier petitioners
        self.months: dict[date, Month] = {}
        self.received = 0

    # ---- setting up ----------------------------------------------------------------------

    def set_up(self) -> None:
        with clock.frozen(_at(self.start - timedelta(days=1), 9)):
            self.staff = {
                role: [
                    accounts.create_user(
                        f"{role.value}{n}@simulation.invalid",
                        f"{role.value} {n}",
                        role,
                        # Random, and with a digit: a token of letters only is refused.
                        secrets.token_urlsafe(24) + "0",
                    )
                    for n in range(1, count + 1)
                ]
                for role, count in STAFF.items()
            }
            admin = self.staff[Role.ADMIN][0]
            for kind, days in HOLIDAYS_2025.items():
                for month, day in days:
                    calendar.set_day(date(2025, month, day), kind, kind, actor=admin)
            db.session.commit()

    def working_day(self, day: date) -> bool:
        return self.calendar.is_working_day(day)

    # ---- the run -------------------------------------------------------------------------

    def run(self, *, intake_days: int = 365, run_out_days: int = 100, progress=None):
        """Receive petitions for `intake_days`, then handle them for `run_out_days` more."""
        self.set_up()
        self.calendar = calendar.load_calendar(self.start, intake_days + run_out_days + 400)
        for offset in range(intake_days + run_out_days):
            day = self.start + timedelta(days=offset)
            self.one_day(day, intake=offset < intake_days)
            if (day + timedelta(days=1)).day == 1:
                self.month_end(day)
                if progress:
                    progress(self.months[day.replace(day=1)])
        return self.months

    def one_day(self, day: date, *, intake: bool) -> None:
        self.today = day
        arrivals = self._arrivals(day) if intake else Counter()
        working = self.working_day(day)
        for hour in range(24):
            with clock.frozen(_at(day, hour)):
                petitions.sweep_deadlines()
                for _ in range(arrivals[hour]):
                    self.receive(day)
                if working and hour == 10:
                    for petition_id, step in self.agenda.pop(day, []):
                        self.take(petition_id, step, day)
                if hour == 18:  # petitioners answer in the evening, any day
                    for petition_id, step in self.evenings.pop(day, []):
                        self.take(petition_id, step, day)
        if not working:  # staff tasks that fell on a day off wait for the next working day
            self.agenda[self.next_working_day(day)].extend(self.agenda.pop(day, []))
        with clock.frozen(_at(day, 23) + timedelta(minutes=59)):
            for line in invariants.deadlines_kept(day, swept=True):
                self.months.setdefault(day.replace(day=1), Month(day.replace(day=1)))
                self.months[day.replace(day=1)].broken.append(f"{day}: {line}")

    def month_end(self, day: date) -> None:
        month = self.months.setdefault(day.replace(day=1), Month(day.replace(day=1)))
        month.overdue = len(invariants.current_deadlines(day))
        month.escalations = db.session.scalar(
            sa.select(sa.func.count()).where(
                Escalation.escalated_at >= _at(day.replace(day=1), 0),
                Escalation.escalated_at < _at(day + timedelta(days=1), 0),
            )
        )
        with clock.frozen(_at(day, 23)):
            month.broken += [f"{day}: {line}" for line in invariants.check(day, swept=True)]
        db.session.commit()

    def _arrivals(self, day: date) -> Counter:
        """How many petitions arrive at each hour: online at any hour, the rest in office hours
        of working days (letters are registered then)."""
        hours = Counter()
        count = _poisson(self.rng, self.per_day)
        for _ in range(count):
            hours[self.rng.randrange(24)] += 1
        return hours

    # ---- intake ---------------------------------------------------------------------------

    def receive(self, day: date) -> None:
        rng, clerk = self.rng, self.rng.choice(self.staff[Role.CLERK])
        channel = _pick(rng, CHANNELS)
        kind = _pick(rng, KINDS)
        anonymous = kind in ("report", "misconduct_report") and rng.random() < 0.3
        repeat_of = None
        if self.people and rng.random() < 0.05:
            repeat_of, (name, mobile) = rng.choice(self.people)
        else:
            name, mobile = f"群众{self.received}", f"139{self.received:08d}"
        wants_email = rng.random() < 0.3
        data = petitions.IntakeData(
            kind=kind,
            subject=rng.choice(SUBJECTS),
            body=rng.choice(SUBJECTS) + "，请求检察机关依法监督。",
            is_anonymous=anonymous,
            name=None if anonymous else name,
            mobile=mobile,
            email=f"p{self.received}@simulation.invalid" if wants_email else None,
            notify_by_email=wants_email,
            notify_by_sms=rng.random() < 0.4,
        )
        received_on = day
        if channel != "web":
            # A letter is registered on the day it came, or later by a clerk who was behind.
            lateness = (
                int(rng.expovariate(1 / self.behaviour.clerk.delay))
                if rng.random() < (self.behaviour.clerk.error)
                else 0
            )
            received_on = day - timedelta(days=lateness)
        receipt = petitions.submit_petition(
            data,
            channel=channel,
            submission_key=secrets.token_urlsafe(32),
            received_on=received_on,
            registered_by=None if channel == "web" else clerk,
        )
        petition = receipt.petition
        db.session.commit()
        self.received += 1
        if not anonymous and repeat_of is None:
            self.people.append((petition.id, (name, mobile)))
        self.plans[petition.id].repeat_of = repeat_of
        self.later(petition.id, "decide", Role.CLERK, day)

    # ---- the agenda ------------------------------------------------------------------------

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.working_day(day):
            day += timedelta(days=1)
        return day

    def later(self, petition_id: int, step: str, role: Role, day: date) -> None:
        """Put the step on the agenda after the role's usual delay (working days)."""
        day = self.next_working_day(day)
        for _ in range(round(self.rng.expovariate(1 / self.habits(role).delay))):
            day = self.next_working_day(day)
        self.agenda[day].append((petition_id, step))

    def on(self, petition_id: int, step: str, day: date) -> None:
        """Put the step on the agenda of `day`, or of the next working day if that is sooner."""
        self.agenda[max(day, self.next_working_day(self.today))].append((petition_id, step))

    def petitioner_later(self, petition_id: int, step: str, day: date, days: int) -> None:
        self.evenings[day + timedelta(days=days)].append((petition_id, step))

    def habits(self, role: Role) -> Habits:
        return getattr(self.behaviour, role.value)

    def take(self, petition_id: int, step: str, day: date) -> None:
        """One step; a member of staff who is not at work leaves it for the next working day."""
        role = STEP_ROLES.get(step)
        if role is not None and self.rng.random() > self.habits(role).presence:
            self.agenda[self.next_working_day(day)].append((petition_id, step))
            return
        petition = db.session.get(Petition, petition_id)
        try:
            getattr(self, f"step_{step}")(petition, day)
            db.session.commit()
        except InvalidTransition:
            db.session.rollback()  # the petition moved on meanwhile (merged, closed)

    # ---- the steps -------------------------------------------------------------------------

    def step_decide(self, petition: Petition, day: date) -> None:
        if petition.status != State.RECEIVED:
            return
        clerk, rng = self.rng.choice(self.staff[Role.CLERK]), self.rng
        earlier = self.plans[petition.id].repeat_of
        into = db.session.get(Petition, earlier) if earlier else None
        if into is not None and workflow.merge_refusal(petition, into) is None:
            workflow.merge(
                petition, clerk, into=into, notice="您反映的问题已并入前次来信一并办理。"
            )
        elif rng.random() < 0.06:
            workflow.transfer(
                petition, clerk, authority="市公安局", notice="您反映的问题已转送市公安局办理。"
            )
        elif rng.random() < 0.05:
            workflow.not_accept(
                petition, clerk, reason="您反映的问题不属于检察机关管辖，请向人民法院提出。"
            )
            self.petitioner_later(petition.id, "respond", day, rng.randint(1, 10))
        else:
            workflow.acknowledge(petition, clerk, notice="您的来信已受理，我院将依法办理。")
            self.later(petition.id, "assign", Role.CLERK, day)

    def step_assign(self, petition: Petition, day: date) -> None:
        if petition.status != State.ACCEPTED:
            return
        handler = self.rng.choice(self.staff[Role.HANDLER])
        workflow.assign(petition, self.rng.choice(self.staff[Role.CLERK]), handler=handler)
        days = self.rng.expovariate(1 / self.behaviour.handling_days)
        self.plans[petition.id].ready_on = day + timedelta(days=round(days))
        self.later(petition.id, "work", Role.HANDLER, day)

    def step_work(self, petition: Petition, day: date) -> None:
        """The handler looks at the petition: the result if it is ready, else a progress reply
        if a due date comes close (unless they overlook it), else back to it later."""
        if petition.status != State.IN_PROGRESS:
            return
        rng, plan = self.rng, self.plans[petition.id]
        handler = db.session.get(type(self.staff[Role.HANDLER][0]), petition.assigned_to_id)
        if petition.unread_additions:
            workflow.mark_material_read(petition, handler)
        if rng.random() < 0.03 and not petition.is_anonymous and not petition.unreachable_reason:
            workflow.record_unreachable(petition, handler, reason=Unreachable.NO_ANSWER)
        if rng.random() < 0.05:
            workflow.request_material(petition, handler, body="请补充提供相关证据材料。")
            if rng.random() < 0.6:
                self.petitioner_later(petition.id, "add_material", day, rng.randint(1, 14))
        due_in = (petition.reply_due_on - day).days
        if plan.ready_on <= day:
            workflow.draft_reply(
                petition, handler, kind=ReplyKind.RESULT, body="经审查，答复如下。"
            )
            self.later(petition.id, "approve", Role.LEADER, day)
        elif due_in <= self.behaviour.watch_days and rng.random() > self.habits(Role.HANDLER).error:
            workflow.draft_reply(petition, handler, kind=ReplyKind.PROGRESS, body="正在办理中。")
            self.later(petition.id, "approve", Role.LEADER, day)
        else:
            next_look = min(
                plan.ready_on, petition.reply_due_on - timedelta(days=self.behaviour.watch_days)
            )
            self.on(petition.id, "work", next_look)

    def step_approve(self, petition: Petition, day: date) -> None:
        draft = petition.pending_draft
        if petition.status != State.AWAITING_APPROVAL or draft is None:
            return
        leaders = [u for u in self.staff[Role.LEADER] if u.id != draft.drafted_by_id]
        leader = self.rng.choice(leaders)
        if self.rng.random() < self.habits(Role.LEADER).error:
            workflow.return_draft(petition, leader, comment="请补充事实依据后重新起草。")
            self.later(petition.id, "work", Role.HANDLER, day)
            return
        reply = workflow.approve(petition, leader)
        if reply.kind == ReplyKind.RESULT:
            self.petitioner_later(petition.id, "respond", day, self.rng.randint(1, 12))
        else:
            if self.rng.random() < 0.2:
                self.petitioner_later(petition.id, "respond", day, self.rng.randint(1, 5))
            self.later(petition.id, "work", Role.HANDLER, day)

    def step_respond(self, petition: Petition, day: date) -> None:
        """Most petitioners never come back (the sweep closes after AUTO_CLOSE_DAYS)."""
        reply = workflow.gradable_reply(petition)
        if reply is None or self.rng.random() < 0.4:
            return
        draw = self.rng.random()
        grade = (
            Grade.SATISFIED if draw < 0.8 else Grade.BASICALLY_SATISFIED if draw < 0.92
            else Grade.DISSATISFIED
        )  # fmt: skip
        comment = "答复没有回应我反映的主要问题。" if grade is Grade.DISSATISFIED else None
        workflow.grade_reply(petition, reply_id=reply.id, grade=grade, comment=comment)
        if petition.status == State.UNDER_REVIEW:
            self.later(petition.id, "review", Role.LEADER, day)

    def step_review(self, petition: Petition, day: date) -> None:
        if petition.status != State.UNDER_REVIEW:
            return
        objected = petition.latest_sent_reply  # the two-person rule: neither of its authors
        answered_by = {objected.drafted_by_id, objected.approved_by_id}
        leader = self.rng.choice([u for u in self.staff[Role.LEADER] if u.id not in answered_by])
        handler = self.rng.choice([u for u in self.staff[Role.HANDLER] if u.id not in answered_by])
        workflow.start_review(petition, leader, handler=handler)
        self.plans[petition.id].ready_on = day + timedelta(days=self.rng.randint(5, 40))
        self.later(petition.id, "work", Role.HANDLER, day)

    def step_add_material(self, petition: Petition, day: date) -> None:
        if not petitions.can_add_material(petition):
            return
        requests = petition.open_material_requests
        petitions.add_material(
            petition,
            petitions.MaterialData(
                body="补充材料：相关票据复印件。", request_id=requests[0].id if requests else None
            ),
            submission_key=secrets.token_urlsafe(32),
        )


STEP_ROLES = {
    "decide": Role.CLERK,
    "assign": Role.CLERK,
    "work": Role.HANDLER,
    "approve": Role.LEADER,
    "review": Role.LEADER,
}
SUBJECTS = (
    "反映派出所不予立案",
    "对法院民事判决不服申请监督",
    "举报某单位工作人员受贿",
    "申请国家赔偿",
    "咨询刑事申诉程序",
    "反映拖欠工资问题",
    "对不起诉决定不服",
    "反映看守所违规问题",
)


def _at(day: date, hour: int) -> datetime:
    """`hour` o'clock local time on `day`, as UTC."""
    return datetime.combine(day, time(hour), tzinfo=clock.zone()).astimezone(UTC)


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; the mean is a few dozen at most."""
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
