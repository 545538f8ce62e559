"""The rules of registering and of the draw, as plain functions: the window, the seats, the party,
and a draw that is fair (each registration has the same chance), reproducible from its seed, and
never gives more seats than there are nor one registration two places."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from portal.openhouse import rules
from portal.openhouse.rules import Entry


@pytest.fixture(autouse=True)
def english_messages(app):
    """The refusals are read in English here (the catalogue says them in Chinese too)."""
    with force_locale("en"):
        yield


NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def gathering(**overrides):
    values = {
        "status": "announced",
        "is_open_to_observers": True,
        "registration_opens_at": NOW - timedelta(days=1),
        "registration_closes_at": NOW + timedelta(days=1),
        "starts_at": NOW + timedelta(days=5),
        "max_party_size": 3,
        "admission": "draw",
    }
    return SimpleNamespace(**(values | overrides))


# ---- the window --------------------------------------------------------------------------------


def test_registration_is_open_from_its_opening_until_just_before_it_closes():
    g = gathering(registration_opens_at=NOW, registration_closes_at=NOW + timedelta(hours=1))
    assert not rules.is_registration_open(g, NOW - timedelta(seconds=1))
    assert rules.is_registration_open(g, NOW)
    assert rules.is_registration_open(g, NOW + timedelta(minutes=59))
    assert not rules.is_registration_open(g, NOW + timedelta(hours=1))


def test_no_registration_when_cancelled_allocated_or_closed_to_observers():
    assert not rules.is_registration_open(gathering(status="cancelled"), NOW)
    assert not rules.is_registration_open(gathering(status="allocated"), NOW)
    assert not rules.is_registration_open(gathering(is_open_to_observers=False), NOW)


def test_the_pages_say_where_registration_stands():
    g = gathering(registration_opens_at=NOW, registration_closes_at=NOW + timedelta(hours=1))
    assert rules.registration_phase(g, NOW - timedelta(minutes=1)) == "not_yet"
    assert rules.registration_phase(g, NOW) == "open"
    assert rules.registration_phase(g, NOW + timedelta(hours=1)) == "closed"
    assert rules.registration_phase(gathering(status="cancelled"), NOW) == "closed"
    assert rules.registration_phase(gathering(is_open_to_observers=False), NOW) == "no_observers"


def test_each_refusal_says_why():
    assert "not opened yet" in str(
        rules.registration_problem(
            gathering(registration_opens_at=NOW + timedelta(hours=1)), NOW, 1, 10
        )
    )
    assert "closed" in str(
        rules.registration_problem(gathering(registration_closes_at=NOW), NOW, 1, 10)
    )
    assert "not open to observers" in str(
        rules.registration_problem(gathering(is_open_to_observers=False), NOW, 1, 10)
    )
    assert rules.registration_problem(gathering(), NOW, 3, 0) is None  # a draw: seats come later


def test_the_party_is_between_one_and_the_largest_allowed():
    g = gathering(max_party_size=3)
    assert rules.registration_problem(g, NOW, 0, 10) is not None
    assert rules.registration_problem(g, NOW, 1, 10) is None
    assert rules.registration_problem(g, NOW, 3, 10) is None
    assert rules.registration_problem(g, NOW, 4, 10) is not None


def test_first_come_takes_a_party_only_while_it_fits_in_the_seats_left():
    g = gathering(admission="first_come")
    assert rules.registration_problem(g, NOW, 2, 2) is None
    assert "Only 1 seats" in str(rules.registration_problem(g, NOW, 2, 1))
    assert "All seats are taken" in str(rules.registration_problem(g, NOW, 1, 0))


def test_seats_left_never_go_below_zero():
    assert rules.seats_left(10, [3, 2]) == 5
    assert rules.seats_left(4, [3, 2]) == 0


# ---- the draw ----------------------------------------------------------------------------------


def entries(n, party_size=1):
    return [Entry(f"KF2026-{i:06d}", party_size) for i in range(1, n + 1)]


def test_everyone_fits_means_no_draw_is_needed():
    assert not rules.is_oversubscribed(entries(5, 2), 10)
    assert rules.is_oversubscribed(entries(6, 2), 11)


def test_the_same_seed_and_list_give_the_same_result_whatever_the_order_given():
    people = entries(40)
    first = rules.draw(people, 10, "a1b2c3")
    again = rules.draw(list(reversed(people)), 10, "a1b2c3")
    assert first == again
    assert rules.draw(people, 10, "another seed").winners != first.winners


def test_the_order_is_the_published_sha256_rule():
    """Anyone can check a draw by hand: sort by SHA-256 of "<seed>:<number>"."""
    import hashlib

    people = entries(5)
    result = rules.draw(people, 2, "seed")
    by_hand = sorted(
        (e.number for e in people),
        key=lambda number: hashlib.sha256(f"seed:{number}".encode()).hexdigest(),
    )
    assert result.order == by_hand
    assert result.winners == by_hand[:2]


def test_each_registration_has_the_same_chance():
    """Over 3,000 seeds, 12 registrations for 4 seats: each should win a third of the time. The
    seeds are fixed, so this is exact and repeatable; the bound (±10 % of the expected count,
    more than five standard deviations) catches any bias by position or by number."""
    people = entries(12)
    wins = Counter()
    for seed in range(3000):
        wins.update(rules.draw(people, 4, f"seed-{seed}").winners)
    expected = 3000 * 4 / 12
    assert set(wins) == {e.number for e in people}
    assert all(abs(count - expected) < expected * 0.10 for count in wins.values()), wins


def test_trying_many_times_gives_no_more_tickets():
    """The same registration given five times counts once."""
    people = entries(3) + [Entry("KF2026-000001", 1)] * 4
    result = rules.draw(people, 10, "s")
    assert sorted(result.order) == [e.number for e in entries(3)]


def test_a_party_that_does_not_fit_is_passed_and_a_smaller_one_takes_the_seats():
    people = [Entry("A", 3), Entry("B", 1)]
    seed = next(s for s in map(str, range(100)) if rules.draw(people, 2, s).order[0] == "A")
    result = rules.draw(people, 2, seed)
    assert result.winners == ["B"] and result.seats_given == 1


@given(
    parties=st.lists(st.integers(min_value=1, max_value=4), max_size=60),
    capacity=st.integers(min_value=1, max_value=50),
    seed=st.text(min_size=1, max_size=32),
)
def test_nobody_wins_twice_and_the_winners_fit_in_the_seats(parties, capacity, seed):
    people = [Entry(f"KF2026-{i:06d}", size) for i, size in enumerate(parties, 1)]
    result = rules.draw(people, capacity, seed)
    assert len(result.winners) == len(set(result.winners))
    sizes = {e.number: e.party_size for e in people}
    assert sum(sizes[number] for number in result.winners) == result.seats_given <= capacity
    assert set(result.winners) | set(result.losers) == set(sizes)
    # No seat is left that a passed-over party could have taken.
    left = capacity - result.seats_given
    assert all(sizes[number] > left for number in result.losers)
