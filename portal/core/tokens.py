"""Signed, expiring tokens for links sent by e-mail (confirm an address, choose a password).

itsdangerous signs with the app's secret; the signer here reads the portal's one clock (tests
freeze it) instead of the wall clock, so expiry is judged as every other time limit is.
"""

from __future__ import annotations

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
