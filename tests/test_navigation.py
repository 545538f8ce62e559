"""A link is shown exactly when its page would open: a crawl of the back office as every role.

Who may open a page is declared once, by the guard on its view (portal/core/permissions.py), and
the navigation asks `can_open(endpoint)` instead of naming roles. This test logs in as each staff
role and as a verified lawyer, starts at the back-office home (the lawyer's account page),
follows every same-site link it sees (GET only; forms are never submitted, so nobody logs out)
over a few demo records made through the services, and checks that

- every link it sees opens (200, or a redirect that ends in 200 on a page other than a login
  page), never 403, 404 or 500;
- every page without parameters that the role may open (the GET rules whose guard admits the
  user) is reachable by a link from the crawl, and so are the demo records' detail pages;
- the pages each role reaches are the ones written out by hand below, as the rules say them
  (the administrator reaches places and hours, closures and reading exclusions; a publisher
  does not see the petition queues), so the test does not only compare the code with itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from portal.core.permissions import Role, can_open
from portal.deputies.models import DeputyAccount
from portal.extensions import db
from tests.cases.factories import make_case, make_grant
from tests.certificates.factories import make_application, make_record
from tests.deputies.factories import login_deputy, make_deputy, make_event, make_suggestion
from tests.disclosure.factories import make_document, make_release
from tests.factories import login, make_petition, make_user, url
from tests.lawyers.factories import add_hours, binding_form, login_lawyer, make_lawyer, make_place
from tests.web import ClientRequest, parse

# ---- the rules, by hand -----------------------------------------------------------------------
# The pages without parameters each account reaches from its home page, as the rules say them:
# petitions (and the written notices to be posted) are worked by clerks, handlers and leaders,
# and only a clerk registers a letter, a visit or a call; cases and lawyers are theirs too, but only clerks and handlers change them;
# the appointment schedules are theirs, closures and the reception rota are set by clerks,
# handlers and the administrator; places and hours, users, the holiday calendar, the categories excluded
# from online reading and the outgoing messages given up or stuck are the administrator's;
# publishing is the publishers'.
SCHEDULES = {
    "appointments_admin.day_schedule",
    "appointments_admin.week_schedule",
    "appointments_admin.reception_list",
}
LAWYER_SERVICES = {"lawyers_admin.list_lawyers", "lawyers_admin.list_bindings"}
# The bribery-record inquiry: clerks, handlers and leaders read the queue and the records; only
# clerks and handlers enter and import records.
RECORD_INQUIRY = {
    "certificates_admin.list_applications",
    "certificates_admin.list_records",
}
RECORD_KEEPING = {
    "certificates_admin.new_record",
    "certificates_admin.import_records",
    "certificates_admin.download_template",
}
# Deputies' liaison: petition staff read it and organise events; clerks and handlers register
# deputies.
DEPUTY_LIAISON = {
    "deputies_admin.list_suggestions",
    "deputies_admin.list_deputies",
    "deputies_admin.list_events",
    "deputies_admin.new_event",
}
# The open procuratorate: publishers organise open days and hearings, leaders read them.
OPEN_PROCURATORATE = {"openhouse_admin.list_gatherings"}
CASE_EDITING = {
    "cases_admin.new_case",
    "cases_admin.import_cases",
    "cases_admin.download_template",
}
REACHES = {
    Role.CLERK: {
        "backoffice.dashboard",
        "backoffice.list_petitions",
        "backoffice.list_notices_to_post",
        "backoffice.register_petition",
        "cases_admin.list_cases",
        *CASE_EDITING,
        *SCHEDULES,
        "appointments_admin.closures",
        "appointments_admin.rota",
        *LAWYER_SERVICES,
        *RECORD_INQUIRY,
        *RECORD_KEEPING,
        *DEPUTY_LIAISON,
        "deputies_admin.register_deputy",
    },
    Role.HANDLER: {
        "backoffice.dashboard",
        "backoffice.list_petitions",
        "backoffice.list_notices_to_post",
        "cases_admin.list_cases",
        *CASE_EDITING,
        *SCHEDULES,
        "appointments_admin.closures",
        "appointments_admin.rota",
        *LAWYER_SERVICES,
        *RECORD_INQUIRY,
        *RECORD_KEEPING,
        *DEPUTY_LIAISON,
        "deputies_admin.register_deputy",
    },
    Role.LEADER: {
        "backoffice.dashboard",
        "backoffice.list_petitions",
        "backoffice.list_notices_to_post",
        "cases_admin.list_cases",
        *SCHEDULES,
        *LAWYER_SERVICES,
        *RECORD_INQUIRY,
        *DEPUTY_LIAISON,
        *OPEN_PROCURATORATE,
        "statistics_admin.show_statistics",
    },
    Role.PUBLISHER: {
        "backoffice.dashboard",
        "disclosure_admin.index",
        "disclosure_admin.new_document",
        "disclosure_admin.new_release",
        *OPEN_PROCURATORATE,
    },
    Role.ADMIN: {
        "backoffice.dashboard",
        "users_admin.list_users",
        "users_admin.create_user",
        "calendar_admin.edit_calendar",
        "appointments_admin.places",
        "appointments_admin.closures",
        "appointments_admin.rota",
        "lawyers_admin.edit_exclusions",
        "backoffice.list_notice_wordings",
        "operations_admin.list_outbox",
        "operations_admin.audit_trail",
        "statistics_admin.show_statistics",
    },
    "lawyer": {
        "lawyers.account",
        "lawyers.change_password",
        "lawyers.bind_case",
        "appointments.new_booking",
    },
    # Until staff have verified the licence, a lawyer can neither book nor bind a case.
    "unverified lawyer": {"lawyers.account", "lawyers.change_password"},
    "deputy": {"deputies.account", "deputies.new_suggestion"},
}

# The demo records' pages each account must reach by following links (the records are made in
# `demo` below): petition staff open the petition and the case, the booking, the lawyer and the
# binding; publishers open the draft document and release; the administrator the place; the
# lawyer the own booking (and its calendar file) and the own binding.
PETITION_STAFF_RECORDS = {
    "backoffice.show_petition",
    "cases_admin.show_case",
    "appointments_admin.show_booking",
    "lawyers_admin.show_lawyer",
    "lawyers_admin.show_binding",
    "certificates_admin.show_application",
    "certificates_admin.download_letter",
    "deputies_admin.show_deputy",
    "deputies_admin.show_suggestion",
    "deputies_admin.show_event",
}
RECORD_EDITING = {"certificates_admin.edit_record"}
RECORDS = {
    Role.CLERK: PETITION_STAFF_RECORDS
    | {"cases_admin.edit_case", "cases_admin.issue_query_code"}
    | RECORD_EDITING,
    Role.HANDLER: PETITION_STAFF_RECORDS
    | {"cases_admin.edit_case", "cases_admin.issue_query_code"}
    | RECORD_EDITING,
    Role.LEADER: PETITION_STAFF_RECORDS,
    Role.PUBLISHER: {"disclosure_admin.show_document", "disclosure_admin.edit_release"},
    Role.ADMIN: {"appointments_admin.edit_place", "users_admin.edit_user"},
    "lawyer": {
        "appointments.show_booking",
        "appointments.booking_ics",
        "appointments.reschedule_booking",
        "lawyers.show_binding",
    },
    "unverified lawyer": set(),
    "deputy": {"deputies.show_suggestion"},
}

# Pages a role must not even see a link to, however the crawl goes (a few, by hand).
NEVER = {
    Role.CLERK: {
        "users_admin.list_users",
        "appointments_admin.places",
        "disclosure_admin.index",
        "operations_admin.list_outbox",
    },
    Role.HANDLER: {"backoffice.register_petition", "lawyers_admin.edit_exclusions"},
    Role.LEADER: {
        "appointments_admin.closures",
        "appointments_admin.rota",
        "cases_admin.new_case",
        "users_admin.list_users",
        "certificates_admin.new_record",
    },
    Role.PUBLISHER: {
        "backoffice.list_petitions",
        "appointments_admin.day_schedule",
        "certificates_admin.list_applications",
    },
    Role.ADMIN: {
        "backoffice.list_petitions",
        "appointments_admin.day_schedule",
        "certificates_admin.list_records",
    },
    "lawyer": {"backoffice.dashboard", "lawyers_admin.list_lawyers"},
    "unverified lawyer": {"appointments.new_booking", "lawyers.bind_case"},
    "deputy": {"backoffice.dashboard", "lawyers.account", "deputies_admin.list_suggestions"},
}

HOME = {
    **{role: "backoffice.dashboard" for role in Role},
    "lawyer": "lawyers.account",
    "unverified lawyer": "lawyers.account",
    "deputy": "deputies.account",
}
LOGIN_PAGES = {"accounts.login", "lawyers.login", "deputies.login"}
# A page linking to the next day or the next page would be followed for ever: each page (an
# endpoint with its path values) is read with at most this many different query strings.
VARIANTS_READ = 10


# ---- demo records ---------------------------------------------------------------------------


@pytest.fixture
def demo(app, frozen_now):
    """Returns the lawyer; makes a petition, a case with a query code, a place with opening hours, a verified lawyer who
    bound the case and booked a slot tomorrow (through the lawyer's own pages, as a lawyer does),
    a draft document and a draft release."""
    make_petition()
    case = make_case()
    make_grant(case)
    place = make_place()
    add_hours(place)
    lawyer = make_lawyer()
    make_document(text="示例市人民检察院\n不起诉决定书\n被不起诉人张三，男。\n")
    make_release(publish=False)
    make_record(make_user(Role.HANDLER))
    make_application()

    as_lawyer = ClientRequest(app.test_client())
    login_lawyer(as_lawyer.client, lawyer)
    as_lawyer.post(
        "appointments.new_booking",
        _data={
            **as_lawyer.form_fields("appointments.new_booking", day="2026-11-25"),
            "service": "file_reading",
            "place": str(place.id),
            # Wednesday; the clock is frozen on Monday morning, so it can still be moved online.
            "slot": "2026-11-25T09:00",
            "case_number": case.case_number,
        },
    )
    assert _endpoint(app, urlsplit(as_lawyer.response.location).path, "")[0] == (
        "appointments.show_booking"
    )
    as_lawyer.post(
        "lawyers.bind_case",
        _data={**as_lawyer.form_fields("lawyers.bind_case"), **binding_form(case)},
    )
    assert _endpoint(app, urlsplit(as_lawyer.response.location).path, "")[0] == (
        "lawyers.show_binding"
    )
    deputy = make_deputy()
    make_suggestion(deputy)
    make_event(make_user(Role.CLERK))
    db.session.commit()
    return lawyer


# ---- the crawl --------------------------------------------------------------------------------


@dataclass
class Crawl:
    reached: set = field(default_factory=set)  # endpoints some link led to
    broken: list = field(default_factory=list)  # (link, from page, what went wrong)


def _endpoint(app, path: str, query: str):
    """The endpoint a same-site path leads to, following the URL map's own redirects (a
    missing trailing slash); None when no GET rule matches."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, values = adapter.match(path, method="GET", query_args=query)
    except RequestRedirect as redirect:
        return _endpoint(app, urlsplit(redirect.new_url).path, query)
    except (NotFound, MethodNotAllowed):
        return None, {}
    return endpoint, values


