"""What the lawyer is told by e-mail about a booking: the texts, in the portal's default
language (the lawyer chose no other), queued in the outbox in the caller's transaction.

Reception-day visitors leave a mobile number, not an e-mail address: staff call them (the
closure page lists whom), so nothing here writes to them. When to tell is decided in
services.py, which calls `tell_lawyer` after staff confirm or decline and after a closure.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from portal.appointments.models import Booking, BookingState, Service
from portal.core import clock, mail
from portal.core.urls import public_url


def tell_lawyer(booking: Booking) -> None:
    """E-mail the lawyer the booking's new state: confirmed, declined (with the reason) or
    cancelled by a closure (with the reason). Nothing for a visitor's booking."""
    if booking.lawyer is None:
        return
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        when = format_datetime(clock.as_utc(booking.slot.starts_at), "medium")
        values = {
            "name": booking.lawyer.name,
            "reference": booking.reference,
            "service": Service(booking.service).label,
            "when": when,
            "url": public_url("appointments.show_booking", booking_id=booking.id),
        }
        state = booking.state
        if state is BookingState.CONFIRMED:
            subject = _("Appointment %(reference)s confirmed", reference=booking.reference)
            body = _(
                "Dear %(name)s,\n\nyour appointment %(reference)s (%(service)s, %(when)s) is "
                "confirmed. Bring your practising certificate.\n\nDetails: %(url)s\n",
                **values,
            )
        elif state is BookingState.DECLINED:
            subject = _("Appointment %(reference)s declined", reference=booking.reference)
            body = _(
                "Dear %(name)s,\n\nyour appointment %(reference)s (%(service)s, %(when)s) was "
                "declined, for this reason:\n\n%(reason)s\n\nDetails: %(url)s\n",
                reason=booking.decline_reason,
                **values,
            )
        else:
            subject = _("Appointment %(reference)s cancelled", reference=booking.reference)
            body = _(
                "Dear %(name)s,\n\nyour appointment %(reference)s (%(service)s, %(when)s) is "
                "cancelled because we cannot receive you then:\n\n%(reason)s\n\nPlease book "
                "another slot: %(url)s\n",
                reason=booking.cancel_reason,
                **values,
            )
    mail.enqueue(booking.lawyer.email, subject, body)
