"""Back office for petitions: dashboard, queues, staff intake, the petition page and its actions.

Thin views: who may open each page is its `roles_required` guard; which buttons a petition page
offers, and whether an action passes, is workflow.py's (`allowed_actions`, the transition
functions); deadlines and "overdue" come from deadlines.py (`due_status`), ready for the templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.accounts import queries as accounts
from portal.core import audit, clock, exports, params, pdf, uploads
from portal.core.forms import ConfirmForm, clear_when_anonymous
from portal.core.permissions import (
    PETITION_STAFF,
    PETITIONER_DATA_ROLES,
    Role,
    can_open,
    roles_required,
)
from portal.extensions import db
from portal.operations import queries as operations
from portal.petitions import documents, duplicates, forms, queries, services, workflow
from portal.petitions.deadlines import DeadlineRule, due_status
from portal.petitions.models import Channel, Kind, Petition, State, WrittenNotice
from portal.petitions.views import (
    PERSONAL_FIELDS,
    intake_data,
    petition_attachments,
    render_receipt,
)
from portal.petitions.workflow import Action

bp = Blueprint("backoffice", __name__, url_prefix="/staff")


@bp.route("/")
@roles_required(*Role)
def dashboard():
    """Every member of staff starts here; the template shows each section when its page would
    open for them (`can_open`), and the counts are only worked out for those who see them."""
    counts = outbox = to_post = None
    if can_open("backoffice.list_petitions"):
        counts = queries.queue_counts(
            current_user, clock.local_today(), current_app.config["DUE_SOON_DAYS"]
        )
    if can_open("backoffice.list_notices_to_post"):
        to_post = documents.count_to_post()
    if can_open("operations_admin.list_outbox"):
        outbox = operations.health()
    return render_template(
        "backoffice/dashboard.html",
        counts=counts,
        queues=queries.QUEUES,
        outbox=outbox,
        to_post=to_post,
    )


def _queue_and_filters(values) -> tuple[str, dict]:
    """The queue and the list's filters from a query string or a form; an unknown queue is a
    404, an unknown filter value is no filter."""
    code = values.get("queue") or "new"
    if code not in queries.QUEUE_CODES:
        abort(404)
    filters = {
        name: values.get(name) if values.get(name) in set(enum) else None
        for name, enum in (("kind", Kind), ("channel", Channel), ("state", State))
    }
    return code, filters


@bp.route("/petitions")
@roles_required(*PETITION_STAFF)
def list_petitions():
    code, filters = _queue_and_filters(request.args)
    today = clock.local_today()
    page = queries.petitions_in_queue(
        code,
        current_user,
        today,
        due_soon_days=current_app.config["DUE_SOON_DAYS"],
        after=params.bounded_int(request.args.get("after")),
        before=params.bounded_int(request.args.get("before")),
        **filters,
    )
    export_form = forms.QueueExportForm(queue=code, **{k: v or "" for k, v in filters.items()})
    return render_template(
        "backoffice/queue.html",
        page=page,
        queue=code,
        queues=queries.QUEUES,
        today=today,
        filters=filters,
        export_form=export_form,
        may_export_personal_data=current_user.role in PETITIONER_DATA_ROLES,
        kinds=list(Kind),
        channels=list(Channel),
        states=list(State),
        due={petition.id: due_status(petition, today) for petition in page.items},
        with_new_material=queries.with_unread_material([petition.id for petition in page.items]),
    )


@bp.route("/petitions/export", methods=["POST"])
@roles_required(*PETITION_STAFF)
def export_petitions():
    """The queue the user is looking at, every page of it, as CSV or XLSX (core/exports.py). The
    petitioners' names, contacts and subjects only when asked for, and only for the roles that
    may have them (PETITIONER_DATA_ROLES); asking without the role is refused."""
    form = forms.QueueExportForm()
    code, filters = _queue_and_filters(request.form)
    if not form.validate_on_submit():
        for message in [*form.form_errors, *form.file_format.errors]:
            flash(str(message), "error")
        return redirect(url_for(".list_petitions", queue=code, **filters))
    personal_data = form.personal_data.data
    if personal_data and current_user.role not in PETITIONER_DATA_ROLES:
        abort(403)
    table = queries.queue_export(
        code,
        current_user,
        clock.local_today(),
        due_soon_days=current_app.config["DUE_SOON_DAYS"],
        **filters,
    )
    return exports.respond(
        table,
        form.file_format.data,
        actor=current_user,
        audit_code="petition.list_exported",
        detail={
            "queue": code,
            "petition_kind": filters["kind"],
            "channel": filters["channel"],
            "state": filters["state"],
        },
        personal_data=personal_data,
    )


@bp.route("/petitions/new", methods=["GET", "POST"])
@roles_required(Role.CLERK)
def register_petition():
    form = forms.StaffIntakeForm()
    if request.method == "GET":
        form.received_on.data = clock.local_today()
    files = petition_attachments(form)
    if not files.removed and all([form.validate_on_submit(), files.are_valid()]):
        dropped = clear_when_anonymous(form, PERSONAL_FIELDS)
        try:
            receipt = services.submit_petition(
                intake_data(form, files.of("attachments")),
                channel=form.channel.data,
                submission_key=form.submission_key.data,
                received_on=form.received_on.data,
                registered_by=current_user,
            )
        except services.SubmissionError as error:
            form.received_on.errors = list(form.received_on.errors) + [str(error)]
        else:
            db.session.commit()
            files.release()
            return render_receipt(receipt, "backoffice/receipt.html", dropped_details=dropped)
    files.keep()
    return render_template(
        "backoffice/register.html", form=form, files=files
    ), 400 if form.errors else 200


# ---- one petition ----------------------------------------------------------------------------


def get_petition(number: str) -> Petition:
    return db.session.scalar(select(Petition).where(Petition.tracking_number == number)) or abort(
        404
    )


def handler_choices():
    users = accounts.active_staff(Role.HANDLER, Role.LEADER)
    return [SelectChoice(0, _("Choose a handler"))] + [
        SelectChoice(u.id, f"{u.name} ({u.role_enum.label})") for u in users
    ]


@dataclass(frozen=True)
class StaffAction:
    """A button on the petition page: its form, and what it does with the form's data."""

    form: type
    run: Callable
    action: Action | None = None  # the workflow action it performs, for the offer on the page
    roles: tuple = PETITION_STAFF
    # For what is not a workflow action: whether to offer it to this user on this petition.
    offered: Callable | None = None


