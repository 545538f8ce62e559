"""A public-interest litigation lead, end to end in a real browser, in both languages: reported
with a photo carrying GPS data, answered by staff, read by the reporter on the progress page;
the photo staff download has no metadata. The form also passes axe, fits a 375 px screen, and
fills in the coordinates from the browser's position when asked."""

from __future__ import annotations

import pytest

from tests.browser.support import (
    LANGUAGES,
    answer_petition,
    exact,
    h1,
    look_up,
    receipt_codes,
    texts,
)
from tests.browser.test_accessibility import check
from tests.browser.test_mobile import WIDE_ELEMENTS, WIDTH
from tests.images import metadata_of, phone_jpeg

pytestmark = pytest.mark.browser

FORM = "/public-interest/report"
PLACE = "示例市东郊河段，化工路与滨河路交叉口以北约200米"
DECLARATION = (
    "I declare that what I have written is true, and I understand that false accusations are "
    "punishable by law."
)


def fill_lead(page, t, *, photo=None, mobile="13900000031"):
    page.get_by_label(t("What is harmed?")).select_option("ecology")
    page.get_by_label(t("Subject"), exact=True).fill("化工厂夜间向河道排放污水")
    page.get_by_label(t("What is happening?")).fill(
        "东郊河段旁的化工厂每晚十点后通过暗管向河道排放黑色污水，河面出现死鱼。"
    )
    page.get_by_label(t("Where is it?")).fill(PLACE)
    page.get_by_label(t("Latitude (optional)")).fill("39.9042")
    page.get_by_label(t("Longitude (optional)")).fill("116.4074")
    if photo is not None:
        page.get_by_label(t("Photos (optional)")).set_input_files(str(photo))
    page.get_by_label(t("Full name")).fill("王某某")
    page.get_by_label(t("Mobile number")).fill(mobile)
    page.get_by_label(t(DECLARATION)).check()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_lead_with_a_photo_is_answered_and_the_photo_staff_see_has_no_metadata(
    new_context, staff_page, tmp_path, language
):
    t = texts(language)
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(phone_jpeg((800, 600)))
    assert "gps" in metadata_of(photo.read_bytes())

    reporter = new_context(language=LANGUAGES[language]).new_page()
    reporter.goto("/")
    reporter.get_by_role("link", name=exact(t("Report a public-interest lead"))).click()
    reporter.wait_for_url(f"**{FORM}")
    fill_lead(reporter, t, photo=photo, mobile={"zh": "13900000031", "en": "13900000032"}[language])
    reporter.get_by_role("button", name=exact(t("Send the report"))).click()
    reporter.wait_for_load_state()
    assert h1(reporter) == t("Your report is received")
    number, code = receipt_codes(reporter)
    assert t("Ecology and environment, natural resources") in reporter.locator("main").inner_text()

    # Staff see the lead's details, and the photo they download is the re-encoded one.
    clerk = staff_page("clerk", LANGUAGES[language])
    clerk.goto(f"/staff/petitions/{number}")
    assert PLACE in clerk.locator("main").inner_text()
    link = clerk.locator("main a[href*='/attachments/']")
    assert link.inner_text().strip() == "IMG_2041.jpg"
    downloaded = clerk.request.get(link.get_attribute("href"))
    assert downloaded.ok and downloaded.headers["content-type"] == "image/jpeg"
    assert metadata_of(downloaded.body()) == {}

    answer_petition({role: staff_page(role) for role in ("clerk", "handler", "leader")}, number)

    look_up(reporter, t, number, code)
    main = reporter.locator("main").inner_text()
    assert "经审查，您反映的问题已依法处理" in main
    assert PLACE in main and "39.904200, 116.407400" in main


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_form_and_its_errors_pass_axe_and_fit_a_phone(new_context, axe, language):
    t = texts(language)
    page = new_context(
        language=LANGUAGES[language],
        viewport={"width": WIDTH, "height": 812},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    ).new_page()
    page.goto(FORM)
    check(axe, page, "lead-report", language)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.evaluate(
        WIDE_ELEMENTS, WIDTH
    )
    with page.expect_navigation():
        page.get_by_role("button", name=exact(t("Send the report"))).click()
    assert page.locator("#error-summary").count() == 1
    check(axe, page, "lead-report-errors", language)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_use_my_current_location_fills_in_the_coordinates(new_context):
    t = texts("zh")
    context = new_context(
        permissions=["geolocation"], geolocation={"latitude": 31.2304, "longitude": 121.4737}
    )
    page = context.new_page()
    page.goto(FORM)
    page.get_by_role("button", name=exact(t("Use my current location"))).click()
    latitude = page.get_by_label(t("Latitude (optional)"))
    page.wait_for_function("() => document.getElementById('latitude').value !== ''")
    assert latitude.input_value() == "31.230400"
    assert page.get_by_label(t("Longitude (optional)")).input_value() == "121.473700"
