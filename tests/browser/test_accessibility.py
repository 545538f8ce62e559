"""axe-core on every public page and the main back-office pages, in Chinese and in English.

No violation of impact "serious" or "critical" is allowed. Every violation found, of any impact,
is written to test-output/browser/axe/<page>-<language>.json for whoever fixes the templates.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.browser.conftest import OUTPUT, ROOT
from tests.browser.pages import (
    NOT_PAGES,
    NOT_YET_CHECKED,
    PUBLIC_ENDPOINTS,
    PUBLIC_PAGES,
    STAFF_PAGES,
)
from tests.browser.support import LANGUAGES, texts

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}

# Known violations, each waiting for a fix in templates/ or static/ (see the reason); remove the
# entry once fixed: strict xfail turns the fixed page into a failure until then.
KNOWN: dict[tuple[str, str], str] = {}


def params(names):
    return [
        pytest.param(
            name,
            language,
            id=f"{name}-{language}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN[name, language])]
            if (name, language) in KNOWN
            else [],
        )
        for name in names
        for language in LANGUAGES
    ]


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def check(axe, page, name, language):
    violations = axe.run(page).response["violations"]
    folder = OUTPUT / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}-{language}.json").write_text(
        json.dumps({"url": page.url, "violations": violations}, ensure_ascii=False, indent=1)
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {name} ({language}, {page.url}):\n{describe(blocking)}"


@pytest.mark.parametrize("name, language", params(PUBLIC_PAGES))
def test_public_page_has_no_serious_accessibility_violations(
    new_context, axe, petitions, name, language
):
    page = new_context(language=LANGUAGES[language]).new_page()
    PUBLIC_PAGES[name](page, texts(language), petitions)
    check(axe, page, name, language)


@pytest.mark.parametrize("name, language", params(STAFF_PAGES))
def test_back_office_page_has_no_serious_accessibility_violations(
    staff_page, axe, petitions, name, language
):
    role, visit = STAFF_PAGES[name]
    page = staff_page(role, LANGUAGES[language])
    visit(page, texts(language), petitions)
    check(axe, page, name, language)


URL_MAP = """
import json
from portal import create_app
app = create_app()
print(json.dumps([[r.endpoint, r.rule, sorted(r.methods)] for r in app.url_map.iter_rules()]))
"""


def test_every_public_page_is_checked(tmp_path):
    """Walk the URL map: a public page nobody listed in tests/browser/pages.py would escape the
    accessibility and small-screen checks. (In a subprocess: a second app in this process would
    re-initialise the shared extensions under the other tests.)"""
    env = {
        **os.environ,
        "PORTAL_ENV": "testing",
        "SECRET_KEY": "url-map-only",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", URL_MAP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rules = json.loads(result.stdout.strip().splitlines()[-1])
    public = {
        endpoint
        for endpoint, rule, methods in rules
        if "GET" in methods
        and not rule.startswith(("/staff", "/api/"))
        and endpoint not in NOT_PAGES
    }
    unchecked = sorted(public - set(PUBLIC_ENDPOINTS) - set(NOT_YET_CHECKED))
    assert not unchecked, f"public pages not in tests/browser/pages.py: {unchecked}"
    assert set(PUBLIC_ENDPOINTS.values()) <= set(PUBLIC_PAGES)
