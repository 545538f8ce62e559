"""The Simplified Chinese catalogue is complete, in step with the source, and really used.

Chinese is the default language of the portal: a string missing from the catalogue reaches
citizens in English. After adding or changing a string, run `make messages`, translate the new
entries in translations/zh_Hans_CN/LC_MESSAGES/messages.po, then `make translations`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import refresh

from tests.factories import url

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "translations" / "messages.pot"
ZH_PO = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
ZH_MO = ZH_PO.with_suffix(".mo")

# A python-format placeholder: %(name)s, %(n)d, %(x)05.2f ...
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _read_po(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _messages(catalog):
    return [message for message in catalog if message.id]


def _ids(catalog) -> set:
    return {message.id for message in _messages(catalog)}


def _forms(value) -> tuple:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _key(msgid) -> tuple:
    """read_mo gives a plural msgid as a list, read_po as a tuple."""
    return tuple(msgid) if isinstance(msgid, list | tuple) else (msgid,)


def _placeholders(*texts) -> set[str]:
    return {match.group(0) for text in texts if text for match in PLACEHOLDER.finditer(text)}


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory) -> set:
    """The msgids of the source as it is now, extracted with the options of `make messages`."""
    out = tmp_path_factory.mktemp("babel") / "messages.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "--quiet",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(out),
            "--no-location",
            "--sort-output",
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return _ids(_read_po(out))


@pytest.fixture(scope="module")
def zh_catalog():
    return _read_po(ZH_PO)


def test_template_is_up_to_date_with_the_source(fresh_extraction):
    committed = _ids(_read_po(POT))
    added = sorted(map(str, fresh_extraction - committed))
    removed = sorted(map(str, committed - fresh_extraction))
    assert not added and not removed, (
        f"translations/messages.pot is out of date; run `make messages`.\n"
        f"New in the source: {added}\nNo longer in the source: {removed}"
    )


TEMPLATE_CALL = re.compile(r"""\b(?:_|gettext|ngettext)\(\s*(['"])(.+?)(?<!\\)\1""", re.DOTALL)


def test_extraction_misses_no_template_string(fresh_extraction):
    """Babel's Jinja extractor skips a template it cannot parse without a word, for example one
    using `{% do %}` when babel.cfg does not name jinja2.ext.do: its strings then stay English."""
    singulars = {msgid[0] if isinstance(msgid, tuple) else msgid for msgid in fresh_extraction}
    skipped = sorted(
        f"{path.relative_to(ROOT)}: {match.group(2)!r}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) not in singulars
    )
    assert not skipped, f"Strings the extraction skipped (check babel.cfg): {skipped}"


def test_chinese_catalogue_has_every_extracted_string(fresh_extraction, zh_catalog):
    missing = sorted(map(str, fresh_extraction - _ids(zh_catalog)))
    assert not missing, f"Not in the zh_Hans_CN catalogue (run `make messages`): {missing}"


def test_chinese_catalogue_has_no_strings_the_source_dropped(fresh_extraction, zh_catalog):
    stale = sorted(map(str, _ids(zh_catalog) - fresh_extraction))
    assert not stale, f"Obsolete entries in the zh_Hans_CN catalogue: {stale}"


def test_every_chinese_message_is_translated(zh_catalog):
    untranslated = []
    for message in _messages(zh_catalog):
        forms = _forms(message.string)
        expected = zh_catalog.num_plurals if message.pluralizable else 1
        if message.fuzzy or len(forms) != expected or not all(f and f.strip() for f in forms):
            untranslated.append(message.id)
    assert zh_catalog.num_plurals == 1
    assert not untranslated, f"Untranslated or fuzzy: {untranslated}"


def test_chinese_translations_keep_every_placeholder(zh_catalog):
    wrong = []
    for message in _messages(zh_catalog):
        expected = _placeholders(*_forms(message.id))
        for form in _forms(message.string):
            if _placeholders(form) != expected:
                wrong.append((message.id, form))
        if expected and not message.python_format:
            wrong.append((message.id, "missing the python-format flag"))
    assert not wrong, f"Placeholders differ from the msgid: {wrong}"
    assert not [(m.id, errors) for m, errors in zh_catalog.check()], "Babel's checks failed"


def test_chinese_translations_are_chinese(zh_catalog):
    """A msgstr copied from the msgid (or left in English) is not a translation."""
    han = re.compile(r"[\u4e00-\u9fff]")
    english = [
        message.id
        for message in _messages(zh_catalog)
        if not all(han.search(form) for form in _forms(message.string))
    ]
    assert not english, f"Translations without Chinese text: {english}"


def test_compiled_catalogue_matches_the_po_file(zh_catalog):
    assert ZH_MO.exists(), "No compiled catalogue: run `make translations`."
    with ZH_MO.open("rb") as f:
        compiled = {_key(m.id): _forms(m.string) for m in read_mo(f) if m.id}
    source = {_key(m.id): _forms(m.string) for m in _messages(zh_catalog)}
    assert compiled == source, "messages.mo is older than messages.po: run `make translations`."


def test_pages_are_in_chinese_until_the_visitor_chooses_english(client):
    html = client.get(url("site.home")).get_data(as_text=True)
    assert 'lang="zh-Hans"' in html
    assert "我要信访" in html  # "File a petition"
    assert "查询办理进度" in html  # "Check progress"
    assert "File a petition" not in html

    response = client.get(url("site.switch_language", locale="en"))
    assert response.status_code == 302
    # The tests share one app context (tests/conftest.py), where Flask-Babel caches the locale
    # of the first request; a real request starts afresh.
    refresh()

    html = client.get(url("site.home")).get_data(as_text=True)
    assert 'lang="en"' in html
    assert "File a petition" in html
    assert "我要信访" not in html


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_templates_translate_as_flask_babels_callables_do(app, locale):
    """A page's `_` and `ngettext` are bound to its catalogue once (core/i18n.page_gettext);
    they must write what Flask-Babel's own template callables write, values escaped."""
    from flask import render_template_string
    from flask_babel import force_locale

    source = (
        "{{ _('Home') }}|{{ _('Logged in as %(name)s (lawyer)', name='<b>王某</b>') }}|"
        "{{ ngettext('%(num)d result', '%(num)d results', 1) }}|"
        "{{ ngettext('%(num)d result', '%(num)d results', 7) }}"
    )
    with app.test_request_context("/"), force_locale(locale):
        page = render_template_string(source)  # with the context processor's callables
        flask_babels = app.jinja_env.from_string(source).render()  # with the globals only
    assert page == flask_babels
    assert "&lt;b&gt;王某&lt;/b&gt;" in page and "<b>" not in page
    assert ("首页" in page) == (locale == "zh_Hans_CN")
