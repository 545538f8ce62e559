"""Lawyers' pages carry `lawyer_required`; staff are refused there, lawyers on every staff route.

The routes are found by their place in the URL map (everything under /lawyer, the lawyer's
area, whichever domain serves it; everything under /staff): the URL space is what these tests
are about. Each URL is then built from its endpoint."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.core.permissions import Role
from portal.lawyers.views import PUBLIC_ENDPOINTS
from tests.factories import login, make_user
from tests.lawyers.factories import login_lawyer, make_lawyer
from tests.test_route_guards import PUBLIC_STAFF_ENDPOINTS, SAMPLE_VALUES
from tests.web import ClientRequest, url

LAWYER_AREA = "/lawyer"  # the URL prefix whose every page is a lawyer's (see the docstring)
STAFF_AREA = "/staff"
# The staff routes' sample values, with a petition number and the lawyers' own values.
SAMPLE = {**SAMPLE_VALUES, "number": "XF2026-000001", "category": "ordinary", "token": "x"}


def lawyer_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(LAWYER_AREA) and rule.endpoint not in PUBLIC_ENDPOINTS
    ]


def staff_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(STAFF_AREA) and rule.endpoint not in PUBLIC_STAFF_ENDPOINTS
    ]


def _requests(rules):
    """(method, URL) for every method of every rule, the URL built from the endpoint."""
    return [
        (method, url(rule.endpoint, **{name: SAMPLE[name] for name in rule.arguments}))
        for rule in rules
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def _send(client, method, path, token):
    """A GET, or a POST with a valid CSRF token: the guard, not the token, must refuse it."""
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": token})


def test_every_lawyer_route_but_the_public_ones_has_the_guard(app):
    unguarded = [
        rule.rule
        for rule in lawyer_rules(app)
        if not getattr(app.view_functions[rule.endpoint], "lawyer_only", False)
    ]
    assert unguarded == []
    assert len(lawyer_rules(app)) >= 8


@pytest.mark.parametrize("role", list(Role))
def test_staff_are_refused_on_lawyer_pages(app, client_request, role):
    login(client_request.client, make_user(role))
    token = client_request.csrf_token()
    for method, path in _requests(lawyer_rules(app)):
        response = _send(client_request.client, method, path, token)
        assert response.status_code == 403, f"{role} {method} {path} -> {response.status_code}"


def test_anonymous_visitors_are_sent_to_the_lawyer_login(app, client):
    checked = 0
    for method, path in _requests(lawyer_rules(app)):
        if method == "GET":
            response = client.get(path)
            assert response.status_code == 302, path
            assert urlsplit(response.location).path == url("lawyers.login"), path
            checked += 1
    assert checked >= 6


def test_a_lawyer_is_refused_on_every_staff_route(app, client_request):
    login_lawyer(client_request.client, make_lawyer())
    token = client_request.csrf_token()
    checked = 0
    for method, path in _requests(staff_rules(app)):
        response = _send(client_request.client, method, path, token)
        assert response.status_code == 403, f"lawyer {method} {path} -> {response.status_code}"
        checked += 1
    assert checked > 20


@pytest.mark.parametrize(
    "endpoint",
    [
        "lawyers.register",
        "lawyers.login",
        "appointments.services_page",
        "appointments.reception_day",
    ],
)
def test_public_lawyer_pages_open_without_login(app, endpoint):
    ClientRequest(app.test_client()).get(endpoint)
