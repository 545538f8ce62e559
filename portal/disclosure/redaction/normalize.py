"""The text as the detectors read it, with a map back to the original.

Personal data hides in the way a text is written, not only in what it says: a PDF or OCR line
wrap inside a name (`沈⏎勇`), a space typed inside it (`刘 强`), a zero-width character pasted from
the web, full-width digits (`１３９…`), an identity number split into groups (`320106 1985…`).
Every detector therefore runs on a normalised view:

* each character folded with NFKC (full-width digits, letters and `＠` become ASCII);
* format characters (Unicode category Cf: zero-width spaces and joiners, BOM, soft hyphen)
  dropped;
* dashes (— – －) written as a hyphen;
* the middle dots of transcribed and minority names (· • ・ ‧ …, and a full stop between two
  Chinese characters) written as `·`;
* in the *joined* view, white space dropped where it stands inside a run of Chinese characters
  or of digits, and every line break dropped (a wrap of the page, not a separator);
* lines of page furniture (第 2 页 共 5 页, - 3 -) read past, in both views.

Each character of a view remembers the original span it came from, so a hit in the view maps
back to the whole original span, spaces and breaks inside it included: what is redacted is the
text as written. A *kept* view (white space as written) is read too, because joining can glue a
number to the next line's number and hide it from a pattern that wants a boundary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

DOT = "·"
_DOT_VARIANTS = frozenset("·•・‧∙⋅･･\u0387\u2027\u30fb\uff65")
# Dashes typed inside numbers (021—6688 9900): NFKC leaves them; the views read a hyphen.
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_LATIN_WORD = re.compile(r"[A-Za-z0-9@._%+\-]")


# Characters of names transcribed into Chinese (Uyghur, Kazakh, foreign), from the national
# transcription tables: where a full stop stands between two of them, it is a name's dot.
TRANSCRIPTION = frozenset(
    "阿埃艾爱安昂奥巴拜班邦贝本比彼毕波伯博布查达代丹道德迪蒂丁东杜多厄恩尔法凡菲费芬弗福盖甘冈"
    "戈格贡古哈海汉豪赫亨胡华霍基吉加贾杰金卡凯坎康考柯科克肯库拉莱兰朗劳勒雷里利莉丽良列林琳"
    "卢鲁路伦罗洛马玛迈麦曼梅门蒙米密明姆莫默穆纳娜奈南内尼妮宁努诺帕潘佩皮普齐奇恰乔切琼让热"
    "瑞萨塞桑森沙山舍圣施什史斯松苏索塔泰坦汤唐特提图托瓦万威韦维温沃乌西希夏谢辛休雅亚扬耶伊"
    "依英尤约扎詹朱卓兹佐吐逊合买力江别木铁孜则娃白黑根次仁西嘎吉央措旺堆平珠拜克热孜娅丝琪"
    "卜杜尔沙提肉麦热米尼扎哈尔帕迪丽努尔兰赛叶依明肯合曼力逊洪德尔拉孜罕姑"
    "大卫翰瑟丝莎妮娅蕾夫基奇耶契柯琳露茜玛利亚伊娃安娜达娜卡佳杰克汤姆罗伯逊森顿曼斯特"
    "日且呷俄黑格勒图其颂猜乍蓬汶隆素察功朋"
)


_DOTTED_PARTS_RE = re.compile(
    r"(?P<left>[\u4e00-\u9fff]{2,8})" + DOT + r"(?P<right>[\u4e00-\u9fff]{2,8})"
)


def is_han(ch: str) -> bool:
    return (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\uf900" <= ch <= "\ufaff"
        or ch == "〇"
    )


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _joins(before: str, after: str, run: str) -> bool:
    """Is the white space `run` between `before` and `after` inside one written unit?"""
    if not before or not after:
        return False
    if (is_han(before) or before == DOT) and (is_han(after) or after == DOT):
        return True
    if (_is_digit(before) or before in ")）") and (_is_digit(after) or after in "Xx"):
        return True  # 139 1234 5678, （028）⏎55070999
    if "@" in (before, after) and _LATIN_WORD.match(before) and _LATIN_WORD.match(after):
        return True
    # A line break is a wrap of the page, not a separator: 初三（4）⏎班, 苏州市姑苏区⏎育才路.
    return "\n" in run


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":
        return ""
    if ch in _DOT_VARIANTS:
        return DOT
    if ch in _DASHES:
        return "-"
    folded = unicodedata.normalize("NFKC", ch)
    return DOT if folded in _DOT_VARIANTS else folded


@dataclass(frozen=True)
class View:
    """A normalised view of `original`: `text[i]` came from `original[starts[i]:ends[i]]`."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span behind text[start:end] (end > start)."""
        return self.starts[start], self.ends[end - 1]


