"""What the applicant is told, by SMS (the mobile is required) and by e-mail when they gave an
address, in the language they applied in: received, answered (the certificate is ready),
refused, and a certificate revoked.

As for petitions (portal/petitions/notices.py), each message follows an audit event
(`audit.subscribe`): a step recorded is a step told, in the transaction of the change, through
the outbox (core/mail.py, core/sms.py). No message carries the query code or the verification
code: they name the application number and the status page.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_date

from portal.certificates.models import Certificate, RecordApplication
from portal.core import audit, mail, sms
from portal.core.audit import AuditEvent
from portal.core.i18n import gettext as _
from portal.core.urls import public_url
from portal.extensions import db

# SMS kinds (SMS_TEMPLATES names a gateway template for each; README).
RECEIVED, ANSWERED, REFUSED, REVOKED = (
    "record_inquiry_received",
    "record_inquiry_answered",
    "record_inquiry_refused",
    "record_certificate_revoked",
)
SMS_VALUE_LIMIT = 60


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SMS_VALUE_LIMIT else text[: SMS_VALUE_LIMIT - 1] + "…"


def _received(application: RecordApplication) -> tuple[str, dict, str]:
    values = {"number": application.number, "due": format_date(application.due_on)}
    return (
        RECEIVED,
        values,
        _(
            "Your bribery-record inquiry %(number)s is received. You will have the answer by "
            "%(due)s.",
            **values,
        ),
    )


def _answered(application: RecordApplication) -> tuple[str, dict, str]:
    values = {"number": application.number}
    return (
        ANSWERED,
        values,
        _(
            "Your bribery-record inquiry %(number)s is answered: the certificate is ready to "
            "download on the status page.",
            **values,
        ),
    )


def _refused(application: RecordApplication) -> tuple[str, dict, str]:
    values = {"number": application.number, "reason": _short(application.refusal_reason)}
    return (
        REFUSED,
        values,
        _("Your bribery-record inquiry %(number)s is refused. The reason: %(reason)s", **values),
    )


def _revoked(application: RecordApplication) -> tuple[str, dict, str]:
    certificate = application.certificate
    values = {"number": certificate.number, "reason": _short(certificate.revocation_reason)}
    return (
        REVOKED,
        values,
        _("The certificate %(number)s is revoked. The reason: %(reason)s", **values),
    )


MESSAGES = {
    "record_application.received": _received,
    "record_application.answered": _answered,
    "record_application.refused": _refused,
    "record_certificate.revoked": _revoked,
}


def _application(event: AuditEvent) -> RecordApplication | None:
    if event.subject_id is None:
        return None
    if event.subject_kind == Certificate.audit_kind:
        certificate = db.session.get(Certificate, int(event.subject_id))
        return certificate.application if certificate else None
    if event.subject_kind == RecordApplication.audit_kind:
        return db.session.get(RecordApplication, int(event.subject_id))
    return None


def tell_applicant(event: AuditEvent) -> None:
    application = _application(event)
    if application is None:
        return
    config = current_app.config
    locale = application.locale or config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        kind, values, headline = MESSAGES[event.code](application)
        url = public_url("certificates.lookup")
        language = None if locale == config["BABEL_DEFAULT_LOCALE"] else "en"
        text = _("%(headline)s Status: %(url)s", headline=headline, url=url)
        sms.enqueue(application.mobile, kind, values, text, language=language)
        if application.email:
            name = config[
                "PROCURATORATE_NAME" if locale.startswith("zh") else "PROCURATORATE_NAME_EN"
            ]
            subject = _(
                "%(procuratorate)s: your bribery-record inquiry %(number)s",
                procuratorate=name,
                number=application.number,
            )
            body = "\n\n".join(
                (
                    _("Dear %(name)s,", name=application.contact_name),
                    headline,
                    _(
                        "See the status and download the certificate at %(url)s with your "
                        "application number and query code.",
                        url=url,
                    ),
                    name,
                )
            )
            mail.enqueue(application.email, subject, body + "\n")


audit.subscribe(list(MESSAGES), tell_applicant)
