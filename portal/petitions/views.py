"""Public pages: file a petition, look up its progress, add material to it, grade a reply.

Thin views: the rules are in services.py (receiving, the lookup and its lock, added material)
and workflow.py (what the petitioner may do with a reply)."""

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

from portal.core import access, lookups, pdf
from portal.core.attachments import Attachments, FileRule
from portal.core.forms import MAX_FILES, ConfirmForm, clear_when_anonymous
from portal.core.i18n import gettext as _
from portal.core.submission_limits import limit_submissions
from portal.extensions import db, limiter
from portal.petitions import documents, queries, recovery, services, workflow
from portal.petitions.forms import (
    GradeForm,
    MaterialForm,
    PetitionForm,
    ProgressLookupForm,
    RecoveryCodeForm,
    RecoveryRequestForm,
)
from portal.petitions.models import Channel, Kind, Petition, State

bp = Blueprint("petitions", __name__)


@bp.app_template_filter("petition_state")
def petition_state(value: str):
    """A petition's status as its translated label, on public and staff pages alike."""
    return State(value).label


ACCESS_KEY = "progress_access"


def lookup_limit():
    return current_app.config["LOOKUP_LIMIT"]


def recovery_limit():
    return current_app.config["RECOVERY_LIMIT"]


# The petitioner's details an anonymous report does not keep, whatever was typed (without
# JavaScript the form still sends them); the receipt says which were dropped.
PERSONAL_FIELDS = ("name", "id_number", "mobile", "email", "address")


def petition_attachments(form) -> Attachments:
    return Attachments(form, attachments=FileRule(most=MAX_FILES))


def intake_data(form, uploads) -> services.IntakeData:
    """The form's values as IntakeData, with the attachments already checked."""
    return services.IntakeData(
        kind=form.kind.data,
        subject=form.subject.data,
        body=form.body.data,
        is_anonymous=bool(form.is_anonymous.data),
        name=form.name.data,
        id_number=form.id_number.data,
        mobile=form.mobile.data,
        email=form.email.data,
        address=form.address.data,
        uploads=uploads,
        # Anonymous: no messages, as the form explains; the number and code are how to follow.
        notify_by_sms=bool(form.notify_by_sms.data) and not form.is_anonymous.data,
        notify_by_email=bool(form.notify_by_email.data) and not form.is_anonymous.data,
        # The staff form names the petitioner's language; online, it is the page's.
        locale=form.locale.data if getattr(form, "locale", None) else str(get_locale()),
    )


