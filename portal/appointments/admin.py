"""Back office: opening hours, closures, the day's schedule, check-in."""

from flask import Blueprint

bp = Blueprint("appointments_admin", __name__, url_prefix="/staff/appointments")
