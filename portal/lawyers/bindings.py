"""Binding a lawyer to a case, and online file reading (互联网阅卷).

A lawyer asks to be bound to a case with three papers (practising certificate, the law firm's
letter, the power of attorney or legal aid letter), naming the client and the relationship;
staff approve or reject with a reason. For an approved binding staff may deliver the case's
electronic file, downloadable until `available_until`; every download is an audit event.

Approving and rejecting are transitions of portal/lawyers/workflow.py (BINDING: states, who may,
audit codes, refusal messages); the functions here call `BINDING.apply` and add the facts
beside the state. Every refusal here is an InvalidTransition (BindingRefused for the rules that
are not a transition), so a view catches that one class.

Cases of excluded kinds are never read online: juvenile cases (Criminal Procedure Law art. 286,
sealed records) and cases involving state secrets by law, and the categories an administrator
lists in `ReadingExclusion`. Those refuse with the reason and point to an in-person appointment.
Cases are found, and their categories named, through portal/cases/queries.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from portal.cases import queries as cases_queries
from portal.core import audit, clock, uploads
from portal.core.audit import EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.lawyers.models import (
    BindingDocument,
    BindingRelation,
    BindingStatus,
    CaseBinding,
    CaseFileDelivery,
    DocumentKind,
    LawyerAccount,
    Mandate,
    ReadingExclusion,
)
from portal.lawyers.workflow import BINDING, BindingAction

audit.register_detail_keys(
    ["binding", "case_file"],
    {
        "lawyer": audit.DetailKey(_l("Lawyer no.")),
        "case": audit.DetailKey(_l("Case no.")),
        "document": audit.DetailKey(_l("Document no.")),
        "binding": audit.DetailKey(_l("Binding no.")),
        "days": audit.DetailKey(_l("Days available")),
    },
    legacy={
        "binding.requested": r"lawyer:(?P<lawyer>[0-9]+); case:(?P<case>[0-9]+)",
        "binding.rejected": r"(?P<reason>.+)",
        "case_file.delivered": r"binding:(?P<binding>[0-9]+); (?P<days>[0-9]+) days",
        "case_file.downloaded": r"lawyer:(?P<lawyer>[0-9]+)",
    },
)
audit.register_event_types(
    {
        "binding.requested": EventType(_l("Case binding requested")),
        "binding.document_viewed": EventType(_l("Binding document viewed by staff")),
        "case_file.delivered": EventType(_l("Electronic case file delivered")),
        "case_file.withdrawn": EventType(_l("Electronic case file withdrawn")),
        "case_file.downloaded": EventType(_l("Electronic case file downloaded by the lawyer")),
        "reading_exclusion.set": EventType(_l("Category excluded from online reading")),
        "reading_exclusion.removed": EventType(_l("Category allowed for online reading again")),
    }
)

BUILT_IN_EXCLUSIONS = {
    cases_queries.JUVENILE_CATEGORY: _l(
        "Juvenile cases are not read online: their records are sealed by law. Book an "
        "appointment to read the file in person."
    ),
    cases_queries.STATE_SECRETS_CATEGORY: _l(
        "Cases involving state secrets are not read online. Book an appointment to read the "
        "file in person."
    ),
}


class BindingRefused(InvalidTransition):
    """A rule of binding or online reading refused; the message is for the person who tried
    and `field` names the form field it belongs to, if any."""


def exclusion_reason(case):
    """Why the case (a row from cases.queries) may not be read online, or None when it may."""
    if case.category in BUILT_IN_EXCLUSIONS:
        return BUILT_IN_EXCLUSIONS[case.category]
    listed = db.session.get(ReadingExclusion, case.category)
    return listed.reason if listed else None


@dataclass
class BindingRequest:
    case_number: str
    client_name: str
    relation: str
    mandate: str
    documents: dict[str, uploads.CheckedUpload]  # DocumentKind value -> checked file


def request_binding(lawyer: LawyerAccount, data: BindingRequest) -> CaseBinding:
    if not lawyer.is_verified:
        raise BindingRefused(_l("Only lawyers whom our staff have verified can bind cases."))
    case = cases_queries.find_case(data.case_number)
    if case is None:
        raise BindingRefused(
            _l("We have no case with this number. Check it against the case papers."),
            field="case_number",
        )
    missing = [kind for kind in DocumentKind if kind.value not in data.documents]
    if missing:
        raise BindingRefused(_l("Attach all three documents."), field=missing[0].value)
    binding = CaseBinding(
        lawyer_id=lawyer.id,
        case_id=case.id,
        active_key=f"{lawyer.id}:{case.id}",
        client_name=data.client_name.strip(),
        relation=BindingRelation(data.relation).value,
        mandate=Mandate(data.mandate).value,
        status=BindingStatus.REQUESTED.value,
        requested_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(binding)
            db.session.flush()
    except IntegrityError:
        raise BindingRefused(
            _l("You have already asked to be bound to this case."), field="case_number"
        ) from None
    now = clock.now()
    for kind in DocumentKind:
        upload = data.documents[kind.value]
        db.session.add(
            BindingDocument(
                binding=binding,
                kind=kind.value,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                storage_key=uploads.store(db.session, upload),
                uploaded_at=now,
            )
        )
    audit.record(
        "binding.requested",
        actor_kind=audit.ACTOR_LAWYER,
        subject=binding,
        to_state=BindingStatus.REQUESTED,
        detail={"lawyer": lawyer.id, "case": case.id},
    )
    db.session.flush()
    return binding


def approve_binding(binding: CaseBinding, staff) -> None:
    """Refused (InvalidTransition) when the request is decided already or `staff` may not
    decide."""
    BINDING.apply(binding, BindingAction.APPROVE, staff)
    binding.decided_at, binding.decided_by_id = clock.now(), staff.id


def reject_binding(binding: CaseBinding, staff, reason: str) -> None:
    """As approve_binding, and refused without a reason: the lawyer reads it."""
    reason = (reason or "").strip()
    if not reason:
        raise BindingRefused(_l("Give the reason the lawyer will read."), field="reason")
    BINDING.apply(binding, BindingAction.REJECT, staff, detail={"reason": reason})
    binding.active_key = None  # the lawyer may ask again with better papers
    binding.decided_at, binding.decided_by_id, binding.rejection_reason = (
        clock.now(),
        staff.id,
        reason,
    )


def record_document_view(document: BindingDocument, staff) -> None:
    """Staff opened one of the binding's papers: personal data, so every view is logged."""
    audit.record(
        "binding.document_viewed",
        actor=staff,
        subject=document.binding,
        detail={"document": document.id},
    )


