"""Lawyers' own pages: registration, e-mail confirmation, login, the account page, case bindings
and downloads of delivered case files. Booking pages are in portal/appointments/views.py.

Every route here but registration, login, the confirmation link and the password reset pages
carries `lawyer_required`.
Views parse the form, call services.py (accounts) or bindings.py (bindings, file reading),
flash and redirect; the lists they show come from queries.py.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, logout_user

from portal.appointments import queries as appointments_queries
from portal.core import credentials, identity, sessions, uploads
from portal.core.attachments import Attachments, FileRule
from portal.core.credentials import AccountError
from portal.core.forms import LoginForm, PortalForm
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import is_lawyer, lawyer_required, next_or
from portal.core.submission_limits import limit_submissions
from portal.core.workflow import InvalidTransition
from portal.extensions import db, limiter
from portal.lawyers import bindings, queries, services
from portal.lawyers.forms import (
    BindingForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    RegistrationForm,
    ResetPasswordForm,
)
from portal.lawyers.models import CaseBinding, CaseFileDelivery

bp = Blueprint("lawyers", __name__, url_prefix="/lawyer")

# Routes open without a lawyer's login (the architecture test reads this).
PUBLIC_ENDPOINTS = frozenset(
    {
        "lawyers.register",
        "lawyers.login",
        "lawyers.confirm_email",
        "lawyers.forgot_password",
        "lawyers.reset_password",
    }
)


def _attach(form, error, default_field: str) -> None:
    field = getattr(form, getattr(error, "field", None) or default_field)
    field.errors = list(field.errors) + [str(error)]


@bp.route("/register", methods=["GET", "POST"])
@limit_submissions
def register():
    """The same answer whether the address or licence number is new or registered already
    (services.register_lawyer): no login, a redirect to the login page and one message."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            services.register_lawyer(
                services.Registration(
                    name=form.name.data,
                    licence_number=form.licence_number.data,
                    law_firm=form.law_firm.data,
                    mobile=form.mobile.data,
                    email=form.email.data,
                    password=form.password.data,
                )
            )
        except AccountError as error:
            db.session.rollback()
            _attach(form, error, "email")
        else:
            db.session.commit()
            flash(
                _(
                    "Thank you. We are sending an e-mail about this registration to %(email)s "
                    "(or, if the licence number is registered already, to that account's "
                    "address). Open the link in it to confirm your address, then log in here; "
                    "our staff then verify your licence. If no e-mail arrives within an hour, "
                    "check the address or call the 12309 hotline.",
                    email=identity.canonical_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for(".login"))
    return render_template("lawyers/register.html", form=form), 400 if form.errors else 200


@bp.route("/confirm/<string:token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link from the e-mail shows a button; the POST confirms (link checkers that fetch
    URLs from e-mails must not confirm an address on their own)."""
    form = PortalForm()
    try:
        lawyer = services.lawyer_for_token(token)
    except services.TokenInvalid as error:
        return render_template("lawyers/confirm.html", form=None, problem=str(error)), 400
    if form.validate_on_submit():
        services.confirm_email(token)
        db.session.commit()
        flash(_("Thank you: your e-mail address is confirmed."), "success")
        return redirect(url_for(".account") if is_lawyer(current_user) else url_for(".login"))
    return render_template("lawyers/confirm.html", form=form, lawyer=lawyer, problem=None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"])
def login():
    if is_lawyer(current_user):
        return redirect(url_for(".account"))
    form = LoginForm()
    if form.validate_on_submit() and credentials.log_in(form, services.authenticate):
        return redirect(next_or(url_for(".account")))
    return render_template("lawyers/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@lawyer_required
def logout():
    if PortalForm().validate_on_submit():
        sessions.end(sessions.current_id())  # a copy of the cookie opens nothing afterwards
        db.session.commit()
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for(".login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT"], methods=["POST"])
def forgot_password():
    """The same answer whether or not an account uses the address (services say why)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "If an account uses %(email)s, we have sent it a link to choose a new password. "
                "The link is valid for %(minutes)s minutes. Nothing arrived? Look in your spam "
                "folder, or ask again later.",
                email=form.email.data,
                minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            ),
            "success",
        )
        return redirect(url_for(".login"))
    return render_template("lawyers/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<string:token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT"], methods=["POST"])
