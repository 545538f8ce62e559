"""The machinery of the third corpus: protected values that know they are protected, people,
identifiers with valid check digits, the PDF and Word layouts, and the build that checks every
document (a protected term stands only where it was put; every listed term is in the text)."""

from __future__ import annotations

import datetime as dt
import random
import re

from tests.disclosure.corpus_check import normalized

from . import names as N

_STATE: dict = {"mask": False, "used": None}
MASK = "〇"


class Secret(str):
    """A protected value. Written through an f-string it is recorded as used (or masked, when the
    document is rendered a second time to check that it stands nowhere else)."""

    kind: str

    def __new__(cls, display: str, kind: str = "name"):
        obj = super().__new__(cls, display)
        obj.kind = kind
        return obj

    def __format__(self, spec: str) -> str:
        if _STATE["mask"]:
            return MASK * len(self)
        used = _STATE["used"]
        if used is not None and str(self) not in used:
            used[str(self)] = self.kind
        return str.__format__(str(self), spec)


def J(sep: str, items) -> str:
    """Join through f-strings, so that Secrets are recorded/masked."""
    return sep.join(f"{x}" for x in items)


# ---------------------------------------------------------------- numbers and identifiers

_CN = "零一二三四五六七八九十"


def cn(n: int) -> str:
    if n <= 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")


def term_cn(months: int) -> str:
    y, m = divmod(months, 12)
    if y and m:
        return f"{cn(y)}年{cn(m)}个月"
    if y:
        return f"{cn(y)}年"
    return f"{cn(m)}个月"


_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(body17: str) -> str:
    return "10X98765432"[sum(int(a) * w for a, w in zip(body17, _W, strict=True)) % 11]


def id18(rng: random.Random, area: str, birth: dt.date, male: bool, want_x: bool = False) -> str:
    while True:
        seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        body = f"{area}{birth:%Y%m%d}{seq:03d}"
        c = id_check(body)
        if c == "X" or not want_x:
            return body + c


def id15(rng: random.Random, area: str, birth: dt.date, male: bool) -> str:
    seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    return f"{area}{birth:%y%m%d}{seq:03d}"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def bank_card(rng: random.Random) -> str:
    prefix, length = rng.choice(
        (
            ("622202", 19),
            ("621700", 19),
            ("622848", 19),
            ("621661", 19),
            ("622588", 16),
            ("625807", 16),
            ("436742", 16),
        )
    )
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def mobile(rng: random.Random) -> str:
    return rng.choice(
        ("138", "139", "150", "151", "158", "186", "187", "135", "177", "199", "176", "182")
    ) + "".join(str(rng.randint(0, 9)) for _ in range(8))


FW_DIGITS = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def show_number(rng: random.Random, digits: str, style: str) -> str:
    """How a number is written: plain, grouped with spaces or hyphens, or in full-width digits."""
    if style == "fullwidth":
        return digits.translate(FW_DIGITS)
    if style == "grouped":
        if len(digits) == 11:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if len(digits) == 18:
            return f"{digits[:6]} {digits[6:14]} {digits[14:]}"
        return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    if style == "hyphen" and len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return digits


# ---------------------------------------------------------------- people


class Person:
    def __init__(
        self,
        full: str,
        protected: bool,
        role: str = "",
        male: bool = True,
        short: str | None = None,
    ):
        self.full = full
        self.protected = protected
        self.role = role
        self.male = male
        self.name = Secret(full) if protected else full
        self.short = (Secret(short) if protected else short) if short else self.name
        self.nick: str = ""
        self.former: str = ""

    @property
    def sex(self) -> str:
        return "男" if self.male else "女"


