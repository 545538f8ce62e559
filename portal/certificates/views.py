"""Public pages of the bribery-record inquiry: apply, follow the application and download the
certificate, and verify a certificate (by its QR code, or by typing its number and code).

Thin views: the rules are in services.py; the certificate PDF in documents.py."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale

from portal.certificates import documents, services
from portal.certificates.forms import ApplicationForm, StatusLookupForm, VerificationForm
from portal.certificates.models import ApplicationStatus, RecordApplication
from portal.core import access, audit, codes, lookups, pdf
from portal.core.attachments import Attachments, FileRule
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.submission_limits import limit_submissions
from portal.core.workflow import InvalidTransition
from portal.extensions import db, limiter

bp = Blueprint("certificates", __name__, url_prefix="/record-inquiry")

ACCESS_KEY = "record_inquiry_access"


def lookup_limit():
    return current_app.config["LOOKUP_LIMIT"]


def no_store(response):
    """Pages with a code or personal data on them are kept by no cache."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
def start():
    return render_template("certificates/start.html")


# ---- applying --------------------------------------------------------------------------------


@bp.route("/apply", methods=["GET", "POST"])
@limit_submissions
def new_application():
    form = ApplicationForm()
    files = Attachments(
        form,
        letter=FileRule(required=_l("Attach the authorisation letter as a PDF, JPEG or PNG.")),
    )
    if not files.removed and all([form.validate_on_submit(), files.are_valid()]):
        data = services.ApplicationData(
            holder_kind=form.holder_kind.data,
            holder_name=form.holder_name.data,
            identifier=form.identifier.data,
            purpose=form.purpose.data,
            project_name=form.project_name.data,
            tendering_party=form.tendering_party.data,
            contact_name=form.contact_name.data,
            mobile=form.mobile.data,
            email=form.email.data,
            letter=files.of("letter")[0],
            locale=str(get_locale()),
        )
        try:
            receipt = services.submit_application(data, submission_key=form.submission_key.data)
        except InvalidTransition as error:
            form[error.field or "identifier"].errors.append(str(error))
        else:
            db.session.commit()  # durable before the number is shown
            files.release()
            return no_store(
                render_template(
                    "certificates/receipt.html",
                    application=receipt.application,
                    query_code=codes.format_code(receipt.query_code),
                    is_repeat=receipt.is_repeat,
                )
            )
    files.keep()
    status = 400 if form.errors else 200
    return no_store((render_template("certificates/apply.html", form=form, files=files), status))


# ---- following the application ---------------------------------------------------------------


def grant_access(application: RecordApplication) -> None:
    """This browser gave the number and code: it may open the status page for a while, as long
    as the code is not replaced (services.code_mark)."""
    access.grant(ACCESS_KEY, application.number, services.code_mark(application))


def application_with_access(number: str) -> RecordApplication:
    return access.granted_record(
        ACCESS_KEY,
        number,
        find=services.application_numbered,
        code_mark=services.code_mark,
        lookup_url=url_for(".lookup"),
    )


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(lookup_limit, methods=["POST"])
def lookup():
    form = StatusLookupForm()
    if form.validate_on_submit():
        try:
            application = services.find_for_applicant(form.number.data, form.query_code.data)
        except services.LookupLocked:
            application = None
            form.query_code.errors = [str(lookups.LOCKED_MESSAGE)]
        else:
            if application is None:
                form.query_code.errors = [
                    _(
                        "We found no application with this number and query code. Check both "
                        "against your receipt."
                    )
                ]
        db.session.commit()
        if application is not None:
            grant_access(application)
            return redirect(url_for(".show_status", number=application.number))
    status = 400 if form.errors else 200
    return render_template("certificates/lookup.html", form=form), status


@bp.route("/status/<string:number>")
def show_status(number: str):
    application = application_with_access(number)
    certificate = application.certificate
    return no_store(
        render_template(
            "certificates/status.html",
            application=application,
            certificate=certificate,
            verification_code=(
                codes.format_code(services.verification_code(certificate)) if certificate else None
            ),
            timeline=[event for event in audit.history(application) if event.is_public],
            states=ApplicationStatus,
            end_form=ConfirmForm(),
        )
    )


@bp.route("/status/<string:number>/certificate.pdf")
def download_certificate(number: str):
    certificate = application_with_access(number).certificate or abort(404)
    return pdf.as_download(
        documents.certificate_pdf(certificate, str(get_locale())),
        documents.certificate_filename(certificate),
    )


@bp.route("/status/end", methods=["POST"])
def end_access():
    if ConfirmForm().validate_on_submit():
        session.pop(ACCESS_KEY, None)
        flash(
            _("You have left the application. Use the number and code to open it again."), "success"
        )
    return redirect(url_for(".lookup"))


# ---- verifying a certificate -----------------------------------------------------------------


def render_verification(form: VerificationForm, *, tried: bool):
    """The verification page; after a try, its answer: the certificate (valid or revoked), or
    the one message for every failure."""
    certificate, locked = None, False
    if tried:
        try:
            certificate = services.verify_certificate(form.number.data, form.code.data)
        except services.LookupLocked:
            locked = True
    return no_store(
        (
            render_template(
                "certificates/verify.html",
                form=form,
                tried=tried,
                certificate=certificate,
                locked=locked,
            ),
            400 if form.errors else 200,
        )
    )


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(lookup_limit, methods=["POST"])
def verify():
    form = VerificationForm()
    if request.method == "GET" and request.args.get("number"):
        form.number.data = services.normalise_number(request.args["number"])
    return render_verification(form, tried=form.validate_on_submit())


@bp.route("/verify/<string:number>/<string:code>")
@limiter.limit(lookup_limit)
def verify_link(number: str, code: str):
    """Where the certificate's QR code leads: the same check as the form, already filled in."""
    form = VerificationForm(formdata=None, data={"number": number[:30], "code": code[:30]})
    return render_verification(form, tried=True)
