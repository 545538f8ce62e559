"""Signed, expiring tokens for links sent by e-mail (confirm an address, choose a password).

itsdangerous signs with the app's secret; the signer here reads the portal's one clock (tests
freeze it) instead of the wall clock, so expiry is judged as every other time limit is.
"""

from __future__ import annotations

import hashlib
import json

from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from portal.core import clock


class ClockSigner(TimestampSigner):
    """Signs and checks ages with the portal's one clock (tests freeze it), not the wall clock."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def serializer(salt: str) -> URLSafeTimedSerializer:
    """Tokens of one purpose (`salt`): a token made for one purpose opens nothing else."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=ClockSigner)


def content_digest(content) -> str:
    """A fingerprint of what a preview showed (any JSON-able value): the confirming request
    recomputes it from what it is about to send or publish, and goes ahead only if it matches,
    so that a confirmation is bound to exactly the previewed content. Not secret: the server
    never trusts the content posted back, only compares what it would do now."""
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()
