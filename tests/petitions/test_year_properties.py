"""Property: whatever staff and petitioners do, in whatever order, with days and weeks passing
and holidays added, no petition goes unanswered unnoticed.

A Hypothesis state machine drives the real services and workflow on the real database, with the
portal's clock moved by the test. Its rules are every actor's actions (intake on each channel,
the clerk's intake decisions, assignment, drafts, returns, approvals, the petitioner's grades,
objections and material, reviews, requests for material, staff who record a petitioner as
unreachable, the calendar's holidays and make-up days) and time passing, a day at a time, with
the hourly sweep run each day (as cron runs it) or again at once. After every step the
invariants of portal/simulation/invariants.py are checked, and one more that only the test can
know: each transition it took wrote exactly one audit event.

Examples are bounded for CI; set SIMULATION_EXAMPLES (README, "The simulated year") for longer
runs.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from portal.calendar import services as calendar
from portal.core import clock
from portal.core.permissions import Role
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.petitions import services, workflow
from portal.petitions.models import Petition, Unreachable
from portal.simulation import invariants
from tests.conftest import empty_database
from tests.factories import make_user

EXAMPLES = int(os.environ.get("SIMULATION_EXAMPLES", "12"))
START = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)  # a Monday, 09:30 in Beijing

CHANNELS = ["web", "letter", "visit", "phone"]
KINDS = ["complaint", "criminal_appeal", "report", "misconduct_report", "other"]


class PortalYear(RuleBasedStateMachine):
    app = None  # set by the test, before the machine runs

    @initialize()
    def staff(self):
        empty_database(self.app)
        self.moment = START
        with clock.frozen(self.moment):
            self.clerk = make_user(Role.CLERK)
            self.handlers = [make_user(Role.HANDLER) for _ in range(2)]
            self.leaders = [make_user(Role.LEADER) for _ in range(3)]
            self.admin = make_user(Role.ADMIN)
        self.transitions = Counter()  # petition id: state changes this test made, receipt too
        self.status = {}
        self.swept = False

    def teardown(self):
        db.session.rollback()

    # ---- helpers --------------------------------------------------------------------------

    def today(self):
        return clock.local_date(self.moment)

    def petitions_in(self, *states):
        return db.session.scalars(
            db.select(Petition).where(Petition.status.in_(states)).order_by(Petition.id)
        ).all()

    def act(self, petition, action):
        """Take a step as staff or petitioner at the test's moment; a refused one changes
        nothing. Counts the state change when the status moved or the trail says a transition
        was taken (a reassignment stays in progress)."""
        self.swept = False
        with clock.frozen(self.moment):
            try:
                action()
                db.session.commit()
            except InvalidTransition:
                db.session.rollback()
                return False
        self.sync()
        return True

    def sync(self):
        """Count the state changes the test caused (the sweep's auto-closures among them)."""
        for petition_id, status in db.session.execute(db.select(Petition.id, Petition.status)):
            if self.status.get(petition_id) != status:
                self.transitions[petition_id] += 1
                self.status[petition_id] = status

    def pick(self, data, *states):
        candidates = self.petitions_in(*states)
        return data.draw(st.sampled_from(candidates)) if candidates else None

    # ---- intake ----------------------------------------------------------------------------

    @rule(
        channel=st.sampled_from(CHANNELS),
        kind=st.sampled_from(KINDS),
        anonymous=st.booleans(),
        notify_by_email=st.booleans(),
        notify_by_sms=st.booleans(),
        days_before=st.integers(0, 12),
    )
    def receive(self, channel, kind, anonymous, notify_by_email, notify_by_sms, days_before):
        """A petition online, or a letter, visit or call that staff register, possibly days
        after it came (a letter registered late)."""
        anonymous = anonymous and kind in ("report", "misconduct_report")
        number = len(self.status) + 1
        data = services.IntakeData(
            kind=kind,
            subject="反映派出所不予立案",
            body="本人报案后派出所至今未予立案，请求监督。",
            is_anonymous=anonymous,
            name=None if anonymous else f"刘{number}",
            mobile=f"1380000{number:04d}",
            email=f"p{number}@test.example" if notify_by_email else None,
            notify_by_email=notify_by_email,
            notify_by_sms=notify_by_sms,
        )
        web = channel == "web"
        self.act(
            None,
            lambda: services.submit_petition(
                data,
                channel=channel,
                submission_key=secrets.token_urlsafe(32),
                received_on=None if web else self.today() - timedelta(days=days_before),
                registered_by=None if web else self.clerk,
            ),
        )

    @rule(data=st.data(), decision=st.sampled_from(["acknowledge", "transfer", "not_accept"]))
    def decide(self, data, decision):
        petition = self.pick(data, "received")
        if petition is None:
            return
        actions = {
            "acknowledge": lambda: workflow.acknowledge(petition, self.clerk, notice="已受理。"),
            "transfer": lambda: workflow.transfer(
                petition, self.clerk, authority="市公安局", notice="已转送市公安局。"
            ),
            "not_accept": lambda: workflow.not_accept(
                petition, self.clerk, reason="不属于检察机关管辖。"
            ),
        }
        self.act(petition, actions[decision])

    @rule(data=st.data())
    def merge(self, data):
        petition = self.pick(data, "received")
        earlier = self.pick(data, "received", *invariants.OPEN, "answered")
        if petition is None or earlier is None:
            return
        self.act(
            petition,
            lambda: workflow.merge(petition, self.clerk, into=earlier, notice="已并入前次信访。"),
        )

    # ---- handling -------------------------------------------------------------------------

    @rule(data=st.data(), handler=st.integers(0, 1))
    def assign(self, data, handler):
        petition = self.pick(data, "accepted", "in_progress")
        if petition is None:
            return
        reassigned = petition.status == "in_progress"  # a transition that keeps the state
        taken = self.act(
            petition, lambda: workflow.assign(petition, self.clerk, handler=self.handlers[handler])
        )
        if taken and reassigned:
            self.transitions[petition.id] += 1

    @rule(data=st.data(), kind=st.sampled_from(["result", "progress"]))
    def draft(self, data, kind):
        petition = self.pick(data, "in_progress")
        if petition is not None:
            handler = db.session.get(type(self.clerk), petition.assigned_to_id)
            self.act(
                petition,
                lambda: workflow.draft_reply(petition, handler, kind=kind, body="答复如下。"),
            )

    @rule(data=st.data(), leader=st.integers(0, 2), send=st.booleans())
    def approve_or_return(self, data, leader, send):
        petition = self.pick(data, "awaiting_approval")
        if petition is None:
            return
        leader = self.leaders[leader]
        if send:
            self.act(petition, lambda: workflow.approve(petition, leader))
        else:
            self.act(petition, lambda: workflow.return_draft(petition, leader, comment="请补充。"))

    @rule(data=st.data(), leader=st.integers(0, 2), handler=st.integers(0, 1))
    def review(self, data, leader, handler):
        petition = self.pick(data, "under_review")
        if petition is not None:
            self.act(
                petition,
                lambda: workflow.start_review(
                    petition, self.leaders[leader], handler=self.handlers[handler]
                ),
            )

    @rule(data=st.data())
    def close_by_staff(self, data):
        petition = self.pick(data, "answered")
        if petition is not None:
            self.act(petition, lambda: workflow.close(petition, self.leaders[0], reason="办结。"))

    @rule(data=st.data(), leader=st.integers(0, 2))
    def take_personally(self, data, leader):
        petition = self.pick(data, "received", *invariants.OPEN)
        if petition is not None:
            self.act(petition, lambda: workflow.take_personally(petition, self.leaders[leader]))

    @rule(data=st.data())
    def request_material(self, data):
        petition = self.pick(data, *invariants.OPEN)
        if petition is not None:
            self.act(
                petition,
                lambda: workflow.request_material(petition, self.leaders[0], body="请补充证据。"),
            )

    @rule(data=st.data(), restored=st.booleans())
    def unreachable(self, data, restored):
        petition = self.pick(data, "received", *invariants.OPEN)
        if petition is None:
            return
        if restored:
            action = lambda: workflow.record_contact_restored(petition, self.leaders[0])  # noqa: E731
        else:
            action = lambda: workflow.record_unreachable(  # noqa: E731
                petition, self.leaders[0], reason=Unreachable.NO_ANSWER
            )
        self.act(petition, action)

    # ---- the petitioner -------------------------------------------------------------------

    @rule(
        data=st.data(), grade=st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied"])
    )
    def grade(self, data, grade):
        petition = self.pick(data, "answered", *invariants.OPEN)
        reply = workflow.gradable_reply(petition) if petition is not None else None
        if reply is not None:
            self.act(
                petition,
                lambda: workflow.grade_reply(
                    petition, reply_id=reply.id, grade=grade, comment="没有回应我的问题。"
                ),
            )

    @rule(data=st.data())
    def add_material(self, data):
        petition = self.pick(data, "received", *invariants.OPEN, "answered")
        if petition is None:
            return
        requests = petition.open_material_requests
        material = services.MaterialData(
            body="补充材料。", request_id=requests[0].id if requests else None
        )
        self.act(
            petition,
            lambda: services.add_material(
                petition, material, submission_key=secrets.token_urlsafe(32)
            ),
        )

    # ---- the calendar and time ------------------------------------------------------------

    @rule(days_ahead=st.integers(0, 60), kind=st.sampled_from(["holiday", "workday"]))
    def calendar_day(self, days_ahead, kind):
        """An administrator adds a holiday, or a weekend day worked in its place (调休)."""
        day = self.today() + timedelta(days=days_ahead)
        self.act(None, lambda: calendar.set_day(day, kind, "调休", actor=self.admin))

    @rule(days=st.integers(1, 40))
    def time_passes(self, days):
        """Days without anyone acting (staff away for weeks); the sweep runs each day."""
        for _ in range(days):
            self.moment += timedelta(days=1)
            self.sweep()

    @rule()
    def sweep_again(self):
        self.sweep()

    def sweep(self):
        with clock.frozen(self.moment):
            services.sweep_deadlines()
        self.sync()
        self.swept = True

    # ---- after every step -----------------------------------------------------------------

    @invariant()
    def no_petition_unanswered_unnoticed(self):
        if not hasattr(self, "moment"):
            return
        with clock.frozen(self.moment):
            broken = invariants.check(self.today(), swept=self.swept)
        assert broken == []

    @invariant()
    def one_audit_event_per_transition(self):
        if not hasattr(self, "moment"):
            return
        recorded = {pid: len(changes) for pid, changes in invariants.state_events().items()}
        assert recorded == dict(self.transitions)


def test_no_petition_goes_unanswered_unnoticed(app):
    PortalYear.app = app
    PortalYear.TestCase.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    PortalYear.TestCase().runTest()
