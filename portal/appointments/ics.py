"""An iCalendar (RFC 5545) file with one event, for the lawyer's own calendar.

Written by hand: a VCALENDAR with one VEVENT, CRLF line endings (§3.1), lines folded at 75
octets without splitting a UTF-8 character, TEXT values escaped (§3.3.11), times in UTC ("Z",
§3.3.5) and a UID that stays the same when the booking moves, so calendars update the event.
A booking's state maps onto the event's STATUS (§3.8.1.11) in `status_of`.
"""

from __future__ import annotations

from datetime import datetime

from portal.appointments.models import BookingState
from portal.core import clock

CRLF = "\r\n"

# Confirmed (or already attended) bookings are CONFIRMED, ended ones CANCELLED; a booking that
# waits for staff, or whose visitor did not come, stays TENTATIVE.
EVENT_STATUS = {
    BookingState.CONFIRMED: "CONFIRMED",
    BookingState.CHECKED_IN: "CONFIRMED",
    BookingState.CANCELLED: "CANCELLED",
    BookingState.DECLINED: "CANCELLED",
}


def status_of(state: BookingState) -> str:
    return EVENT_STATUS.get(state, "TENTATIVE")


def escape_text(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (continuations start with a space)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation's leading space counts
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return (CRLF + " ").join(out)


def utc(moment: datetime) -> str:
    return clock.as_utc(moment).strftime("%Y%m%dT%H%M%SZ")


def event_calendar(
    *,
    uid: str,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    location: str,
    description: str,
    status: str = "TENTATIVE",
    sequence: int = 0,
) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Sunshine Procuratorate Portal//Appointments//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{utc(clock.now())}",
        f"DTSTART:{utc(starts_at)}",
        f"DTEND:{utc(ends_at)}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{status}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return (CRLF.join(fold(line) for line in lines) + CRLF).encode("utf-8")
