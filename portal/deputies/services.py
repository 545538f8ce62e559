"""Rules of deputies' liaison: accounts (online registration and staff verification, or
registration by staff), suggestions with their time limit, answers with a leader's approval,
ratings, and events with invitations and replies.

Services change the session and flush; the view commits once, so a change, its audit event and
its messages in the outbox (portal/deputies/notices.py listens to the events) are stored
together or not at all. Refusals raise `core.workflow.InvalidTransition` or
`core.credentials.AccountError`, whose messages are shown as they are.

The time limit. A suggestion, criticism or opinion is answered within DEPUTY_ANSWER_MONTHS
(default 3) months of its receipt. The rule is the one congresses and committees set for the
bodies that handle their members' proposals: 《全国人民代表大会代表建议、批评和意见处理办法》
Art. 12, "承办单位应当自收到代表建议之日起三个月内答复代表", and the CPPCC's rules for its
members' proposals give the same three months. The day of receipt is not counted and a limit
ending on a holiday ends on the next working day (portal/core/timelimits.py, the working-day
calendar of portal/calendar). The due date and the rule are stored at receipt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy.exc import IntegrityError

from portal.calendar.services import load_calendar
from portal.core import audit, clock, credentials, identity, mail, sessions, timelimits, tokens
from portal.core import uploads as upload_store
from portal.core.audit import EventType
from portal.core.credentials import AccountError, hasher, password_problem
from portal.core.forms import normalise_mobile, submission_key_hash
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.uploads import CheckedUpload
from portal.core.urls import public_url
from portal.core.workflow import InvalidTransition
from portal.deputies import notices  # noqa: F401  (tells deputies of each step)
from portal.deputies.models import (
    Body,
    DeputyAccount,
    EventKind,
    Invitation,
    Level,
    LiaisonEvent,
    Rating,
    Reply,
    Suggestion,
    SuggestionAttachment,
    SuggestionKind,
    SuggestionState,
    Verification,
)
from portal.deputies.workflow import ACCOUNT, SUGGESTION, AccountAction, SuggestionAction
from portal.extensions import db

audit.register_subject_kinds(
    {
        "deputy": audit.SubjectKind(_l("Deputy or member"), Verification),
        "deputy_suggestion": audit.SubjectKind(_l("Deputy's suggestion"), SuggestionState),
        "deputy_event": audit.SubjectKind(_l("Liaison event")),
        "deputy_invitation": audit.SubjectKind(_l("Invitation to an event")),
    }
)
audit.register_detail_keys(
    ["deputy_suggestion"],
    {
        "rating": audit.DetailKey(_l("Rating"), lambda code: Rating(code).label),
        "rule": audit.DetailKey(_l("Time limit")),
    },
)
audit.register_detail_keys(
    ["deputy_invitation"],
    {"answer": audit.DetailKey(_l("Reply"), lambda code: Reply(code).label)},
)
audit.register_event_types(
    {
        "deputy.registered": EventType(_l("Deputy registered online")),
        "deputy.registered_by_staff": EventType(_l("Deputy registered by staff")),
        "deputy.logged_in": EventType(_l("Deputy logged in")),
        "deputy.login_locked": EventType(_l("Deputy login locked after repeated failures")),
        "deputy.password_set": EventType(_l("Deputy chose a password by e-mail")),
        "deputy_suggestion.received": EventType(_l("Deputy's suggestion received")),
        "deputy_suggestion.rated": EventType(_l("Deputy rated the answer")),
        "deputy_suggestion.file_downloaded": EventType(_l("Attachment of a deputy downloaded")),
        "deputy_event.created": EventType(_l("Liaison event created")),
        "deputy_invitation.sent": EventType(_l("Deputy invited to an event")),
        "deputy_invitation.replied": EventType(_l("Deputy replied to an invitation")),
    }
)

_LINK_SALT = "deputy-account-link"


# ---- accounts --------------------------------------------------------------------------------


@dataclass
class DeputyData:
    name: str
    body: str
    level: str
    assembly: str
    unit: str
    mobile: str
    email: str


def find_by_email(email: str) -> DeputyAccount | None:
    """The account of this address in its canonical form (portal/core/identity.py)."""
    email = identity.canonical_email(email)
    if "\x00" in email:  # no address holds one, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(
        sa.select(DeputyAccount).where(sa.func.lower(DeputyAccount.email) == email)
    )


def _checked(data: DeputyData) -> tuple[str, str]:
    """The canonical address and name, or AccountError (with its field) for look-alikes."""
    email, name = identity.canonical_email(data.email), identity.canonical_name(data.name)
    problem = identity.email_problem(email)
    if problem:
        raise AccountError(problem, "email")
    problem = identity.name_problem(name)
    if problem:
        raise AccountError(problem, "name")
    return email, name


def _new_account(data: DeputyData, email: str, name: str, password_hash: str) -> DeputyAccount:
    return DeputyAccount(
        name=name,
        body=Body(data.body).value,
        level=Level(data.level).value,
        assembly=data.assembly.strip(),
        unit=data.unit.strip(),
        mobile=normalise_mobile(data.mobile),
        email=email,
        password_hash=password_hash,
        created_at=clock.now(),
    )


def _insert(deputy: DeputyAccount) -> bool:
    """Add the account; False when its address was registered meanwhile (UNIQUE)."""
    try:
        with db.session.begin_nested():
            db.session.add(deputy)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def register_deputy(data: DeputyData, password: str) -> DeputyAccount | None:
    """Online registration: a pending account that staff verify against the roster of the
    congress or committee (by the unit and mobile given) before it can send suggestions.

    As for lawyers, registration does not tell who is registered: what was typed is judged on
    its own first (AccountError), then an address that has an account, or looks like one,
    creates nothing and returns None, which the view answers exactly as a new account. No
    confirmation link is mailed: staff verify every registration by calling the deputy on the
    mobile number that the roster lists, which also proves the address given is theirs."""
    email, name = _checked(data)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    password_hash = hasher.hash(password)
    existing = db.session.scalars(sa.select(DeputyAccount.email))
    if find_by_email(email) is not None or identity.confusable_with(email, existing):
        return None
    deputy = _new_account(data, email, name, password_hash)
    deputy.status = Verification.PENDING.value
    if not _insert(deputy):
        return None
    audit.record("deputy.registered", actor_kind=audit.ACTOR_PETITIONER, subject=deputy)
    return deputy


def register_by_staff(data: DeputyData, staff) -> DeputyAccount:
    """Staff register a deputy from the roster: the account is verified at once and the deputy
    gets an e-mail with a link to choose a password. AccountError when the address is taken."""
    email, name = _checked(data)
    taken = AccountError(_l("A deputy or member with this e-mail address is registered."), "email")
    existing = db.session.scalars(sa.select(DeputyAccount.email))
    if identity.confusable_with(email, existing):
        raise taken
    # Not a hash: no password opens the account until the deputy chooses one through the link.
    deputy = _new_account(data, email, name, "!" + secrets.token_hex(32))
    deputy.status = Verification.VERIFIED.value
    deputy.created_by_id, deputy.verified_by_id, deputy.verified_at = (
        staff.id,
        staff.id,
        clock.now(),
    )
    if not _insert(deputy):
        raise taken
    audit.record("deputy.registered_by_staff", actor=staff, subject=deputy)
    _send_password_link(deputy)
    return deputy


def _password_state(deputy: DeputyAccount) -> str:
    """Changes with the password hash: a link works once, and dies with a new password."""
    return hashlib.sha256(f"{deputy.password_hash}\0{deputy.email}".encode()).hexdigest()[:32]


def password_token(deputy: DeputyAccount) -> str:
    return tokens.serializer(_LINK_SALT).dumps({"id": deputy.id, "state": _password_state(deputy)})


def _send_password_link(deputy: DeputyAccount) -> None:
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Your account for deputies' and members' liaison")
        body = _(
            "Dear %(name)s,\n\n%(procuratorate)s has registered you for its deputies' and "
            "members' liaison, where you can send suggestions, criticisms and opinions, follow "
            "their answers and reply to invitations. Open this link to choose your password "
            "(it is valid for %(hours)s hours and works once):\n\n%(link)s\n",
            name=deputy.name,
            procuratorate=config["PROCURATORATE_NAME"],
            hours=config["DEPUTY_LINK_HOURS"],
            link=public_url("deputies.set_password", token=password_token(deputy)),
        )
    mail.enqueue(deputy.email, subject, body)


class TokenInvalid(ValueError):
    """The message says what to do."""


def deputy_for_password_token(token: str) -> DeputyAccount:
    invalid = _l(
        "This link is not valid or was used already. Ask our liaison office for a new one."
    )
    try:
        payload = tokens.serializer(_LINK_SALT).loads(
            token, max_age=current_app.config["DEPUTY_LINK_HOURS"] * 3600
        )
    except SignatureExpired:
        raise TokenInvalid(
            _l("This link has expired. Ask our liaison office for a new one.")
        ) from None
    except BadSignature:
        raise TokenInvalid(invalid) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise TokenInvalid(invalid)
    deputy = db.session.get(DeputyAccount, payload["id"])
    state = payload.get("state")
    if deputy is None or not (
        isinstance(state, str) and hmac.compare_digest(_password_state(deputy), state)
    ):
        raise TokenInvalid(invalid)
    return deputy


def set_password(token: str, password: str) -> DeputyAccount:
    """The password chosen through the link staff had sent; every session of the account ends.
    TokenInvalid, or AccountError for a weak password."""
    deputy = deputy_for_password_token(token)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    deputy.password_hash = hasher.hash(password)
    credentials.lift_login_lock("deputy", deputy.email)
    sessions.end_all(deputy)
    audit.record("deputy.password_set", actor_kind=audit.ACTOR_PETITIONER, subject=deputy)
    return deputy


def authenticate(email: str, password: str) -> DeputyAccount:
    """The login rule of every account (core.credentials.check_login). The caller commits."""
    deputy = find_by_email(email)
    credentials.check_login(
        deputy, password, email=email, kind="deputy", lock_event="deputy.login_locked"
    )
    audit.record("deputy.logged_in", actor_kind=audit.ACTOR_PETITIONER, subject=deputy)
    return deputy


def load_deputy(deputy_id: int) -> DeputyAccount | None:
    return db.session.get(DeputyAccount, deputy_id)


credentials.register_loader(DeputyAccount.login_kind, load_deputy)


def verify_deputy(deputy: DeputyAccount, staff) -> None:
    """InvalidTransition when decided already or `staff` may not decide."""
    ACCOUNT.apply(deputy, AccountAction.VERIFY, staff)
    deputy.verified_at, deputy.verified_by_id = clock.now(), staff.id
    _tell_decision(deputy)


def reject_deputy(deputy: DeputyAccount, staff, reason: str) -> None:
    """As verify_deputy, and refused without a reason: the person reads it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_l("Give the reason the person will read."), field="reason")
    ACCOUNT.apply(deputy, AccountAction.REJECT, staff, detail={"reason": reason})
    deputy.rejected_at, deputy.rejected_by_id, deputy.rejection_reason = (
        clock.now(),
        staff.id,
        reason,
    )
    _tell_decision(deputy)


