"""Public pages: important case information, legal documents, search."""

from flask import Blueprint

bp = Blueprint("disclosure", __name__)
