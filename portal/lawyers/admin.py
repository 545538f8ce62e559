"""Back office: verifying lawyers, reviewing case bindings, delivering case files, and the
categories excluded from online reading.

Intake clerks and handlers decide; leaders may look; administrators keep the exclusion list.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import audit, uploads
from portal.core.forms import PortalForm
from portal.core.permissions import Role, roles_required
from portal.core.uploads import UploadRejected, check_upload
from portal.extensions import db
from portal.lawyers import bindings, services
from portal.lawyers.forms import DeliveryForm, ExclusionForm, ReasonForm
from portal.lawyers.models import (
    BindingDocument,
    BindingStatus,
    CaseBinding,
    CaseFileDelivery,
    LawyerAccount,
    ReadingExclusion,
    Verification,
)

bp = Blueprint("lawyers_admin", __name__, url_prefix="/staff/lawyers")

DECIDERS = (Role.CLERK, Role.HANDLER)
VIEWERS = (Role.CLERK, Role.HANDLER, Role.LEADER)


@bp.route("/")
@roles_required(*VIEWERS)
def list_lawyers():
    status_order = sa.case({Verification.PENDING.value: 0}, value=LawyerAccount.status, else_=1)
    lawyers = db.session.scalars(
        sa.select(LawyerAccount).order_by(status_order, LawyerAccount.created_at.desc())
    ).all()
    pending_bindings = db.session.scalar(
        sa.select(sa.func.count(CaseBinding.id)).where(
            CaseBinding.status == BindingStatus.REQUESTED
        )
    )
    return render_template(
        "lawyers/admin/list.html", lawyers=lawyers, pending_bindings=pending_bindings
    )


def get_lawyer(lawyer_id: int) -> LawyerAccount:
    return db.session.get(LawyerAccount, lawyer_id) or abort(404)


def render_lawyer(lawyer, reject_form=None, status=200):
    return render_template(
        "lawyers/admin/lawyer.html",
        lawyer=lawyer,
        form=reject_form or ReasonForm(prefix="reject"),
        approve_form=PortalForm(),
        can_decide=current_user.role in DECIDERS,
        bindings=db.session.scalars(
            sa.select(CaseBinding).where(CaseBinding.lawyer_id == lawyer.id)
        ).all(),
    ), status


@bp.route("/<int:lawyer_id>")
@roles_required(*VIEWERS)
def show_lawyer(lawyer_id: int):
    return render_lawyer(get_lawyer(lawyer_id))


@bp.route("/<int:lawyer_id>/verify", methods=["POST"])
@roles_required(*DECIDERS)
def verify_lawyer(lawyer_id: int):
    lawyer = get_lawyer(lawyer_id)
    if PortalForm().validate_on_submit():
        try:
            services.verify_lawyer(lawyer, current_user)
        except services.VerificationRefused as error:
            flash(str(error), "error")
            return render_lawyer(lawyer, status=409)
        db.session.commit()
        flash(_("%(name)s is verified and can book now.", name=lawyer.name), "success")
    return redirect(url_for(".show_lawyer", lawyer_id=lawyer.id))


@bp.route("/<int:lawyer_id>/reject", methods=["POST"])
@roles_required(*DECIDERS)
def reject_lawyer(lawyer_id: int):
    lawyer = get_lawyer(lawyer_id)
    form = ReasonForm(prefix="reject")
    if not form.validate_on_submit():
        return render_lawyer(lawyer, form, 400)
    try:
        services.reject_lawyer(lawyer, current_user, form.reason.data)
    except services.VerificationRefused as error:
        form.reason.errors = [str(error)]
        return render_lawyer(lawyer, form, 409)
    db.session.commit()
    flash(_("Not verified. %(name)s can read your reason.", name=lawyer.name), "success")
    return redirect(url_for(".show_lawyer", lawyer_id=lawyer.id))


# ---- case bindings ---------------------------------------------------------------------------


@bp.route("/bindings")
@roles_required(*VIEWERS)
def list_bindings():
    status_order = sa.case({BindingStatus.REQUESTED.value: 0}, value=CaseBinding.status, else_=1)
    items = db.session.scalars(
        sa.select(CaseBinding).order_by(status_order, CaseBinding.requested_at.desc()).limit(200)
    ).all()
    return render_template("lawyers/admin/bindings.html", bindings=items)


def get_binding(binding_id: int) -> CaseBinding:
    return db.session.get(CaseBinding, binding_id) or abort(404)


def render_binding(binding, *, reject_form=None, delivery_form=None, status=200):
    if delivery_form is None:
        delivery_form = DeliveryForm(prefix="deliver")
        delivery_form.days.data = current_app.config["CASE_FILE_ACCESS_DAYS"]
    return render_template(
        "lawyers/admin/binding.html",
        binding=binding,
        exclusion=bindings.exclusion_reason(binding.case),
        form=reject_form or ReasonForm(prefix="reject"),
        approve_form=PortalForm(),
        delivery_form=delivery_form,
        withdraw_form=PortalForm(),
        can_decide=current_user.role in DECIDERS,
        is_downloadable=bindings.is_downloadable,
    ), status


@bp.route("/bindings/<int:binding_id>")
@roles_required(*VIEWERS)
def show_binding(binding_id: int):
    return render_binding(get_binding(binding_id))


@bp.route("/bindings/<int:binding_id>/approve", methods=["POST"])
@roles_required(*DECIDERS)
def approve_binding(binding_id: int):
    binding = get_binding(binding_id)
    if PortalForm().validate_on_submit():
        try:
            bindings.approve_binding(binding, current_user)
        except bindings.BindingRefused as error:
            flash(str(error), "error")
            return render_binding(binding, status=409)
        db.session.commit()
        flash(_("Binding approved."), "success")
    return redirect(url_for(".show_binding", binding_id=binding.id))


@bp.route("/bindings/<int:binding_id>/reject", methods=["POST"])
@roles_required(*DECIDERS)
def reject_binding(binding_id: int):
    binding = get_binding(binding_id)
    form = ReasonForm(prefix="reject")
    if not form.validate_on_submit():
        return render_binding(binding, reject_form=form, status=400)
    try:
        bindings.reject_binding(binding, current_user, form.reason.data)
    except bindings.BindingRefused as error:
        form.reason.errors = [str(error)]
        return render_binding(binding, reject_form=form, status=409)
    db.session.commit()
    flash(_("Binding rejected. The lawyer can read your reason."), "success")
    return redirect(url_for(".show_binding", binding_id=binding.id))


@bp.route("/bindings/<int:binding_id>/documents/<int:document_id>")
@roles_required(*VIEWERS)
def download_document(binding_id: int, document_id: int):
    document = db.session.get(BindingDocument, document_id)
    if document is None or document.binding_id != binding_id:
        abort(404)
    audit.record(
        "binding.document_viewed",
        actor=current_user,
        subject=("binding", binding_id),
        detail=f"document={document.id}",
    )
    db.session.commit()
    response = send_file(
        uploads.path_for(document.storage_key),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/bindings/<int:binding_id>/deliveries", methods=["POST"])
@roles_required(*DECIDERS)
def deliver_case_file(binding_id: int):
    binding = get_binding(binding_id)
    form = DeliveryForm(prefix="deliver")
    if not form.validate_on_submit():
        return render_binding(binding, delivery_form=form, status=400)
    try:
        upload = check_upload(form.case_file.data)
        bindings.deliver_case_file(binding, current_user, upload, form.days.data)
    except (UploadRejected, bindings.BindingRefused) as error:
        db.session.rollback()
        binding = get_binding(binding_id)
        form.case_file.errors = list(form.case_file.errors) + [str(error)]
        return render_binding(binding, delivery_form=form, status=409)
    db.session.commit()
    flash(_("The file is available to the lawyer."), "success")
    return redirect(url_for(".show_binding", binding_id=binding.id))


@bp.route("/deliveries/<int:delivery_id>/withdraw", methods=["POST"])
@roles_required(*DECIDERS)
def withdraw_delivery(delivery_id: int):
    delivery = db.session.get(CaseFileDelivery, delivery_id) or abort(404)
    if PortalForm().validate_on_submit():
        bindings.withdraw_delivery(delivery, current_user)
        db.session.commit()
        flash(_("The file is no longer available to the lawyer."), "success")
    return redirect(url_for(".show_binding", binding_id=delivery.binding_id))


# ---- exclusions ------------------------------------------------------------------------------


@bp.route("/exclusions", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_exclusions():
    form = ExclusionForm()
    if form.validate_on_submit():
        bindings.set_exclusion(form.category.data, form.reason.data, current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".edit_exclusions"))
    return render_template(
        "lawyers/admin/exclusions.html",
        form=form,
        delete_form=PortalForm(),
        built_in=bindings.BUILT_IN_EXCLUSIONS,
        listed=db.session.scalars(sa.select(ReadingExclusion).order_by("category")).all(),
    ), 400 if form.errors else 200


@bp.route("/exclusions/<string:category>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_exclusion(category: str):
    if PortalForm().validate_on_submit():
        bindings.remove_exclusion(category, current_user)
        db.session.commit()
        flash(_("Removed."), "success")
    return redirect(url_for(".edit_exclusions"))