def _tell_decision(deputy: DeputyAccount) -> None:
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        if deputy.is_verified:
            subject = _("Your liaison account is verified")
            body = _(
                "Dear %(name)s,\n\nour staff have verified your registration. You can now send "
                "suggestions, criticisms and opinions at %(url)s.\n",
                name=deputy.name,
                url=public_url("deputies.account"),
            )
        else:
            subject = _("Your liaison account could not be verified")
            body = _(
                "Dear %(name)s,\n\nour staff could not verify your registration, for this "
                "reason:\n\n%(reason)s\n\nYou can read it on your account page at %(url)s.\n",
                name=deputy.name,
                reason=deputy.rejection_reason,
                url=public_url("deputies.account"),
            )
    mail.enqueue(deputy.email, subject, body)


# ---- suggestions -----------------------------------------------------------------------------


def answer_rule(config) -> str:
    return f"{config['DEPUTY_ANSWER_MONTHS']}m"


def answer_due(received_on: date, months: int, work_calendar) -> date:
    """The day the answer is due: `months` after receipt (the day of receipt not counted), on
    the next working day when that is a holiday (see the module docstring)."""
    return timelimits.months_on_working_days(received_on, months, work_calendar)


@dataclass
class SuggestionData:
    kind: str
    subject: str
    body: str
    uploads: list[CheckedUpload] = field(default_factory=list)


