"""The answer to a deputy's suggestion as a printable letter (答复意见), drawn by portal.core.pdf
as petitions' notices are: from stored facts that do not change once the answer is sent, in the
language of the page, with a QR code to the deputy's page of the suggestion (which opens after
the deputy's login; nothing private is in the link)."""

from __future__ import annotations

from flask import current_app
from flask_babel import format_date, get_locale

from portal.core import clock, pdf
from portal.core.i18n import gettext as _
from portal.core.urls import public_url
from portal.deputies.models import Suggestion


def answer_pdf(suggestion: Suggestion) -> bytes:
    """Raises pdf.FontMissing when the configured font is not installed."""
    config = current_app.config
    chinese = str(get_locale()).startswith("zh")
    institution = config["PROCURATORATE_NAME"] if chinese else config["PROCURATORATE_NAME_EN"]
    answered_on = format_date(clock.local_date(suggestion.answered_at), "long")
    letter = pdf.Letter(
        sender=institution,
        title=_("Answer to a deputy's suggestion"),
        number=suggestion.number,
        date=clock.as_utc(suggestion.answered_at),
        salutation=_("Dear %(name)s:", name=suggestion.deputy.name),
        paragraphs=(
            _(
                "On %(date)s you sent us the %(kind)s “%(subject)s”. We answer as follows:",
                date=format_date(clock.local_date(suggestion.received_at), "long"),
                kind=suggestion.kind_enum.label,
                subject=suggestion.subject,
            ),
            *(line.strip() for line in suggestion.answer.splitlines() if line.strip()),
        ),
        signature=(institution, answered_on),
        qr_url=public_url("deputies.show_suggestion", suggestion_id=suggestion.id),
        qr_caption=_("Scan to read it online and rate it"),
        language="zh-CN" if chinese else "en",
    )
    return pdf.render(letter)
