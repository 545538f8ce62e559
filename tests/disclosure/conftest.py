"""Every disclosure test runs inside a test request context, so that pages are addressed by
endpoint (client_request, url_for): Flask builds a URL only inside a request, SERVER_NAME not being
configured. Requests made by the test client push their own context as usual.

Messages from the services are checked in English, whatever the catalogues say."""

import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def _english_messages(app, _app_context):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def english_client(client):
    client.set_cookie("portal_locale", "en")
    return client
