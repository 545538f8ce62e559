"""Throttling of guessed secrets: passwords at the logins, codes at the public lookups.

The rule, the same for every kind of attempt; the numbers are settings named after the kind
(LOGIN_..., LOOKUP_...), defaults in portal/config.py:

- The *key* is what is guessed at: an account's canonical e-mail address (portal/core/
  identity.py) or a lookup's normalised number. It is counted whether or not such an account or
  number exists, so that neither the answers nor their timing tell which exist.
- The *client* is the address the request comes from (the forwarded one behind TRUSTED_PROXIES,
  as for Flask-Limiter); an IPv6 address counts by its /64 network, which one household or host
  usually holds whole.

1. Per key and client: after <KIND>_MAX_FAILURES failed attempts within <KIND>_LOCK_MINUTES,
   this client's attempts on this key are refused, right password or not, until that window
   ends. A success clears the count.
2. Per client: after <KIND>_CLIENT_MAX_FAILURES failures within the window, on any keys, every
   attempt of this kind from this client is refused until the window ends (one client trying
   many accounts or numbers).
3. Per key, from all clients: after <KIND>_SLOW_AFTER failures within the window the key is
   under attack and is slowed, never closed: each client may then try it once every
   <KIND>_SLOW_SECONDS, on top of rules 1 and 2.

So failures only ever stop the client that made them: a stranger cannot lock the owner out,
who from their own client can always get in (at worst once every SLOW_SECONDS while others
hammer the account). Slowing refuses early attempts instead of delaying the answer, because a
response held back holds a worker, and a crowd of such requests would shut the portal for all.

Every attempt is counted before it is checked (atomic increments) and given back when it
succeeds, so parallel requests cannot slip past a limit, and a busy office behind one address is
not counted for its colleagues' good logins. A refused attempt is not checked at all (no hashing:
the same for known and unknown keys). The counts live in the rate-limit store (Redis, or the SQL
table of portal/core/ratelimit_store.py), which every worker and host shares, which expires them
by itself, and which is written whatever becomes of the request's own transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time
import unicodedata
from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage, Storage, storage_from_string

from portal.extensions import limiter

log = logging.getLogger(__name__)

LOG_VALUE_LIMIT = 120


class Throttled(Exception):
    """Refused without checking; `minutes` until this client may try again (at least 1)."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.minutes = max(1, math.ceil(seconds / 60))


@dataclass(frozen=True)
class Policy:
    max_failures: int
    client_max_failures: int
    slow_after: int
    window: int  # seconds
    slow_seconds: int

    @classmethod
    def of(cls, kind: str) -> Policy:
        config = current_app.config
        return cls(
            max_failures=config[f"{kind}_MAX_FAILURES"],
            client_max_failures=config[f"{kind}_CLIENT_MAX_FAILURES"],
            slow_after=config[f"{kind}_SLOW_AFTER"],
            window=config[f"{kind}_LOCK_MINUTES"] * 60,
            slow_seconds=config[f"{kind}_SLOW_SECONDS"],
        )


class Attempt:
    """One counted attempt at `key` by this client. `begin` refuses (Throttled) or counts it;
    then call `succeeded()` or `failed()` exactly once."""

    def __init__(self, kind: str, scope: str, key: str):
        self.policy = Policy.of(kind)
        self.store = _store()
        self.client = client_address()
        digest = f"{_digest(key)}.{self.store.get(_epoch_counter(scope, key))}"
        self._pair = f"throttle/{scope}/{digest}/{self.client}"
        self._client = f"throttle/{kind}/client/{self.client}"
        self._key = f"throttle/{scope}/{digest}"
        self._pace = f"throttle/{scope}/pace/{digest}/{self.client}"

    @classmethod
    def begin(cls, kind: str, scope: str, key: str) -> Attempt:
        attempt = cls(kind, scope, key)
        attempt._admit()
        return attempt

    def _admit(self) -> None:
        policy, store = self.policy, self.store
        for counter, limit in (
            (self._client, policy.client_max_failures),
            (self._pair, policy.max_failures),
        ):
            if store.get(counter) >= limit:
                raise Throttled(self._remaining(counter))
        if store.get(self._key) >= policy.slow_after:
            if store.incr(self._pace, policy.slow_seconds) > 1:
                raise Throttled(self._remaining(self._pace))
        pair = store.incr(self._pair, policy.window)
        per_client = store.incr(self._client, policy.window)
        store.incr(self._key, policy.window)
        self._failures = pair
        if pair > policy.max_failures:  # parallel attempts got here first
            raise Throttled(self._remaining(self._pair))
        if per_client > policy.client_max_failures:
            raise Throttled(self._remaining(self._client))

    def succeeded(self) -> None:
        """Give the attempt back: the owner's own failures are forgotten."""
        self.store.clear(self._pair)
        self.store.incr(self._client, self.policy.window, amount=-1)
        self.store.incr(self._key, self.policy.window, amount=-1)

    def failed(self) -> bool:
        """The failure stays counted. True when it was the one that made rule 1 refuse this
        client from now on (the moment to record a lock)."""
        return self._failures == self.policy.max_failures

    def _remaining(self, counter: str) -> float:
        return self.store.get_expiry(counter) - time.time()


