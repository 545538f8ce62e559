"""Back office: the day's and week's schedule per place, check-in and no-shows, confirming and
declining, the reception-day list and rota, closures, and (for administrators) places and
opening hours.

Clerks and handlers run appointments; leaders may look; administrators configure places and
hours. Closures and the reception rota may be set by those who run appointments and by
administrators. Each view's
roles are its guard below (templates ask `can_open`); which action a booking offers is the
transition table in workflow.py. These views only parse the form, call services.py (the rules,
the changes and their audit events) or queries.py (the lists), flash and redirect; the request
commits once here.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from portal.appointments import availability, queries, services, workflow
from portal.appointments.forms import (
    WEEKDAYS,
    CancelRotaDayForm,
    ClosureForm,
    DeclineForm,
    HoursForm,
    PlaceForm,
    RotaDayForm,
)
from portal.appointments.models import Place, Service
from portal.appointments.workflow import BOOKING_STAFF, SCHEDULE_VIEWERS
from portal.core import audit, clock, params
from portal.core.forms import PortalForm
from portal.core.i18n import format_day
from portal.core.i18n import gettext as _
from portal.core.permissions import Role, is_safe_next, roles_required
from portal.core.workflow import InvalidTransition
from portal.extensions import db

bp = Blueprint("appointments_admin", __name__, url_prefix="/staff/appointments")

CLOSURE_STAFF = (*BOOKING_STAFF, Role.ADMIN)


def _day() -> date:
    """The day asked for in the query string, else today."""
    return params.lenient(
        params.date_arg, request.args, "day", **params.DAYS, default=clock.local_today()
    )


def _place(places, raw) -> Place | None:
    """The place asked for in the query string, else the first one."""
    try:
        wanted = int(raw) if raw else None
    except ValueError:
        wanted = None
    return next((p for p in places if p.id == wanted), places[0] if places else None)


def _allowed_actions(booking):
    return workflow.allowed_actions(booking, current_user)


@bp.route("/")
@roles_required(*SCHEDULE_VIEWERS)
def day_schedule():
    places = queries.all_places()
    place = _place(places, request.args.get("place"))
    day = _day()
    bookings = queries.bookings_between(place, day, day)
    return render_template(
        "appointments/admin/day.html",
        places=places,
        place=place,
        day=day,
        bookings=bookings,
        held=[b for b in bookings if b.state.holds_place],
        allowed_actions=_allowed_actions,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
    )


@bp.route("/week")
@roles_required(*SCHEDULE_VIEWERS)
def week_schedule():
    places = queries.all_places()
    place = _place(places, request.args.get("place"))
    start = _day()
    start -= timedelta(days=start.weekday())
    days = [start + timedelta(days=i) for i in range(7)]
    by_day = {d: [] for d in days}
    for booking in queries.bookings_between(place, days[0], days[-1]):
        by_day[clock.local_date(booking.slot.starts_at)].append(booking)
    return render_template(
        "appointments/admin/week.html",
        places=places,
        place=place,
        days=days,
        by_day=by_day,
        calendar=availability.load_calendar(days[0], days=7),
        prev_week=days[0] - timedelta(days=7),
        next_week=days[0] + timedelta(days=7),
    )


@bp.route("/reception-day")
@roles_required(*SCHEDULE_VIEWERS)
def reception_list():
    places = availability.places_offering(Service.RECEPTION_DAY)
    place = _place(places, request.args.get("place"))
    day = _day()
    return render_template(
        "appointments/admin/reception.html",
        places=places,
        place=place,
        day=day,
        bookings=queries.bookings_between(place, day, day, Service.RECEPTION_DAY.value),
        allowed_actions=_allowed_actions,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
    )


# ---- one booking -----------------------------------------------------------------------------


def get_booking(booking_id: int):
    return queries.get_booking(booking_id) or abort(404)


def render_booking(booking, decline_form=None, status=200):
    return render_template(
        "appointments/admin/booking.html",
        booking=booking,
        form=decline_form or DeclineForm(prefix="decline"),
        allowed=workflow.allowed_actions(booking, current_user),
        events=audit.history(booking),
    ), status


@bp.route("/bookings/<int:booking_id>")
@roles_required(*SCHEDULE_VIEWERS)
def show_booking(booking_id: int):
    return render_booking(get_booking(booking_id))


def _act(booking_id: int, run, done_message):
    booking = get_booking(booking_id)
    if not PortalForm().validate_on_submit():
        abort(400)
    try:
        run(booking, current_user)
    except InvalidTransition as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_booking(get_booking(booking_id), status=403 if error.forbidden else 409)
    db.session.commit()
    flash(done_message(booking), "success")
    back = request.form.get("back")
    return redirect(back if is_safe_next(back) else url_for(".show_booking", booking_id=booking.id))


@bp.route("/bookings/<int:booking_id>/confirm", methods=["POST"])
@roles_required(*BOOKING_STAFF)
def confirm_booking(booking_id: int):
    return _act(
        booking_id,
        services.confirm,
        lambda b: _("Booking %(reference)s confirmed.", reference=b.reference),
    )


@bp.route("/bookings/<int:booking_id>/check-in", methods=["POST"])
@roles_required(*BOOKING_STAFF)
def check_in_booking(booking_id: int):
    return _act(
        booking_id,
        services.check_in,
        lambda b: _("%(reference)s checked in.", reference=b.reference),
    )


@bp.route("/bookings/<int:booking_id>/no-show", methods=["POST"])
@roles_required(*BOOKING_STAFF)
def no_show_booking(booking_id: int):
    return _act(
        booking_id,
        services.record_no_show,
        lambda b: _("%(reference)s recorded as a no-show.", reference=b.reference),
    )


@bp.route("/bookings/<int:booking_id>/decline", methods=["POST"])
@roles_required(*BOOKING_STAFF)
def decline_booking(booking_id: int):
    booking = get_booking(booking_id)
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        return render_booking(booking, form, 400)
    try:
        services.decline(booking, current_user, reason=form.reason.data)
    except InvalidTransition as error:
        db.session.rollback()
        form.reason.errors = [str(error)]
        return render_booking(get_booking(booking_id), form, 403 if error.forbidden else 409)
    db.session.commit()
    flash(_("Booking %(reference)s declined.", reference=booking.reference), "success")
    return redirect(url_for(".show_booking", booking_id=booking.id))


# ---- closures --------------------------------------------------------------------------------


def closure_form(*, empty: bool = False):
    form = ClosureForm(formdata=None) if empty else ClosureForm()
    form.place.choices = [SelectChoice("", _("Every place"))] + [
        SelectChoice(str(p.id), p.name) for p in queries.all_places()
    ]
    return form


@bp.route("/closures", methods=["GET", "POST"])
@roles_required(*CLOSURE_STAFF)
def closures():
    form = closure_form()
    result = None
    status = 200
    if form.validate_on_submit():
        starts_at, ends_at = services.closure_period(
            form.day_from.data, form.day_to.data, form.time_from.data, form.time_to.data
        )
        try:
            result = services.close(
                current_user,
                place_id=int(form.place.data) if form.place.data else None,
                service=form.service.data or None,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=form.reason.data,
            )
        except InvalidTransition as error:
            db.session.rollback()
            getattr(form, error.field or "reason").errors = [str(error)]
            status = 409
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Closed. %(num)d booking cancelled; the lawyer is e-mailed the reason.",
                    "Closed. %(num)d bookings cancelled; the lawyers are e-mailed the reason.",
                    len(result.cancelled),
                ),
                "success",
            )
            form = closure_form(empty=True)
    elif form.errors:
        status = 400
    return render_template(
        "appointments/admin/closures.html",
        form=form,
        result=result,
        closures=queries.recent_closures(),
    ), status


# ---- the reception rota ----------------------------------------------------------------------


def rota_form(*, empty: bool = False):
    form = RotaDayForm(formdata=None) if empty else RotaDayForm()
    form.place.choices = [SelectChoice("", _("Choose a place"))] + [
        SelectChoice(str(p.id), p.name) for p in queries.all_places() if p.is_active
    ]
    return form


def render_rota(form, cancel_form=None, cancelling: int | None = None, result=None, status=200):
    rota = queries.rota_from(clock.local_today())
    return render_template(
        "appointments/admin/rota.html",
        form=form,
        cancel_form=cancel_form or CancelRotaDayForm(prefix="cancel"),
        cancelling=cancelling,
        rota=rota,
        free=_free_places(rota),
        result=result,
    ), status


def _free_places(rota) -> dict[int, int]:
    """Places left on each standing rota day (the same count the public page shows)."""
    free = {}
    for rota_day in rota:
        if rota_day.is_standing:
            views = availability.availability(
                rota_day.place_id, Service.RECEPTION_DAY, rota_day.day, 1
            )
            free[rota_day.id] = sum(v.free for v in views.get(rota_day.day, []))
    return free


@bp.route("/rota", methods=["GET", "POST"])
@roles_required(*CLOSURE_STAFF)
def rota():
    form = rota_form()
    if not form.validate_on_submit():
        # ?cancel=<id> opens the form that withdraws that day (a link per day, no script).
        cancelling = params.lenient(params.int_arg, request.args, "cancel", low=1, high=2**31 - 1)
        return render_rota(form, cancelling=cancelling, status=400 if form.errors else 200)
    try:
        rota_day = services.publish_rota_day(
            current_user,
            place_id=int(form.place.data),
            day=form.day.data,
            leader_name=form.leader_name.data,
            leader_title=form.leader_title.data,
            start_time=form.start_time.data,
            end_time=form.end_time.data,
            slot_minutes=form.slot_minutes.data,
            capacity=form.capacity.data,
        )
    except InvalidTransition as error:
        db.session.rollback()
        getattr(form, error.field if error.field in form else "day").errors = [str(error)]
        return render_rota(form, status=409)
    db.session.commit()
    flash(
        _(
            "Reception day %(day)s published: citizens can book it now.",
            day=format_day(rota_day.day),
        ),
        "success",
    )
    return redirect(url_for(".rota"))


@bp.route("/rota/<int:rota_day_id>/cancel", methods=["POST"])
@roles_required(*CLOSURE_STAFF)
def cancel_rota_day(rota_day_id: int):
    rota_day = queries.get_rota_day(rota_day_id) or abort(404)
    cancel_form = CancelRotaDayForm(prefix="cancel")
    if not cancel_form.validate_on_submit():
        return render_rota(rota_form(empty=True), cancel_form, rota_day_id, status=400)
    try:
        result = services.cancel_rota_day(rota_day, current_user, reason=cancel_form.reason.data)
    except InvalidTransition as error:
        db.session.rollback()
        cancel_form.reason.errors = [str(error)]
        return render_rota(rota_form(empty=True), cancel_form, rota_day_id, status=409)
    db.session.commit()
    flash(
        ngettext(
            "Reception day cancelled. %(num)d visit cancelled; the visitor is sent an SMS.",
            "Reception day cancelled. %(num)d visits cancelled; each visitor is sent an SMS.",
            len(result.cancelled),
        ),
        "success",
    )
    return render_rota(rota_form(empty=True), result=result)


# ---- places and opening hours (administrators) -----------------------------------------------


@bp.route("/places", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def places():
    form = PlaceForm()
    if form.validate_on_submit():
        try:
            place = services.add_place(
                current_user,
                name=form.name.data,
                address=form.address.data,
                is_active=form.is_active.data,
            )
        except InvalidTransition as error:
            db.session.rollback()
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Place saved. Now add its opening hours."), "success")
            return redirect(url_for(".edit_place", place_id=place.id))
    return render_template(
        "appointments/admin/places.html", form=form, places=queries.all_places()
    ), 400 if form.errors else 200


@bp.route("/places/<int:place_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_place(place_id: int):
    place = queries.get_place(place_id) or abort(404)
    form = PlaceForm(prefix="place", obj=place)
    hours_form = HoursForm(prefix="hours")
    status = 200
    if request.method == "POST" and "place-name" in request.form:
        if form.validate_on_submit():
            try:
                services.update_place(
                    place,
                    current_user,
                    name=form.name.data,
                    address=form.address.data,
                    is_active=form.is_active.data,
                )
            except InvalidTransition as error:
                db.session.rollback()
                place = queries.get_place(place_id)
                form.name.errors = [str(error)]
            else:
                db.session.commit()
                flash(_("Changes saved."), "success")
                return redirect(url_for(".edit_place", place_id=place.id))
        status = 400
    elif request.method == "POST":
        if hours_form.validate_on_submit():
            services.add_hours(
                place,
                current_user,
                service=hours_form.service.data,
                weekday=int(hours_form.weekday.data),
                start_time=hours_form.start_time.data,
                end_time=hours_form.end_time.data,
                slot_minutes=hours_form.slot_minutes.data,
                capacity=hours_form.capacity.data,
            )
            db.session.commit()
            flash(_("Opening hours added."), "success")
            return redirect(url_for(".edit_place", place_id=place.id))
        status = 400
    return render_template(
        "appointments/admin/place.html",
        place=place,
        form=form,
        hours_form=hours_form,
        weekdays=WEEKDAYS,
    ), status


@bp.route("/hours/<int:hours_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_hours(hours_id: int):
    """Bookings already made keep their slots; new slots from these hours are no longer offered."""
    hours = queries.get_opening_hours(hours_id) or abort(404)
    place_id = hours.place_id
    if PortalForm().validate_on_submit():
        services.remove_hours(hours, current_user)
        db.session.commit()
        flash(_("Opening hours removed. Bookings already made stay."), "success")
    return redirect(url_for(".edit_place", place_id=place_id))
