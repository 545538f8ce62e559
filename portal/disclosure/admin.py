"""Back office for publishers: releases, documents, redaction review, publishing.

Views parse the form, call one service, flash and redirect; the request commits once. A rule's
refusal (services.DisclosureRefused) is shown as an error message and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import clock
from portal.core.permissions import Role, roles_required
from portal.disclosure import extraction, forms, queries, redaction, services
from portal.disclosure.models import DocumentState, LegalDocument, Release, ReleaseState
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


def _proposal_rows(document: LegalDocument, analysis: redaction.Analysis):
    """One row per distinct (kind, text) proposed, with how often it occurs."""
    rows: dict[tuple[str, str], dict] = {}
    for item in analysis.redactions:
        key = (item.kind, item.original(document.original_text))
        row = rows.setdefault(
            key, {"kind": key[0], "text": key[1], "replacement": item.replacement, "count": 0}
        )
        row["count"] += 1
    return list(rows.values())


@bp.route("/documents/<int:document_id>")
@roles_required(PUBLISHER)
def show_document(document_id: int, term_form=None, publish_form=None, withdraw_form=None):
    document = _document(document_id)
    analysis = services.analyse(document)
    problems = []
    if document.status == DocumentState.REVIEWED:
        problems = services.publication_problems(
            document, judgment_in_force_on=document.judgment_in_force_on, minor_shielded=True
        )
    publish_form = publish_form or forms.PublishForm()
    if request.method == "GET" and document.judgment_in_force_on:
        publish_form.judgment_in_force_on.data = document.judgment_in_force_on
    return render_template(
        "disclosure/admin/document.html",
        document=document,
        analysis=analysis,
        original_segments=segments(document.original_text, analysis.redactions),
        proposals=_proposal_rows(document, analysis),
        problems=problems,
        kind_labels=services.KIND_LABELS,
        droppable=redaction.DROPPABLE_KINDS,
        term_form=term_form or forms.TermForm(),
        publish_form=publish_form,
        withdraw_form=withdraw_form or forms.WithdrawForm(),
        confirm_form=forms.ConfirmForm(),
        actions=services.allowed_document_actions(document),
    )


def _run(document_id: int, change, success: str):
    """Run one service on the document; commit and flash on success, flash the refusal else."""
    document = _document(document_id)
    try:
        change(document)
    except services.DisclosureRefused as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for(".show_document", document_id=document_id))


@bp.route("/documents/<int:document_id>/terms", methods=["POST"])
@roles_required(PUBLISHER)
def add_term(document_id: int):
    form = forms.TermForm()
    if not form.validate_on_submit():
        return show_document(document_id, term_form=form), 400
    return _run(
        document_id,
        lambda d: services.add_term(d, current_user, text=form.term.data, kind=form.kind.data),
        _("Redaction added."),
    )


@bp.route("/documents/<int:document_id>/drop", methods=["POST"])
@roles_required(PUBLISHER)
def drop_redaction(document_id: int):
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(
        document_id,
        lambda d: services.drop_redaction(
            d, current_user, text=form.text.data, kind=form.kind.data
        ),
        _("The text will be published as it is."),
    )


@bp.route("/documents/<int:document_id>/restore", methods=["POST"])
@roles_required(PUBLISHER)
def restore_redaction(document_id: int):
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(
        document_id,
        lambda d: services.restore_redaction(
            d, current_user, text=form.text.data, kind=form.kind.data
        ),
        _("Redaction restored."),
    )


@bp.route("/documents/<int:document_id>/minor", methods=["POST"])
@roles_required(PUBLISHER)
def mark_minor(document_id: int):
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    return _run(
        document_id,
        lambda d: services.mark_involves_minor(d, current_user),
        _("The minors' rule now applies to this document."),
    )


@bp.route("/documents/<int:document_id>/review", methods=["POST"])
@roles_required(PUBLISHER)
def review_document(document_id: int):
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    return _run(
        document_id,
        lambda d: services.review_document(d, current_user),
        _("Redactions reviewed. Check the result and publish."),
    )


@bp.route("/documents/<int:document_id>/publish", methods=["POST"])
@roles_required(PUBLISHER)
def publish_document(document_id: int):
    form = forms.PublishForm()
    if not form.validate_on_submit():
        return show_document(document_id, publish_form=form), 400
    return _run(
        document_id,
        lambda d: services.publish_document(
            d,
            current_user,
            judgment_in_force_on=form.judgment_in_force_on.data,
            minor_shielded=form.minor_shielded.data,
        ),
        _("Published."),
    )


@bp.route("/documents/<int:document_id>/withdraw", methods=["POST"])
@roles_required(PUBLISHER)
def withdraw_document(document_id: int):
    form = forms.WithdrawForm()
    if not form.validate_on_submit():
        return show_document(document_id, withdraw_form=form), 400
    return _run(
        document_id,
        lambda d: services.withdraw_document(d, current_user, reason=form.reason.data),
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
        flash(_("Release saved as a draft."), "success")
        return redirect(url_for(".edit_release", release_id=release.id))
    return render_template("disclosure/admin/release.html", form=form, release=None), (
        400 if form.errors else 200
    )


@bp.route("/releases/<int:release_id>", methods=["GET", "POST"])
@roles_required(PUBLISHER)
def edit_release(release_id: int):
    release = _release(release_id)
    form = forms.ReleaseForm(obj=release)
    withdraw_form = forms.WithdrawForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_release(release, _release_data(form), current_user)
        except services.DisclosureRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Release saved."), "success")
        return redirect(url_for(".edit_release", release_id=release.id))
    return render_template(
        "disclosure/admin/release.html",
        form=form,
        release=release,
        confirm_form=forms.ConfirmForm(),
        withdraw_form=withdraw_form,
        states=ReleaseState,
    ), (400 if form.errors else 200)


def _run_release(release_id: int, change, success: str):
    release = _release(release_id)
    try:
        change(release)
    except services.DisclosureRefused as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for(".edit_release", release_id=release_id))


@bp.route("/releases/<int:release_id>/publish", methods=["POST"])
@roles_required(PUBLISHER)
def publish_release(release_id: int):
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    return _run_release(
        release_id, lambda r: services.publish_release(r, current_user), _("Published.")
    )


@bp.route("/releases/<int:release_id>/withdraw", methods=["POST"])
@roles_required(PUBLISHER)
def withdraw_release(release_id: int):
    form = forms.WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Enter the reason for withdrawal."), "error")
        return redirect(url_for(".edit_release", release_id=release_id))
    return _run_release(
        release_id,
        lambda r: services.withdraw_release(r, current_user, reason=form.reason.data),
        _("Withdrawn. The old address now shows the reason."),
    )
