"""The public transparency page (信访工作公开) and its figures as CSV.

The same for everyone and free of personal data (only counts), so it is cacheable (the app
factory names this blueprint so). The period is a GET parameter, `year` (a calendar year from
the first year with petitions to this one); without it, the last 12 months. A bad value is
answered with the page saying what is allowed (400), never an error page.
"""

from __future__ import annotations

import codecs
import csv
import io

from flask import Blueprint, Response, render_template, request

from portal.core import clock, params
from portal.core.i18n import gettext as _
from portal.core.pagecache import public_page
from portal.statistics import queries, reports
from portal.statistics.models import TOPIC

bp = Blueprint("statistics", __name__)


def requested_scope(args, today):
    """The Scope of `?year=`: a calendar year, or the last 12 months without it. Raises
    params.BadParameter (for the API, in English) when the year is malformed or out of range."""
    year = params.int_arg(args, "year", low=queries.first_year(today), high=today.year)
    if year is None:
        return queries.last_twelve_months(today), None
    return queries.calendar_year(year, today), year


@bp.route("/transparency")
@public_page(TOPIC, daily=True)
def transparency():
    today = clock.local_today()
    status, error = 200, None
    try:
        scope, year = requested_scope(request.args, today)
    except params.BadParameter:
        status, year = 400, None
        scope = queries.last_twelve_months(today)
        error = _(
            "Choose a year from %(first)s to %(last)s, or the last 12 months.",
            first=queries.first_year(today),
            last=today.year,
        )
    figures = queries.public_figures(scope, today)
    page = render_template(
        "statistics/transparency.html",
        figures=figures,
        charts=reports.public_charts(figures),
        year=year,
        years=range(today.year, queries.first_year(today) - 1, -1),
        today=today,
        error=error,
        reach_labels=queries.REACH_LABELS,
        kind_labels=reports.kind_labels(),
        channel_labels=reports.channel_labels(),
    )
    return page, status


@bp.route("/transparency.csv")
@public_page(TOPIC, daily=True)
def transparency_csv():
    today = clock.local_today()
    try:
        scope, year = requested_scope(request.args, today)
    except params.BadParameter as bad:
        return Response(str(bad) + "\n", status=400, mimetype="text/plain")
    records = reports.public_records(queries.public_figures(scope, today))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reports.RECORD_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    name = f"petition-statistics-{year or 'last-12-months'}.csv"
    # UTF-8 with a byte-order mark, so that Excel on a Chinese Windows opens it as UTF-8.
    return Response(
        codecs.BOM_UTF8 + out.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