def _links(response, page_url: str):
    """The same-site links of an HTML page, made absolute paths with their query, no fragment."""
    for anchor in parse(response).find_all("a", href=True):
        target = urlsplit(urljoin(page_url, anchor["href"]))
        if target.scheme not in ("http", "") or target.netloc not in ("localhost", ""):
            continue  # another site, mailto:, tel:
        yield target.path + (f"?{target.query}" if target.query else "")


def crawl(app, client, user, start: str) -> Crawl:
    """Breadth first from `start`: every link is checked; guarded pages are read for more."""
    result = Crawl(reached={start})
    home = url(start)
    queue, seen, variants = [(home, "(home)")], {home}, {}
    while queue:
        link, source = queue.pop(0)
        path, _, query = link.partition("?")
        endpoint, values = _endpoint(app, path, query)
        if endpoint is None:
            result.broken.append((link, source, "no page answers this address"))
            continue
        result.reached.add(endpoint)
        if not can_open(endpoint, user):
            result.broken.append((link, source, f"{endpoint} is shown to whom it refuses"))
            continue
        response = client.get(link, follow_redirects=True)
        landed, _ = _endpoint(app, response.request.path, "")
        if response.status_code != 200 or landed in LOGIN_PAGES:
            result.broken.append((link, source, f"{response.status_code} on {landed}"))
            continue
        page = (endpoint, tuple(sorted(values.items())))
        variants[page] = variants.get(page, 0) + 1
        is_guarded = hasattr(app.view_functions[endpoint], "admits")
        if response.mimetype != "text/html" or not is_guarded or variants[page] > VARIANTS_READ:
            continue  # the back office is crawled; public pages are only checked to open
        for target in _links(response, link):
            if target not in seen:
                seen.add(target)
                queue.append((target, link))
    return result


