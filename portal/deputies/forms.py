"""Forms of deputies' liaison. Forms check what was typed; whether the action is allowed (the
state, who) is decided by services.py and workflow.py."""

from __future__ import annotations

from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Optional

from portal.core.forms import (
    WHEN_MESSAGE,
    LocalDateTimeField,
    MainlandMobile,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    at_most_max_files,
    attachments_field,
    max_length,
)
from portal.core.i18n import lazy_gettext as _l
from portal.deputies.models import Body, EventKind, Level, Rating, Reply, SuggestionKind


def _choices(enum_class, prompt):
    return [SelectChoice("", prompt)] + [SelectChoice(m.value, m.label) for m in enum_class]


def _text(label, message, length, **kwargs):
    return StringField(
        label,
        validators=[DataRequired(message), max_length(length), NoControlCharacters()],
        **kwargs,
    )


class DeputyDetailsForm(PortalForm):
    """Who the deputy is: typed by the deputy online, or by staff from the roster."""

    name = _text(
        _l("Full name"), _l("Enter the full name."), 100, render_kw={"autocomplete": "name"}
    )
    body = RadioField(
        _l("You are"),
        choices=[SelectChoice(b.value, b.label) for b in Body],
        validators=[InputRequired(_l("Choose a people's congress deputy or a CPPCC member."))],
    )
    level = SelectField(
        _l("Level"),
        choices=_choices(Level, _l("Choose the level")),
        validators=[DataRequired(_l("Choose the level of the congress or committee."))],
    )
    assembly = _text(
        _l("Congress or committee"),
        _l("Enter the congress or committee, e.g. 示例市第十七届人民代表大会."),
        200,
    )
    unit = _text(
        _l("Work unit and position"),
        _l("Enter the work unit and position."),
        200,
        render_kw={"autocomplete": "organization"},
    )
    mobile = StringField(
        _l("Mobile number"),
        validators=[DataRequired(_l("Enter the mobile number.")), MainlandMobile()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter the e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.com.")),
            max_length(254),
        ],
        render_kw={"autocomplete": "email"},
    )


class RegistrationForm(DeputyDetailsForm):
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


class SetPasswordForm(PortalForm):
    password = RegistrationForm.password
    password_again = RegistrationForm.password_again


class SuggestionForm(OnceOnlyForm):
    kind = RadioField(
        _l("What you send"),
        choices=[SelectChoice(k.value, k.label) for k in SuggestionKind],
        validators=[InputRequired(_l("Choose suggestion, criticism or opinion."))],
    )
    subject = _text(_l("Subject"), _l("Enter a subject."), 200)
    body = TextAreaField(
        _l("Your suggestion, criticism or opinion"),
        validators=[
            DataRequired(_l("Write your suggestion, criticism or opinion.")),
            max_length(20_000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 10},
    )
    attachments = attachments_field(_l("Attachments (optional)"))

    def validate_attachments(self, field):
        at_most_max_files(self, field)


class RatingForm(PortalForm):
    rating = RadioField(
        _l("How satisfied are you with this answer?"),
        choices=[SelectChoice(r.value, r.label) for r in Rating],
        validators=[InputRequired(_l("Choose how satisfied you are."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Needed when you are not satisfied: say what is missing."),
        validators=[Optional(), max_length(5000), NoControlCharacters()],
        render_kw={"rows": 4},
    )


class ReplyForm(PortalForm):
    reply = RadioField(
        _l("Your reply"),
        choices=[SelectChoice(r.value, r.label) for r in Reply],
        validators=[InputRequired(_l("Choose whether you will attend."))],
    )


class ReasonForm(PortalForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("The person reads this."),
        validators=[
            DataRequired(_l("Give the reason the person will read.")),
            max_length(2000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 3},
    )


class AnswerForm(PortalForm):
    answer = TextAreaField(
        _l("Answer"),
        description=_l("A leader other than you approves it before the deputy reads it."),
        validators=[
            DataRequired(_l("Write the answer.")),
            max_length(20_000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 10},
    )


class ReturnForm(PortalForm):
    comment = TextAreaField(
        _l("What should change"),
        validators=[
            DataRequired(_l("Say what should change in the draft.")),
            max_length(5000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 3},
    )


class EventForm(PortalForm):
    kind = SelectField(
        _l("Kind of event"),
        choices=_choices(EventKind, _l("Choose the kind")),
        validators=[DataRequired(_l("Choose the kind of event."))],
    )
    title = _text(_l("Title"), _l("Enter a title."), 200)
    starts_at = LocalDateTimeField(
        _l("Starts at"),
        description=_l("Date and time, Beijing time."),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(WHEN_MESSAGE)],
    )
    place = _text(_l("Place"), _l("Enter the place."), 200)
    description = TextAreaField(
        _l("Description"),
        validators=[
            DataRequired(_l("Describe the event.")),
            max_length(5000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 4},
    )


class InviteForm(PortalForm):
    deputies = SelectMultipleField(
        _l("Invite"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one deputy or member."))],
    )
