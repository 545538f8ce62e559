"""Back office of deputies' liaison: deputies (registered by staff, or verified), the queue of
suggestions with its due-soon and overdue views, drafting, returning and approving answers, and
events with their invitations and the replies.

Who may do what is declared once: workflow.DECIDERS verify and register deputies, DRAFTERS draft
answers, APPROVERS (leaders) approve them, never their own (workflow.two_people); everyone who
works petitions may look and organise events. Buttons are shown for the workflow's
`allowed_actions`; views parse the form, call services.py, flash and redirect.
"""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core import clock, uploads
from portal.core.credentials import AccountError
from portal.core.forms import PortalForm
from portal.core.i18n import gettext as _
from portal.core.permissions import PETITION_STAFF, roles_required
from portal.core.workflow import InvalidTransition
from portal.deputies import queries, services
from portal.deputies.forms import (
    AnswerForm,
    DeputyDetailsForm,
    EventForm,
    InviteForm,
    ReasonForm,
    ReturnForm,
)
from portal.deputies.models import DeputyAccount, LiaisonEvent, Suggestion, SuggestionAttachment
from portal.deputies.queries import Queue
from portal.deputies.views import attach_error, deputy_data
from portal.deputies.workflow import ACCOUNT, APPROVERS, DECIDERS, DRAFTERS, SUGGESTION
from portal.extensions import db

bp = Blueprint("deputies_admin", __name__, url_prefix="/staff/deputies")

VIEWERS = PETITION_STAFF


# ---- deputies --------------------------------------------------------------------------------


@bp.route("/")
@roles_required(*VIEWERS)
def list_deputies():
    return render_template("deputies/admin/deputies.html", deputies=queries.deputies_for_review())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*DECIDERS)
def register_deputy():
    form = DeputyDetailsForm()
    if form.validate_on_submit():
        try:
            deputy = services.register_by_staff(deputy_data(form), current_user)
        except AccountError as error:
            db.session.rollback()
            attach_error(form, error, "email")
        else:
            db.session.commit()
            flash(
                _("%(name)s is registered and gets a link to choose a password.", name=deputy.name),
                "success",
            )
            return redirect(url_for(".show_deputy", deputy_id=deputy.id))
    return render_template("deputies/admin/register.html", form=form), 400 if form.errors else 200


def get_deputy(deputy_id: int) -> DeputyAccount:
    return db.session.get(DeputyAccount, deputy_id) or abort(404)


def render_deputy(deputy, reject_form=None, status=200):
    return render_template(
        "deputies/admin/deputy.html",
        deputy=deputy,
        form=reject_form or ReasonForm(prefix="reject"),
        verify_form=PortalForm(),
        actions=ACCOUNT.allowed_actions(deputy, current_user),
        suggestions=queries.suggestions_of(deputy.id),
    ), status


@bp.route("/<int:deputy_id>")
@roles_required(*VIEWERS)
def show_deputy(deputy_id: int):
    return render_deputy(get_deputy(deputy_id))


@bp.route("/<int:deputy_id>/verify", methods=["POST"])
@roles_required(*DECIDERS)
def verify_deputy(deputy_id: int):
    deputy = get_deputy(deputy_id)
    if PortalForm().validate_on_submit():
        try:
            services.verify_deputy(deputy, current_user)
        except InvalidTransition as error:
            flash(str(error), "error")
            return render_deputy(deputy, status=409)
        db.session.commit()
        flash(_("%(name)s is verified.", name=deputy.name), "success")
    return redirect(url_for(".show_deputy", deputy_id=deputy.id))


@bp.route("/<int:deputy_id>/reject", methods=["POST"])
@roles_required(*DECIDERS)
def reject_deputy(deputy_id: int):
    deputy = get_deputy(deputy_id)
    form = ReasonForm(prefix="reject")
    if not form.validate_on_submit():
        return render_deputy(deputy, form, 400)
    try:
        services.reject_deputy(deputy, current_user, form.reason.data)
    except InvalidTransition as error:
        form.reason.errors = [str(error)]
        return render_deputy(deputy, form, 409)
    db.session.commit()
    flash(_("Not verified. %(name)s can read your reason.", name=deputy.name), "success")
    return redirect(url_for(".show_deputy", deputy_id=deputy.id))


# ---- suggestions -----------------------------------------------------------------------------


@bp.route("/suggestions")
@roles_required(*VIEWERS)
def list_suggestions():
    try:
        queue = Queue(request.args.get("queue", Queue.OPEN.value))
    except ValueError:
        queue = Queue.OPEN
    today, within = clock.local_today(), current_app.config["DEPUTY_DUE_SOON_DAYS"]
    return render_template(
        "deputies/admin/suggestions.html",
        queue=queue,
        queues=list(Queue),
        counts=queries.queue_counts(today, within),
        suggestions=queries.suggestions_in_queue(queue, today, within),
        today=today,
        is_overdue=queries.is_overdue,
    )


def get_suggestion(suggestion_id: int) -> Suggestion:
    return db.session.get(Suggestion, suggestion_id) or abort(404)


def render_suggestion(suggestion, *, answer_form=None, return_form=None, status=200):
    if answer_form is None:
        answer_form = AnswerForm(prefix="answer")
        answer_form.answer.data = suggestion.answer
    return render_template(
        "deputies/admin/suggestion.html",
        suggestion=suggestion,
        answer_form=answer_form,
        return_form=return_form or ReturnForm(prefix="return"),
        approve_form=PortalForm(),
        actions=SUGGESTION.allowed_actions(suggestion, current_user),
        today=clock.local_today(),
        is_overdue=queries.is_overdue,
    ), status


