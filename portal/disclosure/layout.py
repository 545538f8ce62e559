"""A published legal document laid out as the formal 文书 it is: the heading (the issuing
procuratorate and the document type) and the number come from the record; the published text
gives the body and the signature block.

Documents are pasted or extracted with their own heading and signature lines (示例市人民检察院 /
不起诉决定书 / 示检刑不诉〔2026〕3号 … 检察员 王某 / 2026年9月10日). The lines at the start that
repeat the heading are left out of the body (the page prints the heading once, from the record);
the short lines at the end that are a signature (an office and a name, the procuratorate, the seal,
the date) become the right-aligned signature block. Everything else stays as published, line by
line, one paragraph a line. Only the layout changes: no word of the published text is dropped but
the repeated heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.disclosure.models import LegalDocument

_NUMERAL = r"[〇零一二三四五六七八九十○Ｏ0-9０-９]"
_DATE = re.compile(rf"^{_NUMERAL}{{2,4}}\s*年\s*{_NUMERAL}{{1,3}}\s*月\s*{_NUMERAL}{{1,3}}\s*日$")
_OFFICE = re.compile(
    r"^(代理)?(检察长|副检察长|检察员|检察官|检察官助理|书记员)[\s:：]*[^\s，。；：]{0,12}$"
)
_SEAL = re.compile(r"^[（(](院印|印章|盖章)[）)]$")
_SPACES = re.compile(r"\s+")
_SIGNATURE_LINE_MAX = 30


@dataclass(frozen=True)
class FormalText:
    paragraphs: tuple[str, ...]
    signature: tuple[str, ...]


def _squeezed(line: str) -> str:
    """Without spaces: headings are often spaced out (不 起 诉 决 定 书)."""
    return _SPACES.sub("", line)


def _is_signature(line: str, issuer: str) -> bool:
    if len(line) > _SIGNATURE_LINE_MAX:
        return False
    squeezed = _squeezed(line)
    return bool(
        _DATE.match(squeezed)
        or _OFFICE.match(line)
        or _SEAL.match(squeezed)
        or squeezed == _squeezed(issuer)
        or squeezed.endswith("人民检察院")
    )


def formal_text(document: LegalDocument) -> FormalText:
    lines = [line.strip() for line in (document.redacted_text or "").splitlines()]
    lines = [line for line in lines if line]
    heading = {
        _squeezed(document.procuratorate),
        _squeezed(document.type_enum.zh),
        _squeezed(document.case_number),
        _squeezed(document.procuratorate + document.type_enum.zh),
    }
    start = 0
    while start < len(lines) and _squeezed(lines[start]) in heading:
        start += 1
    end = len(lines)
    while end > start + 1 and _is_signature(lines[end - 1], document.procuratorate):
        end -= 1
    return FormalText(paragraphs=tuple(lines[start:end]), signature=tuple(lines[end:]))
