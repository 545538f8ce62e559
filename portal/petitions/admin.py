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
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.accounts import queries as accounts
from portal.core import audit, clock, exports, i18n, params, pdf, uploads
from portal.core.forms import ConfirmForm, clear_when_anonymous
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import (
    PETITION_STAFF,
    PETITIONER_DATA_ROLES,
    Role,
    can_open,
    roles_required,
)
from portal.extensions import db
from portal.lawyers import queries as lawyer_queries
from portal.operations import queries as operations
from portal.petitions import (
    documents,
    duplicates,
    forms,
    previews,
    queries,
    services,
    wording,
    workflow,
)
from portal.petitions.deadlines import DeadlineRule, due_status
from portal.petitions.models import (
    Channel,
    Kind,
    Petition,
    ReplyKind,
    State,
    WordingKind,
    WrittenNotice,
)
from portal.petitions.views import (
    PERSONAL_FIELDS,
    intake_data,
    petition_attachments,
    render_receipt,
)
from portal.petitions.workflow import Action

bp = Blueprint("backoffice", __name__, url_prefix="/staff")


# The queues that one transition works off, and so are listed (on the dashboard and the queue
# tabs) for the roles that take it; the other queues are every petition worker's. Anyone of
# petition staff may still open such a queue by its address.
QUEUE_WORK = {
    "awaiting_approval": Action.APPROVE_RESULT,
    "under_review": Action.START_REVIEW,
}


def queues_for(user) -> list[queries.Queue]:
    return [
        queue
        for queue in queries.QUEUES
        if queue.code not in QUEUE_WORK
        or str(user.role) in workflow.TRANSITIONS[QUEUE_WORK[queue.code]].actors
    ]


