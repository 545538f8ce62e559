"""Forms for lawyers' accounts, case bindings and the staff decisions on them.

Forms check what was typed; whether the action is allowed (the state, who, the papers) is
decided by the services (services.py, bindings.py) and the workflow (workflow.py).
"""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    NumberRange,
    ValidationError,
)

from portal.cases import queries as cases_queries
from portal.core.forms import (
    MainlandMobile,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    case_number_field,
    max_length,
)
from portal.core.i18n import lazy_gettext as _l
from portal.core.uploads import ALLOWED_LABEL
from portal.lawyers.bindings import BUILT_IN_EXCLUSIONS
from portal.lawyers.models import BindingRelation, DocumentKind, Mandate
from portal.lawyers.services import LICENCE_RE, normalise_licence


class LicenceNumber:
    """律师执业证号: 17 digits (spaces allowed when typed)."""

    def __call__(self, form, field):
        field.data = normalise_licence(field.data)
        if field.data and not LICENCE_RE.fullmatch(field.data):
            raise ValidationError(
                _l("Enter the 17 digits of your practising licence number, like 11101200910123456.")
            )


class RegistrationForm(PortalForm):
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter your full name.")),
            max_length(100),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "name"},
    )
    licence_number = StringField(
        _l("Practising licence number"),
        description=_l("The 17 digits on your lawyer's practising certificate."),
        validators=[DataRequired(_l("Enter your practising licence number.")), LicenceNumber()],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )
    law_firm = StringField(
        _l("Law firm"),
        validators=[
            DataRequired(_l("Enter the name of your law firm.")),
            max_length(200),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "organization"},
    )
    mobile = StringField(
        _l("Mobile number"),
        validators=[DataRequired(_l("Enter your mobile number.")), MainlandMobile()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("E-mail address"),
        description=_l("We send a link to this address to confirm it."),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.com.")),
            max_length(254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 10 characters, letters and digits."),
        validators=[DataRequired(_l("Choose a password.")), max_length(200)],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords differ. Type the same password twice.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters, letters and digits."),
        validators=[DataRequired(_l("Choose a new password.")), max_length(200)],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(PortalForm):
    email = EmailField(
        _l("E-mail address"),
        description=_l("The address you registered with."),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            max_length(254),
            NoControlCharacters(),
            Email(_l("Enter an e-mail address like name@example.com.")),
        ],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(PortalForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters, letters and digits."),
        validators=[DataRequired(_l("Choose a new password.")), max_length(200)],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("password", _l("The two passwords differ. Type the same password twice.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ReasonForm(PortalForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("The lawyer reads this."),
        validators=[
            DataRequired(_l("Give the reason the lawyer will read.")),
            max_length(2000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 3},
    )


def _file(label):
    """A paper the binding needs: required and checked by the view (core/attachments.py), so that
    one accepted on an earlier try of the form counts."""
    return FileField(
        label,
        description=_l("%(types)s, at most 10 MB.", types=ALLOWED_LABEL),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx"},
    )


class BindingForm(OnceOnlyForm):
    case_number = case_number_field()
    client_name = StringField(
        _l("Name of your client"),
        validators=[
            DataRequired(_l("Enter the name of your client.")),
            max_length(100),
            NoControlCharacters(),
        ],
    )
    relation = RadioField(
        _l("You act as"),
        choices=[SelectChoice(r.value, r.label) for r in BindingRelation],
        validators=[DataRequired(_l("Choose how you act for your client."))],
    )
    mandate = RadioField(
        _l("You act under"),
        choices=[SelectChoice(m.value, m.label) for m in Mandate],
        validators=[DataRequired(_l("Choose a power of attorney or a legal aid letter."))],
    )
    licence = _file(DocumentKind.LICENCE.label)
    firm_letter = _file(DocumentKind.FIRM_LETTER.label)
    mandate_file = _file(DocumentKind.MANDATE.label)


class DeliveryForm(PortalForm):
    case_file = FileField(
        _l("Electronic case file"),
        description=_l("%(types)s, at most 10 MB.", types=ALLOWED_LABEL),
        validators=[FileRequired(_l("Choose the file to deliver."))],
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx"},
    )
    days = IntegerField(
        _l("Available for (days)"),
        validators=[
            InputRequired(_l("Enter for how many days the lawyer can download it.")),
            NumberRange(1, 90, _l("Enter a number of days between 1 and 90.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


def exclusion_choices():
    """The case categories an administrator may exclude: all but those the law excludes."""
    return [SelectChoice("", _l("Choose a category"))] + [
        SelectChoice(code, label)
        for code, label in cases_queries.category_choices()
        if code not in BUILT_IN_EXCLUSIONS
    ]


class ExclusionForm(PortalForm):
    category = SelectField(
        _l("Case category"),
        choices=exclusion_choices,
        validators=[DataRequired(_l("Choose a category."))],
    )
    reason = TextAreaField(
        _l("Reason lawyers read"),
        validators=[DataRequired(_l("Give the reason lawyers will read.")), max_length(1000)],
        render_kw={"rows": 3},
    )
