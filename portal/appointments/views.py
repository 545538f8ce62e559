"""Booking pages for lawyers (under /lawyer/bookings, behind `lawyer_required`) and for
citizens (the reception day, without an account).

Booking is day first, for phones, in two steps: a compact month calendar (a server-rendered
table) where each day with free places is a link saying how many; then, for the chosen day
only, its free times as radio buttons and the fields (with a link back to the month). Plain links and one form: the page works without JavaScript,
by keyboard and with a screen reader, and a phone never lists a week of slots. The rules of the
booking (until when it can be changed online, the number to call after that) are shown before
the first field.

These views only parse the form, call services.py (the booking rules) or queries.py, flash and
redirect or render; the request commits once here. What a booking page offers comes from the
transition table in workflow.py (`allowed_actions`).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.appointments import availability, ics, queries, services, workflow
from portal.appointments.forms import (
    LAWYER_SERVICE_VALUES,
    BookingForm,
    CancelForm,
    RescheduleForm,
    VisitCancelForm,
    VisitForm,
)
from portal.appointments.models import LAWYER_SERVICES, Booking, Service
from portal.core import clock, codes, params
from portal.core.i18n import format_time_range
from portal.core.i18n import gettext as _
from portal.core.lookups import LookupLocked
from portal.core.permissions import lawyer_required
from portal.core.workflow import InvalidTransition
from portal.extensions import db, limiter

bp = Blueprint("appointments", __name__)


def _int(raw) -> int | None:
    return None if raw is None else params.bounded_int(raw)


def _month_arg(raw: str | None) -> date | None:
    """The first of the month asked for as "2026-12", or None."""
    if not raw or len(raw) != 7:
        return None
    try:
        return date.fromisoformat(f"{raw}-01")
    except ValueError:
        return None


def chooser_context(
    service: Service, place_id: int | None, endpoint: str, *, selected: str | None, **url_args
):
    """What the day-first chooser shows: the month (the one asked for, else the chosen day's,
    else the first with free places), each day's free places from today to the horizon, the
    chosen day (`?day=`, or the day of the slot posted) and its free times, which of them are
    inside the online change cut-off, and for the reception day the rota."""
    config = current_app.config
    places = availability.places_offering(service)
    place = next((p for p in places if p.id == place_id), places[0] if places else None)
    today = clock.local_today()
    horizon = today + timedelta(days=config["BOOKING_HORIZON_DAYS"])
    span = (horizon - today).days + 1
    days = availability.availability(place.id, service, today, span) if place else {}
    free = availability.free_places_by_day(days)

    posted = availability.parse_slot_key(selected)
    chosen = params.lenient(params.date_arg, request.args, "day", low=today, high=horizon)
    if chosen is None and posted is not None and today <= clock.local_date(posted) <= horizon:
        chosen = clock.local_date(posted)
    first_free = next((day for day, places_free in free.items() if places_free), today)
    month = (chosen or _month_arg(request.args.get("month")) or first_free).replace(day=1)
    month = min(max(month, today.replace(day=1)), horizon.replace(day=1))
    times = availability.bookable(days.get(chosen, [])) if chosen else []
    now, cutoff = clock.now(), config["BOOKING_CHANGE_CUTOFF_HOURS"]
    late = {
        view.slot.key
        for view in times
        if service.is_for_lawyers
        and availability.is_inside_change_cutoff(view.slot.starts_at, now, cutoff)
    }

    def url(**args):
        return url_for(
            endpoint,
            service=service.value if service.is_for_lawyers else None,
            place=place.id if place and len(places) > 1 else None,
            **url_args,
            **args,
        )

    def month_url(first):
        return url(month=first.strftime("%Y-%m"))

    previous_month = (month - timedelta(days=1)).replace(day=1)
    next_month = (month + timedelta(days=31)).replace(day=1)
    rota = (
        availability.rota_days(today, horizon, place.id)
        if place and service is Service.RECEPTION_DAY
        else []
    )
    return {
        "service": service,
        "places": places,
        "place": place,
        "month": month,
        "weeks": availability.month_weeks(month),
        "free": free,
        "chosen": chosen,
        "times": times,
        "late": late,
        "selected": selected,
        "day_url": lambda day: url(day=day.isoformat()),
        "change_day_url": month_url(chosen.replace(day=1)) if chosen else None,
        "prev_url": month_url(previous_month) if month > today.replace(day=1) else None,
        "next_url": month_url(next_month) if next_month <= horizon else None,
        "rota": rota,
        "rota_on": {rota_day.day: rota_day for rota_day in rota},
    }


@bp.route("/appointments")
def services_page():
    return render_template("appointments/services.html", services=LAWYER_SERVICES)


# ---- lawyers ---------------------------------------------------------------------------------


@bp.route("/lawyer/bookings/new", methods=["GET", "POST"])
@lawyer_required(verified=True)
def new_booking():
    form = BookingForm()
    raw_service = form.service.data if request.method == "POST" else request.args.get("service")
    service = Service(raw_service) if raw_service in LAWYER_SERVICE_VALUES else Service.FILE_READING
    place_id = _int(form.place.data if request.method == "POST" else request.args.get("place"))
    if request.method == "GET" and request.args.get("case_number"):
        form.case_number.data = request.args["case_number"][:60]
    status = 200
    if form.validate_on_submit():
        try:
            booking = services.book_for_lawyer(
                current_user,
                place_id=place_id,
                service=service,
                starts_at=availability.parse_slot_key(form.slot.data),
                case_number=form.case_number.data,
                note=form.note.data,
                submission_key=form.submission_key.data,
                accepts_late_change=form.accept_late.data,
            )
        except InvalidTransition as error:
            db.session.rollback()
            if error.forbidden:
                abort(403)
            fields = ("slot", "case_number", "accept_late")
            getattr(form, error.field if error.field in fields else "slot").errors = [str(error)]
            status = 409
        else:
            db.session.commit()
            flash(
                _(
                    "Booking %(reference)s requested. It is confirmed when our staff have "
                    "checked it; you see it here and receive an e-mail.",
                    reference=booking.reference,
                ),
                "success",
            )
            return redirect(url_for(".show_booking", booking_id=booking.id))
    elif form.errors:
        status = 400
    context = chooser_context(service, place_id, ".new_booking", selected=form.slot.data)
    form.service.data = service.value
    form.place.data = context["place"].id if context["place"] else ""
    return render_template(
        "appointments/new_booking.html", form=form, lawyer_services=LAWYER_SERVICES, **context
    ), status


def own_booking(booking_id: int) -> Booking:
    """The current lawyer's booking; someone else's is "not found", not "forbidden"."""
    return queries.lawyers_booking(current_user.id, booking_id) or abort(404)


@bp.route("/lawyer/bookings/<int:booking_id>")
@lawyer_required
def show_booking(booking_id: int):
    booking = own_booking(booking_id)
    return render_template(
        "appointments/booking.html",
        booking=booking,
        form=CancelForm(),
        allowed=workflow.allowed_actions(booking, current_user),
        changeable_online=services.is_changeable_online(booking),
    )


@bp.route("/lawyer/bookings/<int:booking_id>/cancel", methods=["POST"])
@lawyer_required
def cancel_booking(booking_id: int):
    booking = own_booking(booking_id)
    form = CancelForm()
    status = 400
    if form.validate_on_submit():
        try:
            services.cancel(booking, current_user, reason=form.reason.data)
        except InvalidTransition as error:
            db.session.rollback()
            booking = own_booking(booking_id)
            form.reason.errors = [str(error)]
            status = 409
        else:
            db.session.commit()
            flash(_("Booking %(reference)s cancelled.", reference=booking.reference), "success")
            return redirect(url_for(".show_booking", booking_id=booking.id))
    return render_template(
        "appointments/booking.html",
        booking=booking,
        form=form,
        allowed=workflow.allowed_actions(booking, current_user),
        changeable_online=services.is_changeable_online(booking),
    ), status


@bp.route("/lawyer/bookings/<int:booking_id>/reschedule", methods=["GET", "POST"])
@lawyer_required(verified=True)
def reschedule_booking(booking_id: int):
    booking = own_booking(booking_id)
    form = RescheduleForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.reschedule(
                booking,
                current_user,
                starts_at=availability.parse_slot_key(form.slot.data),
                accepts_late_change=form.accept_late.data,
            )
        except InvalidTransition as error:
            db.session.rollback()
            booking = own_booking(booking_id)
            field = "accept_late" if error.field == "accept_late" else "slot"
            getattr(form, field).errors = [str(error)]
            status = 409
        else:
            db.session.commit()
            flash(
                _(
                    "Booking %(reference)s moved. It waits for our confirmation again.",
                    reference=booking.reference,
                ),
                "success",
            )
            return redirect(url_for(".show_booking", booking_id=booking.id))
    elif form.errors:
        status = 400
    context = chooser_context(
        booking.service_enum,
        booking.slot.place_id,
        ".reschedule_booking",
        selected=form.slot.data,
        booking_id=booking.id,
    )
    return render_template(
        "appointments/reschedule.html",
        form=form,
        booking=booking,
        changeable_online=services.is_changeable_online(booking),
        **context,
    ), status


@bp.route("/lawyer/bookings/<int:booking_id>/calendar.ics")
@lawyer_required
def booking_ics(booking_id: int):
    booking = own_booking(booking_id)
    slot = booking.slot
    place = slot.place
    host = current_app.config["PUBLIC_BASE_URL"].split("//", 1)[-1].split("/", 1)[0]
    body = ics.event_calendar(
        uid=f"booking-{booking.reference}@{host}",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=_(
            "%(service)s, %(procuratorate)s",
            service=booking.service_enum.label,
            procuratorate=current_app.config["PROCURATORATE_NAME"],
        ),
        location=f"{place.name}, {place.address}",
        description=_(
            "%(when)s. Booking code %(reference)s; case %(case)s.",
            when=format_time_range(slot.starts_at, slot.ends_at),
            reference=booking.reference,
            case=booking.case_number,
        ),
        status=ics.status_of(booking.state),
        sequence=int(clock.as_utc(booking.rescheduled_at).timestamp() // 60)
        if booking.rescheduled_at
        else 0,
    )
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- reception day ---------------------------------------------------------------------------


@bp.route("/reception-day", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_FORM_LIMIT"], methods=["POST"])
def reception_day():
    form = VisitForm()
    place_id = _int(form.place.data if request.method == "POST" else request.args.get("place"))
    status = 200
    if form.validate_on_submit():
        try:
            receipt = services.book_reception_visit(
                place_id=place_id,
                starts_at=availability.parse_slot_key(form.slot.data),
                name=form.name.data,
                mobile=form.mobile.data,
                subject=form.subject.data,
                submission_key=form.submission_key.data,
            )
        except InvalidTransition as error:
            db.session.rollback()
            form.slot.errors = [str(error)]
            status = 409
        else:
            db.session.commit()
            # The POST's own response, never a redirect: the code must not land in a URL.
            response = make_response(
                render_template(
                    "appointments/visit_receipt.html",
                    booking=receipt.booking,
                    cancel_code=codes.format_code(receipt.cancel_code),
                    is_repeat=receipt.is_repeat,
                )
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    elif form.errors:
        status = 400
    context = chooser_context(
        Service.RECEPTION_DAY, place_id, ".reception_day", selected=form.slot.data
    )
    form.place.data = context["place"].id if context["place"] else ""
    return render_template("appointments/reception_day.html", form=form, **context), status


@bp.route("/reception-day/cancel", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOOKUP_LIMIT"], methods=["POST"])
def cancel_visit():
    form = VisitCancelForm()
    status = 200
    if form.validate_on_submit():
        try:
            booking = services.find_visit_for_cancel(form.reference.data, form.cancel_code.data)
        except LookupLocked:
            booking = None
            form.cancel_code.errors = [
                _("Too many wrong attempts for this code. Try again later, or call us.")
            ]
        else:
            if booking is None:
                form.cancel_code.errors = [
                    _("We found no visit with this booking code and cancel code. Check both.")
                ]
        if booking is not None:
            try:
                services.cancel(booking, workflow.VISITOR, reason=form.reason.data)
            except InvalidTransition as error:
                db.session.rollback()
                form.cancel_code.errors = [str(error)]
            else:
                db.session.commit()
                flash(
                    _("Your visit %(reference)s is cancelled.", reference=booking.reference),
                    "success",
                )
                return redirect(url_for(".reception_day"))
        db.session.commit()  # failures count towards the lock
        status = 400
    elif form.errors:
        status = 400
    return render_template("appointments/visit_cancel.html", form=form), status
