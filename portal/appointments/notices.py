"""What people are told about a booking, in the portal's default language (they chose no
other), queued in the outbox in the caller's transaction: the lawyer by e-mail; the
reception-day visitor, who leaves a mobile number and no e-mail address, by SMS when a closure
or a withdrawn rota day cancels the visit (the closure page also lists them for staff to call).
Times read as on the pages (core/i18n.format_time_range): `12月2日（周三）09:30–10:00`.
When to tell is decided in services.py.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from portal.appointments.models import Booking, BookingState, Service
from portal.core import mail, sms
from portal.core.i18n import format_time_range
from portal.core.i18n import gettext as _
from portal.core.urls import public_url

VISIT_CANCELLED = "visit_cancelled"  # the SMS kind (its template in SMS_TEMPLATES)


def tell_lawyer(booking: Booking) -> None:
    """E-mail the lawyer the booking's new state: confirmed, declined (with the reason) or
    cancelled by a closure (with the reason). Nothing for a visitor's booking."""
    if booking.lawyer is None:
        return
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        when = format_time_range(booking.slot.starts_at, booking.slot.ends_at)
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


def tell_visitor_cancelled(booking: Booking) -> None:
    """SMS the reception-day visitor that the visit is cancelled, why, and whom to call.
    Nothing for a lawyer's booking."""
    if not booking.is_reception_visit:
        return
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        values = {
            "reference": booking.reference,
            "when": format_time_range(booking.slot.starts_at, booking.slot.ends_at),
            "reason": booking.cancel_reason,
            "phone": config["SERVICE_CENTRE_PHONE"],
        }
        text = _(
            "Your reception-day visit %(reference)s (%(when)s) is cancelled: %(reason)s "
            "Please call %(phone)s to arrange another day.",
            **values,
        )
    sms.enqueue(booking.visitor_mobile, VISIT_CANCELLED, values, text)
