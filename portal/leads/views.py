"""Public page: report a public-interest litigation lead.

Thin: the rules are in services.py (and, once filed, the lead is a petition: its progress page,
replies and answers are petitions'); photos are re-encoded by core/images.py as they are read."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template
from flask_babel import get_locale

from portal.core.images import reencode_photo, reencode_upload
from portal.core.uploads import CheckedUpload, UploadRejected, check_upload
from portal.extensions import db, limiter
from portal.leads import queries, services
from portal.leads.forms import LeadForm
from portal.petitions import services as petitions

bp = Blueprint("leads", __name__)

# The form's "Use my location" button asks the browser for its position; every other page
# keeps the portal's default, which allows no one (core/security.py).
GEOLOCATION_ALLOWED = "camera=(), microphone=(), geolocation=(self)"


@bp.app_template_global("public_interest_lead")
def public_interest_lead(petition):
    """The lead's details for the petition pages' include (leads/_details.html), or None."""
    return queries.details_of(petition)


def public_form_limit():
    return current_app.config["PUBLIC_FORM_LIMIT"]


def _files(field, read) -> list[CheckedUpload] | None:
    """The field's files, each through `read`; on a bad one the error goes on the field and None
    is returned, so the form is shown again with what was typed (the files must be chosen
    again: a browser cannot keep them, as the page says)."""
    checked = []
    for file_storage in field.data or []:
        if not file_storage or getattr(file_storage, "filename", None) == "":
            continue  # an empty file input; anything else that is not a file, `read` refuses
        try:
            checked.append(read(file_storage))
        except UploadRejected as error:
            field.errors = list(field.errors) + [str(error)]
    return None if field.errors else checked


def _document(file_storage) -> CheckedUpload:
    """A document as the petition form takes it; a photo sent as a document is re-encoded like
    the others, so that none is stored with its metadata."""
    upload = check_upload(file_storage)
    if upload.content_type.startswith("image/"):
        return reencode_photo(upload.filename, upload.data)
    return upload


@bp.route("/public-interest/report", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def report_lead():
    form = LeadForm()
    if form.validate_on_submit():
        photos = _files(form.photos, reencode_upload)
        documents = _files(form.documents, _document)
        if photos is not None and documents is not None:
            latitude, longitude = form.coordinates()
            intake = petitions.IntakeData(
                kind=services.PETITION_KIND.value,
                subject=form.subject.data,
                body=form.body.data,
                is_anonymous=bool(form.is_anonymous.data),
                name=form.name.data,
                mobile=form.mobile.data,
                email=form.email.data,
                uploads=documents,
                notify_by_sms=bool(form.notify_by_sms.data),
                notify_by_email=bool(form.notify_by_email.data),
                locale=str(get_locale()),
            )
            lead = services.LeadData(
                harm_field=form.harm_field.data,
                location=form.location.data,
                latitude=latitude,
                longitude=longitude,
                photos=photos,
            )
            try:
                receipt = services.report_lead(
                    intake, lead, submission_key=form.submission_key.data
                )
            except services.SubmissionError as error:
                form.form_errors.append(str(error))
            else:
                db.session.commit()  # durable before the tracking number is shown
                return _receipt(receipt)
    status = 400 if form.errors or form.form_errors else 200
    response = make_response(render_template("leads/new.html", form=form), status)
    response.headers["Permissions-Policy"] = GEOLOCATION_ALLOWED
    return response


def _receipt(receipt):
    """The POST's own response, as the petition receipt is: the query code never travels in a
    URL, and no-store keeps it out of caches."""
    response = make_response(
        render_template(
            "leads/receipt.html",
            petition=receipt.petition,
            details=queries.details_of(receipt.petition),
            query_code=petitions.format_code(receipt.query_code),
            is_repeat=receipt.is_repeat,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
