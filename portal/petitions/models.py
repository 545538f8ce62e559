"""Petitions: one model for every complaint, report, appeal and letter, and what hangs off it.

Where each kind of petition rule lives:
- here: the columns, the enums of stored values (`State`, `Kind`, `Channel`, `ReplyKind`) and the
  CHECK constraints built from them, so the database and the code hold one list;
- workflow.py: which action may move a petition from which state, by whom (the only writer of
  `status`);
- deadlines.py: the time limits, and the one definition of "next deadline", "due soon" and
  "overdue" (Python and SQL side by side);
- services.py: receiving petitions, the petitioner's lookup and the material they add later,
  notes, the deadline sweep;
- queries.py: the back-office queues (read side).

Facts are stored (when something happened, who did it, the due dates fixed at receipt);
judgements such as "overdue" are computed from them, never stored.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import codes
from portal.core.database import enum_check, sql_in
from portal.core.i18n import lazy_gettext as _l
from portal.core.lookups import LookupLock  # noqa: F401  (the progress lookup's lock, now shared)
from portal.core.workflow import StateEnum
from portal.extensions import db


class State(StateEnum):
    """A petition's status. The transitions between these are in workflow.py; the table's CHECK
    constraint is `State.check_constraint()`, so a new state needs no second list."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    AWAITING_APPROVAL = "awaiting_approval"
    ANSWERED = "answered"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"
    MERGED = "merged"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    State.RECEIVED: _l("Received"),
    State.ACCEPTED: _l("Accepted"),
    State.IN_PROGRESS: _l("Being handled"),
    State.AWAITING_APPROVAL: _l("Reply awaiting approval"),
    State.ANSWERED: _l("Answered"),
    State.UNDER_REVIEW: _l("Objection under review"),
    State.CLOSED: _l("Closed"),
    State.MERGED: _l("Handled with an earlier petition"),
}
# States in which the petition still owes the petitioner a reply.
OPEN_STATES = frozenset(
    {State.ACCEPTED, State.IN_PROGRESS, State.AWAITING_APPROVAL, State.UNDER_REVIEW}
)
FINAL_STATES = frozenset({State.CLOSED, State.MERGED})


class Kind(enum.StrEnum):
    COMPLAINT = "complaint"
    CRIMINAL_APPEAL = "criminal_appeal"
    CIVIL_APPEAL = "civil_appeal"
    ADMINISTRATIVE_APPEAL = "administrative_appeal"
    STATE_COMPENSATION = "state_compensation"
    JUDICIAL_AID = "judicial_aid"
    REPORT = "report"
    MISCONDUCT_REPORT = "misconduct_report"
    LEGAL_CONSULTATION = "legal_consultation"
    # 公益诉讼线索: harm to the public interest; its field, place and coordinates are the leads
    # domain's (portal/leads), beside the petition that carries it through the workflow.
    PUBLIC_INTEREST = "public_interest"
    OTHER = "other"

    @property
    def label(self):
        return KIND_LABELS[self]

    @property
    def allows_anonymity(self) -> bool:
        return self in ANONYMOUS_KINDS

    @property
    def is_appeal(self) -> bool:
        return self in APPEAL_KINDS

    @property
    def has_form_of_its_own(self) -> bool:
        return self in OWN_FORM_KINDS


KIND_LABELS = {
    Kind.COMPLAINT: _l("Complaint (控告)"),
    Kind.CRIMINAL_APPEAL: _l("Criminal appeal"),
    Kind.CIVIL_APPEAL: _l("Civil appeal"),
    Kind.ADMINISTRATIVE_APPEAL: _l("Administrative appeal"),
    Kind.STATE_COMPENSATION: _l("State compensation"),
    Kind.JUDICIAL_AID: _l("Judicial aid"),
    Kind.REPORT: _l("Report (举报)"),
    Kind.MISCONDUCT_REPORT: _l("Report of misconduct by procuratorate staff"),
    Kind.LEGAL_CONSULTATION: _l("Legal consultation"),
    Kind.PUBLIC_INTEREST: _l("Public-interest litigation lead (公益诉讼线索)"),
    Kind.OTHER: _l("Other letter or visit"),
}
# Reports may be anonymous, and so may a lead: whoever saw the harm need not give their name.
ANONYMOUS_KINDS = frozenset({Kind.REPORT, Kind.MISCONDUCT_REPORT, Kind.PUBLIC_INTEREST})
APPEAL_KINDS = frozenset({Kind.CRIMINAL_APPEAL, Kind.CIVIL_APPEAL, Kind.ADMINISTRATIVE_APPEAL})
# Filed online through a form of their own, which asks what the general form does not (a lead's
# field of harm and place: portal/leads); the general online form does not offer them. A clerk
# registering one that came by letter, visit or call uses the general intake.
OWN_FORM_KINDS = frozenset({Kind.PUBLIC_INTEREST})


