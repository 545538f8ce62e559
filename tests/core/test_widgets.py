"""The portal's html_params (portal/core/widgets.py) draws what WTForms' own draws."""

import importlib.util

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core import widgets


def wtforms_own_html_params():
    """WTForms' html_params from a copy of its module loaded afresh (the portal replaces the
    one in the imported module)."""
    spec = importlib.util.find_spec("wtforms.widgets.core")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.html_params


UPSTREAM = wtforms_own_html_params()

names = st.sampled_from(
    ["class_", "for_", "id", "name", "value", "data_anonymous_switch", "aria_describedby",
     "aria-invalid", "data-x", "required", "checked", "a\"b", "<x>"]
)  # fmt: skip
values = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(),
    st.text(),
    st.sampled_from(['"', "'", "<script>", "&amp;", "a & b", "证件号码"]),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(names, values, max_size=6))
def test_the_same_markup_as_wtforms(attributes):
    assert widgets.html_params(**attributes) == UPSTREAM(**attributes)


def test_forms_render_through_it(app):
    from wtforms import Form, SelectChoice, SelectField, StringField

    class Sample(Form):
        name = StringField("Name")
        kind = SelectField(choices=[SelectChoice("a", 'A "quoted" <b>')])

    form = Sample()
    assert str(form.name(class_="input", aria_describedby="x-hint", required=True)) == (
        '<input aria-describedby="x-hint" class="input" id="name" name="name" required '
        'type="text" value="">'
    )
    assert '<option value="a">A &#34;quoted&#34; &lt;b&gt;</option>' in str(form.kind())
