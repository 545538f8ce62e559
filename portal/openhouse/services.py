"""What changes in the open procuratorate: announcing, changing and cancelling an open day or a
hearing, registering and cancelling a registration, allocating the places (the draw of rules.py,
or everyone when all fit) and publishing a hearing's outcome.

Services change the session and flush; the view commits once, so a change, its audit events
and the messages they send (portal/openhouse/notices.py) are stored together or not at all.
Refusals are InvalidTransition (core/workflow.py) with a message for the person who tried and,
where it belongs to one, the form field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.core import audit, clock, codes
from portal.core.audit import DetailKey
from portal.core.forms import submission_key_hash
from portal.core.i18n import lazy_gettext as _l
from portal.core.lookups import LookupLocked, guarded_lookup  # noqa: F401  (raised to the views)
from portal.core.workflow import PETITIONER, InvalidTransition
from portal.extensions import db
from portal.openhouse import (
    notices,  # noqa: F401  (tells registrants of each step)
    rules,
)
from portal.openhouse.models import (
    ACTIVE_STATES,
    Admission,
    Gathering,
    GatheringKind,
    GatheringState,
    Registration,
    RegistrationState,
)
from portal.openhouse.workflow import (
    GATHERING,
    REGISTRATION,
    GatheringAction,
    RegistrationAction,
)

audit.register_detail_keys(
    ["openhouse_gathering", "openhouse_registration"],
    {
        "fields": DetailKey(_l("Fields changed")),
        "seed": DetailKey(_l("Seed of the draw")),
        "entries": DetailKey(_l("Registrations in the draw")),
        "seats": DetailKey(_l("Seats given")),
        "winners": DetailKey(_l("Registrations given places")),
        "drawn": DetailKey(
            _l("Draw"), lambda code: {"yes": _l("drawn"), "no": _l("all fitted")}[code]
        ),
        "confirmation": DetailKey(_l("Confirmation no.")),
        "gathering": DetailKey(_l("Open day or hearing no.")),
    },
)

LOOKUP_SCOPE = "openhouse"
CODE_PURPOSE = "openhouse-registration"
NUMBER_RE = re.compile(r"KF(\d{4})-(\d{6,})")


# ---- announcing ------------------------------------------------------------------------------


@dataclass
class GatheringData:
    """An open day or a hearing as staff type it (already validated by GatheringForm)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    description: str
    eligibility: str
    notes: str | None
    capacity: int
    max_party_size: int
    admission: str
    registration_opens_at: datetime
    registration_closes_at: datetime
    hearing_officers: str | None = None
    is_open_to_observers: bool = True


GATHERING_FIELDS = [item.name for item in fields(GatheringData)]
# Changes registrants are told of: when and where.
TOLD_FIELDS = {"starts_at", "ends_at", "place"}
OPTIONAL_TEXT = {"notes", "hearing_officers"}


def _schedule_problem(data: GatheringData, now: datetime):
    """(field, message) when the times do not make sense, else None."""
    if data.ends_at <= data.starts_at:
        return "ends_at", _l("The end must be after the start.")
    if data.registration_closes_at <= data.registration_opens_at:
        return "registration_closes_at", _l("Registration must close after it opens.")
    if data.registration_closes_at > data.starts_at:
        return "registration_closes_at", _l("Registration must close before the start.")
    return None


def _apply_data(gathering: Gathering, data: GatheringData) -> list[str]:
    """Set the gathering's fields; the names of those that changed."""
    changed = []
    for name in GATHERING_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip() or (None if name in OPTIONAL_TEXT else "")
        current = getattr(gathering, name)
        if isinstance(current, datetime):
            current = clock.as_utc(current)
        if current != value:
            setattr(gathering, name, value)
            changed.append(name)
    return changed


def announce_gathering(kind: GatheringKind | str, data: GatheringData, staff) -> Gathering:
    """A new open day or hearing, public at once. Refused (InvalidTransition, with the field)
    when it starts in the past or its times are out of order."""
    now = clock.now()
    if data.starts_at <= now:
        raise InvalidTransition(_l("Choose a start in the future."), field="starts_at")
    problem = _schedule_problem(data, now)
    if problem:
        raise InvalidTransition(problem[1], field=problem[0])
    kind = GatheringKind(kind)
    gathering = Gathering(
        kind=kind.value,
        status=GatheringState.ANNOUNCED.value,
        created_at=now,
        created_by_id=staff.id,
    )
    _apply_data(gathering, data)
    if kind is GatheringKind.OPEN_DAY:
        gathering.hearing_officers, gathering.is_open_to_observers = None, True
    db.session.add(gathering)
    db.session.flush()
    audit.record("openhouse_gathering.announced", actor=staff, subject=gathering)
    return gathering


