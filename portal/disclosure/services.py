"""The rules for legal documents and releases: what each step does, and the publisher's
redaction decisions. States move only through workflow.py (the table of moves, who may make them
and the two-person rule); each function here calls `workflow.apply`, which writes the move's one
audit event, and does the rest of the step.

    draft ──review──▶ reviewed ──publish──▶ published ──withdraw──▶ withdrawn
      ▲                  │
      └──any change to the text, the redactions, the people or the minors' flag (reopen)

Documents and releases follow the same workflow through the same engine: the publisher's
decisions (terms added, proposals dropped, people and their roles, the minors' flag) are stored
as data; review fixes the redacted text, the only text ever public (a release's title too).

Every function checks the state and the rules, raises `DisclosureRefused` (core.workflow's
InvalidTransition) with a message for the publisher when they forbid the change, and otherwise
changes the record, keeps the search index in step and records its audit events, all in the
caller's transaction (the view commits once).

Publishing is refused when the record was not reviewed and when the publisher is the person who
reviewed it (two people see every publication; both in workflow.py), and here
(`publication_problems`) when the gate still finds personal data in the exact public text, for a
crime against a minor unless the publisher confirms that every identifying detail is shielded and
no proposed redaction was dropped, and for documents when the type is an internal working document
or an indictment's judgment is not confirmed in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.core import audit, clock
from portal.core.audit import EventType
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.disclosure import redaction, search, workflow
from portal.disclosure.models import (
    DocumentState,
    DocumentType,
    LegalDocument,
    Release,
    ReleaseCategory,
    ReleaseState,
)
from portal.extensions import db

# The event types of both kinds. The moves' events (reviewed, published, withdrawn, reopened) are
# written by workflow.apply, one per move; the others by the functions here.
audit.register_subject_kinds(
    {
        "document": audit.SubjectKind(_l("Legal document"), DocumentState),
        "release": audit.SubjectKind(_l("Case release"), ReleaseState),
    }
)
audit.register_event_types(
    {
        "document.created": EventType(_l("Legal document created")),
        "document.redaction_added": EventType(_l("Redaction added")),
        "document.redaction_dropped": EventType(_l("Proposed redaction dropped")),
        "document.redaction_restored": EventType(_l("Dropped redaction restored")),
        "document.person_set": EventType(_l("Role of a person set by the publisher")),
        "document.minor_flag_set": EventType(_l("Marked as a case about a minor")),
        "document.reopened": EventType(_l("Review undone by a change to the redactions")),
        "document.reviewed": EventType(_l("Redactions reviewed")),
        "document.published": EventType(_l("Legal document published")),
        "document.withdrawn": EventType(_l("Legal document withdrawn")),
        "release.created": EventType(_l("Case release created")),
        "release.updated": EventType(_l("Case release edited")),
        "release.redaction_added": EventType(_l("Redaction added")),
        "release.redaction_dropped": EventType(_l("Proposed redaction dropped")),
        "release.redaction_restored": EventType(_l("Dropped redaction restored")),
        "release.person_set": EventType(_l("Role of a person set by the publisher")),
        "release.minor_flag_set": EventType(_l("Marked as a case about a minor")),
        "release.reopened": EventType(_l("Review undone by a change to the redactions")),
        "release.reviewed": EventType(_l("Redactions reviewed")),
        "release.published": EventType(_l("Case release published")),
        "release.withdrawn": EventType(_l("Case release withdrawn")),
    }
)

DisclosureRefused = workflow.DisclosureRefused
Action = workflow.Action


@dataclass(frozen=True)
class _Kind:
    """What differs between documents and releases: names, and where the public text lives."""

    name: str  # the audit subject and event prefix
    # field name → column holding its redacted, public text (fixed at review)
    public_columns: dict[str, str]


_DOCUMENT = _Kind("document", {"text": "redacted_text"})
_RELEASE = _Kind("release", {"title": "public_title", "body": "public_body"})


def _kind(record) -> _Kind:
    return _RELEASE if isinstance(record, Release) else _DOCUMENT


def _record_event(code: str, record, user, **fields) -> None:
    """An audit event that is no move of state (created, a redaction decision, an edit)."""
    kind = _kind(record)
    audit.record(f"{kind.name}.{code}", actor=user, subject=record, **fields)


def offered_actions(record, user) -> list[Action]:
    """What the publisher's page offers on this record (workflow.offered_actions)."""
    return workflow.offered_actions(record, user)


