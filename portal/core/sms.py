"""SMS through the outbox (core/outbox.py), to an HTTP SMS gateway of the shape the common
Chinese providers share (Aliyun, Tencent Cloud and the gateways of the carriers): a message is
not free text but an approved *template* (its id) filled with named *parameters*, sent under an
approved *sign name* (【示例市人民检察院】), in a request signed with an access key.

The request (`build_request`): POST SMS_GATEWAY_URL with the JSON body
    {"PhoneNumber": "13800000001", "SignName": ..., "TemplateCode": "SMS_123",
     "TemplateParam": {"number": "XF2026-000001", ...}, "OutId": "<outbox id>"}
and the headers X-Sms-Access-Key-Id, X-Sms-Timestamp (UTC, ISO 8601), X-Sms-Nonce and
    Authorization: HMAC-SHA256 Credential=<key id>, SignedHeaders=<names>, Signature=<hex>
where the signature is HMAC-SHA256, keyed with the access key secret, over the string to sign
    "HMAC-SHA256\n<timestamp>\n<SHA-256 hex of the canonical request>"
and the canonical request is, one per line: the method, the path, the query string, each signed
header as "name:value" (lower-case names, sorted), an empty line, the signed header names
joined by ";", and the SHA-256 hex of the body (as Tencent Cloud's TC3 and Aliyun's V3
signatures build theirs). The timestamp and nonce let the gateway refuse replays.

The answer is JSON: {"Code": "OK", "Message": ..., "BizId": "<the gateway's message id>"} for
an accepted message; any other code is a refusal ("isv.BUSINESS_LIMIT_CONTROL", "isv.MOBILE_
NUMBER_ILLEGAL"...). Refusals, HTTP errors and timeouts are all retried by the outbox, as for
e-mail, until SMS_RETRY_HOURS; the BizId and code are kept on the row as its delivery status.

Which template a message uses is chosen by its kind (OutboxMessage.template, e.g. "received")
in SMS_TEMPLATES, read when it is sent, so a template approved later serves messages already
waiting. A kind may have a template per language ("received.en"), falling back to the kind's.
Mobile numbers are personal data: only masked in what is logged or shown.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask import current_app

from portal.core import clock, outbox
from portal.core.outbox import ChannelName, DeliveryReport, OutboxMessage

__all__ = ["SMS", "SmsRefused", "build_request", "deliver_pending", "enqueue"]

log = logging.getLogger(__name__)

ALGORITHM = "HMAC-SHA256"
SIGNED_HEADERS = ("content-type", "host", "x-sms-nonce", "x-sms-timestamp")
CONTENT_TYPE = "application/json; charset=utf-8"
ACCEPTED_CODE = "OK"


class SmsRefused(RuntimeError):
    """The gateway answered but did not take the message: its code and message."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code


class NoTemplate(RuntimeError):
    """No template id is configured for this kind of message."""


def enqueue(
    mobile: str, kind: str, parameters: dict[str, str], text: str, *, language: str | None = None
) -> OutboxMessage:
    """Queue an SMS in the caller's transaction. `kind` picks the template (with `language`,
    e.g. "en", when the petitioner's is not the default); `text` is what the template says with
    these parameters, in the petitioner's language, kept for the record and the outbox page."""
    template = f"{kind}.{language}" if language else kind
    return outbox.add(ChannelName.SMS, mobile, kind, text, template=template, parameters=parameters)


def deliver_pending(limit: int = 100) -> DeliveryReport:
    """Send the SMS that are due (see outbox.deliver); NotConfigured without the gateway."""
    return outbox.deliver(SMS, limit)


def template_id(template: str) -> str:
    """The gateway's id for a message kind ("received.en", else "received"); NoTemplate."""
    templates = current_app.config["SMS_TEMPLATES"]
    kind = template.split(".", 1)[0]
    found = templates.get(template) or templates.get(kind)
    if not found:
        raise NoTemplate(f"no template for {template!r}: add {kind}=<template id> to SMS_TEMPLATES")
    return found


