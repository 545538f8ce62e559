"""Dates and times on the pages come from core/i18n.py's formatters, which parse the locale's
patterns once; they must read exactly as Flask-Babel's own functions would write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import flask_babel
import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core import i18n

NAMED = ["short", "medium", "long", "full"]
DATETIME_FORMATS = [*NAMED, "yyyy-MM-dd HH:mm", "EEEE HH:mm zzzz"]
DATE_FORMATS = [*NAMED, "yyyy年M月d日 EEEE"]
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)
) | st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31))
# Offsets other than the portal's own zone: a value stored with any offset reads the same.
offsets = st.sampled_from([None, timezone(timedelta(hours=-5)), timezone(timedelta(hours=13))])


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
@settings(max_examples=60, deadline=None)
@given(
    moment=moments,
    offset=offsets,
    datetime_format=st.sampled_from(DATETIME_FORMATS),
    date_format=st.sampled_from(DATE_FORMATS),
)
def test_dates_and_times_read_as_flask_babel_writes_them(
    app, locale, moment, offset, datetime_format, date_format
):
    if offset is not None and moment.tzinfo is not None:
        moment = moment.astimezone(offset)
    with app.test_request_context("/"), force_locale(locale):
        assert i18n.format_datetime(moment, datetime_format) == flask_babel.format_datetime(
            moment, datetime_format
        )
        assert i18n.format_date(moment.date(), date_format) == flask_babel.format_date(
            moment.date(), date_format
        )


def test_a_time_is_shown_in_the_procuratorates_zone_in_each_language(app):
    late_evening_utc = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 00:30 the next day in Beijing
    with app.test_request_context("/"):
        with force_locale("zh_Hans_CN"):
            assert i18n.format_datetime(late_evening_utc, "short") == "2026/12/2 00:30"
        with force_locale("en"):
            assert i18n.format_date(late_evening_utc.date(), "long") == "December 1, 2026"