def is_editable(record) -> bool:
    """Whether the publisher's decisions and a release's text may still change."""
    return workflow.is_editable(record)


# ---- the engine, with the publisher's decisions --------------------------------------------


def _terms(raw: list | None) -> list[redaction.Term]:
    return [redaction.Term(item["kind"], item["text"]) for item in (raw or [])]


def _people(raw: list | None) -> list[redaction.PersonDecision]:
    return [redaction.PersonDecision(item["name"], item["role"]) for item in (raw or [])]


def _options(record) -> dict:
    return {
        "extra_terms": _terms(record.added_terms),
        "dropped": _terms(record.dropped_terms),
        "people": _people(record.people),
        "minor": record.involves_minor or None,
    }


def original_fields(record) -> dict[str, str]:
    """The internal text of a record, by field."""
    if isinstance(record, Release):
        return {"title": record.original_title, "body": record.original_body}
    return {"text": record.original_text}


def analyse(document: LegalDocument) -> redaction.Analysis:
    """The current proposal for a document: the engine's, with the publisher's decisions."""
    return redaction.analyse(document.original_text, **_options(document))


@dataclass
class Proposal:
    """What the engine proposes now for a record, with the publisher's decisions."""

    # The text analysed: a document's original text, a release's title and body joined.
    text: str
    analysis: redaction.Analysis
    # The public fields as they would be published after review.
    public: dict[str, str]


def propose(record) -> Proposal:
    if isinstance(record, Release):
        fields = redaction.analyse_fields(original_fields(record), **_options(record))
        return Proposal(fields.text, fields.analysis, redaction.apply_fields(fields))
    analysis = analyse(record)
    text = redaction.apply(record.original_text, analysis.redactions)
    return Proposal(record.original_text, analysis, {"text": text})


def public_fields(record) -> dict[str, str]:
    """The exact public texts fixed at review: every field any public route shows."""
    fields = {
        field: getattr(record, column) for field, column in _kind(record).public_columns.items()
    }
    if isinstance(record, LegalDocument):
        fields = {"title": record.title, **fields}
    # Written by the publisher, not redacted: the gate checks them like the rest.
    for column in ("english_title", "english_summary"):
        if getattr(record, column):
            fields[column] = getattr(record, column)
    return fields


def public_page(record) -> dict[str, object]:
    """Everything the public page of the record will show once published (codes, not labels):
    what the publisher confirms on the preview before publishing, and what that confirmation
    is bound to (admin.publish)."""
    if isinstance(record, Release):
        return {
            **public_fields(record),
            "category": record.category,
            "procuratorate": record.procuratorate,
            "released_on": record.released_on,
        }
    return {
        **public_fields(record),
        "doc_type": record.doc_type,
        "procuratorate": record.procuratorate,
        "case_number": record.case_number,
        "document_date": record.document_date,
    }


def gate_findings(record) -> list[redaction.Finding]:
    """The engine's last check of the exact public texts against a fresh analysis of the
    original with the stored decisions."""
    return redaction.gate(public_fields(record), propose(record).analysis)


