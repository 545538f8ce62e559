"""Phone-first booking in a real browser: the reception day and a lawyer's booking, day first
(a compact month), then the day's free times, then the fields. In both languages and both modes
(standard, elderly), on a phone (375 px) and a desktop (1280 px), each booking page held to
tests/browser/looks.py, and on a phone the first field of the booking form within two screens
(2 x 812 px) of the top. The journeys run once per language; the booking page's screenshots are
kept as booking-<language>-<mode>-<screen>."""

from __future__ import annotations

import re

import pytest

from portal.demo import DEMO_LAWYER
from tests.browser.looks import MODES, SCREENS, check_looks, keep_screenshot, open_page
from tests.browser.support import LANGUAGES, exact, h1, texts

pytestmark = pytest.mark.browser

PHONE_HEIGHT = SCREENS["phone"]["viewport"]["height"]
# How far down the booking form's first field is, in CSS pixels from the top of the page.
FIRST_FIELD_TOP = """() => {
  const field = document.querySelector(
    'main form[method=post] input:not([type=hidden]), main form[method=post] select,'
    + 'main form[method=post] textarea');
  return field ? field.getBoundingClientRect().top + window.scrollY : null;
}"""
# A time as the pages write it: 12月2日（周三）09:30–10:00, Wed 2 Dec, 09:30–10:00.
TIME_RANGE = {
    "zh": re.compile(r"(\d{4}年)?\d{1,2}月\d{1,2}日（周[一二三四五六日]）\d\d:\d\d–\d\d:\d\d"),
    "en": re.compile(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}( \d{4})?, \d\d:\d\d–\d\d:\d\d"
    ),
}
NEVER_SHOWN = ("中国标准时间", "China Standard Time", ":00:00")


def log_in_as_lawyer(page) -> None:
    page.goto("/lawyer/login")
    page.locator("#email").fill(DEMO_LAWYER.email)
    page.locator("#password").fill(DEMO_LAWYER.password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def choose_first_free_day(page, nth: int = 0) -> None:
    """Follow the first (or the nth) day of the month calendar that has free places."""
    assert page.locator('input[name="slot"]').count() == 0, "times listed before a day"
    day = page.locator("a.month-day--free").nth(nth)
    if day.count() == 0:  # the month's free days are over: the next month
        page.locator(".month-nav a[rel=next]").click()
        page.wait_for_load_state()
        day = page.locator("a.month-day--free").nth(nth)
    with page.expect_navigation():
        day.click()
    assert page.locator('input[name="slot"]').count() > 0


BOOKING_PAGES = {
    "reception-day": lambda page: page.goto("/reception-day"),
    "lawyer-booking": lambda page: (log_in_as_lawyer(page), page.goto("/lawyer/bookings/new")),
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", list(BOOKING_PAGES))
def test_booking_page_is_accessible_fits_and_puts_the_first_field_within_two_screens(
    new_context, live_server, axe, name, language, mode, screen
):
    page = open_page(new_context, live_server, language=language, mode=mode, screen=screen)
    BOOKING_PAGES[name](page)
    check_looks(axe, page, f"{name}-month", language=language, mode=mode, screen=screen)
    choose_first_free_day(page)
    check_looks(axe, page, name, language=language, mode=mode, screen=screen)
    what = "booking" if name == "reception-day" else "lawyer-booking"
    keep_screenshot(page, f"{what}-{language}-{mode}-{screen}")
    if screen == "phone":
        top = page.evaluate(FIRST_FIELD_TOP)
        assert top is not None and top <= 2 * PHONE_HEIGHT, (
            f"{name} ({language}, {mode}): the first field is {top:.0f}px down, "
            f"more than two screens ({2 * PHONE_HEIGHT}px)"
        )
    text = page.locator("main").inner_text()
    assert not any(shown in text for shown in NEVER_SHOWN), text


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_citizen_reserves_a_reception_day_visit_on_a_phone(new_context, live_server, language):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="standard", screen="phone")
    page.goto("/reception-day")
    # The rules and the number to call before anything to fill in; the rota with its leaders.
    rules = page.locator(".booking-rules")
    assert rules.get_by_role("link").first.get_attribute("href").startswith("tel:")
    rota = page.locator("section.rota").inner_text()
    assert re.search("检察长|副检察长", rota)
    choose_first_free_day(page)
    # A time near the end of the day, so the two languages' visits do not meet.
    times = page.locator(".slot-list label")
    times.nth(times.count() - 1 if language == "en" else 0).click()
    page.get_by_label(t("Full name")).fill("王某某")
    page.get_by_label(t("Mobile number")).fill("13800001111" if language == "zh" else "13800002222")
    page.get_by_label(t("What do you want to raise?")).fill("反映案件办理久拖不决的问题")
    with page.expect_navigation():
        page.get_by_role("button", name=exact(t("Reserve this visit"))).click()
    assert h1(page) == t("Your visit is reserved")
    receipt = page.locator("main").inner_text()
    assert TIME_RANGE[language].search(receipt), receipt
    assert page.locator('main a[href^="tel:"]').count() >= 1
    keep_screenshot(page, f"booking-receipt-{language}-standard-phone")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_lawyer_books_file_reading_day_first(new_context, live_server, language):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="standard", screen="phone")
    log_in_as_lawyer(page)
    page.goto("/lawyer/bookings/new")
    assert page.locator('.booking-rules a[href^="tel:"]').count() == 1
    # Each language's run on a day of its own: late in the day only one time may be left, and
    # one lawyer cannot hold two bookings at the same time.
    choose_first_free_day(page, nth=1 if language == "en" else 0)
    times = page.locator(".slot-list label")
    times.nth(times.count() - 1 if language == "en" else 0).click()
    late = page.locator("#accept_late")
    if late.count():  # the day has times inside the online change cut-off
        chosen = page.locator('input[name="slot"]:checked').get_attribute("id")
        if page.locator(f'label[for="{chosen}"] .slot-late').count():
            late.check()
    page.get_by_label(t("Case number")).fill(
        "示检刑诉受〔2026〕11号" if language == "zh" else "示检刑诉受〔2026〕12号"
    )
    with page.expect_navigation():
        page.get_by_role("button", name=exact(t("Request this appointment"))).click()
    assert page.locator("#error-summary").count() == 0, page.locator("main").inner_text()
    shown = page.locator("main").inner_text()
    assert TIME_RANGE[language].search(shown), shown
    assert not any(never in shown for never in NEVER_SHOWN)
