"""Staff login and logout."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from portal.accounts import services
from portal.core import credentials, sessions
from portal.core.forms import LoginForm
from portal.core.i18n import gettext as _
from portal.core.permissions import next_or
from portal.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/staff")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("backoffice.dashboard"))
    form = LoginForm()
    if form.validate_on_submit() and credentials.log_in(form, services.authenticate):
        return redirect(next_or(url_for("backoffice.dashboard")))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends the login session on the server too, so a copy of the cookie opens nothing."""
    sessions.end(sessions.current_id())
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("accounts.login"))