def submit_suggestion(
    deputy: DeputyAccount, data: SuggestionData, *, submission_key: str
) -> tuple[Suggestion, bool]:
    """Record a suggestion with its files; (suggestion, is_repeat). A second post of the same
    form (its one-time key) returns the first suggestion and records nothing (DESIGN §5).
    Only a verified deputy sends (InvalidTransition)."""
    if not deputy.is_verified:
        raise InvalidTransition(
            _l("Only deputies and members whom our staff verified can send suggestions."),
            forbidden=True,
        )
    key_hash = submission_key_hash(submission_key)
    earlier = db.session.scalar(
        sa.select(Suggestion).where(Suggestion.submission_key_hash == key_hash)
    )
    if earlier is not None and earlier.deputy_id == deputy.id:
        return earlier, True
    now = clock.now()
    received_on = clock.local_date(now)
    config = current_app.config
    suggestion = Suggestion(
        deputy_id=deputy.id,
        submission_key_hash=key_hash,
        kind=SuggestionKind(data.kind).value,
        subject=data.subject.strip(),
        body=data.body.strip(),
        status=SuggestionState.RECEIVED.value,
        received_at=now,
        due_on=answer_due(received_on, config["DEPUTY_ANSWER_MONTHS"], load_calendar(received_on)),
        deadline_rule=answer_rule(config),
    )
    try:
        with db.session.begin_nested():
            db.session.add(suggestion)
            db.session.flush()
    except IntegrityError:  # the same form posted in parallel: the other post recorded it
        earlier = db.session.scalar(
            sa.select(Suggestion).where(Suggestion.submission_key_hash == key_hash)
        )
        if earlier is None or earlier.deputy_id != deputy.id:
            raise
        return earlier, True
    for upload in data.uploads:
        db.session.add(
            SuggestionAttachment(
                suggestion_id=suggestion.id,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                uploaded_at=now,
                storage_key=upload_store.store(db.session, upload),
            )
        )
    audit.record(
        "deputy_suggestion.received",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=suggestion,
        to_state=suggestion.status,
        detail={"rule": suggestion.deadline_rule},
    )
    return suggestion, False


