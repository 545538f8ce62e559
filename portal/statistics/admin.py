"""The staff statistics page: per handler, kind, channel or month, with filters.

Leaders and administrators: it compares handlers with one another, which is a management view.
Handlers do not open it; their own deadlines are on their "Mine" queue. The filters are GET
parameters, checked (core.params); a bad one is named on the page (400), never a 500. The rows
come from queries.staff_table as (columns, rows); the same rows download as CSV or XLSX
(core/exports.py) through a POST with the filters, recorded in the audit trail.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core import audit, clock, exports, params
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role, roles_required
from portal.deputies import queries as deputies
from portal.statistics import queries, reports

bp = Blueprint("statistics_admin", __name__, url_prefix="/staff/statistics")

STATISTICS_ROLES = (Role.LEADER, Role.ADMIN)

audit.register_event_types(
    {"statistics.exported": audit.EventType(_l("Petition statistics downloaded"))}
)
audit.register_detail_keys(
    ["statistics"],
    {
        "by": audit.DetailKey(_l("Count by"), lambda code: queries.DIMENSIONS[code][1]),
        "from": audit.DetailKey(_l("From month")),
        "to": audit.DetailKey(_l("To month")),
        "kind": audit.DetailKey(_l("Kind"), lambda code: reports.kind_labels()[code]),
        "channel": audit.DetailKey(_l("Channel"), lambda code: reports.channel_labels()[code]),
        "handler": audit.DetailKey(_l("Handler"), lambda code: _handler_name(int(code))),
    },
)


def _handler_name(handler_id: int) -> str:
    return queries.handler_names().get(handler_id) or str(_l("Not assigned"))


def _month_arg(args, name: str, *, low: date, high: date, default: date) -> date:
    """A month written YYYY-MM, between `low` and `high` (first days)."""
    raw = params.text_arg(args, name, max_length=7)
    if raw is None:
        return default
    try:
        year, month = raw.split("-")
        value = date(int(year), int(month), 1)
        if len(year) != 4 or len(month) != 2:
            raise ValueError
    except ValueError:
        raise params.BadParameter(name) from None
    if not low <= value <= high:
        raise params.BadParameter(name)
    return value


def staff_scope(args, today: date):
    """(scope, dimension) from the filters, or BadParameter naming the first bad one."""
    this_month = today.replace(day=1)
    first = date(queries.first_year(today), 1, 1)
    default = queries.last_twelve_months(today)
    first_month = _month_arg(args, "from", low=first, high=this_month, default=default.first_month)
    last_month = _month_arg(args, "to", low=first, high=this_month, default=this_month)
    if last_month < first_month:
        raise params.BadParameter("to")
    handler = params.int_arg(args, "handler", low=0, high=2**31 - 1)
    scope = queries.Scope(
        first_month,
        last_month,
        kind=params.choice_arg(args, "kind", reports.kind_labels()),
        channel=params.choice_arg(args, "channel", reports.CHANNELS),
        handler_id=handler,
    )
    dimension = params.choice_arg(args, "by", queries.DIMENSIONS) or "handler"
    return scope, dimension


FILTER_MESSAGES = {
    "from": lambda: _("Enter the first month as YYYY-MM, not before the first petition."),
    "to": lambda: _(
        "Enter the last month as YYYY-MM, not before the first month or after this one."
    ),
    "kind": lambda: _("Choose a kind from the list."),
    "channel": lambda: _("Choose a channel from the list."),
    "handler": lambda: _("Choose a handler from the list."),
    "by": lambda: _("Choose what to count by from the list."),
}


@bp.route("/")
@roles_required(*STATISTICS_ROLES)
def show_statistics():
    today = clock.local_today()
    status, error = 200, None
    try:
        scope, dimension = staff_scope(request.args, today)
    except params.BadParameter as bad:
        name = str(bad).split(" ", 1)[0]
        error = FILTER_MESSAGES.get(name, FILTER_MESSAGES["by"])()
        status = 400
        scope, dimension = queries.last_twelve_months(today), "handler"
    columns, rows = queries.staff_table(scope, dimension, today)
    return (
        render_template(
            "statistics/staff.html",
            columns=columns,
            rows=rows,
            scope=scope,
            dimension=dimension,
            dimensions=queries.DIMENSIONS,
            handlers=queries.handler_names(),
            kind_labels=reports.kind_labels(),
            channel_labels=reports.channel_labels(),
            args=request.args,
            error=error,
            export_form=exports.ExportForm(),
            filter_names=FILTER_MESSAGES,
            deputy_rates=deputies.monthly_rates(scope.first_month, scope.last_month, today),
            deputy_target=current_app.config["DEPUTY_TARGET_PERCENT"],
        ),
        status,
    )


@bp.route("/export", methods=["POST"])
@roles_required(*STATISTICS_ROLES)
def export_statistics():
    """The table on the page, with the filters it was shown with (hidden fields, checked again
    here as the page checks its query string), as CSV or XLSX. Aggregates only: no petitioner's
    data is in them."""
    today = clock.local_today()
    try:
        scope, dimension = staff_scope(request.form, today)
    except params.BadParameter:
        abort(400)
    filters = {
        "by": dimension,
        "from": scope.first_month.strftime("%Y-%m"),
        "to": scope.last_month.strftime("%Y-%m"),
        "kind": scope.kind,
        "channel": scope.channel,
        "handler": scope.handler_id,
    }
    form = exports.ExportForm()
    if not form.validate_on_submit():
        for message in [*form.form_errors, *form.file_format.errors]:
            flash(str(message), "error")
        shown = {key: value for key, value in filters.items() if value is not None}
        return redirect(url_for(".show_statistics", **shown))
    columns, rows = queries.staff_table(scope, dimension, today)
    table = exports.Table(
        name=f"petition-statistics-by-{dimension}",
        columns=[exports.Column(key, label) for key, label in columns],
        rows=rows,
    )
    return exports.respond(
        table,
        form.file_format.data,
        actor=current_user,
        audit_code="statistics.exported",
        detail=filters,
    )
