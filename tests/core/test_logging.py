"""Log lines that user input cannot forge: control characters, newlines and ANSI escapes in a
record's message, its arguments and its traceback are escaped, for every logger (the portal's
and gunicorn's access log alike)."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger

from portal.core import logs

# What an attacker types: a fake record on a new line, a carriage return that hides the real
# line on a terminal, an ANSI "clear screen", a C1 control, a Unicode line separator and a
# right-to-left override.
HOSTILE = "a@b.cn\nINFO:portal:admin logged in\r\x1b[2J\x1b[31mred\x00\x7f\x85\x9b\u2028\u202e"


@pytest.fixture
def captured():
    """A logger writing through a plain handler to a string, as a log file would."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    logger = logging.getLogger("portal.test_logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_the_app_factory_installs_the_escaping(app):
    assert getattr(logging.getLogRecordFactory(), "escapes_control_characters", False)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("line\nbreak", "line\\nbreak"),
        ("carriage\rreturn", "carriage\\rreturn"),
        ("tab\there", "tab\\there"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("nul\x00del\x7f", "nul\\x00del\\x7f"),
        ("c1\x85\x9b[2J", "c1\\x85\\x9b[2J"),
        ("sep\u2028para\u2029", "sep\\u2028para\\u2029"),
        ("bidi\u202eevil\u2066", "bidi\\u202eevil\\u2066"),
        ("信访编号 XF2026-000123 \\n", "信访编号 XF2026-000123 \\n"),  # text and backslashes stay
    ],
)
def test_escape(raw, escaped):
    assert logs.escape(raw) == escaped


def test_a_hostile_value_stays_on_its_own_line(captured):
    logger, stream = captured
    logger.warning("Failed login for %s from %s", HOSTILE, "127.0.0.1")
    output = stream.getvalue()
    assert output.count("\n") == 1 and output.endswith("\n")
    for raw in ("\r", "\x1b", "\x00", "\x7f", "\x85", "\x9b", "\u2028", "\u202e"):
        assert raw not in output
    assert output.startswith("WARNING:portal.test_logging:Failed login for a@b.cn\\nINFO:portal")
    assert "from 127.0.0.1" in output


def test_the_message_itself_and_arguments_of_any_type_are_escaped(captured):
    logger, stream = captured

    class Sneaky:
        def __str__(self):
            return "ok\nERROR:portal:forged"

    logger.info(HOSTILE)
    logger.info("value %s", Sneaky())
    logger.info("%(who)s did it", {"who": "x\ny"})
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[1] == "INFO:portal.test_logging:value ok\\nERROR:portal:forged"
    assert lines[2] == "INFO:portal.test_logging:x\\ny did it"


def test_a_traceback_cannot_start_a_line_of_its_own(captured):
    logger, stream = captured
    try:
        raise ValueError("bad value\nCRITICAL:portal:forged\x1b[2J")
    except ValueError:
        logger.exception("Unhandled error for %s", "x\ny")
    first, *rest = stream.getvalue().rstrip("\n").split("\n")
    assert first == "ERROR:portal.test_logging:Unhandled error for x\\ny"
    assert rest[0] == "  Traceback (most recent call last):"
    assert all(line[:1].isspace() for line in rest), rest  # no line can pass for a record
    assert "\x1b" not in stream.getvalue()
    assert any("CRITICAL:portal:forged\\x1b[2J" in line for line in rest)


def test_an_error_page_logs_the_failure_escaped(client, monkeypatch, caplog):
    import portal.site.views as site_views

    def broken(*args, **kwargs):
        raise RuntimeError(HOSTILE)

    monkeypatch.setattr(site_views, "render_template", broken)
    with caplog.at_level(logging.ERROR):
        assert client.get("/").status_code == 500
    [record] = [r for r in caplog.records if r.getMessage() == "Unhandled error"]
    # The exception's own line breaks stay (indented), its other controls are escaped.
    assert "\n  RuntimeError: a@b.cn\n  INFO:portal:admin logged in\\r\\x1b[2J" in record.exc_text
    assert all(line[:1].isspace() for line in record.exc_text.split("\n"))


def test_gunicorns_access_log_is_escaped_too(tmp_path):
    """gunicorn's loggers live in the worker that creates the app, so the same record factory
    escapes its access log; here its logger is used as gunicorn configures it."""
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    access = GunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/progress?x=%0A",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Mozilla\x1b[2J\nGET /staff/ 200",
        "HTTP_REFERER": "https://evil.example/\r",
    }
    request = SimpleNamespace(headers=[("USER-AGENT", environ["HTTP_USER_AGENT"])])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    access.access(response, request, environ, timedelta(seconds=0, microseconds=5))
    for handler in access.access_log.handlers:
        handler.flush()
    text = (tmp_path / "access.log").read_text()
    assert text.count("\n") == 1
    assert "Mozilla\\x1b[2J\\nGET /staff/ 200" in text
    assert "\x1b" not in text and "\r" not in text
