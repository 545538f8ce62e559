"""Forms for publishers: documents, their redactions and publication, releases."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from portal.core.forms import CaseNumber, NoControlCharacters, PortalForm, max_length
from portal.core.i18n import lazy_gettext as _l
from portal.disclosure import redaction, services
from portal.disclosure.models import DocumentType, ReleaseCategory

# A document number (示检刑诉〔2024〕123号) is written as a case number is: the same rule.
DOCUMENT_NUMBER_MESSAGE = _l(
    "Enter the document number as printed on it, like 示检刑诉〔2024〕123号."
)


class DocumentForm(PortalForm):
    doc_type = SelectField(
        _l("Type of document"),
        choices=lambda: (
            [SelectChoice("", _l("Choose the type"))]
            + [SelectChoice(t.value, t.label) for t in DocumentType]
        ),
        validators=[DataRequired(_l("Choose the type of document."))],
    )
    procuratorate = StringField(
        _l("Procuratorate"),
        validators=[DataRequired(_l("Enter the procuratorate that issued it.")), max_length(100)],
    )
    case_number = StringField(
        _l("Document number"),
        description=_l("As printed on the document, like 示检刑诉〔2024〕123号."),
        validators=[
            DataRequired(_l("Enter the document number.")),
            max_length(60),
            CaseNumber(message=DOCUMENT_NUMBER_MESSAGE),
        ],
    )
    document_date = DateField(
        _l("Date of the document"),
        validators=[InputRequired(_l("Enter the date of the document, like 2024-05-20."))],
    )
    upload = FileField(
        _l("Upload a DOCX or PDF file"),
        description=_l("At most 10 MB and 200 pages. Or paste the text below instead."),
    )
    text = TextAreaField(
        _l("Or paste the text"),
        validators=[Optional(), max_length(200_000), NoControlCharacters()],
        render_kw={"rows": 14},
    )
    involves_minor = BooleanField(
        _l("The case concerns a crime against a minor"),
        description=_l("Every detail that could identify the minor must then be shielded."),
    )
    english_title = StringField(
        _l("English title (optional)"),
        description=_l(
            "For readers of English, like Non-prosecution decision: theft of a mobile phone. "
            "Shown on the public page and found by English searches; no names."
        ),
        validators=[Optional(), max_length(300), NoControlCharacters()],
    )
    english_summary = TextAreaField(
        _l("English summary (optional)"),
        description=_l("A few sentences on what was decided; no names or personal details."),
        validators=[Optional(), max_length(2000), NoControlCharacters()],
        render_kw={"rows": 4},
    )


class TermForm(PortalForm):
    term = StringField(
        _l("Text to redact"),
        description=_l("Copy it exactly from the original; it is redacted wherever it occurs."),
        validators=[DataRequired(_l("Enter the text to redact.")), max_length(100)],
    )
    kind = RadioField(
        _l("How to redact it"),
        choices=[
            SelectChoice(redaction.NAME, _l("A person's name: keep the surname, as in 张某")),
            SelectChoice(redaction.CUSTOM, _l("Remove it entirely")),
        ],
        default=redaction.NAME,
        validators=[InputRequired(_l("Choose how to redact the text."))],
    )


class PersonForm(PortalForm):
    """Name a person and the role they have in the case, or change a listed person's role."""

    name = StringField(
        _l("Name"),
        description=_l("As it is written in the text; the decision applies wherever it occurs."),
        validators=[DataRequired(_l("Enter the person's name.")), max_length(50)],
    )
    role = SelectField(
        _l("Role in the case"),
        choices=lambda: (
            [SelectChoice("", _l("Choose the role"))]
            + [
                SelectChoice(code, services.PERSON_ROLE_LABELS[code])
                for code in redaction.PERSON_ROLES
            ]
        ),
        validators=[DataRequired(_l("Choose the role of the person."))],
    )


class DecisionForm(PortalForm):
    """Drop or restore one proposed redaction (hidden fields from the list on the page)."""

    kind = HiddenField(validators=[DataRequired()])
    text = HiddenField(validators=[DataRequired()])


class PublishForm(PortalForm):
    judgment_in_force_on = DateField(
        _l("Date the judgment took effect"),
        description=_l(
            "Indictments only: an indictment is published once the judgment is in force."
        ),
        validators=[Optional()],
    )
    minor_shielded = BooleanField(
        _l("I have checked that nothing in the text can identify the minor"),
    )


class WithdrawForm(PortalForm):
    reason = TextAreaField(
        _l("Reason for withdrawal"),
        description=_l("Shown to the public at the old address."),
        validators=[DataRequired(_l("Enter the reason for withdrawal.")), max_length(500)],
        render_kw={"rows": 3},
    )


class ReleaseForm(PortalForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), max_length(200)]
    )
    category = SelectField(
        _l("Category"),
        choices=lambda: (
            [SelectChoice("", _l("Choose a category"))]
            + [SelectChoice(c.value, c.label) for c in ReleaseCategory]
        ),
        validators=[DataRequired(_l("Choose a category."))],
    )
    procuratorate = StringField(
        _l("Procuratorate"),
        validators=[DataRequired(_l("Enter the procuratorate.")), max_length(100)],
    )
    released_on = DateField(
        _l("Date of the release"),
        validators=[InputRequired(_l("Enter the date of the release, like 2024-05-20."))],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[
            DataRequired(_l("Enter the text of the release.")),
            max_length(50_000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 14},
    )
    english_title = StringField(
        _l("English title (optional)"),
        description=_l(
            "For readers of English, like Non-prosecution decision: theft of a mobile phone. "
            "Shown on the public page and found by English searches; no names."
        ),
        validators=[Optional(), max_length(300), NoControlCharacters()],
    )
    english_summary = TextAreaField(
        _l("English summary (optional)"),
        description=_l("A few sentences on what was decided; no names or personal details."),
        validators=[Optional(), max_length(2000), NoControlCharacters()],
        render_kw={"rows": 4},
    )