KIND_LABELS = {
    redaction.NAME: _l("names"),
    redaction.ID_NUMBER: _l("identity card numbers"),
    redaction.PHONE: _l("phone numbers"),
    redaction.BANK_ACCOUNT: _l("bank cards and accounts"),
    redaction.EMAIL: _l("e-mail addresses"),
    redaction.ADDRESS: _l("addresses"),
    redaction.HEALTH: _l("health information"),
    redaction.SCHOOL: _l("schools"),
    redaction.BIRTH_DATE: _l("dates of birth"),
    redaction.VILLAGE: _l("villages"),
    redaction.CUSTOM: _l("text added by the publisher"),
}
FIELD_LABELS = {
    "title": _l("title"),
    "text": _l("text"),
    "body": _l("text"),
    "english_title": _l("English title"),
    "english_summary": _l("English summary"),
}
PERSON_ROLE_LABELS = {
    "defendant": _l("Defendant or suspect"),
    "not_prosecuted": _l("Person not prosecuted"),
    "victim": _l("Victim"),
    "witness": _l("Witness"),
    "expert": _l("Expert witness"),
    "relative": _l("Relative"),
    "representative": _l("Legal or litigation representative"),
    "applicant": _l("Applicant or complainant"),
    "other": _l("Other private person"),
    "official": _l("Official"),
    "lawyer": _l("Defence lawyer"),
}
audit.register_detail_keys(
    ["document", "release"],
    {
        "kind": audit.DetailKey(_l("Kind of text"), lambda code: KIND_LABELS[code]),
        "role": audit.DetailKey(_l("Role"), lambda code: PERSON_ROLE_LABELS[code]),
        "redactions": audit.DetailKey(_l("Redactions")),
        "type": audit.DetailKey(_l("Document type"), lambda code: DocumentType(code).label),
    },
    legacy={f"{kind}.withdrawn": r"(?P<reason>.+)" for kind in ("document", "release")},
)
PERSON_REASON_LABELS = {
    "official": _l("Officials keep their names."),
    "lawyer": _l("Defence lawyers keep their names."),
    "long_sentence": _l(
        "Sentenced to more than three years, life imprisonment or death: the name is kept."
    ),
    "recidivist": _l(
        "A recidivist as Articles 65 and 66 of the Criminal Law define it: the name is kept."
    ),
    "minor_case": _l("A case about a minor: every private person is shielded."),
    "private_person": _l(
        "Victims, witnesses, persons not prosecuted and other private persons are shielded."
    ),
    "short_or_unknown_sentence": _l(
        "A defendant sentenced to three years or less, or whose sentence the text does not "
        "show, is shielded."
    ),
    "publisher": _l("Set by the publisher."),
}


def findings_message(findings: list[redaction.Finding]) -> str:
    items = "; ".join(
        _(
            "%(kind)s in the %(field)s: “%(text)s”",
            kind=KIND_LABELS.get(kind, kind),
            field=FIELD_LABELS.get(field, field),
            text=text,
        )
        for kind, field, text in dict.fromkeys((f.kind, f.field, f.text) for f in findings)
    )
    return _(
        "The check before publishing still finds personal data in the public text (%(findings)s). "
        "Redact it and review again.",
        findings=items,
    )


# ---- the publisher's decisions, for documents and releases alike ----------------------------


def _reopen_if_reviewed(record, user) -> None:
    """A change after review invalidates it: back to draft, review again."""
    if record.status == DocumentState.REVIEWED:
        workflow.apply(record, Action.REOPEN, user)
        for column in _kind(record).public_columns.values():
            setattr(record, column, None)
        record.redactions = None
        record.reviewed_at = None
        record.reviewed_by_id = None


def _occurs(text: str, record) -> bool:
    return any(text in value for value in original_fields(record).values())


def add_term(record, user, *, text: str, kind: str) -> None:
    """Redact `text` wherever it occurs (kind NAME: surname + 某; otherwise removed)."""
    workflow.require_editable(record, user)
    text = (text or "").strip()
    if kind not in (redaction.NAME, redaction.CUSTOM):
        raise DisclosureRefused(_("Choose how to redact the text."))
    if len(text) < 2:
        raise DisclosureRefused(_("Enter at least two characters to redact."))
    if not _occurs(text, record):
        raise DisclosureRefused(_("This text does not occur in the document. Copy it exactly."))
    term = {"kind": kind, "text": text}
    dropped = [t for t in record.dropped_terms or [] if t["text"] != text]
    if term not in (record.added_terms or []):
        record.added_terms = [*(record.added_terms or []), term]
    record.dropped_terms = dropped
    _reopen_if_reviewed(record, user)
    # The term itself may be personal data: the audit trail names only its kind.
    _record_event("redaction_added", record, user, detail={"kind": kind})


def drop_redaction(record, user, *, text: str, kind: str) -> None:
    """Keep `text` as it is: a false positive, or a defendant whose name may be published."""
    workflow.require_editable(record, user)
    if record.involves_minor:
        raise DisclosureRefused(
            _("This is a case about a minor: every proposed redaction must stay.")
        )
    if kind not in redaction.DROPPABLE_KINDS:
        raise DisclosureRefused(
            _(
                "Identity numbers, phone numbers, bank accounts and e-mail addresses are always removed."
            )
        )
    proposal = propose(record)
    proposed = {(r.kind, r.original(proposal.text)) for r in proposal.analysis.redactions}
    if (kind, text) not in proposed:
        raise DisclosureRefused(_("This redaction is not proposed any more. Reload the page."))
    record.added_terms = [t for t in record.added_terms or [] if t["text"] != text]
    if kind != redaction.CUSTOM:
        record.dropped_terms = [*(record.dropped_terms or []), {"kind": kind, "text": text}]
    _reopen_if_reviewed(record, user)
    _record_event("redaction_dropped", record, user, detail={"kind": kind})


