"""Back office: verifying lawyers, reviewing case bindings, delivering case files, and the
categories excluded from online reading.

Intake clerks and handlers decide (workflow.DECIDERS, the same roles the transition tables
name); leaders may look; administrators keep the exclusion list. Views parse the form, call a
service of services.py or bindings.py, flash and redirect; they never write the audit trail or
a status themselves. Decision buttons are shown for `allowed_actions` of the workflow, other
forms when `can_open` their endpoint.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.core import uploads
from portal.core.forms import PortalForm
from portal.core.i18n import gettext as _
from portal.core.permissions import Role, roles_required
from portal.core.uploads import UploadRejected, check_upload
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.lawyers import bindings, queries, services
from portal.lawyers.forms import DeliveryForm, ExclusionForm, ReasonForm
from portal.lawyers.models import (
    BindingDocument,
    CaseBinding,
    CaseFileDelivery,
    LawyerAccount,
)
from portal.lawyers.workflow import ACCOUNT, BINDING, DECIDERS

bp = Blueprint("lawyers_admin", __name__, url_prefix="/staff/lawyers")

VIEWERS = (*DECIDERS, Role.LEADER)


@bp.route("/")
@roles_required(*VIEWERS)
def list_lawyers():
    """Every account, or (`?waiting=1`, the dashboard's link) those staff can verify now."""
    waiting = request.args.get("waiting") == "1"
    return render_template(
        "lawyers/admin/list.html",
        waiting=waiting,
        lawyers=queries.lawyers_for_review(verifiable_only=waiting),
        pending_bindings=queries.count_bindings_waiting(),
    )


def get_lawyer(lawyer_id: int) -> LawyerAccount:
    return db.session.get(LawyerAccount, lawyer_id) or abort(404)


def render_lawyer(lawyer, reject_form=None, status=200):
    return render_template(
        "lawyers/admin/lawyer.html",
        lawyer=lawyer,
        form=reject_form or ReasonForm(prefix="reject"),
        approve_form=PortalForm(),
        actions=ACCOUNT.allowed_actions(lawyer, current_user),
        bindings=queries.bindings_of_lawyer(lawyer.id),
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
        except InvalidTransition as error:
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
    except InvalidTransition as error:
        form.reason.errors = [str(error)]
        return render_lawyer(lawyer, form, 409)
    db.session.commit()
    flash(_("Not verified. %(name)s can read your reason.", name=lawyer.name), "success")
    return redirect(url_for(".show_lawyer", lawyer_id=lawyer.id))


# ---- case bindings ---------------------------------------------------------------------------


@bp.route("/bindings")
@roles_required(*VIEWERS)
def list_bindings():
    return render_template("lawyers/admin/bindings.html", bindings=queries.bindings_for_review())


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
        actions=BINDING.allowed_actions(binding, current_user),
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
        except InvalidTransition as error:
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
    except InvalidTransition as error:
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
    bindings.record_document_view(document, current_user)
    db.session.commit()
    return uploads.private_download(document)


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
    except (UploadRejected, InvalidTransition) as error:
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
        listed=queries.listed_exclusions(),
    ), 400 if form.errors else 200


@bp.route("/exclusions/<string:category>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_exclusion(category: str):
    if PortalForm().validate_on_submit():
        bindings.remove_exclusion(category, current_user)
        db.session.commit()
        flash(_("Removed."), "success")
    return redirect(url_for(".edit_exclusions"))
