"""Rate limits on public forms count successful submissions (core/submission_limits.py): mistakes
never lock a person out, the submission after the limit is refused with the form itself, what
was typed and the files kept, the time to wait and the hotline; every sending of a form is also
counted, much higher, against scripts."""

from __future__ import annotations

import io
import re

import pytest
from werkzeug.wrappers import Response

from portal.core.submission_limits import is_success
from tests.petitions.test_intake import PDF, VALID, petitions_count, submit

# A time to wait as babel writes it in Chinese: 45秒, 1分钟.
WAIT = re.compile(r"\d+\s?(秒|分钟)")


@pytest.fixture
def limits(app):
    """The production-like limits of the test, put back afterwards."""
    saved = {k: app.config[k] for k in ("PUBLIC_FORM_LIMIT", "PUBLIC_FORM_ATTEMPT_LIMIT")}
    yield app.config
    app.config.update(saved)


def test_only_a_saved_submission_counts():
    assert is_success(Response(status=200))  # a receipt
    assert is_success(Response(status=302))  # saved, then redirected
    assert not is_success(Response(status=400))  # sent back with errors
    assert not is_success(Response(status=503))  # not saved


def test_six_mistakes_then_a_submission_pass_and_the_seventh_submission_waits(
    client_request, limits
):
    limits["PUBLIC_FORM_LIMIT"] = "6 per minute"
    for _ in range(6):
        submit(client_request, {**VALID, "subject": ""}, _expected_status=400)
    for _ in range(6):
        submit(client_request, VALID)
    assert petitions_count() == 6
    # The seventh: the form again, as typed, with the file, the wait and the hotline.
    refused = submit(
        client_request,
        {**VALID, "attachments": [(io.BytesIO(PDF), "证据.pdf")]},
        _expected_status=429,
    )
    assert petitions_count() == 6
    assert refused.select_one("input[name=subject]")["value"] == VALID["subject"]
    assert [n.get_text(strip=True) for n in refused.select(".held-files__name")] == ["证据.pdf"]
    summary = refused.select_one("#error-summary").get_text(" ", strip=True)
    assert "12309" in summary and WAIT.search(summary)  # in the page's language
    assert refused.select_one("h1") is not None


def test_the_limit_says_when_to_come_back(client_request, limits):
    limits["PUBLIC_FORM_LIMIT"] = "1 per minute"
    submit(client_request, VALID)
    response = client_request.client.post(
        "/petitions/new", data={**client_request.form_fields("petitions.new_petition"), **VALID}
    )
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_every_sending_counts_against_the_higher_limit(client_request, limits):
    limits["PUBLIC_FORM_ATTEMPT_LIMIT"] = "3 per minute"
    for _ in range(3):
        submit(client_request, {**VALID, "subject": ""}, _expected_status=400)
    submit(client_request, VALID, _expected_status=429)
    assert petitions_count() == 0


def test_a_page_refused_by_a_limit_says_how_long_to_wait(client_request, app, limits):
    app.config["SEARCH_LIMIT"] = "1 per minute"
    try:
        client_request.get("disclosure.search_page", q="盗窃")
        page = client_request.get("disclosure.search_page", q="盗窃", _expected_status=429)
    finally:
        app.config["SEARCH_LIMIT"] = "1000 per minute"
    text = page.select_one("main").get_text(" ", strip=True)
    assert "12309" in text and WAIT.search(text)
