"""The public figures written out: as records with stable names (the API's JSON and the CSV
carry the same), and as the page's two charts. One function per shape, so that the page, the
API and the CSV cannot drift apart."""

from __future__ import annotations

from portal.core.i18n import gettext as _
from portal.petitions import queries as petitions
from portal.statistics import charts
from portal.statistics.queries import REACH_LABELS, REACHABLE, Figures, PublicFigures

CHANNELS = tuple(channel.value for channel in petitions.channels())
FIGURE_FIELDS = (
    "received",
    *(f"received_{channel}" for channel in CHANNELS),
    "acknowledged_in_time",
    "acknowledged_late",
    "acknowledged_overdue",
    "acknowledged_pending",
    "acknowledged_rate",
    "answered_in_time",
    "answered_late",
    "answer_overdue",
    "answered_pending",
    "merged",
    "answered_rate",
    "average_days_to_answer",
    "graded_satisfied",
    "graded_basically_satisfied",
    "graded_dissatisfied",
    "satisfaction_rate",
    "overdue_now",
)
RECORD_FIELDS = ("dimension", "group", "reach", *FIGURE_FIELDS)


def figures_record(figures: Figures) -> dict:
    """A group's figures by their stable names; rates in percent (None: nothing to count yet)."""
    record = {
        "received": figures.received,
        "acknowledged_in_time": figures.acknowledged_in_time,
        "acknowledged_late": figures.acknowledged_late,
        "acknowledged_overdue": figures.ack_overdue,
        "acknowledged_pending": figures.acknowledged_pending,
        "acknowledged_rate": figures.acknowledged_rate,
        "answered_in_time": figures.answered_in_time,
        "answered_late": figures.answered_late,
        "answer_overdue": figures.answer_overdue,
        "answered_pending": figures.answered_pending,
        "merged": figures.merged,
        "answered_rate": figures.answered_rate,
        "average_days_to_answer": figures.average_days_to_answer,
        "graded_satisfied": figures.graded_satisfied,
        "graded_basically_satisfied": figures.graded_basically_satisfied,
        "graded_dissatisfied": figures.graded_dissatisfied,
        "satisfaction_rate": figures.satisfaction_rate,
        "overdue_now": figures.overdue_now,
    }
    for channel in CHANNELS:
        record[f"received_{channel}"] = figures.by_channel.get(channel, 0)
    return record


def _groups(figures: PublicFigures):
    """(dimension, group code, breakdown) for every row the page shows, in its order."""
    yield "total", None, figures.total
    for month in figures.scope.months:
        yield "month", month, figures.by_month
    for kind in petitions.intake_kinds():
        yield "kind", kind.value, figures.by_kind


def _code(group) -> str:
    if group is None:
        return "all"
    return group.strftime("%Y-%m") if hasattr(group, "strftime") else str(group)


def public_records(figures: PublicFigures) -> list[dict]:
    """Every group of the page, for each reach class, as flat records (the CSV's rows)."""
    return [
        {"dimension": dimension, "group": _code(group), "reach": reach}
        | figures_record(breakdown.figures(group, reach))
        for dimension, group, breakdown in _groups(figures)
        for reach in REACH_LABELS
    ]


def public_json(figures: PublicFigures, year: int | None) -> dict:
    """The API's answer: the period, then each group with its figures by reach class."""
    return {
        "period": {
            "year": year,
            "from": _code(figures.scope.first_month),
            "to": _code(figures.scope.last_month),
        },
        "groups": [
            {
                "dimension": dimension,
                "group": _code(group),
                "figures": {
                    reach: figures_record(breakdown.figures(group, reach)) for reach in REACH_LABELS
                },
            }
            for dimension, group, breakdown in _groups(figures)
        ],
    }


def kind_labels() -> dict:
    return {kind.value: kind.label for kind in petitions.intake_kinds()}


def channel_labels() -> dict:
    return {channel.value: channel.label for channel in petitions.channels()}


def public_charts(figures: PublicFigures) -> dict:
    """The page's two charts, as data: URIs, with the words of the reader's language."""
    months = tuple(month.strftime("%Y-%m") for month in figures.scope.months)
    labels = channel_labels()
    received = tuple(
        (
            str(labels[channel]),
            tuple(
                figures.by_month.all_classes(month).by_channel.get(channel, 0)
                for month in figures.scope.months
            ),
        )
        for channel in CHANNELS
    )
    answerable = [figures.by_month.figures(month, REACHABLE) for month in figures.scope.months]
    rates = (
        (_("Procedural reply within 7 days (%)"), tuple(f.acknowledged_rate for f in answerable)),
        (_("Answered within 3 months (%)"), tuple(f.answered_rate for f in answerable)),
    )
    return {
        "received": charts.stacked_bars(
            _("Petitions received by month and channel"), months, received
        ),
        "rates": charts.lines(
            _("Replies in time by month (petitioners who can be answered)"), months, rates
        ),
    }