def restore_redaction(record, user, *, text: str, kind: str) -> None:
    workflow.require_editable(record, user)
    before = list(record.dropped_terms or [])
    record.dropped_terms = [t for t in before if (t["kind"], t["text"]) != (kind, text)]
    if record.dropped_terms == before:
        raise DisclosureRefused(_("This redaction was not dropped. Reload the page."))
    _reopen_if_reviewed(record, user)
    _record_event("redaction_restored", record, user, detail={"kind": kind})


def set_person(record, user, *, name: str, role: str) -> None:
    """Name a person the engine missed, or correct the role of one it found. The decision
    applies to every occurrence of the name (compared on the normalized text, so 刘强 finds
    刘 强). Raises DisclosureRefused when the role is unknown or the name does not occur."""
    workflow.require_editable(record, user)
    if role not in redaction.PERSON_ROLES:
        raise DisclosureRefused(_("Choose the role of the person."))
    name = (name or "").strip()
    key = redaction.normalized(name)
    if len(key) < 2:
        raise DisclosureRefused(_("Enter the person's name, at least two characters."))
    if not any(key in redaction.normalized(v) for v in original_fields(record).values()):
        raise DisclosureRefused(
            _("This name does not occur in the text. Copy it as it is written there.")
        )
    others = [p for p in record.people or [] if redaction.normalized(p["name"]) != key]
    record.people = [*others, {"name": name, "role": role}]
    _reopen_if_reviewed(record, user)
    # The name is personal data: the audit trail names only the role.
    _record_event("person_set", record, user, detail={"role": role})


def mark_involves_minor(record, user) -> None:
    """Apply the minors' rule. It cannot be lifted: a wrong flag costs a redacted name or two."""
    workflow.require_editable(record, user)
    if record.involves_minor:
        return
    record.involves_minor = True
    record.dropped_terms = []
    _reopen_if_reviewed(record, user)
    _record_event("minor_flag_set", record, user)


def review(record, user) -> None:
    """Fix the redacted text from the current proposal: the text that will be published."""
    workflow.check(record, Action.REVIEW, user)  # refused before the engine runs
    proposal = propose(record)
    workflow.apply(
        record, Action.REVIEW, user, detail={"redactions": len(proposal.analysis.redactions)}
    )
    for field, column in _kind(record).public_columns.items():
        setattr(record, column, proposal.public[field])
    record.redactions = [
        {"start": r.start, "end": r.end, "kind": r.kind, "replacement": r.replacement}
        for r in proposal.analysis.redactions
    ]
    record.involves_minor = record.involves_minor or proposal.analysis.involves_minor
    record.reviewed_at = clock.now()
    record.reviewed_by_id = user.id


def publication_problems(
    record,
    user=None,
    *,
    judgment_in_force_on: date | None = None,
    minor_shielded: bool = False,
) -> list[str]:
    """Every reason the publisher `user` may not publish the record now (empty: they may), all
    at once for the review page: the workflow's (not reviewed, the two-person rule) and the
    rules of publication kept here."""
    problems = []
    is_document = isinstance(record, LegalDocument)
    if is_document and not record.type_enum.is_publishable:
        problems.append(_("Internal working documents are never published."))
    problems.extend(workflow.refusals(record, Action.PUBLISH, user))
    if record.status != DocumentState.REVIEWED:
        return problems
    if is_document and record.type_enum == DocumentType.INDICTMENT:
        in_force = judgment_in_force_on or record.judgment_in_force_on
        if in_force is None:
            problems.append(
                _(
                    "An indictment is published only once the judgment is in force: confirm the date it took effect."
                )
            )
        elif in_force > clock.local_today():
            problems.append(_("The date the judgment took effect cannot be in the future."))
    findings = gate_findings(record)
    if findings:
        problems.append(findings_message(findings))
    if record.involves_minor:
        if record.dropped_terms:
            problems.append(_("In a case about a minor no proposed redaction may be dropped."))
        if not minor_shielded:
            problems.append(
                _(
                    "This is a case about a minor: confirm that every detail that could identify the minor is shielded."
                )
            )
    return problems


