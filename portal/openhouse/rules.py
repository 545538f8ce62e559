"""The rules of registering for an open day or a hearing, as plain functions of their facts and
the time (no database, no request): the registration window, the seats, the party's size, and
the draw.

The draw. When more people register in the window than there are seats, the places are drawn
once the window has closed. The draw must be fair (every registration has the same chance,
however many times its person tried: the database lets one mobile register once per gathering,
so one registration is one ticket), and anyone must be able to check it afterwards. So:

1. a seed is drawn from the operating system's cryptographic source and recorded with the
   gathering (and in the audit trail) before anything is computed from it;
2. each registration's ticket is SHA-256 of "<seed>:<registration number>"; the registrations
   are ranked by their tickets (a hash no one could steer without knowing the seed, which did
   not exist while people registered);
3. places are given in that order: a registration whose party still fits in the seats left gets
   them all, one that does not fit is passed over and the next one tried, so no party is split
   and no seat is left that a later, smaller party could use.

Anyone with the seed and the list of registration numbers and party sizes can compute the same
result again (`draw`), on any machine and in any language with SHA-256.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from portal.core import clock
from portal.core.i18n import lazy_gettext as _l

SEED_BYTES = 16  # 128 bits: no one guesses it, and it prints on one line


def has_started(gathering, now: datetime) -> bool:
    return clock.as_utc(gathering.starts_at) <= now


def is_registration_open(gathering, now: datetime) -> bool:
    """Whether the public may register now: announced, in its window, and (a hearing) open to
    observers."""
    return (
        gathering.status == "announced"
        and gathering.is_open_to_observers
        and clock.as_utc(gathering.registration_opens_at)
        <= now
        < clock.as_utc(gathering.registration_closes_at)
    )


class Phase(enum.StrEnum):
    """Where registration stands, for what the pages say about it."""

    NO_OBSERVERS = "no_observers"  # a hearing held without the public
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"  # closed, allocated, held or cancelled


def registration_phase(gathering, now: datetime) -> Phase:
    if not gathering.is_open_to_observers:
        return Phase.NO_OBSERVERS
    if is_registration_open(gathering, now):
        return Phase.OPEN
    if gathering.status == "announced" and now < clock.as_utc(gathering.registration_opens_at):
        return Phase.NOT_YET
    return Phase.CLOSED


def registration_problem(gathering, now: datetime, party_size: int, seats_left: int):
    """Why this registration cannot be taken now (a message for the registrant), or None.
    `seats_left` counts only for first come, first served: a draw takes every registration in
    the window and gives the seats after."""
    if not gathering.is_open_to_observers:
        return _l("This hearing is not open to observers.")
    if gathering.status != "announced":
        return _l("Registration for this is closed.")
    if now < clock.as_utc(gathering.registration_opens_at):
        return _l("Registration has not opened yet. Come back when it opens.")
    if now >= clock.as_utc(gathering.registration_closes_at):
        return _l("Registration has closed.")
    if not 1 <= party_size <= gathering.max_party_size:
        return _l("Register between 1 and %(n)s people.", n=gathering.max_party_size)
    if gathering.admission == "first_come" and party_size > seats_left:
        if seats_left <= 0:
            return _l("All seats are taken.")
        return _l("Only %(n)s seats are left: register fewer people.", n=seats_left)
    return None


def seats_left(capacity: int, confirmed_party_sizes: Iterable[int]) -> int:
    return max(0, capacity - sum(confirmed_party_sizes))


@dataclass(frozen=True)
class Entry:
    """One registration in a draw: its number (public, printed on the receipt) and party."""

    number: str
    party_size: int = 1


@dataclass(frozen=True)
class DrawResult:
    order: list[str]  # every entry's number, by ticket: the order places were offered in
    winners: list[str]  # the numbers given places, in that order
    seats_given: int

    @property
    def losers(self) -> list[str]:
        won = set(self.winners)
        return [number for number in self.order if number not in won]


def new_seed() -> str:
    return secrets.token_hex(SEED_BYTES)


def ticket(seed: str, number: str) -> str:
    return hashlib.sha256(f"{seed}:{number}".encode()).hexdigest()


def is_oversubscribed(entries: Iterable[Entry], capacity: int) -> bool:
    return sum(entry.party_size for entry in entries) > capacity


def draw(entries: Iterable[Entry], capacity: int, seed: str) -> DrawResult:
    """Rank the entries by ticket and give places in that order (see the module docstring).
    Entries whose numbers repeat count once: one registration, one ticket."""
    unique = {entry.number: entry for entry in entries}
    order = sorted(unique, key=lambda number: (ticket(seed, number), number))
    winners, seats = [], capacity
    for number in order:
        party = unique[number].party_size
        if party <= seats:
            winners.append(number)
            seats -= party
    return DrawResult(order=order, winners=winners, seats_given=capacity - seats)