def deliver_case_file(
    binding: CaseBinding, staff, upload: uploads.CheckedUpload, days: int
) -> CaseFileDelivery:
    if binding.status != BindingStatus.APPROVED:
        raise BindingRefused(_l("Only an approved binding can receive the case file."))
    reason = exclusion_reason(binding.case)
    if reason is not None:
        raise BindingRefused(reason)
    if not 1 <= days <= 90:
        raise BindingRefused(_l("Give a period between 1 and 90 days."), field="days")
    now = clock.now()
    delivery = CaseFileDelivery(
        binding=binding,
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        storage_key=uploads.store(db.session, upload),
        delivered_at=now,
        delivered_by_id=staff.id,
        available_until=now + timedelta(days=days),
    )
    db.session.add(delivery)
    db.session.flush()
    audit.record(
        "case_file.delivered",
        actor=staff,
        subject=delivery,
        detail={"binding": binding.id, "days": days},
    )
    return delivery


def withdraw_delivery(delivery: CaseFileDelivery, staff) -> None:
    if delivery.withdrawn_at is None:
        delivery.withdrawn_at = clock.now()
        audit.record("case_file.withdrawn", actor=staff, subject=delivery)


def is_downloadable(delivery: CaseFileDelivery) -> bool:
    return (
        delivery.withdrawn_at is None
        and clock.as_utc(delivery.available_until) > clock.now()
        and delivery.binding.status == BindingStatus.APPROVED
        and exclusion_reason(delivery.binding.case) is None
    )


def record_download(delivery: CaseFileDelivery, lawyer: LawyerAccount) -> None:
    """Refuses (BindingRefused) when the period is over, the file withdrawn or the case
    excluded since; otherwise logs the download."""
    if delivery.binding.lawyer_id != lawyer.id:
        raise BindingRefused(_l("This file is not yours."))
    if not is_downloadable(delivery):
        raise BindingRefused(
            _l("This file is no longer available online. Book an appointment to read it.")
        )
    audit.record(
        "case_file.downloaded",
        actor_kind=audit.ACTOR_LAWYER,
        subject=delivery,
        detail={"lawyer": lawyer.id},
    )


def set_exclusion(category: str, reason: str, staff) -> ReadingExclusion:
    """Exclude a case category (a code of cases.queries.category_choices) from online reading,
    or change the reason of one excluded already. An unknown code is a programming error."""
    if not cases_queries.is_category(category):
        raise ValueError(f"not a case category: {category!r}")
    reason = (reason or "").strip()
    if not reason:
        raise BindingRefused(_l("Give the reason lawyers will read."), field="reason")
    entry = db.session.get(ReadingExclusion, category)
    if entry is None:
        entry = ReadingExclusion(category=category, created_at=clock.now())
        db.session.add(entry)
    entry.reason, entry.created_by_id = reason, staff.id
    audit.record("reading_exclusion.set", actor=staff, subject=("category", category))
    return entry


def remove_exclusion(category: str, staff) -> None:
    entry = db.session.get(ReadingExclusion, category)
    if entry is not None:
        db.session.delete(entry)
        audit.record("reading_exclusion.removed", actor=staff, subject=("category", category))
