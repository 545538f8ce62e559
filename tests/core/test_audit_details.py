"""Audit details are stored as registered keys and shown in the reader's language: codes become
words, what staff typed stays as typed, and rows written before details were structured read
the same way. The administrator's trail page lists and filters the whole trail."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import force_locale

from portal.core import audit, clock
from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.extensions import db
from portal.petitions.models import Grade, ReplyKind
from tests.factories import login, make_user


def shown(code: str, detail: str | None) -> list[tuple[str | None, str]]:
    with force_locale("en"):
        return [
            (None if p.label is None else str(p.label), str(p.text))
            for p in audit.describe_detail(code, detail)
        ]


def english(label) -> str:
    with force_locale("en"):
        return str(label)


def test_codes_read_as_words_in_the_readers_language():
    assert shown("petition.received", "channel=web; rule=calendar-7d/3m/1m") == [
        ("Channel", "Online"),
        (
            "Time limits",
            "procedural reply within 7 days; result or progress within 3 months, then progress "
            "every 1 month(s); a limit ending on a holiday moves to the next working day",
        ),
    ]
    assert shown("petition.satisfied", "grade=basically_satisfied") == [
        ("Petitioner's rating", english(Grade.BASICALLY_SATISFIED.label))
    ]
    assert shown("calendar.day_set", "kind=holiday") == [("Kind of day", "Public holiday")]


def test_details_written_before_they_were_structured_read_the_same_way():
    assert shown("petition.recovery_code_sent", "by sms") == [("Sent by", "SMS")]
    assert shown("outbox.retried", "after 2 failed attempt(s)") == [("Failed attempts", "2")]
    assert shown("petition.reply_drafted", "result") == [
        ("Kind of reply", english(ReplyKind.RESULT.label))
    ]
    assert shown("calendar.day_set", "holiday") == [("Kind of day", "Public holiday")]
    assert shown("petition.assigned", "handler=王敏") == [("Handler", "王敏")]
    assert shown("user.updated", "name; role clerk->handler") == [
        ("Name changed", "yes"),
        ("Previous role", "Intake clerk"),
        ("Role", "Handler"),
    ]


def test_what_staff_typed_is_shown_as_typed_even_with_the_separators_in_it(app):
    typed = "材料不全; 见 a=b 条 100%"
    event = audit.record("petition.closed", subject=("petition", 1), detail={"reason": typed})
    assert event.details == {"reason": typed}
    assert shown("petition.closed", event.detail) == [("Reason", typed)]
    # An old row's free text, in no format at all, is shown as it was stored.
    assert shown("petition.closed", "材料不全") == [("Reason", "材料不全")]
    assert shown("user.password_reset", "anything else") == [(None, "anything else")]
    db.session.rollback()


def test_an_unknown_code_in_a_stored_detail_is_shown_as_stored():
    assert shown("petition.received", "channel=pigeon") == [("Channel", "pigeon")]


def test_a_key_not_registered_for_the_domain_is_a_programming_error(app):
    try:
        audit.record("petition.closed", subject=("petition", 1), detail={"phone": "13800000000"})
    except KeyError as error:
        assert "phone" in str(error)
    else:
        raise AssertionError("an unregistered detail key was accepted")


# ---- the administrator's trail page -----------------------------------------------------------


def _events():
    """Three events (and the accounts' own); the sequence numbers of the three, oldest first."""
    clerk = make_user(Role.CLERK, name="李文")
    login_as_admin = make_user(Role.ADMIN)
    with clock.frozen(datetime(2026, 10, 1, 2, 0, tzinfo=UTC)):
        holiday = audit.record("calendar.day_set", actor=clerk, subject=("day", "2026-10-01"),
                               detail={"kind": "holiday"})  # fmt: skip
    with clock.frozen(datetime(2026, 11, 2, 2, 0, tzinfo=UTC)):
        removed = audit.record("calendar.day_removed", subject=("day", "2026-10-02"))
        closed = audit.record("petition.closed", actor=clerk, subject=("petition", 7),
                              detail={"reason": "重复"})  # fmt: skip
    db.session.commit()
    return clerk, login_as_admin, [str(e.sequence) for e in (holiday, removed, closed)]


def _rows(page, mine=None) -> list[str]:
    """The sequence numbers listed; with `mine`, only those (not the accounts' and logins')."""
    listed = [row.find_all("td")[0].get_text() for row in page.select("tbody tr")]
    return [n for n in listed if mine is None or n in mine]


def test_the_trail_page_lists_every_event_newest_first_with_details(client, client_request):
    _clerk, admin, mine = _events()
    login(client, admin)
    page = client_request.get("operations_admin.audit_trail")
    assert _rows(page, mine) == mine[::-1]
    [closed] = [r for r in page.select("tbody tr") if r.find("td").get_text() == mine[2]]
    assert "重复" in closed.get_text()


def test_the_trail_page_filters_by_type_actor_subject_and_dates(client, client_request):
    clerk, admin, mine = _events()
    first, second, third = mine
    login(client, admin)

    def listed(**filters):
        return _rows(client_request.get("operations_admin.audit_trail", **filters), mine)

    assert listed(type="calendar.day_set") == [first]
    assert listed(actor=clerk.id) == [third, first]
    assert listed(actor="system") == [second]
    assert listed(subject_kind="petition", subject_id="7") == [third]
    assert listed(**{"from": "2026-11-01"}) == [third, second]
    assert listed(to="2026-10-31") == [first]
    # A malformed filter is ignored, not a 500.
    assert listed(type="nonsense", to="2026-13-45") == [third, second, first]


def test_the_trail_page_pages_by_sequence(client, client_request):
    admin = make_user(Role.ADMIN)
    for day in range(1, 56):
        last = audit.record("calendar.day_removed", subject=("day", f"2026-12-{day % 28 + 1:02d}"))
    db.session.commit()
    login(client, admin)
    first = client_request.get("operations_admin.audit_trail", type="calendar.day_removed")
    assert _rows(first)[0] == str(last.sequence) and len(_rows(first)) == 50
    assert first.select_one(f".pager a[href*='before={last.sequence - 49}']") is not None
    second = client_request.get("operations_admin.audit_trail", before=6)
    assert _rows(second) == ["5", "4", "3", "2", "1"]


def test_the_trail_names_what_each_event_is_about_and_its_states_in_the_readers_language(
    client, client_request
):
    _clerk, admin, mine = _events()
    audit.record(
        "petition.acknowledged", subject=("petition", 7), from_state="received", to_state="accepted"
    )
    db.session.commit()
    login(client, admin)
    page = client_request.get("operations_admin.audit_trail", subject_kind="petition")
    cells = [
        [td.get_text(" ", strip=True) for td in row.find_all("td")]
        for row in page.select("tbody tr")
    ]
    acknowledged = cells[0]
    assert acknowledged[4] == "信访事项 7"
    assert acknowledged[5] == "已收到 → 已受理"
    assert "petition" not in page.select_one("tbody").get_text()
    day = client_request.get("operations_admin.audit_trail", subject_kind="day")
    assert "日历日 2026-10-02" in day.select_one("tbody").get_text()


def test_everything_the_trail_can_be_about_has_a_name():
    """A model's `audit_kind` without a registered SubjectKind would show as a code."""
    audited = {
        mapper.class_.audit_kind
        for mapper in db.Model.registry.mappers
        if getattr(mapper.class_, "audit_kind", None)
    }
    assert audited <= set(audit.SUBJECT_KINDS)
    assert {"day", "place", "category"} <= set(audit.SUBJECT_KINDS)  # kinds named by a pair


def test_trail_pages_walk_every_event_once_newest_first_with_and_without_filters(app):
    """Keyset pages (audit.trail_page): by time, then chain number, even where the clock and the
    chain disagree (an event recorded with an earlier time after a later one), through every
    filter the page offers, with dates."""
    moments = [datetime(2026, 10, d, 2, 0, tzinfo=UTC) for d in (5, 1, 5, 3, 5, 2, 4)]
    for n, moment in enumerate(moments):
        with clock.frozen(moment):
            audit.record("calendar.day_removed", subject=("day", f"2026-12-{n + 1:02d}"))
    db.session.commit()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.code == "calendar.day_removed")
    ).all()
    newest_first = [
        e.sequence for e in sorted(events, key=lambda e: (e.at, e.sequence), reverse=True)
    ]
    for wanted, expected in [
        (audit.TrailFilter(code="calendar.day_removed"), newest_first),
        (audit.TrailFilter(actor_kind="system", subject_kind="day"), newest_first),
        (
            audit.TrailFilter(
                code="calendar.day_removed",
                since=datetime(2026, 10, 2, tzinfo=UTC),
                until=datetime(2026, 10, 5, tzinfo=UTC),
            ),
            [s for s in newest_first if 2 <= clock.as_utc(_at(events, s)).day < 5],
        ),
    ]:
        shown, before = [], None
        while True:
            page = audit.trail_page(wanted, before=before, per_page=2)
            shown += [event.sequence for event in page.events]
            if page.older_than is None:
                break
            before = page.older_than
        assert shown == expected, wanted


def _at(events, sequence):
    return next(event.at for event in events if event.sequence == sequence)