def update_gathering(gathering: Gathering, data: GatheringData, staff) -> list[str]:
    """Correct the announcement; registrants are told when the time or the place changed
    (notices.py). Refused once cancelled or concluded, and when the capacity would fall below
    the places already given."""
    if gathering.status not in (GatheringState.ANNOUNCED, GatheringState.ALLOCATED):
        raise InvalidTransition(_l("This has been cancelled or held already."))
    problem = _schedule_problem(data, clock.now())
    if problem:
        raise InvalidTransition(problem[1], field=problem[0])
    if data.capacity < seats_taken(gathering):
        raise InvalidTransition(
            _l(
                "%(n)s seats are given already: the capacity cannot be lower.",
                n=seats_taken(gathering),
            ),
            field="capacity",
        )
    changed = _apply_data(gathering, data)
    if gathering.kind == GatheringKind.OPEN_DAY:
        gathering.hearing_officers, gathering.is_open_to_observers = None, True
    if not changed:
        return []
    gathering.updated_at, gathering.updated_by_id = clock.now(), staff.id
    db.session.flush()
    audit.record(
        "openhouse_gathering.changed",
        actor=staff,
        subject=gathering,
        detail={"fields": ",".join(changed)},
    )
    return changed


def cancel_gathering(gathering: Gathering, staff, reason: str) -> None:
    """Cancel it and every registration that holds or awaits a place; each registrant is told
    with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_l("Give the reason registrants will read."), field="reason")
    GATHERING.apply(gathering, GatheringAction.CANCEL, staff, detail={"reason": reason})
    gathering.cancellation_reason = reason
    now = clock.now()
    for registration in gathering.registrations:
        if registration.is_active:
            REGISTRATION.apply(registration, RegistrationAction.CANCEL, staff)
            registration.cancelled_at = now
    db.session.flush()


def publish_outcome(gathering: Gathering, staff, outcome: str) -> None:
    """A hearing's outcome, public on the list of past hearings."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise InvalidTransition(_l("Write the outcome to publish."), field="outcome")
    GATHERING.apply(gathering, GatheringAction.CONCLUDE, staff)
    gathering.outcome, gathering.outcome_published_at = outcome, clock.now()
    db.session.flush()


# ---- seats and places ------------------------------------------------------------------------


def seats_taken(gathering: Gathering) -> int:
    return sum(
        r.party_size for r in gathering.registrations if r.status == RegistrationState.CONFIRMED
    )


def seats_left(gathering: Gathering) -> int:
    return rules.seats_left(
        gathering.capacity,
        (r.party_size for r in gathering.registrations if r.status == RegistrationState.CONFIRMED),
    )


def _next_confirmation_number(gathering: Gathering) -> str:
    given = sum(1 for r in gathering.registrations if r.confirmation_number)
    return f"{gathering.id}-{given + 1:03d}"


def _confirm(registration: Registration, actor) -> None:
    number = _next_confirmation_number(registration.gathering)
    registration.confirmation_number = number
    registration.confirmed_at = clock.now()
    REGISTRATION.apply(
        registration, RegistrationAction.CONFIRM, actor, detail={"confirmation": number}
    )
    db.session.flush()  # the next number counts this one


@dataclass(frozen=True)
class Allocation:
    drawn: bool  # more registered than there were seats: a draw decided
    result: rules.DrawResult


def allocate_places(gathering: Gathering, staff, *, seed: str | None = None) -> Allocation:
    """Once registration has closed: every waiting registration gets a place when all fit, else
    the draw decides (rules.draw, with a new recorded seed; `seed` only for tests). Each
    registrant is told (notices.py)."""
    GATHERING.check(gathering, GatheringAction.ALLOCATE, staff)
    waiting = [r for r in gathering.registrations if r.status == RegistrationState.APPLIED]
    by_number = {r.number: r for r in waiting}
    entries = [rules.Entry(r.number, r.party_size) for r in waiting]
    capacity = seats_left(gathering)
    drawn = rules.is_oversubscribed(entries, capacity)
    if drawn:
        gathering.draw_seed = seed or rules.new_seed()
        result = rules.draw(entries, capacity, gathering.draw_seed)
    else:
        order = [entry.number for entry in entries]
        result = rules.DrawResult(order, order, sum(e.party_size for e in entries))
    gathering.allocated_at, gathering.allocated_by_id = clock.now(), staff.id
    detail = {
        "drawn": "yes" if drawn else "no",
        "entries": str(len(entries)),
        "seats": str(result.seats_given),
        "winners": str(len(result.winners)),
    }
    if drawn:
        detail["seed"] = gathering.draw_seed
    GATHERING.apply(gathering, GatheringAction.ALLOCATE, staff, detail=detail)
    for number in result.winners:
        _confirm(by_number[number], staff)
    for number in result.losers:
        REGISTRATION.apply(by_number[number], RegistrationAction.DECLINE_UNDRAWN, staff)
    db.session.flush()
    return Allocation(drawn, result)


# ---- registering -----------------------------------------------------------------------------


@dataclass
class RegistrationData:
    name: str
    mobile: str  # normalised by the form (core.forms.MainlandMobile)
    email: str | None
    party_size: int
    locale: str | None


@dataclass(frozen=True)
class Receipt:
    registration: Registration
    query_code: str
    is_repeat: bool  # the same form was sent before: this is the first submission's receipt


