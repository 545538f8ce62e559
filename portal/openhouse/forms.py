"""Forms of the open procuratorate: the public's registration and lookup, staff's announcement
of an open day or a hearing, cancelling it and publishing a hearing's outcome."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.core.forms import (
    WHEN_MESSAGE,
    LocalDateTimeField,
    MainlandMobile,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    max_length,
)
from portal.core.i18n import lazy_gettext as _l
from portal.openhouse.models import Admission

MAX_PARTY = 10  # the CHECK on both tables
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _text(label, message, length, *, description=None, rows=None, autocomplete=None):
    field = TextAreaField if rows else StringField
    render_kw = {"rows": rows} if rows else {}
    if autocomplete:
        render_kw["autocomplete"] = autocomplete
    return field(
        label,
        description=description,
        validators=[DataRequired(message), max_length(length), NoControlCharacters()],
        render_kw=render_kw or None,
    )


def _when(label, description=None):
    return LocalDateTimeField(
        label,
        description=description or _l("Date and time, Beijing time."),
        format=DATETIME_FORMATS,
        validators=[InputRequired(WHEN_MESSAGE)],
    )


class GatheringForm(PortalForm):
    """What an open day and a hearing both announce; the two forms below word it for each."""

    title = _text(_l("Title"), _l("Enter a title."), 200)
    starts_at = _when(_l("Starts at"))
    ends_at = _when(_l("Ends at"))
    place = _text(
        _l("Place"),
        _l("Enter the place."),
        200,
        description=_l("The address and where to come in."),
    )
    description = _text(
        _l("What visitors will see"),
        _l("Say what visitors will see and do."),
        5000,
        rows=5,
    )
    eligibility = _text(
        _l("Who may register"),
        _l("Say who may register."),
        500,
        description=_l("For example: citizens aged 18 or over. Registrants confirm it."),
    )
    notes = TextAreaField(
        _l("Notes (optional)"),
        description=_l("What to bring, how to get there, what is not allowed inside."),
        validators=[Optional(), max_length(2000), NoControlCharacters()],
        render_kw={"rows": 3},
    )
    capacity = IntegerField(
        _l("Seats"),
        description=_l("How many people can come, counting every member of a party."),
        validators=[
            InputRequired(_l("Enter the number of seats.")),
            NumberRange(1, 10_000, _l("Enter a number between 1 and 10000.")),
        ],
    )
    max_party_size = IntegerField(
        _l("Largest party"),
        description=_l("How many people one registration may bring, the registrant included."),
        default=1,
        validators=[
            InputRequired(_l("Enter the largest party.")),
            NumberRange(1, MAX_PARTY, _l("Enter a number between 1 and %(n)s.", n=MAX_PARTY)),
        ],
    )
    admission = SelectField(
        _l("How places are given"),
        choices=lambda: [SelectChoice(a.value, a.label) for a in Admission],
        default=Admission.DRAW.value,
        validators=[DataRequired(_l("Choose how places are given."))],
    )
    registration_opens_at = _when(_l("Registration opens"))
    registration_closes_at = _when(
        _l("Registration closes"),
        _l("Before the start. With a draw, the places are drawn after this."),
    )


class OpenDayForm(GatheringForm):
    pass


class HearingForm(GatheringForm):
    description = _text(
        _l("The case in brief"),
        _l("Describe the case in brief."),
        5000,
        description=_l(
            "What the hearing is about, without names, ID numbers, addresses or other personal "
            "data of the parties."
        ),
        rows=5,
    )
    hearing_officers = _text(
        _l("Hearing officers"),
        _l("Name the hearing officers."),
        1000,
        description=_l("Their names and who they are, as the notice publishes them."),
        rows=3,
    )
    is_open_to_observers = BooleanField(
        _l("Open to observers"),
        description=_l("Untick for a hearing held without the public (minors, privacy)."),
        default=True,
    )
    eligibility = _text(
        _l("Who may observe"),
        _l("Say who may observe."),
        500,
        description=_l("For example: citizens aged 18 or over. Registrants confirm it."),
    )
    capacity = IntegerField(
        _l("Observer seats"),
        validators=[
            InputRequired(_l("Enter the number of observer seats.")),
            NumberRange(1, 10_000, _l("Enter a number between 1 and 10000.")),
        ],
    )


class ReasonForm(PortalForm):
    reason = _text(
        _l("Reason"),
        _l("Give the reason registrants will read."),
        500,
        description=_l("Every registrant reads it in the message that tells them."),
        rows=3,
    )


class OutcomeForm(PortalForm):
    outcome = _text(
        _l("Outcome"),
        _l("Write the outcome to publish."),
        5000,
        description=_l("Published with the hearing, without personal data."),
        rows=5,
    )


# ---- the public ------------------------------------------------------------------------------


class RegistrationForm(OnceOnlyForm):
    name = _text(
        _l("Your name"),
        _l("Enter your name."),
        100,
        description=_l("As on your identity card: it is checked at the entrance."),
        autocomplete="name",
    )
    mobile = StringField(
        _l("Mobile number"),
        description=_l("We send the result here. One registration per mobile number."),
        validators=[
            DataRequired(_l("Enter your mobile number.")),
            max_length(30),
            MainlandMobile(),
        ],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[
            Optional(),
            max_length(254),
            Email(_l("Enter an e-mail address like name@example.com.")),
        ],
        render_kw={"autocomplete": "email"},
    )
    party_size = SelectField(
        _l("How many people, you included"),
        choices=[SelectChoice("1", "1")],  # set from the gathering's largest party by the view
        validators=[DataRequired(_l("Choose how many people come."))],
    )
    declaration = BooleanField(
        _l("I meet the conditions above and will bring my identity card."),
        validators=[DataRequired(_l("Confirm that you meet the conditions."))],
    )

    def set_party_sizes(self, largest: int) -> None:
        self.party_size.choices = [
            SelectChoice(str(n), _l("%(n)s people", n=n) if n > 1 else _l("Just me"))
            for n in range(1, largest + 1)
        ]

    def validate_party_size(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Choose how many people come."))


class LookupForm(PortalForm):
    number = StringField(
        _l("Registration number"),
        description=_l("On your receipt, like KF2026-000012."),
        validators=[DataRequired(_l("Enter the registration number.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    code = StringField(
        _l("Code"),
        description=_l("The code on your receipt, like ABCD-EFGH-JKMN."),
        validators=[DataRequired(_l("Enter the code.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
