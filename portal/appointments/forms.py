"""Forms for booking (lawyers, reception-day visitors) and for the staff who run appointments.

The slot is posted as its local start ("2026-11-24T09:00") from radio buttons in the calendar
table; services.resolve_slot checks it against the opening hours, the calendar and the rules.
"""

from __future__ import annotations

from flask import current_app
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.appointments.models import LAWYER_SERVICES, Service
from portal.core.forms import (
    DayField,
    MainlandMobile,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    case_number_field,
    max_length,
)
from portal.core.i18n import lazy_gettext as _l

WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
)


class SlotChoice:
    """The posted slot must be present; its meaning is checked by services.resolve_slot."""

    def __call__(self, form, field):
        if not (field.data or "").strip():
            from wtforms.validators import StopValidation

            raise StopValidation(str(_l("Choose a day in the calendar, then a free time.")))


class LateChangeLabel:
    """The label of the box a lawyer ticks to book a time inside the online change cut-off
    (services.require_late_acceptance): it names the service centre's phone number from the
    settings, read when the label is shown."""

    def __str__(self) -> str:
        return str(
            _l(
                "I know that this appointment cannot be changed or cancelled online, and that I "
                "must call %(phone)s if I cannot come.",
                phone=current_app.config["SERVICE_CENTRE_PHONE"],
            )
        )


LATE_CHANGE_LABEL = LateChangeLabel()


class BookingForm(OnceOnlyForm):
    service = HiddenField()
    place = HiddenField()
    slot = StringField(_l("Slot"), validators=[SlotChoice()])
    accept_late = BooleanField(LATE_CHANGE_LABEL)
    case_number = case_number_field()
    note = TextAreaField(
        _l("What do you need? (optional)"),
        description=_l("For example which volumes you want to read, or what you want to discuss."),
        validators=[Optional(), max_length(1000), NoControlCharacters()],
        render_kw={"rows": 3},
    )


class RescheduleForm(PortalForm):
    slot = StringField(_l("New slot"), validators=[SlotChoice()])
    accept_late = BooleanField(LATE_CHANGE_LABEL)


class CancelForm(PortalForm):
    reason = TextAreaField(
        _l("Why do you cancel?"),
        validators=[
            DataRequired(_l("Give the reason for cancelling.")),
            max_length(1000),
            NoControlCharacters(),
        ],
        render_kw={"rows": 2},
    )


