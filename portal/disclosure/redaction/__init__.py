"""The redaction engine: what to hide in a legal document or a release before it is published,
and the gate that checks the public text right before it goes out.

A pure package (no Flask, no database). `analyse(text)` finds the people and the personal data,
applies the rules and returns non-overlapping `Redaction`s in the original text's positions;
`apply` writes them; `gate` re-checks an exact public text against everything the analysis of
the original knew, and fails closed.

The rules (最高人民检察院《人民检察院案件信息公开工作规定》 and the practice for legal documents
published online):

* names of victims and their representatives, witnesses, expert witnesses, persons not
  prosecuted, relatives, other private persons, and defendants who are neither sentenced to
  more than three years nor recidivists (rules.py) become surname + 某 (张三 → 张某; 欧阳娜娜 →
  欧阳某; two people with one surname: 张某甲, 张某乙);
* identity numbers, phone numbers, bank cards and accounts, e-mail addresses, home addresses and
  health information are removed (`REMOVED`);
* officials (检察员, 审判员, 书记员 …) and defence lawyers keep their names;
* in a case about a minor (words, ages, a birth date under eighteen at the facts, a school
  class), every private person is shielded whatever the sentence, and so are schools, classes,
  villages and birth dates.

How it reads (modules):
  normalize.py  views of the text on which detectors run, mapped back to the original;
  patterns.py   numbers, addresses, health, the details that identify a child;
  people.py     people by role word, by the tagger (tagger.py) and by the publisher's decision;
  rules.py      per-person sentences, recidivism (Criminal Law art. 65, 66), minors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from portal.disclosure.redaction import patterns, rules, tagger
from portal.disclosure.redaction import people as persons
from portal.disclosure.redaction.normalize import View, normalized, view
from portal.disclosure.redaction.people import (
    DEFENDANT,
    OFFICIAL,
    OTHER,
    PERSON_ROLES,
    PUBLIC_ROLES,
    anonymised,
    surname_of,
)
from portal.disclosure.redaction.people import Decision as PersonDecision
from portal.disclosure.redaction.rules import cn_number

__all__ = [
    "PERSON_ROLES", "PersonDecision", "Person", "Redaction", "Term", "Analysis", "Finding",
    "FieldsAnalysis", "analyse", "analyse_fields", "apply", "apply_fields", "gate", "normalized",
    "redact", "propose", "mentions_minor", "normalise_text", "anonymised", "surname_of",
    "cn_number", "warm_up",
]  # fmt: skip

REMOVED = "[已删除]"

NAME = "name"
ID_NUMBER = patterns.ID_NUMBER
PHONE = patterns.PHONE
BANK_ACCOUNT = patterns.BANK_ACCOUNT
EMAIL = patterns.EMAIL
ADDRESS = patterns.ADDRESS
HEALTH = patterns.HEALTH
SCHOOL = patterns.SCHOOL
BIRTH_DATE = patterns.BIRTH_DATE
VILLAGE = patterns.VILLAGE
CUSTOM = "custom"
KINDS = (NAME, ID_NUMBER, PHONE, BANK_ACCOUNT, EMAIL, ADDRESS, HEALTH, SCHOOL, BIRTH_DATE,
         VILLAGE, CUSTOM)  # fmt: skip
# Kinds a publisher may decide to keep (a false positive). Numbers and e-mail addresses are never
# kept, and nothing is in a case about a minor.
DROPPABLE_KINDS = frozenset({NAME, ADDRESS, HEALTH, SCHOOL, BIRTH_DATE, VILLAGE, CUSTOM})
# When two proposals overlap, the one whose kind comes first here wins.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    (EMAIL, ID_NUMBER, BANK_ACCOUNT, PHONE, CUSTOM, ADDRESS, HEALTH, SCHOOL, VILLAGE, BIRTH_DATE,
     NAME)
)}  # fmt: skip

# Why a person's name is kept or redacted: the codes the people panel explains.
REASON_OFFICIAL = "official"
REASON_LAWYER = "lawyer"
REASON_LONG_SENTENCE = rules.LONG_SENTENCE
REASON_RECIDIVIST = rules.RECIDIVIST
REASON_MINOR_CASE = "minor_case"
REASON_PRIVATE = "private_person"
REASON_SHORT_SENTENCE = "short_or_unknown_sentence"
REASON_PUBLISHER = "publisher"


@dataclass(frozen=True, order=True)
class Redaction:
    """Replace text[start:end] by `replacement`. `kind` is one of KINDS."""

    start: int
    end: int
    kind: str
    replacement: str

    def original(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Term:
    """A publisher's decision about one piece of text, wherever it occurs."""

    kind: str
    text: str