def pages_it_may_open(app, user) -> set[str]:
    """Every GET page without parameters whose guard admits `user` (public pages have none)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and getattr(app.view_functions[rule.endpoint], "admits", None) is not None
        and app.view_functions[rule.endpoint].admits(user)
    }


ACCOUNTS = [*Role, "lawyer", "unverified lawyer", "deputy"]


@pytest.mark.parametrize("account", ACCOUNTS, ids=str)
def test_every_link_opens_and_every_page_is_reachable(app, client, demo, account):
    if account == "lawyer":
        user = demo
        login_lawyer(client, user)
    elif account == "unverified lawyer":
        user = make_lawyer(verified=False)
        login_lawyer(client, user)
    elif account == "deputy":
        user = db.session.scalar(sa.select(DeputyAccount))
        login_deputy(client, user)
    else:
        user = make_user(account)
        login(client, user)

    result = crawl(app, client, user, HOME[account])

    assert result.broken == [], "links that do not open:\n" + "\n".join(
        f"  {link} (on {source}): {problem}" for link, source, problem in result.broken
    )
    parameterless = pages_it_may_open(app, user)
    assert parameterless - result.reached == set(), "pages no link leads to"
    assert result.reached & parameterless == REACHES[account]
    assert RECORDS[account] - result.reached == set(), "demo records no link leads to"
    assert result.reached & NEVER[account] == set()


def test_the_administrator_reaches_the_pages_only_administrators_may_use(client, demo):
    """The drift this crawl was written for: places and hours, closures and the categories
    excluded from online reading were linked only for clerks, handlers and leaders."""
    admin = make_user(Role.ADMIN)
    login(client, admin)
    as_admin = ClientRequest(client)
    home = as_admin.get("backoffice.dashboard")
    linked = {a["href"] for a in home.select("main a[href]")}
    assert url("appointments_admin.places") in linked
    assert url("lawyers_admin.edit_exclusions") in linked
    places = as_admin.get("appointments_admin.places")
    tabs = {a["href"] for a in places.select("nav ul.tabs a[href]")}
    assert tabs == {
        url("appointments_admin.places"),
        url("appointments_admin.closures"),
        url("appointments_admin.rota"),
    }
    as_admin.get("appointments_admin.closures")
    exclusions = as_admin.get("lawyers_admin.edit_exclusions")
    tabs = {a["href"] for a in exclusions.select("nav ul.tabs a[href]")}
    assert tabs == {url("lawyers_admin.edit_exclusions")}


def test_a_publisher_sees_no_petition_queue(client, demo):
    login(client, make_user(Role.PUBLISHER))
    home = ClientRequest(client).get("backoffice.dashboard")
    linked = {urlsplit(a["href"]).path for a in home.select("a[href]")}
    assert url("backoffice.list_petitions") not in linked
    assert url("appointments_admin.day_schedule") not in linked
    assert url("disclosure_admin.index") in linked
