"""The rules for legal documents and releases: the only place where their state changes.

    document:  draft ──review──▶ reviewed ──publish──▶ published ──withdraw──▶ withdrawn
                 ▲                  │
                 └──any change to the redactions or the minors' flag (reopen)
    release:   draft ──publish──▶ published ──withdraw──▶ withdrawn

Every function checks the state and the rules, raises `DisclosureRefused` with a message for the
publisher when they forbid the change, and otherwise changes the record, keeps the search index in
step and records one audit event, all in the caller's transaction (the view commits once).

Publishing a document is refused when it was not reviewed, when its type is an internal working
document, when an indictment's judgment is not confirmed in force, when the redaction check still
finds personal data in the reviewed text, and, for a crime against a minor, unless the publisher
confirms that every identifying detail is shielded and no proposed redaction was dropped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import audit, clock
from portal.core.audit import EventType
from portal.core.permissions import Role
from portal.disclosure import redaction, search
from portal.disclosure.models import (
    DocumentState,
    DocumentType,
    LegalDocument,
    Release,
    ReleaseState,
)
from portal.extensions import db

audit.register_event_types(
    {
        "document.created": EventType(_l("Legal document created")),
        "document.redaction_added": EventType(_l("Redaction added")),
        "document.redaction_dropped": EventType(_l("Proposed redaction dropped")),
        "document.redaction_restored": EventType(_l("Dropped redaction restored")),
        "document.minor_flag_set": EventType(_l("Marked as a case about a minor")),
        "document.reopened": EventType(_l("Review undone by a change to the redactions")),
        "document.reviewed": EventType(_l("Redactions reviewed")),
        "document.published": EventType(_l("Legal document published")),
        "document.withdrawn": EventType(_l("Legal document withdrawn")),
        "release.created": EventType(_l("Case release created")),
        "release.updated": EventType(_l("Case release edited")),
        "release.published": EventType(_l("Case release published")),
        "release.withdrawn": EventType(_l("Case release withdrawn")),
    }
)

PUBLISHERS = frozenset({Role.PUBLISHER})


class DisclosureRefused(ValueError):
    """A rule refused the change; the message is shown to the publisher as is."""


class Action(enum.StrEnum):
    REVIEW = "review"
    PUBLISH = "publish"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


# The one table of allowed document transitions.
DOCUMENT_TRANSITIONS = {
    Action.REVIEW: ({DocumentState.DRAFT}, DocumentState.REVIEWED),
    Action.PUBLISH: ({DocumentState.REVIEWED}, DocumentState.PUBLISHED),
    Action.WITHDRAW: ({DocumentState.PUBLISHED}, DocumentState.WITHDRAWN),
    Action.REOPEN: ({DocumentState.REVIEWED}, DocumentState.DRAFT),
}
RELEASE_TRANSITIONS = {
    Action.PUBLISH: ({ReleaseState.DRAFT}, ReleaseState.PUBLISHED),
    Action.WITHDRAW: ({ReleaseState.PUBLISHED}, ReleaseState.WITHDRAWN),
}
_REFUSALS = {
    Action.REVIEW: _l("Only a draft can be reviewed."),
    Action.PUBLISH: _l(
        "Review the redactions before publishing: only a reviewed document can be published."
    ),
    Action.WITHDRAW: _l("Only a published item can be withdrawn."),
    Action.REOPEN: _l("Only a reviewed document can be reopened."),
}


def _check_actor(user) -> None:
    if user is None or user.role not in PUBLISHERS:
        raise DisclosureRefused(_("Only a publisher may do this."))


def _check(table, action: Action, record, user):
    _check_actor(user)
    sources, target = table[action]
    if record.status not in {s.value for s in sources}:
        if action == Action.PUBLISH and record.status == "published":
            raise DisclosureRefused(_("This is already published."))
        raise DisclosureRefused(str(_REFUSALS[action]))
    return target


def allowed_document_actions(document: LegalDocument) -> set[Action]:
    return {a for a, (sources, _t) in DOCUMENT_TRANSITIONS.items() if document.state in sources}


# ---- documents -------------------------------------------------------------------------------


@dataclass
class DocumentData:
    doc_type: str
    procuratorate: str
    case_number: str
    document_date: date
    text: str
    involves_minor: bool = False
    source_filename: str | None = None


def _terms(raw: list | None) -> list[redaction.Term]:
    return [redaction.Term(item["kind"], item["text"]) for item in (raw or [])]


def analyse(document: LegalDocument) -> redaction.Analysis:
    """The current proposal for a document: the engine's, with the publisher's decisions."""
    return redaction.analyse(
        document.original_text,
        extra_terms=_terms(document.added_terms),
        dropped=_terms(document.dropped_terms),
        minor=document.involves_minor or None,
    )


def create_document(data: DocumentData, user) -> LegalDocument:
    _check_actor(user)
    text = redaction.normalise_text(data.text)
    if not text:
        raise DisclosureRefused(_("The document has no text. Paste the text or upload a file."))
    document = LegalDocument(
        doc_type=DocumentType(data.doc_type).value,
        status=DocumentState.DRAFT.value,
        procuratorate=data.procuratorate.strip(),
        case_number=data.case_number.strip(),
        document_date=data.document_date,
        original_text=text,
        source_filename=data.source_filename,
        added_terms=[],
        dropped_terms=[],
        involves_minor=bool(data.involves_minor) or redaction.mentions_minor(text),
        created_at=clock.now(),
        created_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "document.created",
        actor=user,
        subject=f"document:{document.id}",
        to_state=document.status,
        detail=f"type={document.doc_type}",
    )
    return document


def _reopen_if_reviewed(document: LegalDocument, user) -> None:
    """A change to the redactions invalidates the review: back to draft, review again."""
    if document.status == DocumentState.REVIEWED:
        target = _check(DOCUMENT_TRANSITIONS, Action.REOPEN, document, user)
        document.status = target.value
        document.redacted_text = None
        document.redactions = None
        document.reviewed_at = None
        document.reviewed_by_id = None
        audit.record(
            "document.reopened",
            actor=user,
            subject=f"document:{document.id}",
            from_state=DocumentState.REVIEWED,
            to_state=target,
        )


def _check_editable(document: LegalDocument, user) -> None:
    _check_actor(user)
    if document.status not in (DocumentState.DRAFT, DocumentState.REVIEWED):
        raise DisclosureRefused(_("A published or withdrawn document can no longer be changed."))


def add_term(document: LegalDocument, user, *, text: str, kind: str) -> None:
    """Redact `text` wherever it occurs (kind NAME: surname + 某; otherwise removed)."""
    _check_editable(document, user)
    text = (text or "").strip()
    if kind not in (redaction.NAME, redaction.CUSTOM):
        raise DisclosureRefused(_("Choose how to redact the text."))
    if len(text) < 2:
        raise DisclosureRefused(_("Enter at least two characters to redact."))
    if text not in document.original_text:
        raise DisclosureRefused(_("This text does not occur in the document. Copy it exactly."))
    term = {"kind": kind, "text": text}
    dropped = [t for t in document.dropped_terms or [] if t["text"] != text]
    if term not in (document.added_terms or []):
        document.added_terms = [*(document.added_terms or []), term]
    document.dropped_terms = dropped
    _reopen_if_reviewed(document, user)
    # The term itself may be personal data: the audit trail names only its kind.
    audit.record(
        "document.redaction_added",
        actor=user,
        subject=f"document:{document.id}",
        detail=f"kind={kind}",
    )


def drop_redaction(document: LegalDocument, user, *, text: str, kind: str) -> None:
    """Keep `text` as it is: a false positive, or a defendant whose name may be published."""
    _check_editable(document, user)
    if document.involves_minor:
        raise DisclosureRefused(
            _("This is a case about a minor: every proposed redaction must stay.")
        )
    if kind not in redaction.DROPPABLE_KINDS:
        raise DisclosureRefused(
            _(
                "Identity numbers, phone numbers, bank accounts and e-mail addresses are always removed."
            )
        )
    proposed = {(r.kind, r.original(document.original_text)) for r in analyse(document).redactions}
    if (kind, text) not in proposed:
        raise DisclosureRefused(_("This redaction is not proposed any more. Reload the page."))
    document.added_terms = [t for t in document.added_terms or [] if t["text"] != text]
    if kind != redaction.CUSTOM:
        document.dropped_terms = [*(document.dropped_terms or []), {"kind": kind, "text": text}]
    _reopen_if_reviewed(document, user)
    audit.record(
        "document.redaction_dropped",
        actor=user,
        subject=f"document:{document.id}",
        detail=f"kind={kind}",
    )


def restore_redaction(document: LegalDocument, user, *, text: str, kind: str) -> None:
    _check_editable(document, user)
    before = list(document.dropped_terms or [])
    document.dropped_terms = [t for t in before if (t["kind"], t["text"]) != (kind, text)]
    if document.dropped_terms == before:
        raise DisclosureRefused(_("This redaction was not dropped. Reload the page."))
    _reopen_if_reviewed(document, user)
    audit.record(
        "document.redaction_restored",
        actor=user,
        subject=f"document:{document.id}",
        detail=f"kind={kind}",
    )


def mark_involves_minor(document: LegalDocument, user) -> None:
    """Apply the minors' rule. It cannot be lifted: a wrong flag costs a redacted name or two."""
    _check_editable(document, user)
    if document.involves_minor:
        return
    document.involves_minor = True
    document.dropped_terms = []
    _reopen_if_reviewed(document, user)
    audit.record("document.minor_flag_set", actor=user, subject=f"document:{document.id}")


