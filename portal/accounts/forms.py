from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from portal.core.forms import PortalForm
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role


def role_choices():
    return [SelectChoice(role.value, role.label) for role in Role]


class UserDetailsForm(PortalForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Enter the name.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
    role = SelectField(_l("Role"), choices=role_choices)


class UserCreateForm(UserDetailsForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter the e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.com.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
        ],
    )
    password = PasswordField(
        _l("Initial password"),
        description=_l(
            "At least 10 characters, letters and digits. Give it to the person directly, never by e-mail."
        ),
        validators=[DataRequired(_l("Enter an initial password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )


class UserEditForm(UserDetailsForm):
    is_active = BooleanField(_l("Account is active"))


class PasswordResetForm(PortalForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters, letters and digits."),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
