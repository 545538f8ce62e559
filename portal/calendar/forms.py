from wtforms import DateField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.calendar.models import DayKind
from portal.core.forms import PortalForm
from portal.core.i18n import lazy_gettext as _l


class CalendarDayForm(PortalForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date as year-month-day."))])
    kind = RadioField(
        _l("Kind of day"),
        choices=[SelectChoice(k.value, k.label) for k in DayKind],
        default=DayKind.HOLIDAY.value,
        validators=[DataRequired(_l("Choose the kind of day."))],
    )
    name = StringField(
        _l("Name of the day"),
        description=_l("For example: National Day."),
        validators=[
            DataRequired(_l("Enter a name for the day.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
