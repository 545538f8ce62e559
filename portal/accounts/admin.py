"""User management for administrators."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import services
from portal.accounts.forms import PasswordResetForm, UserCreateForm, UserEditForm
from portal.accounts.models import User
from portal.core.i18n import gettext as _
from portal.core.permissions import Role, roles_required
from portal.extensions import db

bp = Blueprint("users_admin", __name__, url_prefix="/staff/users")


@bp.route("/")
@roles_required(Role.ADMIN)
def list_users():
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            services.create_user(
                form.email.data,
                form.name.data,
                form.role.data,
                form.password.data,
                actor=current_user,
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(_("User %(email)s created.", email=form.email.data), "success")
            return redirect(url_for(".list_users"))
    return render_template("accounts/user_form.html", form=form, user=None)


def _attach(form, error):
    """Put a service error next to the field it concerns."""
    field = getattr(form, error.field or "email")
    field.errors = list(field.errors) + [str(error)]


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user, is_active=user.is_active_account)
    reset_form = PasswordResetForm(prefix="reset")
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                name=form.name.data,
                role=form.role.data,
                is_active=form.is_active.data,
                actor=current_user,
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for(".list_users"))
    return render_template("accounts/user_form.html", form=form, reset_form=reset_form, user=user)


@bp.route("/<int:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    reset_form = PasswordResetForm(prefix="reset")
    if reset_form.validate_on_submit():
        try:
            services.set_password(user, reset_form.password.data, actor=current_user)
        except services.AccountError as error:
            _attach(reset_form, error)
        else:
            db.session.commit()
            flash(_("Password reset. The user's sessions have ended."), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    form = UserEditForm(obj=user, is_active=user.is_active_account)
    return render_template(
        "accounts/user_form.html", form=form, reset_form=reset_form, user=user
    ), 400
