"""Recovering a lost query code without a trip to the reception hall.

1. `request_code(number, contact)`: the petitioner gives the tracking number and the mobile or
   e-mail it was filed with. When both match, a one-time code of six digits goes to that mobile
   by SMS (or to that e-mail), through the outbox; an earlier unused code stops working. The
   answer is the same whatever was given, so the page tells no one which numbers exist or
   which contact a petition has; asking for the contact as well (not the number alone) keeps
   strangers from sending codes to a petitioner's phone. A number gets at most
   RECOVERY_CODES_PER_HOUR codes, counted whether it exists or not.
2. `reset_query_code(number, code)`: the right code, within RECOVERY_CODE_MINUTES and once,
   sets a new query code (shown once, like the receipt's) and the old one stops working.
   Attempts are throttled per number and client and per client (core/throttle.py, the
   RECOVERY_... settings), known numbers or not.

The one-time code is stored only as an HMAC with the app's secret and is never logged; the
outbox row that carries it to the phone is the one copy. Both steps are audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from portal.core import audit, clock, codes, mail, sms, throttle
from portal.core.audit import EventType
from portal.core.forms import normalise_mobile
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.petitions import notices, services
from portal.petitions.models import Petition, QueryCodeRecovery

THROTTLE_KIND = "RECOVERY"
THROTTLE_SCOPE = "query_code_recovery"
CODE_DIGITS = 6

audit.register_event_types(
    {
        "petition.recovery_code_sent": EventType(
            _l("One-time code sent to recover the query code")
        ),
        "petition.query_code_reset": EventType(_l("New query code set"), public=True),
    }
)


class RecoveryThrottled(Exception):
    """Too many wrong codes: try again in `minutes`."""

    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


def _code_hash(petition_id: int, code: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"recovery:{petition_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _petition(number: str) -> Petition | None:
    return db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))


def _same_contact(petition: Petition, contact: str) -> str | None:
    """ "sms" or "email": which of the petition's contacts `contact` is, if either."""
    contact = contact.strip()
    if "@" in contact:
        if petition.email and petition.email.strip().lower() == contact.lower():
            return "email"
        return None
    if petition.mobile and petition.mobile == normalise_mobile(contact):
        return "sms"
    return None


def request_code(tracking_number: str, contact: str) -> None:
    """Send a one-time code when the number and contact match; nothing tells the caller
    whether they did. In the caller's transaction."""
    number = services.normalise_tracking_number(tracking_number)
    config = current_app.config
    if throttle.count("recovery-sent", number, 3600) > config["RECOVERY_CODES_PER_HOUR"]:
        return
    petition = _petition(number)
    channel = _same_contact(petition, contact or "") if petition is not None else None
    if channel is None:
        return
    now = clock.now()
    db.session.execute(
        sa.update(QueryCodeRecovery)
        .where(QueryCodeRecovery.petition_id == petition.id, QueryCodeRecovery.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = config["RECOVERY_CODE_MINUTES"]
    recovery = QueryCodeRecovery(
        petition_id=petition.id,
        code_hash=_code_hash(petition.id, code),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.session.add(recovery)
    db.session.flush()
    audit.record(
        "petition.recovery_code_sent",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=petition,
        detail={"sent_by": channel},
    )
    _send_code(petition, channel, code, minutes)


def _send_code(petition: Petition, channel: str, code: str, minutes: int) -> None:
    locale = notices.language_of(petition)
    with force_locale(locale):
        values = {"number": petition.tracking_number, "code": code, "minutes": str(minutes)}
        text = _(
            "Your one-time code for petition %(number)s is %(code)s, valid for %(minutes)s "
            "minutes. Do not give it to anyone. If you did not ask for it, ignore this message.",
            **values,
        )
        if channel == "sms":
            language = None if locale == current_app.config["BABEL_DEFAULT_LOCALE"] else "en"
            sms.enqueue(petition.mobile, "recovery_code", values, text, language=language)
        else:
            subject = _(
                "%(procuratorate)s: one-time code for petition %(number)s",
                procuratorate=notices.procuratorate_name(locale),
                number=petition.tracking_number,
            )
            mail.enqueue(petition.email, subject, text + "\n")


def reset_query_code(tracking_number: str, code: str) -> str | None:
    """The new query code when `code` is the petition's live one-time code, else None (the
    same for unknown numbers). RecoveryThrottled after too many failures; the caller commits."""
    number = services.normalise_tracking_number(tracking_number)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    try:
        attempt = throttle.Attempt.begin(THROTTLE_KIND, THROTTLE_SCOPE, number)
    except throttle.Throttled as refused:
        raise RecoveryThrottled(refused.minutes) from None
    petition = _petition(number)
    recovery = (
        db.session.scalar(
            sa.select(QueryCodeRecovery)
            .where(
                QueryCodeRecovery.petition_id == petition.id,
                QueryCodeRecovery.used_at.is_(None),
                QueryCodeRecovery.expires_at > clock.now(),
            )
            .order_by(QueryCodeRecovery.id.desc())
            .limit(1)
            .with_for_update()
        )
        if petition is not None
        else None
    )
    if recovery is None or not hmac.compare_digest(
        recovery.code_hash, _code_hash(petition.id, code)
    ):
        attempt.failed()
        return None
    attempt.succeeded()
    recovery.used_at = clock.now()
    new_code = codes.new_code()
    petition.query_code_hash = codes.hash_code(new_code)
    # Failed lookups with the lost code are forgotten: the owner proved who they are.
    throttle.forgive(f"lookup/{services.LOOKUP_SCOPE}", number)
    audit.record("petition.query_code_reset", actor_kind=audit.ACTOR_PETITIONER, subject=petition)
    return new_code
