"""No input gives a 5xx: a sweep of the whole URL map with hostile values.

For every role (anonymous, each staff role, a verified lawyer) the sweep sends each class of
hostile value below
- to every path parameter of every route (the other parameters get a real id of the world built
  here, so that the request reaches the view),
- to every query parameter the views read (written out by hand in QUERY_PARAMETERS, found with
  `grep -rn "request.args\\|request.values" portal`),
- to every field of every POST form the role is shown (the forms are read from the pages the
  role opens, with a valid CSRF token, so that the request reaches the validation), one field
  at a time with the others as the page filled them in, and all fields at once,
and asserts that no answer is a 5xx. A role gets every value class at least once on every route
it may open, and one hostile request on each route it may not; combinations beyond that are
sampled so that a database takes well under a minute. It runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL (NUL bytes, integer ranges and dates differ between the two).
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import UTC, date, datetime
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import current_app, got_request_exception
from werkzeug.exceptions import HTTPException

from portal.appointments.models import Booking, OpeningHours, Place, ReceptionRotaDay
from portal.cases.models import Case, CaseQueryGrant
from portal.certificates.models import BriberyRecord, RecordApplication
from portal.core import clock
from portal.core.outbox import OutboxMessage
from portal.core.permissions import Role, can_open
from portal.deputies import services as services_of_deputies
from portal.deputies.models import DeputyAccount, Invitation, LiaisonEvent, Suggestion
from portal.disclosure.models import LegalDocument, Release
from portal.extensions import db
from portal.lawyers.models import CaseBinding, CaseFileDelivery, LawyerAccount
from portal.openhouse.models import Gathering
from portal.petitions import workflow
from portal.petitions.models import Attachment, Petition, WrittenNotice
from tests.appointments.factories import add_rota_day, book
from tests.cases.factories import make_grant
from tests.deputies.factories import login_deputy, make_deputy, make_event, make_suggestion
from tests.disclosure.factories import make_published_document, make_release
from tests.factories import PASSWORD, PDF, csrf_token, login, make_petition, make_user
from tests.lawyers.factories import add_hours, login_lawyer, make_lawyer, make_place
from tests.lawyers.factories import make_case as make_lawyer_case

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 23 November 2026, 10:00 in Beijing
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50

# ---- the hostile values, already percent-encoded as they travel -------------------------------

# In a path segment: ids far beyond any integer column, negative, other scripts' digits, and
# strings a segment should never hold.
PATH_VALUES = {
    "20 digits": "9" * 20,
    "beyond int32": "2147483648",
    "negative": "-1",
    "zero": "0",
    "arabic digits": quote("١٢٣"),
    "NUL": "%00",
    "control": "%1B%09%0A",
    "invalid UTF-8": "%C3%28%FF",
    "overlong": "x" * 3000,
    "dots": "..%2F..%2Fetc",
}
# In a query parameter: the same, and pages and dates out of every range.
QUERY_VALUES = {
    "20 digits": "9" * 20,
    "huge number": "9" * 5000,
    "negative": "-1",
    "zero": "0",
    "not a number": "abc",
    "NUL": "a%00b",
    "control": "%1B%5B2J%07",
    "newline": "%0D%0ASet-Cookie:%20x=1",
    "invalid UTF-8": "%C3%28%FF",
    "overlong": "x" * 5000,
    "date out of range": "99999-01-01",
    "no such day": "2026-02-30",
    "last day": "9999-12-31",
    "first day": "0001-01-01",
    "offsite": quote("/\t/evil.example", safe=""),
    "list": "1&{name}=2",  # the parameter twice
}
# In a form field (urlencoded body: a file field gets plain text, the "file as text" class).
FORM_VALUES = {
    "NUL": "a%00b",
    "control": "a%1B%5B2J%07b",
    "CRLF": "a%0D%0Ab",
    "20 digits": "9" * 20,
    "negative": "-1",
    "invalid UTF-8": "%C3%28%FF",
    "overlong": "x" * 5000,
    "date out of range": "99999-01-01",
    "no such day": "2026-02-30",
    "last day": "9999-12-31",
    "arabic digits": quote("١٢٣"),
    "file as text": "report.pdf",
}

# Query parameters each view reads, by endpoint (found with grep; `next` wherever it is read).
QUERY_PARAMETERS = {
    "api.list_documents": ["type", "procuratorate", "year", "page", "per_page"],
    "api.list_releases": ["category", "year", "page", "per_page"],
    "appointments.new_booking": ["service", "place", "case_number", "day", "month"],
    "appointments.reception_day": ["place", "day", "month"],
    "appointments.reschedule_booking": ["day", "month"],
    "appointments_admin.rota": ["cancel"],
    "appointments_admin.day_schedule": ["place", "day"],
    "appointments_admin.reception_list": ["place", "day"],
    "appointments_admin.week_schedule": ["place", "day"],
    "backoffice.list_petitions": ["queue", "kind", "channel", "state", "page", "after", "before"],
    "backoffice.show_petition_history": ["before"],
    "calendar_admin.edit_calendar": ["year"],
    "cases_admin.list_cases": ["q", "stage", "page"],
    "certificates.verify": ["number"],
    "certificates_admin.list_applications": ["queue", "page"],
    "certificates_admin.list_records": ["q", "page"],
    "disclosure.list_documents": ["type", "procuratorate", "year", "page"],
    "disclosure.list_releases": ["category", "page"],
    "disclosure.search_page": ["q", "type", "procuratorate", "year", "page"],
    "accounts.login": ["next"],
    "lawyers.login": ["next"],
    "petitions.new_petition": ["kind"],
    "statistics_api.public_statistics": ["year"],
    "statistics.transparency": ["year"],
    "statistics.transparency_csv": ["year"],
    "statistics_admin.show_statistics": ["by", "from", "to", "kind", "channel", "handler"],
    "operations_admin.audit_trail": [
        "from",
        "to",
        "type",
        "actor",
        "subject_kind",
        "subject_id",
        "before",
    ],
}

# Endpoints the form sweep leaves alone: they end the session the sweep runs in.
SESSION_ENDING = {"accounts.logout", "lawyers.logout", "deputies.logout"}
TOKENS = ("csrf_token", "submission_key")
FORM_POST = {"content_type": "application/x-www-form-urlencoded"}

# Plausible values for fields a page leaves empty, so that the other fields pass validation
# and a hostile value in one field reaches as far into the view as it can.
FILL = {
    "name": "张某某",
    "client_name": "赵某",
    "person_name": "张某某",
    "mobile": "13800000009",
    "email": "someone@example.com",
    "subject": "反映派出所不予立案",
    "body": "本人报案后派出所至今未予立案，请求监督。",
    "text": "示例市人民检察院\n不起诉决定书\n被不起诉人林某，涉嫌盗窃罪。",
    "title": "示例市检察院依法对一起诈骗案提起公诉",
    "case_number": "示检刑诉受〔2026〕1号",
    "password": PASSWORD,
    "reason": "理由写在这里，足够长。",
    "note": "备注",
    "notice": "您的来信已收到。",
    "days": "3",
    "day": "2027-01-04",
    "released_on": "2026-11-02",
    "document_date": "2026-09-10",
    "accepted_on": "2026-11-02",
    "starts_on": "2026-12-01",
    "ends_on": "2026-12-02",
    "procuratorate": "示例市人民检察院",
    "department": "第一检察部",
    "cause_of_action": "盗窃罪",
    "code": "2345-6789-ABCD-EF",
    "holder_kind": "company",
    "holder_name": "示例建设有限公司",
    "identifier": "91350100M000100Y43",
    "purpose": "参加工程投标",
    "contact_name": "陈经办",
    "judgment_number": "（2025）示刑初字第1号",
    "court": "示例市中级人民法院",
    "judgment_on": "2025-06-01",
    "offence": "行贿罪",
    "sentence": "有期徒刑三年",
    "party_size": "1",
    "declaration": "y",
    "place": "示例市人民检察院",
    "description": "参观检察服务中心。",
    "eligibility": "年满18周岁的公民",
    "capacity": "30",
    "max_party_size": "2",
    "starts_at": "2026-12-20T09:00",
    "ends_at": "2026-12-20T12:00",
    "registration_opens_at": "2026-11-23T09:00",
    "registration_closes_at": "2026-12-10T17:00",
    "hearing_officers": "张某、李某",
    "outcome": "听证员一致认为原处理决定正确。",
}

ROLES = ["anonymous", *Role, "lawyer", "deputy"]


# ---- the world --------------------------------------------------------------------------------


@pytest.fixture
def world(app):
    """One of everything a route can address, and a logged-in client per role."""
    with clock.frozen(NOW):
        staff = {role: make_user(role) for role in Role}
        second_publisher = make_user(Role.PUBLISHER)
        lawyer = make_lawyer()
        make_lawyer(verified=False)
        place = make_place()
        add_hours(place, service="file_reading")
        add_rota_day(place, date(2026, 11, 25))
        lawyer_case = make_lawyer_case()
        book(lawyer, place, "2026-11-24T09:00", case=lawyer_case.case_number)
        make_grant(lawyer_case, actor=staff[Role.CLERK])
        petition, _code = make_petition()
        with_files, _code = make_petition(uploads=[_upload("证据.png", PNG)])
        workflow.acknowledge(with_files, staff[Role.CLERK], notice="已受理。")  # a written notice
        db.session.commit()
        make_published_document(staff[Role.PUBLISHER], text="被不起诉人林某涉嫌盗窃罪。")
        make_release(staff[Role.PUBLISHER], by=second_publisher)
        _record_inquiry(staff[Role.HANDLER])

        clients = {"anonymous": current_app.test_client()}
        for role, user in staff.items():
            clients[role] = current_app.test_client()
            login(clients[role], user)
        clients["lawyer"] = current_app.test_client()
        login_lawyer(clients["lawyer"], lawyer)
        _bind_and_deliver(clients["lawyer"], clients[Role.HANDLER], lawyer_case.case_number)
        deputy = make_deputy()
        make_suggestion(deputy)
        services_of_deputies.invite(make_event(staff[Role.CLERK]), [deputy.id], staff[Role.CLERK])
        db.session.commit()
        _open_procuratorate(staff[Role.PUBLISHER])
        clients["deputy"] = current_app.test_client()
        login_deputy(clients["deputy"], deputy)
        users = {**staff, "anonymous": None, "lawyer": lawyer, "deputy": deputy}
        yield {"clients": clients, "users": users, "ids": _real_ids(petition)}


def _record_inquiry(handler):
    """A bribery record, one application waiting and one answered with a certificate."""
    from portal.certificates import services as certificates
    from tests.certificates.factories import make_application, make_record

    make_record(handler)
    make_application()
    answered, _code = make_application()
    certificates.issue_certificate(answered, handler)
    db.session.commit()


def _open_procuratorate(publisher):
    """An open day taking registrations, with one, and a hearing."""
    from tests.openhouse.factories import make_gathering, register

    register(make_gathering(publisher))
    make_gathering(publisher, kind="hearing")


def _upload(name, data):
    from portal.core.uploads import CheckedUpload

    return CheckedUpload(filename=name, content_type="image/png", data=data)


def _bind_and_deliver(lawyer_client, staff_client, case_number):
    """A case binding with its papers, approved, and a case file delivered: through the forms."""
    page = lawyer_client.get(_path("lawyers.bind_case")).get_data(as_text=True)
    lawyer_client.post(
        _path("lawyers.bind_case"),
        data={
            "csrf_token": csrf_token(page),
            "case_number": case_number,
            "client_name": "赵某",
            "relation": "defender",
            "mandate": "power_of_attorney",
            **{
                f: (io.BytesIO(PDF), f"{f}.pdf") for f in ("licence", "firm_letter", "mandate_file")
            },
        },
    )
    binding = db.session.scalar(sa.select(CaseBinding))
    assert binding is not None, "the world needs a binding"
    token = csrf_token(staff_client.get(_path("petitions.lookup")).get_data(as_text=True))
    staff_client.post(
        _path("lawyers_admin.approve_binding", binding_id=binding.id), data={"csrf_token": token}
    )
    staff_client.post(
        _path("lawyers_admin.deliver_case_file", binding_id=binding.id),
        data={
            "deliver-csrf_token": token,
            "deliver-days": "3",
            "deliver-case_file": (io.BytesIO(PDF), "卷宗.pdf"),
        },
    )


# Each path parameter's real value, by the parameter's name: written out by hand.
ID_SOURCES = {
    "application_id": RecordApplication.id,
    "attachment_id": Attachment.id,
    "binding_id": CaseBinding.id,
    "booking_id": Booking.id,
    "case_id": Case.id,
    "delivery_id": CaseFileDelivery.id,
    "deputy_id": DeputyAccount.id,
    "event_id": LiaisonEvent.id,
    "gathering_id": Gathering.id,
    "invitation_id": Invitation.id,
    "suggestion_id": Suggestion.id,
    "document_id": LegalDocument.id,
    "grant_id": CaseQueryGrant.id,
    "hours_id": OpeningHours.id,
    "lawyer_id": LawyerAccount.id,
    "message_id": OutboxMessage.id,
    "notice_id": WrittenNotice.id,
    "place_id": Place.id,
    "record_id": BriberyRecord.id,
    "release_id": Release.id,
    "rota_day_id": ReceptionRotaDay.id,
}

# Pages whose form shows only for a choice made in the query string: the booking forms once a
# day is chosen (day first, then the time), the rota's cancel form for one day.
FORM_PAGE_QUERIES = {
    "appointments.new_booking": "?day=2026-11-25",
    "appointments.reception_day": "?day=2026-11-25",
    "appointments.reschedule_booking": "?day=2026-11-26",
    "appointments_admin.rota": "?cancel=1",
}


def _real_ids(petition) -> dict:
    from portal.accounts.models import User

    ids = {
        name: db.session.scalar(sa.select(sa.func.min(column))) or 1
        for name, column in ID_SOURCES.items()
    }
    attached = db.session.scalar(sa.select(Attachment.petition_id))
    ids |= {
        "user_id": db.session.scalar(sa.select(sa.func.min(User.id))),
        "number": db.session.get(Petition, attached or petition.id).tracking_number,
        "action": "acknowledge",
        "token": "not-a-token",
        "day": "2027-01-01",
        "category": "state_secret",
        "filename": "missing.css",
        "anything": "nothing-here",
        "locale": "en",
        "mode": "elderly",
        "kind": "open_day",
        "code": "2345-6789-ABCD",
    }
    return ids


# ---- helpers ----------------------------------------------------------------------------------


def _path(endpoint, **values):
    from tests.factories import url

    return url(endpoint, **values)


PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


# Parameters whose real values differ by route: a notice wording's kind, an open day's kind.
ENDPOINT_VALUES = {"backoffice.edit_notice_wording": {"kind": "acknowledgment"}}


def _build(rule, values: dict) -> str:
    """The rule's path with each parameter replaced by its (already encoded) value."""
    values = values | ENDPOINT_VALUES.get(rule.endpoint, {})
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), rule.rule)


