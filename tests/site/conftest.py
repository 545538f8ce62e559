import pytest


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


@pytest.fixture
def elderly(client_request):
    """A reader who chose the elderly mode (in Chinese, the default language)."""
    client_request.client.set_cookie("portal_display", "elderly")
    return client_request
