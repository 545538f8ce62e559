"""Log lines that user input cannot forge.

A value a visitor typed (an e-mail at a failed login, a tracking number, a path, a User-Agent in
the access log) can hold a newline that starts a fake log line, a carriage return that hides the
real one on a terminal, or an ANSI escape that recolours or rewrites the screen of whoever reads
the log. `escape_control_characters()`, called by the app factory, installs a log record factory
for the whole process, so every record, from any logger (the portal's, Flask's, SQLAlchemy's,
gunicorn's error and access logs, which are created in the same worker process), is made safe
once, when it is created, before any handler or formatter sees it:

- the message is formatted with its arguments and then escaped (`escape`): C0 and C1 control
  characters and DEL become `\\n`, `\\r`, `\\t` or `\\xNN` (so an ANSI escape loses its ESC and is
  shown as text), and Unicode line separators and bidirectional overrides become `\\uNNNN`;
  the escaped text replaces the message and the arguments are dropped;
- an exception's traceback is formatted then too; its control characters are escaped except
  its own line breaks, and every one of its lines is indented, so an exception message that
  carries a newline (a database error quoting a value, say) cannot start a line that looks
  like a record of its own.

Backslashes are left alone, so a record is never escaped twice into something unreadable; a
typed backslash sequence still cannot break a line, which is what matters.
"""

from __future__ import annotations

import logging
import re

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TRACEBACK_CONTROLS = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


def _escape_one(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """`text` on one line, every control character written out as an escape."""
    return _CONTROLS.sub(_escape_one, text)


def escape_traceback(text: str) -> str:
    """A formatted traceback with its controls escaped and every line indented."""
    text = _TRACEBACK_CONTROLS.sub(_escape_one, text.replace("\r\n", "\n"))
    return "\n".join(line if line[:1].isspace() else "  " + line for line in text.split("\n"))


def escape_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001  (logging reports the bad format itself, with repr()s)
        return
    record.msg, record.args = escape(message), ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = escape_traceback(logging.Formatter().formatException(record.exc_info))


def escape_control_characters() -> None:
    """Install the escaping record factory (once per process, however many apps are made)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "escapes_control_characters", False):
        return

    def make_record(*args, **kwargs):
        record = previous(*args, **kwargs)
        escape_record(record)
        return record

    make_record.escapes_control_characters = True
    logging.setLogRecordFactory(make_record)
    _plain_werkzeug_log()


def _plain_werkzeug_log() -> None:
    """The development server colours its request log with ANSI codes, which would now show
    as escapes; it already escapes the request line itself, so its colours are switched off."""
    try:
        from werkzeug import serving
    except ImportError:  # pragma: no cover
        return
    if hasattr(serving, "_log_add_style"):
        serving._log_add_style = False
