"""Back office for publishers: releases, documents, redaction review, publishing.

Views parse the form, call one service, flash and redirect; the request commits once. They never
set a state or write an audit event: services.py does, through workflow.py. A rule's refusal
(services.DisclosureRefused) is shown as an error message and changes nothing. The page offers
the moves the state and the publisher's role allow (services.offered_actions) and lists, before
publishing, every reason publishing would be refused (services.publication_problems).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core import clock, tokens
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.core.permissions import Role, roles_required
from portal.disclosure import extraction, forms, layout, queries, redaction, services
from portal.disclosure.models import DocumentState, LegalDocument, Release
from portal.extensions import db

bp = Blueprint("disclosure_admin", __name__, url_prefix="/staff/disclosure")
PUBLISHER = Role.PUBLISHER


def _document(document_id: int) -> LegalDocument:
    return db.session.get(LegalDocument, document_id) or abort(404)


def _release(release_id: int) -> Release:
    return db.session.get(Release, release_id) or abort(404)


@bp.route("/")
@roles_required(PUBLISHER)
def index():
    return render_template(
        "disclosure/admin/index.html",
        documents=queries.staff_documents(),
        releases=queries.staff_releases(),
    )


# ---- documents -------------------------------------------------------------------------------


@bp.route("/documents/new", methods=["GET", "POST"])
@roles_required(PUBLISHER)
def new_document():
    form = forms.DocumentForm()
    if request.method == "GET":
        form.procuratorate.data = current_app.config["PROCURATORATE_NAME"]
    if form.validate_on_submit():
        text, filename = form.text.data or "", None
        upload = form.upload.data
        if upload and getattr(upload, "filename", ""):
            try:
                data = upload.read(extraction.MAX_BYTES + 1)
                text = extraction.extract_text(upload.filename, data)
                filename = extraction.safe_display_name(upload.filename)
            except extraction.ExtractionRejected as error:
                form.upload.errors = [str(error)]
        elif not text.strip():
            form.text.errors = [_("Paste the text of the document, or upload a DOCX or PDF file.")]
        if not form.errors:
            try:
                document = services.create_document(
                    services.DocumentData(
                        doc_type=form.doc_type.data,
                        procuratorate=form.procuratorate.data,
                        case_number=form.case_number.data,
                        document_date=form.document_date.data,
                        text=text,
                        involves_minor=form.involves_minor.data,
                        english_title=form.english_title.data or "",
                        english_summary=form.english_summary.data or "",
                        source_filename=filename,
                    ),
                    current_user,
                )
            except services.DisclosureRefused as error:
                form.text.errors = [str(error)]
            else:
                db.session.commit()
                flash(_("Document saved. Review the proposed redactions."), "success")
                return redirect(url_for(".show_document", document_id=document.id))
    status = 400 if form.errors else 200
    return render_template("disclosure/admin/new_document.html", form=form), status


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str | None = None
    replacement: str | None = None


def segments(text: str, redactions: list[redaction.Redaction]) -> list[Segment]:
    """The text cut into plain pieces and redacted pieces, for the side-by-side preview."""
    out, cursor = [], 0
    for item in sorted(redactions):
        if item.start > cursor:
            out.append(Segment(text[cursor : item.start]))
        out.append(Segment(text[item.start : item.end], item.kind, item.replacement))
        cursor = item.end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


def _proposal_rows(proposal: services.Proposal):
    """One row per distinct (kind, text) proposed, with how often it occurs."""
    rows: dict[tuple[str, str], dict] = {}
    for item in proposal.analysis.redactions:
        key = (item.kind, item.original(proposal.text))
        row = rows.setdefault(
            key, {"kind": key[0], "text": key[1], "replacement": item.replacement, "count": 0}
        )
        row["count"] += 1
    return list(rows.values())


# ---- the review page, shared by documents and releases ---------------------------------------


def _ids(record) -> dict:
    """The URL arguments of a record: its routes are /documents/<id>/… or /releases/<id>/…."""
    if isinstance(record, Release):
        return {"release_id": record.id}
    return {"document_id": record.id}


def _record(document_id: int | None, release_id: int | None):
    return _document(document_id) if document_id is not None else _release(release_id)


def _review_context(record, *, term_form=None, person_form=None, publish_form=None,
                    withdraw_form=None) -> dict:  # fmt: skip
    """What the review template pieces (disclosure/admin/_review.html) need."""
    proposal = services.propose(record)
    problems = []
    if record.status == DocumentState.REVIEWED:
        problems = services.publication_problems(
            record,
            current_user,
            judgment_in_force_on=getattr(record, "judgment_in_force_on", None),
            minor_shielded=True,
        )
    publish_form = publish_form or forms.PublishForm()
    if request.method == "GET" and getattr(record, "judgment_in_force_on", None):
        publish_form.judgment_in_force_on.data = record.judgment_in_force_on
    return {
        "record": record,
        "ids": _ids(record),
        "analysis": proposal.analysis,
        "original_segments": segments(proposal.text, proposal.analysis.redactions),
        "proposals": _proposal_rows(proposal),
        "problems": problems,
        "kind_labels": services.KIND_LABELS,
        "role_labels": services.PERSON_ROLE_LABELS,
        "reason_labels": services.PERSON_REASON_LABELS,
        "droppable": redaction.DROPPABLE_KINDS,
        "editable": services.is_editable(record),
        "term_form": term_form or forms.TermForm(),
        "person_form": person_form or forms.PersonForm(),
        "publish_form": publish_form,
        "withdraw_form": withdraw_form or forms.WithdrawForm(),
        "confirm_form": ConfirmForm(),
        "actions": services.offered_actions(record, current_user),
    }


def _show(record, **review_forms):
    """The record's page again, with the form that failed, status 400."""
    if isinstance(record, Release):
        return _render_release(record, _stored_release_form(record), 400, **review_forms)
    return _render_document(record, 400, **review_forms)


