"""The pages the accessibility and small-screen checks visit, each with how to get there.

Every entry is a function (page, t, petitions) that leaves `page` showing that page; `t` is the
language's gettext (support.texts) and `petitions` the seeded petitions (conftest.Petitions).
"""

from __future__ import annotations

from portal.demo import DEMO_LAWYER
from tests.browser.support import exact, file_petition, look_up


def _goto(url, status=200):
    def visit(page, t, petitions):
        response = page.goto(url)
        assert response.status == status, f"{url}: HTTP {response.status}"

    return visit


def _submit_empty(url, button):
    """Open a form and submit it as it is: the page comes back with its errors."""

    def visit(page, t, petitions):
        page.goto(url)
        with page.expect_navigation():
            page.get_by_role("button", name=exact(t(button))).click()
        assert page.locator("#error-summary").count() == 1, f"{url}: no error summary"

    return visit


def _receipt(page, t, petitions):
    file_petition(page, t)


def _progress(page, t, petitions):
    look_up(page, t, *petitions.answered)


def _progress_with_errors(page, t, petitions):
    look_up(page, t, *petitions.answered)
    with page.expect_navigation():
        page.get_by_role("button", name=exact(t("Send my answer"))).click()
    assert page.locator("#error-summary").count() == 1


def _as_lawyer(url):
    """The demo data's verified lawyer logs in, then opens `url`."""

    def visit(page, t, petitions):
        page.goto("/lawyer/login")
        page.locator("#email").fill(DEMO_LAWYER.email)
        page.locator("#password").fill(DEMO_LAWYER.password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        response = page.goto(url)
        assert response.status == 200, f"{url}: HTTP {response.status}"

    return visit


PUBLIC_PAGES = {
    "home": _goto("/"),
    "contact": _goto("/contact"),
    "privacy": _goto("/privacy"),
    "accessibility": _goto("/accessibility"),
    "intake": _goto("/petitions/new"),
    "intake-errors": _submit_empty("/petitions/new", "Submit petition"),
    "receipt": _receipt,
    "lookup": _goto("/progress"),
    "lookup-errors": _submit_empty("/progress", "Show progress"),
    "progress": _progress,
    "progress-grade-errors": _progress_with_errors,
    "recover-code": _goto("/progress/recover"),
    "recover-code-errors": _submit_empty("/progress/recover", "Send me a code"),
    "recovery-code": _goto("/progress/recover/code"),
    "recovery-code-errors": _submit_empty("/progress/recover/code", "Set a new query code"),
    "login": _goto("/staff/login"),
    "login-errors": _submit_empty("/staff/login", "Log in"),
    "not-found": _goto("/no-such-page", status=404),
    "lead-report": _goto("/public-interest/report"),
    "lead-report-errors": _submit_empty("/public-interest/report", "Send the report"),
    "record-inquiry": _goto("/record-inquiry/"),
    "record-inquiry-apply": _goto("/record-inquiry/apply"),
    "record-inquiry-apply-errors": _submit_empty("/record-inquiry/apply", "Submit application"),
    "record-inquiry-status": _goto("/record-inquiry/status"),
    "record-inquiry-status-errors": _submit_empty("/record-inquiry/status", "Show status"),
    "record-inquiry-verify": _goto("/record-inquiry/verify"),
    "record-inquiry-verify-errors": _submit_empty("/record-inquiry/verify", "Verify"),
    "deputies": _goto("/deputy/"),
    "deputy-register": _goto("/deputy/register"),
    "deputy-register-errors": _submit_empty("/deputy/register", "Register"),
    "deputy-login": _goto("/deputy/login"),
    "deputy-login-errors": _submit_empty("/deputy/login", "Log in"),
    "transparency": _goto("/transparency"),
    "transparency-bad-period": _goto("/transparency?year=1900", status=400),
    # Case information, disclosure, appointments and the lawyers' entry pages.
    "case-query": _goto("/cases/query"),
    "case-query-errors": _submit_empty("/cases/query", "Show the case"),
    "disclosure-documents": _goto("/case-information/documents"),
    "disclosure-releases": _goto("/case-information/releases"),
    "disclosure-search": _goto("/case-information/search"),
    "appointments": _goto("/appointments"),
    "reception-day": _goto("/reception-day"),
    "reception-day-cancel": _goto("/reception-day/cancel"),
    "lawyer-login": _goto("/lawyer/login"),
    "lawyer-register": _goto("/lawyer/register"),
    "lawyer-forgot-password": _goto("/lawyer/password/forgot"),
    "lawyer-forgot-password-errors": _submit_empty("/lawyer/password/forgot", "Send the link"),
    "lawyer-reset-link-invalid": _goto("/lawyer/password/reset/not-a-token", status=400),
    # Seeded by the demo data (see conftest.live_server).
    "document": _goto("/case-information/documents/1"),
    "release": _goto("/case-information/releases/1"),
    "lawyer-account": _as_lawyer("/lawyer/"),
    "lawyer-booking": _as_lawyer("/lawyer/bookings/new"),
    "lawyer-bind-case": _as_lawyer("/lawyer/cases/bind"),
    "lawyer-password": _as_lawyer("/lawyer/password"),
    # The open procuratorate; the demo data's open day taking registrations is 1, the hearing
    # notice 3 (portal/demo.py, _sample_open_procuratorate).
    "open-procuratorate": _goto("/open-procuratorate/"),
    "open-day": _goto("/open-procuratorate/1"),
    "open-day-register": _goto("/open-procuratorate/1/register"),
    "open-day-register-errors": _submit_empty("/open-procuratorate/1/register", "Register"),
    "hearing": _goto("/open-procuratorate/3"),
    "past-hearings": _goto("/open-procuratorate/hearings/past"),
    "registration-lookup": _goto("/open-procuratorate/registration"),
    "registration-lookup-errors": _submit_empty(
        "/open-procuratorate/registration", "Show my registration"
    ),
    "juvenile": _goto("/juvenile"),
}


def _petition(which):
    def visit(page, t, petitions):
        number, _code = getattr(petitions, which)
        page.goto(f"/staff/petitions/{number}")
        # Open every action, so that the forms inside are checked too.
        page.eval_on_selector_all("details", "elements => elements.forEach(d => d.open = true)")

    return visit


# name: (role of the staff member, how to get there)
STAFF_PAGES = {
    "dashboard": ("clerk", _goto("/staff/")),
    "queue-new": ("clerk", _goto("/staff/petitions?queue=new")),
    "queue-all": ("clerk", _goto("/staff/petitions?queue=all")),
    "petition-received": ("clerk", _petition("received")),
    "petition-answered": ("handler", _petition("answered")),
    "register": ("clerk", _goto("/staff/petitions/new")),
    "notices-to-post": ("clerk", _goto("/staff/notices/to-post")),
    "queue-new-material": ("handler", _goto("/staff/petitions?queue=new_material")),
    "register-errors": ("clerk", _submit_empty("/staff/petitions/new", "Register petition")),
    "users": ("admin", _goto("/staff/users/")),
    "calendar": ("admin", _goto("/staff/calendar/")),
    "admin-dashboard": ("admin", _goto("/staff/")),
    "notice-wordings": ("admin", _goto("/staff/notice-wordings")),
    "notice-wording": ("admin", _goto("/staff/notice-wordings/acknowledgment")),
    "outbox": ("admin", _goto("/staff/outbox/")),
    "audit-trail": ("admin", _goto("/staff/audit-trail")),
    "cases": ("clerk", _goto("/staff/cases/")),
    "case": ("clerk", _goto("/staff/cases/1")),
    "case-import": ("clerk", _goto("/staff/cases/import")),
    "disclosure": ("publisher", _goto("/staff/disclosure/")),
    "document-review": ("publisher", _goto("/staff/disclosure/documents/1")),
    "release-review": ("publisher", _goto("/staff/disclosure/releases/1")),
    "document-new": ("publisher", _goto("/staff/disclosure/documents/new")),
    "lawyers": ("clerk", _goto("/staff/lawyers/")),
    "lawyer": ("clerk", _goto("/staff/lawyers/1")),
    "appointments-day": ("clerk", _goto("/staff/appointments/")),
    "appointments-week": ("clerk", _goto("/staff/appointments/week")),
    "reception-list": ("clerk", _goto("/staff/appointments/reception-day")),
    "places": ("admin", _goto("/staff/appointments/places")),
    "reception-rota": ("clerk", _goto("/staff/appointments/rota")),
    "statistics": ("leader", _goto("/staff/statistics/")),
    "statistics-bad-filter": ("leader", _goto("/staff/statistics/?from=2026-13", status=400)),
    "open-procuratorate-staff": ("publisher", _goto("/staff/open-procuratorate/")),
    "open-day-staff": ("publisher", _goto("/staff/open-procuratorate/2")),
    "open-day-staff-leader": ("leader", _goto("/staff/open-procuratorate/1")),
    "announce-hearing": ("publisher", _goto("/staff/open-procuratorate/new/hearing")),
}

# The public endpoints (GET, outside /staff and /api) and the entry above that shows each: a new
# public page must be added to PUBLIC_PAGES and here (test_every_public_page_is_checked).
PUBLIC_ENDPOINTS = {
    "site.home": "home",
    "site.contact": "contact",
    "site.privacy_statement": "privacy",
    "site.accessibility_statement": "accessibility",
    "statistics.transparency": "transparency",
    "petitions.new_petition": "intake",
    "leads.report_lead": "lead-report",
    "certificates.start": "record-inquiry",
    "certificates.new_application": "record-inquiry-apply",
    "certificates.lookup": "record-inquiry-status",
    "certificates.verify": "record-inquiry-verify",
    "deputies.index": "deputies",
    "deputies.register": "deputy-register",
    "deputies.login": "deputy-login",
    "petitions.lookup": "lookup",
    "petitions.progress": "progress",
    "petitions.recover_code": "recover-code",
    "petitions.enter_recovery_code": "recovery-code",
    "cases.lookup": "case-query",
    "disclosure.list_documents": "disclosure-documents",
    "disclosure.list_releases": "disclosure-releases",
    "disclosure.search_page": "disclosure-search",
    "appointments.services_page": "appointments",
    "appointments.reception_day": "reception-day",
    "appointments.cancel_visit": "reception-day-cancel",
    "lawyers.login": "lawyer-login",
    "lawyers.register": "lawyer-register",
    "lawyers.forgot_password": "lawyer-forgot-password",
    "lawyers.reset_password": "lawyer-reset-link-invalid",
    "disclosure.show_document": "document",
    "disclosure.show_release": "release",
    "lawyers.account": "lawyer-account",
    "appointments.new_booking": "lawyer-booking",
    "lawyers.bind_case": "lawyer-bind-case",
    "lawyers.change_password": "lawyer-password",
    "openhouse.index": "open-procuratorate",
    "openhouse.show_gathering": "open-day",
    "openhouse.register": "open-day-register",
    "openhouse.past_hearings": "past-hearings",
    "openhouse.lookup": "registration-lookup",
    "openhouse.juvenile": "juvenile",
}
# Not HTML pages: files, feeds, the health check, the language and display-mode links
# (redirects).
NOT_PAGES = {
    "static",
    "site.health",
    "site.switch_language",
    "site.switch_display_mode",
    "disclosure.releases_feed",
    "disclosure.document_pdf",
    "appointments.booking_ics",
    "lawyers.download_case_file",
    "petitions.download_receipt",
    "petitions.download_notice",
    "statistics.transparency_csv",
    "certificates.download_certificate",
    "deputies.answer_pdf",
    "deputies.download_attachment",
}
# Public pages known to be unchecked, with what it takes to check them. Keep this short.
_LAWYER = "needs a confirmed lawyer account logged in at /lawyer/login"
NOT_YET_CHECKED = {
    "cases.show_case": "needs a case and a query code issued in the back office "
    "(/staff/cases/<id>/grants/new)",
    "lawyers.confirm_email": "needs the token of a confirmation e-mail",
    "lawyers.show_binding": _LAWYER + " and a case bound to it",
    "appointments.show_booking": _LAWYER + " and a booking",
    "appointments.reschedule_booking": _LAWYER + " and a booking",
    # Checked with axe inside their services' journeys (tests/browser/test_certificates.py and
    # test_deputies.py), which make the application, certificate or account they need.
    "certificates.show_status": "needs an application's number and query code",
    "certificates.verify_link": "needs an issued certificate's number and verification code",
    "deputies.account": "needs a verified deputy logged in at /deputy/login",
    "deputies.new_suggestion": "needs a verified deputy logged in at /deputy/login",
    "deputies.show_suggestion": "needs a verified deputy logged in and a suggestion",
    "deputies.set_password": "needs the token of a registration e-mail",
    # Checked with axe inside the journey of tests/browser/test_openhouse.py, which registers.
    "openhouse.show_registration": "needs a registration's number and code",
}
