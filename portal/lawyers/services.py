"""Rules for lawyers' accounts: registration, e-mail confirmation, login, staff verification.

Registration and login tell nobody which addresses or licence numbers are registered: the
answer, and its cost, are the same (register_lawyer, authenticate); addresses and names are
compared in one canonical form and look-alikes refused (portal/core/identity.py).

Services change the session and flush; the view commits once, so an account, its confirmation
e-mail in the outbox and its audit event are stored together or not at all.

Verification is a state machine: which decision may follow which state, who takes it and the
rule that the e-mail must be confirmed first are in portal/lawyers/workflow.py (ACCOUNT);
`verify_lawyer` and `reject_lawyer` go through `ACCOUNT.apply`, which writes the one audit
event, and add the facts (who decided, when, the reason) and the e-mail to the lawyer. Refusals
raise `core.workflow.InvalidTransition`, whose message is shown to staff as it is.

Audit events about what a lawyer did are recorded with actor_kind "lawyer" and the lawyer as
their subject.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from portal.core import audit, clock, credentials, identity, mail, throttle
from portal.core.audit import EventType
from portal.core.credentials import AccountError, hasher, password_problem
from portal.core.urls import public_url
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.lawyers.models import LawyerAccount, Verification
from portal.lawyers.workflow import ACCOUNT, AccountAction

audit.register_event_types(
    {
        "lawyer.registered": EventType(_l("Lawyer registered")),
        "lawyer.email_confirmed": EventType(_l("Lawyer confirmed the e-mail address")),
        "lawyer.logged_in": EventType(_l("Lawyer logged in")),
        "lawyer.login_locked": EventType(_l("Lawyer login locked after repeated failures")),
        "lawyer.password_changed": EventType(_l("Lawyer changed the password")),
    }
)

logger = logging.getLogger(__name__)
LICENCE_RE = re.compile(r"\d{17}")
_CONFIRM_SALT = "lawyer-email-confirmation"


def normalise_licence(typed: str | None) -> str:
    """Lawyers copy the number with spaces; the number itself is 17 digits."""
    return re.sub(r"[\s-]", "", typed or "")


def find_by_email(email: str) -> LawyerAccount | None:
    """The account of this address in its canonical form (portal/core/identity.py)."""
    email = identity.canonical_email(email)
    if "\x00" in email:  # no address holds one, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(
        sa.select(LawyerAccount).where(sa.func.lower(LawyerAccount.email) == email)
    )


@dataclass
class Registration:
    name: str
    licence_number: str
    law_firm: str
    mobile: str
    email: str
    password: str


def register_lawyer(data: Registration) -> LawyerAccount | None:
    """Create a pending account and queue the confirmation e-mail; returns it.

    Registration must not tell who is registered, so what was typed is judged on its own first:
    AccountError (with its field) for a malformed licence number, a weak password, or an address
    or name that mixes look-alike letters (portal/core/identity.py), the same for everyone. Then,
    when the address, or the licence number, belongs to an account already, nothing is created,
    the owner is told by e-mail (at most once an hour) and None is returned; also None, without a
    notice, when the address could be mistaken for an existing account's. The view answers None
    exactly as it answers a new account, and both cost one password hash.
    """
    licence = normalise_licence(data.licence_number)
    if not LICENCE_RE.fullmatch(licence):
        raise AccountError(
            _l("Enter the 17-digit number of your practising licence."), "licence_number"
        )
    email, name = identity.canonical_email(data.email), identity.canonical_name(data.name)
    problem = identity.email_problem(email)
    if problem:
        raise AccountError(problem, "email")
    problem = identity.name_problem(name)
    if problem:
        raise AccountError(problem, "name")
    problem = password_problem(data.password)
    if problem:
        raise AccountError(problem, "password")
    password_hash = hasher.hash(data.password)  # slow: before the first query takes the lock
    owner = find_by_email(email) or db.session.scalar(
        sa.select(LawyerAccount).where(LawyerAccount.licence_number == licence)
    )
    # Compared with every address whatever the outcome, so that each costs the same time.
    look_alike = identity.confusable_with(email, db.session.scalars(sa.select(LawyerAccount.email)))
    if owner is not None:
        _tell_registration_attempt(owner)
        return None
    if look_alike:
        logger.warning(
            "lawyer registration refused: %s could be mistaken for an existing address",
            throttle.loggable(email),
        )
        return None
    lawyer = LawyerAccount(
        name=name,
        licence_number=licence,
        law_firm=data.law_firm.strip(),
        mobile=data.mobile,
        email=email,
        password_hash=password_hash,
        created_at=clock.now(),
        status=Verification.PENDING.value,
        failed_logins=0,
        session_token=secrets.token_hex(16),
    )
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it starts.
        with db.session.begin_nested():
            db.session.add(lawyer)
            db.session.flush()
    except IntegrityError:
        # The same address or licence was registered in parallel: as if it had been first.
        return None
    audit.record("lawyer.registered", actor_kind=audit.ACTOR_LAWYER, subject=lawyer)
    send_confirmation(lawyer)
    return lawyer


def _tell_registration_attempt(lawyer: LawyerAccount) -> None:
    """Someone registered with this lawyer's address or licence number: tell the owner (the
    only one who may learn that the account exists), at most once an hour, so that repeated
    attempts cannot flood the mailbox."""
    if not throttle.first_in(f"registration-attempt/{lawyer.id}", 3600):
        return
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Someone tried to register with your details")
        body = _(
            "Dear %(name)s,\n\nsomeone tried to register for the lawyer services of "
            "%(procuratorate)s with your e-mail address or practising licence number. You have "
            "an account already, so nothing was created or changed.\n\nIf it was you, log in at "
            "%(link)s. If it was not you, you need do nothing; if it happens again, call us.\n",
            name=lawyer.name,
            procuratorate=config["PROCURATORATE_NAME"],
            link=public_url("lawyers.login"),
        )
    mail.enqueue(lawyer.email, subject, body)


# ---- e-mail confirmation ---------------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """Signs and checks ages with the portal's one clock (tests freeze it), not the wall clock."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT, signer=_ClockSigner
    )


