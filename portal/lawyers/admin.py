"""Back office: verifying lawyers and reviewing case bindings."""

from flask import Blueprint

bp = Blueprint("lawyers_admin", __name__, url_prefix="/staff/lawyers")