@dataclass(frozen=True)
class Person:
    """One person of the text, as the people panel lists them."""

    name: str  # normalised: no spaces, folded
    role: str  # one of PERSON_ROLES
    redact: bool
    reason: str  # one of the REASON_* codes
    replacement: str | None
    occurrences: int
    source: str  # "role" | "tagger" | "publisher"


@dataclass
class Analysis:
    redactions: list[Redaction]
    people: list[Person] = field(default_factory=list)
    involves_minor: bool = False
    # Why the minors' rule applies ("words", "age", "birth_date", "school", "publisher").
    minor_signals: list[str] = field(default_factory=list)
    # Every value redacted, normalised, by kind: what the gate looks for in the public text.
    protected_values: list[tuple[str, str]] = field(default_factory=list)
    # The decisions the analysis was made with, so that the gate reads the public text alike.
    decisions: tuple = ()
    dropped: tuple = ()

    @property
    def kept_names(self) -> dict[str, str]:
        return {p.name: p.reason for p in self.people if not p.redact}


def warm_up() -> None:
    """Load the tagger and the dictionary now (before gunicorn forks), not on a first request."""
    tagger.warm_up()
    persons._frequency("被告人")
    persons._is_known_name("乌云其木格")


def _occurrences(text: str, terms) -> list[re.Match]:
    """Every occurrence of the terms, longest first; a term written with a space (a name in
    Latin letters: Laura BIANCHI) is found with any white space or none there."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return []
    pattern = "|".join(r"\s*".join(re.escape(part) for part in t.split()) for t in terms)
    return list(re.finditer(pattern, text))


def _term_of(match: re.Match, terms) -> str:
    """The term an occurrence is of (Laura⏎BIANCHI is Laura BIANCHI)."""
    found = match.group()
    if found in terms:
        return found
    bare = re.sub(r"\s+", "", found)
    return next((t for t in terms if re.sub(r"\s+", "", t) == bare), found)


def _person_reason(found, verdicts: dict[str, str], minor: bool) -> tuple[bool, str]:
    if found.source == "publisher" and found.role in PUBLIC_ROLES:
        return False, REASON_PUBLISHER
    if found.role == OFFICIAL:
        return False, REASON_OFFICIAL
    if found.role in PUBLIC_ROLES:
        return False, REASON_LAWYER
    if minor:
        return True, REASON_MINOR_CASE
    if found.role == DEFENDANT:
        if found.name in verdicts:
            return False, verdicts[found.name]
        return True, REASON_SHORT_SENTENCE
    return True, REASON_PRIVATE


def _replacements(names: list[str]) -> dict[str, str]:
    """张三 → 张某; two different 张 → 张某甲, 张某乙, in order of appearance."""
    by_surname: dict[str, list[str]] = {}
    for name in names:
        by_surname.setdefault(anonymised(name), []).append(name)
    out = {}
    for group in by_surname.values():
        for index, name in enumerate(group):
            suffix = "甲乙丙丁戊己庚辛壬癸"[index % 10] if len(group) > 1 else ""
            out[name] = anonymised(name, suffix)
    return out


def _spans(source: View, hits) -> list[tuple[int, int, str]]:
    return [(*source.span(start, end), kind) for start, end, kind in hits if end > start]


def _outside(candidate: Redaction, protected: list[tuple[int, int]]) -> Redaction:
    """A school, an address or an illness whose span ran over an official's name (检察官姚雪协调
    示例市城关中学): the longer part beside the name."""
    start, end = candidate.start, candidate.end
    for p_start, p_end in protected:
        if p_end <= start or p_start >= end:
            continue
        before, after = p_start - start, end - p_end
        if after >= before:
            start = max(start, p_end)
        else:
            end = min(end, p_start)
    if (start, end) == (candidate.start, candidate.end) or end - start < 2:
        return candidate
    return Redaction(start, end, candidate.kind, candidate.replacement)


def _resolve(candidates: list[Redaction], protected: list[tuple[int, int]]) -> list[Redaction]:
    """A set of non-overlapping proposals: by kind priority, then the longer span."""
    accepted: list[Redaction] = []
    taken: list[tuple[int, int]] = list(protected)
    for candidate in sorted(
        set(candidates), key=lambda r: (_PRIORITY[r.kind], -(r.end - r.start), r.start)
    ):
        if candidate.end <= candidate.start:
            continue
        if candidate.kind != NAME:
            # An address, an illness or a school that runs into a kept name or a span already
            # taken keeps the longer part beside it, rather than being dropped whole.
            candidate = _outside(candidate, taken)
        if any(candidate.start < end and start < candidate.end for start, end in taken):
            continue
        accepted.append(candidate)
        taken.append((candidate.start, candidate.end))
    return sorted(accepted)


def analyse(
    text: str,
    *,
    extra_terms: Sequence[Term] = (),
    dropped: Sequence[Term] = (),
    people: Sequence[PersonDecision] = (),
    minor: bool | None = None,
) -> Analysis:
    """Propose the redactions for `text`.

    `extra_terms` are the publisher's additions (kind NAME: a person, surname + 某; any other
    kind: removed), redacted wherever they occur in any written form. `dropped` are proposals
    the publisher decided to keep (only DROPPABLE_KINDS, never in a case about a minor).
    `people` are the publisher's decisions about persons (add one, change a role). `minor`
    True forces the minors' rule; by default it applies when the text shows a minor.
    """
    text = text or ""
    joined = view(text, join=True)
    kept = view(text, join=False)
    body = joined.text

    signals = rules.minor_signals(body, school_class=patterns.has_school_class(body))
    if minor:
        signals = [*signals, "publisher"]
    involves_minor = bool(signals) if minor is None or minor else False
    keep = {
        (t.kind, normalized(t.text)) for t in dropped
        if t.kind in DROPPABLE_KINDS and not involves_minor
    }  # fmt: skip

    decisions = [PersonDecision(normalized(d.name), d.role) for d in people if d.name]
    decisions += [
        PersonDecision(normalized(t.text), OTHER)
        for t in extra_terms if t.kind == NAME and normalized(t.text)
    ]  # fmt: skip
    # Where the original had spaces (not a line break) that the view joined: names set apart.
    gaps = frozenset(
        index
        for index in range(1, len(body))
        if joined.starts[index] > joined.ends[index - 1]
        and "\n" not in text[joined.ends[index - 1] : joined.starts[index]]
        and text[joined.ends[index - 1] : joined.starts[index]].strip() == ""
    )
    found = persons.find(body, tagger.tag(body), decisions, gaps)
    verdicts = rules.defendant_verdicts(body, [f.name for f in found if f.role == DEFENDANT])

    decided = []
    for person in found:
        redact, reason = _person_reason(person, verdicts, involves_minor)
        if redact and (NAME, person.name) in keep:
            redact, reason = False, REASON_PUBLISHER
        decided.append((person, redact, reason))
    to_redact = [p.name for p, redact, _r in decided if redact]
    replacements = _replacements(to_redact)

    candidates: list[Redaction] = []
    values: list[tuple[str, str]] = []

    def propose_span(start: int, end: int, kind: str, replacement: str = REMOVED) -> None:
        original = text[start:end]
        if (kind, normalized(original)) in keep:
            return
        candidates.append(Redaction(start, end, kind, replacement))

    for source in (joined, kept):
        for start, end, kind in _spans(source, patterns.numbers(source.text)):
            propose_span(start, end, kind)
    for start, end, kind in _spans(joined, patterns.addresses_and_health(body)):
        propose_span(start, end, kind)
    if involves_minor:
        for start, end, kind in _spans(joined, patterns.child_details(body)):
            propose_span(start, end, kind)
    custom = [view(t.text, join=True).text for t in extra_terms if t.kind != NAME and t.text]
    for match in _occurrences(body, custom):
        propose_span(*joined.span(match.start(), match.end()), CUSTOM)
    # A school, an address or a number found once is redacted wherever else it stands, even
    # where its context did not give it away (协调示例市城关中学为被害人…).
    kind_of = {}
    for candidate in candidates:
        value = view(candidate.original(text), join=True).text
        if len(value) >= 4:
            kind_of.setdefault(value, candidate.kind)
    for match in _occurrences(body, kind_of):
        propose_span(*joined.span(match.start(), match.end()), kind_of[match.group()])

    # One search for every name, longest first, so that 蒋蕾国 (a defendant) is not read as 蒋蕾
    # (the prosecutor) followed by 国: each occurrence belongs to one person.
    counts: dict[str, int] = {}
    protected = []
    names = [p.name for p, _r, _reason in decided]
    for match in _occurrences(body, names):
        name = _term_of(match, names)
        counts[name] = counts.get(name, 0) + 1
        start, end = joined.span(match.start(), match.end())
        if name in replacements:
            candidates.append(Redaction(start, end, NAME, replacements[name]))
        else:
            protected.append((start, end))
    redactions = _resolve(candidates, protected)
    for item in redactions:
        values.append((item.kind, normalized(item.original(text))))

    return Analysis(
        redactions=redactions,
        people=[
            Person(
                p.name,
                p.role,
                redact,
                reason,
                replacements.get(p.name),
                counts.get(p.name, 0),
                p.source,
            )
            for p, redact, reason in decided
        ],  # fmt: skip
        involves_minor=involves_minor,
        minor_signals=signals if involves_minor else [],
        protected_values=sorted(set(values)),
        decisions=tuple(decisions),
        dropped=tuple(dropped),
    )


def propose(text: str, **options) -> list[Redaction]:
    return analyse(text, **options).redactions


def apply(text: str, redactions: list[Redaction]) -> str:
    """Write the (non-overlapping) redactions into the text."""
    out, cursor = [], 0
    for redaction in sorted(redactions):
        if redaction.start < cursor:
            raise ValueError("overlapping redactions")
        out.append(text[cursor : redaction.start])
        out.append(redaction.replacement)
        cursor = redaction.end
    out.append(text[cursor:])
    return "".join(out)


def redact(text: str, **options) -> str:
    return apply(text, propose(text, **options))


def mentions_minor(text: str) -> bool:
    """Does the text concern a minor (a child victim or a person under eighteen)?"""
    body = view(text or "", join=True).text
    return bool(rules.minor_signals(body, school_class=patterns.has_school_class(body)))


def normalise_text(text: str) -> str:
    """Text as it is stored: NFC, Unix newlines, no control characters other than tab/newline."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).strip()