def build_request(message: OutboxMessage, *, timestamp: str, nonce: str) -> urllib.request.Request:
    """The signed request that hands `message` to the gateway (see the module docstring)."""
    config = current_app.config
    body = json.dumps(
        {
            "PhoneNumber": message.recipient,
            "SignName": config["SMS_SIGN_NAME"],
            "TemplateCode": template_id(message.template),
            "TemplateParam": json.loads(message.parameters or "{}"),
            "OutId": str(message.id),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    url = urlsplit(config["SMS_GATEWAY_URL"])
    headers = {
        "content-type": CONTENT_TYPE,
        "host": url.netloc,
        "x-sms-nonce": nonce,
        "x-sms-timestamp": timestamp,
    }
    canonical = "\n".join(
        [
            "POST",
            url.path or "/",
            url.query,
            *(f"{name}:{headers[name]}" for name in SIGNED_HEADERS),
            "",
            ";".join(SIGNED_HEADERS),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    to_sign = f"{ALGORITHM}\n{timestamp}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(
        config["SMS_ACCESS_KEY_SECRET"].encode(), to_sign.encode(), hashlib.sha256
    ).hexdigest()
    # An http(s) address: config.validate refuses any other scheme.
    request = urllib.request.Request(config["SMS_GATEWAY_URL"], data=body, method="POST")  # noqa: S310
    for name, value in headers.items():
        if name != "host":  # urllib sets Host from the URL itself
            request.add_header(name, value)
    request.add_header("X-Sms-Access-Key-Id", config["SMS_ACCESS_KEY_ID"])
    request.add_header(
        "Authorization",
        f"{ALGORITHM} Credential={config['SMS_ACCESS_KEY_ID']}, "
        f"SignedHeaders={';'.join(SIGNED_HEADERS)}, Signature={signature}",
    )
    return request


def _send(message: OutboxMessage) -> str:
    request = build_request(
        message,
        timestamp=clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        nonce=secrets.token_hex(16),
    )
    try:
        with urllib.request.urlopen(  # noqa: S310  (http(s) only, see build_request)
            request, timeout=current_app.config["SMS_TIMEOUT_SECONDS"]
        ) as response:
            answer = _json(response.read())
    except urllib.error.HTTPError as error:
        answer = _json(error.read())
        raise SmsRefused(
            str(answer.get("Code") or f"HTTP {error.code}"), str(answer.get("Message") or "")
        ) from None
    code = str(answer.get("Code") or "")
    if code != ACCEPTED_CODE:
        raise SmsRefused(code or "no code", str(answer.get("Message") or ""))
    receipt = f"{code} {answer.get('BizId') or ''}".strip()
    log.info(
        "SMS %s to %s accepted by the gateway: %s",
        message.id,
        outbox.masked_recipient(message.recipient),
        receipt,
    )
    return receipt


def _json(raw: bytes) -> dict:
    try:
        answer = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _describe(error: Exception) -> str:
    """The gateway's code and message ("isv.BUSINESS_LIMIT_CONTROL: 触发流控"), or what failed
    on the way to it (timeout, refused connection)."""
    if isinstance(error, SmsRefused | NoTemplate):
        return str(error)
    if isinstance(error, urllib.error.URLError):
        return f"{type(error).__name__}: {error.reason}"
    return f"{type(error).__name__}: {error}"


def _retry_policy() -> outbox.RetryPolicy:
    return outbox.RetryPolicy.from_config(current_app.config, "SMS")


def _missing_setting() -> str | None:
    config = current_app.config
    for name in ("SMS_GATEWAY_URL", "SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME"):
        if not config[name]:
            return f"{name} is not set: no SMS can be sent, messages stay in the outbox."
    return None


SMS = outbox.Channel(
    name=ChannelName.SMS,
    send=_send,
    describe=_describe,
    policy=_retry_policy,
    missing_setting=_missing_setting,
)
