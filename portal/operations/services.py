"""Administrators' actions on the outbox, in the caller's transaction. Retrying one message is
core/outbox.py's `retry` (the state machine's transition, audited with who retried)."""

from __future__ import annotations

from portal.core import outbox
from portal.operations import queries


def retry_all_dead(actor) -> int:
    """Queue every given-up message again, one audit event each; returns how many."""
    messages = queries.dead_messages()
    for message in messages:
        outbox.retry(message, actor)
    return len(messages)
