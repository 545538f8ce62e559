"""Back office of the bribery-record inquiry: the queue by due date, answering (a certificate,
or a refusal with a reason), revoking a certificate, and the records (entry, correction, CSV
import).

Who may open each view is declared once, by its guard (workflow.DECIDERS answer and keep the
records; workflow.READERS, leaders too, read); templates ask `can_open(endpoint)`. Every change
goes through portal/certificates/services.py, which records it in the audit trail in the same
transaction.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from portal.certificates import documents, imports, queries, services
from portal.certificates.forms import ImportForm, ReasonForm, RecordForm
from portal.certificates.models import BriberyRecord, Certificate, RecordApplication
from portal.certificates.workflow import APPLICATION, DECIDERS, READERS, Action
from portal.core import audit, clock, params, pdf, uploads
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.core.permissions import roles_required
from portal.core.workflow import InvalidTransition
from portal.extensions import db

bp = Blueprint("certificates_admin", __name__, url_prefix="/staff/record-inquiry")


def get_application(application_id: int) -> RecordApplication:
    return db.session.get(RecordApplication, application_id) or abort(404)


def get_certificate(application_id: int) -> Certificate:
    return get_application(application_id).certificate or abort(404)


def _place_error(form, error: InvalidTransition) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error)]
    else:
        form.form_errors.append(str(error))


# ---- the queue and answers -------------------------------------------------------------------


@bp.route("/")
@roles_required(*READERS)
def list_applications():
    chosen = params.lenient(params.choice_arg, request.args, "queue", list(queries.Queue))
    queue = queries.Queue(chosen or queries.Queue.WAITING)
    return render_template(
        "certificates/admin/queue.html",
        queue=queue,
        queues=list(queries.Queue),
        page=queries.applications_in_queue(queue, page=params.page_arg(request.args)),
        today=clock.local_today(),
        is_overdue=services.is_overdue,
    )


def render_application(application: RecordApplication, *, refuse_form=None, revoke_form=None,
                       status: int = 200):  # fmt: skip
    return render_template(
        "certificates/admin/application.html",
        application=application,
        certificate=application.certificate,
        records=services.matching_records(application.identifier),
        actions=APPLICATION.allowed_actions(application, current_user),
        Action=Action,
        issue_form=ConfirmForm(),
        refuse_form=refuse_form or ReasonForm(prefix="refuse", formdata=None),
        revoke_form=revoke_form or ReasonForm(prefix="revoke", formdata=None),
        form=refuse_form or revoke_form,  # base.html: "Error: " in the title
        events=audit.history(application),
        is_overdue=services.is_overdue(application, clock.local_today()),
    ), status


@bp.route("/<int:application_id>")
@roles_required(*READERS)
def show_application(application_id: int):
    return render_application(get_application(application_id))


@bp.route("/<int:application_id>/letter")
@roles_required(*READERS)
def download_letter(application_id: int):
    application = get_application(application_id)
    services.record_letter_view(application, current_user)
    db.session.commit()
    return uploads.private_download(application)


@bp.route("/<int:application_id>/issue", methods=["POST"])
@roles_required(*DECIDERS)
def issue_certificate(application_id: int):
    application = get_application(application_id)
    if ConfirmForm().validate_on_submit():
        try:
            certificate = services.issue_certificate(application, current_user)
        except InvalidTransition as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                _("Certificate %(number)s issued: %(result)s.", number=certificate.number,
                  result=certificate.result_enum.label),
                "success",
            )  # fmt: skip
    return redirect(url_for(".show_application", application_id=application_id))


@bp.route("/<int:application_id>/refuse", methods=["POST"])
@roles_required(*DECIDERS)
def refuse_application(application_id: int):
    application = get_application(application_id)
    form = ReasonForm(prefix="refuse")
    if form.validate_on_submit():
        try:
            services.refuse_application(application, current_user, form.reason.data)
        except InvalidTransition as error:
            db.session.rollback()
            _place_error(form, error)
        else:
            db.session.commit()
            flash(_("Application %(number)s refused.", number=application.number), "success")
            return redirect(url_for(".show_application", application_id=application_id))
    return render_application(get_application(application_id), refuse_form=form, status=400)


@bp.route("/<int:application_id>/revoke", methods=["POST"])
@roles_required(*DECIDERS)
def revoke_certificate(application_id: int):
    certificate = get_certificate(application_id)
    form = ReasonForm(prefix="revoke")
    if form.validate_on_submit():
        try:
            services.revoke_certificate(certificate, current_user, form.reason.data)
        except InvalidTransition as error:
            db.session.rollback()
            _place_error(form, error)
        else:
            db.session.commit()
            flash(_("Certificate %(number)s revoked.", number=certificate.number), "success")
            return redirect(url_for(".show_application", application_id=application_id))
    return render_application(get_application(application_id), revoke_form=form, status=400)


@bp.route("/<int:application_id>/certificate.pdf")
@roles_required(*READERS)
def download_certificate(application_id: int):
    certificate = get_certificate(application_id)
    return pdf.as_download(
        documents.certificate_pdf(certificate, str(get_locale())),
        documents.certificate_filename(certificate),
    )


# ---- the records -----------------------------------------------------------------------------


@bp.route("/records")
@roles_required(*READERS)
def list_records():
    typed = params.lenient(params.text_arg, request.args, "q") or ""
    return render_template(
        "certificates/admin/records.html",
        page=queries.search_records(typed, page=params.page_arg(request.args)),
        query=typed,
    )


def _record_form_page(form, record):
    return render_template("certificates/admin/record_form.html", form=form, record=record), (
        400 if form.errors or form.form_errors else 200
    )


@bp.route("/records/new", methods=["GET", "POST"])
@roles_required(*DECIDERS)
def new_record():
    form = RecordForm()
    if form.validate_on_submit():
        try:
            services.create_record(services.RecordData.from_form(form), current_user)
        except InvalidTransition as error:
            _place_error(form, error)
        else:
            db.session.commit()
            flash(_("Record entered."), "success")
            return redirect(url_for(".list_records"))
    return _record_form_page(form, None)


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@roles_required(*DECIDERS)
def edit_record(record_id: int):
    record = db.session.get(BriberyRecord, record_id) or abort(404)
    form = RecordForm(obj=record)
    if form.validate_on_submit():
        try:
            changed = services.update_record(
                record, services.RecordData.from_form(form), current_user
            )
        except InvalidTransition as error:
            db.session.rollback()
            record = db.session.get(BriberyRecord, record_id)
            _place_error(form, error)
        else:
            db.session.commit()
            flash(_("Record corrected.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")  # fmt: skip
            return redirect(url_for(".list_records"))
    return _record_form_page(form, record)


@bp.route("/records/import", methods=["GET", "POST"])
@roles_required(*DECIDERS)
def import_records():
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            records = imports.import_records(
                form.file.data.read(imports.MAX_IMPORT_BYTES + 1), current_user
            )
        except imports.ImportFailed as failure:
            db.session.rollback()
            errors = failure.errors
            form.file.errors = [
                _(
                    "The file was not imported: nothing was saved. Correct the %(count)s "
                    "problems listed below and import it again.",
                    count=len(errors),
                )
            ]
        else:
            db.session.commit()
            flash(_("%(count)s records imported.", count=len(records)), "success")
            return redirect(url_for(".list_records"))
    return render_template(
        "certificates/admin/import.html",
        form=form,
        errors=errors[: imports.MAX_ERRORS_SHOWN],
        more_errors=max(len(errors) - imports.MAX_ERRORS_SHOWN, 0),
        columns=imports.column_labels(),
    ), (400 if form.errors else 200)


@bp.route("/records/template.csv")
@roles_required(*DECIDERS)
def download_template():
    response = make_response(imports.template_csv())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=bribery-records-template.csv"
    return response
