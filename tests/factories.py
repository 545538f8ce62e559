"""Plain keyword factories and page helpers for the tests."""

from __future__ import annotations

import re
import secrets
from itertools import count

from flask import current_app, has_request_context, url_for

from portal import create_app
from portal.accounts import services as accounts
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions import services as petitions

PASSWORD = "Correct-horse-42"
_serial = count(1)


def make_user(role: Role | str = Role.HANDLER, *, email=None, name=None, password=PASSWORD):
    n = next(_serial)
    user = accounts.create_user(
        email or f"{Role(role).value}{n}@test.example",
        name or f"{Role(role).value} {n}",
        role,
        password,
    )
    db.session.commit()
    return user


def make_petition(
    *, kind="complaint", channel="web", received_on=None, registered_by=None, commit=True, **fields
):
    """Submit a petition through the service; returns (petition, query_code)."""
    data = petitions.IntakeData(
        kind=kind,
        subject=fields.pop("subject", "反映派出所不予立案"),
        body=fields.pop("body", "本人报案后派出所至今未予立案，请求监督。"),
        is_anonymous=fields.pop("is_anonymous", False),
        name=fields.pop("name", "刘某某"),
        mobile=fields.pop("mobile", "13800000001"),
        # As a petitioner who gave an e-mail address would leave the form: e-mail ticked. SMS
        # only when a test asks for it, so that the outbox holds what the test is about.
        notify_by_email=fields.pop("notify_by_email", bool(fields.get("email"))),
        **fields,
    )
    receipt = petitions.submit_petition(
        data,
        channel=channel,
        submission_key=secrets.token_urlsafe(32),
        received_on=received_on,
        registered_by=registered_by,
    )
    if commit:
        db.session.commit()
    return receipt.petition, receipt.query_code


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
KEY_RE = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')


# The smallest PDF the upload checks accept (it parses, and holds no active content).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)

# What a citizen types into the online petition form (with the form's tokens added).
PETITION_FORM = {
    "kind": "complaint",
    "name": "刘某某",
    "mobile": "13800000001",
    "subject": "反映派出所不予立案",
    "body": "本人九月向派出所报案，至今未予立案，请求检察机关依法监督。",
    "declaration": "y",
}


def url(endpoint: str, **values) -> str:
    """The path of `endpoint`. Tests run in an app context without a request (and without
    SERVER_NAME), where Flask's url_for cannot build; a throwaway request context can."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def form_tokens(client, url: str) -> dict:
    """GET a form page and return the hidden fields a real browser would send back."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    tokens = {"csrf_token": csrf_token(html)}
    key = KEY_RE.search(html)
    if key:
        tokens["submission_key"] = key.group(1)
    return tokens


def submit_form(client, url: str, data: dict, **kwargs):
    """Fill in the form at `url` like a browser: hidden fields from the page, then `data`."""
    return client.post(url, data={**form_tokens(client, url), **data}, **kwargs)


def login(client, user, password=PASSWORD):
    response = submit_form(
        client, url("accounts.login"), {"email": user.email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def h1(html: str) -> str:
    matches = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(matches) == 1, f"expected one h1, found {len(matches)}"
    return re.sub(r"<[^>]+>", "", matches[0]).strip()


def grade_reply(client_request, number: str, grade: str, comment: str = "", **expected):
    """Answer the reply shown on the progress page (this browser has given the number and code)
    with a grade, as the petitioner does with the one form there."""
    page = client_request.get("petitions.progress", number=number)
    reply_id = page.select_one("input[name=reply_id]")["value"]
    expected.setdefault("_expected_redirect", "petitions.progress")
    if expected["_expected_redirect"] == "petitions.progress":
        expected.setdefault("_redirect_values", {"number": number})
    return client_request.post(
        "petitions.grade_reply",
        number=number,
        _data={"reply_id": reply_id, "grade": grade, "comment": comment},
        **expected,
    )


def open_progress(client_request, petition, code):
    """Look the petition up with its number and code, as the petitioner does; the progress
    page it leads to, parsed."""
    client_request.post(
        "petitions.lookup",
        _data={"tracking_number": petition.tracking_number, "query_code": code},
        _expected_redirect="petitions.progress",
        _redirect_values={"number": petition.tracking_number},
    )
    return client_request.get("petitions.progress", number=petition.tracking_number)


def confirm_preview(client_request, page, **expected):
    """Press the confirming button of a preview page ("Send", "Publish"): post its form back
    with its hidden fields, as a browser would. `expected` as for client_request.post."""
    form = page.select_one("form.confirm-actions")
    assert form is not None, "the page is no preview"
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    response = client_request.client.post(form["action"], data=data)
    return client_request._check(
        response,
        expected.get("_expected_status", 302),
        expected.get("_expected_redirect"),
        expected.get("_redirect_values"),
    )


def take_action(client_request, number: str, action: str, data: dict, **expected):
    """Take a staff action on a petition as the petition page does: an action that sends the
    petitioner something first shows what they will read, and is confirmed from there (as the
    member of staff would, unchanged). `expected` applies to the last response."""
    response = client_request.client.post(
        url("backoffice.act_on_petition", number=number, action=action),
        data={"csrf_token": client_request.csrf_token(), **data},
    )
    if response.status_code == 200 and b'class="confirm-actions"' in response.data:
        page = client_request._check(response, 200, None, None)
        return confirm_preview(client_request, page, **expected)
    return client_request._check(
        response,
        expected.get("_expected_status", 302),
        expected.get("_expected_redirect"),
        expected.get("_redirect_values"),
    )


def second_worker(app, **settings):
    """Another worker of the same portal (its own process memory, the same database). It shares
    the test app's rate-limit store too: the limiter is one object, and the last app set up
    decides where it counts."""
    return create_app(
        {
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_STORAGE_URI": app.config["RATELIMIT_STORAGE_URI"],
            "RATELIMIT_STORAGE_OPTIONS": app.config["RATELIMIT_STORAGE_OPTIONS"],
            **settings,
        }
    )
