"""One canonical identity for every kind of account (staff, lawyers).

An e-mail address is compared, stored and counted (portal/core/throttle.py) in one canonical
form, so that "Lawyer1@…", " lawyer1@… " and the full-width "ｌａｗｙｅｒ１@…" are one address:
they cannot become two accounts, nor two lockout counters.

    canonical_email(text) = NFKC(casefold(NFKC(text))), trimmed   (Unicode's NFKC_Casefold:
                            full-width and other compatibility characters folded, case folded)
    canonical_name(text)  = NFKC(text), runs of white space made one space, trimmed (case kept)

A new account's address or name is refused when it could pass for another one:

1. it holds characters that cannot be seen or are not text: controls, format characters such as
   zero-width spaces, private-use or unassigned code points (and, in an address, any space);
2. it mixes scripts: an address's local part as a whole and its domain label by label (each
   IDNA label decoded from "xn--" first), a name as a whole. Allowed are one script, or the mixes that
   Chinese, Japanese and Korean writing make with Latin (UTS #39 "highly restrictive": Latin +
   Han + Hiragana + Katakana, Latin + Han + Bopomofo, Latin + Han + Hangul). "lawyеr1" with a
   Cyrillic "е" is refused; "zhang张" is not;
3. a part of an address written wholly in another script than Latin or the CJK ones is made only
   of letters that look like ASCII letters or digits (Cyrillic "аре", a "whole-script
   confusable"; "иван" is not refused);
4. its skeleton (UTS #39: every character replaced by one representative of its class of
   look-alikes, "1" and "l", "rn" and "m", Cyrillic "е" and Latin "e") equals the skeleton of an
   existing account's address (or, for staff, name): "lawyerl@…" beside "lawyer1@…".

Rules 1-3 depend only on what was typed (`email_problem`, `name_problem`), so their message can
be shown to anyone. Rule 4 needs the existing values (`confusable_with`) and so tells that some
account exists: an administrator creating a staff account is told which one; the public lawyer
registration answers as for an address that is registered already (portal/lawyers/services.py),
so that it reveals nothing.

The look-alike classes and the scripts are Unicode's (confusables.txt, Scripts.txt) as packaged
by `confusable_homoglyphs`: pure Python, data only, kept up to date with Unicode, and the library
django-registration uses for the same check. It has no skeleton function, so `skeleton()` joins
its pairs of look-alikes into classes once (a union-find) and maps each character to its class.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable
from functools import cache

from confusable_homoglyphs import categories, confusables

from portal.core.i18n import lazy_gettext as _l

EMAIL_MAX_LENGTH = 254
# Scripts that mark no script of their own: digits, punctuation, combining accents.
_NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED"})
_CJK_SCRIPTS = frozenset({"HAN", "HIRAGANA", "KATAKANA", "BOPOMOFO", "HANGUL"})
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# Unicode categories of characters that are not visible text: controls, format characters (zero
# width space, joiners, direction marks), surrogates, private use, unassigned, line separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_LRM = "\u200e"  # the package wraps right-to-left look-alikes in it

EMAIL_LOOKALIKE = _l(
    "This e-mail address contains letters that can be mistaken for others (such as a Cyrillic "
    "“е” among Latin letters) or characters that cannot be seen. Type it again in the letters "
    "of one alphabet."
)
NAME_LOOKALIKE = _l(
    "This name contains letters that can be mistaken for others (such as a Cyrillic “е” among "
    "Latin letters) or characters that cannot be seen. Type it again in the letters of one "
    "alphabet."
)


def canonical_email(text: str | None) -> str:
    """The one form in which addresses are stored, compared and counted."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def canonical_name(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def email_problem(email: str) -> str | None:
    """Why this address (in canonical form) may not name a new account, or None (rules 1-3)."""
    if len(email) > EMAIL_MAX_LENGTH:
        return _l("Use at most %(max)d characters.", max=EMAIL_MAX_LENGTH)
    local, _at, domain = email.rpartition("@")
    if _has_invisible(email) or any(c.isspace() for c in email):
        return EMAIL_LOOKALIKE
    # The local part as a whole; the domain label by label, as browsers check host names.
    for part in (local, *_decoded_domain(domain).split(".")):
        if _mixes_scripts(part) or _looks_latin(part):
            return EMAIL_LOOKALIKE
    return None