EPOCH_SECONDS = 7 * 24 * 3600  # longer than any window, so a forgiven count never comes back


def _epoch_counter(scope: str, key: str) -> str:
    return f"throttle/{scope}/epoch/{_digest(key)}"


def forgive(scope: str, key: str) -> None:
    """Start every count about `key` afresh, from every client: the owner proved who they are
    another way (a password reset by e-mail, or by an administrator). The counts are not
    found and deleted (they are per client); the key simply moves to a new generation."""
    _store().incr(_epoch_counter(scope, key), EPOCH_SECONDS)


def first_in(name: str, seconds: int) -> bool:
    """True for the first call with `name` within `seconds` (shared by every worker): for what
    must happen at most once in a while, such as a notice e-mail."""
    return _store().incr(f"throttle/once/{_digest(name)}", seconds) == 1


def count(name: str, key: str, seconds: int) -> int:
    """Count one more `name` for `key` and return how many there were within `seconds` of the
    first (shared by every worker): for what one key may have only so often, such as one-time
    codes sent to a petition's phone."""
    return _store().incr(f"throttle/count/{name}/{_digest(key)}", seconds)


def client_address() -> str:
    """The client as counted: the remote address, an IPv6 one by its /64 network ("local"
    outside a request: the command line, a shell)."""
    if not has_request_context():
        return "local"
    raw = get_remote_address() or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return loggable(raw, 64)
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def loggable(value: object, limit: int = LOG_VALUE_LIMIT) -> str:
    """`value` fit for one log line: control, format and separator characters (newlines, NUL,
    ANSI escapes, direction overrides) written as escapes, backslashes doubled, and cut to
    `limit` characters with a note of how many were left out."""
    text = str(value)
    cut = len(text) - limit
    text = text[:limit]
    escaped = "".join(
        "\\\\"
        if c == "\\"
        else _escape(c)
        if unicodedata.category(c)[0] in "CZ" and c != " "
        else c
        for c in text
    )
    return escaped + (f"…(+{cut})" if cut > 0 else "")


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def _digest(key: str) -> str:
    """Keys are stored hashed (with the app's secret): bounded, and no e-mail addresses or
    numbers in the store."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, key.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


def _store() -> Storage | FailSafeStore:
    """Flask-Limiter's store (its own copy of it when rate limits are switched off: throttling
    is not, it guards the passwords); with Redis, through FailSafeStore."""
    extensions = current_app.extensions
    if limiter.enabled and limiter.initialized:
        store = limiter.storage
    else:
        if "portal_throttle_store" not in extensions:
            config = current_app.config
            extensions["portal_throttle_store"] = storage_from_string(
                config["RATELIMIT_STORAGE_URI"], **config.get("RATELIMIT_STORAGE_OPTIONS", {})
            )
        store = extensions["portal_throttle_store"]
    if not current_app.config.get("REDIS_URL"):
        return store
    # One wrapper per store, kept so that its fallback counts last (the limiter's store is
    # replaced when the limiter is set up again: a new wrapper then).
    wrapped = extensions.get("portal_throttle_failsafe")
    if wrapped is None or wrapped.shared is not store:
        wrapped = extensions["portal_throttle_failsafe"] = FailSafeStore(store)
    return wrapped


class FailSafeStore:
    """The shared store while it answers; while it does not (Redis down), counts kept by this
    worker alone, so that guessing is still stopped (each worker counting for itself) and
    nobody is refused for the outage. The shared store is tried again every RETRY_SECONDS.

    Only in front of Redis: the SQL store lives in the portal's own database, and when that
    fails, the request fails with it anyway (core/errors.py shows its page)."""

    RETRY_SECONDS = 30

    def __init__(self, shared: Storage):
        self.shared = shared
        self.own = MemoryStorage()
        self.down_until = 0.0

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            if time.monotonic() >= self.down_until:
                try:
                    return getattr(self.shared, name)(*args, **kwargs)
                except self.shared.base_exceptions as error:
                    log.warning(
                        "Rate-limit store unreachable (%s): counting in this worker for %s s.",
                        type(error).__name__,
                        self.RETRY_SECONDS,
                    )
                    self.down_until = time.monotonic() + self.RETRY_SECONDS
            return getattr(self.own, name)(*args, **kwargs)

        return call
