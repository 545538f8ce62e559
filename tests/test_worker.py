"""`flask worker` (portal/worker.py): one long-lived process per host that sends what
is due and sweeps deadlines, never doing the same work twice however many run, and outliving an
outage. Against a real SMTP server and the SMS gateway stand-in."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import sqlalchemy as sa

from portal.core import clock, mail, sms
from portal.extensions import db
from portal.petitions.models import Escalation
from portal.worker import Worker
from tests.factories import make_petition


def queue_messages(n: int) -> list[str]:
    subjects = [f"答复 {i}" for i in range(n)]
    for i, subject in enumerate(subjects):
        mail.enqueue(f"citizen{i}@test.example", subject, "正文")
        sms.enqueue(f"1390000{i:04d}", "received", {"number": f"XF2026-{i:06d}"}, "已收到")
    db.session.commit()
    return subjects


def test_a_round_sends_mail_and_sms_and_escalates_missed_deadlines(
    app, smtp_server, sms_gateway, frozen_now
):
    petition, _ = make_petition()  # its procedural reply is due Monday 30 November
    subjects = queue_messages(3)
    with clock.frozen(frozen_now + timedelta(days=9)):
        Worker(app.config).run(rounds=1)
    assert sorted(smtp_server.subjects()) == subjects
    assert len(sms_gateway.texts_to("13900000001")) == 1
    escalations = db.session.scalars(
        sa.select(Escalation).where(Escalation.petition_id == petition.id)
    ).all()
    assert [e.deadline for e in escalations] == ["acknowledgment"]


def test_a_busy_morning_is_sent_in_one_round_not_a_batch_per_round(app, smtp_server):
    subjects = queue_messages(230)  # more than two delivery batches
    Worker(app.config).run(rounds=1)
    assert len(smtp_server.subjects()) == len(subjects)


def test_two_workers_running_together_send_each_message_once(app, smtp_server, sms_gateway):
    subjects = queue_messages(40)
    workers = [Worker(app.config) for _ in range(2)]
    start = threading.Barrier(2)

    def run(worker):
        with app.app_context():
            start.wait()
            worker.run(rounds=3)

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(smtp_server.subjects()) == sorted(subjects)
    assert all(len(sms_gateway.texts_to(f"1390000{i:04d}")) == 1 for i in range(40))


def test_without_a_gateway_the_worker_still_sends_mail_and_says_why_once(app, smtp_server, caplog):
    subjects = queue_messages(2)
    worker = Worker(app.config)
    with caplog.at_level(logging.INFO, logger="portal.worker"):
        worker.run(rounds=2)
    assert sorted(smtp_server.subjects()) == subjects
    said = [r.getMessage() for r in caplog.records if "not sending sms" in r.getMessage()]
    assert len(said) == 1


def test_a_mail_server_outage_is_waited_out_and_nothing_is_lost(app, smtp_server, frozen_now):
    subjects = queue_messages(2)
    smtp_server.refusing = True
    worker = Worker(app.config)
    worker.run(rounds=1)  # refused: kept for a retry
    assert smtp_server.subjects() == []
    smtp_server.refusing = False
    with clock.frozen(frozen_now + timedelta(hours=1)):  # past the retry's wait
        worker.run(rounds=1)
    assert sorted(smtp_server.subjects()) == subjects


def test_a_database_outage_does_not_end_the_worker(app, smtp_server, monkeypatch, caplog):
    subjects = queue_messages(1)
    worker = Worker(app.config)
    broken = sa.exc.OperationalError("SELECT", {}, Exception("server closed the connection"))

    def fail(*_args):
        raise broken

    monkeypatch.setattr("portal.core.outbox.deliver", fail)
    with caplog.at_level(logging.WARNING, logger="portal.worker"):
        worker.run(rounds=1)
    assert any("failed (OperationalError)" in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    worker.run(rounds=1)
    assert smtp_server.subjects() == subjects


def test_a_stop_signal_ends_the_worker_after_the_job_in_hand(app, smtp_server):
    worker = Worker(app.config)
    finished = threading.Event()

    def run():
        with app.app_context():
            worker.run()  # until stopped
        finished.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert not finished.wait(0.5)  # it keeps going round
    worker.stopping.set()  # what SIGTERM does
    assert finished.wait(10)
    thread.join()
