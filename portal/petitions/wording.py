"""Standard wordings of the notices staff write to petitioners (受理告知, 转送告知, 不予受理告知,
答复意见, 进展告知, 补充材料通知): the box of each action on the petition page starts from the
wording of its kind, filled with the petition's details, in the petitioner's language; staff
complete and correct it before sending.

The wordings ship here (`DEFAULTS`), so that a fresh install has them; an administrator may
replace any of them, in each language (`save_wording`, audited), and the saved wording applies
from then on. A wording names the petition's details by placeholders in braces, `{number}`;
only those of `PLACEHOLDERS` exist, and a wording with any other, or a stray brace, is refused
when it is saved (`wording_errors`), so that filling it in never fails on a petition page.
What staff still have to write is in brackets (（写明理由）): it has no placeholder, because
no stored fact says it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date

from portal.core import audit, clock
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.petitions.models import NoticeWording, Petition, WordingKind

LANGUAGES = ("zh", "en")
LANGUAGE_LABELS = {"zh": _l("Chinese"), "en": _l("English")}

audit.register_subject_kinds({"notice_wording": audit.SubjectKind(_l("Standard wording"))})
audit.register_event_types(
    {"petition.wording_changed": audit.EventType(_l("Standard wording changed"))}
)
audit.register_detail_keys(
    ["petition"],
    {
        "wording": audit.DetailKey(_l("Notice"), lambda code: WordingKind(code).label),
        "language": audit.DetailKey(_l("Language"), lambda code: LANGUAGE_LABELS[code]),
    },
)


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: object


PLACEHOLDERS = (
    Placeholder("number", _l("the tracking number, e.g. XF2026-000123")),
    Placeholder("kind", _l("the kind of petition, e.g. complaint")),
    Placeholder("received_on", _l("the date the petition was received")),
    Placeholder("ack_due_on", _l("the date the procedural reply is due")),
    Placeholder("answer_due_on", _l("the date the result or progress is due")),
    Placeholder("procuratorate", _l("the name of this procuratorate, which received it")),
    Placeholder("today", _l("today's date")),
)
PLACEHOLDER_NAMES = frozenset(placeholder.name for placeholder in PLACEHOLDERS)

# The shipped wordings. Chinese in the style of the 人民检察院信访工作规定's notices; the brackets
# are what the member of staff writes in.
DEFAULTS: dict[WordingKind, dict[str, str]] = {
    WordingKind.ACKNOWLEDGMENT: {
        "zh": "你于{received_on}向本院提出的{kind}（编号：{number}）已收悉。经审查，本院决定"
        "受理，将依法办理，并于{answer_due_on}前将办理进展或结果告知你。如有需要补充的材料，"
        "可在进度查询页面提交。\n{procuratorate}\n{today}",
        "en": "Your {kind} (no. {number}), received on {received_on}, has been examined and is "
        "accepted for handling. We will tell you of its progress or result by {answer_due_on}. "
        "You can add material on the progress page.\n{procuratorate}\n{today}",
    },
    WordingKind.TRANSFER: {
        "zh": "你于{received_on}向本院提出的{kind}（编号：{number}）已收悉。经审查，该事项不属于"
        "本院管辖，本院已依法转送（写明接收机关）办理，请与其联系（写明地址和电话）。"
        "\n{procuratorate}\n{today}",
        "en": "Your {kind} (no. {number}), received on {received_on}, concerns a matter outside "
        "our remit. We have transferred it to (name the authority), which is responsible and "
        "can be reached at (address and phone number).\n{procuratorate}\n{today}",
    },
    WordingKind.NOT_ACCEPTED: {
        "zh": "你于{received_on}向本院提出的{kind}（编号：{number}）已收悉。经审查，本院决定不予"
        "受理，理由是：（写明理由和依据）。如不服本决定，可以（写明救济途径）。"
        "\n{procuratorate}\n{today}",
        "en": "Your {kind} (no. {number}), received on {received_on}, has been examined and is "
        "not accepted, for this reason: (the reason and its legal basis). If you disagree, you "
        "can (what the petitioner can do next).\n{procuratorate}\n{today}",
    },
    WordingKind.MERGED: {
        "zh": "你于{received_on}提出的{kind}（编号：{number}）与此前提出的（写明编号）反映的是同一"
        "事项，本院将合并办理，答复一并告知。\n{procuratorate}\n{today}",
        "en": "Your {kind} (no. {number}), received on {received_on}, concerns the same matter "
        "as the earlier petition (its number). We handle them together, and one reply will "
        "answer both.\n{procuratorate}\n{today}",
    },
    WordingKind.PROGRESS: {
        "zh": "你于{received_on}提出的{kind}（编号：{number}）正在办理中。目前的办理情况是："
        "（写明进展）。本院将继续依法办理，并及时告知办理情况。\n{procuratorate}\n{today}",
        "en": "Your {kind} (no. {number}), received on {received_on}, is being handled. Where it "
        "stands: (the progress). We will go on handling it and tell you of its progress."
        "\n{procuratorate}\n{today}",
    },
    WordingKind.RESULT: {
        "zh": "你于{received_on}提出的{kind}（编号：{number}），本院已依法办理完毕。经审查，答复如下："
        "（写明查明的事实、处理结果和依据）。如对本答复不满意，可在进度查询页面提出异议。"
        "\n{procuratorate}\n{today}",
        "en": "Your {kind} (no. {number}), received on {received_on}, has been handled. Our "
        "answer: (the facts found, the result and its legal basis). If you are not satisfied "
        "with this answer, you can object on the progress page.\n{procuratorate}\n{today}",
    },
    WordingKind.MATERIAL_REQUEST: {
        "zh": "关于你于{received_on}提出的{kind}（编号：{number}），为依法办理，请补充以下材料："
        "（列明所需材料及其用途）。请在进度查询页面提交。",
        "en": "About your {kind} (no. {number}), received on {received_on}: to handle it, we "
        "need the following material: (what is needed and why). Please add it on the progress "
        "page.",
    },
}


def language_of_locale(locale: str | None) -> str:
    """The wording's language for a locale code ("zh_Hans_CN" -> "zh")."""
    return "zh" if (locale or "").startswith("zh") else "en"


