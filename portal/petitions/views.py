"""Public pages: file a petition, look up its progress, answer a reply.

Thin views: the rules are in services.py (receiving, the lookup and its lock) and workflow.py
(what the petitioner may do with a reply)."""

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
from flask_babel import gettext as _
from sqlalchemy import select

from portal.core import clock, pdf
from portal.core.forms import ConfirmForm
from portal.core.uploads import UploadRejected, check_upload
from portal.extensions import db, limiter
from portal.petitions import documents, services, workflow
from portal.petitions.forms import ObjectionForm, PetitionForm, ProgressLookupForm
from portal.petitions.models import Channel, Kind, Petition, State

bp = Blueprint("petitions", __name__)


@bp.app_template_filter("petition_state")
def petition_state(value: str):
    """A petition's status as its translated label, on public and staff pages alike."""
    return State(value).label


ACCESS_KEY = "progress_access"


def public_form_limit():
    return current_app.config["PUBLIC_FORM_LIMIT"]


def lookup_limit():
    return current_app.config["LOOKUP_LIMIT"]


def intake_data(form) -> services.IntakeData | None:
    """The form's values as IntakeData, with the uploads checked by content; on a bad file the
    error goes on the attachments field and None is returned."""
    checked = []
    for file_storage in form.attachments.data or []:
        if not file_storage or getattr(file_storage, "filename", None) == "":
            continue  # an empty file input; anything else that is not a file, check_upload refuses
        try:
            checked.append(check_upload(file_storage))
        except UploadRejected as error:
            form.attachments.errors = list(form.attachments.errors) + [str(error)]
    if form.attachments.errors:
        return None
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
        uploads=checked,
    )


def render_receipt(receipt: services.Receipt, template: str, status: int = 200):
    """The receipt is the POST's own response (no redirect), so the query code never travels in
    a URL and is not kept anywhere after this page; no-store keeps it out of caches."""
    response = make_response(
        render_template(
            template,
            petition=receipt.petition,
            query_code=services.format_code(receipt.query_code),
            is_repeat=receipt.is_repeat,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/petitions/new", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def new_petition():
    form = PetitionForm()
    if request.method == "GET" and request.args.get("kind") in {k.value for k in Kind}:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        data = intake_data(form)
        if data is not None:
            try:
                receipt = services.submit_petition(
                    data, channel=Channel.WEB.value, submission_key=form.submission_key.data
                )
            except services.SubmissionError as error:
                form.kind.errors = list(form.kind.errors) + [str(error)]
            else:
                db.session.commit()  # durable before the tracking number is shown
                return render_receipt(receipt, "petitions/receipt.html")
    status = 400 if form.errors else 200
    return render_template("petitions/new.html", form=form), status


# ---- progress --------------------------------------------------------------------------------


def grant_access(number: str) -> None:
    """Remember in the (signed) session that this browser gave the number and code."""
    now = clock.now().timestamp()
    grants = {k: v for k, v in session.get(ACCESS_KEY, {}).items() if v > now}
    grants[number] = now + current_app.config["PROGRESS_ACCESS_MINUTES"] * 60
    session[ACCESS_KEY] = grants


def has_access(number: str) -> bool:
    return session.get(ACCESS_KEY, {}).get(number, 0) > clock.now().timestamp()


def petition_with_access(number: str) -> Petition:
    """The petition whose number and code were given in this session, else back to the form."""
    if not has_access(number):
        abort(redirect(url_for(".lookup")))
    return db.session.scalar(select(Petition).where(Petition.tracking_number == number)) or abort(
        404
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
            form.query_code.errors = [
                _(
                    "Too many wrong attempts for this number. For your security it is locked for "
                    "a while; try again later or call the 12309 hotline."
                )
            ]
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
            grant_access(petition.tracking_number)
            return redirect(url_for(".progress", number=petition.tracking_number))
    status = 400 if form.errors else 200
    return render_template("petitions/lookup.html", form=form), status


@bp.route("/progress/<string:number>")
def progress(number: str):
    return render_progress(petition_with_access(number), ObjectionForm())


def render_progress(petition: Petition, objection_form: ObjectionForm, status: int = 200):
    response = make_response(
        render_template(
            "petitions/progress.html",
            petition=petition,
            timeline=services.public_timeline(petition),
            replies=services.replies_for_petitioner(petition),
            can_answer=bool(workflow.allowed_actions(petition, workflow.PETITIONER)),
            objection_form=objection_form,
            confirm_form=ConfirmForm(),
            notices=documents.notices_of(petition),
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/progress/<string:number>/satisfied", methods=["POST"])
def record_satisfaction(number: str):
    petition = petition_with_access(number)
    if ConfirmForm().validate_on_submit():
        try:
            workflow.record_satisfaction(petition)
        except workflow.InvalidTransition as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Thank you. Your petition is closed."), "success")
    return redirect(url_for(".progress", number=number))


@bp.route("/progress/<string:number>/objection", methods=["POST"])
def object_to_reply(number: str):
    petition = petition_with_access(number)
    form = ObjectionForm()
    if form.validate_on_submit():
        try:
            workflow.object_to_reply(petition, objection=form.objection.data)
        except workflow.InvalidTransition as error:
            form.objection.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Your objection is recorded. The petition goes back for review."), "success")
            return redirect(url_for(".progress", number=number))
    return render_progress(petition, form, 400)


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
