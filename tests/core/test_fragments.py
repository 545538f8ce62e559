"""The layout's header and footer, kept once drawn for readers not logged in
(portal/core/fragments.py): every reader still gets the navigation of their language, display
mode and role, whoever came before them."""

from __future__ import annotations

from portal.core.permissions import Role
from tests.factories import login, make_user, url
from tests.web import parse


def nav_links(response) -> list[str]:
    return [a["href"] for a in parse(response).select("nav.site-nav a")]


def footer_text(response) -> str:
    return parse(response).select_one("footer.site-footer").get_text(" ", strip=True)


def reader(app, **cookies):
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def test_staff_get_their_own_navigation_and_readers_never_get_it(app, client):
    # The contact page is not stored (pagecache): each visit draws the layout.
    page = url("site.contact")
    before = nav_links(reader(app).get(page))
    login(client, make_user(Role.HANDLER))
    staff = nav_links(client.get(page))
    after = nav_links(reader(app).get(page))
    assert url("backoffice.dashboard") in staff
    assert url("backoffice.dashboard") not in before
    assert after == before
    assert url("backoffice.dashboard") in nav_links(client.get(page))


def test_each_language_and_display_mode_gets_its_own_header_and_footer(app):
    page = url("petitions.lookup")  # a page with a form: drawn for every visit
    chinese = reader(app).get(page)
    english = reader(app, portal_locale="en").get(page)
    elderly = reader(app, portal_display="elderly").get(page)
    assert "联系我们" in footer_text(chinese)
    assert "Contact us" in footer_text(english) and "联系我们" not in footer_text(english)
    # The elderly mode keeps the navigation short (templates/layout/_site_header.html).
    assert url("statistics.transparency") in nav_links(chinese)
    assert url("statistics.transparency") not in nav_links(elderly)
    assert url("statistics.transparency") in nav_links(reader(app).get(page))
    assert "Contact us" in footer_text(reader(app, portal_locale="en").get(page))