class Ctx:
    """What one document is made of, besides its text."""

    def __init__(self, rng: random.Random, kind: str):
        self.rng = rng
        self.kind = kind
        self.people: list[Person] = []
        self.keeps: list[str] = []
        self.vars: set[str] = set()
        self.minor = False
        self.taken: list[str] = []
        self.place = rng.choice(N.PLACES)
        self.pi = N.PLACES.index(self.place)

    # places and institutions
    @property
    def prov(self):
        return self.place[0]

    @property
    def city(self):
        return self.place[1]

    @property
    def dist(self):
        return self.place[2]

    def keep(self, term: str) -> str:
        if term not in self.keeps:
            self.keeps.append(term)
        return term

    def var(self, *names: str) -> None:
        self.vars.update(names)

    # names
    def _free(self, name: str) -> bool:
        return all(name not in t and t not in name for t in self.taken)

    def pick_name(self, style: str = "han", male: bool = True, surname: str | None = None) -> str:
        rng = self.rng
        for _ in range(200):
            if style == "word":
                name = rng.choice(N.WORD_NAMES_M if male else N.WORD_NAMES_F)
            elif style == "compound":
                name = rng.choice(N.COMPOUND_SURNAMES) + rng.choice(
                    (N.GIVEN_TWO_M + N.GIVEN_ONE_M) if male else (N.GIVEN_TWO_F + N.GIVEN_ONE_F)
                )
            elif style in (
                "uyghur",
                "tibetan",
                "mongolian",
                "yi",
                "zhuang",
                "korean",
                "vietnamese",
                "russian",
                "thai",
                "western",
                "japanese",
            ):
                name = rng.choice(getattr(N, style.upper()))
            else:
                sur = surname or rng.choice(N.SINGLE_SURNAMES)
                if rng.random() < 0.35:
                    given = rng.choice(N.GIVEN_ONE_M if male else N.GIVEN_ONE_F)
                else:
                    given = rng.choice(N.GIVEN_TWO_M if male else N.GIVEN_TWO_F)
                name = sur + given
            if self._free(name):
                self.taken.append(name)
                return name
        raise RuntimeError("no free name")

    def person(
        self,
        role: str,
        protected: bool,
        style: str = "han",
        male: bool = True,
        surname: str | None = None,
        dot: str | None = None,
    ) -> Person:
        full = self.pick_name(style, male, surname)
        short = None
        if "·" in full:
            short = full.split("·")[0]
            if dot is None:
                dot = self.rng.choice(("·", "·", "•", "・", ".", "．", ""))
            full = full.replace("·", dot) if " " not in full else full
            if not self._free(short) and short not in full:
                short = None
        p = Person(full, protected, role, male, short)
        p.style = style
        self.people.append(p)
        return p

    def any_style(self, p_special: float = 0.25) -> str:
        r = self.rng.random()
        if r > p_special:
            return "han"
        return self.rng.choice(
            (
                "word",
                "word",
                "word",
                "compound",
                "compound",
                "uyghur",
                "tibetan",
                "mongolian",
                "yi",
                "zhuang",
                "korean",
                "vietnamese",
                "russian",
                "thai",
                "western",
                "japanese",
            )
        )

    def official(self, role: str, male: bool | None = None) -> Person:
        male = self.rng.random() < 0.5 if male is None else male
        p = self.person(role, False, "compound" if self.rng.random() < 0.1 else "han", male)
        self.keep(p.full)
        return p

    # private data
    def birth(self, year_from: int, year_to: int) -> dt.date:
        return dt.date(
            self.rng.randint(year_from, year_to), self.rng.randint(1, 12), self.rng.randint(1, 28)
        )

    def id_number(self, birth: dt.date, male: bool) -> Secret:
        rng = self.rng
        if birth.year < 1972 and rng.random() < 0.5:
            return Secret(id15(rng, self.place[3], birth, male), "id15")
        digits = id18(rng, self.place[3], birth, male, want_x=rng.random() < 0.2)
        style = rng.choice(("plain", "plain", "plain", "grouped", "fullwidth"))
        return Secret(show_number(rng, digits, style), "id18")

    def mobile(self) -> Secret:
        style = self.rng.choice(("plain", "plain", "grouped", "hyphen", "fullwidth"))
        return Secret(show_number(self.rng, mobile(self.rng), style), "mobile")

    def landline(self) -> Secret:
        code, n = self.place[4], self.place[5]
        local = str(self.rng.randint(2, 8)) + "".join(
            str(self.rng.randint(0, 9)) for _ in range(n - 1)
        )
        form = self.rng.choice((f"{code}-{local}", f"（{code}）{local}", f"{code} {local}"))
        return Secret(form, "landline")

    def card(self) -> Secret:
        digits = bank_card(self.rng)
        style = self.rng.choice(("plain", "plain", "grouped"))
        return Secret(show_number(self.rng, digits, style), "card")

    def email(self) -> Secret:
        rng = self.rng
        handle = rng.choice(
            (
                "xiaoyu",
                "lin.li",
                "tiger_king",
                "hx2019",
                "sunny.day",
                "moon_lake",
                "a.bao",
                "qingshan",
                "dalao88",
                "rainbow.w",
            )
        )
        if rng.random() < 0.3:
            return Secret(f"{rng.randint(10000000, 2999999999)}@qq.com", "email")
        dom = rng.choice(
            (
                "163.com",
                "126.com",
                "sina.com",
                "gmail.com",
                "foxmail.com",
                "outlook.com",
                "yeah.net",
            )
        )
        at = "＠" if rng.random() < 0.2 else "@"
        return Secret(f"{handle}{rng.randint(70, 99)}{at}{dom}", "email")

    def passport(self, nation: str = "CN") -> Secret:
        rng = self.rng
        d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))  # noqa: E731
        value = {
            "CN": rng.choice((f"E{d(8)}", f"EA{d(7)}", f"G{d(8)}")),
            "KR": f"M{d(8)}",
            "VN": f"C{d(7)}",
            "RU": f"{d(2)} {d(7)}",
            "TH": f"AA{d(7)}",
            "JP": f"TK{d(7)}",
            "WEST": f"C{d(2)}X{d(5)}",
        }[nation]
        return Secret(value, "passport")

    def address(self, rural: bool | None = None) -> Secret:
        rng = self.rng
        if rural if rural is not None else rng.random() < 0.35:
            return Secret(
                f"{rng.choice(N.TOWNS)}镇{rng.choice(N.VILLAGES)}{cn(rng.randint(1, 9))}组{rng.randint(1, 80)}号",
                "address",
            )
        return Secret(
            f"{rng.choice(N.ROADS)}{rng.randint(1, 399)}号{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 32)}{rng.randint(1, 4):02d}室",
            "address",
        )

    def disease(self) -> Secret:
        return Secret(self.rng.choice(N.DISEASES), "health")

    def date(self, y0: int, y1: int) -> dt.date:
        return dt.date(self.rng.randint(y0, y1), self.rng.randint(1, 12), self.rng.randint(1, 28))


