"""How the pages behave in a browser: the language switch, forms with errors, the keyboard, and
forms that never lose work (attachments kept across an error and listed on the receipt, the
anonymous switch, the file picker in the page's language)."""

from __future__ import annotations

import re

import pytest

from tests.browser.looks import MODES, SCREENS, check_looks, keep_screenshot, open_page
from tests.browser.support import (
    LANGUAGES,
    STAFF,
    Petitioner,
    exact,
    fill_petition,
    h1,
    html_lang,
    switch_language,
    texts,
    write_png,
)

pytestmark = pytest.mark.browser

DECLARATION = (
    "I declare that what I have written is true, and I understand that false "
    "accusations are punishable by law."
)


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


# ---- the language switch ---------------------------------------------------------------------


def test_the_language_choice_is_remembered_across_pages_and_visits(page, new_context):
    page.goto("/progress")
    assert html_lang(page) == "zh-Hans"
    switch_language(page)
    # Back on the same page, now in English.
    assert page.url.endswith("/progress")
    assert html_lang(page) == "en" and h1(page) == "Check progress"

    en = texts("en")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=exact(en("File a petition"))
    ).click()
    assert html_lang(page) == "en" and h1(page) == "File a petition"
    page.goto("/staff/login")
    assert html_lang(page) == "en" and h1(page) == "Staff login"
    # A second tab of the same browser, and a later visit, keep English.
    other_tab = page.context.new_page()
    other_tab.goto("/")
    assert html_lang(other_tab) == "en"

    # Switching back to Chinese is remembered too.
    link = page.locator("header .language-switch a")
    assert link.inner_text().strip() == "中文" and link.get_attribute("lang") == "zh-Hans"
    switch_language(page)
    assert page.url.endswith("/staff/login") and html_lang(page) == "zh-Hans"
    assert h1(page) == texts("zh")("Staff login")
    page.goto("/petitions/new")
    assert html_lang(page) == "zh-Hans"

    # Someone else's browser is not affected.
    stranger = new_context().new_page()
    stranger.goto("/progress")
    assert html_lang(stranger) == "zh-Hans"


def test_the_language_switch_keeps_the_query_string(page):
    page.goto("/petitions/new?kind=report")
    switch_language(page)
    assert page.url.endswith("/petitions/new?kind=report")
    assert page.get_by_label("What kind of matter is it?").input_value() == "report"


# ---- forms with errors -----------------------------------------------------------------------


def submit_with_errors(page, button_name: str, status: int | None = 400) -> None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=exact(button_name)).click()
    if status is not None:
        assert navigation.value.status == status


def check_error_summary(page, t, *, skip_types=()) -> list[str]:
    """The error summary is there, has focus, and every link in it leads to a field that is
    marked invalid and described by the message; returns the linked field ids."""
    assert page.title().startswith(t("Error:")), page.title()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert active_id(page) == "error-summary", "focus should move to the error summary"
    problems, ids = [], []
    for link in summary.get_by_role("link").all():
        field_id = link.get_attribute("href").removeprefix("#")
        ids.append(field_id)
        field = page.locator(f"[id='{field_id}']")
        if field.count() != 1:
            problems.append(f"#{field_id}: the link leads to no field")
            continue
        if field.get_attribute("type") in skip_types:
            continue
        if field.get_attribute("aria-invalid") != "true":
            problems.append(f"#{field_id}: no aria-invalid=true")
        described_by = (field.get_attribute("aria-describedby") or "").split()
        if f"{field_id}-error" not in described_by:
            problems.append(f"#{field_id}: aria-describedby={described_by} lacks {field_id}-error")
        error = page.locator(f"[id='{field_id}-error']")
        if error.count() != 1 or link.inner_text().strip() not in error.inner_text():
            problems.append(f"#{field_id}: the message next to the field differs from the summary")
    assert not problems, "\n".join(problems)
    return ids


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_intake_form_with_errors_keeps_the_values_and_links_errors_to_fields(
    new_context, language
):
    t = texts(language)
    page = new_context(language=language).new_page()
    page.goto("/petitions/new")
    page.get_by_label(t("Full name")).fill("张三")
    page.get_by_label(t("Mobile number")).fill("12345")
    page.get_by_label(t("Subject"), exact=True).fill("关于某案件的申诉")
    page.get_by_label(t("Postal address (optional)")).fill("示例市中山路1号")
    submit_with_errors(page, t("Submit petition"))

    ids = check_error_summary(page, t, skip_types=("checkbox",))
    assert {"kind", "mobile", "body", "declaration"} <= set(ids), ids
    # What was typed is still there.
    assert page.get_by_label(t("Full name")).input_value() == "张三"
    assert page.get_by_label(t("Mobile number")).input_value() == "12345"
    assert page.get_by_label(t("Subject"), exact=True).input_value() == "关于某案件的申诉"
    assert page.get_by_label(t("Postal address (optional)")).input_value() == "示例市中山路1号"
    # A link in the summary takes the user to the field itself.
    page.locator("#error-summary").get_by_role("link").filter(
        has_text=t("Describe your matter.")
    ).click()
    assert active_id(page) == "body"


