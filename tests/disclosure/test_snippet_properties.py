"""A search result's snippet (portal/disclosure/search.py, `snippet`) normalises only the part of
the text around the first match. It must show exactly what normalising the whole text first and
then cutting the window shows: the same characters, the same marks, the same ellipses, for any
text, terms and window, whitespace of every kind included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from portal.disclosure.search import _marked, _pattern, snippet

# Characters that matter: whitespace of several kinds (and runs of it), letters with case,
# Chinese, and what HTML escapes.
ALPHABET = " \t\n\u3000\xa0aAbB盗窃诈<&"
# Long runs of whitespace too: a piece of text that normalises to just the window's length.
texts = st.one_of(
    st.text(alphabet=ALPHABET, max_size=120),
    st.lists(
        st.one_of(
            st.text(alphabet=ALPHABET, min_size=1, max_size=3),
            st.integers(min_value=1, max_value=40).map(lambda n: " " * n),
        ),
        max_size=12,
    ).map("".join),
)
terms = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), max_size=3)


def whole_text_snippet(text: str, terms, before: int, length: int) -> Markup:
    """The definition: runs of whitespace made one space in the whole text, then the window of
    `length` characters that starts `before` characters before the first match."""
    text = " ".join(text.split())
    pattern = _pattern(tuple(terms))
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - before) if match else 0
    window = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    marked = _marked(window, pattern) if pattern else escape(window)
    return Markup(f"{prefix}{marked}{suffix}")  # noqa: S704


@settings(max_examples=3000, deadline=None)
@given(
    text=texts,
    terms=terms,
    before=st.integers(min_value=0, max_value=12),
    length=st.integers(min_value=1, max_value=40),
)
def test_the_snippet_is_the_window_of_the_whole_normalised_text(text, terms, before, length):
    assert snippet(text, terms, before=before, length=length) == whole_text_snippet(
        text, terms, before, length
    )


@settings(max_examples=300, deadline=None)
@given(
    padding=st.text(alphabet=" \t\n\u3000ab盗", min_size=200, max_size=2000),
    text=texts,
)
def test_the_snippet_of_a_long_text_with_a_late_match(padding, text):
    """A match far into a long text, and a long text after it: the pieces normalised grow until
    they hold the window."""
    long_text = padding + " 诈骗 " + text + padding
    assert snippet(long_text, ["诈骗"]) == whole_text_snippet(long_text, ["诈骗"], 40, 160)
