"""`flask --app portal send-mail` and `send-sms`: run from cron or a timer, every minute.

Each prints what happened and what is waiting, and its exit status tells a monitor the same:

    0  every message that was due was sent, and none is given up or stuck
    1  a send failed (it will be retried), or a message is given up or stuck: look at the
       back office's outbox page
    2  nothing can be sent: MAIL_SERVER (or the SMS gateway's settings) is not set
"""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.core import clock, mail, outbox, sms
from portal.operations import queries

log = logging.getLogger(__name__)

EXIT_ATTENTION = 1
EXIT_NOT_CONFIGURED = 2
OUTBOX_PAGE = "see the back office's outbox page (Back office > Outgoing messages)"


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Send the e-mails that are due in the outbox over SMTP, and report what is waiting."""
    _deliver(mail.EMAIL, "MAIL_RETRY_HOURS")


@click.command("send-sms")
@with_appcontext
def send_sms():
    """Send the SMS that are due in the outbox through the gateway, and report what is waiting."""
    _deliver(sms.SMS, "SMS_RETRY_HOURS")


def _deliver(channel: outbox.Channel, retry_hours_setting: str) -> None:
    try:
        report = outbox.deliver(channel)
    except outbox.NotConfigured as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(EXIT_NOT_CONFIGURED) from None
    state = queries.health()
    config = current_app.config
    click.echo(f"Sent {report.sent}.")
    if report.failed:
        click.echo(f"{report.failed} failed and will be retried.")
    if report.given_up:
        click.echo(
            f"{report.given_up} given up after {config[retry_hours_setting]} hours: {OUTBOX_PAGE}."
        )
    if state.pending:
        stuck = (
            f"; {state.stuck} of them for longer than {config['MAIL_STUCK_MINUTES']} minutes "
            f"(stuck): {OUTBOX_PAGE}"
            if state.stuck
            else ""
        )
        click.echo(
            f"{state.pending} waiting, next attempt from {_local(state.next_attempt_at)}{stuck}."
        )
    if state.stuck:
        log.warning(
            "%s outbox message(s) waiting longer than %s minutes.",
            state.stuck,
            config["MAIL_STUCK_MINUTES"],
        )
    if state.dead:
        click.echo(
            f"{state.dead} given up in all, until an administrator retries them: {OUTBOX_PAGE}."
        )
    if report.failed or state.needs_attention:
        raise SystemExit(EXIT_ATTENTION)


def _local(moment) -> str:
    return clock.as_utc(moment).astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M %Z")