def test_the_declaration_checkbox_with_an_error_is_marked_invalid(page):
    t = texts("zh")
    page.goto("/petitions/new")
    submit_with_errors(page, t("Submit petition"))
    checkbox = page.get_by_label(t(DECLARATION))
    assert checkbox.get_attribute("aria-invalid") == "true"
    assert "declaration-error" in (checkbox.get_attribute("aria-describedby") or "").split()


@pytest.mark.parametrize(
    "url, button, fields, status",
    [
        ("/progress", "Show progress", {"tracking_number", "query_code"}, 400),
        ("/staff/login", "Log in", {"email", "password"}, None),  # the login form answers 200
    ],
    ids=["lookup", "login"],
)
def test_other_public_forms_link_their_errors_to_the_fields(page, url, button, fields, status):
    t = texts("zh")
    page.goto(url)
    submit_with_errors(page, t(button), status)
    assert set(check_error_summary(page, t)) == fields


def test_a_wrong_query_code_is_reported_on_the_code_field_and_keeps_the_number(page):
    t = texts("zh")
    page.goto("/progress")
    page.get_by_label(t("Tracking number")).fill("XF2026-999999")
    page.get_by_label(t("Query code")).fill("AAAA-BBBB-CCCC")
    submit_with_errors(page, t("Show progress"))
    assert check_error_summary(page, t) == ["query_code"]
    assert page.get_by_label(t("Tracking number")).input_value() == "XF2026-999999"


def test_a_wrong_password_is_an_error_on_the_login_form(page):
    t = texts("zh")
    page.goto("/staff/login")
    page.get_by_label(t("E-mail address")).fill(STAFF["clerk"].email)
    page.get_by_label(t("Password")).fill("not-the-password")
    page.get_by_role("button", name=exact(t("Log in"))).click()
    page.wait_for_load_state()
    assert page.url.endswith("/staff/login")
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label(t("E-mail address")).input_value() == STAFF["clerk"].email
    assert page.get_by_label(t("Password")).input_value() == ""


# ---- the keyboard ----------------------------------------------------------------------------