def d(x: dt.date) -> str:
    return f"{x.year}年{x.month}月{x.day}日"


def ym(x: dt.date) -> str:
    return f"{x.year}年{x.month}月"


def later(rng: random.Random, x: dt.date, lo: int, hi: int) -> dt.date:
    return x + dt.timedelta(days=rng.randint(lo, hi))


# ---------------------------------------------------------------- layouts

_WORD = re.compile(r"\n")


def _forbidden(text: str, terms) -> set[int]:
    """Positions p such that a break before text[p] would cut a listed term."""
    bad: set[int] = set()
    for t in terms:
        if not t:
            continue
        start = text.find(t)
        while start != -1:
            bad.update(range(start + 1, start + len(t)))
            start = text.find(t, start + 1)
    return bad


def pdf_layout(rng: random.Random, text: str, terms, header: str) -> tuple[str, bool, set[int]]:
    """Hard wraps every ~30 characters (inside names and numbers too), a page footer and a running
    header every ~22 lines, never inside a listed term. Returns the text and the wrap positions."""
    width = rng.randint(27, 33)
    lines_per_page = rng.randint(18, 26)
    bad = _forbidden(text, terms)
    breaks: list[int] = []  # positions in text where a line ends (before text[p])
    line_start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            breaks.append(i)
            line_start = i + 1
        elif i - line_start + 1 >= width and i + 1 < len(text) and text[i + 1] != "\n":
            breaks.append(i + 1)
            line_start = i + 1
    pages: list[int] = []
    count = 0
    pending = False
    for b in breaks:
        count += 1
        if count >= lines_per_page:
            pending = True
        if pending and b not in bad:
            pages.append(b)
            pending = False
            count = 0
    total = len(pages) + 1
    foot_style = rng.choice(
        ("第 {k} 页 共 {n} 页", "第{k}页  共{n}页", "- {k} -", "第 {k} 页，共 {n} 页")
    )
    out: list[str] = []
    prev = 0
    page = 1
    page_set = set(pages)
    wraps: set[int] = set()
    for b in breaks:
        seg = text[prev:b]
        out.append(seg)
        skip = 1 if b < len(text) and text[b] == "\n" else 0
        if skip == 0:
            wraps.add(b)
        if b in page_set:
            out.append("\n" + foot_style.format(k=page, n=total) + "\n" + header + "\n")
            page += 1
        else:
            out.append("\n")
        prev = b + skip
    out.append(text[prev:])
    out.append("\n" + foot_style.format(k=page, n=total))
    return "".join(out), True, wraps


