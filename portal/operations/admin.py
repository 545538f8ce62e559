"""The outbox page: given-up and stuck messages, for administrators to see and retry.

Administrators only: the page shows citizens' (partly masked) addresses and the subjects of
what they were told, and retrying is an operator's decision about the mail server, not part of
any caseworker's task.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.core import outbox, params
from portal.core.forms import ConfirmForm
from portal.core.permissions import Role, roles_required
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.operations import queries, services

bp = Blueprint("operations_admin", __name__, url_prefix="/staff/outbox")


@bp.route("/")
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


@bp.route("/<int:message_id>/retry", methods=["POST"])
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


@bp.route("/retry-all", methods=["POST"])
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
