"""Case numbers (案号) as the procuratorate writes them, and as people type them.

A case number is the office's abbreviation (the procuratorate, often a department, and the kind
of case: 示检刑诉受, 京检一部刑诉), the year in hexagonal brackets and the serial number followed
by 号: 示检刑诉受〔2026〕1号. People type it with square or round brackets, full-width digits,
spaces, a leading zero or without the final 号; normalise_case_number() turns all of those into
the one stored form, so that staff entry, CSV import and the public query agree.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 60
CASE_NUMBER_RE = re.compile(
    r"(?P<prefix>[\u3400-\u4dbf\u4e00-\u9fff]{2,20})"
    r"〔(?P<year>(?:19|20)\d{2})〕"
    r"(?P<serial>[1-9]\d{0,5})号"
)
_OPENING = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "{": "〔", "〖": "〔"})
_CLOSING = str.maketrans({"]": "〕", ")": "〕", "】": "〕", "}": "〕", "〗": "〕"})


def normalise_case_number(typed: str | None) -> str:
    """The stored form of a typed case number; unchanged in substance when it is not one.

    NFKC turns full-width digits and brackets (［２０２６］, （2026）, ﹝2026﹞) into their plain
    forms, which are then written as 〔〕; spaces go, the serial loses leading zeros, and a
    missing final 号 is added.
    """
    text = unicodedata.normalize("NFKC", typed or "")
    text = "".join(text.split()).translate(_OPENING).translate(_CLOSING)
    match = re.fullmatch(r"(.*〕)0*(\d+)号?", text)
    if match:
        text = f"{match.group(1)}{match.group(2)}号"
    return text


def is_case_number(number: str) -> bool:
    """Whether a normalised case number has the shape of one."""
    return len(number) <= MAX_LENGTH and CASE_NUMBER_RE.fullmatch(number) is not None


def case_number_year(number: str) -> int | None:
    match = CASE_NUMBER_RE.fullmatch(number)
    return int(match.group("year")) if match else None
