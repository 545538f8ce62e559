"""Public pages: no cookie for readers, validators and 304s, stored copies, and new content the
moment something is published, withdrawn or changed (portal/core/pagecache.py)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from portal.core import pagecache
from portal.core.permissions import Role
from portal.disclosure import services
from portal.extensions import db, login_manager
from tests.disclosure import samples
from tests.disclosure.factories import make_published_document, make_release, publisher
from tests.factories import login, make_petition, make_user, second_worker, url

# The pages anyone reads, with what they show: none may start a session.
READ_PAGES = [
    ("site.home", {}),
    ("disclosure.list_releases", {}),
    ("disclosure.releases_feed", {}),
    ("disclosure.list_documents", {}),
    ("disclosure.list_documents", {"type": "non_prosecution", "page": "1"}),
    ("disclosure.search_page", {"q": "诈骗"}),
    ("api.list_documents", {}),
    ("api.list_releases", {}),
    ("api.openapi_document", {}),
    ("statistics.transparency", {}),
    ("statistics.transparency_csv", {}),
    ("statistics_api.public_statistics", {}),
]


@pytest.fixture
def published():
    user = publisher()
    document = make_published_document(user, text=samples.NON_PROSECUTION)
    release = make_release(user)
    return document, release


def read_pages(published):
    document, release = published
    return [
        *READ_PAGES,
        ("disclosure.show_document", {"document_id": document.id}),
        ("disclosure.show_release", {"release_id": release.id}),
        ("api.show_document", {"document_id": document.id}),
        ("api.show_release", {"release_id": release.id}),
    ]


def fresh_get(app, path, **headers):
    """A first visit: a browser with no cookies at all."""
    return app.test_client().get(path, headers=headers)


def test_reading_public_pages_sets_no_cookie_and_allows_revalidation(app, published):
    for endpoint, values in read_pages(published):
        for _visit in (1, 2):  # rendered, then (for most) from the store
            response = fresh_get(app, url(endpoint, **values))
            assert response.status_code == 200, endpoint
            assert "Set-Cookie" not in response.headers, endpoint
            assert response.headers["Cache-Control"] == "public, no-cache", endpoint
            assert "Cookie" in response.headers["Vary"], endpoint
            assert response.headers["ETag"], endpoint
            assert "Content-Security-Policy" in response.headers, endpoint


def test_pages_with_a_form_still_get_their_session(app):
    response = fresh_get(app, url("petitions.lookup"))
    assert "Set-Cookie" in response.headers  # the CSRF token of the lookup form
    assert "no-store" in response.headers["Cache-Control"]


def test_after_a_form_the_public_pages_leave_the_session_alone(app, published):
    """A citizen who opened a form carries its session on every later page: those pages must
    not rewrite it, nor clear a remember cookie, so that they stay cacheable (revalidated)."""
    browser = app.test_client()
    assert "Set-Cookie" in browser.get(url("petitions.lookup")).headers
    for endpoint, values in read_pages(published):
        response = browser.get(url(endpoint, **values))
        assert response.status_code == 200, endpoint
        assert "Set-Cookie" not in response.headers, endpoint
        assert response.headers["Cache-Control"] == "public, no-cache", endpoint


def test_a_staff_session_is_still_dropped_when_its_browser_changes(app):
    """Session protection still holds where there is a login to protect."""
    staff = app.test_client()
    login(staff, make_user(Role.HANDLER))
    assert staff.get(url("backoffice.dashboard")).status_code == 200
    elsewhere = staff.get(url("backoffice.dashboard"), headers={"User-Agent": "another browser"})
    assert elsewhere.status_code == 302 and "/login" in elsewhere.headers["Location"]


def test_a_matching_validator_gets_304_without_a_body(app, published):
    document, _release = published
    for endpoint, values in [
        ("disclosure.show_document", {"document_id": document.id}),
        ("api.list_documents", {}),
        ("disclosure.search_page", {"q": "诈骗"}),  # validated, though never stored
    ]:
        path = url(endpoint, **values)
        first = fresh_get(app, path)
        etag = first.headers["ETag"]
        for _visit in (1, 2):  # answered by Flask, then by the store in front of it
            again = fresh_get(app, path, **{"If-None-Match": etag})
            assert again.status_code == 304, endpoint
            assert again.get_data() == b""
            assert again.headers["ETag"] == etag
        assert fresh_get(app, path, **{"If-None-Match": '"something-else"'}).status_code == 200


def test_a_stored_page_is_served_without_running_the_view(app, published, monkeypatch):
    calls = []
    view = app.view_functions["disclosure.list_documents"]

    def counting_view(**values):
        calls.append(1)
        return view(**values)

    counting_view.__dict__.update(view.__dict__)  # the same page marks
    monkeypatch.setitem(app.view_functions, "disclosure.list_documents", counting_view)
    pages = [fresh_get(app, url("disclosure.list_documents")) for _ in range(3)]
    assert len(calls) == 1
    assert len({page.get_data() for page in pages}) == 1


def test_a_new_document_shows_at_once_and_a_withdrawn_one_goes_at_once(app, published):
    document, release = published
    listing = url("disclosure.list_documents")
    page = url("disclosure.show_document", document_id=document.id)
    api_listing = url("api.list_documents")
    assert document.title in fresh_get(app, listing).get_data(as_text=True)
    old_etag = fresh_get(app, page).headers["ETag"]
    assert fresh_get(app, api_listing).json["total"] == 1

    newer = make_published_document(text=samples.NON_PROSECUTION.replace("盗窃", "诈骗"))
    assert f"/documents/{newer.id}" in fresh_get(app, listing).get_data(as_text=True)
    assert fresh_get(app, api_listing).json["total"] == 2

    services.withdraw_document(document, publisher(), reason="更正")
    db.session.commit()
    response = fresh_get(app, page, **{"If-None-Match": old_etag})
    assert response.status_code == 410  # not a 304 for the copy a reader holds
    assert "更正" in response.get_data(as_text=True)
    assert f'/documents/{document.id}"' not in fresh_get(app, listing).get_data(as_text=True)
    assert fresh_get(app, api_listing).json["total"] == 1

    feed = url("disclosure.releases_feed")
    assert release.public_title in fresh_get(app, feed).get_data(as_text=True)
    services.withdraw_release(release, publisher(), reason="更正")
    db.session.commit()
    assert release.public_title not in fresh_get(app, feed).get_data(as_text=True)


def test_each_language_has_its_own_copy(app):
    home = url("site.home")
    chinese = fresh_get(app, home).get_data(as_text=True)
    english_client = app.test_client()
    english_client.set_cookie("portal_locale", "en")
    english = english_client.get(home)
    assert 'lang="zh-Hans"' in chinese
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Set-Cookie" not in english.headers
    assert 'lang="zh-Hans"' in fresh_get(app, home).get_data(as_text=True)


def test_staff_never_get_or_leave_a_stored_page(app, client):
    fresh_get(app, url("site.home"))  # stored for readers
    clerk = make_user(Role.CLERK, name="值班书记员")
    login(client, clerk)
    staff_home = client.get(url("site.home"))
    assert "值班书记员" in staff_home.get_data(as_text=True)
    assert "no-store" in staff_home.headers["Cache-Control"]
    assert "值班书记员" not in fresh_get(app, url("site.home")).get_data(as_text=True)


def test_a_message_for_one_reader_is_not_stored_for_the_others(app):
    reader = app.test_client()
    with reader.session_transaction() as session:
        session["_flashes"] = [("info", "只给这位读者的消息")]
    assert "只给这位读者的消息" in reader.get(url("site.home")).get_data(as_text=True)
    assert "只给这位读者的消息" not in fresh_get(app, url("site.home")).get_data(as_text=True)


def test_a_page_that_renders_a_csrf_token_is_never_stored(app, monkeypatch):
    """Should a public page ever hold a form, one reader's token must not reach the next."""
    from flask import render_template_string

    def page_with_a_form():
        return render_template_string("<p>{{ csrf_token() }}</p>")

    pagecache.public_page()(page_with_a_form)
    monkeypatch.setitem(app.view_functions, "site.home", page_with_a_form)
    # Flask-Login's "strong" protection rewrites an anonymous session on every request, which
    # alone keeps such pages out of the store; without it, the token must.
    monkeypatch.setattr(login_manager, "session_protection", None)
    reader = app.test_client()
    reader.get(url("petitions.lookup"))  # a session with its token
    first = reader.get(url("site.home")).get_data(as_text=True)
    second = fresh_get(app, url("site.home")).get_data(as_text=True)
    assert first != second


