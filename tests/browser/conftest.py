"""End-to-end fixtures: the real portal under gunicorn, driven by Debian's Chromium.

One gunicorn server (two workers, SQLite in a temporary directory, migrated and given one staff
account per role with the `flask` commands an operator uses) and one Chromium serve the whole
session; every test gets fresh browser contexts, so cookies never leak from one test to another.
The database is not emptied between tests: each test files its own petitions and finds them by
their tracking numbers.

A missing capability (Playwright, Chromium, axe) skips these tests on a developer's machine, but
fails them under CI=true or PORTAL_TEST_STRICT=1 (what `make test` sets): never a silent skip.
When a test fails, a screenshot and the HTML of every open page go to test-output/browser/.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from tests.browser.support import PASSWORD, STAFF
from tests.capabilities import missing_capability
from tests.sms_gateway import as_environment, running_gateway

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps calling hosts this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _app_context():
    """Replaces tests/conftest.py's fixture of the same name: these tests talk to gunicorn over
    HTTP and never touch the in-process app or its database."""
    yield


# ---- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin(name: str) -> str:
    """A console script of the virtualenv running pytest (.venv/bin/gunicorn under `make test`)."""
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


class Inbox(Message):
    """What the local SMTP server accepted."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture(scope="session")
def outside_world():
    """The services the portal talks to, started for real in this process: an SMTP server (its
    Inbox) and an SMS gateway of the providers' shape (tests/sms_gateway.py)."""
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    with running_gateway() as (gateway, sms_settings):
        yield SimpleNamespace(
            inbox=inbox,
            gateway=gateway,
            environment={
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(smtp.port),
                **as_environment(sms_settings),
            },
        )
    smtp.stop()


