"""The elderly mode (长辈版): a link on every page turns it on and off, the choice is kept in a
cookie of its own (never the session: public pages stay session-free and cached), and the page
cache keeps the elderly and the standard copy of a page apart."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from portal.site import display
from tests.factories import url

PAGES = ["site.home", "site.contact", "petitions.new_petition", "disclosure.list_releases"]


def set_cookies(response) -> dict[str, SimpleCookie]:
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie(header)
        cookies.update({name: morsel for name, morsel in cookie.items()})
    return cookies


def display_switch(page):
    return page.select_one("header .display-switch a")


@pytest.mark.parametrize("endpoint", PAGES)
def test_every_page_offers_the_elderly_mode_and_the_way_back(client_request, endpoint):
    page = client_request.get(endpoint)
    assert "elderly-mode" not in page.html.get("class", [])
    switch = display_switch(page)
    assert switch["href"].startswith(url("site.switch_display_mode", mode="elderly"))
    client_request.client.set_cookie("portal_display", "elderly")
    page = client_request.get(endpoint)
    assert "elderly-mode" in page.html["class"]
    assert page.select_one('link[href*="/static/elderly.css?v="]') is not None
    assert display_switch(page)["href"].startswith(url("site.switch_display_mode", mode="standard"))


def test_the_switch_remembers_the_choice_in_its_own_cookie_and_goes_back(client):
    response = client.get(url("site.switch_display_mode", mode="elderly", next="/contact"))
    assert response.status_code == 302
    assert response.location == "/contact"
    cookies = set_cookies(response)
    assert set(cookies) == {"portal_display"}  # no session
    cookie = cookies["portal_display"]
    assert cookie.value == display.ELDERLY
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    page = client.get("/contact").get_data(as_text=True)
    assert 'class="elderly-mode"' in page


def test_back_to_the_standard_version_forgets_the_cookie(client):
    client.get(url("site.switch_display_mode", mode="elderly"))
    response = client.get(url("site.switch_display_mode", mode="standard", next="/privacy"))
    assert response.location == "/privacy"
    assert set_cookies(response)["portal_display"]["max-age"] == "0"
    assert client.get_cookie("portal_display") is None
    assert "elderly-mode" not in client.get("/privacy").get_data(as_text=True)


def test_the_switch_goes_back_only_to_this_site(client):
    response = client.get(
        url("site.switch_display_mode", mode="elderly", next="https://evil.example/")
    )
    assert response.location == url("site.home")


def test_only_the_two_modes_exist(client):
    response = client.get("/display/large")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_a_cookie_value_not_ours_is_the_standard_mode(client):
    client.set_cookie("portal_display", "<script>")
    assert "elderly-mode" not in client.get("/").get_data(as_text=True)


def test_the_elderly_menu_keeps_what_most_visitors_come_for(elderly, english):
    # `english` and `elderly` are the same reader: the elderly mode in English.
    menu = [a.get_text(strip=True) for a in elderly.get("site.home").select(".site-nav a")]
    assert menu == ["Home", "File a petition", "Check progress", "Contact us"]


def test_the_standard_menu_lists_every_service(english):
    menu = [a.get_text(strip=True) for a in english.get("site.home").select(".site-nav a")]
    assert "Statistics" in menu and "Case information" in menu


# ---- the page cache: one copy per language and mode --------------------------------------------


def reader(app, **cookies):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def is_elderly(response) -> bool:
    return 'class="elderly-mode"' in response.get_data(as_text=True)


def test_the_page_cache_keeps_the_elderly_and_the_standard_copy_apart(app):
    home = url("site.home")
    elderly_reader = reader(app, portal_display="elderly")
    # The elderly copy first, then a standard reader: never served the elderly copy.
    assert is_elderly(elderly_reader.get(home))
    assert not is_elderly(reader(app).get(home))
    # Both copies stored now: each reader gets their own, from the store.
    for _visit in (1, 2):
        again = elderly_reader.get(home)
        assert is_elderly(again)
        assert "Set-Cookie" not in again.headers
        assert again.headers["Cache-Control"] == "public, no-cache"
        assert "Cookie" in again.headers["Vary"]  # browsers and proxies keep them apart too
        assert not is_elderly(reader(app).get(home))
    english_elderly = reader(app, portal_display="elderly", portal_locale="en").get(home)
    assert is_elderly(english_elderly)
    assert 'lang="en"' in english_elderly.get_data(as_text=True)


def test_an_elderly_page_is_served_from_the_store(app, monkeypatch):
    calls = []
    view = app.view_functions["site.contact"]

    def counting_view(**values):
        calls.append(1)
        return view(**values)

    counting_view.__dict__.update(view.__dict__)  # the same page marks
    monkeypatch.setitem(app.view_functions, "site.contact", counting_view)
    elderly_reader = reader(app, portal_display="elderly")
    pages = [elderly_reader.get(url("site.contact")) for _ in range(3)]
    assert len(calls) == 1
    assert all(is_elderly(page) for page in pages)
    assert len({page.headers["ETag"] for page in pages}) == 1


def test_a_made_up_cookie_cannot_plant_a_page_for_other_readers(app):
    home = url("site.home")
    # Values spelling the English elderly variant under a naive join of the cookies' values.
    reader(app, portal_locale="en|elderly").get(home)
    reader(app, portal_locale="en&portal_display=elderly").get(home)
    genuine = reader(app, portal_locale="en", portal_display="elderly").get(home)
    assert is_elderly(genuine)
    assert 'lang="en"' in genuine.get_data(as_text=True)
