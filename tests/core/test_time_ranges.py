"""Appointment times read one way everywhere (core/i18n.format_time_range): `12月2日（周三）
09:30–10:00` in Chinese and `Wed 2 Dec, 09:30–10:00` in English, in the procuratorate's zone,
with no seconds and no time-zone name, the year only when it is not this year's."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core import clock, i18n

ZH = re.compile(
    r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日（周[一二三四五六日]）(\d\d:\d\d)–(\d\d:\d\d)"
)
EN = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) ([A-Z][a-z]{2})(?: (\d{4}))?, (\d\d:\d\d)–(\d\d:\d\d)"
)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
starts = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31))
offsets = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=13))])
lengths = st.integers(min_value=5, max_value=240)
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def _slot(start, offset, minutes):
    """A slot of `minutes` that ends on the day it starts (in the portal's zone), as slots do."""
    local = start.replace(tzinfo=clock.zone())
    local = local.replace(hour=min(local.hour, 19))
    return local.astimezone(offset), (local + timedelta(minutes=minutes)).astimezone(offset)


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
@settings(max_examples=80, deadline=None)
@given(start=starts, offset=offsets, minutes=lengths, today=todays)
def test_a_slot_reads_as_its_local_day_and_times(app, locale, start, offset, minutes, today):
    starts_at, ends_at = _slot(start, offset, minutes)
    local_start, local_end = starts_at.astimezone(clock.zone()), ends_at.astimezone(clock.zone())
    with app.test_request_context("/"), force_locale(locale):
        text = i18n.format_time_range(starts_at, ends_at, today=today)
    assert "中国标准时间" not in text and "GMT" not in text and "CST" not in text
    if locale == "en":
        weekday, day, month, year, begin, end = EN.fullmatch(text).groups()
        assert weekday == local_start.strftime("%a")
        assert MONTHS.index(month) + 1 == local_start.month
    else:
        year, month, day, begin, end = ZH.fullmatch(text).groups()
        assert int(month) == local_start.month
    assert int(day) == local_start.day
    assert (year is None) == (local_start.year == today.year)
    assert year is None or int(year) == local_start.year
    assert (begin, end) == (f"{local_start:%H:%M}", f"{local_end:%H:%M}")


def test_the_examples_of_the_issue(app):
    start = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
    end = start + timedelta(minutes=30)
    with app.test_request_context("/"), clock.frozen(datetime(2026, 11, 30, tzinfo=UTC)):
        with force_locale("zh_Hans_CN"):
            assert i18n.format_time_range(start, end) == "12月2日（周三）09:30–10:00"
            assert i18n.format_day(date(2027, 1, 6)) == "2027年1月6日（周三）"
            assert i18n.format_month(date(2026, 12, 1)) == "2026年12月"
        with force_locale("en"):
            assert i18n.format_time_range(start, end) == "Wed 2 Dec, 09:30–10:00"
            assert i18n.format_times(start, end) == "09:30–10:00"


def test_a_naive_value_is_utc_as_the_database_hands_it_back(app):
    with app.test_request_context("/"), force_locale("zh_Hans_CN"):
        naive = datetime(2026, 12, 1, 16, 30)  # 00:30 on 2 December in Beijing
        text = i18n.format_time_range(naive, naive + timedelta(hours=1), today=date(2026, 1, 1))
    assert text == "12月2日（周三）00:30–01:30"


def test_a_range_over_midnight_names_both_days(app):
    start = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 23:00 in Beijing
    with app.test_request_context("/"), force_locale("en"):
        text = i18n.format_time_range(start, start + timedelta(hours=2), today=date(2026, 1, 1))
    assert text == "Wed 2 Dec, 23:00 – Thu 3 Dec, 01:00"


def test_a_message_built_before_the_language_is_known_reads_in_the_pages(app):
    start = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)
    later = i18n.TimeRange(start, start + timedelta(minutes=30))
    with app.test_request_context("/"), clock.frozen(start):
        with force_locale("en"):
            assert str(later) == "Wed 2 Dec, 09:30–10:00"
        with force_locale("zh_Hans_CN"):
            assert str(later) == "12月2日（周三）09:30–10:00"