def wording_errors(text: str | None) -> list[str]:
    """What is wrong with a wording an administrator typed, as messages for them; [] when it
    can be saved: not empty, every brace part of a known placeholder."""
    if not text or not text.strip():
        return [str(_l("Write the wording."))]
    try:
        parts = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        return [
            str(
                _l(
                    "A brace { or } is not closed. Write a placeholder as {number}; write a "
                    "brace itself twice, {{ or }}."
                )
            )
        ]
    known = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDER_NAMES))
    unknown = [name for name, _, _ in parts if name not in PLACEHOLDER_NAMES]
    errors = [
        str(
            _l(
                "There is no placeholder {%(name)s}. The placeholders are: %(known)s.",
                name=name,
                known=known,
            )
        )
        for name in dict.fromkeys(unknown)
    ]
    if not unknown and any(spec or conversion for _, spec, conversion in parts):
        errors.append(str(_l("Write a placeholder as its name in braces only, e.g. {number}.")))
    return errors


def wording(kind: WordingKind | str, language: str) -> str:
    """The wording in force: the administrator's, else the shipped one."""
    kind = WordingKind(kind)
    saved = db.session.scalar(
        sa.select(NoticeWording.body).where(
            NoticeWording.kind == kind.value, NoticeWording.language == language
        )
    )
    return saved if saved is not None else DEFAULTS[kind][language]


def is_customised(kind: WordingKind | str, language: str) -> bool:
    return wording(kind, language) != DEFAULTS[WordingKind(kind)][language]


def petition_values(petition: Petition, locale: str) -> dict[str, str]:
    """The petition's details for the placeholders, as the petitioner reads them in `locale`."""
    config = current_app.config
    with force_locale(locale):
        return {
            "number": petition.tracking_number,
            "kind": str(petition.kind_enum.label),
            "received_on": format_date(petition.received_on),
            "ack_due_on": format_date(petition.ack_due_on),
            "answer_due_on": format_date(petition.answer_due_on),
            "procuratorate": config["PROCURATORATE_NAME"]
            if language_of_locale(locale) == "zh"
            else config["PROCURATORATE_NAME_EN"],
            "today": format_date(clock.local_today()),
        }


def render(text: str, values: dict[str, str]) -> str:
    """A wording filled in. Saved wordings were checked (`wording_errors`); one that slipped
    past that (written into the database by hand) is given as it is rather than failing."""
    try:
        return text.format_map(values)
    except (KeyError, ValueError, IndexError):
        return text


def starting_text(kind: WordingKind | str, petition: Petition) -> str:
    """What the box of this kind of notice starts with on this petition's page: the wording in
    the petitioner's language (the one they filed in), filled in."""
    locale = petition.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return render(wording(kind, language_of_locale(locale)), petition_values(petition, locale))


def save_wording(kind: WordingKind | str, texts: dict[str, str], actor) -> list[str]:
    """Save the administrator's wordings of `kind` ({language: text}); returns the languages
    changed, each with its audit event. Raises ValueError on a text `wording_errors` refuses
    (the form checks first)."""
    kind = WordingKind(kind)
    changed = []
    for language in LANGUAGES:
        text = texts[language].replace("\r\n", "\n").strip()
        if wording_errors(text):
            raise ValueError(f"wording of {kind} in {language} refused")
        if text == wording(kind, language):
            continue
        row = db.session.scalar(
            sa.select(NoticeWording).where(
                NoticeWording.kind == kind.value, NoticeWording.language == language
            )
        )
        if row is None:
            row = NoticeWording(kind=kind.value, language=language)
            db.session.add(row)
        row.body, row.updated_at, row.updated_by_id = text, clock.now(), actor.id
        audit.record(
            "petition.wording_changed",
            actor=actor,
            subject=("notice_wording", kind.value),
            detail={"wording": kind.value, "language": language},
        )
        changed.append(language)
    return changed
