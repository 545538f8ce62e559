"""Query codes people type from paper: generation, display, normalising and verification.

Codes use an alphabet without look-alike characters (no 0/O, 1/I/L or U/V), are shown in groups
of four and typed back in any case, with or without dashes and spaces. They are stored only as
argon2 hashes: a copy of the database alone gives no code back.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 12  # 29**12 ≈ 2**58.3, above the 50 bits required

# Slow on purpose (about 20–40 ms a hash); the lookups are also locked and rate-limited.
hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verified against when there is nothing real to verify, so that "no such record" costs the
# same time as "wrong code".
DUMMY_HASH = hasher.hash("unused")


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


def format_code(code: str) -> str:
    """Groups of four for display and print: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(typed: str) -> str:
    """What the person typed, as the code was issued: upper case, letters and digits only."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def code_matches(code_hash: str, code: str, code_hasher: PasswordHasher | None = None) -> bool:
    """True when `code` is the one hashed; False (never an exception) for any mismatch."""
    try:
        return (code_hasher or hasher).verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False