class Channel(enum.StrEnum):
    WEB = "web"
    LETTER = "letter"
    VISIT = "visit"
    PHONE = "phone"

    @property
    def label(self):
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.WEB: _l("Online"),
    Channel.LETTER: _l("Letter"),
    Channel.VISIT: _l("Visit"),
    Channel.PHONE: _l("Phone (12309)"),
}


class Unreachable(enum.StrEnum):
    """Why a reply could not reach the petitioner. A petition marked so is counted apart in the
    reply rates, as the national figures count those who cannot be contacted."""

    WRONG_NUMBER = "wrong_number"
    NO_ANSWER = "no_answer"
    RETURNED_LETTER = "returned_letter"
    EMAIL_BOUNCED = "email_bounced"

    @property
    def label(self):
        return UNREACHABLE_LABELS[self]


UNREACHABLE_LABELS = {
    Unreachable.WRONG_NUMBER: _l("Wrong or disconnected phone number"),
    Unreachable.NO_ANSWER: _l("No answer after repeated calls"),
    Unreachable.RETURNED_LETTER: _l("Letter returned undelivered"),
    Unreachable.EMAIL_BOUNCED: _l("E-mail address does not exist"),
}


class Petition(db.Model):
    __tablename__ = "petitions"
    audit_kind = "petition"  # names it in the audit trail

    id: Mapped[int] = mapped_column(primary_key=True)
    # Readable and sequential per year, e.g. XF2026-000123 (see services.next_tracking_number).
    tracking_number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    channel: Mapped[str] = mapped_column(sa.String(10))
    # A `State`; changed only by workflow.py.
    status: Mapped[str] = mapped_column(sa.String(20), index=True)

    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # Personal data: shown only to staff who work petitions, never logged; exported only on
    # request to the roles that contact petitioners (permissions.PETITIONER_DATA_ROLES).
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    id_number: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    mobile: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    # How the petitioner chose to hear of each step (petitions/notices.py): by SMS to `mobile`,
    # by e-mail to `email`; and the language they filed in, which messages are written in.
    notify_by_sms: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    notify_by_email: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    locale: Mapped[str | None] = mapped_column(sa.String(20))

    # The one-time key of the form that created it (hashed): a repeat post finds this petition.
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Keyed hash of the query code (core/codes.py; argon2 before, until its next lookup); the
    # code itself is never stored.
    query_code_hash: Mapped[str] = mapped_column(sa.String(255))

    # Receipt and the due dates fixed at receipt, with the rule that set them.
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_on: Mapped[date] = mapped_column(sa.Date)
    ack_due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    answer_due_on: Mapped[date] = mapped_column(sa.Date)
    # Due date of the next substantive reply (result or progress): the 3-month answer at first,
    # then a month after each progress reply while the petition is not concluded.
    reply_due_on: Mapped[date | None] = mapped_column(sa.Date)
    deadline_rule: Mapped[str] = mapped_column(sa.String(40))
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    acknowledged_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # 领导包案: the leader who personally takes charge.
    lead_leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    transferred_to: Mapped[str | None] = mapped_column(sa.String(200))
    # Indexed: the petition page lists those merged into it, and a reply's notices go to them.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    # First substantive reply (meets the 3-month answer), latest one, and the result reply.
    first_answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_replied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    concluded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Set when staff record that the petitioner cannot be reached (an `Unreachable` reason),
    # cleared when contact is made again; the reply rates count such petitions apart.
    unreachable_reason: Mapped[str | None] = mapped_column(sa.String(20))
    unreachable_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    replies = relationship(
        "Reply", back_populates="petition", order_by="Reply.id", cascade="save-update, merge"
    )
    attachments = relationship("Attachment", back_populates="petition", order_by="Attachment.id")
    notes = relationship("Note", back_populates="petition", order_by="Note.id")
    material_requests = relationship(
        "MaterialRequest", back_populates="petition", order_by="MaterialRequest.id"
    )
    additions = relationship("Addition", back_populates="petition", order_by="Addition.id")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    lead_leader = relationship("User", foreign_keys=[lead_leader_id])
    merged_into = relationship("Petition", remote_side=[id])

    __table_args__ = (
        # The late petitions, found without reading the others (a well-run procuratorate has
        # few late among many open, and a million closed): deadlines.overdue_sql is one date
        # range per state, each an index range over (status, due date); the overdue queue, the
        # sweep and the statistics' live count (queries.open_deadline_counts) read only the rows
        # in those ranges. The third serves the statistics' "no substantive reply after 3
        # months" (queries.answer_overdue_sql).
        # The same ranges, and the queues' pages, in the queues' order (queries.
        # petitions_in_queue reads received, open and the rest as three ranges and merges them):
        # the due date, then receipt, then id.
        sa.Index("ix_petitions_status_ack_due_order", "status", "ack_due_on", "received_at", "id"),
        sa.Index(
            "ix_petitions_status_reply_due_order", "status", "reply_due_on", "received_at", "id"
        ),
        sa.Index("ix_petitions_reply_due_order", "reply_due_on", "received_at", "id"),
        sa.Index("ix_petitions_status_received", "status", "received_at", "id"),
        sa.Index("ix_petitions_received_order", "received_at", "id"),
        # "Mine": one person's petitions in the states the queue shows, read from the index.
        sa.Index("ix_petitions_assigned_to_status", "assigned_to_id", "status"),
        sa.Index("ix_petitions_lead_leader_status", "lead_leader_id", "status"),
        sa.Index("ix_petitions_status_unanswered", "status", "first_answered_at", "answer_due_on"),
        # The "all" list filtered by kind, channel or state: how many match, and when they are
        # few, which (queries.petitions_in_queue); none starts with the status, so that the
        # queues' ranges by state keep their ordered indexes above.
        sa.Index("ix_petitions_kind_channel_status", "kind", "channel", "status"),
        sa.Index("ix_petitions_kind_status", "kind", "status"),
        sa.Index("ix_petitions_channel_status", "channel", "status"),
        # A person's earlier petitions by mobile (a first appeal or a repeat, at each submission).
        sa.Index("ix_petitions_mobile", "mobile"),
        # The rows whose query code still has a legacy hash (core/codes.py): a lookup of an
        # unknown number learns whether any remain with one probe.
        sa.Index(
            "ix_petitions_legacy_code_hash",
            "id",
            sqlite_where=codes.legacy_condition("query_code_hash"),
            postgresql_where=codes.legacy_condition("query_code_hash"),
        ),
        State.check_constraint("status", name="status"),
        enum_check("kind", Kind),
        enum_check("channel", Channel),
        enum_check("unreachable_reason", Unreachable),
        sa.CheckConstraint(
            "(unreachable_reason IS NULL) = (unreachable_at IS NULL)", name="unreachable_has_time"
        ),
        sa.CheckConstraint(
            f"(status = '{State.MERGED}') = (merged_into_id IS NOT NULL)", name="merged_has_target"
        ),
        sa.CheckConstraint(
            f"status != '{State.CLOSED}' OR closed_at IS NOT NULL", name="closed_has_time"
        ),
        sa.CheckConstraint(
            f"status = '{State.RECEIVED}' OR acknowledged_at IS NOT NULL",
            name="left_received_when_acknowledged",
        ),
        sa.CheckConstraint(
            "is_anonymous OR (name IS NOT NULL AND "
            "(mobile IS NOT NULL OR email IS NOT NULL OR address IS NOT NULL))",
            name="named_has_contact",
        ),
        sa.CheckConstraint(
            f"NOT is_anonymous OR kind IN ({sql_in(ANONYMOUS_KINDS)})", name="anonymous_kinds"
        ),
    )

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def channel_enum(self) -> Channel:
        return Channel(self.channel)

    @property
    def unreachable_enum(self) -> Unreachable | None:
        return Unreachable(self.unreachable_reason) if self.unreachable_reason else None

    @property
    def sent_replies(self):
        return [reply for reply in self.replies if reply.sent_at is not None]

    @property
    def latest_sent_reply(self):
        sent = self.sent_replies
        return sent[-1] if sent else None

    @property
    def pending_draft(self):
        return next((r for r in self.replies if r.sent_at is None and r.returned_at is None), None)

    @property
    def filed_attachments(self):
        """The files that came with the petition itself (not those added later)."""
        return [attachment for attachment in self.attachments if attachment.addition_id is None]

    @property
    def open_material_requests(self):
        """Staff questions the petitioner has not answered yet, oldest first."""
        return [request for request in self.material_requests if not request.answers]

    @property
    def unread_additions(self):
        return [addition for addition in self.additions if addition.read_at is None]

    @property
    def has_reachable_contact(self) -> bool:
        return not self.is_anonymous and bool(self.mobile or self.email or self.address)


