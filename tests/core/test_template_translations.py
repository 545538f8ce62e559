"""The templates' translations (core/i18n.translations, kept per locale for speed) follow the
language in force: the page's, a forced one for a message in the petitioner's language, and a
language changed during the request."""

from flask import render_template_string
from flask_babel import force_locale, refresh

HOME = "{{ _('Home') }} {{ ngettext('%(num)d day', '%(num)d days', 2) }}"


def test_a_page_speaks_its_readers_language(app):
    # Each request has an application context (and so a `g`) of its own, as when served.
    with app.app_context(), app.test_request_context("/", headers={"Cookie": "portal_locale=en"}):
        assert render_template_string(HOME) == "Home 2 days"
    with app.app_context(), app.test_request_context("/"):
        assert render_template_string(HOME).startswith("首页")


def test_a_forced_language_is_spoken_inside_and_the_pages_again_after(app):
    with app.test_request_context("/"):
        assert render_template_string(HOME).startswith("首页")
        with force_locale("en"):
            assert render_template_string(HOME) == "Home 2 days"
        assert render_template_string(HOME).startswith("首页")


def test_a_language_changed_during_the_request_is_spoken_after_a_refresh(app):
    with app.test_request_context("/"):
        assert render_template_string(HOME).startswith("首页")
        app.config["BABEL_DEFAULT_LOCALE"], before = "en", app.config["BABEL_DEFAULT_LOCALE"]
        try:
            refresh()
            assert render_template_string(HOME) == "Home 2 days"
        finally:
            app.config["BABEL_DEFAULT_LOCALE"] = before