# Page furniture that a PDF or a scan puts between the lines of a paragraph ("第 2 页 共 5 页",
# "- 3 -", "2/5"): read past, so that a name or a number cut by a page break is whole again.
_PAGE_LINE_RE = re.compile(
    r"^[ \t\u3000]*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|[-—－]\s*\d+\s*[-—－]"
    r"|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)[ \t\u3000]*\n",
    re.MULTILINE | re.IGNORECASE,
)


def _running_headers(original: str, page_lines: set[int]):
    """A running header that a PDF repeats on every page (乌鲁木齐市人民检察院起诉书): every
    occurrence of such a line after the first, and any such line next to a page number."""
    seen = set()
    lines = list(_LINE_RE.finditer(original))
    for index, match in enumerate(lines):
        line = match.group(1).strip(" \t\u3000")
        if not (4 <= len(line) <= 40 and _HEADER_RE.search(line)):
            continue
        beside_page = any(
            0 <= other < len(lines) and lines[other].start() in page_lines
            for other in (index - 1, index + 1)
        )
        if line in seen or beside_page:
            yield match.start(), match.end()
        seen.add(line)


_LINE_RE = re.compile(r"^([^\n]*)\n", re.MULTILINE)
_HEADER_RE = re.compile(r"(?:检察院|法院)(?:[\u4e00-\u9fff]{0,12}书)?$|决定书$|起诉书$|抗诉书$")


def view(original: str, *, join: bool) -> View:
    skipped = set()
    page_lines = set()
    for match in _PAGE_LINE_RE.finditer(original):
        skipped.update(range(match.start(), match.end()))
        page_lines.add(match.start())
    for start, end in _running_headers(original, page_lines):
        skipped.update(range(start, end))
    folded: list[tuple[str, int]] = []
    for index, ch in enumerate(original):
        if index in skipped:
            continue
        for out in _fold(ch):
            folded.append((out, index))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    while position < len(folded):
        ch, index = folded[position]
        if join and ch.isspace():
            run_end = position
            while run_end < len(folded) and folded[run_end][0].isspace():
                run_end += 1
            run = "".join(c for c, _i in folded[position:run_end])
            after = folded[run_end][0] if run_end < len(folded) else ""
            if _joins(chars[-1] if chars else "", after, run):
                position = run_end
                continue
            for c, i in folded[position:run_end]:
                chars.append(c)
                starts.append(i)
                ends.append(i + 1)
            position = run_end
            continue
        chars.append(ch)
        starts.append(index)
        ends.append(index + 1)
        position += 1
    # A full stop between two characters of transcription is the dot of a name (热依拉.买买提);
    # elsewhere it ends a sentence (被当场抓获.孔美玲称).
    # The same name written elsewhere with a real dot settles it too (迪丽拜尔．吾斯曼).
    text = "".join(chars)
    dotted = {(m["left"][-2:], m["right"][:2]) for m in _DOTTED_PARTS_RE.finditer(text)}
    for index in range(1, len(chars) - 1):
        if chars[index] != ".":
            continue
        before, after = chars[index - 1], chars[index + 1]
        if before in TRANSCRIPTION and after in TRANSCRIPTION:
            chars[index] = DOT
        elif is_han(before) and is_han(after):
            if (text[index - 2 : index], text[index + 1 : index + 3]) in dotted:
                chars[index] = DOT
    return View(original, "".join(chars), tuple(starts), tuple(ends))


def normalized(text: str) -> str:
    """The form in which two writings of the same name or number compare equal: folded, without
    format characters, and without any white space at all (the strictest comparison)."""
    return "".join(ch for ch in view(text or "", join=False).text if not ch.isspace())