def review_document(document: LegalDocument, user) -> None:
    """Fix the redacted text from the current proposal: the text that will be published."""
    target = _check(DOCUMENT_TRANSITIONS, Action.REVIEW, document, user)
    analysis = analyse(document)
    document.redacted_text = redaction.apply(document.original_text, analysis.redactions)
    document.redactions = [
        {"start": r.start, "end": r.end, "kind": r.kind, "replacement": r.replacement}
        for r in analysis.redactions
    ]
    document.involves_minor = document.involves_minor or analysis.involves_minor
    document.status = target.value
    document.reviewed_at = clock.now()
    document.reviewed_by_id = user.id
    audit.record(
        "document.reviewed",
        actor=user,
        subject=f"document:{document.id}",
        from_state=DocumentState.DRAFT,
        to_state=target,
        detail=f"redactions={len(analysis.redactions)}",
    )


def publication_problems(
    document: LegalDocument, *, judgment_in_force_on: date | None, minor_shielded: bool
) -> list[str]:
    """Every reason the document may not be published now (empty: it may)."""
    problems = []
    if not document.type_enum.is_publishable:
        problems.append(_("Internal working documents are never published."))
    if document.status != DocumentState.REVIEWED or not document.redacted_text:
        problems.append(str(_REFUSALS[Action.PUBLISH]))
        return problems
    in_force = judgment_in_force_on or document.judgment_in_force_on
    if document.type_enum == DocumentType.INDICTMENT:
        if in_force is None:
            problems.append(
                _(
                    "An indictment is published only once the judgment is in force: confirm the date it took effect."
                )
            )
        elif in_force > clock.local_today():
            problems.append(_("The date the judgment took effect cannot be in the future."))
    findings = redaction.residual_findings(
        document.redacted_text,
        dropped=_terms(document.dropped_terms),
        minor=document.involves_minor,
    )
    if findings:
        kinds = sorted({f.kind for f in findings})
        problems.append(
            _(
                "The check still finds personal data in the redacted text (%(kinds)s). Redact it and review again.",
                kinds=", ".join(str(KIND_LABELS.get(k, k)) for k in kinds),
            )
        )
    if document.involves_minor:
        if document.dropped_terms:
            problems.append(_("In a case about a minor no proposed redaction may be dropped."))
        if not minor_shielded:
            problems.append(
                _(
                    "This is a case about a minor: confirm that every detail that could identify the minor is shielded."
                )
            )
    return problems


