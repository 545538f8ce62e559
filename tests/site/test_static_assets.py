"""Static files named by their content (portal/core/assets.py): a page links each with the hash
of the file as it is, that URL may be kept for a year, and a changed file gets a new URL."""

from __future__ import annotations

import re

from portal.core import assets
from tests.web import parse


def static_links(client) -> dict[str, str]:
    page = parse(client.get("/"))
    links = [tag.get("href") or tag.get("src") for tag in page.select("link[href], script[src]")]
    return {link.split("?")[0].rsplit("/", 1)[-1]: link for link in links if "/static/" in link}


def test_pages_link_static_files_by_version_and_that_url_is_kept_a_year(client):
    links = static_links(client)
    assert re.fullmatch(r"/static/portal\.css\?v=[0-9a-f]{12}", links["portal.css"])
    response = client.get(links["portal.css"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_static_url_without_the_current_version_is_checked_each_time(client):
    for url in ("/static/portal.css", "/static/portal.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_url(tmp_path):
    (tmp_path / "site.css").write_text("body { color: black }")
    before = assets._version(str(tmp_path), "site.css")
    (tmp_path / "site.css").write_text("body { color: navy }")
    assets._version.cache_clear()  # a new release starts new processes
    assert assets._version(str(tmp_path), "site.css") != before