def _run(record, change, success: str):
    """Run one service on the record; commit and flash on success, flash the refusal else."""
    try:
        change(record)
    except services.DisclosureRefused as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(_page_url(record))


def _page_url(record) -> str:
    if isinstance(record, Release):
        return url_for(".edit_release", release_id=record.id)
    return url_for(".show_document", document_id=record.id)


def _for_both(path: str):
    """Register a POST view at /documents/<id>/<path> and /releases/<id>/<path>: the same
    decision on a document or a release, through the same service."""

    def register(view):
        bp.add_url_rule(f"/documents/<int:document_id>/{path}", view_func=view, methods=["POST"])
        bp.add_url_rule(f"/releases/<int:release_id>/{path}", view_func=view, methods=["POST"])
        return view

    return register


def _render_document(document: LegalDocument, status: int = 200, **review_forms):
    return render_template(
        "disclosure/admin/document.html",
        document=document,
        **_review_context(document, **review_forms),
    ), status


@bp.route("/documents/<int:document_id>")
@roles_required(PUBLISHER)
def show_document(document_id: int):
    return _render_document(_document(document_id))


@_for_both("terms")
@roles_required(PUBLISHER)
def add_term(document_id: int | None = None, release_id: int | None = None):
    record = _record(document_id, release_id)
    form = forms.TermForm()
    if not form.validate_on_submit():
        return _show(record, term_form=form)
    return _run(
        record,
        lambda r: services.add_term(r, current_user, text=form.term.data, kind=form.kind.data),
        _("Redaction added."),
    )


