"""`flask --app portal worker`: a host's background work as one long-lived process, run on every
host at once (deploy/systemd/portal-worker.service).

Each round it sends the e-mails and SMS that are due, indexes the petitions submitted online
since the last round for the duplicate suggestions (petitions/duplicates.py), and every
SWEEP_EVERY_MINUTES it runs the deadline sweep; then it waits WORKER_POLL_SECONDS. None of this is ever done twice, however many
workers run:
- a message is claimed with a lease before it is sent (core/outbox.py: a conditional UPDATE, FOR
  UPDATE SKIP LOCKED on PostgreSQL), so two workers never send the same one, and a worker killed
  while sending leaves its lease to run out (outbox.CLAIM_LEASE); then another sends it;
- a petition's duplicate fingerprint is its claim: a second indexer fails on it and only takes
  the petition off the queue;
- the sweep claims its batches, and an escalation or a closure goes in only once, whoever
  tries (petitions/services.py, sweep_deadlines).
A channel that is not configured (no MAIL_SERVER, no SMS gateway) is left out, said once at the
start. A database or network error is logged and the round tried again after the wait: the
worker outlives an outage instead of leaving the work to a restart. SIGTERM or SIGINT: it
finishes the job in hand and exits 0.

`send-mail`, `send-sms` and `sweep-deadlines` stay for cron, and for one round by hand.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from portal.core import mail, outbox, sms
from portal.extensions import db
from portal.petitions import duplicates
from portal.petitions import services as petitions

log = logging.getLogger(__name__)

BATCH = 100  # messages, or petitions to index, per run; another run at once while one is full


class Worker:
    def __init__(self, config):
        self.poll_seconds = config["WORKER_POLL_SECONDS"]
        self.sweep_seconds = config["SWEEP_EVERY_MINUTES"] * 60
        self.channels = [mail.EMAIL, sms.SMS]
        self.next_sweep = 0.0  # the first round sweeps
        self.stopping = threading.Event()

    def run(self, *, rounds: int | None = None) -> None:
        done = 0
        while not self.stopping.is_set():
            self.round()
            done += 1
            if rounds is not None and done >= rounds:
                return
            self.stopping.wait(self.poll_seconds)

    def round(self) -> None:
        for channel in list(self.channels):
            self._deliver(channel)
        self._index_duplicates()
        if time.monotonic() >= self.next_sweep and not self.stopping.is_set():
            if self._attempt("the deadline sweep", petitions.sweep_deadlines):
                self.next_sweep = time.monotonic() + self.sweep_seconds

    def _deliver(self, channel: outbox.Channel) -> None:
        # Whatever is due, a batch at a time, before the wait: a morning's replies go out at
        # once, not a hundred per round.
        while not self.stopping.is_set():
            try:
                report = self._attempt(f"sending {channel.name}", outbox.deliver, channel, BATCH)
            except outbox.NotConfigured as error:
                log.info("Worker: not sending %s: %s", channel.name, error)
                self.channels.remove(channel)
                return
            if not report or report.sent + report.failed + report.given_up < BATCH:
                return

    def _index_duplicates(self) -> None:
        while not self.stopping.is_set():
            indexed = self._attempt("indexing duplicates", duplicates.index_queued, BATCH)
            if not indexed or indexed < BATCH:
                return

    def _attempt(self, what: str, job, *args):
        """The job's result, or None when the database or the network failed it (logged; the
        next round tries again)."""
        try:
            return job(*args)
        except petitions.SweepInterrupted as stopped:
            log.warning("Worker: %s stopped on a database error (%s); next round.", what, stopped)
        except (SQLAlchemyError, OSError) as error:
            db.session.rollback()
            log.warning("Worker: %s failed (%s); next round.", what, type(error).__name__)
        return None


@click.command("worker")
@click.option("--rounds", type=int, help="Stop after this many rounds (default: until stopped).")
@with_appcontext
def worker_command(rounds):
    """Send due e-mail and SMS, index new petitions for the duplicate suggestions and sweep
    deadlines, round after round, until SIGTERM."""
    worker = Worker(current_app.config)
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda *_: worker.stopping.set())
    log.info(
        "Worker started: every %s s, the sweep every %s min.",
        worker.poll_seconds,
        worker.sweep_seconds // 60,
    )
    worker.run(rounds=rounds)
    log.info("Worker stopped.")