@bp.route("/suggestions/<int:suggestion_id>")
@roles_required(*VIEWERS)
def show_suggestion(suggestion_id: int):
    return render_suggestion(get_suggestion(suggestion_id))


@bp.route("/suggestions/<int:suggestion_id>/answer", methods=["POST"])
@roles_required(*DRAFTERS)
def draft_answer(suggestion_id: int):
    suggestion = get_suggestion(suggestion_id)
    form = AnswerForm(prefix="answer")
    if not form.validate_on_submit():
        return render_suggestion(suggestion, answer_form=form, status=400)
    try:
        services.draft_answer(suggestion, current_user, form.answer.data)
    except InvalidTransition as error:
        form.answer.errors = [str(error)]
        return render_suggestion(suggestion, answer_form=form, status=409)
    db.session.commit()
    flash(_("The answer is drafted. A leader approves it before it is sent."), "success")
    return redirect(url_for(".show_suggestion", suggestion_id=suggestion.id))


@bp.route("/suggestions/<int:suggestion_id>/return", methods=["POST"])
@roles_required(*APPROVERS)
def return_answer(suggestion_id: int):
    suggestion = get_suggestion(suggestion_id)
    form = ReturnForm(prefix="return")
    if not form.validate_on_submit():
        return render_suggestion(suggestion, return_form=form, status=400)
    try:
        services.return_answer(suggestion, current_user, form.comment.data)
    except InvalidTransition as error:
        form.comment.errors = [str(error)]
        return render_suggestion(suggestion, return_form=form, status=409)
    db.session.commit()
    flash(_("The draft is returned for revision."), "success")
    return redirect(url_for(".show_suggestion", suggestion_id=suggestion.id))


@bp.route("/suggestions/<int:suggestion_id>/approve", methods=["POST"])
@roles_required(*APPROVERS)
def approve_answer(suggestion_id: int):
    suggestion = get_suggestion(suggestion_id)
    if PortalForm().validate_on_submit():
        try:
            services.approve_answer(suggestion, current_user)
        except InvalidTransition as error:
            flash(str(error), "error")
            return render_suggestion(suggestion, status=403 if error.forbidden else 409)
        db.session.commit()
        flash(_("The answer is approved and sent to the deputy."), "success")
    return redirect(url_for(".show_suggestion", suggestion_id=suggestion.id))


@bp.route("/suggestions/<int:suggestion_id>/files/<int:attachment_id>")
@roles_required(*VIEWERS)
def download_attachment(suggestion_id: int, attachment_id: int):
    attachment = db.session.get(SuggestionAttachment, attachment_id) or abort(404)
    if attachment.suggestion_id != suggestion_id:
        abort(404)
    services.record_download(attachment, current_user)
    db.session.commit()
    return uploads.private_download(attachment)


# ---- events ----------------------------------------------------------------------------------


@bp.route("/events")
@roles_required(*VIEWERS)
def list_events():
    return render_template("deputies/admin/events.html", events=queries.events())


@bp.route("/events/new", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def new_event():
    form = EventForm()
    if form.validate_on_submit():
        starts_at = form.starts_at.data.replace(tzinfo=clock.zone()).astimezone(UTC)
        try:
            event = services.create_event(
                services.EventData(
                    kind=form.kind.data,
                    title=form.title.data,
                    starts_at=starts_at,
                    place=form.place.data,
                    description=form.description.data,
                ),
                current_user,
            )
        except InvalidTransition as error:
            db.session.rollback()
            attach_error(form, error, "starts_at")
        else:
            db.session.commit()
            flash(_("The event is created. Now invite deputies and members."), "success")
            return redirect(url_for(".show_event", event_id=event.id))
    return render_template("deputies/admin/new_event.html", form=form), 400 if form.errors else 200


def invite_form() -> InviteForm:
    form = InviteForm(prefix="invite")
    form.deputies.choices = [
        (deputy.id, f"{deputy.name} ({deputy.body_enum.label}, {deputy.assembly})")
        for deputy in queries.verified_deputies()
    ]
    return form


def render_event(event, form=None, status=200):
    form = form or invite_form()
    invited = {invitation.deputy_id for invitation in event.invitations}
    form.deputies.choices = [c for c in form.deputies.choices if c[0] not in invited]
    return render_template(
        "deputies/admin/event.html",
        event=event,
        form=form,
        has_started=services.has_started(event),
    ), status


@bp.route("/events/<int:event_id>")
@roles_required(*VIEWERS)
def show_event(event_id: int):
    return render_event(db.session.get(LiaisonEvent, event_id) or abort(404))


@bp.route("/events/<int:event_id>/invitations", methods=["POST"])
@roles_required(*VIEWERS)
def invite_deputies(event_id: int):
    event = db.session.get(LiaisonEvent, event_id) or abort(404)
    form = invite_form()
    if not form.validate_on_submit():
        return render_event(event, form, 400)
    try:
        invited = services.invite(event, form.deputies.data, current_user)
    except InvalidTransition as error:
        form.deputies.errors = [str(error)]
        return render_event(event, form, 409)
    db.session.commit()
    flash(_("%(n)s invitations sent.", n=len(invited)), "success")
    return redirect(url_for(".show_event", event_id=event.id))
