"""What the petitioner is told at each step, and how: SMS and/or e-mail, as they chose at
intake, in the language they filed in.

One mechanism for every step: this module subscribes to the petition's audit event types
(core/audit.py) and turns each into a message, so no transition has to remember to tell anyone,
and a step that is recorded is a step that is told. The messages go through the outbox
(core/mail.py, core/sms.py) in the transaction of the change; a change rolled back tells
nobody. `NOTICES` maps each event type to its message; an event type missing from it (an
assignment, a note, the petitioner's own added material or satisfaction) tells the petitioner
nothing. A missed deadline is told to leaders instead (`tell_leaders_of_escalation`).

No message carries the query code: it was shown once, and a text or a mailbox is not a safe
place for it. Messages name the tracking number and the progress page, where the code opens
the whole record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, format_date

from portal.accounts import queries as accounts
from portal.core import audit, mail, sms
from portal.core.audit import AuditEvent
from portal.core.i18n import gettext as _
from portal.core.permissions import Role
from portal.core.urls import public_url
from portal.extensions import db
from portal.petitions import documents
from portal.petitions.models import MaterialRequest, Petition, ReplyKind

# An SMS parameter is cut to this many characters: gateways refuse longer template values.
SMS_VALUE_LIMIT = 60


@dataclass(frozen=True)
class Told:
    """One step, as the petitioner is told it. `kind` picks the SMS template; `parameters` are
    its values; `headline` is what happened, in a sentence or two (the SMS and the e-mail's
    opening); `details` the longer text only an e-mail carries (the reply itself)."""

    kind: str
    parameters: dict[str, str]
    headline: str
    details: str | None = None


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SMS_VALUE_LIMIT else text[: SMS_VALUE_LIMIT - 1] + "…"


def _latest_reply(petition: Petition, *kinds: ReplyKind):
    """The latest sent reply of these kinds that the petitioner reads: their petition's own or,
    once it is merged, that of the earlier petition answering for it (and so on)."""
    answering = petition
    while answering is not None:  # merges only go to earlier petitions, so this ends
        sent = [reply for reply in answering.sent_replies if reply.kind in kinds]
        if sent:
            return sent[-1]
        answering = answering.merged_into
    return None


def _reply_text(petition: Petition, *kinds: ReplyKind) -> str | None:
    reply = _latest_reply(petition, *kinds)
    return reply.body if reply else None


def _received(petition: Petition, event: AuditEvent) -> Told:
    values = {
        "number": petition.tracking_number,
        "date": format_date(petition.received_on),
        "due": format_date(petition.ack_due_on),
    }
    return Told(
        "received",
        values,
        _(
            "Your petition %(number)s was received on %(date)s. You will be told by %(due)s "
            "whether it is accepted.",
            **values,
        ),
    )


def _accepted(petition: Petition, event: AuditEvent) -> Told:
    values = {"number": petition.tracking_number, "due": format_date(petition.answer_due_on)}
    return Told(
        "accepted",
        values,
        _(
            "Your petition %(number)s is accepted for handling. A reply on its progress or "
            "result is due by %(due)s.",
            **values,
        ),
        _reply_text(petition, ReplyKind.ACKNOWLEDGMENT),
    )


def _transferred(petition: Petition, event: AuditEvent) -> Told:
    values = {
        "number": petition.tracking_number,
        "authority": _short(petition.transferred_to or event.details.get("authority")),
    }
    return Told(
        "transferred",
        values,
        _(
            "Your petition %(number)s was transferred to %(authority)s, which is responsible "
            "for it and will handle it.",
            **values,
        ),
        _reply_text(petition, ReplyKind.TRANSFER),
    )


def _not_accepted(petition: Petition, event: AuditEvent) -> Told:
    reason = _reply_text(petition, ReplyKind.NOT_ACCEPTED)
    values = {"number": petition.tracking_number, "reason": _short(reason)}
    return Told(
        "not_accepted",
        values,
        _("Your petition %(number)s is not accepted. The reason: %(reason)s", **values),
        reason,
    )


def _merged(petition: Petition, event: AuditEvent) -> Told:
    values = {"number": petition.tracking_number, "earlier": event.details.get("into", "")}
    return Told(
        "merged",
        values,
        _(
            "Your petition %(number)s is handled together with the earlier petition "
            "%(earlier)s; its replies answer both.",
            **values,
        ),
        _reply_text(petition, ReplyKind.MERGED),
    )


def _material_requested(petition: Petition, event: AuditEvent, asked: str | None) -> Told:
    values = {"number": petition.tracking_number, "asked": _short(asked)}
    if asked:
        headline = _(
            "About your petition %(number)s we ask you for: %(asked)s Please answer or add "
            "material on your progress page.",
            **values,
        )
    else:
        headline = _(
            "About your petition %(number)s we have a question or need more material: see "
            "your progress page, where you can answer and add material.",
            **values,
        )
    return Told("material_requested", values, headline, asked)


def _reply_sent(petition: Petition, event: AuditEvent) -> Told:
    values = {"number": petition.tracking_number}
    return Told(
        "reply_sent",
        values,
        _(
            "Your petition %(number)s is answered. Read the reply on your progress page and "
            "tell us whether you are satisfied.",
            **values,
        ),
        _reply_text(petition, ReplyKind.RESULT),
    )


def _progress_reply_sent(petition: Petition, event: AuditEvent) -> Told:
    values = {"number": petition.tracking_number}
    return Told(
        "progress_reply_sent",
        values,
        _("There is news on the handling of your petition %(number)s.", **values),
        _reply_text(petition, ReplyKind.PROGRESS),
    )


def _objection_received(petition: Petition, event: AuditEvent) -> Told:
    values = {"number": petition.tracking_number}
    return Told(
        "objection_received",
        values,
        _(
            "We received your objection to the reply on petition %(number)s. It will be "
            "reviewed and you will be told the result.",
            **values,
        ),
    )


def _review_started(petition: Petition, event: AuditEvent) -> Told:
    values = {"number": petition.tracking_number}
    return Told(
        "review_result",
        values,
        _(
            "Your objection on petition %(number)s was reviewed: the petition is handled "
            "again, and you will receive a new reply.",
            **values,
        ),
    )


def _closed(petition: Petition, event: AuditEvent) -> Told:
    values = {"number": petition.tracking_number}
    return Told(
        "closed",
        values,
        _(
            "Your petition %(number)s is closed. Its replies stay on your progress page.",
            **values,
        ),
    )


# Event type -> the message it becomes. The petitioner's own steps (added material, recorded
# satisfaction) are not echoed back to them.
NOTICES: dict[str, Callable[[Petition, AuditEvent], Told]] = {
    "petition.received": _received,
    "petition.acknowledged": _accepted,
    "petition.transferred": _transferred,
    "petition.not_accepted": _not_accepted,
    "petition.merged": _merged,
    "petition.reply_sent": _reply_sent,
    "petition.progress_reply_sent": _progress_reply_sent,
    "petition.objected": _objection_received,
    "petition.review_started": _review_started,
    "petition.closed": _closed,
    "petition.auto_closed": _closed,
}
MATERIAL_REQUESTED = "petition.material_requested"


def _petition(event: AuditEvent) -> Petition | None:
    if event.subject_kind != Petition.audit_kind or event.subject_id is None:
        return None
    return db.session.get(Petition, int(event.subject_id))


def _asked(event: AuditEvent) -> str | None:
    """What was asked: the text of the material request the event names."""
    request_id = event.details.get("request", "")
    request = db.session.get(MaterialRequest, int(request_id)) if request_id.isdigit() else None
    return request.body if request is not None else None


def language_of(petition: Petition) -> str:
    return petition.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


# A reply to a petition is also the reply to those merged into it (the earlier petition answers
# for them, and their progress pages show it): their petitioners are told of it as well, each
# under their own tracking number.
ANSWERS_MERGED = frozenset({"petition.reply_sent", "petition.progress_reply_sent"})


def tell_petitioner(event: AuditEvent) -> None:
    """The subscriber: the message for this step, by the channels each petitioner chose."""
    petition = _petition(event)
    if petition is None:
        return
    recipients = [petition]
    if event.code in ANSWERS_MERGED:
        recipients += documents.petitions_merged_into(petition)
    for recipient in recipients:
        if not (wants_sms(recipient) or wants_email(recipient)):
            continue
        locale = language_of(recipient)
        with force_locale(locale):
            if event.code == MATERIAL_REQUESTED:
                told = _material_requested(recipient, event, _asked(event))
            else:
                told = NOTICES[event.code](recipient, event)
            send(recipient, told, locale)


def wants_sms(petition: Petition) -> bool:
    return bool(petition.notify_by_sms and petition.mobile)


def wants_email(petition: Petition) -> bool:
    return bool(petition.notify_by_email and petition.email)


def send(petition: Petition, told: Told, locale: str) -> None:
    """Queue `told` on the petitioner's channels. Call within force_locale(locale)."""
    url = public_url("petitions.lookup")
    if wants_sms(petition):
        language = None if locale == current_app.config["BABEL_DEFAULT_LOCALE"] else "en"
        text = _("%(headline)s Progress: %(url)s", headline=told.headline, url=url)
        sms.enqueue(petition.mobile, told.kind, told.parameters, text, language=language)
    if wants_email(petition):
        subject = _(
            "%(procuratorate)s: your petition %(number)s",
            procuratorate=procuratorate_name(locale),
            number=petition.tracking_number,
        )
        body = "\n\n".join(
            part
            for part in (
                _("Dear petitioner,"),
                told.headline,
                told.details,
                _(
                    "You can follow every step and read every reply at %(url)s with your "
                    "tracking number and query code.",
                    url=url,
                ),
                procuratorate_name(locale),
            )
            if part
        )
        mail.enqueue(petition.email, subject, body + "\n")