def publish_document(
    document: LegalDocument,
    user,
    *,
    judgment_in_force_on: date | None = None,
    minor_shielded: bool = False,
) -> None:
    _check_actor(user)
    problems = publication_problems(
        document, judgment_in_force_on=judgment_in_force_on, minor_shielded=minor_shielded
    )
    if problems:
        raise DisclosureRefused(" ".join(problems))
    target = _check(DOCUMENT_TRANSITIONS, Action.PUBLISH, document, user)
    now = clock.now()
    if judgment_in_force_on is not None:
        document.judgment_in_force_on = judgment_in_force_on
    if document.involves_minor:
        document.minor_shielding_confirmed_at = now
    document.status = target.value
    document.published_at = now
    document.published_by_id = user.id
    search.index_document(document)
    audit.record(
        "document.published",
        actor=user,
        subject=f"document:{document.id}",
        from_state=DocumentState.REVIEWED,
        to_state=target,
    )


def withdraw_document(document: LegalDocument, user, *, reason: str) -> None:
    _withdraw(document, "document", DOCUMENT_TRANSITIONS, DocumentState.PUBLISHED, user, reason)


def _withdraw(record, kind: str, transitions, published_state, user, reason: str) -> None:
    """Take a published document or release off the public site; the record, its history and the
    reason stay, and the old address shows the reason."""
    target = _check(transitions, Action.WITHDRAW, record, user)
    reason = (reason or "").strip()
    if not reason:
        raise DisclosureRefused(_("Give the reason for withdrawal: it is shown to the public."))
    record.status = target.value
    record.withdrawn_at = clock.now()
    record.withdrawn_by_id = user.id
    record.withdrawal_reason = reason
    search.unindex(kind, record.id)
    audit.record(
        f"{kind}.withdrawn",
        actor=user,
        subject=f"{kind}:{record.id}",
        from_state=published_state,
        to_state=target,
        detail=reason[:500],
    )