# ---- several fields analysed together (a release's title and body) --------------------------

# Between fields: a line of its own with a full stop, so that no name, number or sentence of one
# field runs into the next in any view.
_FIELD_SEPARATOR = "\n。\n"


@dataclass
class FieldsAnalysis:
    text: str
    analysis: Analysis
    spans: dict[str, tuple[int, int]]


def analyse_fields(fields: Mapping[str, str], **options) -> FieldsAnalysis:
    """Analyse several fields as one text: a name found in the body is redacted in the title."""
    spans, parts, cursor = {}, [], 0
    for name, value in fields.items():
        value = value or ""
        spans[name] = (cursor, cursor + len(value))
        parts.append(value)
        cursor += len(value) + len(_FIELD_SEPARATOR)
    text = _FIELD_SEPARATOR.join(parts)
    return FieldsAnalysis(text, analyse(text, **options), spans)


def apply_fields(fields_analysis: FieldsAnalysis) -> dict[str, str]:
    out = {}
    for name, (start, end) in fields_analysis.spans.items():
        inside = [
            Redaction(r.start - start, r.end - start, r.kind, r.replacement)
            for r in fields_analysis.analysis.redactions
            if start <= r.start and r.end <= end
        ]
        out[name] = apply(fields_analysis.text[start:end], inside)
    return out


