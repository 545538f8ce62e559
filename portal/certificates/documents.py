"""The certificate (查询结果告知函) as a PDF, drawn by portal.core.pdf as the petition notices are.

Drawn from stored facts that do not change once issued (the application as received, the
certificate's number, date, result and the records as they stood then), so a reprint is the same
document. The QR code opens the public verification page with the certificate's number and its
verification code: whoever holds the paper (a tendering party) checks it in one scan, and sees
at once when it has been revoked since. The code is on the paper anyway; it only keeps numbers,
which are sequential, from being tried one after the other on the verification page.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date, get_locale

from portal.certificates import services
from portal.certificates.models import Certificate, CertificateResult
from portal.core import clock, codes, pdf
from portal.core.i18n import gettext as _
from portal.core.urls import public_url


def verification_url(certificate: Certificate) -> str:
    return public_url(
        "certificates.verify_link",
        number=certificate.number,
        code=services.verification_code(certificate),
    )


def _institution() -> str:
    config = current_app.config
    chinese = str(get_locale()).startswith("zh")
    return config["PROCURATORATE_NAME"] if chinese else config["PROCURATORATE_NAME_EN"]


def _record_lines(certificate: Certificate) -> list[str]:
    return [
        _(
            "%(index)s. %(name)s (%(identifier)s): judgment %(judgment)s of %(court)s, "
            "%(date)s; offence: %(offence)s; sentence: %(sentence)s.",
            index=index,
            name=record["name"],
            identifier=record["identifier"],
            judgment=record["judgment_number"],
            court=record["court"],
            date=format_date(date.fromisoformat(record["judgment_on"]), "long"),
            offence=record["offence"],
            sentence=record["sentence"],
        )
        for index, record in enumerate(certificate.records, start=1)
    ]


def certificate_pdf(certificate: Certificate, locale: str) -> bytes:
    """The certificate in `locale`. Raises pdf.FontMissing without the font."""
    application = certificate.application
    with force_locale(locale):
        issued_on = format_date(clock.local_date(certificate.issued_at), "long")
        if certificate.result_enum is CertificateResult.NO_RECORD:
            result = [
                _(
                    "Checked against the records of bribery crimes kept by this procuratorate, "
                    "no record of a bribery crime was found for %(name)s (%(identifier)s) on the "
                    "day of issue.",
                    name=application.holder_name,
                    identifier=application.identifier,
                )
            ]
        else:
            result = [
                _(
                    "Checked against the records of bribery crimes kept by this procuratorate, "
                    "the following records were found for %(name)s (%(identifier)s):",
                    name=application.holder_name,
                    identifier=application.identifier,
                ),
                *_record_lines(certificate),
            ]
        purpose = application.purpose
        if application.project_name:
            purpose += " — " + _("project: %(project)s", project=application.project_name)
        if application.tendering_party:
            purpose += " — " + _("tendering party: %(party)s", party=application.tendering_party)
        letter = pdf.Letter(
            sender=_institution(),
            title=_("Result of the bribery-record inquiry"),
            number=certificate.number,
            date=clock.as_utc(certificate.issued_at),
            salutation=_("To %(name)s:", name=application.holder_name),
            facts=(
                (_("Issued to"), application.holder_name),
                (_("Credit code or ID card number"), application.identifier),
                (_("Application number"), application.number),
                (_("Purpose"), purpose),
                (_("Result"), str(certificate.result_enum.label)),
                (_("Date of issue"), issued_on),
                (
                    _("Verification code"),
                    codes.format_code(services.verification_code(certificate)),
                ),
            ),
            paragraphs=tuple(result),
            signature=(_institution(), issued_on),
            qr_url=verification_url(certificate),
            qr_caption=_("Scan to verify this certificate"),
            footer=(
                _(
                    "This result states the records on the day of issue. Anyone can check that "
                    "the certificate is valid at %(url)s with its number and verification code.",
                    url=public_url("certificates.verify"),
                ),
            ),
            language="zh-CN" if str(locale).startswith("zh") else "en",
        )
    return pdf.render(letter)


def certificate_filename(certificate: Certificate) -> str:
    return f"{certificate.number}.pdf"