def word_layout(rng: random.Random, text: str, protected_names, zero_width: bool) -> str:
    """Text pasted from Word: paragraphs indented with two full-width spaces, some runs of
    full-width spaces, and (sometimes) a zero-width space or soft hyphen inside a name."""
    paras = text.split("\n")
    out = []
    for para in paras:
        if para and not para.startswith("　") and len(para) > 16:
            para = "　　" + para
        out.append(para)
    text = "\n".join(out)
    if zero_width:
        for name in protected_names:
            if len(name) >= 2 and name in text and rng.random() < 0.8:
                mark = rng.choice(("\u200b", "\u00ad", "\u200c", "\ufeff"))
                pos = text.find(name)
                cut = 1 if len(name) < 4 else len(name) // 2
                text = text[:pos] + name[:cut] + mark + name[cut:] + text[pos + len(name) :]
    return text


# ---------------------------------------------------------------- the build

ORDINARY = (
    "高度重视",
    "明知",
    "向其",
    "于案发后",
    "常住人口",
    "安排",
    "时间",
    "文书",
    "方式",
    "白天",
    "万元",
    "全部",
    "和解",
    "关于",
    "马路",
    "金额",
    "江边",
    "陆续",
    "林地",
    "花费",
    "夏季",
    "春节",
    "原审",
    "平台",
    "门口",
    "成立",
    "力度",
    "计算",
    "海关",
    "水果",
    "都是",
    "何时",
    "曾因",
    "段落",
    "张贴",
    "高额",
    "明显",
    "常见",
    "安全",
    "时任",
    "文化",
    "方面",
    "石材",
    "全体",
    "关系",
    "马上",
    "金融",
    "雷同",
    "宋体",
    "花园",
    "秦腔",
    "谷物",
    "原判",
    "平均",
    "门店",
    "成员",
    "计划",
    "水电",
    "向社会",
    "于是",
    "常年",
    "安全帽",
    "明确",
    "高利",
    "方便",
    "全额",
    "关押",
    "龙头",
    "江湖",
    "叶片",
    "春季",
    "原件",
    "平时",
    "成本",
    "海鲜",
    "都市",
    "曾经",
    "白酒",
    "万余元",
    "和睦",
    "雷达",
    "黎明时分",
    "陆路",
    "林业",
    "谷歌",
)


class Built:
    def __init__(self, title, text, must_not, keeps, minor, variations, people):
        self.title, self.text = title, text
        self.must_not_appear, self.must_keep = must_not, keeps
        self.involves_minor, self.variations, self.people = minor, variations, people


def build(ident: str, kind: str, gen) -> Built:
    """gen(ctx) -> (title, body, layout, header). Render twice (real and masked), check, lay out."""
    last = None
    for attempt in range(40):
        seed = f"corpus3/{ident}/{attempt}"
        try:
            return _build_once(seed, kind, gen)
        except _Retry as exc:
            last = exc
    raise RuntimeError(f"{ident}: {last}")


class _Retry(Exception):
    pass


