"""Read side of leads: the details the petition pages show beside a lead."""

from __future__ import annotations

from portal.extensions import db
from portal.leads.models import PublicInterestLead
from portal.petitions import services as petitions


def details_of(petition) -> PublicInterestLead | None:
    """The lead's field and place, for any petition: None for those that are no lead (without
    a query), and for a lead registered by staff from a letter without them."""
    if petition is None or petition.kind != petitions.Kind.PUBLIC_INTEREST:
        return None
    return db.session.get(PublicInterestLead, petition.id)