def _merge(petition, user, form):
    into = db.session.scalar(
        select(Petition).where(
            Petition.tracking_number == services.normalise_tracking_number(form.into_number.data)
        )
    )
    if into is None:
        raise workflow.InvalidTransition(_("No petition has this tracking number."))
    return workflow.merge(petition, user, into=into, notice=form.notice.data)


def _with_note(record: Callable) -> Callable:
    """A recorded fact whose form has an optional note: the note is kept as an internal note
    (it may name people and numbers, which the audit trail must not)."""

    def run(petition, user, form):
        result = record(petition, user, form)
        if form.note.data and form.note.data.strip():
            services.add_note(petition, user, form.note.data)
        return result

    return run


STAFF_ACTIONS: dict[str, StaffAction] = {
    "acknowledge": StaffAction(
        forms.AcknowledgeForm,
        lambda p, u, f: workflow.acknowledge(p, u, notice=f.notice.data),
        Action.ACKNOWLEDGE,
    ),
    "transfer": StaffAction(
        forms.TransferForm,
        lambda p, u, f: workflow.transfer(p, u, authority=f.authority.data, notice=f.notice.data),
        Action.TRANSFER,
    ),
    "not-accept": StaffAction(
        forms.NotAcceptForm,
        lambda p, u, f: workflow.not_accept(p, u, reason=f.reason.data),
        Action.NOT_ACCEPT,
    ),
    "merge": StaffAction(forms.MergeForm, _merge, Action.MERGE),
    "assign": StaffAction(
        forms.AssignForm,
        lambda p, u, f: workflow.assign(p, u, handler=accounts.find_user(f.handler_id.data)),
        Action.ASSIGN,
    ),
    "draft-reply": StaffAction(
        forms.DraftReplyForm,
        lambda p, u, f: workflow.draft_reply(p, u, kind=f.kind.data, body=f.body.data),
        Action.DRAFT_REPLY,
    ),
    "return-draft": StaffAction(
        forms.ReturnDraftForm,
        lambda p, u, f: workflow.return_draft(p, u, comment=f.comment.data),
        Action.RETURN_DRAFT,
    ),
    "approve": StaffAction(
        ConfirmForm, lambda p, u, f: workflow.approve(p, u), Action.APPROVE_RESULT
    ),
    "start-review": StaffAction(
        forms.ReviewForm,
        lambda p, u, f: workflow.start_review(p, u, handler=accounts.find_user(f.handler_id.data)),
        Action.START_REVIEW,
    ),
    "close": StaffAction(
        forms.CloseForm, lambda p, u, f: workflow.close(p, u, reason=f.reason.data), Action.CLOSE
    ),
    "request-material": StaffAction(
        forms.MaterialRequestForm,
        lambda p, u, f: workflow.request_material(p, u, body=f.body.data),
        offered=workflow.can_request_material,
    ),
    "mark-material-read": StaffAction(
        ConfirmForm,
        lambda p, u, f: workflow.mark_material_read(p, u),
        offered=workflow.has_unread_material,
    ),
    "unreachable": StaffAction(
        forms.UnreachableForm,
        _with_note(lambda p, u, f: workflow.record_unreachable(p, u, reason=f.reason.data)),
        offered=workflow.can_record_unreachable,
    ),
    "contact-restored": StaffAction(
        forms.ContactRestoredForm,
        _with_note(lambda p, u, f: workflow.record_contact_restored(p, u)),
        offered=workflow.can_record_contact_restored,
    ),
    "take-charge": StaffAction(
        ConfirmForm,
        lambda p, u, f: workflow.take_personally(p, u),
        roles=(Role.LEADER,),
        offered=workflow.can_take_personally,
    ),
    "note": StaffAction(forms.NoteForm, lambda p, u, f: services.add_note(p, u, f.body.data)),
}