KIND_LABELS = {
    redaction.NAME: _l("names"),
    redaction.ID_NUMBER: _l("identity card numbers"),
    redaction.PHONE: _l("phone numbers"),
    redaction.BANK_ACCOUNT: _l("bank cards and accounts"),
    redaction.EMAIL: _l("e-mail addresses"),
    redaction.ADDRESS: _l("addresses"),
    redaction.HEALTH: _l("health information"),
    redaction.SCHOOL: _l("schools"),
    redaction.CUSTOM: _l("text added by the publisher"),
}


# ---- releases --------------------------------------------------------------------------------


@dataclass
class ReleaseData:
    title: str
    body: str
    category: str
    procuratorate: str
    released_on: date


def _release_findings(release: Release) -> list[redaction.Redaction]:
    """Releases are written for the public; numbers and e-mail addresses never belong in one."""
    text = f"{release.title}\n{release.body}"
    hard = {redaction.ID_NUMBER, redaction.PHONE, redaction.BANK_ACCOUNT, redaction.EMAIL}
    return [r for r in redaction.residual_findings(text) if r.kind in hard]


def create_release(data: ReleaseData, user) -> Release:
    _check_actor(user)
    now = clock.now()
    release = Release(
        title=data.title.strip(),
        body=redaction.normalise_text(data.body),
        category=data.category,
        procuratorate=data.procuratorate.strip(),
        released_on=data.released_on,
        status=ReleaseState.DRAFT.value,
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
    )
    db.session.add(release)
    db.session.flush()
    audit.record("release.created", actor=user, subject=f"release:{release.id}", to_state="draft")
    return release


def update_release(release: Release, data: ReleaseData, user) -> None:
    _check_actor(user)
    if release.status != ReleaseState.DRAFT:
        raise DisclosureRefused(
            _("Only a draft release can be edited. Withdraw it and write a new one.")
        )
    release.title = data.title.strip()
    release.body = redaction.normalise_text(data.body)
    release.category = data.category
    release.procuratorate = data.procuratorate.strip()
    release.released_on = data.released_on
    release.updated_at = clock.now()
    audit.record("release.updated", actor=user, subject=f"release:{release.id}")


def publish_release(release: Release, user) -> None:
    target = _check(RELEASE_TRANSITIONS, Action.PUBLISH, release, user)
    findings = _release_findings(release)
    if findings:
        raise DisclosureRefused(
            _(
                "The release contains personal data (%(kinds)s). Remove it before publishing.",
                kinds=", ".join(str(KIND_LABELS[k]) for k in sorted({f.kind for f in findings})),
            )
        )
    release.status = target.value
    release.published_at = clock.now()
    release.published_by_id = user.id
    search.index_release(release)
    audit.record(
        "release.published",
        actor=user,
        subject=f"release:{release.id}",
        from_state=ReleaseState.DRAFT,
        to_state=target,
    )


def withdraw_release(release: Release, user, *, reason: str) -> None:
    _withdraw(release, "release", RELEASE_TRANSITIONS, ReleaseState.PUBLISHED, user, reason)
