"""Appointments tests build URLs by endpoint (client_request, url_for). Flask builds a URL only
inside a request (SERVER_NAME is not configured), so each test here runs inside a test request
context on top of the app context conftest.py already pushes. Requests made by the test client
push their own context as usual; racing threads start with none of these."""

from __future__ import annotations

import pytest

from tests.web import ClientRequest


@pytest.fixture(autouse=True)
def _urls_by_endpoint(app):
    with app.test_request_context():
        yield


@pytest.fixture
def new_client_request(app):
    """Another browser: a fresh client with its own session, e.g. staff next to a lawyer."""
    return lambda: ClientRequest(app.test_client())