def build_form(name: str, formdata=None):
    form = STAFF_ACTIONS[name].form(formdata=formdata, prefix=name)
    if hasattr(form, "handler_id"):
        form.handler_id.choices = handler_choices()
    return form


def offered_actions(petition: Petition, user) -> list[str]:
    """The buttons this user gets on this petition: what the workflow allows them now."""
    allowed = set(workflow.allowed_actions(petition, user))
    offered = []
    for name, staff_action in STAFF_ACTIONS.items():
        if staff_action.action is not None:
            if staff_action.action in allowed:
                offered.append(name)
        elif user.role in staff_action.roles and (
            staff_action.offered is None or staff_action.offered(petition, user)
        ):
            offered.append(name)
    return offered


def render_petition(petition: Petition, failed: tuple[str, object] | None = None, status=200):
    action_forms = {name: build_form(name) for name in offered_actions(petition, current_user)}
    if failed:
        action_forms[failed[0]] = failed[1]
    if "draft-reply" in action_forms and failed is None and petition.pending_draft is None:
        last_returned = next((r for r in reversed(petition.replies) if r.returned_at), None)
        if last_returned is not None:
            action_forms["draft-reply"].body.data = last_returned.body
    events = audit.history(petition)
    today = clock.local_today()
    suggestions = duplicates.suggestions_for(petition)
    return render_template(
        "backoffice/petition.html",
        petition=petition,
        forms=action_forms,
        events=events,
        today=today,
        due=due_status(petition, today),
        rule=DeadlineRule.from_code(petition.deadline_rule),
        exchange=services.material_exchange(petition),
        merged_from=db.session.scalars(
            select(Petition).where(Petition.merged_into_id == petition.id)
        ).all(),
        notices=documents.notices_of(petition),
        suggestions=suggestions,
        suggestion_merge_forms=suggestion_merge_forms(petition, suggestions, action_forms),
    ), status


