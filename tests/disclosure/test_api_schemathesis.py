"""The open data API, every part of it, driven from its own OpenAPI document (as served: each
domain's part, assembled by portal/core/api.py) by Schemathesis through the WSGI app: with valid parameters and with invalid ones, no answer is a
5xx, and every answer (errors included) has a documented status, content type and schema.

Schemathesis's pytest plugin (`from_fixture`) does not run under pytest 9, so each operation's
strategy is driven by Hypothesis here; the example count is kept modest (the suite's budget)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.disclosure.factories import make_published_document, make_release
from tests.factories import make_petition

EXAMPLES = 40
# An empty parameter (`?type=`) means "not given", as an HTML form sends it: accepted, although
# the schema's enum has no empty value. Every other check runs (no 5xx among them).
LENIENT = [schemathesis.checks.negative_data_rejection]
# The years the statistics accept run from the first year with petitions to this one: they
# depend on the data and the date, which the description states in words but no static bound
# can hold, so a well-formed year outside them is a documented 400 there, not a 2xx.
DATA_BOUNDED = {"GET /statistics": [schemathesis.checks.positive_data_acceptance]}


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_the_api_answers_every_request_as_documented(app, mode):
    make_published_document(text="被不起诉人林某涉嫌盗窃罪，情节轻微。")
    make_release()
    # Petitions in the statistics: a named petitioner, an anonymous report, by two channels.
    make_petition()
    make_petition(kind="report", channel="letter", is_anonymous=True, name=None, mobile=None)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"GET /documents/{document_id}", "GET /releases", "GET /statistics"} <= {
        o.label for o in operations
    }

    for operation in operations:
        drive(operation, mode, excluded=LENIENT + DATA_BOUNDED.get(operation.label, []))


def drive(operation, mode, *, excluded):
    """EXAMPLES requests of `mode` to `operation`, each answer validated."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(excluded_checks=excluded)

    check()