# ---- the gate --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """Something the gate found in a public text: `text` is what stands there."""

    kind: str
    field: str
    text: str
    reason: (
        str  # "known_person", "partial_name", "known_number", "known_value", "detector", "tagger"
    )


_SUFFIXES = "甲乙丙丁戊己庚辛壬癸"


def _partial_forms(person: Person) -> list[re.Pattern]:
    """What is left of a name cut in the wrong place: 胡某涵, 汪某甲涵, a part of 阿不都·热合曼,
    or a rare given name alone (雨涵). A remnant that starts a common word (曹某明知) is prose."""
    name = person.name
    if persons.DOT in name:
        return [re.compile(re.escape(part)) for part in name.split(persons.DOT) if len(part) >= 2]
    surname = surname_of(name)
    if surname is None:
        return []
    given = name[len(surname) :]
    forms = []
    if len(given) >= 2:
        forms.append(re.compile(f"{re.escape(surname)}某[{_SUFFIXES}]?{re.escape(given[-1])}"))
        if persons._frequency(given) == 0:
            forms.append(re.compile(re.escape(given)))
    return forms


def _remnant(public: str, form: re.Pattern) -> str | None:
    for match in form.finditer(public):
        following = public[match.end() - 1 : match.end() + 1]
        if len(following) == 2 and persons._frequency(following) > 20:
            continue  # 张某涵养: the character starts a word
        return match.group()
    return None