def _required(text: str | None, message) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidTransition(message)
    return text


def draft_answer(suggestion: Suggestion, actor, text: str) -> None:
    """Write (or, after a return, revise) the answer; a leader other than the drafter approves."""
    text = _required(text, _l("Write the answer."))
    SUGGESTION.apply(suggestion, SuggestionAction.DRAFT, actor)
    suggestion.answer, suggestion.drafted_at, suggestion.drafted_by_id = text, clock.now(), actor.id


def return_answer(suggestion: Suggestion, actor, comment: str) -> None:
    comment = _required(comment, _l("Say what should change in the draft."))
    SUGGESTION.apply(suggestion, SuggestionAction.RETURN, actor, detail={"comment": comment})
    suggestion.return_comment = comment


def approve_answer(suggestion: Suggestion, actor) -> None:
    """Send the drafted answer: the deputy reads it on their page and is told (notices.py)."""
    SUGGESTION.apply(suggestion, SuggestionAction.APPROVE, actor)
    suggestion.approved_by_id, suggestion.answered_at = actor.id, clock.now()
    suggestion.return_comment = None


def is_answered_on_time(suggestion: Suggestion) -> bool:
    """Answered on or before its due date (in local days)."""
    return suggestion.answered_at is not None and (
        clock.local_date(suggestion.answered_at) <= suggestion.due_on
    )


