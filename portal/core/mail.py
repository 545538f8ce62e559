"""E-mail through the outbox (core/outbox.py).

A message is written to the outbox in the same transaction as the change it reports, so a
reply is never sent for a change that rolled back, and never lost for one that committed.
`deliver_pending()` (CLI: `flask --app portal send-mail`, run from cron or a timer) sends them over
SMTP; the outbox claims each message for one sender, retries failures with a growing wait for
MAIL_RETRY_HOURS, and then gives the message up where an administrator sees it and can retry it.
"""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage

from flask import current_app

from portal.core import outbox
from portal.core.outbox import ChannelName, DeliveryReport, OutboxMessage

__all__ = ["EMAIL", "OutboxMessage", "deliver_pending", "enqueue"]

SMTP_TIMEOUT_SECONDS = 10  # per reply from the server; outbox.CLAIM_LEASE is far longer


def enqueue(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue an e-mail in the caller's transaction."""
    return outbox.add(ChannelName.EMAIL, recipient, subject, body)


def deliver_pending(limit: int = 100) -> DeliveryReport:
    """Send the e-mails that are due (see outbox.deliver); NotConfigured without MAIL_SERVER."""
    return outbox.deliver(EMAIL, limit)


def _send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _describe(error: Exception) -> str:
    """The server's answer ("451 4.3.0 try again later"), or what failed on the way to it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(_reply(code, text) for code, text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    return f"{type(error).__name__}: {error}"


def _is_permanent(error: Exception) -> bool:
    """The server refused for good (a 5xx reply, RFC 5321 4.2.1: "do not repeat the exact
    request"), for every recipient; 4xx and lost connections are worth trying again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


# Replies to RCPT TO that say the mailbox itself does not exist (RFC 5321 4.2.2: 550 mailbox
# unavailable, 551 user not local, 553 mailbox name not allowed), when the enhanced status code,
# if the server sends one, is an addressing one (RFC 3463 5.1.x: bad mailbox, bad domain ...).
# A 550 5.7.1 "relaying denied" is our server's problem, not the address's.
MAILBOX_MISSING_CODES = frozenset({550, 551, 553})
ENHANCED_STATUS = re.compile(r"^\s*([245])\.(\d{1,3})\.\d{1,3}\b")


def _mailbox_missing(code: int, text: bytes | str) -> bool:
    if code not in MAILBOX_MISSING_CODES:
        return False
    text = text.decode(errors="replace") if isinstance(text, bytes) else text
    enhanced = ENHANCED_STATUS.match(text)
    return enhanced is None or enhanced.group(2) == "1"


def _refuses_recipient(error: Exception) -> bool:
    """The server said the address does not exist (see MAILBOX_MISSING_CODES), not that it
    failed for any other reason: the petitioner's e-mail address is wrong."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return False
    return all(_mailbox_missing(code, text) for code, text in error.recipients.values())


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def _retry_policy() -> outbox.RetryPolicy:
    return outbox.RetryPolicy.from_config(current_app.config, "MAIL")


def _missing_setting() -> str | None:
    if not current_app.config["MAIL_SERVER"]:
        return "MAIL_SERVER is not set: no e-mail can be sent, messages stay in the outbox."
    return None


EMAIL = outbox.Channel(
    name=ChannelName.EMAIL,
    send=_send_smtp,
    describe=_describe,
    policy=_retry_policy,
    missing_setting=_missing_setting,
    is_permanent=_is_permanent,
    refuses_recipient=_refuses_recipient,
)
