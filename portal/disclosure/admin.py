"""Back office for publishers: releases, documents, redaction review, publishing."""

from flask import Blueprint

bp = Blueprint("disclosure_admin", __name__, url_prefix="/staff/disclosure")