def _publish(record, user, *, minor_shielded: bool, **options) -> None:
    workflow.require_publisher(user)
    problems = publication_problems(record, user, minor_shielded=minor_shielded, **options)
    if problems:
        raise DisclosureRefused(" ".join(problems))
    workflow.apply(record, Action.PUBLISH, user)
    now = clock.now()
    if record.involves_minor:
        if isinstance(record, LegalDocument):
            record.minor_shielding_confirmed_at = now
    record.published_at = now
    record.published_by_id = user.id
    if isinstance(record, Release):
        search.index_release(record)
    else:
        search.index_document(record)


def _withdraw(record, user, reason: str) -> None:
    """Take a published document or release off the public site; the record, its history and the
    reason stay, and the old address shows the reason (with the redacted title only)."""
    workflow.check(record, Action.WITHDRAW, user)  # the state and role before the reason
    reason = (reason or "").strip()
    if not reason:
        raise DisclosureRefused(_("Give the reason for withdrawal: it is shown to the public."))
    workflow.apply(record, Action.WITHDRAW, user, detail={"reason": reason[:500]})
    record.withdrawn_at = clock.now()
    record.withdrawn_by_id = user.id
    record.withdrawal_reason = reason
    search.unindex(_kind(record).name, record.id)


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
    english_title: str = ""
    english_summary: str = ""


def create_document(data: DocumentData, user) -> LegalDocument:
    workflow.require_publisher(user)
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
        english_title=data.english_title.strip() or None,
        english_summary=data.english_summary.strip() or None,
        added_terms=[],
        dropped_terms=[],
        people=[],
        involves_minor=bool(data.involves_minor) or redaction.mentions_minor(text),
        created_at=clock.now(),
        created_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    _record_event(
        "created", document, user, to_state=document.status, detail={"type": document.doc_type}
    )
    return document


def publish_document(
    document: LegalDocument,
    user,
    *,
    judgment_in_force_on: date | None = None,
    minor_shielded: bool = False,
) -> None:
    _publish(
        document, user, minor_shielded=minor_shielded, judgment_in_force_on=judgment_in_force_on
    )
    if judgment_in_force_on is not None:
        document.judgment_in_force_on = judgment_in_force_on


def withdraw_document(document: LegalDocument, user, *, reason: str) -> None:
    _withdraw(document, user, reason)


# ---- releases --------------------------------------------------------------------------------


@dataclass
class ReleaseData:
    title: str
    body: str
    category: str
    procuratorate: str
    released_on: date
    english_title: str = ""
    english_summary: str = ""


def _release_mentions_minor(release: Release) -> bool:
    return release.category == ReleaseCategory.JUVENILE or redaction.mentions_minor(
        f"{release.original_title}\n{release.original_body}"
    )


def _write_release(release: Release, data: ReleaseData) -> None:
    release.original_title = data.title.strip()
    release.original_body = redaction.normalise_text(data.body)
    release.category = ReleaseCategory(data.category).value
    release.procuratorate = data.procuratorate.strip()
    release.released_on = data.released_on
    release.english_title = data.english_title.strip() or None
    release.english_summary = data.english_summary.strip() or None
    # The minors' rule, once it applies, is never lifted (see mark_involves_minor).
    release.involves_minor = bool(release.involves_minor) or _release_mentions_minor(release)


def create_release(data: ReleaseData, user) -> Release:
    workflow.require_publisher(user)
    now = clock.now()
    release = Release(
        status=ReleaseState.DRAFT.value,
        added_terms=[],
        dropped_terms=[],
        people=[],
        involves_minor=False,
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
    )
    _write_release(release, data)
    db.session.add(release)
    db.session.flush()
    _record_event("created", release, user, to_state="draft")
    return release


def _release_values(release: Release) -> tuple:
    return (
        release.original_title,
        release.original_body,
        release.category,
        release.procuratorate,
        release.released_on,
        release.english_title,
        release.english_summary,
    )


def update_release(release: Release, data: ReleaseData, user) -> None:
    """Edit a draft or reviewed release; a change to a reviewed one undoes the review."""
    workflow.require_editable(release, user)
    before = _release_values(release)
    _write_release(release, data)
    if _release_values(release) == before:
        return
    release.updated_at = clock.now()
    _reopen_if_reviewed(release, user)
    _record_event("updated", release, user)


def publish_release(release: Release, user, *, minor_shielded: bool = False) -> None:
    _publish(release, user, minor_shielded=minor_shielded)


def withdraw_release(release: Release, user, *, reason: str) -> None:
    _withdraw(release, user, reason)