def tab_to(page, target_id: str, limit: int = 20) -> None:
    """Press Tab until the element with this id has focus; fail if it never gets there."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e ? (e.id || e.tagName.toLowerCase() + '.' + e.className) : ''; })()"
        )
        path.append(current)
        if current == target_id:
            return
    raise AssertionError(f"Tab never reached #{target_id}; focus went {path}")


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_main_content(page):
    page.goto("/petitions/new")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert skip.inner_text().strip() == texts("zh")("Skip to main content")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 10, (
        f"the focused skip link is not visible: {box}"
    )
    page.keyboard.press("Enter")
    assert active_id(page) == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), (
        "the next Tab after the skip link should land in the main content"
    )
    assert active_id(page) == "kind"


def test_the_intake_form_works_with_the_keyboard_alone(page):
    t = texts("zh")
    page.goto("/petitions/new")
    tab_to(page, "kind")
    page.keyboard.press("ArrowDown")  # the first kind: complaint
    assert page.locator("#kind").input_value() == "complaint"
    tab_to(page, "name")
    page.keyboard.type("赵某某")
    tab_to(page, "mobile")
    page.keyboard.type("13912345678")
    tab_to(page, "subject")
    page.keyboard.type("反映某派出所违法扣押财物")
    tab_to(page, "body")
    page.keyboard.type("今年九月派出所扣押本人车辆，至今未出具扣押清单，请求监督。")
    # Forget the declaration and press Enter on the submit button.
    tab_to(page, "declaration")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary has focus; its link leads to the checkbox; Space ticks it.
    assert active_id(page) == "error-summary"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#declaration"
    page.keyboard.press("Enter")
    assert active_id(page) == "declaration"
    page.keyboard.press("Space")
    assert page.locator("#declaration").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert h1(page) == t("Your petition is received")
    assert page.locator("#query-code").inner_text().strip()


# ---- forms that never lose work ----------------------------------------------------------------


def petition_with_an_error_and_a_file(page, t, attachment) -> None:
    """The petition form sent with an attachment and no subject: it comes back with the error."""
    page.goto("/petitions/new")
    fill_petition(page, t, Petitioner(), attachment=attachment)
    page.get_by_label(t("Subject"), exact=True).fill("")
    submit_with_errors(page, t("Submit petition"))


def held_files(page) -> list[str]:
    return [name.strip() for name in page.locator(".held-files__name").all_inner_texts()]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_an_attachment_is_kept_across_an_error_and_listed_on_the_receipt(
    new_context, language, tmp_path
):
    t = texts(language)
    page = new_context(language=LANGUAGES[language]).new_page()
    page.goto("/petitions/new")
    # The picker speaks the page's language, and names the file chosen.
    picker = page.locator(".file-picker__button")
    assert picker.inner_text().strip() == t("Choose files")
    # Named by the field's label (and the button's text), as every input.
    page.get_by_label(t("Supporting documents (optional)"), exact=True).set_input_files(
        str(write_png(tmp_path / "现场照片.png"))
    )
    chosen = page.locator(".file-picker__chosen").inner_text()
    assert "现场照片.png" in chosen

    petition_with_an_error_and_a_file(page, t, write_png(tmp_path / "现场照片.png"))
    assert h1(page) == t("File a petition")
    assert held_files(page) == ["现场照片.png"]
    assert picker.inner_text().strip() == t("Add more files")
    # Corrected, without choosing the file again.
    page.get_by_label(t("Subject"), exact=True).fill("反映派出所不予立案")
    page.get_by_role("button", name=exact(t("Submit petition"))).click()
    page.wait_for_load_state()
    assert h1(page) == t("Your petition is received")
    listed = page.locator(".attachment-list li").all_inner_texts()
    assert [re.split("[,，]", item)[0] for item in listed] == ["现场照片.png"]


def test_a_held_attachment_can_be_removed_before_sending(page, tmp_path):
    t = texts("zh")
    petition_with_an_error_and_a_file(page, t, write_png(tmp_path / "多余.png"))
    assert held_files(page) == ["多余.png"]
    with page.expect_navigation():
        page.locator(".held-files__remove").click()
    assert held_files(page) == []
    assert page.get_by_label(t("Full name")).input_value() == Petitioner().name


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_anonymous_switch_hides_and_empties_the_personal_details(new_context, language):
    t = texts(language)
    page = new_context(language=LANGUAGES[language]).new_page()
    page.goto("/petitions/new")
    page.get_by_label(t("What kind of matter is it?")).select_option("report")
    name = page.get_by_label(t("Full name"))
    name.fill("刘某某")
    explanation = page.locator("#anonymous-explanation")
    assert explanation.is_hidden()
    page.get_by_label(t("Report anonymously")).check()
    assert name.is_hidden() and explanation.is_visible()
    assert t("You are reporting anonymously.") in explanation.inner_text()
    page.get_by_label(t("Report anonymously")).uncheck()
    assert name.is_visible() and name.input_value() == ""
    assert explanation.is_hidden()


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_form_with_errors_and_the_receipt_look_right(
    new_context, live_server, axe, tmp_path, language, mode, screen
):
    t = texts(language)
    page = open_page(new_context, live_server, language=language, mode=mode, screen=screen)
    petition_with_an_error_and_a_file(page, t, write_png(tmp_path / "现场照片.png"))
    keep_screenshot(page, f"form-errors-{language}-{mode}-{screen}")
    check_looks(axe, page, "form-errors", language=language, mode=mode, screen=screen)
    page.get_by_label(t("Subject"), exact=True).fill("反映派出所不予立案")
    page.get_by_role("button", name=exact(t("Submit petition"))).click()
    page.wait_for_load_state()
    assert h1(page) == t("Your petition is received")
    keep_screenshot(page, f"receipt-{language}-{mode}-{screen}")
    check_looks(axe, page, "receipt", language=language, mode=mode, screen=screen)