def _digits(text: str) -> str:
    return re.sub(r"[^0-9a-z@.]", "", text.lower())


def gate(public_fields: Mapping[str, str], analysis: Analysis) -> list[Finding]:
    """Check the exact public texts, right before publication, against the analysis of the
    original: every person whose name the rules redact, in every written form and cut short;
    every number and other value that was redacted; and whatever the detectors and the tagger
    find in the public text itself that no rule keeps. Empty: it may be published.

    Independent of how the public text was made: it trusts no stored redaction, only the text.
    """
    findings: list[Finding] = []
    protected_people = [p for p in analysis.people if p.redact]
    # Compared normalised, like the public text: a name in Latin letters has no space there.
    kept_names = sorted(
        {normalized(p.name) for p in analysis.people if not p.redact}, key=len, reverse=True
    )
    for field_name, value in public_fields.items():
        value = value or ""
        public = normalized(value)
        public_digits = _digits(public)
        # The names the rules keep may contain a protected one (曹启明 kept, 曹启 protected):
        # the people checks read the text without them.
        without_kept = public
        for name in kept_names:
            without_kept = without_kept.replace(name, "\n")
        for person in protected_people:
            if normalized(person.name) in without_kept:
                findings.append(Finding(NAME, field_name, person.name, "known_person"))
                continue
            for form in _partial_forms(person):
                remnant = _remnant(without_kept, form)
                if remnant:
                    findings.append(Finding(NAME, field_name, remnant, "partial_name"))
                    break
        for kind, protected_value in analysis.protected_values:
            if kind == NAME:
                continue
            if kind in patterns.NUMBER_KINDS:
                digits = _digits(protected_value)
                if len(digits) >= 5 and digits in public_digits:
                    findings.append(Finding(kind, field_name, protected_value, "known_number"))
            elif len(protected_value) >= 2 and protected_value in public:
                findings.append(Finding(kind, field_name, protected_value, "known_value"))
        recheck = analyse(
            value,
            dropped=analysis.dropped,
            people=analysis.decisions,
            minor=analysis.involves_minor or None,
        )
        for item in recheck.redactions:
            found = item.original(value)
            if found == item.replacement or normalized(found) in kept_names:
                continue
            if any(normalized(found) in name and name in public for name in kept_names):
                continue  # 诉诸葛楠: the tagger read 葛楠 inside a name the rules keep
            reason = "detector"
            if item.kind == NAME:
                person = next(
                    (p for p in recheck.people if p.replacement == item.replacement), None
                )
                reason = "tagger" if person is not None and person.source == "tagger" else reason
            findings.append(Finding(item.kind, field_name, found, reason))
    return list(dict.fromkeys(findings))