def render_receipt(receipt: services.Receipt, template: str, status: int = 200, dropped_details=()):
    """The receipt is the POST's own response (no redirect), so the query code never travels in
    a URL and is not kept anywhere after this page; no-store keeps it out of caches.
    `dropped_details`: the labels of the personal details an anonymous report did not keep."""
    response = make_response(
        render_template(
            template,
            petition=receipt.petition,
            query_code=services.format_code(receipt.query_code),
            is_repeat=receipt.is_repeat,
            dropped_details=dropped_details,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/petitions/new", methods=["GET", "POST"])
@limit_submissions
def new_petition():
    form = PetitionForm()
    if request.method == "GET" and request.args.get("kind") in {k.value for k in Kind}:
        form.kind.data = request.args["kind"]
    files = petition_attachments(form)
    if not files.removed and all([form.validate_on_submit(), files.are_valid()]):
        dropped = clear_when_anonymous(form, PERSONAL_FIELDS)
        data = intake_data(form, files.of("attachments"))
        try:
            receipt = services.submit_petition(
                data, channel=Channel.WEB.value, submission_key=form.submission_key.data
            )
        except services.SubmissionError as error:
            form.kind.errors = list(form.kind.errors) + [str(error)]
        else:
            db.session.commit()  # durable before the tracking number is shown
            files.release()
            return render_receipt(receipt, "petitions/receipt.html", dropped_details=dropped)
    files.keep()
    status = 400 if form.errors else 200
    return render_template("petitions/new.html", form=form, files=files), status


# ---- progress --------------------------------------------------------------------------------


def grant_access(petition: Petition) -> None:
    """Remember in the (signed) session that this browser gave the number and code, and which
    code it was (services.code_mark): a code replaced since (a recovered one) ends the access."""
    access.grant(ACCESS_KEY, petition.tracking_number, services.code_mark(petition))


def petition_with_access(number: str) -> Petition:
    """The petition whose number and current code were given in this session, else back to the
    lookup form."""
    return access.granted_record(
        ACCESS_KEY,
        number,
        find=queries.petition_numbered,
        code_mark=services.code_mark,
        lookup_url=url_for(".lookup"),
    )


@bp.route("/progress", methods=["GET", "POST"])
@limiter.limit(lookup_limit, methods=["POST"])
def lookup():
    form = ProgressLookupForm()
    if request.method == "GET" and request.args.get("number"):
        # The QR code on a printed notice fills in the tracking number (printed beside it
        # anyway); the query code never comes from a URL.
        form.tracking_number.data = services.normalise_tracking_number(request.args["number"])[:30]
    if form.validate_on_submit():
        try:
            petition = services.find_for_petitioner(form.tracking_number.data, form.query_code.data)
        except services.LookupLocked:
            petition = None
            form.query_code.errors = [str(lookups.LOCKED_MESSAGE)]
        else:
            if petition is None:
                form.query_code.errors = [
                    _(
                        "We found no petition with this tracking number and query code. Check both "
                        "against your receipt."
                    )
                ]
        db.session.commit()
        if petition is not None:
            grant_access(petition)
            return redirect(url_for(".progress", number=petition.tracking_number))
    status = 400 if form.errors else 200
    return render_template("petitions/lookup.html", form=form), status


# ---- a lost query code -------------------------------------------------------------------------

RECOVERY_NUMBER = "recovery_number"


@bp.route("/progress/recover", methods=["GET", "POST"])
@limiter.limit(recovery_limit, methods=["POST"])
def recover_code():
    """Step 1: the number and the contact it was filed with; the same answer whatever they are."""
    form = RecoveryRequestForm()
    if form.validate_on_submit():
        recovery.request_code(form.tracking_number.data, form.contact.data)
        db.session.commit()
        session[RECOVERY_NUMBER] = services.normalise_tracking_number(form.tracking_number.data)
        flash(
            _(
                "If this tracking number was filed with this mobile number or e-mail address, "
                "we have sent a one-time code to it. It is valid for %(minutes)s minutes.",
                minutes=current_app.config["RECOVERY_CODE_MINUTES"],
            ),
            "success",
        )
        return redirect(url_for(".enter_recovery_code"))
    status = 400 if form.errors else 200
    return render_template("petitions/recover.html", form=form), status


@bp.route("/progress/recover/code", methods=["GET", "POST"])
@limiter.limit(recovery_limit, methods=["POST"])
def enter_recovery_code():
    """Step 2: the one-time code gives a new query code, shown once on this response."""
    form = RecoveryCodeForm()
    if request.method == "GET" and not form.tracking_number.data:
        form.tracking_number.data = session.get(RECOVERY_NUMBER)
    if form.validate_on_submit():
        try:
            new_code = recovery.reset_query_code(form.tracking_number.data, form.one_time_code.data)
        except recovery.RecoveryThrottled as refused:
            new_code = None
            form.one_time_code.errors = [
                _(
                    "Too many wrong codes. For your security, try again in %(minutes)s minutes "
                    "or call the 12309 hotline.",
                    minutes=refused.minutes,
                )
            ]
        else:
            if new_code is None:
                form.one_time_code.errors = [
                    _("This code is wrong, used or expired. Check it, or ask for a new code.")
                ]
        db.session.commit()
        if new_code is not None:
            number = services.normalise_tracking_number(form.tracking_number.data)
            session.pop(RECOVERY_NUMBER, None)
            grant_access(queries.petition_numbered(number))
            response = make_response(
                render_template(
                    "petitions/new_code.html",
                    number=number,
                    query_code=services.format_code(new_code),
                )
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    status = 400 if form.errors else 200
    return render_template("petitions/recover_code.html", form=form), status


@bp.route("/progress/<string:number>")
def progress(number: str):
    return render_progress(petition_with_access(number))


def material_form(petition: Petition) -> MaterialForm:
    return MaterialForm(open_requests=petition.open_material_requests)


def render_progress(
    petition: Petition, *, grade=None, material=None, material_files=None, status: int = 200
):
    """The progress page, with the forms as given (after a refusal: what was typed, with the
    errors, and the files held for the material form) or fresh."""
    failed = grade or material  # the form sent, shown again with its errors
    gradable = workflow.gradable_reply(petition)
    grade = grade or GradeForm()
    if gradable is not None:
        grade.for_reply(gradable.id, concludes=petition.status == State.ANSWERED)
    response = make_response(
        render_template(
            "petitions/progress.html",
            petition=petition,
            timeline=services.public_timeline(petition),
            replies=services.replies_for_petitioner(petition),
            exchange=services.material_exchange(petition),
            gradable=gradable,
            grade_form=grade,
            material_form=material or material_form(petition),
            material_files=material_files,
            can_add_material=services.can_add_material(petition),
            form=failed,  # base.html: "Error: " in the title
            notices=documents.notices_of(petition),
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/progress/<string:number>/grade", methods=["POST"])
def grade_reply(number: str):
    petition = petition_with_access(number)
    form = GradeForm()
    if form.validate_on_submit():
        try:
            workflow.grade_reply(
                petition,
                reply_id=form.reply_id_value(),
                grade=form.grade.data,
                comment=form.comment.data,
            )
        except workflow.InvalidTransition as error:
            db.session.rollback()
            petition = petition_with_access(number)
            target = form.comment if error.field == "comment" else form.grade
            target.errors = list(target.errors) + [str(error)]
        else:
            db.session.commit()
            flash(_answer_message(petition), "success")
            return redirect(url_for(".progress", number=number))
    return render_progress(petition, grade=form, status=400)


def _answer_message(petition: Petition) -> str:
    if petition.status == State.CLOSED:
        return _("Thank you for your answer. Your petition is closed.")
    if petition.status == State.UNDER_REVIEW:
        return _("Your objection is recorded. The petition goes back for review.")
    return _("Thank you for your answer. It is recorded with the reply.")


@bp.route("/progress/<string:number>/material", methods=["POST"])
@limit_submissions
def add_material(number: str):
    petition = petition_with_access(number)
    form = material_form(petition)
    files = petition_attachments(form)
    if not files.removed and all([form.validate_on_submit(), files.are_valid()]):
        data = services.MaterialData(
            body=form.body.data, request_id=form.request_id(), uploads=files.of("attachments")
        )
        try:
            receipt = services.add_material(petition, data, submission_key=form.submission_key.data)
        except services.SubmissionError as error:
            form.body.errors = list(form.body.errors) + [str(error)]
        else:
            db.session.commit()  # durable before the petitioner is told it arrived
            files.release()
            flash(
                _("This material was already sent; it is kept once.")
                if receipt.is_repeat
                else _(
                    "Thank you. What you added is with your petition, and the staff "
                    "handling it are told."
                ),
                "success",
            )
            return redirect(url_for(".progress", number=number))
    files.keep()
    return render_progress(
        petition, material=form, material_files=files, status=200 if files.removed else 400
    )


@bp.route("/progress/end", methods=["POST"])
def end_access():
    if ConfirmForm().validate_on_submit():
        session.pop(ACCESS_KEY, None)
        flash(
            _("You have left the petition. Use the number and code to look at it again."), "success"
        )
    return redirect(url_for(".lookup"))


# ---- the receipt and the written notices as PDF (documents.py) -------------------------------
# With the same access as the progress page: the number and code given in this session. In the
# language the petitioner reads the page in.


@bp.route("/progress/<string:number>/receipt.pdf")
def download_receipt(number: str):
    petition = petition_with_access(number)
    return pdf.as_download(
        documents.receipt_pdf(petition, str(get_locale())), documents.receipt_filename(petition)
    )


@bp.route("/progress/<string:number>/notices/<int:notice_id>.pdf")
def download_notice(number: str, notice_id: int):
    notice = documents.notice_of(petition_with_access(number), notice_id) or abort(404)
    return pdf.as_download(
        documents.notice_pdf(notice, str(get_locale())), documents.notice_filename(notice)
    )
