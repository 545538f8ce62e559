"""Deputies' own pages: the service's front page, registration, login, choosing a password
through the link staff sent, the account page (suggestions and invitations), sending a
suggestion, reading and rating its answer, and replying to invitations.

Every route but the front page, registration, login and the password link carries
`deputy_required`. Views parse the form, call services.py, flash and redirect.
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
from flask_babel import format_date
from flask_login import current_user, logout_user

from portal.core import clock, credentials, identity, pdf, sessions, uploads
from portal.core.attachments import Attachments, FileRule
from portal.core.credentials import AccountError
from portal.core.forms import MAX_FILES, LoginForm, PortalForm
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import account_required, is_account_of, next_or
from portal.core.submission_limits import limit_submissions
from portal.core.workflow import InvalidTransition
from portal.deputies import documents, queries, services
from portal.deputies.forms import (
    RatingForm,
    RegistrationForm,
    ReplyForm,
    SetPasswordForm,
    SuggestionForm,
)
from portal.deputies.models import Invitation, Suggestion, SuggestionAttachment
from portal.extensions import db, limiter

bp = Blueprint("deputies", __name__, url_prefix="/deputy")

LOGIN_ENDPOINT = "deputies.login"
# Routes open without a deputy's login.
PUBLIC_ENDPOINTS = frozenset(
    {"deputies.index", "deputies.register", "deputies.login", "deputies.set_password"}
)

deputy_required = account_required(
    "deputy",
    LOGIN_ENDPOINT,
    unverified_title=_l("Your account is not verified yet"),
    unverified_text=_l(
        "Only deputies and members whom our staff have verified can send suggestions. "
        "Your account page shows where your registration stands."
    ),
)


def is_deputy(user) -> bool:
    return is_account_of(user, "deputy")


def attach_error(form, error, default_field: str) -> None:
    field = getattr(form, getattr(error, "field", None) or default_field)
    field.errors = list(field.errors) + [str(error)]


def deputy_data(form) -> services.DeputyData:
    return services.DeputyData(
        name=form.name.data,
        body=form.body.data,
        level=form.level.data,
        assembly=form.assembly.data,
        unit=form.unit.data,
        mobile=form.mobile.data,
        email=form.email.data,
    )


@bp.route("/")
def index():
    return render_template("deputies/index.html")


@bp.route("/register", methods=["GET", "POST"])
@limit_submissions
def register():
    """The same answer whether the address is new or registered (services.register_deputy)."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            services.register_deputy(deputy_data(form), form.password.data)
        except AccountError as error:
            db.session.rollback()
            attach_error(form, error, "email")
        else:
            db.session.commit()
            flash(
                _(
                    "Thank you. Our liaison office checks your registration against the roster "
                    "of your congress or committee and may call you on %(mobile)s. We tell %(email)s "
                    "when it is done; then log in here.",
                    mobile=form.mobile.data,
                    email=identity.canonical_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for(".login"))
    return render_template("deputies/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"])
def login():
    if is_deputy(current_user):
        return redirect(url_for(".account"))
    form = LoginForm()
    if form.validate_on_submit() and credentials.log_in(form, services.authenticate):
        return redirect(next_or(url_for(".account")))
    return render_template("deputies/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@deputy_required
def logout():
    if PortalForm().validate_on_submit():
        sessions.end(sessions.current_id())
        db.session.commit()
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for(".login"))


@bp.route("/password/<string:token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT"], methods=["POST"])
def set_password(token: str):
    """The link from staff's registration e-mail shows the form; only the POST sets it."""
    try:
        services.deputy_for_password_token(token)
    except services.TokenInvalid as error:
        return render_template("deputies/set_password.html", form=None, problem=str(error)), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(token, form.password.data)
        except AccountError as error:
            attach_error(form, error, "password")
        else:
            db.session.commit()
            flash(_("Your password is set. Log in with it."), "success")
            return redirect(url_for(".login"))
    page = render_template("deputies/set_password.html", form=form, problem=None)
    return page, 400 if form.errors else 200