def _build_once(seed: str, kind: str, gen) -> Built:
    used: dict[str, str] = {}
    _STATE.update(mask=False, used=used)
    try:
        ctx = Ctx(random.Random(seed), kind)
        title, body, layout, header = gen(ctx)
        _STATE.update(mask=True, used=None)
        mctx = Ctx(random.Random(seed), kind)
        mtitle, mbody, _l, _h = gen(mctx)
    except RuntimeError as exc:
        raise _Retry(str(exc)) from exc
    finally:
        _STATE.update(mask=False, used=None)
    raw = title + "\n" + body
    skeleton = normalized(mtitle + "\n" + mbody)
    if len(mtitle + mbody) != len(title + body):
        raise AssertionError(f"{seed}: masked rendering differs in length")
    hay = normalized(raw)
    # formatted but not used (an f-string among choices): not in the text, not listed
    protected = [t for t in used if normalized(t) and normalized(t) in hay]
    for t in protected:
        if normalized(t) in skeleton:
            raise _Retry(f"protected term {t!r} stands where it was not put")
    keeps = [k for k in ctx.keeps if normalized(k) in hay]
    rng = random.Random(seed + "/keep")
    words = [w for w in ORDINARY if w in hay]
    rng.shuffle(words)
    keeps += words[: rng.randint(3, 5)]
    nk = [normalized(p) for p in protected]
    keeps = [
        k
        for k in dict.fromkeys(keeps)
        if not any(normalized(k) in p or p in normalized(k) for p in nk)
    ]
    if len(keeps) < 5:
        raise _Retry("fewer than five terms to keep")
    variations = set(ctx.vars)
    kinds = set(used.values())
    for k, v in (
        ("id18", "id_number"),
        ("id15", "id_number"),
        ("mobile", "mobile"),
        ("landline", "landline"),
        ("card", "bank_card"),
        ("email", "email"),
        ("passport", "passport"),
        ("address", "home_address"),
        ("health", "health"),
        ("nick", "child_nickname"),
    ):
        if k in kinds:
            variations.add(v)
    # layout
    lrng = random.Random(seed + "/layout")
    if layout == "pdf":
        body_out, _, wraps = pdf_layout(lrng, body, protected + keeps, header)
        offset = 0
        for t in protected:
            start = body.find(t)
            while start != -1:
                if any(start < w < start + len(t) for w in wraps):
                    variations.add(
                        "number_cut_by_wrap" if any(c.isdigit() for c in t) else "name_cut_by_wrap"
                    )
                start = body.find(t, start + 1)
        del offset
        variations.add("pdf_extract")
    elif layout == "word":
        zw = "zero_width" in ctx.vars
        names = [p.name for p in ctx.people if p.protected]
        body_out = word_layout(lrng, body, names, zw)
        variations.add("word_paste")
        if zw:
            variations.discard("zero_width")
            variations.add("format_chars")
    else:
        body_out = body
    full = normalized(title + "\n" + body_out)
    for t in protected + keeps:
        if normalized(t) not in full:
            raise AssertionError(f"{seed}: {t!r} lost by the layout")
    present = [p for p in ctx.people if normalized(p.full) in full]
    people = tuple(dict.fromkeys(p.full for p in present))
    for p in present:
        style = getattr(p, "style", "han")
        if style == "word" and p.protected:
            variations.add("word_like_name")
        if style == "compound":
            variations.add("compound_surname")
        if style in ("uyghur", "tibetan", "mongolian", "yi", "zhuang"):
            variations.add("minority_name")
        if style in ("korean", "vietnamese", "russian", "thai", "western", "japanese"):
            variations.add("foreign_name")
    if any(any("０" <= ch <= "９" for ch in t) for t in protected):
        variations.add("fullwidth_digits")
    if "id15" in kinds:
        variations.add("id15")
    if len(people) >= 8:
        variations.add("many_people")
    if ctx.minor:
        variations.add("minor")
    return Built(
        title,
        body_out,
        tuple(protected),
        tuple(keeps),
        ctx.minor,
        tuple(sorted(variations)),
        people,
    )
