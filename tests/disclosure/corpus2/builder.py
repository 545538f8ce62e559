"""Building blocks of the second corpus: people, secrets, places and the final rendering.

Templates write their text with people and secrets as placeholders (``str(person)`` is a token
of private-use characters). ``Doc.finish`` then applies the variations (split names, dotted
names, split and full-width numbers, OCR noise), resolves the tokens and checks the document:
every listed term occurs, no protected term occurs anywhere except where a placeholder put it,
and an ideal redaction (every protected term removed) keeps every must_keep term.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from tests.disclosure.corpus_check import CorpusDocument, normalized

from . import names as N

OPEN, CLOSE = "\ue000", "\ue001"
TOKEN = re.compile(f"{OPEN}(\\d+){CLOSE}")

CITIES = ("澜江市", "桐岭市", "沅台市", "蓼溪市", "青崖市", "鹤川市", "芷阳市", "雁滨市")
DISTRICTS = (
    "东湖区",
    "西岭区",
    "南浦区",
    "北塘区",
    "新港区",
    "临河区",
    "云栖区",
    "柳湾区",
    "松涛区",
)
PROVINCES = ("江西省", "湖南省", "四川省", "河南省", "安徽省", "贵州省", "甘肃省", "福建省")
COUNTIES = ("永丰县", "青石县", "檀溪县", "梅岭县", "白沙县", "柏舟县", "乐安县", "兰亭县")
TOWNS = ("塔前镇", "清泉镇", "枫坪镇", "龙潭镇", "杨柳镇", "桥头镇", "双河镇", "云岗镇")
VILLAGES = ("石溪村", "上坪村", "杏花村", "北岸村", "竹园村", "下湾村", "茶岭村", "新屋村")
ROADS = ("柳堤路", "银杏大道", "晴川街", "丰乐路", "观澜巷", "锦绣东路", "翠苑街", "长虹北路")
ESTATES = ("碧水华庭", "金桂小区", "御景苑", "阳光新城", "紫荆花园", "鹭岛公寓", "锦程家园")
SCHOOL_NAMES = ("枫林", "育才", "实验", "滨江", "明德", "启智", "新华", "崇文", "桂山")
REGION_CODES = (
    "360981",
    "430124",
    "510107",
    "410105",
    "340104",
    "520102",
    "620102",
    "350102",
    "330106",
    "420111",
    "610113",
    "440304",
    "320102",
    "110105",
)
CARD_PREFIXES = ("622202", "621700", "622848", "621483", "622588", "625965", "621226", "622700")
MAIL_DOMAINS = ("163.com", "qq.com", "126.com", "sina.com", "foxmail.com", "yeah.net")

CN_DIGITS = "零一二三四五六七八九"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def luhn_ok(number: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def cn(n: int) -> str:
    """Chinese numeral for 0..99 as used in sentences (十, 十二, 二十三)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def term(months: int) -> str:
    """A term of months as written in a judgment: 三年六个月, 十个月."""
    y, m = divmod(months, 12)
    out = f"{cn(y)}年" if y else ""
    if m:
        out += f"{cn(m)}个月"
    return out


def prison(months: int) -> str:
    if months == -1:
        return "无期徒刑"
    if months == -2:
        return "死刑，缓期二年执行"
    return "有期徒刑" + term(months)


def is_long(months: int) -> bool:
    """More than three years, life or death."""
    return months < 0 or months > 36


class Retry(Exception):
    """The drawn names or places collide with the template; draw again."""


@dataclass(eq=False)
class Person:
    idx: int
    full: str
    sex: str
    birth: dt.date
    ethnic: str
    nationality: str
    roman: str
    passport_pattern: str
    official: bool
    protected: bool | None
    style: str

    def __str__(self) -> str:
        return f"{OPEN}{self.idx}{CLOSE}"

    def __format__(self, spec: str) -> str:
        return str(self)

    @property
    def dotted(self) -> bool:
        return "·" in self.full


