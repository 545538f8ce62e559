"""Lawyers' own pages: registration, login, bookings, cases."""

from flask import Blueprint

bp = Blueprint("lawyers", __name__, url_prefix="/lawyer")
