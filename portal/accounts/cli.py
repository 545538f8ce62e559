"""`flask --app portal users create EMAIL --role ROLE`."""

import os

import click
from flask.cli import AppGroup

from portal.accounts import services
from portal.core.permissions import Role
from portal.extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default=None, help="Display name (defaults to the e-mail's local part).")
def create_user(email: str, role: str, name: str | None):
    """Create a staff account. The password comes from PORTAL_PASSWORD or a prompt."""
    password = os.environ.get("PORTAL_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        user = services.create_user(email, name or email.split("@")[0], role, password)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} with role {user.role}.")
