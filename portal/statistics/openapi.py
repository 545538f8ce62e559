"""The open data API's part for the petition statistics (api.py), in the OpenAPI 3 description
that portal/core/api.py assembles and serves at /api/v1/openapi.json.

The figures' schema is made from reports.FIGURE_FIELDS, the names the JSON and the CSV carry, so
that a figure added there without a description here fails at import rather than going
undescribed; every object is closed (`additionalProperties: false`), so the schema checks in
tests/disclosure/test_api*.py also catch a field the JSON carries and the description does not.
The definitions are services.py's, printed on the transparency page.
"""

from __future__ import annotations

from portal.core.api import BAD_REQUEST, json_content, ref
from portal.petitions import queries as petitions
from portal.statistics import reports
from portal.statistics.queries import REACH_LABELS

_COUNTS = {
    "received": "Petitions received in the period (by their date of receipt, Beijing time)",
    "acknowledged_in_time": (
        "Procedural reply (accepted, transferred, not accepted, or handled together with an "
        "earlier petition) sent within 7 days of receipt, the due day included"
    ),
    "acknowledged_late": "Procedural reply sent after the 7 days",
    "acknowledged_overdue": "No procedural reply, and the 7 days are over (counted today)",
    "acknowledged_pending": "No procedural reply yet, still within the 7 days",
    "answered_in_time": (
        "First answer (the result or progress of the handling, a transfer or a non-acceptance) "
        "sent within 3 months of receipt, the due day included"
    ),
    "answered_late": "First answer sent after the 3 months",
    "answer_overdue": "No answer, and the 3 months are over (counted today)",
    "answered_pending": "No answer yet, still within the 3 months",
    "merged": (
        "Handled together with an earlier petition: answered by it, so left out of the 3-month "
        "figures"
    ),
    "graded_satisfied": "Replies the petitioner graded satisfied",
    "graded_basically_satisfied": "Replies the petitioner graded basically satisfied",
    "graded_dissatisfied": "Replies the petitioner graded dissatisfied",
    "overdue_now": "Petitions not finished whose next reply is past its due date today",
}
_COUNTS.update(
    {
        f"received_{channel}": f"Of the petitions received, those that came in by `{channel}`"
        for channel in reports.CHANNELS
    }
)
# Shares in percent with one decimal, null while there is nothing to divide by.
_SHARES = {
    "acknowledged_rate": (
        "acknowledged_in_time as a percentage of acknowledged_in_time + acknowledged_late + "
        "acknowledged_overdue (the petitions whose outcome is known); null when there are none"
    ),
    "answered_rate": (
        "answered_in_time as a percentage of answered_in_time + answered_late + answer_overdue; "
        "null when there are none"
    ),
    "satisfaction_rate": (
        "graded_satisfied + graded_basically_satisfied as a percentage of all graded replies; "
        "null when none was graded"
    ),
}
_AVERAGES = {
    "average_days_to_answer": (
        "Average days from receipt to the first answer, one decimal, over the answered "
        "petitions; null when none was answered"
    ),
}
_MONTH = "^[0-9]{4}-(0[1-9]|1[0-2])$"
_KINDS = [kind.value for kind in petitions.intake_kinds()]


def _figure(name: str) -> dict:
    if name in _SHARES:
        return {
            "type": "number",
            "nullable": True,
            "minimum": 0,
            "maximum": 100,
            "description": _SHARES[name],
        }
    if name in _AVERAGES:
        return {"type": "number", "nullable": True, "minimum": 0, "description": _AVERAGES[name]}
    return {"type": "integer", "minimum": 0, "description": _COUNTS[name]}


def _closed(properties: dict, description: str) -> dict:
    """An object with exactly these properties, all present."""
    return {
        "type": "object",
        "description": description,
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


PATHS = {
    "/statistics": {
        "get": {
            "operationId": "getStatistics",
            "summary": "Petition statistics: the figures of the transparency page",
            "description": (
                "The figures of the public transparency page (/transparency, where the "
                "definitions are printed; the same as its CSV, /transparency.csv): for the "
                "whole period, each month and each kind of petition, the figures of each reach "
                "class. As in the national figures, the rates that count are those of "
                "`reachable`: anonymous petitions and petitioners recorded as unreachable are "
                "counted apart."
            ),
            "parameters": [
                {
                    "name": "year",
                    "in": "query",
                    "description": (
                        "A calendar year, from the first year with petitions to this one (a "
                        "400 otherwise); without it, the last 12 months, this one included"
                    ),
                    "schema": {"type": "integer"},
                }
            ],
            "responses": {
                "200": json_content(ref("schemas", "Statistics"), "The figures of the period"),
                "400": BAD_REQUEST,
            },
        }
    }
}

COMPONENTS = {
    "schemas": {
        "Statistics": _closed(
            {
                "period": _closed(
                    {
                        "year": {
                            "type": "integer",
                            "nullable": True,
                            "description": "The year asked for; null for the last 12 months",
                        },
                        "from": {"type": "string", "pattern": _MONTH, "description": "YYYY-MM"},
                        "to": {"type": "string", "pattern": _MONTH, "description": "YYYY-MM"},
                    },
                    "The months counted, first and last (the current month up to today)",
                ),
                "groups": {
                    "type": "array",
                    "description": "The total first, then each month in order, then each kind",
                    "items": ref("schemas", "StatisticsGroup"),
                },
            },
            "The petition statistics of a period",
        ),
        "StatisticsGroup": _closed(
            {
                "dimension": {"type": "string", "enum": ["total", "month", "kind"]},
                "group": {
                    "type": "string",
                    "pattern": f"^(all|[0-9]{{4}}-(0[1-9]|1[0-2])|{'|'.join(_KINDS)})$",
                    "description": (
                        "`all` for the total, YYYY-MM for a month, the kind's code for a kind"
                    ),
                },
                "figures": _closed(
                    {reach: ref("schemas", "StatisticsFigures") for reach in REACH_LABELS},
                    "The figures of each reach class: petitioners who can be answered, "
                    "anonymous petitions, petitioners recorded as unreachable",
                ),
            },
            "The petitions of the period, of one month, or of one kind",
        ),
        "StatisticsFigures": _closed(
            {name: _figure(name) for name in reports.FIGURE_FIELDS},
            "The figures of one group and reach class",
        ),
    }
}
