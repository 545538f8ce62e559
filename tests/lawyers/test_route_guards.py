"""Lawyers' pages carry `lawyer_required`; staff are refused there, lawyers on every staff route."""

from __future__ import annotations

import pytest

from portal.core.permissions import Role
from portal.lawyers.views import PUBLIC_ENDPOINTS
from tests.factories import csrf_token, login, make_user
from tests.lawyers.factories import login_lawyer, make_lawyer

SAMPLE = {"booking_id": 1, "binding_id": 1, "delivery_id": 1, "token": "x"}
PUBLIC_STAFF_ENDPOINTS = {"accounts.login", "accounts.logout"}


def lawyer_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/lawyer") and rule.endpoint not in PUBLIC_ENDPOINTS
    ]


def _path(rule, values):
    path = rule.rule
    for name in rule.arguments:
        for pattern in (f"<int:{name}>", f"<string:{name}>", f"<{name}>"):
            path = path.replace(pattern, str(values[name]))
    return path


def _cases(rules):
    return [(r, m) for r in rules for m in sorted(r.methods - {"HEAD", "OPTIONS"})]


def test_every_lawyer_route_but_the_public_ones_has_the_guard(app):
    unguarded = [
        rule.rule
        for rule in lawyer_rules(app)
        if not getattr(app.view_functions[rule.endpoint], "lawyer_only", False)
    ]
    assert unguarded == []
    assert len(lawyer_rules(app)) >= 8


@pytest.mark.parametrize("role", list(Role))
def test_staff_are_refused_on_lawyer_pages(app, client, role):
    login(client, make_user(role))
    token = csrf_token(client.get("/").get_data(as_text=True))
    for rule, method in _cases(lawyer_rules(app)):
        url = _path(rule, SAMPLE)
        response = (
            client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        )
        assert response.status_code == 403, f"{role} {method} {url} -> {response.status_code}"


def test_anonymous_visitors_are_sent_to_the_lawyer_login(app, client):
    for rule, method in _cases(lawyer_rules(app)):
        url = _path(rule, SAMPLE)
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302 and "/lawyer/login" in response.location, url


def test_a_lawyer_is_refused_on_every_staff_route(app, client):
    login_lawyer(client, make_lawyer())
    token = csrf_token(client.get("/lawyer/").get_data(as_text=True))
    values = {
        "number": "XF2026-000001", "user_id": 1, "attachment_id": 1, "action": "acknowledge",
        "day": "2027-01-01", "document_id": 1, "release_id": 1, "case_id": 1, "grant_id": 1,
        "booking_id": 1, "lawyer_id": 1, "binding_id": 1, "delivery_id": 1, "place_id": 1,
        "hours_id": 1, "category": "ordinary",
    }  # fmt: skip
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _path(rule, values)
            response = (
                client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            )
            assert response.status_code == 403, f"lawyer {method} {url} -> {response.status_code}"
            checked += 1
    assert checked > 20


def test_public_lawyer_pages_open_without_login(client):
    for url in ("/lawyer/register", "/lawyer/login", "/appointments", "/reception-day"):
        assert client.get(url).status_code == 200, url
