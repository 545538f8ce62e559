"""Every back-office route carries a role guard, and the guard admits exactly the roles the rules
give it.

The rules are written out by hand below (EXPECTED: endpoint → the staff roles that may open it),
as the design states them; they are never read from the guards they check. The tests walk the
URL map, so a new staff route with no line in EXPECTED fails here until someone writes down who
may open it. Each guard is then checked twice: its declared roles (`allowed_roles`, which
`can_open` and the navigation read) against the table, and by requests as each role.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.accounts import services
from portal.core.permissions import Role, can_open
from portal.extensions import db
from tests.factories import login, make_petition, make_user
from tests.web import url

CLERK, HANDLER, LEADER, PUBLISHER, ADMIN = (
    Role.CLERK,
    Role.HANDLER,
    Role.LEADER,
    Role.PUBLISHER,
    Role.ADMIN,
)

# ---- who may open what, as the rules say it --------------------------------------------------
#
# - The back office's front page is for every staff member.
# - Petitions (DESIGN §2): clerks, handlers and leaders work them (queues, the petition page, its
#   attachments, its actions: which action each may take is the workflow's, see
#   tests/petitions/test_workflow.py); only intake clerks register letters, visits and calls.
# - Case procedural information: clerks and handlers keep the records and issue query codes;
#   leaders read them.
# - Lawyer services: clerks and handlers verify lawyers, approve case bindings and deliver files;
#   leaders read; which case files are never shown to lawyers (reading exclusions) is set by
#   administrators.
# - Appointments: clerks and handlers run the bookings (confirm, decline, check in, no-show);
#   leaders read the schedules; places and opening hours are set by administrators; closures by
#   administrators, clerks and handlers.
# - Bribery-record inquiry: intake clerks and handlers check the records, answer applications
#   (a certificate or a refusal), revoke certificates and keep the records (entry, correction,
#   CSV import); leaders read the queue, the applications, their letters and certificates, and
#   the records. Publishers and administrators never see them (personal data, convictions).
# - Legal documents and releases (DESIGN §4): publishers only.
# - Users and roles, the holiday calendar and the standard wordings of notices: administrators
#   only.
# - Deputies' and members' liaison: clerks, handlers and leaders read the deputies, the queue of
#   suggestions and the events, and organise events and invitations; clerks and handlers check
#   registrations against the rosters (verify, reject) and register deputies; handlers and
#   leaders draft answers; only leaders return or approve them (never their own draft: that is
#   the workflow's, tests/deputies/test_services.py).
# - Open procuratorate (open days and hearings): publishers announce, change and cancel them,
#   allocate the places (the draw) and publish hearing outcomes, and see and export the
#   registrants with their names and mobiles (they check visitors in at the door); leaders read
#   them and the draw's result and export the list without personal data.
# - Outgoing messages given up or stuck (the outbox page and its retries): administrators only;
#   it shows citizens' addresses, and resending is an operator's decision.
PETITION_STAFF = {CLERK, HANDLER, LEADER}
CASEWORK = {CLERK, HANDLER}
EXPECTED = {
    "backoffice.dashboard": {CLERK, HANDLER, LEADER, PUBLISHER, ADMIN},
    # petitions
    "backoffice.list_petitions": PETITION_STAFF,
    # the queue as a file: whoever sees the queue (names and contacts: PETITIONER_DATA_ROLES)
    "backoffice.export_petitions": PETITION_STAFF,
    "backoffice.register_petition": {CLERK},
    "backoffice.show_petition": PETITION_STAFF,
    # a petition's whole audit trail: whoever may open the petition page, no one else
    "backoffice.show_petition_history": PETITION_STAFF,
    "backoffice.act_on_petition": PETITION_STAFF,
    "backoffice.download_attachment": PETITION_STAFF,
    # written notices: every petition worker prints them and sees what is to be posted; the
    # intake clerks and handlers post them (leaders do not keep the post)
    "backoffice.download_notice": PETITION_STAFF,
    "backoffice.list_notices_to_post": PETITION_STAFF,
    "backoffice.mark_notice_posted": CASEWORK,
    # the standard wordings the notices start from: administrators keep them
    "backoffice.list_notice_wordings": {ADMIN},
    "backoffice.edit_notice_wording": {ADMIN},
    # case procedural information
    "cases_admin.list_cases": {CLERK, HANDLER, LEADER},
    "cases_admin.show_case": {CLERK, HANDLER, LEADER},
    "cases_admin.new_case": CASEWORK,
    "cases_admin.edit_case": CASEWORK,
    "cases_admin.change_stage": CASEWORK,
    "cases_admin.import_cases": CASEWORK,
    "cases_admin.download_template": CASEWORK,
    "cases_admin.issue_query_code": CASEWORK,
    "cases_admin.revoke_grant": CASEWORK,
    # lawyer services
    "lawyers_admin.list_lawyers": {CLERK, HANDLER, LEADER},
    "lawyers_admin.show_lawyer": {CLERK, HANDLER, LEADER},
    "lawyers_admin.verify_lawyer": CASEWORK,
    "lawyers_admin.reject_lawyer": CASEWORK,
    "lawyers_admin.list_bindings": {CLERK, HANDLER, LEADER},
    "lawyers_admin.show_binding": {CLERK, HANDLER, LEADER},
    "lawyers_admin.approve_binding": CASEWORK,
    "lawyers_admin.reject_binding": CASEWORK,
    "lawyers_admin.download_document": {CLERK, HANDLER, LEADER},
    "lawyers_admin.deliver_case_file": CASEWORK,
    "lawyers_admin.withdraw_delivery": CASEWORK,
    "lawyers_admin.edit_exclusions": {ADMIN},
    "lawyers_admin.delete_exclusion": {ADMIN},
    # appointments
    "appointments_admin.day_schedule": {CLERK, HANDLER, LEADER},
    "appointments_admin.week_schedule": {CLERK, HANDLER, LEADER},
    "appointments_admin.reception_list": {CLERK, HANDLER, LEADER},
    "appointments_admin.show_booking": {CLERK, HANDLER, LEADER},
    "appointments_admin.confirm_booking": CASEWORK,
    "appointments_admin.decline_booking": CASEWORK,
    "appointments_admin.check_in_booking": CASEWORK,
    "appointments_admin.no_show_booking": CASEWORK,
    "appointments_admin.closures": {CLERK, HANDLER, ADMIN},
    "appointments_admin.rota": {CLERK, HANDLER, ADMIN},
    "appointments_admin.cancel_rota_day": {CLERK, HANDLER, ADMIN},
    "appointments_admin.places": {ADMIN},
    "appointments_admin.edit_place": {ADMIN},
    "appointments_admin.delete_hours": {ADMIN},
    # bribery-record inquiry
    "certificates_admin.list_applications": {CLERK, HANDLER, LEADER},
    "certificates_admin.show_application": {CLERK, HANDLER, LEADER},
    "certificates_admin.download_letter": {CLERK, HANDLER, LEADER},
    "certificates_admin.download_certificate": {CLERK, HANDLER, LEADER},
    "certificates_admin.issue_certificate": CASEWORK,
    "certificates_admin.refuse_application": CASEWORK,
    "certificates_admin.revoke_certificate": CASEWORK,
    "certificates_admin.list_records": {CLERK, HANDLER, LEADER},
    "certificates_admin.new_record": CASEWORK,
    "certificates_admin.edit_record": CASEWORK,
    "certificates_admin.import_records": CASEWORK,
    "certificates_admin.download_template": CASEWORK,
    # legal documents and releases
    "disclosure_admin.index": {PUBLISHER},
    "disclosure_admin.new_document": {PUBLISHER},
    "disclosure_admin.show_document": {PUBLISHER},
    "disclosure_admin.new_release": {PUBLISHER},
    "disclosure_admin.edit_release": {PUBLISHER},
    "disclosure_admin.add_term": {PUBLISHER},
    "disclosure_admin.drop_redaction": {PUBLISHER},
    "disclosure_admin.restore_redaction": {PUBLISHER},
    "disclosure_admin.set_person": {PUBLISHER},
    "disclosure_admin.mark_minor": {PUBLISHER},
    "disclosure_admin.review": {PUBLISHER},
    "disclosure_admin.publish": {PUBLISHER},
    "disclosure_admin.withdraw": {PUBLISHER},
    # deputies' and members' liaison
    "deputies_admin.list_deputies": PETITION_STAFF,
    "deputies_admin.register_deputy": CASEWORK,
    "deputies_admin.show_deputy": PETITION_STAFF,
    "deputies_admin.verify_deputy": CASEWORK,
    "deputies_admin.reject_deputy": CASEWORK,
    "deputies_admin.list_suggestions": PETITION_STAFF,
    "deputies_admin.show_suggestion": PETITION_STAFF,
    "deputies_admin.draft_answer": {HANDLER, LEADER},
    "deputies_admin.return_answer": {LEADER},
    "deputies_admin.approve_answer": {LEADER},
    "deputies_admin.download_attachment": PETITION_STAFF,
    "deputies_admin.list_events": PETITION_STAFF,
    "deputies_admin.new_event": PETITION_STAFF,
    "deputies_admin.show_event": PETITION_STAFF,
    "deputies_admin.invite_deputies": PETITION_STAFF,
    # open procuratorate
    "openhouse_admin.list_gatherings": {PUBLISHER, LEADER},
    "openhouse_admin.show_gathering": {PUBLISHER, LEADER},
    "openhouse_admin.export_registrations": {PUBLISHER, LEADER},
    "openhouse_admin.announce": {PUBLISHER},
    "openhouse_admin.edit_gathering": {PUBLISHER},
    "openhouse_admin.allocate_places": {PUBLISHER},
    "openhouse_admin.cancel_gathering": {PUBLISHER},
    "openhouse_admin.publish_outcome": {PUBLISHER},
    # administration
    "users_admin.list_users": {ADMIN},
    "users_admin.create_user": {ADMIN},
    "users_admin.edit_user": {ADMIN},
    "users_admin.reset_password": {ADMIN},
    "calendar_admin.edit_calendar": {ADMIN},
    "calendar_admin.delete_day": {ADMIN},
    "operations_admin.list_outbox": {ADMIN},
    "operations_admin.audit_trail": {ADMIN},
    "operations_admin.retry_message": {ADMIN},
    "operations_admin.retry_all": {ADMIN},
    # petition statistics per handler: leaders and administrators (a management view; a
    # handler's own deadlines are on the "Mine" queue)
    "statistics_admin.show_statistics": {LEADER, ADMIN},
    "statistics_admin.export_statistics": {LEADER, ADMIN},
}
# Under the staff prefix but open to anyone: the staff login, and logging out.
PUBLIC_STAFF_ENDPOINTS = {"accounts.login", "accounts.logout"}

# Values for the URL arguments of staff routes; the records need not exist (the guard answers
# before the view looks them up).
SAMPLE_VALUES = {
    "user_id": 1,
    "attachment_id": 1,
    "action": "acknowledge",
    "day": "2027-01-01",
    "document_id": 1,
    "release_id": 1,
    "case_id": 1,
    "grant_id": 1,
    "booking_id": 1,
    "lawyer_id": 1,
    "binding_id": 1,
    "delivery_id": 1,
    "place_id": 1,
    "hours_id": 1,
    "rota_day_id": 1,
    "category": "other_restricted",
    "message_id": 1,
    "notice_id": 1,
    "application_id": 1,
    "record_id": 1,
    "deputy_id": 1,
    "suggestion_id": 1,
    "event_id": 1,
    "gathering_id": 1,
    "kind": "open_day",
}


def staff_rules(app):
    """The routes under the back office's prefix (the prefix itself is the subject here: every
    route there must be guarded, whatever blueprint adds it)."""
    prefix = urlsplit(url("backoffice.dashboard")).path
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefix) and rule.endpoint not in PUBLIC_STAFF_ENDPOINTS
    ]


def staff_requests(app, number: str):
    """(endpoint, method, url) for every staff route and method, URLs built by endpoint."""
    for rule in staff_rules(app):
        values = {name: SAMPLE_VALUES.get(name, number) for name in rule.arguments}
        if "number" in rule.arguments:
            values["number"] = number
        path = url(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def test_every_staff_endpoint_is_in_the_hand_written_table(app):
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    assert endpoints - set(EXPECTED) == set(), "new staff routes: write down who may open them"
    assert set(EXPECTED) - endpoints == set(), "the table names routes that no longer exist"


def test_every_staff_route_has_a_role_guard(app):
    unguarded = [
        rule.rule
        for rule in staff_rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "allowed_roles")
    ]
    assert unguarded == []


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_each_guard_declares_the_roles_of_the_table(app, endpoint):
    assert app.view_functions[endpoint].allowed_roles == frozenset(EXPECTED[endpoint])


@pytest.mark.parametrize("role", list(Role))
def test_can_open_answers_as_the_table_says(role):
    user = make_user(role)
    for endpoint, roles in EXPECTED.items():
        assert can_open(endpoint, user) is (role in roles), (role, endpoint)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_passes_exactly_the_guards_the_table_gives_it(app, client_request, role):
    petition, _code = make_petition()
    login(client_request.client, make_user(role))
    token = client_request.csrf_token()
    login_page = url("accounts.login")
    refused = admitted = 0
    for endpoint, method, path in staff_requests(app, petition.tracking_number):
        if method == "GET":
            response = client_request.client.get(path)
        else:
            response = client_request.client.post(path, data={"csrf_token": token})
        where = f"{role} {method} {path} -> {response.status_code}"
        if role in EXPECTED[endpoint]:
            # Past the guard: the view answered (a page, a form error, a missing record...),
            # neither a refusal nor the login page.
            assert response.status_code != 403, where
            assert urlsplit(response.location or "").path != login_page, where
            admitted += 1
        else:
            assert response.status_code == 403, where
            refused += 1
    assert admitted > 0 and refused > 0


def test_anonymous_visitors_are_sent_to_login(app, client_request):
    petition, _code = make_petition()
    token = client_request.csrf_token()
    login_page = url("accounts.login")
    for _endpoint, method, path in staff_requests(app, petition.tracking_number):
        if method == "GET":
            response = client_request.client.get(path)
        else:
            response = client_request.client.post(path, data={"csrf_token": token})
        assert response.status_code == 302, f"{method} {path} -> {response.status_code}"
        assert urlsplit(response.location).path == login_page, path


def test_a_post_without_a_token_is_refused_before_the_guard(app, client_request):
    """CSRF is checked first: a POST without a token gets the expired-page answer (400), for an
    anonymous visitor as for staff."""
    petition, _code = make_petition()
    for _endpoint, method, path in staff_requests(app, petition.tracking_number):
        if method == "POST":
            assert client_request.client.post(path).status_code == 400, path


def test_a_deactivated_account_loses_access_at_once(client_request):
    admin, handler = make_user(Role.ADMIN), make_user(Role.HANDLER)
    login(client_request.client, handler)
    client_request.get("backoffice.list_petitions")
    services.update_user(handler, name=handler.name, role="handler", is_active=False, actor=admin)
    db.session.commit()
    client_request.get(
        "backoffice.list_petitions", _expected_status=302, _expected_redirect="accounts.login"
    )
