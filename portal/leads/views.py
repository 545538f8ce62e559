"""Public page: report a public-interest litigation lead.

Thin: the rules are in services.py (and, once filed, the lead is a petition: its progress page,
replies and answers are petitions'); photos are re-encoded by core/images.py as they are read."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template
from flask_babel import get_locale

from portal.core.attachments import Attachments, FileRule
from portal.core.forms import clear_when_anonymous
from portal.core.images import reencode_photo, reencode_upload
from portal.core.submission_limits import limit_submissions
from portal.core.uploads import CheckedUpload, check_upload
from portal.extensions import db
from portal.leads import queries, services
from portal.leads.forms import MAX_DOCUMENTS, MAX_PHOTOS, LeadForm
from portal.petitions import services as petitions

bp = Blueprint("leads", __name__)

# The form's "Use my location" button asks the browser for its position; every other page
# keeps the portal's default, which allows no one (core/security.py).
GEOLOCATION_ALLOWED = "camera=(), microphone=(), geolocation=(self)"


@bp.app_template_global("public_interest_lead")
def public_interest_lead(petition):
    """The lead's details for the petition pages' include (leads/_details.html), or None."""
    return queries.details_of(petition)


# What an anonymous reporter typed about themselves is not kept (see core/forms.py).
PERSONAL_FIELDS = ("name", "mobile", "email")


def _document(file_storage) -> CheckedUpload:
    """A document as the petition form takes it; a photo sent as a document is re-encoded like
    the others, so that none is stored with its metadata."""
    upload = check_upload(file_storage)
    if upload.content_type.startswith("image/"):
        return reencode_photo(upload.filename, upload.data)
    return upload


@bp.route("/public-interest/report", methods=["GET", "POST"])
@limit_submissions
def report_lead():
    form = LeadForm()
    files = Attachments(
        form,
        photos=FileRule(most=MAX_PHOTOS, read=reencode_upload),
        documents=FileRule(most=MAX_DOCUMENTS, read=_document),
    )
    if not files.removed and all([form.validate_on_submit(), files.are_valid()]):
        dropped = clear_when_anonymous(form, PERSONAL_FIELDS)
        latitude, longitude = form.coordinates()
        intake = petitions.IntakeData(
            kind=services.PETITION_KIND.value,
            subject=form.subject.data,
            body=form.body.data,
            is_anonymous=bool(form.is_anonymous.data),
            name=form.name.data,
            mobile=form.mobile.data,
            email=form.email.data,
            uploads=files.of("documents"),
            # Anonymous: no messages, as the form explains; the number and code are how to follow.
            notify_by_sms=bool(form.notify_by_sms.data) and not form.is_anonymous.data,
            notify_by_email=bool(form.notify_by_email.data) and not form.is_anonymous.data,
            locale=str(get_locale()),
        )
        lead = services.LeadData(
            harm_field=form.harm_field.data,
            location=form.location.data,
            latitude=latitude,
            longitude=longitude,
            photos=files.of("photos"),
        )
        try:
            receipt = services.report_lead(intake, lead, submission_key=form.submission_key.data)
        except services.SubmissionError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()  # durable before the tracking number is shown
            files.release()
            return _receipt(receipt, dropped)
    files.keep()
    status = 400 if form.errors or form.form_errors else 200
    response = make_response(render_template("leads/new.html", form=form, files=files), status)
    response.headers["Permissions-Policy"] = GEOLOCATION_ALLOWED
    return response


def _receipt(receipt, dropped_details):
    """The POST's own response, as the petition receipt is: the query code never travels in a
    URL, and no-store keeps it out of caches. `dropped_details`: what an anonymous reporter typed
    but was not kept."""
    response = make_response(
        render_template(
            "leads/receipt.html",
            petition=receipt.petition,
            details=queries.details_of(receipt.petition),
            query_code=petitions.format_code(receipt.query_code),
            is_repeat=receipt.is_repeat,
            dropped_details=dropped_details,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