@bp.route("/")
@roles_required(*Role)
def dashboard():
    """Every member of staff starts here; the template shows each section when its page would
    open for them (`can_open`), and the counts are only worked out for those who see them."""
    counts = outbox = to_post = lawyers_waiting = None
    queues = []
    if can_open("backoffice.list_petitions"):
        queues = queues_for(current_user)
        counts = queries.queue_counts(
            queues, current_user, clock.local_today(), current_app.config["DUE_SOON_DAYS"]
        )
    if can_open("backoffice.list_notices_to_post"):
        to_post = documents.count_to_post()
    if can_open("lawyers_admin.verify_lawyer"):
        lawyers_waiting = lawyer_queries.waiting_counts()
    if can_open("operations_admin.list_outbox"):
        outbox = operations.health()
    return render_template(
        "backoffice/dashboard.html",
        counts=counts,
        queues=queues,
        outbox=outbox,
        to_post=to_post,
        lawyers_waiting=lawyers_waiting,
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
        queues=queues_for(current_user),
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
    marks = i18n.punctuation()
    return [SelectChoice(0, _("Choose a handler"))] + [
        SelectChoice(u.id, f"{u.name}{marks.open}{u.role_enum.label}{marks.close}") for u in users
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
    # The field the petitioner reads, and the standard wording it starts from (wording.py).
    wording: tuple[str, WordingKind] | None = None
    # What it sends the petitioner is shown first, and sent by a second POST (previews.py).
    previewed: bool = False


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
        previewed=True,
        wording=("notice", WordingKind.ACKNOWLEDGMENT),
    ),
    "transfer": StaffAction(
        forms.TransferForm,
        lambda p, u, f: workflow.transfer(p, u, authority=f.authority.data, notice=f.notice.data),
        Action.TRANSFER,
        previewed=True,
        wording=("notice", WordingKind.TRANSFER),
    ),
    "not-accept": StaffAction(
        forms.NotAcceptForm,
        lambda p, u, f: workflow.not_accept(p, u, reason=f.reason.data),
        Action.NOT_ACCEPT,
        previewed=True,
        wording=("reason", WordingKind.NOT_ACCEPTED),
    ),
    "merge": StaffAction(
        forms.MergeForm,
        _merge,
        Action.MERGE,
        wording=("notice", WordingKind.MERGED),
        previewed=True,
    ),
    "assign": StaffAction(
        forms.AssignForm,
        lambda p, u, f: workflow.assign(p, u, handler=accounts.find_user(f.handler_id.data)),
        Action.ASSIGN,
    ),
    "draft-reply": StaffAction(
        forms.DraftReplyForm,
        lambda p, u, f: workflow.draft_reply(p, u, kind=f.kind.data, body=f.body.data),
        Action.DRAFT_REPLY,
        wording=("body", WordingKind.RESULT),
    ),
    "return-draft": StaffAction(
        forms.ReturnDraftForm,
        lambda p, u, f: workflow.return_draft(p, u, comment=f.comment.data),
        Action.RETURN_DRAFT,
    ),
    "approve": StaffAction(
        ConfirmForm, lambda p, u, f: workflow.approve(p, u), Action.APPROVE_RESULT, previewed=True
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
        wording=("body", WordingKind.MATERIAL_REQUEST),
        previewed=True,
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


ACTION_TITLES = {
    "acknowledge": _l("Accept for handling"),
    "transfer": _l("Transfer to another authority"),
    "not-accept": _l("Do not accept"),
    "merge": _l("Merge into an earlier petition"),
    "assign": _l("Assign to a handler"),
    "draft-reply": _l("Draft a reply"),
    "return-draft": _l("Return the draft"),
    "approve": _l("Approve and send the draft reply"),
    "start-review": _l("Review the objection"),
    "close": _l("Close"),
    "take-charge": _l("Take charge personally (领导包案)"),
    "note": _l("Add an internal note"),
    "request-material": _l("Ask the petitioner a question or for material"),
    "mark-material-read": _l("Mark the new material as read"),
    "unreachable": _l("Record that the petitioner cannot be reached"),
    "contact-restored": _l("Record that contact was made again"),
}
# The petition page shows these forms open, in this order, when they are offered: the step
# the state is waiting for first (at most one of the first group applies to a state), then the
# other decisions of that state. The rest, rarely needed, wait behind "More actions".
OPEN_ACTIONS = (
    "acknowledge",
    "assign",
    "draft-reply",
    "approve",
    "start-review",
    "close",
    "return-draft",
    "transfer",
    "not-accept",
    "merge",
    "mark-material-read",
    "request-material",
)


def arranged_actions(offered: list[str]) -> tuple[list[str], list[str]]:
    """The offered actions as the page shows them: (open, in order; behind "More actions")."""
    shown = [name for name in OPEN_ACTIONS if name in offered]
    return shown, [name for name in offered if name not in shown]


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


def start_from_wordings(petition: Petition, action_forms: dict) -> None:
    """Fill the boxes the petitioner reads with their standard wordings (wording.py), filled in
    with this petition's details. A reply drafted after a progress reply starts as another
    progress reply; a draft the leader returned starts as it was, to be revised."""
    for name, form in action_forms.items():
        staff_action = STAFF_ACTIONS[name]
        if staff_action.wording is None:
            continue
        field_name, kind = staff_action.wording
        if name == "draft-reply":
            last_returned = next((r for r in reversed(petition.replies) if r.returned_at), None)
            if last_returned is not None:
                form.kind.data, form.body.data = last_returned.kind, last_returned.body
                continue
            latest = petition.latest_sent_reply
            if latest is not None and latest.kind == ReplyKind.PROGRESS:
                kind = WordingKind.PROGRESS
                form.kind.data = ReplyKind.PROGRESS.value
        form[field_name].data = wording.starting_text(kind, petition)


# The petition page shows the newest events of its trail only, newest first: a handler opens it
# to see what happened last (a note, a lookup by the petitioner, the last transition) without
# scrolling past years of history, and a page that rendered every event grew without bound with
# the petition's history (issue 14: 300 events took most of a 100 ms budget). Twenty covers a
# petition's whole workflow (received to closed, with a reply, an objection and a few notes)
# and the activity of the last weeks; the rest is one link away, on the history page.
RECENT_EVENTS = 20
# The history page: a hundred events a page, in keyset pages (the last costs what the first does).
HISTORY_PAGE_EVENTS = 100


def render_petition(petition: Petition, failed: tuple[str, object] | None = None, status=200):
    action_forms = {name: build_form(name) for name in offered_actions(petition, current_user)}
    start_from_wordings(petition, action_forms)
    if failed:
        action_forms[failed[0]] = failed[1]
    recent = audit.history_page(petition, per_page=RECENT_EVENTS)
    # Counted only when there is more than is shown, and then up to paging's cap ("1,000+").
    event_count = audit.history_count(petition) if recent.older_than is not None else None
    today = clock.local_today()
    suggestions = duplicates.suggestions_for(petition)
    open_actions, more_actions = arranged_actions(list(action_forms))
    return render_template(
        "backoffice/petition.html",
        petition=petition,
        forms=action_forms,
        titles=ACTION_TITLES,
        open_actions=open_actions,
        more_actions=more_actions,
        previewed={name for name, action in STAFF_ACTIONS.items() if action.previewed},
        failed=failed[0] if failed else None,
        events=recent.events,
        event_count=event_count,
        today=today,
        due=due_status(petition, today),
        rule=DeadlineRule.from_code(petition.deadline_rule),
        exchange=services.material_exchange(petition),
        merged_from=db.session.scalars(
            select(Petition).where(Petition.merged_into_id == petition.id)
        ).all(),
        notices=documents.notices_of(petition),
        suggestions=suggestions,
        repeats_pending=not suggestions and duplicates.is_queued(petition),
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


@bp.route("/petitions/<string:number>/history")
@roles_required(*PETITION_STAFF)  # the petition page's guard: whoever may open it, no one else
def show_petition_history(number: str):
    """The petition's whole audit trail, newest first, a page at a time, each page starting
    before an event's chain number. A `before` that is not a whole number from 1 to 2**62 shows
    the first page (never an error); one that numbers no event pages by number."""
    petition = get_petition(number)
    before = params.bounded_int(request.args.get("before"), high=2**62)
    return render_template(
        "backoffice/petition_history.html",
        petition=petition,
        page=audit.history_page(petition, before=before, per_page=HISTORY_PAGE_EVENTS),
        is_first_page=before is None,
    )


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
    if staff_action.previewed and "back" in request.form:
        return render_petition(petition, (action, form))  # back to edit, as it was typed
    try:
        if staff_action.previewed:
            preview = previews.make_and_show(lambda: staff_action.run(petition, current_user, form))
        else:
            staff_action.run(petition, current_user, form)
    except (workflow.InvalidTransition, services.SubmissionError) as error:
        db.session.rollback()
        petition = get_petition(number)
        form.form_errors.append(str(error))
        status = 403 if getattr(error, "forbidden", False) else 409
        return render_petition(petition, (action, form), status)
    if staff_action.previewed:
        confirmed = request.form.get("confirm_digest")
        if confirmed is None or confirmed != preview.digest:
            changed = confirmed is not None
            page = render_template(
                "backoffice/confirm_reply.html",
                petition=petition,
                action=action,
                title=ACTION_TITLES[action],
                form=form,
                preview=preview,
                changed=changed,
            )
            db.session.rollback()  # a preview: nothing is kept, nothing is sent
            return page, 409 if changed else 200
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


# ---- standard wordings of notices (wording.py) -----------------------------------------------
# The administrator keeps them; every change is audited. The petition page fills them in.


@bp.route("/notice-wordings")
@roles_required(Role.ADMIN)
def list_notice_wordings():
    return render_template(
        "backoffice/wordings.html",
        kinds=list(WordingKind),
        wordings={
            (kind, language): wording.wording(kind, language)
            for kind in WordingKind
            for language in wording.LANGUAGES
        },
        customised={
            (kind, language)
            for kind in WordingKind
            for language in wording.LANGUAGES
            if wording.is_customised(kind, language)
        },
    )


@bp.route("/notice-wordings/<string:kind>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_notice_wording(kind: str):
    if kind not in set(WordingKind):
        abort(404)
    kind = WordingKind(kind)
    form = forms.NoticeWordingForm()
    if request.method == "GET":
        for language in wording.LANGUAGES:
            form[language].data = wording.wording(kind, language)
    if form.validate_on_submit():
        changed = wording.save_wording(
            kind, {language: form[language].data for language in wording.LANGUAGES}, current_user
        )
        db.session.commit()
        if changed:
            flash(_("The wording of “%(kind)s” is saved.", kind=kind.label), "success")
        else:
            flash(_("Nothing changed in the wording of “%(kind)s”.", kind=kind.label), "info")
        return redirect(url_for(".list_notice_wordings"))
    return render_template(
        "backoffice/wording.html",
        form=form,
        kind=kind,
        placeholders=wording.PLACEHOLDERS,
        defaults=wording.DEFAULTS[kind],
    ), 400 if form.errors else 200
