"""Pages by endpoint: the one way tests fetch and post (in the spirit of Notify's
`client_request`).

    page = client_request.get("petitions.lookup")                 # 200, one h1, parsed
    client_request.get("backoffice.queue", _expected_status=403)
    page = client_request.post("petitions.submit", _data={...})   # CSRF token filled in
    client_request.post("accounts.login", _data={...}, _expected_redirect="backoffice.dashboard")

Every page is addressed by its endpoint and built with url_for, so a URL changes in one place;
the status is checked on every call (a single expected status, never "one of two"); a page
answered with 200 must carry exactly one h1; responses come back parsed (BeautifulSoup).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from tests.factories import csrf_token, url

__all__ = ["ClientRequest", "parse", "url"]


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


class ClientRequest:
    def __init__(self, client):
        self.client = client
        self.response = None  # the last response, for headers and cookies

    def _check(self, response, expected_status, expected_redirect, redirect_values):
        self.response = response
        assert response.status_code == expected_status, (
            f"expected {expected_status}, got {response.status_code}: "
            f"{response.get_data()[:1500].decode(errors='replace')}"
        )
        if expected_redirect is not None:
            target = url(expected_redirect, **(redirect_values or {}))
            assert urlsplit(response.location).path == urlsplit(target).path, response.location
        if not response.mimetype.startswith("text/"):
            return None  # a download or JSON: read self.response
        page = parse(response)
        if expected_status == 200 and response.mimetype == "text/html":
            assert len(page.find_all("h1")) == 1, "a page has exactly one h1"
        return page

    def get(
        self,
        endpoint: str,
        *,
        _expected_status: int = 200,
        _expected_redirect: str | None = None,
        _redirect_values: dict | None = None,
        _follow_redirects: bool = False,
        _headers: dict | None = None,
        **values,
    ) -> BeautifulSoup:
        response = self.client.get(
            url(endpoint, **values), follow_redirects=_follow_redirects, headers=_headers
        )
        return self._check(response, _expected_status, _expected_redirect, _redirect_values)

    def post(
        self,
        endpoint: str,
        *,
        _data: dict | None = None,
        _expected_status: int = 302,
        _expected_redirect: str | None = None,
        _redirect_values: dict | None = None,
        _follow_redirects: bool = False,
        _csrf: bool = True,
        **values,
    ) -> BeautifulSoup:
        data = dict(_data or {})
        if _csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf_token()
        response = self.client.post(
            url(endpoint, **values), data=data, follow_redirects=_follow_redirects
        )
        return self._check(response, _expected_status, _expected_redirect, _redirect_values)

    def form_fields(self, endpoint: str, **values) -> dict:
        """The hidden fields of the form on a page (CSRF token, one-time submission key), as a
        browser would send them back."""
        page = self.get(endpoint, **values)
        return {
            field["name"]: field.get("value", "")
            for field in page.select("form input[type=hidden][name]")
            if field["name"] in ("csrf_token", "submission_key")
        }

    def csrf_token(self) -> str:
        """A token for this client's session, from a page with a form (pages to read carry none)."""
        return csrf_token(self.client.get(url("petitions.lookup")).get_data(as_text=True))