def name_problem(name: str, max_length: int = 100) -> str | None:
    """Why this name (in canonical form) may not be given to a new account, or None."""
    if len(name) > max_length:
        return _l("Use at most %(max)d characters.", max=max_length)
    if _has_invisible(name) or _mixes_scripts(name):
        return NAME_LOOKALIKE
    return None


def skeleton(text: str) -> str:
    """UTS #39's skeleton: two strings that look alike have the same skeleton."""
    mapping = _prototypes()
    result = unicodedata.normalize("NFD", text)
    for _round in range(4):  # a class's representative may itself hold mapped characters
        mapped = unicodedata.normalize("NFD", "".join(mapping.get(c, c) for c in result))
        if mapped == result:
            break
        result = mapped
    return result


def email_skeleton(email: str) -> str:
    local, at, domain = canonical_email(email).rpartition("@")
    return skeleton(local + at + _decoded_domain(domain))


def name_skeleton(name: str) -> str:
    return skeleton(canonical_name(name).casefold())


def confusable_with(candidate: str, existing: Iterable[str], *, key=email_skeleton) -> str | None:
    """The first of `existing` that looks like `candidate` (the same skeleton under `key`:
    email_skeleton or name_skeleton), or None. Equal values count as look-alikes too."""
    target = key(candidate)
    return next((value for value in existing if value and key(value) == target), None)


# ---- helpers ----------------------------------------------------------------------------------


def _has_invisible(text: str) -> bool:
    return any(unicodedata.category(c) in _INVISIBLE for c in text)


def _scripts(text: str) -> set[str]:
    return {categories.alias(c) for c in text} - _NEUTRAL_SCRIPTS


def _mixes_scripts(text: str) -> bool:
    scripts = _scripts(text)
    return len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES)


def _looks_latin(text: str) -> bool:
    """Written in one script other than Latin and the CJK ones, every letter of which looks
    like an ASCII letter or digit (so the whole can pass for an ordinary address)."""
    scripts = _scripts(text)
    if not scripts or "LATIN" in scripts or scripts & _CJK_SCRIPTS:
        return False
    letters = {c for c in text if categories.alias(c) not in _NEUTRAL_SCRIPTS}
    return all(skeleton(c) in _ascii_skeletons() for c in letters)


@cache
def _ascii_skeletons() -> frozenset[str]:
    return frozenset(skeleton(c) for c in string.ascii_letters + string.digits)


def _decoded_domain(domain: str) -> str:
    """IDNA labels ("xn--80ak6aa92e") as the letters they show, so that they are checked."""
    labels = []
    for label in domain.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                pass  # not valid IDNA: checked as typed
        labels.append(label)
    return ".".join(labels)


@cache
def _prototypes() -> dict[str, str]:
    """Character → the representative of its class of look-alikes (built once)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for char, glyphs in confusables.confusables_data.items():
        for glyph in glyphs:
            a, b = find(char.replace(_LRM, "")), find(glyph["c"].replace(_LRM, ""))
            if a != b:
                parent[a] = b
    classes: dict[str, list[str]] = {}
    for member in list(parent):
        classes.setdefault(find(member), []).append(member)
    mapping = {}
    for members in classes.values():
        # A class that holds a sequence ("rn") is represented by it, so that "m" and "rn" meet.
        pool = [m for m in members if len(m) > 1] or members
        representative = min(pool, key=lambda m: (len(m), [ord(c) for c in m]))
        mapping.update({m: representative for m in members if len(m) == 1})
    return mapping
