"""What deputies are told, by SMS and e-mail through the outbox: their suggestion received, its
answer sent, an invitation to an event.

As for petitions (portal/petitions/notices.py), this module listens to the audit events of those
steps (core/audit.py `subscribe`), so a step that is recorded is a step that is told, in the
transaction of the change; a change rolled back tells no one. Deputies give a mobile number and
an e-mail address when they register, so every message goes by both. The SMS template of each
kind is configured in SMS_TEMPLATES (deputy_received, deputy_answered, deputy_invited).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_date, format_datetime

from portal.core import audit, clock, mail, sms
from portal.core.audit import AuditEvent
from portal.core.i18n import gettext as _
from portal.core.urls import public_url
from portal.deputies.models import DeputyAccount, Invitation, Suggestion
from portal.extensions import db


def _send(deputy: DeputyAccount, kind: str, parameters: dict, headline: str, url: str) -> None:
    sms.enqueue(deputy.mobile, kind, parameters, f"{headline} {url}")
    subject = _(
        "%(procuratorate)s: deputies' liaison",
        procuratorate=current_app.config["PROCURATORATE_NAME"],
    )
    body = "\n\n".join(
        (
            _("Dear %(name)s,", name=deputy.name),
            headline,
            _("Read it on your liaison page: %(url)s", url=url),
            current_app.config["PROCURATORATE_NAME"],
        )
    )
    mail.enqueue(deputy.email, subject, body + "\n")


def tell_about_suggestion(event: AuditEvent) -> None:
    suggestion = db.session.get(Suggestion, int(event.subject_id))
    if suggestion is None:
        return
    url = public_url("deputies.show_suggestion", suggestion_id=suggestion.id)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        values = {"number": suggestion.number, "due": format_date(suggestion.due_on)}
        if event.code == "deputy_suggestion.received":
            kind = "deputy_received"
            headline = _(
                "We received your suggestion %(number)s. It will be answered by %(due)s.", **values
            )
        else:
            kind = "deputy_answered"
            headline = _(
                "Your suggestion %(number)s is answered. Please read the answer and rate it.",
                **values,
            )
        _send(suggestion.deputy, kind, values, headline, url)


def tell_about_invitation(event: AuditEvent) -> None:
    invitation = db.session.get(Invitation, int(event.subject_id))
    if invitation is None:
        return
    liaison_event = invitation.event
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        values = {
            "title": liaison_event.title[:60],
            "time": format_datetime(clock.as_utc(liaison_event.starts_at), "short"),
        }
        headline = _(
            "You are invited to %(title)s on %(time)s. Please tell us whether you will attend.",
            **values,
        )
        _send(invitation.deputy, "deputy_invited", values, headline, public_url("deputies.account"))


audit.subscribe(["deputy_suggestion.received", "deputy_suggestion.answered"], tell_about_suggestion)
audit.subscribe(["deputy_invitation.sent"], tell_about_invitation)