class ReplyKind(enum.StrEnum):
    ACKNOWLEDGMENT = "acknowledgment"  # 受理告知
    TRANSFER = "transfer"  # transferred, with where to
    NOT_ACCEPTED = "not_accepted"  # with the reason
    MERGED = "merged"  # handled with an earlier petition
    PROGRESS = "progress"  # handling is under way
    RESULT = "result"  # the answer

    @property
    def label(self):
        return REPLY_KIND_LABELS[self]

    @property
    def is_substantive(self) -> bool:
        return self in (
            ReplyKind.PROGRESS,
            ReplyKind.RESULT,
            ReplyKind.TRANSFER,
            ReplyKind.NOT_ACCEPTED,
        )


REPLY_KIND_LABELS = {
    ReplyKind.ACKNOWLEDGMENT: _l("Notice of acceptance"),
    ReplyKind.TRANSFER: _l("Notice of transfer"),
    ReplyKind.NOT_ACCEPTED: _l("Notice of non-acceptance"),
    ReplyKind.MERGED: _l("Notice of joint handling"),
    ReplyKind.PROGRESS: _l("Progress reply"),
    ReplyKind.RESULT: _l("Reply with the result"),
}


class Grade(enum.StrEnum):
    """How the petitioner rates a substantive reply, the three grades the procuratorate reports
    (满意 / 基本满意 / 不满意). Dissatisfied is the objection; the other two are satisfied."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self):
        return GRADE_LABELS[self]

    @property
    def is_satisfied(self) -> bool:
        return self is not Grade.DISSATISFIED


GRADE_LABELS = {
    Grade.SATISFIED: _l("Satisfied (满意)"),
    Grade.BASICALLY_SATISFIED: _l("Basically satisfied (基本满意)"),
    Grade.DISSATISFIED: _l("Dissatisfied (不满意)"),
}
SATISFIED_GRADES = frozenset(grade for grade in Grade if grade.is_satisfied)


class Reply(db.Model):
    """A reply to the petitioner. Drafts (sent_at empty) are internal until approved."""

    __tablename__ = "replies"
    __table_args__ = (
        enum_check("kind", ReplyKind),
        enum_check("grade", Grade),
        sa.CheckConstraint(
            "objected_at IS NULL OR sent_at IS NOT NULL", name="objection_after_sending"
        ),
        # The grade and the time of the answer it came with are one fact: a satisfied grade has
        # satisfied_at, a dissatisfied one objected_at (and its reasons), no grade has neither.
        sa.CheckConstraint(
            f"(COALESCE(grade, '') IN ({sql_in(SATISFIED_GRADES)})) = (satisfied_at IS NOT NULL)",
            name="satisfied_grade",
        ),
        sa.CheckConstraint(
            f"(COALESCE(grade, '') = '{Grade.DISSATISFIED}') = "
            "(objected_at IS NOT NULL AND objection IS NOT NULL)",
            name="dissatisfied_grade",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)
    drafted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A leader sent the draft back for revision, with a comment for the drafter.
    returned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    return_comment: Mapped[str | None] = mapped_column(sa.Text)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The petitioner's answer, at most one per reply: a `Grade`, with the time (satisfied_at
    # for the two satisfied grades, objected_at for dissatisfied) and what they wrote: the
    # reasons of a dissatisfied grade (`objection`, required) or an optional comment.
    grade: Mapped[str | None] = mapped_column(sa.String(20))
    satisfied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    objected_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    objection: Mapped[str | None] = mapped_column(sa.Text)
    grade_comment: Mapped[str | None] = mapped_column(sa.Text)

    petition = relationship("Petition", back_populates="replies")
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])

    @property
    def kind_enum(self) -> ReplyKind:
        return ReplyKind(self.kind)

    @property
    def grade_enum(self) -> Grade | None:
        return Grade(self.grade) if self.grade else None

    @property
    def graded_at(self) -> datetime | None:
        return self.satisfied_at or self.objected_at


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # The material the petitioner added later that brought this file; empty for the petition's own.
    addition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("petition_additions.id"), index=True
    )

    petition = relationship("Petition", back_populates="attachments")
    addition = relationship("Addition", back_populates="attachments")


class MaterialRequest(db.Model):
    """Staff ask the petitioner a question or for material. Shown on the progress page as
    written; it is answered when an `Addition` names it (`answers`)."""

    __tablename__ = "petition_material_requests"
    audit_kind = "material_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    # What was asked, in words for the petitioner (they read it as is).
    body: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    petition = relationship("Petition", back_populates="material_requests")
    requested_by = relationship("User")
    answers = relationship("Addition", back_populates="request", order_by="Addition.id")

    is_request = True  # beside additions in one list (services.material_exchange)

    @property
    def at(self) -> datetime:
        return self.requested_at


class Addition(db.Model):
    """Text and files the petitioner added to their petition after filing it, with the number
    and code; the answer to a `MaterialRequest` when it names one. New until a member of staff
    marks it read (the "new material" queue)."""

    __tablename__ = "petition_additions"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("petition_material_requests.id"), index=True
    )
    # Empty when the petitioner only sent files.
    body: Mapped[str | None] = mapped_column(sa.Text)
    # The one-time key of the form that sent it (hashed): a repeat post finds this addition.
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    added_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    read_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    petition = relationship("Petition", back_populates="additions")
    request = relationship("MaterialRequest", back_populates="answers")
    read_by = relationship("User")
    attachments = relationship("Attachment", back_populates="addition", order_by="Attachment.id")

    is_request = False

    @property
    def at(self) -> datetime:
        return self.added_at

    __table_args__ = (
        sa.CheckConstraint("(read_at IS NULL) = (read_by_id IS NULL)", name="read_by_someone"),
    )


class Note(db.Model):
    """Internal notes between staff; never shown to the petitioner."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    petition = relationship("Petition", back_populates="notes")
    author = relationship("User")


