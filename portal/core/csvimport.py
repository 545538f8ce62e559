"""Reading a CSV file staff import (cases, bribery records): the bytes as text, the records with
their line numbers, and how a header or a listed name is compared.

Files come from Excel in China as often as from anywhere: saved as "CSV UTF-8" (with a BOM), as
plain "CSV" (GB18030/GBK), or as "Unicode text" (UTF-16, tab-separated); with full-width letters,
digits and spaces typed by a Chinese input method. An import is all or nothing: every problem is
collected with the line it is on and the whole file refused (`ImportFailed`), so that a file is
corrected and imported again, never half imported. What each row means is the domain's.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata

from portal.core.i18n import gettext as _

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

# Marks around a header or a name that say nothing: a required-column star, a colon, quotes,
# a stray full stop or comma (after NFKC, so full-width ones are among them).
NOISE = " \t*:;,.、。'\"“”‘’!?"
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_BRACKETED_TAIL = re.compile(r"\([^()]*\)$")


class ImportFailed(Exception):
    """The file was refused as a whole; `errors` are messages naming the line of each problem."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def key(text: str) -> str:
    """How a header, or a name from a list, is compared: NFKC (full-width letters, digits,
    brackets and spaces become plain ones), no spaces or invisible characters, no marks at the
    ends, no bracketed tail such as "(optional)" / "（选填）", case-folded."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text or ""))
    text = _BRACKETED_TAIL.sub("", text.strip(NOISE)).strip(NOISE)
    return text.casefold()


def decode(raw: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """The file's text and its delimiter: UTF-8 (with or without a BOM), else Excel's "Unicode
    text" (UTF-16 with a BOM, tab-separated), else GB18030 (which contains GBK and GB2312, what
    Excel in China saves as plain CSV)."""
    if len(raw) > max_bytes:
        raise ImportFailed([
            _("The file is larger than %(mb)s MB. Split it into smaller files.",
              mb=max(max_bytes // (1024 * 1024), 1))
        ])  # fmt: skip
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "\t"
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding), ","
            except UnicodeDecodeError:
                continue
    raise ImportFailed(
        [
            _(
                "The file's characters could not be read. In Excel, save it as “CSV UTF-8 "
                "(comma delimited)” or “CSV (comma delimited)” and import it again."
            )
        ]
    )


def clean(cell: str) -> str:
    """A cell without the spaces around it, full-width and invisible ones too."""
    return INVISIBLE.sub(" ", cell).strip()


def read_rows(text: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error:
            raise ImportFailed([
                _("Line %(line)s could not be read as CSV: check its quotation marks.", line=line)
            ]) from None  # fmt: skip
        rows.append((line, [clean(cell) for cell in cells]))


def template(labels) -> bytes:
    """A header row of these labels, with a BOM so that Excel opens it as UTF-8."""
    out = io.StringIO(newline="")
    csv.writer(out).writerow(str(label) for label in labels)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
