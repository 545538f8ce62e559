"""`flask --app portal audit verify`: is the audit trail as it was written?

Run it from cron (daily, say) and after any suspicion. It walks the whole chain in batches and
prints how many events it holds and the hash of the newest: note that hash down somewhere the
database's administrators cannot write, since someone who rewrote the whole chain would have to
change it. Exit status:

    0  the chain is intact
    1  it is not: the first broken link is named (event id and sequence, and what is wrong)
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core import audit
from portal.extensions import db

EXIT_BROKEN = 1

audit_cli = AppGroup("audit", help="The tamper-evident audit trail.")


@audit_cli.command("verify")
@click.option("--batch-size", default=10_000, show_default=True, help="Events read at a time.")
def verify_trail(batch_size: int) -> None:
    """Check every event's hash and link, from the first to the chain's head."""
    with db.engine.connect() as connection:
        verdict = audit.verify(connection, batch_size=batch_size)
    if verdict.is_intact:
        click.echo(f"The audit trail is intact: {verdict.events} events.")
        click.echo(f"Head: sequence {verdict.last_sequence}, hash {verdict.last_hash}")
        return
    broken = verdict.first_break
    click.echo(f"Events intact before the break: {verdict.events}")
    where = f"event #{broken.event_id}, " if broken.event_id is not None else ""
    click.echo(
        f"The audit trail is BROKEN at {where}sequence {broken.sequence} ({broken.kind}): "
        f"{broken.explanation}",
        err=True,
    )
    raise SystemExit(EXIT_BROKEN)