def confirmation_token(lawyer: LawyerAccount) -> str:
    """Signed with the app's secret; names the account and the address it confirms, so a token
    for an old address confirms nothing after the address changed."""
    return _serializer().dumps({"id": lawyer.id, "email": lawyer.email})


def send_confirmation(lawyer: LawyerAccount) -> mail.OutboxMessage:
    config = current_app.config
    link = public_url("lawyers.confirm_email", token=confirmation_token(lawyer))
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Confirm your e-mail address for lawyer services")
        body = _(
            "Dear %(name)s,\n\nyou registered for the lawyer services of %(procuratorate)s. "
            "Open this link to confirm your e-mail address (it is valid for %(hours)s hours):\n\n"
            "%(link)s\n\nAfter that our staff verify your practising licence. If you did not "
            "register, ignore this e-mail.\n",
            name=lawyer.name,
            procuratorate=config["PROCURATORATE_NAME"],
            hours=config["LAWYER_CONFIRM_HOURS"],
            link=link,
        )
    return mail.enqueue(lawyer.email, subject, body)


class TokenInvalid(ValueError):
    """The message says what to do."""


def lawyer_for_token(token: str) -> LawyerAccount:
    """The account a confirmation link is for; raises TokenInvalid when it is expired, forged
    or for an address the account no longer has."""
    max_age = current_app.config["LAWYER_CONFIRM_HOURS"] * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenInvalid(_l("This link has expired. Log in to have a new one sent.")) from None
    except BadSignature:
        raise TokenInvalid(
            _l("This link is not valid. Copy the whole link from the e-mail.")
        ) from None
    if not isinstance(payload, dict):
        raise TokenInvalid(_l("This link is not valid. Copy the whole link from the e-mail."))
    lawyer = db.session.get(LawyerAccount, payload.get("id"))
    if lawyer is None or lawyer.email != payload.get("email"):
        raise TokenInvalid(_l("This link is not valid. Copy the whole link from the e-mail."))
    return lawyer


def confirm_email(token: str) -> LawyerAccount:
    lawyer = lawyer_for_token(token)
    if lawyer.email_confirmed_at is None:
        lawyer.email_confirmed_at = clock.now()
        audit.record(
            "lawyer.email_confirmed",
            actor_kind=audit.ACTOR_LAWYER,
            subject=lawyer,
        )
    return lawyer


# ---- login -----------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> LawyerAccount:
    """As for staff: the same message for an unknown address and a wrong password, and the
    same throttling (portal.core.credentials.check_login). The caller commits."""
    lawyer = find_by_email(email)
    credentials.check_login(
        lawyer, password, email=email, kind="lawyer", lock_event="lawyer.login_locked"
    )
    audit.record("lawyer.logged_in", actor_kind=audit.ACTOR_LAWYER, subject=lawyer)
    return lawyer


def change_password(lawyer: LawyerAccount, current: str, new: str) -> None:
    """Ends every other session of the account (the session token changes)."""
    try:
        hasher.verify(lawyer.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError(_l("Your current password is not right."), "current_password") from None
    problem = password_problem(new)
    if problem:
        raise AccountError(problem, "new_password")
    lawyer.password_hash = hasher.hash(new)
    lawyer.session_token = secrets.token_hex(16)
    audit.record("lawyer.password_changed", actor_kind=audit.ACTOR_LAWYER, subject=lawyer)


def load_lawyer(identifier: str) -> LawyerAccount | None:
    """Flask-Login's loader for ids "lawyer:<id>:<token>" (given without the prefix)."""
    return credentials.load_by_id(LawyerAccount, identifier)


credentials.register_loader("lawyer", load_lawyer)


# ---- staff verification ----------------------------------------------------------------------


def verify_lawyer(lawyer: LawyerAccount, staff) -> None:
    """Refused (InvalidTransition) when the account is decided already, `staff` may not decide,
    or the lawyer has not confirmed the e-mail address yet."""
    ACCOUNT.apply(lawyer, AccountAction.VERIFY, staff)
    lawyer.verified_at, lawyer.verified_by_id = clock.now(), staff.id
    _tell_decision(lawyer)


def reject_lawyer(lawyer: LawyerAccount, staff, reason: str) -> None:
    """As verify_lawyer, and refused without a reason: the lawyer reads it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_l("Give the reason the lawyer will read."), field="reason")
    ACCOUNT.apply(lawyer, AccountAction.REJECT, staff, detail=reason)
    lawyer.rejected_at, lawyer.rejected_by_id, lawyer.rejection_reason = (
        clock.now(),
        staff.id,
        reason,
    )
    _tell_decision(lawyer)


def _tell_decision(lawyer: LawyerAccount) -> None:
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        if lawyer.is_verified:
            subject = _("Your lawyer account is verified")
            body = _(
                "Dear %(name)s,\n\nour staff have verified your practising licence. You can now "
                "book appointments and bind cases at %(url)s.\n",
                name=lawyer.name,
                url=public_url("lawyers.account"),
            )
        else:
            subject = _("Your lawyer account could not be verified")
            body = _(
                "Dear %(name)s,\n\nour staff could not verify your registration, for this "
                "reason:\n\n%(reason)s\n\nYou can read it on your account page at %(url)s.\n",
                name=lawyer.name,
                reason=lawyer.rejection_reason,
                url=public_url("lawyers.account"),
            )
    mail.enqueue(lawyer.email, subject, body)
