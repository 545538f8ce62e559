"""What the petitioner will see of a step, shown to staff before they take it: the reply as the
progress page shows it, the written notice as it is printed, and the SMS and e-mails exactly as
the outbox would send them.

The preview is the step itself, made and then rolled back: the transition runs (with its
checks), the audit subscribers queue the messages they would queue at the commit
(audit.dispatch_waiting, outbox.watching), and what was produced is read off as plain text. So
the preview cannot drift from what is sent: there is no second way of writing the messages.

The confirmation is bound to the preview by its `digest`: the confirming request makes the step
again and commits only if what it would send has the same digest as what was shown (a draft
changed in between, a contact changed, another member of staff acted first: refused). The
notice's number and date are left out of the digest: they are given at the moment of sending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from flask import current_app

from portal.core import audit, outbox, pdf, tokens
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.petitions import documents
from portal.petitions.models import MaterialRequest, Reply, WrittenNotice

CHANNEL_LABELS = {"sms": _l("SMS"), "email": _l("E-mail")}


@dataclass(frozen=True)
class OnPage:
    """One entry the petitioner reads on the progress page."""

    heading: str
    body: str


@dataclass(frozen=True)
class Message:
    channel: str  # outbox.ChannelName value
    recipient: str
    subject: str  # the e-mail's subject; for an SMS, its kind
    body: str


@dataclass(frozen=True)
class Letter:
    by_post: bool
    letter: pdf.Letter


@dataclass(frozen=True)
class Preview:
    on_page: list[OnPage]
    letters: list[Letter]
    messages: list[Message]

    @property
    def digest(self) -> str:
        letters = [
            {
                "by_post": shown.by_post,
                "title": shown.letter.title,
                "recipient": shown.letter.recipient,
                "salutation": shown.letter.salutation,
                "paragraphs": shown.letter.paragraphs,
            }
            for shown in self.letters
        ]
        content = {
            "on_page": [asdict(entry) for entry in self.on_page],
            "letters": letters,
            "messages": [asdict(message) for message in self.messages],
        }
        return tokens.content_digest(content)


def _on_page(result) -> list[OnPage]:
    if isinstance(result, Reply):
        return [OnPage(str(result.kind_enum.label), result.body)]
    if isinstance(result, MaterialRequest):
        return [OnPage(str(_l("Question or material requested")), result.body)]
    return []


def _letters(result) -> list[Letter]:
    if not isinstance(result, Reply):
        return []
    notices = db.session.scalars(
        sa.select(WrittenNotice)
        .where(WrittenNotice.reply_id == result.id)
        .order_by(WrittenNotice.id)
    )
    # Paper goes out in the procuratorate's language (admin.download_notice).
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    return [Letter(notice.by_post, documents.notice_letter(notice, locale)) for notice in notices]


def make_and_show(change: Callable[[], object]) -> Preview:
    """Make the change (`change()` runs a transition and returns the reply or request it
    made) and return what it would show and send. Raises what the transition raises. The
    caller then rolls back (a preview) or commits (a confirmation whose digest matches)."""
    with outbox.watching() as queued:
        result = change()
        db.session.flush()
        audit.dispatch_waiting()
        db.session.flush()
    return Preview(
        on_page=_on_page(result),
        letters=_letters(result),
        messages=[
            Message(message.channel, message.recipient, message.subject, message.body)
            for message in queued
        ],
    )
