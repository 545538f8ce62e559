"""The open procuratorate in a real browser: the public pages held to tests/browser/looks.py in
both languages, both modes, on a phone and a desktop; and, once per language, a visitor who
registers for the demo data's open day and cancels with the number and code, an observer who
registers for a hearing (first come: a place at once), and a guardian who follows the juvenile
entry to the petition form with the kind already chosen."""

from __future__ import annotations

import re

import pytest

from tests.browser.looks import MODES, SCREENS, check_looks, keep_screenshot, open_page
from tests.browser.pages import PUBLIC_PAGES
from tests.browser.support import LANGUAGES, exact, h1, texts

pytestmark = pytest.mark.browser

CHECKED_PAGES = ["open-procuratorate", "hearing", "open-day-register-errors", "juvenile"]
MOBILES = {"zh": "13600000031", "en": "13600000032"}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", CHECKED_PAGES)
def test_page_is_accessible_fits_and_is_legible(
    new_context, live_server, axe, petitions, name, language, mode, screen
):
    page = open_page(new_context, live_server, language=language, mode=mode, screen=screen)
    PUBLIC_PAGES[name](page, texts(language), petitions)
    keep_screenshot(page, f"{name}-{language}-{mode}-{screen}")
    check_looks(axe, page, name, language=language, mode=mode, screen=screen)


def _register(page, t, *, name, mobile, people=None):
    page.get_by_label(t("Your name")).fill(name)
    page.get_by_label(t("Mobile number")).fill(mobile)
    if people:
        page.get_by_label(t("How many people, you included")).select_option(people)
    page.get_by_label(t("I meet the conditions above and will bring my identity card.")).check()
    page.get_by_role("button", name=exact(t("Register"))).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_visitor_registers_for_an_open_day_and_cancels(new_context, live_server, axe, language):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="standard", screen="phone")
    page.goto("/")
    page.locator("main").get_by_role("link", name=exact(t("Open procuratorate"))).click()
    page.get_by_role("link", name="检察开放日：走进检察院").first.click()
    page.get_by_role("link", name=exact(t("Register"))).click()
    # A mistake first: the message is next to the field and the name stays.
    _register(page, t, name="林小华", mobile="12345")
    assert page.locator("#mobile-error").is_visible()
    assert page.locator("#name").input_value() == "林小华"
    page.get_by_label(t("Mobile number")).fill(MOBILES[language])
    page.get_by_label(t("I meet the conditions above and will bring my identity card.")).check()
    page.get_by_role("button", name=exact(t("Register"))).click()
    page.wait_for_load_state()
    assert h1(page) == t("Your registration is received")
    number = page.locator("#registration-number").inner_text().strip()
    code = page.locator("#registration-code").inner_text().strip()
    assert re.fullmatch(r"KF\d{4}-\d{6}", number)
    keep_screenshot(page, f"open-day-receipt-{language}-standard-phone")
    check_looks(axe, page, "open-day-receipt", language=language, mode="standard", screen="phone")

    page.get_by_role("link", name=exact(t("See or cancel my registration"))).click()
    page.get_by_label(t("Registration number")).fill(number)
    page.get_by_label(t("Code")).fill(code.lower())
    page.get_by_role("button", name=exact(t("Show my registration"))).click()
    page.wait_for_load_state()
    assert h1(page) == t("Registration %(number)s") % {"number": number}
    check_looks(axe, page, "registration", language=language, mode="standard", screen="phone")
    page.get_by_role("button", name=exact(t("Cancel my registration"))).click()
    page.wait_for_load_state()
    assert page.locator("#registration-status").inner_text().strip() == t("Cancelled")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_an_observer_registers_for_a_hearing_and_has_a_place_at_once(
    new_context, live_server, language
):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="elderly", screen="phone")
    page.goto("/open-procuratorate/")
    page.get_by_role("link", name=re.compile("公开听证")).first.click()
    assert page.get_by_text(t("Hearing officers"), exact=True).count() == 1
    page.get_by_role("link", name=exact(t("Register"))).click()
    _register(page, t, name="旁听人", mobile=MOBILES[language])
    assert h1(page) == t("Your registration is received")
    assert page.locator("#registration-status").inner_text().strip() == t("Place confirmed")
    assert re.fullmatch(r"\d+-\d{3}", page.locator("#confirmation-number").inner_text().strip())


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_guardian_goes_from_the_juvenile_entry_to_a_prefilled_petition_form(
    new_context, live_server, language
):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode="standard", screen="phone")
    page.goto("/")
    page.locator("main").get_by_role("link", name=exact(t("Juvenile protection"))).click()
    assert h1(page) == t("Help for children and young people")
    assert page.get_by_role("link", name=exact(t("Call %(number)s") % {"number": "12309"})).count()
    page.get_by_role("link", name=exact(t("Someone hurt me, or hurt my child"))).click()
    page.wait_for_load_state()
    assert page.locator("#kind").input_value() == "complaint"