class AlreadyRegistered(Exception):
    """This mobile has a registration for this gathering already. The page says so in words
    that do not tell whether it is true (the earlier one's number goes to that mobile)."""


def _by_submission_key(submission_key: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.submission_key_hash == submission_key_hash(submission_key)
        )
    )


def _locked(gathering: Gathering) -> Gathering:
    """The gathering, its row locked until the transaction ends (PostgreSQL; SQLite's BEGIN
    IMMEDIATE holds the whole database), so that two people never take the last seat."""
    return db.session.scalars(
        sa.select(Gathering)
        .where(Gathering.id == gathering.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def register(gathering: Gathering, data: RegistrationData, *, submission_key: str) -> Receipt:
    """Register in the window: waiting for the draw, or (first come) confirmed at once. A repeat
    of the same form returns its first receipt; another registration with the same mobile
    raises AlreadyRegistered; a closed window, a party too large or no seats left raise
    InvalidTransition. Flushes; the caller commits."""
    query_code = codes.derived_code(CODE_PURPOSE, submission_key)
    earlier = _by_submission_key(submission_key)
    if earlier is not None:
        return Receipt(earlier, query_code, is_repeat=True)
    gathering = _locked(gathering)
    now = clock.now()
    problem = rules.registration_problem(gathering, now, data.party_size, seats_left(gathering))
    if problem:
        raise InvalidTransition(problem, field="party_size")
    # Linked by id, not by relationship: the row enters the session only inside the savepoint,
    # so that a refused duplicate rolls back with the savepoint and leaves nothing pending.
    registration = Registration(
        gathering_id=gathering.id,
        status=RegistrationState.APPLIED.value,
        submission_key_hash=submission_key_hash(submission_key),
        query_code_hash=codes.hash_code(query_code),
        name=data.name.strip(),
        mobile=data.mobile,
        email=data.email or None,
        party_size=data.party_size,
        locale=data.locale,
        registered_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        earlier = _by_submission_key(submission_key)
        if earlier is not None:
            return Receipt(earlier, query_code, is_repeat=True)
        _remind(gathering, data.mobile)
        raise AlreadyRegistered() from None
    db.session.expire(gathering, ["registrations"])
    audit.record(
        "openhouse_registration.received",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=registration,
        to_state=RegistrationState.APPLIED,
    )
    if gathering.admission == Admission.FIRST_COME:
        _confirm(registration, PETITIONER)
    db.session.flush()
    return Receipt(registration, query_code, is_repeat=False)


def _remind(gathering: Gathering, mobile: str) -> None:
    """Tell the mobile's owner (only they read it) the number of the registration they have."""
    existing = db.session.scalar(
        sa.select(Registration).where(
            Registration.gathering_id == gathering.id, Registration.mobile == mobile
        )
    )
    if existing is not None:
        audit.record(
            "openhouse_registration.already_registered",
            actor_kind=audit.ACTOR_PETITIONER,
            subject=existing,
        )


# ---- the registrant's own registration ------------------------------------------------------


def normalise_number(typed: str | None) -> str:
    return "".join((typed or "").split()).upper().replace("—", "-").replace("－", "-")[:30]


def registration_numbered(number: str) -> Registration | None:
    match = NUMBER_RE.fullmatch(normalise_number(number))
    if not match or int(match.group(2)) > 2**31 - 1:
        return None
    registration = db.session.get(Registration, int(match.group(2)))
    if registration is None or registration.number != match.group(0):
        return None
    return registration


def find_for_registrant(number: str, code: str) -> Registration | None:
    """The registration for a matching number and code, else None: the same answer whether the
    number exists or not; repeated failures raise LookupLocked (core/lookups.py)."""
    number, code = normalise_number(number), codes.normalise_code(code)

    def attempt():
        registration = registration_numbered(number)
        check = codes.check_code(registration.query_code_hash if registration else None, code)
        return (registration, check) if check.matches else None

    found = guarded_lookup(LOOKUP_SCOPE, number, attempt)
    if found is None:
        return None
    registration, check = found
    if check.upgraded_hash:
        registration.query_code_hash = check.upgraded_hash
    audit.record(
        "openhouse_registration.viewed",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=registration,
        detail=check.audit_detail,
    )
    return registration


def code_mark(registration: Registration) -> str:
    """A fingerprint of the stored code hash, kept by the registrant's session."""
    return hashlib.sha256(registration.query_code_hash.encode()).hexdigest()[:16]


def withdraw_registration(registration: Registration) -> None:
    """The registrant cancels: the place (or the ticket in the draw) is given up. Refused once
    the gathering has begun."""
    if rules.has_started(registration.gathering, clock.now()):
        raise InvalidTransition(_l("This has begun: the registration can no longer change."))
    REGISTRATION.apply(registration, RegistrationAction.WITHDRAW, PETITIONER)
    registration.cancelled_at = clock.now()
    db.session.flush()


def can_withdraw(registration: Registration) -> bool:
    return registration.status in ACTIVE_STATES and not rules.has_started(
        registration.gathering, clock.now()
    )
