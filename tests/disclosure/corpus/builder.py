"""Building one document: mentions of protected and kept strings, variations, checks.

Every protected string goes into the text through `Builder.p()` / `Builder.name()` and is wrapped in
internal marks while the document is being composed. `finish()` drops the marks for the text and
replaces the marked spans with "□" for a *skeleton* (the ideal redaction). The skeleton is used to
check the document: no protected string may occur outside its own marked spans (a name that is also
part of an ordinary word, or of an official's name, would make the leak check unfair), and every
must_keep string must still be in it.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

OPEN, CLOSE = "\x0e", "\x0f"
ZW_CHARS = ("\u200b", "\u200c", "\u200d", "\ufeff")
WS_IN_NAME = (" ", "\u3000", "\n")
DOT_VARIANTS = ("•", "・", "‧", "．")

ROLE_WORDS = (
    "被告人",
    "被害人",
    "证人",
    "申诉人",
    "被不起诉人",
    "犯罪嫌疑人",
    "鉴定人",
    "法定代理人",
    "原审被告人",
    "被上诉人",
    "上诉人",
    "当事人",
)

VARIATIONS = (
    "space_in_name",  # ASCII / ideographic space or a line break inside some occurrences of a name
    "zero_width",  # U+200B/C/D or U+FEFF inside a name or a number
    "fullwidth",  # full-width digits/letters in a number or an e-mail
    "split_number",  # ID / card / phone split by spaces or a line break
    "wordlike_surname",  # 何平, 高明, 向阳...: a name that reads like a word, ≥ 5 occurrences
    "compound_surname",  # 欧阳, 司马, 诸葛...: 2- to 4-character names
    "minority_name",  # 阿不都·热合曼...
    "foreign_name",  # 约翰·史密斯, with 国籍
    "same_surname",  # two different protected people with one surname
    "nested_name",  # 王建 and 王建国
    "bare_name",  # a name with no role word before it (其妻子李梅…；李梅称…)
    "ocr_noise",  # stray line breaks inside sentences, ASCII punctuation
    "name_in_title",  # releases: a full name in the title
)


def cn_num(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    raise ValueError(n)


def ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def term(months: int) -> str:
    """有期徒刑 term in words: 三年六个月, 八个月, 二年."""
    y, m = divmod(months, 12)
    out = ""
    if y:
        out += f"{cn_num(y)}年"
    if m:
        out += f"{cn_num(m)}个月"
    return out


def money(n: int) -> str:
    return f"人民币{n}元"


def fullwidth(s: str) -> str:
    out = []
    for ch in s:
        if "!" <= ch <= "~" and ch not in "-()":
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class Person:
    name: str
    sex: str
    birth: date
    ethnicity: str = "汉族"
    education: str = "初中文化"
    occupation: str = "无业"
    id_no: str = ""
    old_id: bool = False
    address: str = ""
    village: str = ""
    phone: str = ""
    nationality: str = ""  # foreigners only
    passport: str = ""
    protected: bool = True
    keep: bool = False  # a published name stated as such (must_keep)
    tags: tuple[str, ...] = ()

    @property
    def surname(self) -> str:
        from .names import COMPOUND_SURNAMES

        if "·" in self.name:
            return self.name
        return self.name[:2] if self.name[:2] in COMPOUND_SURNAMES else self.name[0]


@dataclass
class Builder:
    rng: random.Random
    plan: set[str]
    protected: list[str] = field(default_factory=list)
    keep_terms: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    space_target: str = ""
    zw_target: str = ""
    dot_target: str = ""
    num_done: set[str] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)

    # -- people ---------------------------------------------------------------------------------
    def name(self, person: Person, *, bare: bool = False) -> str:
        if person.name not in self.people:
            self.people.append(person.name)
        if not person.protected:
            if person.keep:
                self.k(person.name)
            return person.name
        self._protect(person.name)
        for tag in person.tags:
            self.tags.add(tag)
        k = self.counts[person.name] = self.counts.get(person.name, 0) + 1
        s = person.name
        if person.nationality and k == 1:
            return OPEN + s + CLOSE + f"（{person.nationality}国籍）"
        if person.name == self.space_target and k in (2, 5, 8):
            s = self._insert(s, self.rng.choice(WS_IN_NAME))
            self.tags.add("space_in_name")
        elif person.name == self.zw_target and k in (3, 6):
            s = self._insert(s, self.rng.choice(ZW_CHARS))
            self.tags.add("zero_width")
        elif person.name == self.dot_target and "·" in s and k in (2, 4):
            s = s.replace("·", self.rng.choice(DOT_VARIANTS))
            self.tags.add("dot_variant")
        return OPEN + s + CLOSE

    def _insert(self, s: str, ch: str) -> str:
        inner = [i for i in range(1, len(s)) if s[i] != "·" and s[i - 1] != "·"]
        i = self.rng.choice(inner)
        return s[:i] + ch + s[i:]

    def _protect(self, s: str) -> None:
        if s not in self.protected:
            self.protected.append(s)

    # -- other protected strings ----------------------------------------------------------------
    def p(self, s: str, kind: str = "text") -> str:
        """A protected string (number, address, school...); numbers may get a variation."""
        self._protect(s)
        shown = s
        if kind == "id":
            self.ids.append(s)
        if kind in ("id", "card", "mobile", "landline", "email", "passport"):
            self.tags.add(kind if kind != "mobile" else "phone")
            if kind == "landline":
                self.tags.add("phone")
            shown = self._number_variation(s, kind)
        elif kind in ("address", "school", "class", "village", "health"):
            self.tags.add(kind)
            if (
                "zero_width" in self.plan
                and "zero_width" not in self.tags
                and self.rng.random() < 0.3
            ):
                shown = self._insert_plain(s, self.rng.choice(ZW_CHARS))
                self.tags.add("zero_width")
        return OPEN + shown + CLOSE

    def also(self, s: str, kind: str) -> str:
        """Register a protected string that is written inside another one (a village in an address)."""
        self._protect(s)
        self.tags.add(kind)
        return ""

    def _insert_plain(self, s: str, ch: str) -> str:
        i = self.rng.randrange(1, len(s))
        return s[:i] + ch + s[i:]

    def _number_variation(self, s: str, kind: str) -> str:
        rng = self.rng
        if "fullwidth" in self.plan and "fullwidth" not in self.num_done and rng.random() < 0.7:
            self.num_done.add("fullwidth")
            self.tags.add("fullwidth")
            return fullwidth(s)
        if (
            "split_number" in self.plan
            and "split_number" not in self.num_done
            and kind in ("id", "card", "mobile")
            and rng.random() < 0.8
        ):
            self.num_done.add("split_number")
            self.tags.add("split_number")
            if kind == "id" and len(s) == 18:
                return rng.choice(
                    (
                        f"{s[:6]} {s[6:14]} {s[14:]}",
                        f"{s[:10]}\n{s[10:]}",
                        f"{s[:6]}\u3000{s[6:]}",
                        f"{s[:14]} {s[14:]}",
                    )
                )
            if kind == "card":
                groups = " ".join(s[i : i + 4] for i in range(0, len(s), 4))
                return rng.choice((groups, f"{s[:8]}\n{s[8:]}"))
            if kind == "mobile":
                return rng.choice((f"{s[:3]} {s[3:7]} {s[7:]}", f"{s[:3]}-{s[3:7]}-{s[7:]}"))
            return s
        if "zero_width" in self.plan and "zero_width" not in self.num_done and rng.random() < 0.6:
            self.num_done.add("zero_width")
            self.tags.add("zero_width")
            return self._insert_plain(s, rng.choice(ZW_CHARS))
        return s

    # -- kept strings ---------------------------------------------------------------------------
    def k(self, s: str) -> str:
        if s not in self.keep_terms:
            self.keep_terms.append(s)
        return s

    def official(self, name: str) -> str:
        if name not in self.people:
            self.people.append(name)
        return self.k(name)

    # -- finishing ------------------------------------------------------------------------------
    def finish(self, text: str) -> tuple[str, str]:
        """(text, skeleton) of composed text with marks."""
        self._find_bare(text)
        if "ocr_noise" in self.plan:
            text = self._ocr_noise(text)
        plain = text.replace(OPEN, "").replace(CLOSE, "")
        skeleton = re.sub(f"{OPEN}[^{CLOSE}]*{CLOSE}", "□", text)
        return plain, skeleton

    def _find_bare(self, text: str) -> None:
        """Tag bare_name: a later mention of a protected person with no role word before it."""
        seen: set[str] = set()
        for m in re.finditer(f"{OPEN}([^{CLOSE}]*){CLOSE}", text):
            name = normalized(m.group(1))
            names = {normalized(n): n for n in self.counts}
            if name not in names:
                continue
            before = re.sub(
                f"[{OPEN}{CLOSE}]", "", text[max(0, m.start() - 12) : m.start()]
            ).rstrip("：:（(")
            if name in seen and not before.endswith(ROLE_WORDS) and not before.endswith("、"):
                self.tags.add("bare_name")
                return
            seen.add(name)

    def _ocr_noise(self, text: str) -> str:
        rng = self.rng
        # positions between two CJK characters outside marked spans
        spots = []
        depth = 0
        for i, ch in enumerate(text):
            if ch == OPEN:
                depth += 1
            elif ch == CLOSE:
                depth -= 1
            elif (
                depth == 0
                and i > 0
                and "\u4e00" <= ch <= "\u9fff"
                and "\u4e00" <= text[i - 1] <= "\u9fff"
            ):
                spots.append(i)
        if not spots:
            return text
        chosen = sorted(rng.sample(spots, min(len(spots), rng.randint(2, 5))), reverse=True)
        for i in chosen:
            text = text[:i] + rng.choice(("\n", "\n", " \n", "\r\n")) + text[i:]
        table = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"}
        out = []
        for ch in text:
            if ch in table and rng.random() < 0.35:
                out.append(table[ch])
            else:
                out.append(ch)
        self.tags.add("ocr_noise")
        return "".join(out)


def normalized(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf" and not ch.isspace())
    for dot in ("•", "・", "‧", "．", "･", "∙", "⋅"):
        s = s.replace(dot, "·")
    return s.lower()