def test_the_transparency_page_counts_a_petition_at_once(app):
    def received_total():
        return fresh_get(app, url("statistics_api.public_statistics")).json

    before = received_total()
    make_petition()
    after = received_total()
    assert after != before


def test_a_change_made_by_one_worker_reaches_the_others(app, published):
    document, _release = published
    other = second_worker(app)
    page = url("disclosure.show_document", document_id=document.id)
    assert fresh_get(other, page).status_code == 200  # stored in the other worker
    services.withdraw_document(document, publisher(), reason="更正")
    db.session.commit()  # in this worker
    assert fresh_get(other, page).status_code == 410


def test_hosts_sharing_redis_share_pages_and_their_invalidation(app, published, redis_url):
    document, _release = published
    first, second = (
        second_worker(app, REDIS_URL=redis_url),
        second_worker(app, REDIS_URL=redis_url),
    )
    listing = url("disclosure.list_documents")
    stored = fresh_get(first, listing)
    calls = []
    view = second.view_functions["disclosure.list_documents"]

    def counting_view(**values):
        calls.append(1)
        return view(**values)

    counting_view.__dict__.update(view.__dict__)
    second.view_functions["disclosure.list_documents"] = counting_view
    served = fresh_get(second, listing)
    assert served.get_data() == stored.get_data() and not calls  # the first host's copy

    with first.app_context():  # published on the first host
        newer = make_published_document(text=samples.NON_PROSECUTION.replace("盗窃", "抢劫"))
        newer_id = newer.id
        db.session.remove()
    assert f"/documents/{newer_id}" in fresh_get(second, listing).get_data(as_text=True)
    assert calls == [1]


