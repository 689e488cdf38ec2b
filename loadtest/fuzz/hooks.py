"""Schemathesis hooks for fuzzing Herald's provider endpoints past their signatures.

A fuzzer cannot forge a provider signature, so without these hooks every
receipt would be refused at the door and the parsers behind it never reached.
Before each call to a receipt or inbound endpoint the body is serialized here,
once, and signed with the sandbox's own secrets (read from the data directory
of the Herald under test, HERALD_FUZZ_SECRETS), exactly as the provider would:
malformed but correctly signed bodies then reach the adapters' parsers.
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import urllib.parse

import schemathesis
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

with open(os.environ["HERALD_FUZZ_SECRETS"], encoding="utf-8") as handle:
    SECRETS = json.load(handle)
PUBLIC_URL = os.environ["HERALD_FUZZ_PUBLIC_URL"].rstrip("/")
SENDGRID_KEY = ec.derive_private_key(
    int.from_bytes(base64.b64decode(SECRETS["sendgrid_signing_key"]), "big"), ec.SECP256R1())


def absent(body):
    """Schemathesis's marker for a request sent without any body."""
    return type(body).__name__ == "NotSet"


def form_bytes(body):
    """The bytes Schemathesis would send for a form body, made here so they can be signed."""
    if body is None or absent(body):
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, dict):
        pairs = []
        for key, value in body.items():
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    pairs.append((str(key), item if isinstance(item, str) else json.dumps(item)))
        return urllib.parse.urlencode(pairs).encode("utf-8")
    return json.dumps(body).encode("utf-8")


def twilio_signature(url, raw):
    """X-Twilio-Signature: HMAC-SHA1 over the URL and the form's parameters sorted by name."""
    pairs = urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
    payload = url + "".join(key + value for key, value in sorted(pairs, key=lambda pair: pair[0].encode()))
    digest = hmac.new(SECRETS["twilio_auth_token"].encode(), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    path = case.operation.path
    headers = dict(case.headers or {})
    query = dict(case.query or {})
    if path in ("/v1/receipts/twilio", "/v1/inbound/twilio"):
        raw = form_bytes(case.body)
        if not absent(case.body):
            case.body = raw
        headers["X-Twilio-Signature"] = twilio_signature(PUBLIC_URL + path, raw)
    elif path in ("/v1/receipts/aliyun", "/v1/inbound/aliyun"):
        query["token"] = SECRETS["aliyun_receipt_token"]
    elif path == "/v1/receipts/sendgrid":
        if absent(case.body):
            raw = b""
        else:
            raw = case.body if isinstance(case.body, bytes) else json.dumps(case.body).encode("utf-8")
            case.body = raw
        stamp = str(int(time.time()))
        signature = SENDGRID_KEY.sign(stamp.encode() + raw, ec.ECDSA(hashes.SHA256()))
        headers["X-Twilio-Email-Event-Webhook-Signature"] = base64.b64encode(signature).decode()
        headers["X-Twilio-Email-Event-Webhook-Timestamp"] = stamp
    elif path == "/v1/receipts/wechat":
        stamp, nonce = str(int(time.time())), secrets.token_hex(4)
        parts = sorted([SECRETS["wechat_server_token"], stamp, nonce])
        query.update(timestamp=stamp, nonce=nonce, signature=hashlib.sha1("".join(parts).encode()).hexdigest())
    else:
        return
    case.headers = headers
    case.query = query