@_for_both("drop")
@roles_required(PUBLISHER)
def drop_redaction(document_id: int | None = None, release_id: int | None = None):
    record = _record(document_id, release_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(
        record,
        lambda r: services.drop_redaction(
            r, current_user, text=form.text.data, kind=form.kind.data
        ),
        _("The text will be published as it is."),
    )


@_for_both("restore")
@roles_required(PUBLISHER)
def restore_redaction(document_id: int | None = None, release_id: int | None = None):
    record = _record(document_id, release_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(
        record,
        lambda r: services.restore_redaction(
            r, current_user, text=form.text.data, kind=form.kind.data
        ),
        _("Redaction restored."),
    )


@_for_both("people")
@roles_required(PUBLISHER)
def set_person(document_id: int | None = None, release_id: int | None = None):
    """Add a person by name and role, or change the role of a person the engine found."""
    record = _record(document_id, release_id)
    form = forms.PersonForm()
    if form.validate_on_submit():
        try:
            services.set_person(record, current_user, name=form.name.data, role=form.role.data)
        except services.DisclosureRefused as error:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The decision applies wherever the name occurs."), "success")
            return redirect(_page_url(record))
    return _show(record, person_form=form)


@_for_both("minor")
@roles_required(PUBLISHER)
def mark_minor(document_id: int | None = None, release_id: int | None = None):
    record = _record(document_id, release_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _run(
        record,
        lambda r: services.mark_involves_minor(r, current_user),
        _("The minors' rule now applies."),
    )


@_for_both("review")
@roles_required(PUBLISHER)
def review(document_id: int | None = None, release_id: int | None = None):
    record = _record(document_id, release_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _run(
        record,
        lambda r: services.review(r, current_user),
        _("Redactions reviewed. Another publisher checks the result and publishes it."),
    )


@_for_both("publish")
@roles_required(PUBLISHER)
def publish(document_id: int | None = None, release_id: int | None = None):
    record = _record(document_id, release_id)
    form = forms.PublishForm()
    if not form.validate_on_submit():
        return _show(record, publish_form=form)
    if isinstance(record, Release):
        change = lambda r: services.publish_release(  # noqa: E731
            r, current_user, minor_shielded=form.minor_shielded.data
        )
        options = {"minor_shielded": form.minor_shielded.data}
    else:
        change = lambda r: services.publish_document(  # noqa: E731
            r,
            current_user,
            judgment_in_force_on=form.judgment_in_force_on.data,
            minor_shielded=form.minor_shielded.data,
        )
        options = {
            "judgment_in_force_on": form.judgment_in_force_on.data,
            "minor_shielded": form.minor_shielded.data,
        }
    # Only what may be published is previewed; a refusal reads as before (_run flashes it).
    if not services.publication_problems(record, current_user, **options):
        shown = services.public_page(record)
        confirmed = request.form.get("confirm_digest")
        if confirmed != tokens.content_digest(shown):
            changed = confirmed is not None
            return render_template(
                "disclosure/admin/confirm_publish.html",
                record=record,
                ids=_ids(record),
                shown=shown,
                formal=None if isinstance(record, Release) else layout.formal_text(record),
                form=form,
                digest=tokens.content_digest(shown),
                changed=changed,
            ), 409 if changed else 200
    return _run(record, change, _("Published."))


@_for_both("withdraw")
@roles_required(PUBLISHER)
def withdraw(document_id: int | None = None, release_id: int | None = None):
    record = _record(document_id, release_id)
    form = forms.WithdrawForm()
    if not form.validate_on_submit():
        return _show(record, withdraw_form=form)
    withdraw_record = (
        services.withdraw_release if isinstance(record, Release) else services.withdraw_document
    )
    return _run(
        record,
        lambda r: withdraw_record(r, current_user, reason=form.reason.data),
        _("Withdrawn. The old address now shows the reason."),
    )


# ---- releases --------------------------------------------------------------------------------


def _release_data(form) -> services.ReleaseData:
    return services.ReleaseData(
        title=form.title.data,
        body=form.body.data,
        category=form.category.data,
        procuratorate=form.procuratorate.data,
        released_on=form.released_on.data,
        english_title=form.english_title.data or "",
        english_summary=form.english_summary.data or "",
    )


@bp.route("/releases/new", methods=["GET", "POST"])
@roles_required(PUBLISHER)
def new_release():
    form = forms.ReleaseForm()
    if request.method == "GET":
        form.procuratorate.data = current_app.config["PROCURATORATE_NAME"]
        form.released_on.data = clock.local_today()
    if form.validate_on_submit():
        release = services.create_release(_release_data(form), current_user)
        db.session.commit()
        flash(_("Release saved as a draft. Review the proposed redactions."), "success")
        return redirect(url_for(".edit_release", release_id=release.id))
    return render_template("disclosure/admin/release.html", form=form, release=None), (
        400 if form.errors else 200
    )


def _stored_release_form(release: Release):
    """The release form filled from the record (never from the request)."""
    return forms.ReleaseForm(
        formdata=None,
        data={
            "title": release.original_title,
            "body": release.original_body,
            "category": release.category,
            "procuratorate": release.procuratorate,
            "released_on": release.released_on,
            "english_title": release.english_title or "",
            "english_summary": release.english_summary or "",
        },
    )


def _render_release(release: Release, form, status: int = 200, **review_forms):
    return render_template(
        "disclosure/admin/release.html",
        form=form,
        release=release,
        **_review_context(release, **review_forms),
    ), status


@bp.route("/releases/<int:release_id>", methods=["GET", "POST"])
@roles_required(PUBLISHER)
def edit_release(release_id: int):
    """The release: its text (editable until published) and its redaction review."""
    release = _release(release_id)
    if request.method == "GET":
        return _render_release(release, _stored_release_form(release))
    form = forms.ReleaseForm()
    if form.validate_on_submit():
        return _run(
            release,
            lambda r: services.update_release(r, _release_data(form), current_user),
            _("Release saved."),
        )
    return _render_release(release, form, 400)
