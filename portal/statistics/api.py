"""The transparency figures in the open data API: GET /api/v1/statistics[?year=YYYY].

The same figures as the transparency page and its CSV (reports.public_json), as JSON, errors
included (400 with the reason for a bad year), like the rest of /api/v1 (disclosure/api.py,
described in disclosure/openapi.py).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.core import clock, params
from portal.extensions import csrf
from portal.statistics import queries, reports
from portal.statistics.views import requested_scope

bp = Blueprint("statistics_api", __name__, url_prefix="/api/v1/statistics")
csrf.exempt(bp)  # read-only: nothing to forge


@bp.errorhandler(params.BadParameter)
def bad_parameter(error):
    response = jsonify({"error": {"status": 400, "message": str(error)}})
    response.status_code = 400
    return response


@bp.route("")
def public_statistics():
    today = clock.local_today()
    scope, year = requested_scope(request.args, today)
    return jsonify(reports.public_json(queries.public_figures(scope, today), year))
