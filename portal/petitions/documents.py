"""Written notices and receipts: the formal papers a petitioner gets, by post or as a PDF.

Every reply that is sent (workflow.py calls `issue_notices`) makes a notice for each petitioner
it answers: the petition's own, and those of the petitions merged into it, since the earlier
petition answers for them. A notice has a document number sequential per year and kind
(示检控告受〔2026〕12号: NOTICE_NUMBER_PREFIX, the kind's mark, the year, the serial) taken under
a row lock as the tracking numbers are, and is decided at issue to go by post or not
(`goes_by_post`). Staff see the ones to post until they mark them posted (audited).

The PDFs (`notice_pdf`, `receipt_pdf`) are drawn by portal.core.pdf from stored facts that do
not change (the reply's text once sent, the petition as received, the notice's number and date),
in the language asked for. They carry a QR code to the progress lookup with the tracking number
filled in, which is printed on the paper anyway; never the query code, which only the
petitioner has (it is stored hashed; nothing here could print it).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date, get_locale
from sqlalchemy.orm import selectinload

from portal.core import audit, clock, database, pdf
from portal.core.audit import EventType
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.urls import public_url
from portal.extensions import db
from portal.petitions.models import (
    Channel,
    NoticeCounter,
    Petition,
    Reply,
    ReplyKind,
    WrittenNotice,
)

audit.register_event_types(
    {
        "petition.notice_posted": EventType(_l("Written notice posted"), public=True),
        "petition.notice_downloaded": EventType(_l("Written notice downloaded by staff")),
    }
)

# The mark of each kind in the document number, after NOTICE_NUMBER_PREFIX: each kind counts on
# its own, so the marks keep two notices of one year from sharing a number.
NUMBER_MARKS = {
    ReplyKind.ACKNOWLEDGMENT: "受",
    ReplyKind.NOT_ACCEPTED: "不受",
    ReplyKind.TRANSFER: "转",
    ReplyKind.MERGED: "并",
    ReplyKind.PROGRESS: "进",
    ReplyKind.RESULT: "复",
}
POSTAL_CHANNELS = frozenset({Channel.LETTER, Channel.VISIT})


class NoticeError(ValueError):
    """A rule refused the action on a notice; the message is shown to the user as is."""


# ---- issuing ---------------------------------------------------------------------------------


def goes_by_post(petition: Petition) -> bool:
    """Paper for those who came by letter or in person, and for anyone who gave neither an
    e-mail address nor a mobile number; never without a postal address (an anonymous report
    has none) — those read it on the progress page or take it at the reception."""
    if petition.is_anonymous or not petition.address:
        return False
    return petition.channel in POSTAL_CHANNELS or not (petition.email or petition.mobile)


def next_document_number(kind: ReplyKind, year: int) -> tuple[int, str]:
    """The next serial of `kind` in `year` and the number written out. The counter row is
    incremented with one UPDATE, which takes a row lock on PostgreSQL and runs under BEGIN
    IMMEDIATE's lock on SQLite, so concurrent replies never share a number."""
    db.session.execute(
        database.insert(NoticeCounter)
        .values(year=year, kind=kind.value, last_number=0)
        .on_conflict_do_nothing()
    )
    serial = db.session.execute(
        sa.update(NoticeCounter)
        .where(NoticeCounter.year == year, NoticeCounter.kind == kind.value)
        .values(last_number=NoticeCounter.last_number + 1)
        .returning(NoticeCounter.last_number)
    ).scalar_one()
    prefix = current_app.config["NOTICE_NUMBER_PREFIX"]
    return serial, f"{prefix}{NUMBER_MARKS[kind]}〔{year}〕{serial}号"


def issue_notices(petition: Petition, reply: Reply) -> list[WrittenNotice]:
    """The notices of a reply just sent: one for its petition and one for each petition merged
    into it. Flushes; the caller commits with the reply."""
    now = clock.now()
    kind = ReplyKind(reply.kind)
    notices = []
    for recipient in [petition, *petitions_merged_into(petition)]:
        serial, number = next_document_number(kind, clock.local_date(now).year)
        notice = WrittenNotice(
            petition=recipient,
            reply=reply,
            kind=kind.value,
            year=clock.local_date(now).year,
            serial=serial,
            document_number=number,
            issued_at=now,
            by_post=goes_by_post(recipient),
        )
        db.session.add(notice)
        notices.append(notice)
    db.session.flush()
    return notices


