"""Deputies' and members' liaison (代表委员联络): the accounts of people's congress deputies and
CPPCC members, the suggestions, criticisms and opinions they send (建议、批评和意见) with their
attachments, and the events they are invited to.

A deputy is not a staff member: `DeputyAccount` is its own table, its login sessions are of kind
"deputy" (portal/core/credentials.py) and its role "deputy", which no staff guard admits. The
states of an account (`Verification`) and of a suggestion (`SuggestionState`) are declared here
with the CHECK constraints they generate; which state follows which, and who moves it, is in
portal/deputies/workflow.py, the only code that assigns a `status`.

Facts are stored (when received, the due date set at receipt and the rule that set it, who
drafted and who approved the answer, when it was sent, the deputy's rating); "due soon",
"overdue" and the rates on the statistics page are derived from them (portal/deputies/queries.py).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.core.sessions import SessionAccount
from portal.core.workflow import StateEnum
from portal.extensions import db

DEPUTY_ROLE = "deputy"


class Body(enum.StrEnum):
    """Which body the person sits in."""

    CONGRESS = "congress"  # 人民代表大会: a deputy (人大代表)
    CPPCC = "cppcc"  # 政治协商会议: a member (政协委员)

    @property
    def label(self):
        return BODY_LABELS[self]


BODY_LABELS = {
    Body.CONGRESS: _l("People's congress deputy"),
    Body.CPPCC: _l("CPPCC member"),
}


class Level(enum.StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"

    @property
    def label(self):
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.NATIONAL: _l("National"),
    Level.PROVINCIAL: _l("Provincial"),
    Level.CITY: _l("City"),
    Level.COUNTY: _l("County"),
}


class Verification(StateEnum):
    """Where an account stands (portal/deputies/workflow.py: ACCOUNT)."""

    PENDING = "pending"  # registered online, waiting for staff to check the roster
    VERIFIED = "verified"  # checked by staff, or registered by staff
    REJECTED = "rejected"  # with a reason the person reads

    @property
    def label(self):
        return VERIFICATION_LABELS[self]


VERIFICATION_LABELS = {
    Verification.PENDING: _l("Waiting for verification"),
    Verification.VERIFIED: _l("Verified"),
    Verification.REJECTED: _l("Not verified"),
}


class DeputyAccount(SessionAccount, db.Model):
    __tablename__ = "deputy_accounts"
    audit_kind = "deputy"
    __table_args__ = (
        Verification.check_constraint("status", name="status"),
        enum_check("body", Body),
        enum_check("level", Level),
        sa.CheckConstraint(
            "status != 'verified' OR verified_at IS NOT NULL", name="verified_has_time"
        ),
        sa.CheckConstraint(
            "status != 'rejected' OR rejection_reason IS NOT NULL", name="rejected_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.String(20))
    level: Mapped[str] = mapped_column(sa.String(20))
    # The congress or committee, e.g. 示例市第十七届人民代表大会.
    assembly: Mapped[str] = mapped_column(sa.String(200))
    # Where the person works (工作单位及职务).
    unit: Mapped[str] = mapped_column(sa.String(200))
    mobile: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # The member of staff who registered the person; empty when they registered online.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default=Verification.PENDING.value)
    verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejected_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    rejected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)  # shown to the person
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    # Flask-Login and the staff guards: a deputy is authenticated, never staff.
    role = DEPUTY_ROLE
    audit_actor_kind = "petitioner"  # a member of the public acting on their own matter
    login_kind = "deputy"  # its login sessions (portal/core/sessions.py)
    is_deputy = True
    is_authenticated = True
    is_anonymous = False
    is_active = True

    @property
    def status_enum(self) -> Verification:
        return Verification(self.status)

    @property
    def is_verified(self) -> bool:
        return self.status == Verification.VERIFIED

    @property
    def body_enum(self) -> Body:
        return Body(self.body)

    @property
    def level_enum(self) -> Level:
        return Level(self.level)


class SuggestionKind(enum.StrEnum):
    SUGGESTION = "suggestion"  # 建议
    CRITICISM = "criticism"  # 批评
    OPINION = "opinion"  # 意见

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    SuggestionKind.SUGGESTION: _l("Suggestion"),
    SuggestionKind.CRITICISM: _l("Criticism"),
    SuggestionKind.OPINION: _l("Opinion"),
}


class SuggestionState(StateEnum):
    """Where a suggestion stands (portal/deputies/workflow.py: SUGGESTION)."""

    RECEIVED = "received"  # waiting for an answer (or for a returned draft to be revised)
    AWAITING_APPROVAL = "awaiting_approval"  # an answer is drafted; a leader approves it
    ANSWERED = "answered"  # the approved answer is sent; the deputy can read and rate it

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    SuggestionState.RECEIVED: _l("Received"),
    SuggestionState.AWAITING_APPROVAL: _l("Answer awaiting approval"),
    SuggestionState.ANSWERED: _l("Answered"),
}


class Rating(enum.StrEnum):
    """The deputy's rating of the answer: the three grades the procuratorate reports."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self):
        return RATING_LABELS[self]

    @property
    def is_satisfied(self) -> bool:
        return self is not Rating.DISSATISFIED


