"""Back office for cases: entry, CSV import, per-person query codes."""

from flask import Blueprint

bp = Blueprint("cases_admin", __name__, url_prefix="/staff/cases")
