"""The transparency figures in the open data API: GET /api/v1/statistics[?year=YYYY].

The same figures as the transparency page and its CSV (reports.public_json), as JSON, described
in openapi.py. It answers like every part of /api/v1 (portal/core/api.py): errors in JSON (400
with the reason for a bad year), cacheable (the app factory names this blueprint so).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.core import clock
from portal.core.api import PREFIX, answer_errors_in_json, describe
from portal.core.pagecache import public_page
from portal.extensions import csrf
from portal.statistics import openapi, queries, reports
from portal.statistics.models import TOPIC
from portal.statistics.views import requested_scope

bp = Blueprint("statistics_api", __name__, url_prefix=f"{PREFIX}/statistics")
csrf.exempt(bp)  # read-only: nothing to forge
answer_errors_in_json(bp)
describe(openapi.PATHS, **openapi.COMPONENTS)


@bp.route("")
@public_page(TOPIC, daily=True)
def public_statistics():
    today = clock.local_today()
    scope, year = requested_scope(request.args, today)
    return jsonify(reports.public_json(queries.public_figures(scope, today), year))
