"""Public-interest litigation leads (公益诉讼线索): what a lead adds to its petition.

A lead is a kind of petition (petitions' `Kind.PUBLIC_INTEREST`): it is received, acknowledged,
answered, objected to and closed by the petition workflow, on the petition clocks, in the
petition queues, with the petition's replies, notices and messages. Only the facts a petition
has no column for live here, one row beside the petition: the field of the harm and where it is.
The photos are the petition's attachments, re-encoded without metadata when they came in
(core/images.py).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db


class HarmField(enum.StrEnum):
    """The fields in which procuratorates bring public-interest litigation (the Civil and
    Administrative Procedure Laws, art. 58 and 25, and the laws since that added fields)."""

    ECOLOGY = "ecology"
    FOOD_DRUG = "food_drug"
    STATE_PROPERTY = "state_property"
    STATE_LAND = "state_land"
    HEROES = "heroes"
    MINORS = "minors"
    PERSONAL_INFORMATION = "personal_information"
    OTHER = "other"

    @property
    def label(self):
        return HARM_FIELD_LABELS[self]


HARM_FIELD_LABELS = {
    HarmField.ECOLOGY: _l("Ecology and environment, natural resources"),
    HarmField.FOOD_DRUG: _l("Food and drug safety"),
    HarmField.STATE_PROPERTY: _l("State-owned property"),
    HarmField.STATE_LAND: _l("Transfer of state-owned land use rights"),
    HarmField.HEROES: _l("Names, portraits, reputation and honour of heroes and martyrs"),
    HarmField.MINORS: _l("Protection of minors"),
    HarmField.PERSONAL_INFORMATION: _l("Personal information"),
    HarmField.OTHER: _l("Another field of public interest"),
}


class PublicInterestLead(db.Model):
    __tablename__ = "public_interest_leads"
    __table_args__ = (
        enum_check("harm_field", HarmField),
        # WGS-84 degrees, as a phone's GPS gives them; both or neither.
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_paired"),
        sa.CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude"),
        sa.CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude"),
        sa.CheckConstraint("photos >= 0", name="photos"),
    )

    # One row per lead, keyed by its petition (which holds everything else).
    petition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("petitions.id"), primary_key=True, autoincrement=False
    )
    harm_field: Mapped[str] = mapped_column(sa.String(30), index=True)
    # Where the harm is, in the reporter's words (a river bend, a shop's address, a website).
    location: Mapped[str] = mapped_column(sa.String(300))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    # How many of the petition's attachments came in as photos (re-encoded), for the staff page.
    photos: Mapped[int] = mapped_column(default=0)
    reported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    @property
    def harm_field_enum(self) -> HarmField:
        return HarmField(self.harm_field)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
