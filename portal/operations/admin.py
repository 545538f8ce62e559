"""The outbox page: given-up and stuck messages, for administrators to see and retry; and the
whole audit trail, filtered, for administrators to read.

Administrators only: the page shows citizens' (partly masked) addresses and the subjects of
what they were told, and retrying is an operator's decision about the mail server, not part of
any caseworker's task.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from portal.accounts import queries as accounts
from portal.core import audit, clock, outbox, params
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.core.permissions import Role, roles_required
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.operations import queries, services

bp = Blueprint("operations_admin", __name__, url_prefix="/staff")


@bp.route("/outbox/")
@roles_required(Role.ADMIN)
def list_outbox():
    """Messages needing attention; with ?show=sent the latest sent, with what the mail server
    or SMS gateway answered (its message id), for tracing one a citizen says never came."""
    show_sent = request.args.get("show") == "sent"
    page_number = params.page_arg(request.args)
    return render_template(
        "operations/outbox.html",
        page=queries.sent_messages(page_number)
        if show_sent
        else queries.messages_needing_attention(page_number),
        show_sent=show_sent,
        health=queries.health(),
        mask=outbox.masked_recipient,
        DEAD=outbox.OutboxState.DEAD,
        SENT=outbox.OutboxState.SENT,
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@roles_required(Role.ADMIN)
def retry_message(message_id: int):
    message = db.session.get(outbox.OutboxMessage, message_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            outbox.retry(message, current_user)
        except InvalidTransition as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The message will be sent again at the next run."), "success")
    return redirect(url_for(".list_outbox"))


@bp.route("/outbox/retry-all", methods=["POST"])
@roles_required(Role.ADMIN)
def retry_all():
    if ConfirmForm().validate_on_submit():
        count = services.retry_all_dead(current_user)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d message will be sent again at the next run.",
                "%(num)d messages will be sent again at the next run.",
                count,
            ),
            "success",
        )
    return redirect(url_for(".list_outbox"))


@bp.route("/audit-trail")
@roles_required(Role.ADMIN)
def audit_trail():
    """Every audit event, newest first, narrowed by dates (local days), event type, who acted
    and what it is about. Administrators only: the trail names every member of staff's steps."""
    args = request.args
    since = params.lenient(params.date_arg, args, "from", **params.DAYS)
    until = params.lenient(params.date_arg, args, "to", **params.DAYS)
    actor = args.get("actor", "")
    wanted = audit.TrailFilter(
        since=clock.start_of_local_day(since) if since else None,
        until=clock.start_of_local_day(until + timedelta(days=1)) if until else None,
        code=params.lenient(params.choice_arg, args, "type", audit.CATALOGUE),
        actor_kind=actor if actor in audit.ACTOR_KINDS and actor != audit.ACTOR_STAFF else None,
        actor_id=params.bounded_int(actor),
        subject_kind=params.lenient(params.choice_arg, args, "subject_kind", audit.SUBJECT_KINDS),
        subject_id=params.lenient(params.text_arg, args, "subject_id", max_length=40),
    )
    before = params.bounded_int(args.get("before"), high=2**62)
    filters = {
        name: args[name]
        for name in ("from", "to", "type", "actor", "subject_kind", "subject_id")
        if args.get(name)
    }
    return render_template(
        "operations/audit_trail.html",
        page=audit.trail_page(wanted, before=before),
        filters=filters,
        since=since,
        until=until,
        event_types=sorted(audit.CATALOGUE.items(), key=lambda item: str(item[1].label)),
        subject_kinds=sorted(audit.SUBJECT_KINDS.items(), key=lambda item: str(item[1].label)),
        staff=accounts.every_staff_member(),
        is_first_page=before is None,
    )
