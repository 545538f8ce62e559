"""The holiday and make-up working day calendar that admins maintain.

China moves working days around public holidays (调休): a Saturday can be a working day and a
weekday a holiday, so weekdays alone cannot tell. Days not listed follow the week.

The rules that read the calendar (what counts as a working day) are in services.py
(`WorkCalendar`, `load_calendar`), the only module other domains use; the deadlines computed from
it are portal/petitions/deadlines.py's.
"""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

# What the kept copy of the calendar (services.py) depends on: any change to a day moves it on
# every host (portal/core/pagecache.py).
TOPIC = "calendar"


class DayKind(enum.StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"  # a weekend day worked to make up for a holiday

    @property
    def label(self):
        return _l("Public holiday") if self is DayKind.HOLIDAY else _l("Make-up working day")


class CalendarDay(db.Model):
    __tablename__ = "calendar_days"
    __table_args__ = (enum_check("kind", DayKind),)
    page_topics = (TOPIC,)

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(100))

    @property
    def kind_enum(self) -> DayKind:
        return DayKind(self.kind)