def rate_answer(
    suggestion: Suggestion, deputy: DeputyAccount, rating: Rating | str, comment: str | None
) -> None:
    """The deputy's rating of the answer, once; a dissatisfied rating needs a comment that
    says why (staff read it, and it counts against the satisfaction rate)."""
    if suggestion.deputy_id != deputy.id:
        raise InvalidTransition(_l("This is not your suggestion."), forbidden=True)
    if suggestion.status != SuggestionState.ANSWERED:
        raise InvalidTransition(_l("You can rate the answer once it has been sent to you."))
    if suggestion.rating is not None:
        raise InvalidTransition(_l("You have rated this answer already."))
    rating = Rating(rating)
    comment = (comment or "").strip() or None
    if rating is Rating.DISSATISFIED and comment is None:
        raise InvalidTransition(
            _l("Say what is missing in the answer, so that we can do better."), field="comment"
        )
    suggestion.rating, suggestion.rating_comment, suggestion.rated_at = (
        rating.value,
        comment,
        clock.now(),
    )
    audit.record(
        "deputy_suggestion.rated",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=suggestion,
        detail={"rating": rating.value},
    )


def record_download(attachment: SuggestionAttachment, staff) -> None:
    audit.record("deputy_suggestion.file_downloaded", actor=staff, subject=attachment.suggestion)


# ---- events and invitations ------------------------------------------------------------------


@dataclass
class EventData:
    kind: str
    title: str
    starts_at: datetime
    place: str
    description: str


def create_event(data: EventData, staff) -> LiaisonEvent:
    if data.starts_at <= clock.now():
        raise InvalidTransition(_l("Choose a time in the future."), field="starts_at")
    event = LiaisonEvent(
        kind=EventKind(data.kind).value,
        title=data.title.strip(),
        starts_at=data.starts_at,
        place=data.place.strip(),
        description=data.description.strip(),
        created_at=clock.now(),
        created_by_id=staff.id,
    )
    db.session.add(event)
    db.session.flush()
    audit.record("deputy_event.created", actor=staff, subject=event)
    return event


def has_started(event: LiaisonEvent, now: datetime | None = None) -> bool:
    return clock.as_utc(event.starts_at) <= (now or clock.now())


def invite(event: LiaisonEvent, deputy_ids, staff) -> list[Invitation]:
    """Invite verified deputies not invited yet; returns the new invitations (each told by
    notices.py). Refused once the event has begun."""
    if has_started(event):
        raise InvalidTransition(_l("This event has begun: no one can be invited any more."))
    invited = {invitation.deputy_id for invitation in event.invitations}
    wanted = [i for i in dict.fromkeys(deputy_ids) if i not in invited]
    deputies = db.session.scalars(
        sa.select(DeputyAccount).where(
            DeputyAccount.id.in_(wanted), DeputyAccount.status == Verification.VERIFIED.value
        )
    ).all()
    new = []
    for deputy in deputies:
        invitation = Invitation(
            event=event, deputy_id=deputy.id, invited_at=clock.now(), invited_by_id=staff.id
        )
        db.session.add(invitation)
        new.append(invitation)
    db.session.flush()
    for invitation in new:
        audit.record("deputy_invitation.sent", actor=staff, subject=invitation)
    return new


def reply_to_invitation(invitation: Invitation, deputy: DeputyAccount, reply: Reply | str) -> None:
    """Attend or decline; the deputy may change the reply until the event begins."""
    if invitation.deputy_id != deputy.id:
        raise InvalidTransition(_l("This invitation is not yours."), forbidden=True)
    if has_started(invitation.event):
        raise InvalidTransition(_l("This event has begun: the reply can no longer change."))
    reply = Reply(reply)
    invitation.reply, invitation.replied_at = reply.value, clock.now()
    audit.record(
        "deputy_invitation.replied",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=invitation,
        detail={"answer": reply.value},
    )
