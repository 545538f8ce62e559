"""Back office of the open procuratorate: announce, change and cancel open days and hearings,
see the registrations and the draw, allocate the places, publish a hearing's outcome, and export
the list of registrants for the door.

Who may do what is declared once (workflow.ORGANISERS, workflow.READERS); names and mobiles are
shown and exported only to organisers (workflow.sees_personal_data). Buttons are shown for the
workflow's `allowed_actions`; views parse the form, call services.py, flash and redirect.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core import clock, exports
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import roles_required
from portal.core.workflow import InvalidTransition
from portal.extensions import db
from portal.openhouse import queries, services
from portal.openhouse.forms import HearingForm, OpenDayForm, OutcomeForm, ReasonForm
from portal.openhouse.models import Gathering, GatheringKind, RegistrationState
from portal.openhouse.workflow import GATHERING, ORGANISERS, READERS, sees_personal_data

bp = Blueprint("openhouse_admin", __name__, url_prefix="/staff/open-procuratorate")

FORMS = {GatheringKind.OPEN_DAY: OpenDayForm, GatheringKind.HEARING: HearingForm}


@bp.route("/")
@roles_required(*READERS)
def list_gatherings():
    return render_template("openhouse/admin/list.html", gatherings=queries.for_staff())


def _local(moment):
    return moment.replace(tzinfo=clock.zone()).astimezone(UTC)


def gathering_data(form) -> services.GatheringData:
    return services.GatheringData(
        title=form.title.data,
        starts_at=_local(form.starts_at.data),
        ends_at=_local(form.ends_at.data),
        place=form.place.data,
        description=form.description.data,
        eligibility=form.eligibility.data,
        notes=form.notes.data,
        capacity=form.capacity.data,
        max_party_size=form.max_party_size.data,
        admission=form.admission.data,
        registration_opens_at=_local(form.registration_opens_at.data),
        registration_closes_at=_local(form.registration_closes_at.data),
        hearing_officers=form.hearing_officers.data if "hearing_officers" in form else None,
        is_open_to_observers=(
            bool(form.is_open_to_observers.data) if "is_open_to_observers" in form else True
        ),
    )


def _attach(form, error: InvalidTransition, default: str) -> None:
    name = error.field if error.field in form else default
    form[name].errors = list(form[name].errors) + [str(error)]


@bp.route("/new/<any(open_day, hearing):kind>", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def announce(kind: str):
    kind = GatheringKind(kind)
    form = FORMS[kind]()
    if form.validate_on_submit():
        try:
            gathering = services.announce_gathering(kind, gathering_data(form), current_user)
        except InvalidTransition as error:
            db.session.rollback()
            _attach(form, error, "starts_at")
        else:
            db.session.commit()
            flash(_("It is announced and shown on the public pages."), "success")
            return redirect(url_for(".show_gathering", gathering_id=gathering.id))
    return (
        render_template("openhouse/admin/edit.html", form=form, kind=kind, gathering=None),
        400 if form.errors else 200,
    )


def get_gathering(gathering_id: int) -> Gathering:
    return db.session.get(Gathering, gathering_id) or abort(404)


def _form_data(gathering: Gathering) -> dict:
    """What the form shows of a stored gathering: its fields, the times in Beijing time without
    a zone (as they are typed)."""
    data = {name: getattr(gathering, name) for name in services.GATHERING_FIELDS}
    for name, value in data.items():
        if isinstance(value, datetime):
            data[name] = clock.as_utc(value).astimezone(clock.zone()).replace(tzinfo=None)
    return data


@bp.route("/<int:gathering_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_gathering(gathering_id: int):
    gathering = get_gathering(gathering_id)
    form_class = FORMS[gathering.kind_enum]
    if request.method == "POST":
        form = form_class()
    else:
        form = form_class(data=_form_data(gathering))
    if form.validate_on_submit():
        try:
            changed = services.update_gathering(gathering, gathering_data(form), current_user)
        except InvalidTransition as error:
            db.session.rollback()
            _attach(form, error, "title")
        else:
            db.session.commit()
            flash(
                _("Saved. Registrants are told of a new time or place.")
                if changed
                else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for(".show_gathering", gathering_id=gathering.id))
    return (
        render_template(
            "openhouse/admin/edit.html", form=form, kind=gathering.kind_enum, gathering=gathering
        ),
        400 if form.errors else 200,
    )


def render_gathering(gathering, *, reason_form=None, outcome_form=None, status=200):
    return (
        render_template(
            "openhouse/admin/gathering.html",
            gathering=gathering,
            tally=queries.tally(gathering),
            registrations=queries.registrations_in_order(gathering),
            shows_personal_data=sees_personal_data(current_user),
            export_form=exports.ExportForm(),
            actions=GATHERING.allowed_actions(gathering, current_user),
            seats_left=services.seats_left(gathering),
            reason_form=reason_form or ReasonForm(prefix="cancel"),
            outcome_form=outcome_form or OutcomeForm(prefix="outcome"),
            states=RegistrationState,
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.route("/<int:gathering_id>")
@roles_required(*READERS)
def show_gathering(gathering_id: int):
    return render_gathering(get_gathering(gathering_id))


@bp.route("/<int:gathering_id>/allocate", methods=["POST"])
@roles_required(*ORGANISERS)
def allocate_places(gathering_id: int):
    gathering = get_gathering(gathering_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        allocation = services.allocate_places(gathering, current_user)
    except InvalidTransition as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_gathering(gathering, status=403 if error.forbidden else 409)
    db.session.commit()
    flash(
        _(
            "Places drawn: %(winners)s of %(entries)s registrations have places. Everyone is told.",
            winners=len(allocation.result.winners),
            entries=len(allocation.result.order),
        )
        if allocation.drawn
        else _("Everyone who registered has a place. Everyone is told."),
        "success",
    )
    return redirect(url_for(".show_gathering", gathering_id=gathering.id))


@bp.route("/<int:gathering_id>/cancel", methods=["POST"])
@roles_required(*ORGANISERS)
def cancel_gathering(gathering_id: int):
    gathering = get_gathering(gathering_id)
    form = ReasonForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            services.cancel_gathering(gathering, current_user, form.reason.data)
        except InvalidTransition as error:
            db.session.rollback()
            _attach(form, error, "reason")
        else:
            db.session.commit()
            flash(_("Cancelled. Every registrant is told with your reason."), "success")
            return redirect(url_for(".show_gathering", gathering_id=gathering.id))
    return render_gathering(gathering, reason_form=form, status=400)


@bp.route("/<int:gathering_id>/outcome", methods=["POST"])
@roles_required(*ORGANISERS)
def publish_outcome(gathering_id: int):
    gathering = get_gathering(gathering_id)
    form = OutcomeForm(prefix="outcome")
    if form.validate_on_submit():
        try:
            services.publish_outcome(gathering, current_user, form.outcome.data)
        except InvalidTransition as error:
            db.session.rollback()
            _attach(form, error, "outcome")
        else:
            db.session.commit()
            flash(_("The outcome is published with the hearing."), "success")
            return redirect(url_for(".show_gathering", gathering_id=gathering.id))
    return render_gathering(gathering, outcome_form=form, status=400)


EXPORT_COLUMNS = (
    exports.Column("number", _l("Registration no.")),
    exports.Column("state", _l("State")),
    exports.Column("confirmation_number", _l("Confirmation no.")),
    exports.Column("party_size", _l("Party")),
    exports.Column("registered_at", _l("Registered at")),
    exports.Column("name", _l("Name"), personal=True),
    exports.Column("mobile", _l("Mobile number"), personal=True),
)


@bp.route("/<int:gathering_id>/registrations", methods=["POST"])
@roles_required(*READERS)
def export_registrations(gathering_id: int):
    """The list of registrants as a file: with names and mobiles for the organisers, who check
    visitors in at the door, without them for readers (core/exports.py audits every export)."""
    gathering = get_gathering(gathering_id)
    form = exports.ExportForm()
    if not form.validate_on_submit():
        abort(400)
    table = exports.Table(
        name=f"registrations-{gathering.id}",
        columns=EXPORT_COLUMNS,
        rows=(
            {
                "number": registration.number,
                "state": str(registration.status_enum.label),
                "confirmation_number": registration.confirmation_number,
                "party_size": registration.party_size,
                "registered_at": registration.registered_at,
                "name": registration.name,
                "mobile": registration.mobile,
            }
            for registration in queries.registrations_in_order(gathering)
        ),
    )
    return exports.respond(
        table,
        form.file_format.data,
        actor=current_user,
        audit_code="openhouse_gathering.exported",
        detail={"gathering": gathering.id},
        personal_data=sees_personal_data(current_user),
    )