@dataclass(eq=False)
class Secret:
    idx: int
    value: str
    kind: str  # id, mobile, landline, card, account, email, passport, address, health, school...
    protected: bool

    def __str__(self) -> str:
        return f"{OPEN}{self.idx}{CLOSE}"

    def __format__(self, spec: str) -> str:
        return str(self)


NUMERIC = {"id", "id15", "mobile", "landline", "card", "account", "passport", "email"}
SPLITS = {
    "name_space": " ",
    "name_fullwidth_space": "\u3000",
    "name_linebreak": "\n",
    "name_zero_width": "\u200b",
}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


class Doc:
    def __init__(self, ident: str, kind: str, seed: int) -> None:
        self.ident = ident
        self.kind = kind
        self.rng = random.Random(seed)
        self.items: list[Person | Secret] = []
        self.keeps: list[str] = []
        self.tags: set[str] = set()
        self.minor = False
        self.city = self.rng.choice(CITIES)
        self.district = self.rng.choice(DISTRICTS)
        self.year = self.rng.randint(2021, 2024)
        self.level = ""  # level of the first procuratorate named: the author of the document

    # ----- plain helpers ------------------------------------------------------------------
    def choice(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def tag(self, *names: str) -> None:
        self.tags.update(names)

    def kw(self, word: str) -> str:
        """A word to keep (registered in must_keep) and returned for the text."""
        if word not in self.keeps:
            self.keeps.append(word)
        return word

    def date(self, year: int | None = None, after: dt.date | None = None, days: int = 0) -> dt.date:
        if after is not None:
            return after + dt.timedelta(days=days or self.rng.randint(5, 60))
        y = year or self.year
        return dt.date(y, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def later(self, d: dt.date, lo: int = 5, hi: int = 60) -> dt.date:
        return d + dt.timedelta(days=self.rng.randint(lo, hi))

    def amount(self, lo: float, hi: float, style: str | None = None) -> str:
        """An amount in yuan, registered in must_keep."""
        style = style or self.choice(("wan", "yuan", "yuan_comma"))
        value = self.rng.uniform(lo, hi)
        if style == "wan" and value >= 10000:
            text = f"人民币{value / 10000:.2f}".rstrip("0").rstrip(".") + "万元"
        elif style == "yuan_comma":
            text = f"人民币{int(value):,}元"
        else:
            text = f"{int(value)}元"
        return self.kw(text)

    # ----- institutions (all kept) ------------------------------------------------------------
    @property
    def abbr(self) -> str:
        return self.city[0] + self.district[0]

    def procuratorate(self, level: str = "district") -> str:
        self.level = self.level or level
        name = (self.city + self.district if level == "district" else self.city) + "人民检察院"
        return self.kw(name)

    def court(self, level: str = "district") -> str:
        if level == "intermediate":
            return self.kw(self.city + "中级人民法院")
        return self.kw(self.city + self.district + "人民法院")

    def police(self) -> str:
        return self.kw(self.city + "公安局" + self.district + "分局")

    def docno(self, code: str, year: int | None = None) -> str:
        abbr = self.city[0] if self.level == "city" else self.abbr
        return self.kw(f"{abbr}检{code}〔{year or self.year}〕{self.rng.randint(3, 480)}号")

    def cause(self, name: str) -> str:
        return self.kw(name)

    # ----- people --------------------------------------------------------------------------
    def _name(self, style: str) -> tuple[str, str, str, str, str]:
        """(full, ethnic, nationality, roman, passport pattern)"""
        r = self.rng
        if style == "han2":
            return r.choice(N.SURNAMES) + r.choice(N.GIVEN_1), "汉族", "", "", ""
        if style == "han3":
            return r.choice(N.SURNAMES) + r.choice(N.GIVEN_2), "汉族", "", "", ""
        if style == "compound":
            given = r.choice(N.GIVEN_1 + N.GIVEN_2)
            return r.choice(N.COMPOUND_SURNAMES) + given, "汉族", "", "", ""
        if style == "wordlike":
            return r.choice(N.WORDLIKE_NAMES), "汉族", "", "", ""
        if style == "minority":
            name, ethnic = r.choice(N.MINORITY_NAMES)
            return name, ethnic, "", "", ""
        if style == "foreign":
            name, nat, roman, pattern = r.choice(N.FOREIGN_NAMES)
            return name, "", nat, roman, pattern
        raise ValueError(style)

    def person(
        self,
        protected: bool | None = True,
        style: str | None = None,
        *,
        sex: str | None = None,
        born: tuple[int, int] = (1962, 1999),
        name: str | None = None,
        official: bool = False,
        kin: Person | None = None,
    ) -> Person:
        r = self.rng
        if style is None:
            if official:
                style = r.choices(("han2", "han3", "compound"), (3, 6, 1))[0]
            else:
                style = r.choices(
                    ("han2", "han3", "compound", "minority", "foreign"), (16, 58, 12, 8, 6)
                )[0]
        existing = [p.full for p in self.items if isinstance(p, Person)]
        for _ in range(200):
            if name is not None:
                full, ethnic, nat, roman, pattern = name, "汉族", "", "", ""
            elif kin is not None and kin.style in ("han2", "han3", "wordlike"):
                full, ethnic, nat, roman, pattern = self._name(
                    style if style in ("han2", "han3") else "han3"
                )
                full = kin.full[0] + full[1:]
            else:
                full, ethnic, nat, roman, pattern = self._name(style)
            if name is not None or all(full not in e and e not in full for e in existing):
                break
        else:
            raise Retry("no free name")
        birth = dt.date(r.randint(*born), r.randint(1, 12), r.randint(1, 28))
        if sex is None:
            sex = r.choice("男女")
        p = Person(
            len(self.items),
            full,
            sex,
            birth,
            ethnic,
            nat,
            roman,
            pattern,
            official,
            None if official else protected,
            style,
        )
        self.items.append(p)
        return p

    def official(self, style: str | None = None, name: str | None = None) -> Person:
        return self.person(False, style, official=True, name=name, born=(1968, 1995))

    def nested_pair(self) -> tuple[Person, Person]:
        """An official and a protected person whose name contains the official's name."""
        off = self.official("han2")
        inner = self.person(True, name=off.full + self.choice(N.GIVEN_1))
        self.tag("nested_name")
        return off, inner

    def minor_birth(self, when: dt.date, age: int) -> dt.date:
        """A birth date that makes someone exactly ``age`` years old on ``when``."""
        latest = when.replace(day=min(when.day, 28)).replace(year=when.year - age)
        return latest - dt.timedelta(days=self.rng.randint(0, 360))

    def minor_person(self, when: dt.date, age: int | None = None, sex: str | None = None) -> Person:
        """A child who is ``age`` (13..17 by default) years old on ``when``."""
        age = age if age is not None else self.rng.randint(13, 17)
        p = self.person(True, self.choice(("han2", "han3", "han3", "compound")), sex=sex)
        p.birth = self.minor_birth(when, age)
        assert self.age_at(p, when) == age, (p.birth, when, age)
        return p

    @staticmethod
    def age_at(p: Person, when: dt.date) -> int:
        return when.year - p.birth.year - ((when.month, when.day) < (p.birth.month, p.birth.day))

    # ----- secrets -------------------------------------------------------------------------
    def secret(self, value: str, kind: str) -> Secret:
        s = Secret(len(self.items), value, kind, True)
        self.items.append(s)
        return s

    def idno(self, p: Person, old: bool = False) -> Secret:
        region = self.choice(REGION_CODES)
        seq = self.rng.randint(0, 99) * 10 + self.rng.choice(
            (1, 3, 5, 7, 9) if p.sex == "男" else (0, 2, 4, 6, 8)
        )
        if old:
            return self.secret(f"{region}{p.birth:%y%m%d}{seq:03d}", "id15")
        first = f"{region}{p.birth:%Y%m%d}{seq:03d}"
        return self.secret(first + id_check_digit(first), "id")

    def mobile(self) -> Secret:
        r = self.rng
        return self.secret(
            r.choice(("13", "15", "17", "18", "19"))
            + str(r.randint(0, 9))
            + f"{r.randint(0, 99999999):08d}",
            "mobile",
        )

    def landline(self) -> Secret:
        r = self.rng
        return self.secret(
            f"0{r.choice(('591', '731', '28', '371', '551', '851', '931', '791'))}-"
            f"{r.randint(2, 8)}{r.randint(0, 9999999):07d}",
            "landline",
        )

    def card(self, length: int | None = None) -> Secret:
        r = self.rng
        length = length or r.choice((16, 19, 19))
        body = r.choice(CARD_PREFIXES) + "".join(str(r.randint(0, 9)) for _ in range(length - 7))
        for c in "0123456789":
            if luhn_ok(body + c):
                return self.secret(body + c, "card")
        raise AssertionError

    def account(self) -> Secret:
        r = self.rng
        return self.secret(
            "".join(str(r.randint(0, 9)) for _ in range(r.choice((17, 20, 21)))), "account"
        )

    def email(self, p: Person | None = None) -> Secret:
        r = self.rng
        local = r.choice(("happy", "sky", "lucky", "sun", "blue", "tiger", "wind", "star"))
        local += r.choice(("", "_", ".")) + str(r.randint(7, 9999))
        return self.secret(f"{local}@{r.choice(MAIL_DOMAINS)}", "email")

    def passport(self, p: Person) -> Secret:
        pattern = p.passport_pattern or "E99999999"
        value = "".join(str(self.rng.randint(0, 9)) if c == "9" else c for c in pattern)
        return self.secret(value, "passport")

    def home(self) -> tuple[str, Secret]:
        """(plain prefix, protected street address)"""
        r = self.rng
        city = r.choice(CITIES)
        if r.random() < 0.5:
            street = f"{r.choice(ROADS)}{r.randint(1, 399)}号{r.choice(ESTATES)}{r.randint(1, 30)}栋{r.randint(1, 32)}0{r.randint(1, 6)}室"
        else:
            street = f"{r.choice(ROADS)}{r.randint(1, 399)}号{r.randint(1, 9)}单元{r.randint(1, 28)}0{r.randint(1, 4)}室"
        return city + r.choice(DISTRICTS), self.secret(street, "address")

    def hukou(self) -> tuple[str, Secret]:
        r = self.rng
        village = f"{r.choice(TOWNS)}{r.choice(VILLAGES)}{cn(r.randint(1, 12))}组"
        return r.choice(PROVINCES) + r.choice(COUNTIES), self.secret(village, "address")

    def village(self) -> Secret:
        return self.secret(self.choice(TOWNS) + self.choice(VILLAGES), "village")

    def school(self, level: str = "中学") -> Secret:
        return self.secret(self.district + self.choice(SCHOOL_NAMES) + level, "school")

    def klass(self, grade: str | None = None) -> Secret:
        grade = grade or self.choice(
            ("初一", "初二", "初三", "高一", "高二", "七年级", "八年级", "九年级")
        )
        return self.secret(f"{grade}（{self.rng.randint(1, 12)}）班", "class")

    def disease(self) -> Secret:
        return self.secret(self.choice(N.DISEASES), "health")

    # ----- person descriptions ------------------------------------------------------------
    def intro(
        self, p: Person, *, idno: bool = True, home: bool = True, job: str = "", edu: bool = True
    ) -> str:
        """“男，1985年4月2日出生，公民身份号码…，汉族，高中文化，…，住…”"""
        parts = [p.sex, f"{cn_date(p.birth)}出生"]
        if p.nationality:
            parts.append(f"{p.nationality}国籍，护照号码{self.passport(p)}")
        else:
            if idno:
                parts.append(f"公民身份号码{self.idno(p, old=self.chance(0.12))}")
            parts.append(p.ethnic)
            if edu:
                parts.append(
                    self.choice(
                        ("小学文化", "初中文化", "高中文化", "中专文化", "大专文化", "大学文化")
                    )
                )
        if job:
            parts.append(job)
        if home:
            if p.nationality:
                prefix, street = self.home()
                parts.append(f"入境后暂住{prefix}{street}")
            elif self.chance(0.5):
                prefix, village = self.hukou()
                parts.append(f"户籍地{prefix}{village}")
                prefix, street = self.home()
                parts.append(f"现住{prefix}{street}")
            else:
                prefix, street = self.home()
                parts.append(f"住{prefix}{street}")
        return "，".join(parts)

    def styled(self, main: bool = False) -> str | None:
        """A name style for a protected slot (None = the default mix)."""
        if main and self.chance(0.30):
            return "wordlike"
        return None

    # ----- rendering -----------------------------------------------------------------------
    def finish(self, title: str, body: str) -> CorpusDocument:
        r = self.rng
        if self.minor:
            for it in self.items:
                if isinstance(it, Person) and not it.official:
                    it.protected = True
        people = [it for it in self.items if isinstance(it, Person)]
        used = {int(m) for m in TOKEN.findall(title + body)}
        body = self._ocr(body)

        # occurrences of each token in reading order (title first)
        order = [int(m) for m in TOKEN.findall(title)] + [int(m) for m in TOKEN.findall(body)]
        counts: dict[int, int] = {}
        for i in order:
            counts[i] = counts.get(i, 0) + 1
        forms: dict[tuple[int, int], str] = {}

        # dotted names: ASCII "." or full-width "．" in some or all occurrences
        for p in people:
            if p.dotted and p.idx in counts:
                mode = r.choice(("·", ".", ".", "．", "mixed"))
                for k in range(counts[p.idx]):
                    dot = r.choice((".", "．", "·")) if mode == "mixed" else mode
                    forms[(p.idx, k)] = p.full.replace("·", dot)
                    if dot == ".":
                        self.tag("dotted_ascii")
                    elif dot == "．":
                        self.tag("dotted_fullwidth")

        # names split by a space, full-width space, line break or zero-width character
        candidates = [p for p in people if p.protected and p.idx in counts]
        taken: set[tuple[int, int]] = set()
        for split, ch in SPLITS.items():
            if not candidates or not self.chance(0.3):
                continue
            p = r.choice(candidates)
            n = counts[p.idx]
            k = r.randrange(1, n) if n > 1 else 0
            if (p.idx, k) in taken:
                continue
            taken.add((p.idx, k))
            base = forms.get((p.idx, k), p.full)
            pos = r.randrange(1, len(base))
            if ch == "\u200b":
                ch = r.choice(ZERO_WIDTH)
            forms[(p.idx, k)] = base[:pos] + ch + base[pos:]
            self.tag(split)

        # numbers split by spaces or line breaks, full-width digits, letters and ＠
        secrets = [
            s for s in self.items if isinstance(s, Secret) and s.kind in NUMERIC and s.idx in counts
        ]
        if secrets and self.chance(0.4):
            s = r.choice(secrets)
            k = r.randrange(counts[s.idx])
            v = s.value
            cuts = sorted(r.sample(range(2, len(v) - 1), 2))
            sep = r.choice((" ", "\n", " "))
            forms[(s.idx, k)] = (
                v[: cuts[0]] + sep + v[cuts[0] : cuts[1]] + r.choice((" ", "\n")) + v[cuts[1] :]
            )
            self.tag("number_split")
        if secrets and self.chance(0.4):
            s = r.choice(secrets)
            k = r.randrange(counts[s.idx])
            if (s.idx, k) not in forms:
                forms[(s.idx, k)] = "".join(
                    chr(ord(c) + 0xFEE0) if c.isascii() and (c.isalnum() or c == "@") else c
                    for c in s.value
                )
                self.tag("fullwidth_chars")

        seen: dict[int, int] = {}

        def resolve(m: re.Match) -> str:
            i = int(m.group(1))
            k = seen.get(i, 0)
            seen[i] = k + 1
            it = self.items[i]
            default = it.full if isinstance(it, Person) else it.value
            return forms.get((i, k), default)

        title_out = TOKEN.sub(resolve, title)
        body_out = TOKEN.sub(resolve, body)

        # lists
        mna: list[str] = []
        keep: list[str] = []
        for it in self.items:
            if it.idx not in used:
                continue
            if isinstance(it, Person):
                if it.official:
                    keep.append(it.full)
                elif it.protected:
                    mna.append(it.full)
                    if it.roman and it.roman in title + body:
                        mna.append(it.roman)
            elif it.protected:
                mna.append(it.value)
        plain = normalized(title_out + "\n" + body_out)
        keep.extend(
            k for k in self.keeps if normalized(k) in plain
        )  # registered but unused: dropped
        mna = list(dict.fromkeys(mna))
        keep = list(dict.fromkeys(keep))

        # tags from the people
        for p in people:
            if p.idx not in used:
                continue
            if p.style == "wordlike":
                self.tag("wordlike_name")
            if p.style == "compound":
                self.tag("compound_surname")
            if p.style == "minority":
                self.tag("minority_name")
            if p.style == "foreign":
                self.tag("foreign_name")
            if p.dotted:
                self.tag("dotted_name")
            if "·" not in p.full:
                self.tag(
                    {2: "name_2char", 3: "name_3char", 4: "name_4char"}.get(
                        len(p.full), "name_long"
                    )
                )
        if title and any(f"{OPEN}{p.idx}{CLOSE}" in title for p in people if p.protected):
            self.tag("title_names_person")

        doc = CorpusDocument(
            ident=self.ident,
            kind=self.kind,
            title=title_out,
            text=body_out,
            must_not_appear=tuple(mna),
            must_keep=tuple(keep),
            involves_minor=self.minor,
            variations=tuple(sorted(self.tags)),
            people=tuple(dict.fromkeys(p.full for p in people if p.idx in used)),
        )
        skeleton = TOKEN.sub("〇", title) + "\n" + TOKEN.sub("〇", body)
        check(doc, skeleton, [p.full for p in people if p.idx in used and not p.protected])
        return doc

    def _ocr(self, body: str) -> str:
        r = self.rng
        parts = TOKEN.split(body)  # even indexes: plain text, odd: token numbers
        plain = list(range(0, len(parts), 2))
        if self.chance(0.3):
            done = 0
            for _ in range(40):
                j = r.choice(plain)
                seg = parts[j]
                spots = [
                    i
                    for i in range(1, len(seg))
                    if "\u4e00" <= seg[i - 1] <= "\u9fff" and "\u4e00" <= seg[i] <= "\u9fff"
                ]
                if spots:
                    i = r.choice(spots)
                    parts[j] = seg[:i] + "\n" + seg[i:]
                    done += 1
                if done >= 3:
                    break
            if done:
                self.tag("ocr_linebreak")
        if self.chance(0.3):
            table = {"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "。": "."}
            changed = False
            for j in plain:
                seg = list(parts[j])
                for i, c in enumerate(seg):
                    if c in table and r.random() < 0.45:
                        seg[i] = table[c]
                        changed = True
                parts[j] = "".join(seg)
            if changed:
                self.tag("ascii_punct")
        return "".join(f"{OPEN}{p}{CLOSE}" if i % 2 else p for i, p in enumerate(parts))


def check(doc: CorpusDocument, skeleton: str, unprotected_names: list[str]) -> None:
    """Raise Retry when the document cannot be judged fairly."""
    full = normalized(doc.full_text)
    skel = normalized(skeleton)
    keep_n = [normalized(k) for k in doc.must_keep]
    for t in doc.must_not_appear + doc.must_keep:
        if normalized(t) not in full:
            raise AssertionError(f"{doc.ident}: {t!r} not in text")
    for t in doc.must_not_appear:
        nt = normalized(t)
        if nt in skel:
            raise Retry(f"{t} occurs outside its placeholders")
        if any(nt in k for k in keep_n) or any(nt in normalized(u) for u in unprotected_names):
            raise Retry(f"{t} inside a kept term or an unprotected name")
    ideal = full
    for t in sorted(doc.must_not_appear, key=lambda x: -len(normalized(x))):
        ideal = ideal.replace(normalized(t), "■")
    if any(k not in ideal for k in keep_n):
        raise Retry("an ideal redaction destroys a kept term")
    if len(doc.must_keep) < 5:
        raise AssertionError(f"{doc.ident}: fewer than 5 must_keep terms")
