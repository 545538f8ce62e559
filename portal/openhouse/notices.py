"""What registrants are told, by SMS (the mobile is required) and by e-mail when they gave an
address, in the language they registered in: registered (and when the draw is), a place
confirmed with its confirmation number, not drawn, their own cancellation, the open day or
hearing cancelled (with the reason) or moved, and, to the owner of a mobile that tried to
register twice, the number of the registration it has.

As elsewhere (portal/petitions/notices.py), each message follows an audit event
(`audit.subscribe`), in the transaction of the change, through the outbox. No message carries
the registration's code.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from portal.core import audit, mail, sms
from portal.core.audit import AuditEvent
from portal.core.i18n import format_datetime
from portal.core.i18n import gettext as _
from portal.core.urls import public_url
from portal.extensions import db
from portal.openhouse.models import ACTIVE_STATES, Gathering, Registration

# SMS kinds (SMS_TEMPLATES names a gateway template for each; README).
RECEIVED = "openhouse_received"
CONFIRMED = "openhouse_confirmed"
NOT_DRAWN = "openhouse_not_drawn"
WITHDRAWN = "openhouse_withdrawn"
CANCELLED = "openhouse_cancelled"
CHANGED = "openhouse_changed"
ALREADY_REGISTERED = "openhouse_already_registered"
SMS_VALUE_LIMIT = 60


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SMS_VALUE_LIMIT else text[: SMS_VALUE_LIMIT - 1] + "…"


def _common(registration: Registration) -> dict:
    gathering = registration.gathering
    return {
        "title": _short(gathering.title),
        "when": format_datetime(gathering.starts_at, "short"),
        "number": registration.number,
    }


def _received(registration):
    values = {
        **_common(registration),
        "closes": format_datetime(registration.gathering.registration_closes_at, "short"),
    }
    return (
        RECEIVED,
        values,
        _(
            "Your registration %(number)s for %(title)s (%(when)s) is received. Places are "
            "drawn after registration closes on %(closes)s; we will tell you the result.",
            **values,
        ),
    )


def _confirmed(registration):
    values = {
        **_common(registration),
        "place": _short(registration.gathering.place),
        "confirmation": registration.confirmation_number,
    }
    return (
        CONFIRMED,
        values,
        _(
            "Your place at %(title)s is confirmed: %(when)s, %(place)s. Confirmation number "
            "%(confirmation)s. Bring your identity card.",
            **values,
        ),
    )


def _not_drawn(registration):
    values = _common(registration)
    return (
        NOT_DRAWN,
        values,
        _(
            "Thank you for registering for %(title)s (%(when)s). More people registered than "
            "there are seats, and registration %(number)s was not drawn.",
            **values,
        ),
    )


def _withdrawn(registration):
    values = _common(registration)
    return (
        WITHDRAWN,
        values,
        _("Your registration %(number)s for %(title)s (%(when)s) is cancelled.", **values),
    )


def _cancelled(registration):
    values = {
        **_common(registration),
        "reason": _short(registration.gathering.cancellation_reason),
    }
    return (
        CANCELLED,
        values,
        _("%(title)s on %(when)s is cancelled. The reason: %(reason)s", **values),
    )


def _changed(registration):
    values = {**_common(registration), "place": _short(registration.gathering.place)}
    return (
        CHANGED,
        values,
        _(
            "%(title)s has changed: it is now on %(when)s at %(place)s. Your registration "
            "%(number)s stands.",
            **values,
        ),
    )


def _already_registered(registration):
    values = _common(registration)
    return (
        ALREADY_REGISTERED,
        values,
        _(
            "This mobile number is registered for %(title)s (%(when)s) already, as "
            "%(number)s. One registration per mobile: the earlier one stands.",
            **values,
        ),
    )


MESSAGES = {
    "openhouse_registration.received": _received,
    "openhouse_registration.confirmed": _confirmed,
    "openhouse_registration.not_drawn": _not_drawn,
    "openhouse_registration.withdrawn": _withdrawn,
    "openhouse_registration.cancelled": _cancelled,
    "openhouse_registration.already_registered": _already_registered,
}


def tell(registration: Registration, message) -> None:
    config = current_app.config
    locale = registration.locale or config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        kind, values, headline = message(registration)
        url = public_url("openhouse.lookup")
        language = None if locale == config["BABEL_DEFAULT_LOCALE"] else "en"
        text = _("%(headline)s Your registration: %(url)s", headline=headline, url=url)
        sms.enqueue(registration.mobile, kind, values, text, language=language)
        if registration.email:
            name = config[
                "PROCURATORATE_NAME" if locale.startswith("zh") else "PROCURATORATE_NAME_EN"
            ]
            subject = _(
                "%(procuratorate)s: your registration %(number)s",
                procuratorate=name,
                number=registration.number,
            )
            body = "\n\n".join(
                (
                    _("Dear %(name)s,", name=registration.name),
                    headline,
                    _(
                        "See or cancel your registration at %(url)s with its number and code.",
                        url=url,
                    ),
                    name,
                )
            )
            mail.enqueue(registration.email, subject, body + "\n")


def tell_registrant(event: AuditEvent) -> None:
    if event.subject_id is None:
        return
    registration = db.session.get(Registration, int(event.subject_id))
    if registration is None:
        return
    if event.code == "openhouse_registration.received" and registration.status != "applied":
        return  # first come: confirmed at once, and told so
    tell(registration, MESSAGES[event.code])


def tell_of_change(event: AuditEvent) -> None:
    """A change of time or place reaches everyone who holds or awaits a place."""
    changed = set(event.details.get("fields", "").split(","))
    if not changed & {"starts_at", "ends_at", "place"} or event.subject_id is None:
        return
    gathering = db.session.get(Gathering, int(event.subject_id))
    for registration in gathering.registrations if gathering else []:
        if registration.status in ACTIVE_STATES:
            tell(registration, _changed)


audit.subscribe(list(MESSAGES), tell_registrant)
audit.subscribe(["openhouse_gathering.changed"], tell_of_change)