@pytest.fixture(scope="session")
def live_environment(tmp_path_factory, outside_world) -> dict[str, str]:
    """The environment of the portal under test, for gunicorn and the `flask` commands alike."""
    tmp = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "PORTAL_ENV": "testing",
        "SECRET_KEY": "browser-test-secret-key-not-for-production",
        "DATABASE_URL": f"sqlite:///{tmp / 'portal.sqlite'}",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PUBLIC_FORM_LIMIT": "1000 per minute",
        "PUBLIC_FORM_ATTEMPT_LIMIT": "1000 per minute",
        "LOOKUP_LIMIT": "1000 per minute",
        "LOGIN_LIMIT": "1000 per minute",
        "SEARCH_LIMIT": "1000 per minute",
        "PORTAL_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
        **outside_world.environment,
    }
    for name in ("TEST_DATABASE_URL", "REDIS_URL", "FLASK_APP"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def operator(live_environment):
    """operator("send-sms"): run a `flask` command on the live portal as an operator (or cron)
    does; its output."""

    def flask(*args) -> str:
        result = subprocess.run(
            [_bin("flask"), "--app", "portal", *args],
            cwd=ROOT,
            env=live_environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            pytest.fail(
                f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False
            )
        return result.stdout

    return flask


@pytest.fixture(scope="session")
def live_server(live_environment, operator, tmp_path_factory) -> str:
    """Start gunicorn on a free port, as an operator would; yields its base URL."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = live_environment
    flask = operator
    flask("db", "upgrade")
    for staff in STAFF.values():
        flask("users", "create", staff.email, "--role", staff.role, "--name", staff.name)
    # The demo data gives the other domains' pages something to show: a case, a published
    # document and release, a reception office with opening hours and a verified lawyer.
    flask("demo-data")

    port = _free_port()
    log_path = tmp / "gunicorn.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            _bin("gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}",
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"gunicorn did not answer /healthz in 30 s:\n{log_path.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield base_url
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # the master and its workers
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()
        # gunicorn's log, with tracebacks of any 500, stays with the other failure evidence.
        OUTPUT.mkdir(parents=True, exist_ok=True)
        shutil.copy(log_path, OUTPUT / "gunicorn.log")


# ---- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_capability("Playwright is not installed (make install-test)")
    if not os.access(CHROMIUM, os.X_OK):
        missing_capability(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _clean_output():
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def new_context(browser, live_server):
    """Make a browser context (a person at their own computer); all closed after the test."""
    contexts = []

    def make(*, language: str | None = None, viewport=None, **options):
        context = browser.new_context(
            base_url=live_server,
            viewport=viewport or {"width": 1280, "height": 900},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            **options,
        )
        context.set_default_timeout(15_000)
        if language:
            context.add_cookies([{"name": "portal_locale", "value": language, "url": live_server}])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context, in the default language (Chinese)."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def staff_state(browser, live_server, tmp_path_factory):
    """Log each staff member in once; tests start from the saved cookies (storage state)."""
    from tests.browser.support import log_in

    saved: dict[str, dict] = {}

    def state(role: str) -> dict:
        if role not in saved:
            context = browser.new_context(base_url=live_server, locale="zh-CN")
            page = context.new_page()
            log_in(page, STAFF[role])
            saved[role] = context.storage_state()
            context.close()
        return saved[role]

    return state


@pytest.fixture
def staff_page(new_context, staff_state):
    """staff_page(role, language=None): a page in a context where that staff member is logged in."""

    def make(role: str, language: str | None = None):
        return new_context(storage_state=staff_state(role), language=language).new_page()

    return make


@pytest.fixture(scope="session")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing_capability("axe-playwright-python is not installed (make install-test)")
    return Axe()


# ---- evidence on failure ---------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        browser = item.funcargs.get("browser")
        if browser is not None:
            _save_pages(item, browser, report)
    return report


def _save_pages(item, browser, report) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])[:150]
    saved = []
    for c, context in enumerate(browser.contexts):
        for p, page in enumerate(context.pages):
            name = f"{stem}-{c}-{p}"
            try:
                page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
                (OUTPUT / f"{name}.html").write_text(f"<!-- {page.url} -->\n{page.content()}")
                saved.append(f"{name}.png ({page.url})")
            except Exception as error:  # the page may have crashed: keep going
                saved.append(f"{name}: could not save ({error})")
    if saved:
        report.sections.append(
            ("browser evidence", f"in {OUTPUT.relative_to(ROOT)}: " + ", ".join(saved))
        )


# ---- petitions for the page checks -----------------------------------------------------------


@pytest.fixture(scope="session")
def received_petition(browser, live_server):
    """(number, code) of a petition just filed online, state `received`."""
    from tests.browser.support import Petitioner, file_petition, texts

    context = browser.new_context(base_url=live_server)
    number, code = file_petition(
        context.new_page(), texts("zh"), Petitioner(subject="用于页面检查的控告（待受理）")
    )
    context.close()
    return number, code


@pytest.fixture(scope="session")
def answered_petition(browser, live_server, staff_state):
    """(number, code) of a petition accepted, assigned, answered and approved: state `answered`,
    so that its progress page shows the replies and the objection form."""
    from tests.browser.support import Petitioner, answer_petition, file_petition, texts

    context = browser.new_context(base_url=live_server)
    number, code = file_petition(
        context.new_page(), texts("zh"), Petitioner(subject="用于页面检查的控告（已答复）")
    )
    context.close()
    contexts = {
        role: browser.new_context(base_url=live_server, storage_state=staff_state(role))
        for role in ("clerk", "handler", "leader")
    }
    answer_petition({role: c.new_page() for role, c in contexts.items()}, number)
    for c in contexts.values():
        c.close()
    return number, code


class Petitions:
    """The seeded petitions, made only when a test first asks for one."""

    def __init__(self, request):
        self._request = request

    @property
    def received(self):
        return self._request.getfixturevalue("received_petition")

    @property
    def answered(self):
        return self._request.getfixturevalue("answered_petition")


@pytest.fixture
def petitions(request):
    return Petitions(request)