class VisitForm(OnceOnlyForm):
    place = HiddenField()
    slot = StringField(_l("Slot"), validators=[SlotChoice()])
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter your full name.")),
            max_length(50),
            NoControlCharacters(),
        ],
        render_kw={"autocomplete": "name"},
    )
    mobile = StringField(
        _l("Mobile number"),
        description=_l("We call this number if the reception day changes."),
        validators=[DataRequired(_l("Enter your mobile number.")), MainlandMobile()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    subject = TextAreaField(
        _l("What do you want to raise?"),
        description=_l("In a few sentences, at most 200 characters."),
        validators=[
            DataRequired(_l("Say briefly what you want to raise.")),
            Length(min=4, max=200, message=_l("Use between %(min)d and %(max)d characters.")),
            NoControlCharacters(),
        ],
        render_kw={"rows": 3},
    )


class VisitCancelForm(PortalForm):
    reference = StringField(
        _l("Booking code"),
        description=_l("As on your confirmation, like YY-7K3M-9QPA."),
        validators=[DataRequired(_l("Enter the booking code.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    cancel_code = StringField(
        _l("Cancel code"),
        description=_l("The 12-character code shown when you booked."),
        validators=[DataRequired(_l("Enter the cancel code.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), max_length(500), NoControlCharacters()],
        render_kw={"rows": 2},
    )


# ---- staff -----------------------------------------------------------------------------------


class DeclineForm(PortalForm):
    reason = TextAreaField(
        _l("Reason for declining"),
        description=_l("The lawyer or visitor reads this."),
        validators=[DataRequired(_l("Give the reason.")), max_length(1000), NoControlCharacters()],
        render_kw={"rows": 2},
    )


class PlaceForm(PortalForm):
    name = StringField(
        _l("Name of the place"),
        description=_l("For example: Lawyers' reception room, ground floor."),
        validators=[DataRequired(_l("Enter a name.")), max_length(100), NoControlCharacters()],
    )
    address = StringField(
        _l("Address"),
        validators=[DataRequired(_l("Enter the address.")), max_length(200), NoControlCharacters()],
    )
    is_active = BooleanField(_l("Open for bookings"), default=True)


def service_choices(blank=None, services=tuple(Service)):
    choices = [SelectChoice("", blank)] if blank else []
    return choices + [SelectChoice(s.value, s.label) for s in services]


class HoursForm(PortalForm):
    # The reception day has no weekly hours: its days are the published rota (RotaDayForm).
    service = SelectField(
        _l("Service"),
        choices=lambda: service_choices(_l("Choose a service"), LAWYER_SERVICES),
        validators=[DataRequired(_l("Choose a service."))],
    )
    weekday = SelectField(
        _l("Weekday"),
        choices=[SelectChoice(str(i), label) for i, label in enumerate(WEEKDAYS)],
        validators=[DataRequired(_l("Choose a weekday."))],
    )
    start_time = TimeField(
        _l("Opening time"), validators=[InputRequired(_l("Enter the opening time, like 09:00."))]
    )
    end_time = TimeField(
        _l("Closing time"), validators=[InputRequired(_l("Enter the closing time, like 11:30."))]
    )
    slot_minutes = IntegerField(
        _l("Length of a slot (minutes)"),
        default=30,
        validators=[
            InputRequired(_l("Enter the length of a slot in minutes.")),
            NumberRange(5, 480, _l("Enter between 5 and 480 minutes.")),
        ],
    )
    capacity = IntegerField(
        _l("Bookings per slot"),
        default=1,
        validators=[
            InputRequired(_l("Enter how many bookings a slot takes.")),
            NumberRange(1, 500, _l("Enter a number between 1 and 500.")),
        ],
    )

    def validate_end_time(self, field):
        from wtforms.validators import ValidationError

        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The closing time must be after the opening time."))


class ClosureForm(PortalForm):
    place = SelectField(_l("Place"), validators=[Optional()])
    service = SelectField(
        _l("Service"), choices=lambda: service_choices(_l("Every service")), validators=[Optional()]
    )
    day_from = DayField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    day_to = DayField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])
    time_from = TimeField(
        _l("From (optional)"),
        description=_l("Leave empty to close from the start of the first day."),
        validators=[Optional()],
    )
    time_to = TimeField(
        _l("Until (optional)"),
        description=_l("Leave empty to close until the end of the last day."),
        validators=[Optional()],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Everyone whose booking is cancelled reads this."),
        validators=[DataRequired(_l("Give the reason.")), max_length(1000), NoControlCharacters()],
        render_kw={"rows": 3},
    )

    def validate_day_to(self, field):
        from wtforms.validators import ValidationError

        if self.day_from.data and field.data and field.data < self.day_from.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


class RotaDayForm(PortalForm):
    """A day of the reception rota (services.publish_rota_day); the view fills the places."""

    place = SelectField(_l("Place"), validators=[DataRequired(_l("Choose a place."))])
    day = DayField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    leader_name = StringField(
        _l("Leader who receives"),
        description=_l("As the public should read it, e.g. 张明."),
        validators=[
            DataRequired(_l("Enter the leader's name.")),
            max_length(50),
            NoControlCharacters(),
        ],
    )
    leader_title = StringField(
        _l("Title"),
        description=_l("e.g. 检察长, 副检察长, 检察委员会专职委员."),
        validators=[DataRequired(_l("Enter the title.")), max_length(50), NoControlCharacters()],
    )
    start_time = TimeField(
        _l("From"), validators=[InputRequired(_l("Enter when the reception starts, like 09:00."))]
    )
    end_time = TimeField(
        _l("Until"), validators=[InputRequired(_l("Enter when the reception ends, like 11:30."))]
    )
    slot_minutes = IntegerField(
        _l("Minutes per visitor"),
        default=30,
        validators=[
            InputRequired(_l("Enter the minutes per visit.")),
            NumberRange(5, 240, _l("Enter between 5 and 240 minutes.")),
        ],
    )
    capacity = IntegerField(
        _l("Visitors per time"),
        description=_l("How many visitors (or groups) are received in each time."),
        default=1,
        validators=[
            InputRequired(_l("Enter how many visitors each time takes.")),
            NumberRange(1, 100, _l("Enter a number between 1 and 100.")),
        ],
    )

    def validate_end_time(self, field):
        from wtforms.validators import ValidationError

        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The reception must end after it starts."))


class CancelRotaDayForm(PortalForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Every visitor booked on this day is sent it by SMS."),
        validators=[DataRequired(_l("Give the reason.")), max_length(500), NoControlCharacters()],
        render_kw={"rows": 2},
    )


LAWYER_SERVICE_VALUES = frozenset(s.value for s in LAWYER_SERVICES)