@bp.route("/account")
@deputy_required
def account():
    deputy = current_user
    return render_template(
        "deputies/account.html",
        deputy=deputy,
        suggestions=queries.suggestions_of(deputy.id),
        invitations=queries.invitations_of(deputy.id),
        reply_forms={
            invitation.id: ReplyForm(prefix=f"invitation-{invitation.id}")
            for invitation in queries.invitations_of(deputy.id)
        },
        today=clock.local_today(),
        has_started=services.has_started,
    )


@bp.route("/suggestions/new", methods=["GET", "POST"])
@limit_submissions
@deputy_required(verified=True)
def new_suggestion():
    """A bad file is named under the field and the form comes back with everything typed and the
    files already accepted (core/attachments.py)."""
    form = SuggestionForm()
    files = Attachments(form, attachments=FileRule(most=MAX_FILES))
    if not files.removed and all([form.validate_on_submit(), files.are_valid()]):
        suggestion, _repeat = services.submit_suggestion(
            current_user,
            services.SuggestionData(
                kind=form.kind.data,
                subject=form.subject.data,
                body=form.body.data,
                uploads=files.of("attachments"),
            ),
            submission_key=form.submission_key.data,
        )
        db.session.commit()
        files.release()
        flash(
            _(
                "Received as %(number)s. It will be answered by %(due)s.",
                number=suggestion.number,
                due=format_date(suggestion.due_on),
            ),
            "success",
        )
        return redirect(url_for(".show_suggestion", suggestion_id=suggestion.id))
    files.keep()
    return render_template(
        "deputies/new_suggestion.html", form=form, files=files
    ), 400 if form.errors else 200


def own_suggestion(suggestion_id: int) -> Suggestion:
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.deputy_id != current_user.id:
        abort(404)
    return suggestion


def render_suggestion(suggestion, form=None, status=200):
    return render_template(
        "deputies/suggestion.html",
        suggestion=suggestion,
        form=form or RatingForm(),
    ), status


@bp.route("/suggestions/<int:suggestion_id>")
@deputy_required
def show_suggestion(suggestion_id: int):
    return render_suggestion(own_suggestion(suggestion_id))


@bp.route("/suggestions/<int:suggestion_id>/rating", methods=["POST"])
@deputy_required
def rate_answer(suggestion_id: int):
    suggestion = own_suggestion(suggestion_id)
    form = RatingForm()
    if not form.validate_on_submit():
        return render_suggestion(suggestion, form, 400)
    try:
        services.rate_answer(suggestion, current_user, form.rating.data, form.comment.data)
    except InvalidTransition as error:
        attach_error(form, error, "rating")
        return render_suggestion(suggestion, form, 409)
    db.session.commit()
    flash(_("Thank you for rating the answer."), "success")
    return redirect(url_for(".show_suggestion", suggestion_id=suggestion.id))


@bp.route("/suggestions/<int:suggestion_id>/answer.pdf")
@deputy_required
def answer_pdf(suggestion_id: int):
    suggestion = own_suggestion(suggestion_id)
    if suggestion.answered_at is None:
        abort(404)
    return pdf.as_download(documents.answer_pdf(suggestion), f"{suggestion.number}.pdf")


@bp.route("/suggestions/<int:suggestion_id>/files/<int:attachment_id>")
@deputy_required
def download_attachment(suggestion_id: int, attachment_id: int):
    attachment = db.session.get(SuggestionAttachment, attachment_id)
    suggestion = own_suggestion(suggestion_id)
    if attachment is None or attachment.suggestion_id != suggestion.id:
        abort(404)
    return uploads.private_download(attachment)


@bp.route("/invitations/<int:invitation_id>/reply", methods=["POST"])
@deputy_required
def reply_to_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.deputy_id != current_user.id:
        abort(404)
    form = ReplyForm(prefix=f"invitation-{invitation.id}")
    if not form.validate_on_submit():
        for message in (
            form.reply.errors or form.form_errors or [_("Choose whether you will attend.")]
        ):
            flash(str(message), "error")
        return redirect(url_for(".account"))
    try:
        services.reply_to_invitation(invitation, current_user, form.reply.data)
    except InvalidTransition as error:
        flash(str(error), "error")
        return redirect(url_for(".account"))
    db.session.commit()
    flash(_("Thank you: your reply is recorded."), "success")
    return redirect(url_for(".account"))
