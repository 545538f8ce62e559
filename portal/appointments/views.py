"""Booking pages for lawyers and for citizens (reception day)."""

from flask import Blueprint

bp = Blueprint("appointments", __name__)