def petitions_merged_into(petition: Petition) -> list[Petition]:
    """The petitions merged into this one, and into those, and so on."""
    found, frontier = [], [petition.id]
    while frontier:
        merged = db.session.scalars(
            sa.select(Petition).where(Petition.merged_into_id.in_(frontier)).order_by(Petition.id)
        ).all()
        found += merged
        frontier = [p.id for p in merged]
    return found


# ---- reading and posting ---------------------------------------------------------------------


def notices_of(petition: Petition) -> list[WrittenNotice]:
    """The notices addressed to this petition's petitioner, oldest first."""
    return db.session.scalars(
        sa.select(WrittenNotice)
        .where(WrittenNotice.petition_id == petition.id)
        .order_by(WrittenNotice.issued_at, WrittenNotice.id)
    ).all()


def notice_of(petition: Petition, notice_id: int) -> WrittenNotice | None:
    """The notice with this id if it is addressed to this petition's petitioner, else None (a
    notice of another petition is as unknown as one that does not exist)."""
    notice = db.session.get(WrittenNotice, notice_id)
    return notice if notice is not None and notice.petition_id == petition.id else None


def _awaiting_post():
    return sa.and_(WrittenNotice.by_post, WrittenNotice.posted_at.is_(None))


def notices_to_post(*, page: int = 1, per_page: int = 50):
    """The notices still to be printed and posted, the oldest first, each with its petition
    (the list shows its number and address: one query for the page, not one per row)."""
    query = (
        sa.select(WrittenNotice)
        .where(_awaiting_post())
        .order_by(WrittenNotice.issued_at, WrittenNotice.id)
        .options(selectinload(WrittenNotice.petition))
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def count_to_post() -> int:
    return db.session.scalar(sa.select(sa.func.count(WrittenNotice.id)).where(_awaiting_post()))


def mark_posted(notice: WrittenNotice, actor) -> None:
    """Record that the notice was put in the post, once, with who did it. Raises NoticeError
    for a notice that does not go by post or was already posted."""
    if not notice.by_post:
        raise NoticeError(_l("This notice is not sent by post."))
    # A conditional UPDATE: of two clerks marking it at once, one records it, the other is told.
    now = clock.now()
    marked = db.session.execute(
        sa.update(WrittenNotice)
        .where(WrittenNotice.id == notice.id, WrittenNotice.posted_at.is_(None))
        .values(posted_at=now, posted_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(notice)
    if not marked:
        raise NoticeError(
            _l(
                "Notice %(number)s was already marked posted on %(date)s.",
                number=notice.document_number,
                date=format_date(clock.local_date(notice.posted_at)),
            )
        )
    audit.record(
        "petition.notice_posted",
        actor=actor,
        subject=notice.petition,
        detail={"document": notice.document_number},
    )


def notice_for_staff(petition: Petition, notice_id: int, reader) -> WrittenNotice | None:
    """The petition's notice for a member of staff to print, with the audit event that says
    who took a copy (it carries the petitioner's name and address); None if there is none."""
    notice = notice_of(petition, notice_id)
    if notice is not None:
        audit.record(
            "petition.notice_downloaded",
            actor=reader,
            subject=petition,
            detail={"document": notice.document_number},
        )
    return notice


# ---- the papers ------------------------------------------------------------------------------


def _institution() -> str:
    """The procuratorate's name in the language being rendered."""
    config = current_app.config
    chinese = str(get_locale()).startswith("zh")
    return config["PROCURATORATE_NAME"] if chinese else config["PROCURATORATE_NAME_EN"]


def _lookup_url(petition: Petition) -> str:
    return public_url("petitions.lookup", number=petition.tracking_number)


def _lookup_footer(petition: Petition) -> tuple[str, ...]:
    return (
        _(
            "Look up the progress at %(url)s with the tracking number %(number)s and your "
            "query code.",
            url=public_url("petitions.lookup"),
            number=petition.tracking_number,
        ),
        _(
            "The query code is never printed on our letters; if you have lost it, ask at the "
            "reception or call 12309."
        ),
    )


def _recipient_block(petition: Petition) -> tuple[str, ...]:
    if petition.is_anonymous:
        return ()
    lines = [line.strip() for line in (petition.address or "").splitlines() if line.strip()]
    return (*lines, _("%(name)s (addressee)", name=petition.name))


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def notice_pdf(notice: WrittenNotice, locale: str) -> bytes:
    """The notice as a printable PDF in `locale`. Raises pdf.FontMissing without the font."""
    return pdf.render(notice_letter(notice, locale))


def notice_letter(notice: WrittenNotice, locale: str) -> pdf.Letter:
    """What the notice says in `locale`, laid out as a letter (the PDF, and the preview staff
    check before a reply is sent)."""
    petition, reply = notice.petition, notice.reply
    kind = notice.kind_enum
    with force_locale(locale):
        issued_on = format_date(clock.local_date(notice.issued_at), "long")
        paragraphs = [
            _(
                "On %(date)s you submitted the petition “%(subject)s” (tracking number "
                "%(number)s). We inform you as follows:",
                date=format_date(petition.received_on, "long"),
                subject=petition.subject,
                number=petition.tracking_number,
            ),
            *_paragraphs(reply.body),
        ]
        if kind is ReplyKind.TRANSFER and reply.petition.transferred_to:
            paragraphs.append(
                _("Transferred to: %(authority)s", authority=reply.petition.transferred_to)
            )
        letter = pdf.Letter(
            sender=_institution(),
            title=str(kind.label),
            number=notice.document_number,
            date=clock.as_utc(notice.issued_at),
            recipient=_recipient_block(petition),
            salutation=(
                _("To the person who made the report:")
                if petition.is_anonymous
                else _("Dear %(name)s:", name=petition.name)
            ),
            paragraphs=tuple(paragraphs),
            signature=(_institution(), issued_on),
            qr_url=_lookup_url(petition),
            qr_caption=_("Scan to look up the progress"),
            footer=_lookup_footer(petition),
            language=_pdf_language(locale),
        )
    return letter


def receipt_pdf(petition: Petition, locale: str) -> bytes:
    """The receipt of a petition: what was received, when, and when the replies are due.
    Without the query code, which was shown once on the screen."""
    with force_locale(locale):
        letter = pdf.Letter(
            sender=_institution(),
            title=_("Receipt for your petition"),
            date=clock.as_utc(petition.received_at),
            facts=(
                (_("Tracking number"), petition.tracking_number),
                (_("Kind"), str(petition.kind_enum.label)),
                (_("Subject"), petition.subject),
                (_("Received on"), format_date(petition.received_on, "long")),
                (_("Procedural reply due by"), format_date(petition.ack_due_on, "long")),
                (
                    _("Reply on progress or result due by"),
                    format_date(petition.answer_due_on, "long"),
                ),
            ),
            paragraphs=(
                _(
                    "Keep the query code you were shown when the petition was filed: it is not "
                    "on this receipt, and you need it with the tracking number to see the replies."
                ),
            ),
            signature=(_institution(), format_date(petition.received_on, "long")),
            qr_url=_lookup_url(petition),
            qr_caption=_("Scan to look up the progress"),
            footer=_lookup_footer(petition),
            language=_pdf_language(locale),
        )
    return pdf.render(letter)


def _pdf_language(locale: str) -> str:
    return "zh-CN" if str(locale).startswith("zh") else "en"


def notice_filename(notice: WrittenNotice) -> str:
    return f"{notice.petition.tracking_number}-{notice.kind}-{notice.year}-{notice.serial}.pdf"


def receipt_filename(petition: Petition) -> str:
    return f"{petition.tracking_number}-receipt.pdf"
