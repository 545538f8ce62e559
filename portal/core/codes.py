"""Query codes people type from paper: generation, display, normalising and verification.

Codes use an alphabet without look-alike characters (no 0/O, 1/I/L or U/V), are shown in groups
of four and typed back in any case, with or without dashes and spaces.

They are stored as an HMAC-SHA256 under CODE_HASH_KEY, a key kept in the configuration and never
in the database, so a copy of the database alone can neither give a code back nor confirm a
guess. A slow hash adds nothing here: a code is a 58-bit random secret, not a password a person
chose, and every lookup is locked and rate-limited. A stored hash names the key that made it
("hmac-sha256$<key id>$<hex>"), so the key can be rotated: the old one moves to
CODE_HASH_OLD_KEYS and each hash it made is replaced by one under the new key at its owner's
next successful lookup. Hashes from before (argon2, "$argon2id$...") are verified the same way
once and replaced too.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from portal.core import audit
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 12  # 29**12 ≈ 2**58.3, above the 50 bits required

SCHEME = "hmac-sha256"
# The prefix of every hash this module writes now; anything else is a legacy hash (the partial
# indexes of migration 0017 keep the rows with one easy to find).
CURRENT_PREFIX = SCHEME + "$"
KEY_ID_LENGTH = 8
# The stored form's length: scheme, key id, 64 hex digits and two separators (columns are 255).
HASH_LENGTH = len(CURRENT_PREFIX) + KEY_ID_LENGTH + 1 + 64

# How argon2 hashes from before were verified (their cost is written inside each hash), and one
# to verify against while such hashes remain, so that an unknown number costs what a known one
# with a legacy hash does.
_legacy_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
_LEGACY_DUMMY = _legacy_hasher.hash("unused")
UPGRADED_FROM_ARGON2 = "argon2"
UPGRADED_FROM_OLD_KEY = "old_key"
audit.register_detail_keys(
    [""],
    {
        "code_rehashed": audit.DetailKey(
            _l("Stored code hash replaced"),
            lambda was: {
                UPGRADED_FROM_ARGON2: _l("an argon2 hash, by one under the current key"),
                UPGRADED_FROM_OLD_KEY: _l("a hash under an old key, by one under the current key"),
            }[was],
        )
    },
)
# Whether legacy hashes remain in a column is asked again after this many seconds.
LEGACY_CHECK_SECONDS = 60


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of one verification. `upgraded_hash`, set only on a match with a hash the
    current key did not make, is what the caller stores in its place (in the same transaction
    as the lookup's audit event)."""

    matches: bool
    upgraded_hash: str | None = None
    # What the replaced hash was, for the lookup's audit event: UPGRADED_FROM_ARGON2 or
    # UPGRADED_FROM_OLD_KEY (the detail key "code_rehashed").
    upgraded_from: str | None = None

    @property
    def audit_detail(self) -> dict[str, str]:
        return {"code_rehashed": self.upgraded_from} if self.upgraded_from else {}


