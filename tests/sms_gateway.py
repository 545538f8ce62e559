"""A local SMS gateway of the Aliyun/Tencent shape, for the tests: a real HTTP server in a
thread that checks each request's signature as a provider does (written here from the protocol
in portal/core/sms.py's docstring, not from its code), records what it accepted, and can be told
to refuse ("isv.BUSINESS_LIMIT_CONTROL") or to fail (HTTP 503)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

KEY_ID, KEY_SECRET, SIGN_NAME = "LTAI-test-key", "test-secret-of-the-gateway", "示例市人民检察院"
TEMPLATES = {
    "received": "SMS_1001",
    "accepted": "SMS_1002",
    "transferred": "SMS_1003",
    "not_accepted": "SMS_1004",
    "merged": "SMS_1005",
    "material_requested": "SMS_1006",
    "reply_sent": "SMS_1007",
    "progress_reply_sent": "SMS_1008",
    "objection_received": "SMS_1009",
    "review_result": "SMS_1010",
    "closed": "SMS_1011",
    "recovery_code": "SMS_1012",
    "record_inquiry_received": "SMS_1013",
    "record_inquiry_answered": "SMS_1014",
    "record_inquiry_refused": "SMS_1015",
    "record_certificate_revoked": "SMS_1016",
    "deputy_received": "SMS_1017",
    "deputy_answered": "SMS_1018",
    "deputy_invited": "SMS_1019",
    "openhouse_received": "SMS_1020",
    "openhouse_confirmed": "SMS_1021",
    "openhouse_not_drawn": "SMS_1022",
    "openhouse_withdrawn": "SMS_1023",
    "openhouse_cancelled": "SMS_1024",
    "openhouse_changed": "SMS_1025",
    "openhouse_already_registered": "SMS_1026",
    "visit_cancelled": "SMS_1027",
    "received.en": "SMS_2001",
}


class Gateway:
    def __init__(self):
        self.received: list[dict] = []  # the JSON bodies accepted
        self.bad_signatures = 0
        self.answer: tuple[int, dict] | None = None  # set to refuse or fail

    def texts_to(self, mobile: str) -> list[dict]:
        return [m for m in self.received if m["PhoneNumber"] == mobile]


def expected_signature(method, path, headers, body: bytes, secret: str) -> str:
    names = ["content-type", "host", "x-sms-nonce", "x-sms-timestamp"]
    canonical = "\n".join(
        [method, path, "", *[f"{n}:{headers[n]}" for n in names], "", ";".join(names)]
        + [hashlib.sha256(body).hexdigest()]
    )
    timestamp = headers["x-sms-timestamp"]
    to_sign = "HMAC-SHA256\n" + timestamp + "\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def _handler(gateway: Gateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            authorization = headers.get("authorization", "")
            signature = authorization.rpartition("Signature=")[2]
            wanted = expected_signature("POST", self.path, headers, body, KEY_SECRET)
            if (
                headers.get("x-sms-access-key-id") != KEY_ID
                or f"Credential={KEY_ID}," not in authorization
                or not hmac.compare_digest(signature, wanted)
            ):
                gateway.bad_signatures += 1
                return self._answer(403, {"Code": "SignatureDoesNotMatch", "Message": "bad"})
            if gateway.answer is not None:
                return self._answer(*gateway.answer)
            gateway.received.append(json.loads(body))
            self._answer(
                200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{len(gateway.received)}"}
            )

        def _answer(self, status: int, payload: dict):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # keep the test output quiet
            pass

    return Handler


@contextmanager
def running_gateway():
    """A gateway listening on a free port: (the Gateway, the settings that point the portal at
    it, as SMS_* config values)."""
    gateway = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = {
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{server.server_address[1]}/sms/send",
        "SMS_ACCESS_KEY_ID": KEY_ID,
        "SMS_ACCESS_KEY_SECRET": KEY_SECRET,
        "SMS_SIGN_NAME": SIGN_NAME,
        "SMS_TEMPLATES": TEMPLATES,
    }
    try:
        yield gateway, settings
    finally:
        server.shutdown()
        server.server_close()


def as_environment(settings: dict) -> dict[str, str]:
    """The same settings as an operator writes them in the environment (portal/config.py)."""
    templates = ",".join(f"{kind}={code}" for kind, code in settings["SMS_TEMPLATES"].items())
    return {**settings, "SMS_TEMPLATES": templates}


@pytest.fixture
def sms_gateway(app):
    saved = {k: app.config[k] for k in app.config if k.startswith("SMS_")}
    with running_gateway() as (gateway, settings):
        app.config.update(settings)
        yield gateway
    app.config.update(saved)
