"""Who keeps a name, decided per person: sentences, recidivism, and whether a child is concerned.

The rules (最高人民检察院《人民检察院案件信息公开工作规定》 and the practice for legal documents
published online): a defendant's name may be published when *that defendant's own* sentence is
more than three years of fixed-term imprisonment, life imprisonment or death, or when he is a
recidivist. Recidivism is what the Criminal Law says it is, not any earlier sentence:

* art. 65: a person sentenced to fixed-term imprisonment or more who, within five years after
  the sentence was served or pardoned, commits another crime punishable by fixed-term
  imprisonment or more, except crimes of negligence and crimes committed under eighteen;
* art. 66: a person who committed a crime endangering state security, a terrorist crime or a
  crime of an organisation of a criminal-syndicate nature and commits any such crime again, at
  any time after the punishment was served or pardoned.

Where the text does not settle it, the name is redacted: the safe default. All functions here
read the joined normalised view (normalize.py), as plain strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

LONG_SENTENCE = "long_sentence"
RECIDIVIST = "recidivist"

_NUMERAL = r"[\d〇零一二两三四五六七八九十]+"
_PENALTY_RE = re.compile(
    rf"(?P<term>有期徒刑|拘役|管制)(?:(?P<years>{_NUMERAL})年)?(?:(?P<months>{_NUMERAL})个?月)?"
    r"|(?P<life>无期徒刑)|(?P<death>死刑)"
)
_CLAUSE_RE = re.compile(r"[^。；;！？!?]+")
# A penalty in a clause that speaks of the past (a prior conviction) or of what might be.
_PRIOR_RE = re.compile(r"曾|前科|刑满|释放|假释|执行完毕|服刑|赦免")
_NOT_A_JUDGMENT_RE = re.compile(r"建议|可能判处|以上|以下|可以判处|应当判处|量刑幅度")
_RECIDIVIST_RE = re.compile(r"累犯")
_NEGATION_RE = re.compile(r"(?:不|非|未|无|否|并非|不属|不系|不构成|不认定为?|不应认定为?)$")
_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})年(?P<m>1[0-2]|0?[1-9])月(?:(?P<d>3[01]|[12]\d|0?[1-9])日)?"
)
_BIRTH_AFTER_RE = re.compile(r"出生|生")
# A birth year alone (2009年出生): read as its last day, the youngest the person can be.
_BIRTH_YEAR_RE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?=出生|生人)")
_BIRTH_BEFORE_RE = re.compile(r"(?:出生于|生于|出生日期[:：为]?)$")
_FACTS_RE = re.compile(r"查明|经审查|经依法审查|案件事实|事实如下|经复查")
_RELEASED_RE = re.compile(r"刑满释放|释放|执行完毕|赦免|假释期满")
_SPECIAL_CRIMES_RE = re.compile(r"危害国家安全|恐怖活动|恐怖主义|黑社会性质")

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip


def cn_number(value: str) -> int | None:
    """'3' → 3, '三' → 3, '十' → 10, '十二' → 12, '二十' → 20."""
    if value.isdigit():
        return int(value)
    total, current = 0, 0
    for ch in value:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            return None
    return total + current


@dataclass(frozen=True)
class Penalty:
    start: int
    months: int | None  # None: life imprisonment or death

    @property
    def is_long(self) -> bool:
        """More than three years of fixed-term imprisonment, life imprisonment or death."""
        return self.months is None or self.months > 36


def _penalty(match: re.Match) -> Penalty | None:
    if match["life"] or match["death"]:
        return Penalty(match.start(), None)
    if match["term"] != "有期徒刑" or not (match["years"] or match["months"]):
        return Penalty(match.start(), 0)  # detention or control: never more than three years
    years = cn_number(match["years"]) if match["years"] else 0
    months = cn_number(match["months"]) if match["months"] else 0
    return Penalty(match.start(), (years or 0) * 12 + (months or 0))


def _positions(text: str, names: list[str]) -> list[tuple[int, str]]:
    """Every mention of the given names, longest name first at each place, in order."""
    if not names:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)))
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


def _dates(text: str) -> list[tuple[int, date, bool]]:
    """Every Arabic-numeral date (day optional) as (position, date, is a birth date)."""
    out = []
    for match in _DATE_RE.finditer(text):
        try:
            value = date(int(match["y"]), int(match["m"]), int(match["d"] or 1))
        except ValueError:
            continue
        birth = bool(
            _BIRTH_AFTER_RE.match(text, match.end())
            or _BIRTH_BEFORE_RE.search(text[max(0, match.start() - 6) : match.start()])
        )
        out.append((match.start(), value, birth))
    for match in _BIRTH_YEAR_RE.finditer(text):
        out.append((match.start(), date(int(match["y"]), 12, 31), True))
    return sorted(out)


def _years_between(earlier: date, later: date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _offence_date(text: str, dates) -> date | None:
    """The first date in the facts of the case (after 查明 …), or None."""
    facts = _FACTS_RE.search(text)
    start = facts.end() if facts else 0
    for position, value, birth in dates:
        if position >= start and not birth:
            return value
    return None


@dataclass
class _Defendant:
    current: list[Penalty]
    recidivist_said: bool = False
    recidivist_denied: bool = False


def defendant_verdicts(text: str, defendants: list[str]) -> dict[str, str]:
    """The defendants who keep their names, with the reason (LONG_SENTENCE or RECIDIVIST)."""
    if not defendants:
        return {}
    mentions = _positions(text, defendants)
    found = {name: _Defendant([]) for name in defendants}
    dates = _dates(text)
    offence = _offence_date(text, dates)

    def before(position: int, lower: int) -> str | None:
        """The defendant mentioned last before `position`, not before `lower`."""
        last = None
        for start, name in mentions:
            if start >= position:
                break
            if start >= lower:
                last = name
        return last

    for clause in _CLAUSE_RE.finditer(text):
        body = clause.group()
        penalties = []
        for match in _PENALTY_RE.finditer(body):
            lead = body[: match.start()]
            if _PRIOR_RE.search(lead) or _NOT_A_JUDGMENT_RE.search(lead):
                continue
            penalty = _penalty(match)
            if penalty is not None:
                penalties.append(Penalty(clause.start() + penalty.start, penalty.months))
        respectively = body.find("分别")
        if respectively >= 0 and penalties:
            # 分别判处被告人甲、乙有期徒刑四年、十个月: the names before the first penalty after
            # 分别, paired in order with the list of terms that starts there.
            first = next((p for p in penalties if p.start > clause.start() + respectively), None)
            if first is not None:
                named = []
                for start, name in mentions:
                    if clause.start() <= start < first.start and name not in named:
                        named.append(name)
                terms = [first, *_listed_terms(text, first)]
                if len(named) > 1 and len(terms) == len(named):
                    for name, penalty in zip(named, terms, strict=True):
                        found[name].current.append(penalty)
                # Names and terms that do not pair up are attributed to nobody: the safe side.
                penalties = [p for p in penalties if p.start < first.start]
        for penalty in penalties:
            name = before(penalty.start, clause.start())
            if name:
                found[name].current.append(penalty)
        for match in _RECIDIVIST_RE.finditer(body):
            # 被告人董健曾因…刑满释放。其在…五年以内再犯…，系累犯: with no name in the clause,
            # the defendant named last just before.
            name = before(clause.start() + match.start(), clause.start()) or before(
                clause.start(), max(0, clause.start() - 150)
            )
            if not name:
                continue
            lead = body[max(0, match.start() - 6) : match.start()]
            if _NEGATION_RE.search(lead.replace("为", "")) or _NEGATION_RE.search(lead):
                found[name].recidivist_denied = True
            else:
                found[name].recidivist_said = True

    verdicts = {}
    for name, facts in found.items():
        if any(p.is_long for p in facts.current):
            verdicts[name] = LONG_SENTENCE
        elif facts.recidivist_said and not facts.recidivist_denied:
            verdicts[name] = RECIDIVIST
        elif not facts.recidivist_denied and _recidivist_by_law(
            text, name, mentions, dates, offence
        ):
            verdicts[name] = RECIDIVIST
    return verdicts


_LISTED_TERM_RE = re.compile(
    r"(?:[（(][^）)]{0,12}[）)])?[、和及]"
    rf"(?:有期徒刑|拘役|管制)?(?:(?P<years>{_NUMERAL})年)?(?:(?P<months>{_NUMERAL})个?月)?"
)


def _listed_terms(text: str, first: Penalty) -> list[Penalty]:
    """The terms listed after a first one: 有期徒刑四年、十个月、二年（缓刑三年）、拘役六个月."""
    match = _PENALTY_RE.match(text, first.start)
    position = match.end() if match else first.start
    terms = []
    while True:
        item = _LISTED_TERM_RE.match(text, position)
        if not item or not (item["years"] or item["months"]):
            return terms
        years = cn_number(item["years"]) if item["years"] else 0
        months = cn_number(item["months"]) if item["months"] else 0
        terms.append(Penalty(item.start() + 1, (years or 0) * 12 + (months or 0)))
        position = item.end()


def _recidivist_by_law(text: str, name: str, mentions, dates, offence: date | None) -> bool:
    """Art. 65 / 66 applied to the prior convictions the text states for this defendant; only
    when every condition can be read from the text (otherwise: not shown, so redact)."""
    own = [start for start, mention in mentions if mention == name]
    if not own:
        return False
    # The defendant's own paragraph: from the first mention to the next line's role word.
    paragraph_start = own[0]
    paragraph_end = text.find("被告人", paragraph_start + len(name))
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    paragraph = text[paragraph_start:paragraph_end]
    facts = _FACTS_RE.search(text)
    if facts and facts.start() < paragraph_end:
        paragraph = text[paragraph_start : max(facts.start(), paragraph_start)]
    birth = next(
        (value for pos, value, is_birth in dates
         if is_birth and paragraph_start <= pos < paragraph_start + len(paragraph)),
        None,
    )  # fmt: skip
    current_is_special = bool(_SPECIAL_CRIMES_RE.search(text[paragraph_start + len(paragraph) :]))
    for clause in _CLAUSE_RE.finditer(paragraph):
        body = clause.group()
        if not _PRIOR_RE.search(body) or "过失" in body:
            continue
        penalties = [_penalty(m) for m in _PENALTY_RE.finditer(body)]
        if not any(p is not None and (p.months is None or p.months > 0) for p in penalties):
            continue  # no fixed-term imprisonment or more
        body_dates = [(pos, value) for pos, value, is_birth in _dates(body) if not is_birth]
        judged = body_dates[0][1] if body_dates else None
        if birth is None or judged is None or _years_between(birth, judged) < 18:
            continue  # a crime under eighteen never founds recidivism; unknown age: not shown
        released = None
        for match in _RELEASED_RE.finditer(body):
            preceding = [value for pos, value in body_dates if pos < match.start()]
            if preceding:
                released = preceding[-1]
        if released is None:
            continue
        if current_is_special and _SPECIAL_CRIMES_RE.search(body):
            return True  # art. 66: at any time
        if "过失" in text[paragraph_start + len(paragraph) :][:400]:
            continue
        if offence is not None and released <= offence and _years_between(released, offence) < 5:
            return True
    return False


# ---- minors ----------------------------------------------------------------------------------

_MINOR_WORDS_RE = re.compile(
    r"未成年|幼女|幼童|儿童|少年|女童|男童|学龄|不满(?:十四|十六|十八|14|16|18)周岁"
    r"|未满(?:十四|十六|十八|14|16|18)周岁"
)
_AGE_RE = re.compile(
    r"(?<![\d一二三四五六七八九十])(?P<age>\d{1,2}|[一二三四五六七八九十]{1,3})周?岁"
)


def minor_signals(text: str, *, school_class: bool) -> list[str]:
    """Why the text concerns a minor (empty: it does not seem to). Codes: "words", "age",
    "birth_date" (a person under eighteen at the date of the facts), "school"."""
    signals = []
    if _MINOR_WORDS_RE.search(text):
        signals.append("words")
    for match in _AGE_RE.finditer(text):
        age = cn_number(match["age"])
        if age is not None and age < 18:
            signals.append("age")
            break
    dates = _dates(text)
    # Without a dated fact, the latest date of the text (the document's own): a person under
    # eighteen then was under eighteen at the facts too.
    offence = _offence_date(text, dates) or max(
        (value for _p, value, birth in dates if not birth), default=None
    )
    if offence is not None:
        for _position, value, birth in dates:
            if birth and value <= offence and _years_between(value, offence) < 18:
                signals.append("birth_date")
                break
    if school_class:
        signals.append("school")
    return signals