class TrackingCounter(db.Model):
    """The last tracking number issued in each year; incremented under a row lock."""

    __tablename__ = "tracking_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Escalation(db.Model):
    """A missed deadline reported to leaders. Unique per deadline, so the sweep is idempotent."""

    __tablename__ = "escalations"
    __table_args__ = (sa.UniqueConstraint("petition_id", "deadline", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    # "acknowledgment" or "reply"
    deadline: Mapped[str] = mapped_column(sa.String(20))
    due_on: Mapped[date] = mapped_column(sa.Date)
    escalated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    petition = relationship("Petition")


class QueryCodeRecovery(db.Model):
    """A one-time code sent to the petition's mobile (or e-mail) to set a new query code
    (petitions/recovery.py). Stored as an HMAC with the app's secret; good once, until
    `expires_at`."""

    __tablename__ = "query_code_recoveries"
    audit_kind = "query_code_recovery"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Used, or replaced by a newer code: either way it opens nothing any more.
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    petition = relationship("Petition")


class WrittenNotice(db.Model):
    """The formal notice (受理告知书, 答复意见书 ...) that a sent reply makes for one petitioner: a
    document number, and whether it goes by post. Its PDF is drawn from these facts and the
    reply's text, which no longer changes once sent (documents.py). A reply to a petition that
    others were merged into makes one notice for each of their petitioners too."""

    __tablename__ = "written_notices"
    __table_args__ = (
        enum_check("kind", ReplyKind),
        sa.UniqueConstraint("kind", "year", "serial"),
        sa.UniqueConstraint("reply_id", "petition_id"),
        # The notices to post, oldest first (documents.notices_to_post): read in this order.
        sa.Index("ix_written_notices_to_post", "by_post", "posted_at", "issued_at", "id"),
        sa.CheckConstraint("posted_at IS NULL OR by_post", name="posted_only_by_post"),
        sa.CheckConstraint("(posted_at IS NULL) = (posted_by_id IS NULL)", name="posted_has_who"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The petitioner it is addressed to (their petition); the reply may be another petition's.
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    reply_id: Mapped[int] = mapped_column(sa.ForeignKey("replies.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Sequential per year and kind (NoticeCounter); `document_number` is them written out.
    year: Mapped[int]
    serial: Mapped[int]
    document_number: Mapped[str] = mapped_column(sa.String(60), unique=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Decided when issued: letter and visit petitioners, and those with no e-mail or mobile,
    # get it on paper (documents.goes_by_post).
    by_post: Mapped[bool]
    posted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    posted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    petition = relationship("Petition")
    reply = relationship("Reply")
    posted_by = relationship("User")

    @property
    def kind_enum(self) -> ReplyKind:
        return ReplyKind(self.kind)

    @property
    def is_awaiting_post(self) -> bool:
        return self.by_post and self.posted_at is None


class NoticeCounter(db.Model):
    """The last document number issued for each year and kind of notice; incremented under a
    row lock, as the tracking numbers are."""

    __tablename__ = "notice_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


# ---- duplicate suggestions (duplicates.py) ---------------------------------------------------


class DuplicateKey(db.Model):
    """What a petition can be found again by: a 64-bit hash of its petitioner's normalised ID
    number or mobile, or of one of its words (the hash input says which, so the same value never
    matches across kinds); stock words already in many petitions are not posted. Looked up by
    key through the primary key's index: finding the petitions that share a key never reads the
    others' texts."""

    __tablename__ = "duplicate_keys"

    key: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    petition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("petitions.id"), primary_key=True, autoincrement=False
    )


class DuplicateFingerprint(db.Model):
    """The words of a petition's subject and body as the suggester compares them (jieba's
    segmentation, kept once at intake so that scoring a candidate does not segment it again)."""

    __tablename__ = "duplicate_fingerprints"

    petition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("petitions.id"), primary_key=True, autoincrement=False
    )
    # Space-separated, each word once, in the order of first appearance.
    words: Mapped[str] = mapped_column(sa.Text)


class DuplicateQueue(db.Model):
    """A petition received online and not yet indexed for the suggestions: the worker indexes it
    in its next round (duplicates.index_queued), so that a citizen's submission does not wait
    for the segmentation and the scoring."""

    __tablename__ = "duplicate_queue"

    petition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("petitions.id"), primary_key=True, autoincrement=False
    )


class DuplicateWordCount(db.Model):
    """In how many petitions a word appears (keyed by the hash of the word, as in DuplicateKey),
    counted at each intake, and under one key of its own how many petitions were indexed: how
    rare a word is among our petitions, which is what it weighs in the text similarity."""

    __tablename__ = "duplicate_word_counts"

    key: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    petitions: Mapped[int] = mapped_column(default=0)


class DuplicateSuggestion(db.Model):
    """An earlier petition that looks like a repeat of this one, found when the later of the two
    arrived; why (same ID number, same mobile, similar text with the words in common) and how
    strongly (`score`, 0 to 1). Facts about the pair at that moment: whether the earlier one can
    still be merged into is read from its state when shown."""

    __tablename__ = "duplicate_suggestions"
    __table_args__ = (
        sa.CheckConstraint("earlier_id != petition_id", name="not_itself"),
        sa.CheckConstraint("score > 0 AND score <= 1", name="score_range"),
    )

    petition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("petitions.id"), primary_key=True, autoincrement=False
    )
    earlier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("petitions.id"), primary_key=True, autoincrement=False
    )
    score: Mapped[float] = mapped_column(sa.Float)
    same_id_number: Mapped[bool] = mapped_column(default=False)
    same_mobile: Mapped[bool] = mapped_column(default=False)
    # The text similarity (0 when the texts do not look alike) and the words that made it.
    text_score: Mapped[float] = mapped_column(sa.Float, default=0.0)
    common_words: Mapped[str | None] = mapped_column(sa.Text)
    found_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    earlier = relationship("Petition", foreign_keys=[earlier_id])


class WordingKind(enum.StrEnum):
    """The notices staff write to petitioners, each of which starts from a standard wording
    (petitions/wording.py): the replies of each `ReplyKind`, and the request for material."""

    ACKNOWLEDGMENT = ReplyKind.ACKNOWLEDGMENT.value
    TRANSFER = ReplyKind.TRANSFER.value
    NOT_ACCEPTED = ReplyKind.NOT_ACCEPTED.value
    MERGED = ReplyKind.MERGED.value
    PROGRESS = ReplyKind.PROGRESS.value
    RESULT = ReplyKind.RESULT.value
    MATERIAL_REQUEST = "material_request"

    @property
    def label(self):
        if self is WordingKind.MATERIAL_REQUEST:
            return _l("Request for material")
        return ReplyKind(self.value).label


class NoticeWording(db.Model):
    """An administrator's standard wording of one kind of notice in one language; where there
    is none, the wording shipped in petitions/wording.py applies."""

    __tablename__ = "notice_wordings"
    audit_kind = "notice_wording"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    language: Mapped[str] = mapped_column(sa.String(5))  # "zh" or "en" (wording.LANGUAGES)
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.UniqueConstraint("kind", "language"),
        enum_check("kind", WordingKind),
        enum_check("language", ("zh", "en")),
    )
