"""Public pages of the open procuratorate: the coming open days and hearings, registering for
one, the registrant's own registration (with its number and code: see it, cancel it), past
hearings with their outcomes, and the juvenile-protection entry (未成年人检察).

Thin views: the rules are in rules.py and services.py."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import get_locale

from portal.core import access, audit, clock, codes, lookups
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.core.workflow import InvalidTransition
from portal.extensions import db, limiter
from portal.openhouse import queries, rules, services
from portal.openhouse.forms import LookupForm, RegistrationForm
from portal.openhouse.models import Gathering, GatheringKind, Registration
from portal.petitions import services as petitions

bp = Blueprint("openhouse", __name__)

ACCESS_KEY = "openhouse_access"


def public_form_limit():
    return current_app.config["PUBLIC_FORM_LIMIT"]


def lookup_limit():
    return current_app.config["LOOKUP_LIMIT"]


def no_store(response):
    """Pages with a code or personal data on them are kept by no cache."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/open-procuratorate/")
def index():
    now = clock.now()
    return render_template(
        "openhouse/index.html",
        open_days=queries.coming(GatheringKind.OPEN_DAY, now),
        hearings=queries.coming(GatheringKind.HEARING, now),
        phase=lambda gathering: rules.registration_phase(gathering, now),
    )


@bp.route("/open-procuratorate/hearings/past")
def past_hearings():
    return render_template(
        "openhouse/past_hearings.html", hearings=queries.past_hearings(clock.now())
    )


def gathering_or_404(gathering_id: int) -> Gathering:
    return queries.public_gathering(gathering_id) or abort(404)


@bp.route("/open-procuratorate/<int:gathering_id>")
def show_gathering(gathering_id: int):
    gathering = gathering_or_404(gathering_id)
    now = clock.now()
    return render_template(
        "openhouse/gathering.html",
        gathering=gathering,
        phase=rules.registration_phase(gathering, now),
        seats_left=services.seats_left(gathering),
    )


@bp.route("/open-procuratorate/<int:gathering_id>/register", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def register(gathering_id: int):
    gathering = gathering_or_404(gathering_id)
    form = RegistrationForm()
    if not form.is_submitted() and not rules.is_registration_open(gathering, clock.now()):
        # A form sent just as the window closed is answered on the form (services.register),
        # with what was typed kept.
        return redirect(url_for(".show_gathering", gathering_id=gathering.id))
    form.set_party_sizes(gathering.max_party_size)
    if form.validate_on_submit():
        data = services.RegistrationData(
            name=form.name.data,
            mobile=form.mobile.data,
            email=form.email.data,
            party_size=int(form.party_size.data),
            locale=str(get_locale()),
        )
        try:
            receipt = services.register(gathering, data, submission_key=form.submission_key.data)
        except InvalidTransition as error:
            form[error.field or "party_size"].errors.append(str(error))
        except services.AlreadyRegistered:
            db.session.commit()  # the reminder to the mobile's owner
            return no_store(render_template("openhouse/not_taken.html", gathering=gathering))
        else:
            db.session.commit()  # durable before the number is shown
            return no_store(
                render_template(
                    "openhouse/receipt.html",
                    registration=receipt.registration,
                    gathering=receipt.registration.gathering,
                    code=codes.format_code(receipt.query_code),
                    is_repeat=receipt.is_repeat,
                )
            )
    status = 400 if form.errors else 200
    return no_store(
        (render_template("openhouse/register.html", form=form, gathering=gathering), status)
    )


# ---- the registrant's own registration ------------------------------------------------------


def registration_with_access(number: str) -> Registration:
    return access.granted_record(
        ACCESS_KEY,
        number,
        find=services.registration_numbered,
        code_mark=services.code_mark,
        lookup_url=url_for(".lookup"),
    )


@bp.route("/open-procuratorate/registration", methods=["GET", "POST"])
@limiter.limit(lookup_limit, methods=["POST"])
def lookup():
    form = LookupForm()
    if form.validate_on_submit():
        try:
            registration = services.find_for_registrant(form.number.data, form.code.data)
        except services.LookupLocked:
            registration = None
            form.code.errors = [str(lookups.LOCKED_MESSAGE)]
        else:
            if registration is None:
                form.code.errors = [
                    _(
                        "We found no registration with this number and code. Check both against "
                        "your receipt."
                    )
                ]
        db.session.commit()
        if registration is not None:
            access.grant(ACCESS_KEY, registration.number, services.code_mark(registration))
            return redirect(url_for(".show_registration", number=registration.number))
    status = 400 if form.errors else 200
    return render_template("openhouse/lookup.html", form=form), status


def render_registration(registration: Registration, status: int = 200):
    return no_store(
        (
            render_template(
                "openhouse/registration.html",
                registration=registration,
                gathering=registration.gathering,
                can_withdraw=services.can_withdraw(registration),
                timeline=[event for event in audit.history(registration) if event.is_public],
                form=ConfirmForm(),
            ),
            status,
        )
    )


@bp.route("/open-procuratorate/registration/<string:number>")
def show_registration(number: str):
    return render_registration(registration_with_access(number))


@bp.route("/open-procuratorate/registration/<string:number>/cancel", methods=["POST"])
def withdraw(number: str):
    registration = registration_with_access(number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_registration(registration)
    except InvalidTransition as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_registration(registration, 409)
    db.session.commit()
    flash(_("Your registration is cancelled. Thank you for telling us."), "success")
    return redirect(url_for(".show_registration", number=registration.number))


@bp.route("/open-procuratorate/registration/end", methods=["POST"])
def end_access():
    if ConfirmForm().validate_on_submit():
        session.pop(ACCESS_KEY, None)
    return redirect(url_for(".index"))


# ---- juvenile protection ---------------------------------------------------------------------

# What a child or a guardian may bring, in the order the page offers it, with the petition kind
# the general form opens with (the form's own `kind` parameter).
JUVENILE_ROUTES = (
    ("harmed", petitions.Kind.COMPLAINT),
    ("seen", petitions.Kind.REPORT),
    ("unfair", petitions.Kind.CRIMINAL_APPEAL),
    ("hardship", petitions.Kind.JUDICIAL_AID),
    ("question", petitions.Kind.LEGAL_CONSULTATION),
)


@bp.route("/juvenile")
def juvenile():
    return render_template("openhouse/juvenile.html", routes=JUVENILE_ROUTES)