def test_clearing_makes_every_stored_page_stale(app, published):
    document, _release = published
    page = url("disclosure.show_document", document_id=document.id)
    fresh_get(app, page)
    cache = app.extensions[pagecache.EXTENSION]
    key = cache.key("localhost", page, "", "")
    assert cache.current(key) is not None
    result = CliRunner().invoke(app.cli, ["page-cache", "clear"], obj=None)
    assert result.exit_code == 0, result.output
    assert cache.current(key) is None


def test_pages_are_served_and_changes_saved_when_redis_is_down(app, published):
    """The cache is an optimisation: without its store, pages are rendered and publishing
    still commits."""
    document, _release = published
    cut_off = second_worker(app, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    page = url("disclosure.show_document", document_id=document.id)
    for _visit in (1, 2):
        response = fresh_get(cut_off, page)
        assert response.status_code == 200 and document.title in response.get_data(as_text=True)
    with cut_off.app_context():
        newer = make_published_document(text=samples.NON_PROSECUTION.replace("盗窃", "抢夺"))
        newer_id = newer.id
        db.session.remove()
    assert f"/documents/{newer_id}" in fresh_get(
        cut_off, url("disclosure.list_documents")
    ).get_data(as_text=True)


def _filter_options(app, path):
    """The procuratorates the search form offers, as a reader on another host sees them."""
    page = fresh_get(app, path).get_data(as_text=True)
    select = page.split('id="filter-procuratorate"', 1)[1].split("</select>", 1)[0]
    return set(re.findall(r'<option value="([^"]+)"', select))


def test_the_search_filters_offer_a_procuratorate_from_its_first_publication_on(app, published):
    """The procuratorates of the filters are kept by each worker (kept_until_changed) and
    follow every publication and withdrawal, on every worker."""
    search = url("disclosure.search_page")
    other = second_worker(app)
    assert _filter_options(other, search) == {"示例市人民检察院"}
    assert _filter_options(other, search) == {"示例市人民检察院"}  # kept

    newer = make_published_document(
        text=samples.NON_PROSECUTION, procuratorate="示例市北湖区人民检察院"
    )
    assert _filter_options(other, search) == {"示例市人民检察院", "示例市北湖区人民检察院"}
    services.withdraw_document(newer, publisher(), reason="更正")
    db.session.commit()
    assert _filter_options(other, search) == {"示例市人民检察院"}


def test_a_result_a_transaction_may_roll_back_is_never_kept(app, published):
    """A publication not yet committed shows to its own transaction, and once rolled back, to
    no one: what the transaction saw was not kept for the others."""
    from portal.disclosure import queries
    from tests.disclosure.factories import make_document, second_publisher

    assert queries.procuratorates() == ("示例市人民检察院",)
    document = make_document(text=samples.NON_PROSECUTION, procuratorate="示例市江北区人民检察院")
    services.review(document, publisher())
    services.publish_document(document, second_publisher())
    db.session.flush()
    assert queries.procuratorates() == ("示例市人民检察院", "示例市江北区人民检察院")
    db.session.rollback()
    assert queries.procuratorates() == ("示例市人民检察院",)