def _rules():
    return sorted(
        (rule for rule in current_app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


def _may_open(role, endpoint, users) -> bool:
    user = users[role]
    if user is None:
        return getattr(current_app.view_functions[endpoint], "admits", None) is None
    return can_open(endpoint, user)


class Sweep:
    """Sends requests and keeps every 5xx with the exception behind it."""

    def __init__(self):
        self.failures = {}
        self.count = 0
        self._exception = None

    def _keep(self, sender, exception, **extra):
        self._exception = exception

    def send(self, client, method, path, what, **kwargs):
        self.count += 1
        self._exception = None
        with got_request_exception.connected_to(self._keep, current_app._get_current_object()):
            response = client.open(path, method=method, **kwargs)
        if response.status_code >= 500:
            error = self._exception
            cause = f"{type(error).__name__}: {str(error)[:200]}" if error else "see the log"
            key = (urlsplit(path).path[:80], cause)
            self.failures.setdefault(
                key, f"{response.status_code} {method} {path[:100]} ({what}): {cause}"
            )
        return response

    def check(self):
        assert not self.failures, (
            f"{len(self.failures)} kinds of failure in {self.count} requests:\n"
            + ("\n".join(self.failures.values()))
        )


def _token(client) -> str:
    return csrf_token(client.get(_path("petitions.lookup")).get_data(as_text=True))


# ---- path parameters --------------------------------------------------------------------------


def sweep_path_parameters(sweep, world):
    ids, users = world["ids"], world["users"]
    for role in ROLES:
        client = world["clients"][role]
        token = _token(client)
        for rule in _rules():
            names = list(rule.arguments)
            if not names:
                continue
            opens = _may_open(role, rule.endpoint, users)
            # Every value class on every parameter of a route the role may open; one on others.
            values = PATH_VALUES.items() if opens else [next(iter(PATH_VALUES.items()))]
            for (label, value), name in itertools.product(values, names):
                path = _build(rule, {**ids, name: value})
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    data = {"csrf_token": token} if method != "GET" else None
                    sweep.send(client, method, path, f"{role}: {name} = {label}", data=data)


# ---- query parameters -------------------------------------------------------------------------


def sweep_query_parameters(sweep, world):
    ids, users = world["ids"], world["users"]
    rules = {rule.endpoint: rule for rule in _rules()}
    for role in ROLES:
        client = world["clients"][role]
        for endpoint, names in QUERY_PARAMETERS.items():
            path = _build(rules[endpoint], ids)
            if not _may_open(role, endpoint, users):
                sweep.send(client, "GET", f"{path}?{names[0]}={'9' * 20}", f"{role}")
                continue
            # Anonymous visitors get every combination on public pages; each role gets every
            # value class at least once on every parameter list it may open.
            combos = itertools.product(QUERY_VALUES.items(), names)
            if role != "anonymous":
                combos = zip(QUERY_VALUES.items(), itertools.cycle(names), strict=False)
            for (label, value), name in combos:
                query = f"{name}={value.format(name=name)}"
                sweep.send(client, "GET", f"{path}?{query}", f"{role}: {name} = {label}")
            everything = "&".join(f"{n}={QUERY_VALUES['NUL']}" for n in names)
            sweep.send(client, "GET", f"{path}?{everything}", f"{role}: all NUL")


# ---- form fields ------------------------------------------------------------------------------


def _forms_on(page_html: str):
    """Each POST form on a page: (action path, fields as a browser would send them, file
    fields)."""
    soup = BeautifulSoup(page_html, "html.parser")
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields, files = {}, set()
        for element in form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            if not name:
                continue
            kind = (element.get("type") or "").lower()
            if element.name == "textarea":
                value = element.get_text()
            elif element.name == "select":
                option = element.find("option", selected=True) or element.find("option")
                value = option.get("value", option.get_text()) if option else ""
            elif kind in ("checkbox", "radio"):
                if name in fields and fields[name]:
                    continue
                value = (
                    element.get("value", "y")
                    if (element.has_attr("checked") or kind == "radio")
                    else ""
                )
            elif kind == "file":
                files.add(name)
                value = ""
            elif kind == "submit":
                continue
            else:
                value = element.get("value", "")
            bare = name.split("-", 1)[-1]
            fields[name] = value or FILL.get(bare, value)
        yield urlsplit(form.get("action") or "").path, fields, files


def _encode(fields: dict, hostile: dict) -> str:
    parts = [
        f"{quote(n, safe='')}={quote(v, safe='')}" for n, v in fields.items() if n not in hostile
    ]
    parts += [f"{quote(n, safe='')}={v}" for n, v in hostile.items()]
    return "&".join(parts)


def _discover_forms(world):
    """The POST forms the roles are shown on the pages they may open: each form once, as the
    first role shown it sees it."""
    adapter = current_app.url_map.bind("localhost")
    ids, users = world["ids"], world["users"]
    found = {}
    for role in ROLES:
        client = world["clients"][role]
        for rule in _rules():
            if "GET" not in rule.methods or not _may_open(role, rule.endpoint, users):
                continue
            if rule.endpoint.startswith("api.") or rule.endpoint in ("site.health",):
                continue
            response = client.get(_build(rule, ids) + FORM_PAGE_QUERIES.get(rule.endpoint, ""))
            if response.mimetype != "text/html":
                continue
            for action, fields, files in _forms_on(response.get_data(as_text=True)):
                try:
                    endpoint, _values = adapter.match(action or _build(rule, ids), method="POST")
                except HTTPException:  # a form posting elsewhere
                    continue
                if endpoint in SESSION_ENDING:
                    continue
                action = action or _build(rule, ids)
                found.setdefault(
                    (action, tuple(sorted(fields))),
                    (role, endpoint, {**fields, "__action__": action}, files),
                )
    return found.values()


def sweep_form_fields(sweep, world):
    forms = _discover_forms(world)
    assert len({endpoint for _role, endpoint, _f, _files in forms}) >= 30, "the forms are found"
    for role, endpoint, fields, files in forms:
        client = world["clients"][role]
        action = fields.pop("__action__")
        names = [n for n in fields if n not in TOKENS and not n.endswith("-csrf_token")]
        names += sorted(files - set(names))
        # Every value class in every field at once ...
        for label, value in FORM_VALUES.items():
            body = _encode(fields, dict.fromkeys(names, value))
            sweep.send(
                client, "POST", action, f"{role}: {endpoint}, all = {label}", data=body, **FORM_POST
            )
        # ... and each field alone, the others as the page filled them in, cycling the classes.
        classes = itertools.cycle(FORM_VALUES.items())
        for name in names:
            label, value = next(classes)
            body = _encode(fields, {name: value})
            sweep.send(
                client,
                "POST",
                action,
                f"{role}: {endpoint}, {name} = {label}",
                data=body,
                **FORM_POST,
            )


def sweep_post_routes(sweep, world):
    """Every POST route, also those whose form no page shows in this world (a state not
    reached), gets hostile bodies under the field names forms use: two from each role that may
    post to it (the value classes cycling, so that each role sends every class), one from each
    role that may not."""
    ids, users = world["ids"], world["users"]
    names = [
        "reason",
        "note",
        "body",
        "days",
        "day",
        "name",
        "email",
        "password",
        "locale",
        "next",
        "back",
        "case_number",
        "code",
    ]
    for role in ROLES:
        client = world["clients"][role]
        token = _token(client)
        classes = itertools.cycle(FORM_VALUES.items())
        for rule in _rules():
            if "POST" not in rule.methods or rule.endpoint in SESSION_ENDING:
                continue
            path = _build(rule, ids)
            opens = _may_open(role, rule.endpoint, users)
            values = [next(classes) for _ in range(2)] if opens else [("NUL", "a%00b")]
            for label, value in values:
                body = _encode({"csrf_token": token}, dict.fromkeys(names, value))
                what = f"{role}: {label}"
                sweep.send(client, "POST", path, what, data=body, **FORM_POST)


def test_no_hostile_input_gives_a_server_error(world):
    """One test, so that the world (and its logins, each a deliberately slow password hash) is
    built once; the report lists every kind of failure of all four sweeps."""
    sweep = Sweep()
    sweep_path_parameters(sweep, world)
    sweep_query_parameters(sweep, world)
    sweep_form_fields(sweep, world)
    sweep_post_routes(sweep, world)
    assert sweep.count > 5000, "the sweep reached the routes"
    sweep.check()
