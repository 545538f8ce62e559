"""The holiday and make-up working day calendar, for administrators."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.calendar import services
from portal.calendar.forms import CalendarDayForm
from portal.core import clock, params
from portal.core.forms import PortalForm
from portal.core.i18n import gettext as _
from portal.core.permissions import Role, roles_required
from portal.extensions import db

bp = Blueprint("calendar_admin", __name__, url_prefix="/staff/calendar")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_calendar():
    year = params.lenient(
        params.int_arg, request.args, "year", low=2000, high=2100, default=clock.local_today().year
    )
    form = CalendarDayForm()
    if form.validate_on_submit():
        services.set_day(form.day.data, form.kind.data, form.name.data, actor=current_user)
        db.session.commit()
        flash(
            _(
                "Saved %(day)s. Deadlines already set on petitions do not change.",
                day=form.day.data.isoformat(),
            ),
            "success",
        )
        return redirect(url_for(".edit_calendar", year=form.day.data.year))
    return render_template(
        "calendar/edit.html",
        form=form,
        delete_form=PortalForm(),
        year=year,
        days=services.days_in_year(year),
    ), 400 if form.errors else 200


@bp.route("/<string:day>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_day(day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        parsed = None
    if parsed and PortalForm().validate_on_submit():
        services.remove_day(parsed, actor=current_user)
        db.session.commit()
        flash(_("Removed %(day)s.", day=parsed.isoformat()), "success")
    return redirect(url_for(".edit_calendar", year=parsed.year if parsed else None))
