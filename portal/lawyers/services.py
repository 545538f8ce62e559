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

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from limits import parse_many
from sqlalchemy.exc import IntegrityError

from portal.core import audit, clock, credentials, identity, mail, sessions, throttle, tokens
from portal.core.audit import EventType
from portal.core.credentials import AccountError, hasher, password_problem
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.urls import public_url
from portal.core.workflow import InvalidTransition
from portal.extensions import db, limiter
from portal.lawyers.models import BindingStatus, LawyerAccount, Verification
from portal.lawyers.workflow import ACCOUNT, AccountAction

audit.register_detail_keys([], {}, legacy={"lawyer.rejected": r"(?P<reason>.+)"})
audit.register_subject_kinds(
    {
        "lawyer": audit.SubjectKind(_l("Lawyer"), Verification),
        "binding": audit.SubjectKind(_l("Lawyer's case"), BindingStatus),
        "delivery": audit.SubjectKind(_l("Electronic case file")),
        "category": audit.SubjectKind(_l("Case category closed to online reading")),
    }
)
audit.register_event_types(
    {
        "lawyer.registered": EventType(_l("Lawyer registered")),
        "lawyer.email_confirmed": EventType(_l("Lawyer confirmed the e-mail address")),
        "lawyer.logged_in": EventType(_l("Lawyer logged in")),
        "lawyer.login_locked": EventType(_l("Lawyer login locked after repeated failures")),
        "lawyer.password_changed": EventType(_l("Lawyer changed the password")),
        "lawyer.password_reset_requested": EventType(_l("Lawyer asked for a password reset")),
        "lawyer.password_reset": EventType(_l("Lawyer reset the password by e-mail")),
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


def _serializer() -> URLSafeTimedSerializer:
    return tokens.serializer(_CONFIRM_SALT)


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


def change_password(
    lawyer: LawyerAccount, current: str, new: str, *, keep_session: str | None = None
) -> None:
    """Ends every session of the account but `keep_session` (the one the lawyer is using)."""
    try:
        hasher.verify(lawyer.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError(_l("Your current password is not right."), "current_password") from None
    problem = password_problem(new)
    if problem:
        raise AccountError(problem, "new_password")
    lawyer.password_hash = hasher.hash(new)
    sessions.end_all(lawyer, keep=keep_session)
    audit.record("lawyer.password_changed", actor_kind=audit.ACTOR_LAWYER, subject=lawyer)


def load_lawyer(lawyer_id: int) -> LawyerAccount | None:
    """The lawyer account behind a login session (core.credentials.load_account)."""
    return db.session.get(LawyerAccount, lawyer_id)


credentials.register_loader(LawyerAccount.login_kind, load_lawyer)


# ---- e-mails an account may ask for, and how often -------------------------------------------


def _email_key(email: str) -> str:
    """The per-account counter's key for an address that names no account: a digest, so that
    any input fits the store's key column and no address is kept in clear."""
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _may_send(scope: str, key: str, limit: str) -> bool:
    """Count one more e-mail of `scope` for `key` against `limit` ("3 per 30 minutes") in the
    rate limiter's store, which every worker and host shares; False once the limit is reached.
    The client's own limit is the view's (Flask-Limiter); this one holds whichever client asks."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    strategy = limiter.limiter
    return all([strategy.hit(item, "lawyer-mail", scope, key) for item in parse_many(limit)])


def resend_confirmation(lawyer: LawyerAccount) -> None:
    """Queue the confirmation link again, unless the address is confirmed or the link was sent
    CONFIRMATION_RESEND_PER_HOUR times in the past hour already (then nothing is sent: the
    lawyer holds links that work, each valid for LAWYER_CONFIRM_HOURS)."""
    if lawyer.is_email_confirmed:
        return
    per_hour = current_app.config["CONFIRMATION_RESEND_PER_HOUR"]
    if _may_send("confirmation", f"lawyer:{lawyer.id}", f"{per_hour} per hour"):
        send_confirmation(lawyer)


# ---- password reset by e-mail ----------------------------------------------------------------
#
# The link carries a token signed with the app's secret (itsdangerous, checked with the portal's
# clock) that names the account and a digest of its password hash, address and last login. It
# needs no table and keeps nothing to steal, and it is single-use without any bookkeeping: the
# reset writes a new argon2 hash (with a new random salt, even for the same password), so the
# digest no longer matches and every link sent for the account dies at once; a successful login
# in the meantime kills them too. Links expire after PASSWORD_RESET_MINUTES.

_RESET_SALT = "lawyer-password-reset"


def _reset_serializer() -> URLSafeTimedSerializer:
    return tokens.serializer(_RESET_SALT)


def _reset_state(lawyer: LawyerAccount) -> str:
    last_login = lawyer.last_login_at
    material = "\0".join(
        (
            lawyer.password_hash,
            lawyer.email,
            str(int(clock.as_utc(last_login).timestamp())) if last_login else "",
        )
    )
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _digest_equal(expected: str, given) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected, given)


def password_reset_token(lawyer: LawyerAccount) -> str:
    return _reset_serializer().dumps({"id": lawyer.id, "state": _reset_state(lawyer)})


def request_password_reset(email: str) -> None:
    """Someone asked for a reset link for `email`. Whether or not an account uses the address,
    the caller gives the same answer; the work differs only by queuing the e-mail. At most
    PASSWORD_RESET_PER_ACCOUNT links go to one account (or one unknown address) within
    PASSWORD_RESET_MINUTES, whoever asks: the window is the links' lifetime, so whenever a
    request is dropped the owner already holds a link that works, and a stranger can neither
    flood the inbox nor keep the owner from resetting."""
    config = current_app.config
    lawyer = find_by_email(email)
    key = f"lawyer:{lawyer.id}" if lawyer else _email_key(email)
    limit = f"{config['PASSWORD_RESET_PER_ACCOUNT']} per {config['PASSWORD_RESET_MINUTES']} minutes"
    if not _may_send("password-reset", key, limit) or lawyer is None:
        return
    link = public_url("lawyers.reset_password", token=password_reset_token(lawyer))
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Choose a new password for lawyer services")
        body = _(
            "Dear %(name)s,\n\nsomeone, probably you, asked to choose a new password for your "
            "lawyer services account at %(procuratorate)s. Open this link to choose it (it is "
            "valid for %(minutes)s minutes and works once):\n\n%(link)s\n\nIf you did not ask, "
            "ignore this e-mail: your password stays as it is.\n",
            name=lawyer.name,
            procuratorate=config["PROCURATORATE_NAME"],
            minutes=config["PASSWORD_RESET_MINUTES"],
            link=link,
        )
    mail.enqueue(lawyer.email, subject, body)
    audit.record("lawyer.password_reset_requested", actor_kind=audit.ACTOR_SYSTEM, subject=lawyer)


def lawyer_for_reset_token(token: str) -> LawyerAccount:
    """The account a reset link is for; raises TokenInvalid when it is expired, forged, used
    already, or outdated by a login or a change of password or address."""
    invalid = _l("This link is not valid or was used already. Ask for a new one.")
    try:
        payload = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MINUTES"] * 60
        )
    except SignatureExpired:
        raise TokenInvalid(_l("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise TokenInvalid(invalid) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise TokenInvalid(invalid)
    lawyer = db.session.get(LawyerAccount, payload["id"])
    if lawyer is None or not _digest_equal(_reset_state(lawyer), payload.get("state")):
        raise TokenInvalid(invalid)
    return lawyer


def reset_password(token: str, new: str) -> LawyerAccount:
    """Set the password chosen through a reset link: the link dies with the old hash, every
    session of the account ends, and a lockout is lifted (the owner proved they read the
    mailbox). Raises TokenInvalid, or AccountError for a weak password."""
    lawyer = lawyer_for_reset_token(token)
    problem = password_problem(new)
    if problem:
        raise AccountError(problem, "password")
    lawyer.password_hash = hasher.hash(new)
    credentials.lift_login_lock("lawyer", lawyer.email)
    sessions.end_all(lawyer)
    audit.record("lawyer.password_reset", actor_kind=audit.ACTOR_LAWYER, subject=lawyer)
    return lawyer


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
    ACCOUNT.apply(lawyer, AccountAction.REJECT, staff, detail={"reason": reason})
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
