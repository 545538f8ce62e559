"""Forms for case entry, stage changes, query codes, CSV import and the public case query.

CaseForm is also what validates each row of a CSV import (services.import_cases), so a case typed
in and a case imported obey the same rules and get the same messages.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from portal.cases.models import Category, Relationship, Stage, Verification
from portal.core import clock
from portal.core.casenumbers import MAX_LENGTH
from portal.core.forms import (
    CaseNumber,
    DayField,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    max_length,
)
from portal.core.i18n import lazy_gettext as _l

TEXT_MAX = 2000


def stage_choices():
    return [SelectChoice("", _l("Choose the stage"))] + [
        SelectChoice(stage.value, stage.label) for stage in Stage
    ]


def _text(label, description):
    return TextAreaField(
        label,
        description=description,
        validators=[Optional(), max_length(TEXT_MAX), NoControlCharacters()],
        render_kw={"rows": 3},
    )


class CaseForm(PortalForm):
    case_number = StringField(
        _l("Case number"),
        description=_l("As on the case documents, for example 示检刑诉受〔2026〕1号."),
        validators=[
            DataRequired(_l("Enter the case number.")),
            max_length(MAX_LENGTH),
            CaseNumber(check_year=True),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    cause_of_action = StringField(
        _l("Cause of action"),
        description=_l("The charge or cause as on the file, for example 盗窃罪."),
        validators=[
            DataRequired(_l("Enter the cause of action.")),
            max_length(200),
            NoControlCharacters(),
        ],
    )
    procuratorate = StringField(
        _l("Procuratorate"),
        validators=[
            DataRequired(_l("Enter the procuratorate that handles the case.")),
            max_length(100),
            NoControlCharacters(),
        ],
    )
    department = StringField(
        _l("Handling department"),
        description=_l("For example 第一检察部."),
        validators=[
            DataRequired(_l("Enter the department that handles the case.")),
            max_length(100),
            NoControlCharacters(),
        ],
    )
    accepted_on = DayField(
        _l("Date of acceptance"),
        validators=[InputRequired(_l("Enter the date of acceptance as year-month-day."))],
    )
    time_limit_on = DayField(
        _l("Time limit (optional)"),
        description=_l("The last day of the time limit for the current stage."),
        validators=[Optional()],
    )
    stage = SelectField(
        _l("Stage"),
        choices=stage_choices,
        invalid_choice_message=_l("Choose one of the listed stages."),
        validators=[DataRequired(_l("Choose the stage the case is in."))],
    )
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(category.value, category.label) for category in Category],
        default=Category.ORDINARY.value,
        invalid_choice_message=_l("Choose one of the listed categories."),
        validators=[DataRequired(_l("Choose the category of the case."))],
    )
    result = _text(
        _l("Result (optional)"),
        _l("The decision or judgment and its date. Parties with a query code read this."),
    )
    coercive_measures = _text(
        _l("Coercive measures (optional)"),
        _l("For example: released on bail pending trial since 2026-03-01 (取保候审)."),
    )
    seized_property = _text(
        _l("Seized, sealed or frozen property (optional)"),
        _l("What was seized, sealed or frozen, and what became of it."),
    )

    def validate_accepted_on(self, field):
        if field.data and field.data > clock.local_today():
            raise ValidationError(_l("The date of acceptance cannot be in the future."))

    def validate_time_limit_on(self, field):
        if field.data and self.accepted_on.data and field.data < self.accepted_on.data:
            raise ValidationError(_l("The time limit cannot be before the date of acceptance."))


class CaseEditForm(CaseForm):
    """Editing a case; its stage changes only through StageChangeForm, which keeps history."""

    stage = None


class StageChangeForm(PortalForm):
    stage = SelectField(
        _l("New stage"),
        choices=stage_choices,
        invalid_choice_message=_l("Choose one of the listed stages."),
        validators=[DataRequired(_l("Choose the new stage."))],
    )
    changed_on = DayField(
        _l("Date the case entered this stage"),
        validators=[InputRequired(_l("Enter the date the case entered this stage."))],
    )
    note = TextAreaField(
        _l("Note for the parties (optional)"),
        description=_l(
            "Shown with the stage to people with a query code. Never write evidence or "
            "personal data here."
        ),
        validators=[Optional(), max_length(500), NoControlCharacters()],
        render_kw={"rows": 2},
    )


class IssueCodeForm(OnceOnlyForm):
    person_name = StringField(
        _l("Full name of the person"),
        validators=[
            DataRequired(_l("Enter the person's full name.")),
            max_length(50),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "off"},
    )
    relation = RadioField(
        _l("Relation to the case"),
        choices=[SelectChoice(r.value, r.label) for r in Relationship],
        invalid_choice_message=_l("Choose how the person relates to the case."),
        validators=[DataRequired(_l("Choose how the person relates to the case."))],
    )
    verification = RadioField(
        _l("How you verified who the person is"),
        choices=[SelectChoice(v.value, v.label) for v in Verification],
        invalid_choice_message=_l("Choose how you verified who the person is."),
        validators=[DataRequired(_l("Choose how you verified who the person is."))],
    )
    verification_note = StringField(
        _l("Note on the verification (optional)"),
        description=_l("Required when you chose “Other”. No ID numbers here."),
        validators=[max_length(300), NoControlCharacters()],  # no Optional(): see the check below
    )
    confirm = BooleanField(
        _l("I have seen the original documents and checked that this person may query the case."),
        validators=[InputRequired(_l("Confirm that you checked the person and their papers."))],
    )

    def validate_verification_note(self, field):
        if self.verification.data == Verification.OTHER and not (field.data or "").strip():
            raise ValidationError(_l("Describe how you verified who the person is."))


class ImportForm(PortalForm):
    file = FileField(
        _l("CSV file"),
        description=_l(
            "UTF-8 text with a header row, as in the template. In Excel choose “CSV UTF-8”."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a CSV file to import."))


class CaseQueryForm(PortalForm):
    case_number = StringField(
        _l("Case number"),
        description=_l("As on the notice you were given, for example 示检刑诉受〔2026〕1号."),
        validators=[
            DataRequired(_l("Enter the case number.")),
            max_length(MAX_LENGTH),
            CaseNumber(),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    query_code = StringField(
        _l("Query code"),
        description=_l(
            "14 letters and digits, as printed on the slip the procuratorate gave you. "
            "Dashes are optional."
        ),
        validators=[DataRequired(_l("Enter your query code.")), max_length(40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
