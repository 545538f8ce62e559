"""Parts of the layout drawn once and kept: the site's header and footer (templates/layout/).

Every page draws them, and for a reader who is not logged in they are the same on every page
of one language and display mode: some 20 links and 30 strings, a tenth of what the search page
costs to draw and more than the petition form's own fields. They are kept per app, language,
display mode and path prefix (SCRIPT_NAME, which every link starts with), in each worker's
memory beside the page cache, and drawn afresh for anyone logged in (their navigation follows
their role). What they show comes from the settings and the catalogues, which change only when
the portal restarts (tests that change settings call the page cache's `clear`, which forgets
the worker's fragments too).
A fragment may read only what every page's context holds (the context processors and globals):
a value a view passes would be kept for every other page.
"""

from __future__ import annotations

from flask import current_app, request
from jinja2 import pass_context
from markupsafe import Markup

from portal.core import pagecache

# Languages x display modes x fragments, with room for a few path prefixes; past it, the store
# starts again rather than grow with prefixes a proxy might send.
MAX_KEPT = 64


@pass_context
def kept_fragment(context, template_name: str) -> Markup:
    """The template drawn with the page's context, kept for readers not logged in."""
    if context["current_user"].is_authenticated:
        return _draw(context, template_name)
    key = (template_name, context["current_locale"], context["elderly_mode"], request.script_root)
    kept = current_app.extensions[pagecache.EXTENSION].fragments
    fragment = kept.get(key)
    if fragment is None:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        fragment = kept[key] = _draw(context, template_name)
    return fragment


def _draw(context, template_name: str) -> Markup:
    template = context.environment.get_template(template_name)
    return Markup(template.render(context.get_all()))  # noqa: S704  (an autoescaped template)
