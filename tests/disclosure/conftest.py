"""Messages from the services are checked in English, whatever the catalogues say."""

import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def _english_messages(_app_context):
    with force_locale("en"):
        yield


@pytest.fixture
def english_client(client):
    client.set_cookie("portal_locale", "en")
    return client