def suggestion_merge_forms(petition: Petition, suggestions, action_forms) -> dict:
    """One merge form per suggested earlier petition that can be merged into, when this user
    may merge this petition now (the merge form is offered): the earlier number filled in and
    the standard notice naming it, which staff may edit. They post to the same "merge" action
    as the merge form; only their ids differ, one set per suggestion."""
    if "merge" not in action_forms:
        return {}
    merge_forms = {}
    for shown in suggestions:
        if shown.merge_refusal is not None:
            continue
        number = shown.earlier.tracking_number
        form = forms.MergeForm(formdata=None, prefix="merge")
        form.into_number.data = number
        form.notice.data = duplicates.merge_notice(petition, shown.earlier)
        for field in (form.csrf_token, form.into_number, form.notice):
            field.id = f"{field.id}-{number}"
        merge_forms[number] = form
    return merge_forms


@bp.route("/petitions/<string:number>")
@roles_required(*PETITION_STAFF)
def show_petition(number: str):
    return render_petition(get_petition(number))


@bp.route("/petitions/<string:number>/<string:action>", methods=["POST"])
@roles_required(*PETITION_STAFF)
def act_on_petition(number: str, action: str):
    staff_action = STAFF_ACTIONS.get(action) or abort(404)
    petition = get_petition(number)
    if current_user.role not in staff_action.roles:
        abort(403)
    form = build_form(action, formdata=request.form)
    if not form.validate():
        return render_petition(petition, (action, form), 400)
    try:
        staff_action.run(petition, current_user, form)
    except (workflow.InvalidTransition, services.SubmissionError) as error:
        db.session.rollback()
        petition = get_petition(number)
        form.form_errors.append(str(error))
        status = 403 if getattr(error, "forbidden", False) else 409
        return render_petition(petition, (action, form), status)
    db.session.commit()
    flash(
        _(
            "Done: %(number)s is now “%(state)s”.",
            number=number,
            state=State(petition.status).label,
        ),
        "success",
    )
    return redirect(url_for(".show_petition", number=number))


@bp.route("/petitions/<string:number>/attachments/<int:attachment_id>")
@roles_required(*PETITION_STAFF)
def download_attachment(number: str, attachment_id: int):
    attachment = services.attachment_for_staff(get_petition(number), attachment_id, current_user)
    if attachment is None:
        abort(404)
    db.session.commit()
    return uploads.private_download(attachment)


# ---- written notices: printing and posting (documents.py) ------------------------------------
# Paper goes out in the procuratorate's language, whatever the language of the staff member's
# screen. Posting is the intake clerks' and handlers' work; leaders read.


@bp.route("/petitions/<string:number>/notices/<int:notice_id>.pdf")
@roles_required(*PETITION_STAFF)
def download_notice(number: str, notice_id: int):
    notice = documents.notice_for_staff(get_petition(number), notice_id, current_user)
    if notice is None:
        abort(404)
    content = documents.notice_pdf(notice, current_app.config["BABEL_DEFAULT_LOCALE"])
    db.session.commit()  # the audit event of the copy
    return pdf.as_download(content, documents.notice_filename(notice))


@bp.route("/notices/to-post")
@roles_required(*PETITION_STAFF)
def list_notices_to_post():
    page = documents.notices_to_post(page=params.page_arg(request.args))
    return render_template("backoffice/notices_to_post.html", page=page)


@bp.route("/notices/<int:notice_id>/posted", methods=["POST"])
@roles_required(Role.CLERK, Role.HANDLER)
def mark_notice_posted(notice_id: int):
    notice = db.session.get(WrittenNotice, notice_id) or abort(404)
    number = notice.petition.tracking_number
    if ConfirmForm().validate_on_submit():
        try:
            documents.mark_posted(notice, current_user)
        except documents.NoticeError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                _("Notice %(number)s is marked posted.", number=notice.document_number),
                "success",
            )
    # Back where the button was: the petition's page, or the list of notices to post.
    if request.form.get("back") == "petition":
        return redirect(url_for(".show_petition", number=number))
    return redirect(url_for(".list_notices_to_post"))
