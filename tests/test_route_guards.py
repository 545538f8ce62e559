"""Every back-office route carries a role guard, and refuses every role it does not name."""

from __future__ import annotations

import pytest

from portal.core.permissions import Role
from tests.factories import csrf_token, login, make_petition, make_user

PUBLIC_STAFF_ENDPOINTS = {"accounts.login", "accounts.logout"}


def staff_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff") and rule.endpoint not in PUBLIC_STAFF_ENDPOINTS
    ]


def test_every_staff_route_has_a_role_guard(app):
    unguarded = [
        rule.rule
        for rule in staff_rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "allowed_roles")
    ]
    assert unguarded == []
    assert len(staff_rules(app)) >= 10


def _url(rule, petition, user):
    values = {
        "number": petition.tracking_number,
        "user_id": user.id,
        "attachment_id": 1,
        "action": "acknowledge",
        "day": "2027-01-01",
        "document_id": 1,
        "release_id": 1,
        "case_id": 1,
        "grant_id": 1,
        # lawyer services and appointments
        "booking_id": 1,
        "lawyer_id": 1,
        "binding_id": 1,
        "delivery_id": 1,
        "place_id": 1,
        "hours_id": 1,
        "category": "other_restricted",
    }
    path = rule.rule
    for name in rule.arguments:
        path = (
            path.replace(f"<int:{name}>", str(values[name]))
            .replace(f"<string:{name}>", str(values[name]))
            .replace(f"<{name}>", str(values[name]))
        )
    return path


def _cases(app_rules):
    return [
        (rule, method)
        for rule in app_rules
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_where_it_is_not_allowed(app, client, role):
    petition, _code = make_petition()
    user = make_user(role)
    login(client, user)
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    checked = 0
    for rule, method in _cases(staff_rules(app)):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if role in allowed:
            continue
        url = _url(rule, petition, user)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 403, f"{role} {method} {url} -> {response.status_code}"
        checked += 1
    if role in (Role.PUBLISHER, Role.ADMIN, Role.CLERK, Role.HANDLER, Role.LEADER):
        assert checked > 0


def test_anonymous_visitors_are_sent_to_login(app, client):
    petition, _code = make_petition()
    user = make_user(Role.ADMIN)
    for rule, method in _cases(staff_rules(app)):
        url = _url(rule, petition, user)
        response = client.get(url) if method == "GET" else client.post(url)
        if method == "GET":
            assert response.status_code == 302 and "/staff/login" in response.location, url
        else:
            # POST without a session is refused before anything else: no CSRF token (400) or login.
            assert response.status_code in (302, 400), url


def test_a_deactivated_account_loses_access_at_once(client):
    admin, handler = make_user(Role.ADMIN), make_user(Role.HANDLER)
    login(client, handler)
    assert client.get("/staff/petitions").status_code == 200
    from portal.accounts import services
    from portal.extensions import db

    services.update_user(handler, name=handler.name, role="handler", is_active=False, actor=admin)
    db.session.commit()
    assert client.get("/staff/petitions").status_code == 302