def procuratorate_name(locale: str) -> str:
    config = current_app.config
    return (
        config["PROCURATORATE_NAME"] if locale.startswith("zh") else config["PROCURATORATE_NAME_EN"]
    )


def tell_leaders_of_escalation(event: AuditEvent) -> None:
    """A missed deadline, e-mailed to the leader who leads the petition, or to every active
    leader when none does."""
    petition = _petition(event)
    if petition is None:
        return
    leaders = [petition.lead_leader] if petition.lead_leader_id else []
    leaders = [leader for leader in leaders if leader.is_active] or accounts.active_staff(
        Role.LEADER
    )
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Petition %(number)s missed a deadline", number=petition.tracking_number)
        body = _(
            "Petition %(number)s (%(subject)s) missed its deadline: %(deadline)s. It is "
            "escalated to you.\n\n%(url)s\n",
            number=petition.tracking_number,
            subject=petition.subject,
            deadline=audit.detail_text(event),
            url=public_url("backoffice.show_petition", number=petition.tracking_number),
        )
    for leader in leaders:
        if leader.email:
            mail.enqueue(leader.email, subject, body)


audit.subscribe([*NOTICES, MATERIAL_REQUESTED], tell_petitioner)
audit.subscribe(["petition.overdue_escalated"], tell_leaders_of_escalation)
