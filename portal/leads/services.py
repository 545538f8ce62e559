"""Rules for reporting a public-interest litigation lead (公益诉讼线索).

Why a lead is a kind of petition and not a sibling with its own workflow: everything the issue
asks of a lead after it is reported (the 7-day procedural reply and the 3-month answer on the
working-day calendar, the queues and their deadlines, replies approved by a second person,
objections, the progress page, written notices, SMS and e-mail) is what a petition already has,
tested; a sibling would either copy that machinery or be bent into it. So a lead is filed
through `petitions.services.submit_petition` with the kind `public_interest`, and only what a
petition has no column for is stored here, in the same transaction (models.py). The petition
pages show it through `leads/_details.html`.

Photos are re-encoded before they are stored (core/images.py): the stored file, which is all
staff ever see, has no EXIF, GPS or other metadata. Documents are checked as a petition's are.

Services flush; the view commits once, so the petition, its files, the lead's details and their
audit events are stored together or not at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from portal.core import audit, clock
from portal.core.audit import DetailKey, EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.uploads import CheckedUpload
from portal.extensions import db
from portal.leads.models import HarmField, PublicInterestLead
from portal.petitions import services as petitions

SubmissionError = petitions.SubmissionError
PETITION_KIND = petitions.Kind.PUBLIC_INTEREST

audit.register_event_types(
    {"lead.details_recorded": EventType(_l("Field and place of the public-interest lead"))}
)
audit.register_detail_keys(
    ["lead"],
    {
        "field": DetailKey(_l("Field of harm"), lambda code: HarmField(code).label),
        "photos": DetailKey(_l("Photos, re-encoded without metadata")),
        "coordinates": DetailKey(
            _l("Coordinates given"), lambda code: _l("Yes") if code == "yes" else _l("No")
        ),
    },
)

# Six decimals of a degree: about 0.1 m, far finer than a phone's fix.
COORDINATE_DECIMALS = 6


@dataclass
class LeadData:
    harm_field: str
    location: str
    latitude: float | None = None
    longitude: float | None = None
    # Already re-encoded (core/images.py); stored with the documents as the petition's files.
    photos: list[CheckedUpload] = field(default_factory=list)


def coordinates_problem(latitude: float | None, longitude: float | None):
    """Why these coordinates cannot be stored (a message for the reporter), or None. WGS-84
    degrees: latitude -90..90, longitude -180..180, both or neither."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return _l("Give both the latitude and the longitude, or neither.")
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        return _l("The latitude is a number of degrees between -90 and 90, like 39.9042.")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        return _l("The longitude is a number of degrees between -180 and 180, like 116.4074.")
    return None


def report_lead(
    intake: petitions.IntakeData, lead: LeadData, *, submission_key: str
) -> petitions.Receipt:
    """File a lead online: the petition (through petitions' own intake, so that it gets the
    tracking number, query code, deadlines, duplicate check and the received message) with the
    photos and documents as its files, then the lead's details beside it. A repeat of the same
    form (same submission key) returns the first receipt and stores nothing. Raises
    SubmissionError with a message for the reporter. Flushes; the caller commits."""
    problem = coordinates_problem(lead.latitude, lead.longitude)
    if problem is not None:
        raise SubmissionError(problem)
    harm_field = HarmField(lead.harm_field)
    intake.kind = PETITION_KIND.value
    intake.uploads = [*lead.photos, *intake.uploads]
    receipt = petitions.submit_petition(
        intake, channel=petitions.Channel.WEB.value, submission_key=submission_key
    )
    if receipt.is_repeat:
        return receipt
    details = PublicInterestLead(
        petition_id=receipt.petition.id,
        harm_field=harm_field.value,
        location=lead.location.strip(),
        latitude=_rounded(lead.latitude),
        longitude=_rounded(lead.longitude),
        photos=len(lead.photos),
        reported_at=receipt.petition.received_at or clock.now(),
    )
    db.session.add(details)
    audit.record(
        "lead.details_recorded",
        actor_kind=audit.ACTOR_PETITIONER,
        subject=receipt.petition,
        detail={
            "field": harm_field.value,
            "photos": len(lead.photos),
            "coordinates": "yes" if details.latitude is not None else "no",
        },
    )
    db.session.flush()
    return receipt


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)