def code_from_int(number: int, length: int = CODE_LENGTH) -> str:
    """`length` characters of the alphabet from a (large, random) number."""
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def new_code(length: int = CODE_LENGTH) -> str:
    """A fresh code from the operating system's cryptographic random source."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def derived_code(purpose: str, seed: str, length: int = CODE_LENGTH) -> str:
    """A code derived from `seed` (a one-time random form key, or a number issued once) with the
    app's SECRET_KEY: the same seed gives the same code again (a repeated form shows the same
    receipt; a certificate reprinted carries the same verification code), while the database
    alone, which keeps only `hash_code` of it, cannot give it back. `purpose` keeps the codes of
    different uses apart."""
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        f"{purpose}:{seed}".encode(),
        hashlib.sha256,
    ).digest()
    return code_from_int(int.from_bytes(digest, "big"), length)


def format_code(code: str) -> str:
    """Groups of four for display and print: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(typed: str) -> str:
    """What the person typed, as the code was issued: upper case, letters and digits only."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


# ---- hashing and verification ----------------------------------------------------------------


def hash_code(code: str) -> str:
    """The stored form of `code`, under the current key."""
    current, _ = _configured_keys()
    return _keyed_hash(current, code)


def check_code(code_hash: str | None, code: str, *, legacy_column=None) -> CodeCheck:
    """Whether `code` is the one hashed; never raises for a malformed or foreign hash.

    `code_hash` None stands for "no such record". Every failure costs the same, so that timing
    tells neither whether a number exists nor how its code is stored: one HMAC and a
    constant-time comparison, plus, while `legacy_column` (the column the hash comes from) still
    holds argon2 hashes, one argon2 verification, real or on a dummy.
    """
    current, by_id = _configured_keys()
    found, verified_argon2 = _check(code_hash, code, current, by_id)
    if not found.matches and not verified_argon2 and legacy_column is not None:
        if legacy_hashes_remain(legacy_column):
            _argon2_matches(_LEGACY_DUMMY, code)
    return found


def _check(code_hash, code, current, by_id) -> tuple[CodeCheck, bool]:
    """The check, and whether it verified an argon2 hash on the way."""
    if code_hash is None or code_hash.startswith(CURRENT_PREFIX):
        key_id_stored = code_hash.split("$")[1] if code_hash else ""
        key = by_id.get(key_id_stored)
        # An unknown key id (a key dropped from the settings), like a missing record, is checked
        # against the current key and a hash it cannot match: the same work, "wrong code".
        expected = _keyed_hash(key or current, code)
        stored = code_hash if key is not None else _DUMMY_KEYED_HASH
        if not hmac.compare_digest(expected.encode(), stored.encode()) or key is None:
            return CodeCheck(False), False
        if key == current:
            return CodeCheck(True), False
        return CodeCheck(True, _keyed_hash(current, code), UPGRADED_FROM_OLD_KEY), False
    if _argon2_matches(code_hash, code):
        return CodeCheck(True, _keyed_hash(current, code), UPGRADED_FROM_ARGON2), True
    return CodeCheck(False), True


def legacy_hashes_remain(column) -> bool:
    """Whether any row still holds a hash this module no longer writes (argon2), asked of the
    database at most once every LEGACY_CHECK_SECONDS per process and column. The query runs on
    the partial index of migration 0017, so it costs one index probe however large the table.
    `column` is a model's column attribute (Petition.query_code_hash)."""
    now = time.monotonic()
    cache_key = (str(db.engine.url), str(column))
    checked = _legacy_checked.get(cache_key)
    if checked is not None and now - checked[0] < LEGACY_CHECK_SECONDS:
        return checked[1]
    remain = db.session.scalar(legacy_probe(column)) is not None
    _legacy_checked[cache_key] = (now, remain)
    return remain


def legacy_probe(column) -> sa.Select:
    """The query that finds one row with a legacy hash in `column`, if any."""
    return (
        sa.select(sa.literal_column("1"))
        .select_from(column.table)
        .where(legacy_condition(column.name))
        .limit(1)
    )


def legacy_condition(column_name: str) -> sa.TextClause:
    """The SQL condition "this row's hash is a legacy one", for the partial indexes (migration
    0017) and the query that reads them, in one spelling: SQLite uses a partial index only for
    a query repeating its condition word for word, with no bound values. NULL is not legacy."""
    return sa.text(f"{column_name} NOT LIKE '{CURRENT_PREFIX}%'")


_legacy_checked: dict[tuple[str, str], tuple[float, bool]] = {}


def _keyed_hash(key: bytes, code: str) -> str:
    digest = hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
    return f"{SCHEME}${key_id(key)}${digest}"


@functools.lru_cache(maxsize=16)
def key_id(key: bytes) -> str:
    """A short name for a key, stored with each hash; derived one way, so it reveals nothing."""
    return hmac.new(key, b"code-hash-key-id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


def _configured_keys() -> tuple[bytes, dict[str, bytes]]:
    config = current_app.config
    return _keys(config["CODE_HASH_KEY"], tuple(config["CODE_HASH_OLD_KEYS"]))


@functools.lru_cache(maxsize=4)
def _keys(current: str, old: tuple[str, ...]) -> tuple[bytes, dict[str, bytes]]:
    """The current key, and every key (current and old) by its id."""
    keys = [k.encode() for k in (current, *old)]
    return keys[0], {key_id(k): k for k in reversed(keys)}


def _argon2_matches(code_hash: str, code: str) -> bool:
    try:
        return _legacy_hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


# Compared against for "no such record": the shape of a real hash, matching nothing.
_DUMMY_KEYED_HASH = f"{SCHEME}${'0' * KEY_ID_LENGTH}${'0' * 64}"