RATING_LABELS = {
    Rating.SATISFIED: _l("Satisfied (满意)"),
    Rating.BASICALLY_SATISFIED: _l("Basically satisfied (基本满意)"),
    Rating.DISSATISFIED: _l("Dissatisfied (不满意)"),
}


class Suggestion(db.Model):
    __tablename__ = "deputy_suggestions"
    audit_kind = "deputy_suggestion"
    __table_args__ = (
        SuggestionState.check_constraint("status", name="status"),
        enum_check("kind", SuggestionKind),
        enum_check("rating", Rating),
        sa.CheckConstraint(
            "status != 'answered' OR (answered_at IS NOT NULL AND approved_by_id IS NOT NULL)",
            name="answered_is_approved",
        ),
        # Two people: the approver of an answer is never its drafter (workflow.py).
        sa.CheckConstraint("approved_by_id IS NULL OR approved_by_id != drafted_by_id", name="two"),
        sa.CheckConstraint("rating IS NULL OR status = 'answered'", name="rated_when_answered"),
        # The staff queues: open suggestions by due date.
        sa.Index("ix_deputy_suggestions_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(sa.ForeignKey("deputy_accounts.id"), index=True)
    # Hash of the form's one-time key: a repeat of the same form submits once (DESIGN §5).
    submission_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(30), default=SuggestionState.RECEIVED.value)
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Set at receipt with the rule that set it ("3m"): a later change of the setting or the
    # calendar does not move it.
    due_on: Mapped[date] = mapped_column(sa.Date)
    deadline_rule: Mapped[str] = mapped_column(sa.String(20))
    # The answer: drafted, perhaps returned with a comment and revised, approved and sent.
    answer: Mapped[str | None] = mapped_column(sa.Text)
    drafted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    return_comment: Mapped[str | None] = mapped_column(sa.Text)  # the leader's, for the drafter
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The deputy's rating of the answer, once.
    rating: Mapped[str | None] = mapped_column(sa.String(30))
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)
    rated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    deputy = relationship("DeputyAccount")
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    attachments = relationship(
        "SuggestionAttachment", back_populates="suggestion", order_by="SuggestionAttachment.id"
    )

    @property
    def number(self) -> str:
        """Readable and unique: the year of receipt and the row's number (JY2026-000012)."""
        return f"JY{clock.local_date(self.received_at).year}-{self.id:06d}"

    @property
    def status_enum(self) -> SuggestionState:
        return SuggestionState(self.status)

    @property
    def kind_enum(self) -> SuggestionKind:
        return SuggestionKind(self.kind)

    @property
    def rating_enum(self) -> Rating | None:
        return Rating(self.rating) if self.rating else None


class SuggestionAttachment(db.Model):
    __tablename__ = "deputy_suggestion_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("deputy_suggestions.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    suggestion = relationship("Suggestion", back_populates="attachments")


class EventKind(enum.StrEnum):
    OPEN_DAY = "open_day"  # 检察开放日
    HEARING = "hearing"  # 听证会
    FORUM = "forum"  # 座谈会
    OTHER = "other"

    @property
    def label(self):
        return EVENT_KIND_LABELS[self]


EVENT_KIND_LABELS = {
    EventKind.OPEN_DAY: _l("Procuratorate open day"),
    EventKind.HEARING: _l("Public hearing"),
    EventKind.FORUM: _l("Forum"),
    EventKind.OTHER: _l("Other event"),
}


class LiaisonEvent(db.Model):
    __tablename__ = "deputy_events"
    audit_kind = "deputy_event"
    __table_args__ = (enum_check("kind", EventKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    place: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    invitations = relationship("Invitation", back_populates="event", order_by="Invitation.id")

    @property
    def kind_enum(self) -> EventKind:
        return EventKind(self.kind)


class Reply(enum.StrEnum):
    ATTEND = "attend"
    DECLINE = "decline"

    @property
    def label(self):
        return _l("Will attend") if self is Reply.ATTEND else _l("Declined")


class Invitation(db.Model):
    __tablename__ = "deputy_invitations"
    audit_kind = "deputy_invitation"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "deputy_id"),  # one invitation per deputy
        enum_check("reply", Reply),
        sa.CheckConstraint("(reply IS NULL) = (replied_at IS NULL)", name="replied_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("deputy_events.id"), index=True)
    deputy_id: Mapped[int] = mapped_column(sa.ForeignKey("deputy_accounts.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reply: Mapped[str | None] = mapped_column(sa.String(20))
    replied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    event = relationship("LiaisonEvent", back_populates="invitations")
    deputy = relationship("DeputyAccount")

    @property
    def reply_enum(self) -> Reply | None:
        return Reply(self.reply) if self.reply else None