def reset_password(token: str):
    """The link from the e-mail shows the form; only the POST changes the password (a link
    checker that opens the link changes nothing)."""
    try:
        lawyer = services.lawyer_for_reset_token(token)
    except services.TokenInvalid as error:
        page = render_template("lawyers/reset_password.html", form=None, problem=str(error))
        return page, 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except AccountError as error:
            _attach(form, error, "password")
        else:
            db.session.commit()
            if is_lawyer(current_user) and current_user.id == lawyer.id:
                logout_user()
            flash(
                _(
                    "Your new password is set and every session of your account has ended. "
                    "Log in with the new password."
                ),
                "success",
            )
            return redirect(url_for(".login"))
    page = render_template("lawyers/reset_password.html", form=form, problem=None)
    return page, 400 if form.errors else 200


@bp.route("/")
@lawyer_required
def account():
    lawyer = current_user
    bookings = appointments_queries.bookings_of_lawyer(lawyer.id)
    return render_template(
        "lawyers/account.html",
        lawyer=lawyer,
        bookings=bookings,
        bindings=queries.bindings_of_lawyer(lawyer.id),
        form=PortalForm(),
    )


@bp.route("/confirm/resend", methods=["POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_FORM_LIMIT"])
@lawyer_required
def resend_confirmation():
    """The same answer whether a link went out or the hourly limit held it back."""
    if PortalForm().validate_on_submit() and not current_user.is_email_confirmed:
        services.resend_confirmation(current_user)
        db.session.commit()
        flash(
            _(
                "We have sent a confirmation link to %(email)s. Open the newest one. We send at "
                "most %(n)s links an hour: if none arrives, look in your spam folder.",
                email=current_user.email,
                n=current_app.config["CONFIRMATION_RESEND_PER_HOUR"],
            ),
            "success",
        )
    return redirect(url_for(".account"))


@bp.route("/password", methods=["GET", "POST"])
@lawyer_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_session=sessions.current_id(),
            )
        except AccountError as error:
            _attach(form, error, "new_password")
        else:
            db.session.commit()
            flash(_("Password changed. Your other sessions have ended."), "success")
            return redirect(url_for(".account"))
    return render_template("lawyers/password.html", form=form), 400 if form.errors else 200


# ---- cases -----------------------------------------------------------------------------------


@bp.route("/cases/bind", methods=["GET", "POST"])
@lawyer_required(verified=True)
def bind_case():
    form = BindingForm()
    files = Attachments(
        form,
        licence=FileRule(required=_l("Attach your practising certificate.")),
        firm_letter=FileRule(required=_l("Attach the law firm's letter.")),
        mandate_file=FileRule(required=_l("Attach the power of attorney or legal aid letter.")),
    )
    if not files.removed and all([form.validate_on_submit(), files.are_valid()]):
        documents = {
            "licence": files.of("licence")[0],
            "firm_letter": files.of("firm_letter")[0],
            "mandate": files.of("mandate_file")[0],
        }
        try:
            binding = bindings.request_binding(
                current_user,
                bindings.BindingRequest(
                    case_number=form.case_number.data,
                    client_name=form.client_name.data,
                    relation=form.relation.data,
                    mandate=form.mandate.data,
                    documents=documents,
                ),
            )
        except InvalidTransition as error:
            db.session.rollback()
            _attach(form, error, "case_number")
        else:
            db.session.commit()
            files.release()
            flash(_("Sent. Our staff review your papers and tell you here."), "success")
            return redirect(url_for(".show_binding", binding_id=binding.id))
    files.keep()
    return render_template("lawyers/bind.html", form=form, files=files), 400 if form.errors else 200


def own_binding(binding_id: int) -> CaseBinding:
    binding = db.session.get(CaseBinding, binding_id)
    if binding is None or binding.lawyer_id != current_user.id:
        abort(404)
    return binding


@bp.route("/cases/<int:binding_id>")
@lawyer_required
def show_binding(binding_id: int):
    binding = own_binding(binding_id)
    return render_template(
        "lawyers/binding.html",
        binding=binding,
        exclusion=bindings.exclusion_reason(binding.case),
        is_downloadable=bindings.is_downloadable,
    )


@bp.route("/files/<int:delivery_id>")
@lawyer_required(verified=True)
def download_case_file(delivery_id: int):
    delivery = db.session.get(CaseFileDelivery, delivery_id)
    if delivery is None or delivery.binding.lawyer_id != current_user.id:
        abort(404)
    try:
        bindings.record_download(delivery, current_user)
    except InvalidTransition as error:
        flash(str(error), "error")
        return redirect(url_for(".show_binding", binding_id=delivery.binding_id))
    db.session.commit()
    return uploads.private_download(delivery)
