#!/usr/bin/env python3
"""Makes the test vectors in this directory without any of Herald's code.

    python3 -m venv .build/vectors-venv
    .build/vectors-venv/bin/pip install cryptography
    .build/vectors-venv/bin/python Tests/HeraldCoreTests/Fixtures/make-vectors.py

It writes, next to itself:

- recipient-vectors.json: `to_encryption` ids (AES-256-GCM, AES-256-CBC,
  AES-128-CBC) encrypted with Python's `cryptography`, the CBC ones checked
  against the `openssl enc` command line when it is on PATH, and ciphertexts
  Herald must refuse (tampered tag, truncated tag, bad padding, wrong key...).
- webhook-signature-vectors.json: `Herald-Signature` headers computed with
  Python's `hmac` and `hashlib` over fixture bodies.
- sendgrid-event-vectors.json: SendGrid Event Webhook bodies signed with
  ECDSA P-256 / SHA-256 (`cryptography`), signature base64 DER over
  timestamp + body, and the base64 DER public key SendGrid's settings show.
  The private key is generated here and thrown away.

Keys, nonces and signatures are random, so running it again changes every
fixture (the Swift tests read them at test time and need no Python). Commit
the script and the JSON files together.
"""
import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = Path(__file__).resolve().parent
GENERATOR = "Tests/HeraldCoreTests/Fixtures/make-vectors.py"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def write(name: str, document: dict) -> None:
    (HERE / name).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("wrote", HERE / name)


# --- to_encryption --------------------------------------------------------

def gcm(key: bytes, clear: bytes) -> bytes:
    """nonce (12) ‖ ciphertext ‖ tag (16), the layout the README documents."""
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, clear, None)


def cbc_raw(key: bytes, iv: bytes, data: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def cbc(key: bytes, clear: bytes) -> bytes:
    """IV (16) ‖ PKCS#7-padded ciphertext."""
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    sealed = cbc_raw(key, iv, padder.update(clear) + padder.finalize())
    openssl = shutil.which("openssl")
    if openssl:  # a second, independent encryptor must agree byte for byte
        cipher = "aes-128-cbc" if len(key) == 16 else "aes-256-cbc"
        out = subprocess.run([openssl, "enc", "-" + cipher, "-K", key.hex(), "-iv", iv.hex()],
                             input=clear, capture_output=True, check=True).stdout
        assert out == sealed, "openssl enc and cryptography disagree"
    return iv + sealed


def recipient_vectors() -> dict:
    keys = {"k256": os.urandom(32), "k128": os.urandom(16), "old256": os.urandom(32)}
    accepted = []

    def accept(name, mode, key_id, clear, sealed, encoding=b64):
        accepted.append({"name": name, "mode": mode, "key_id": key_id, "recipient": clear,
                         "ciphertext": encoding(sealed)})

    accept("GCM, default key, phone number", "aes-256-gcm", None, "+8613800138000",
           gcm(keys["k256"], "+8613800138000".encode()))
    accept("GCM under the documented name `aes`", "aes", "k256", "+14155550100",
           gcm(keys["k256"], "+14155550100".encode()))
    accept("GCM, rotated-out key id, base64url without padding", "aes-256-gcm", "old256", "li.wei@example.com",
           gcm(keys["old256"], "li.wei@example.com".encode()), encoding=b64url)
    accept("GCM, non-ASCII address", "aes-256-gcm", "k256", "用户@例子.广告",
           gcm(keys["k256"], "用户@例子.广告".encode()))
    token = os.urandom(32).hex()
    accept("GCM, 64-character push token", "aes-256-gcm", "k256", token, gcm(keys["k256"], token.encode()))
    accept("AES-256-CBC, phone number", "aes-256-cbc", "k256", "+447700900123",
           cbc(keys["k256"], "+447700900123".encode()))
    accept("AES-256-CBC, 16-byte recipient (a whole block of padding)", "aes-256-cbc", "old256", "ab12cd34@exa.com",
           cbc(keys["old256"], "ab12cd34@exa.com".encode()))
    accept("AES-128-CBC, phone number", "aes-128-cbc", "k128", "+8613800138001",
           cbc(keys["k128"], "+8613800138001".encode()))
    accept("AES-128-CBC, email address, base64url", "aes-128-cbc", "k128", "zhang.san@example.cn",
           cbc(keys["k128"], "zhang.san@example.cn".encode()), encoding=b64url)
    accept("AES-128-CBC, 64-character push token", "aes-128-cbc", "k128", token, cbc(keys["k128"], token.encode()))

    refused = []

    def refuse(name, mode, key_id, sealed, failure):
        refused.append({"name": name, "mode": mode, "key_id": key_id, "ciphertext": b64(sealed), "failure": failure})

    good = gcm(keys["k256"], b"+8613800138002")
    refuse("GCM, last tag byte flipped", "aes-256-gcm", "k256", good[:-1] + bytes([good[-1] ^ 1]), "authentication")
    refuse("GCM, tag cut by one byte", "aes-256-gcm", "k256", good[:-1], "authentication")
    refuse("GCM, tag missing entirely", "aes-256-gcm", "k256", good[:-16], "malformed")
    refuse("GCM, one ciphertext byte flipped", "aes-256-gcm", "k256",
           good[:12] + bytes([good[12] ^ 0x80]) + good[13:], "authentication")
    refuse("GCM, nonce byte flipped", "aes-256-gcm", "k256", bytes([good[0] ^ 1]) + good[1:], "authentication")
    refuse("GCM, sealed under another key", "aes-256-gcm", "k256", gcm(keys["old256"], b"+8613800138003"),
           "authentication")
    refuse("GCM, empty recipient (nonce and tag only)", "aes-256-gcm", "k256", gcm(keys["k256"], b""), "malformed")
    refuse("GCM, key id nobody configured", "aes-256-gcm", "k999", gcm(keys["k256"], b"+8613800138004"),
           "unknown_key")
    iv = os.urandom(16)
    refuse("AES-256-CBC, unpadded block (last byte 'm' is no PKCS#7 padding)", "aes-256-cbc", "k256",
           iv + cbc_raw(keys["k256"], iv, b"ab12cd34@exa.com"), "authentication")
    iv = os.urandom(16)
    refuse("AES-256-CBC, inconsistent padding (..., 0x03, 0x02)", "aes-256-cbc", "k256",
           iv + cbc_raw(keys["k256"], iv, b"+4477009001\x02\x03\x03\x03\x02"), "authentication")
    sealed = cbc(keys["k128"], b"+8613800138005")
    refuse("AES-128-CBC, ciphertext cut by one byte", "aes-128-cbc", "k128", sealed[:-1], "malformed")
    refuse("AES-128-CBC, IV only", "aes-128-cbc", "k128", sealed[:16], "malformed")
    refuse("AES-128-CBC named with a 32-byte key", "aes-128-cbc", "k256", sealed, "wrong_key_size")
    refuse("AES-256-CBC named with a 16-byte key", "aes-256-cbc", "k128", cbc(keys["k256"], b"+8613800138006"),
           "wrong_key_size")

    return {
        "generator": GENERATOR,
        "layout": "aes-256-gcm: base64(nonce 12 ‖ ciphertext ‖ tag 16); aes-*-cbc: base64(IV 16 ‖ PKCS#7 ciphertext)",
        "keyring": ",".join(f"{key_id}:{b64(key)}" for key_id, key in keys.items()),
        "accepted": accepted,
        "refused": refused,
    }


# --- Herald-Signature -----------------------------------------------------

def herald_signature(secret: str, timestamp: int, body: bytes) -> str:
    """t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, as the README documents."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def webhook_vectors() -> dict:
    bodies = [
        ("a delivery event", "whsec_" + os.urandom(24).hex(), 1_790_000_000,
         json.dumps({"id": "webhook_01M8KG1N9F9EP3F1R4EMJJD91G", "status": "sent",
                     "to": "https://hooks.example/herald", "data": {"text": "Ihr Code: 481 516 — 谢谢"}},
                    ensure_ascii=False).encode()),
        ("an empty body", "whsec_" + os.urandom(24).hex(), 1_790_000_123, b""),
        ("a non-ASCII secret and a body with newlines and bytes that are not UTF-8", "clé-" + os.urandom(8).hex(),
         1_800_000_000, b"line one\r\nline two\n\xff\xfe\x00end"),
    ]
    return {
        "generator": GENERATOR,
        "scheme": "Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>",
        "vectors": [{"name": name, "secret": secret, "timestamp": timestamp, "body_base64": b64(body),
                     "header": herald_signature(secret, timestamp, body)}
                    for name, secret, timestamp, body in bodies],
    }


# --- SendGrid Event Webhook -----------------------------------------------

def sendgrid_vectors() -> dict:
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

    def sign(timestamp: str, body: bytes, high_s: bool) -> str:
        r, s = decode_dss_signature(private.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256())))
        # Both (r, s) and (r, n - s) are valid; SendGrid does not normalise, so a verifier must take either.
        s = max(s, order - s) if high_s else min(s, order - s)
        signature = encode_dss_signature(r, s)
        private.public_key().verify(signature, timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return b64(signature)

    events = [
        {"email": "li.wei@example.com", "timestamp": 1_790_000_000, "event": "delivered",
         "sg_event_id": "ZGVsaXZlcmVkLTAtMjQ5", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
         "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", "herald_id": "email_01M8KG1N9F9EP3F1R4EMJJD91G"},
        {"email": "zhang.san@example.cn", "timestamp": 1_790_000_004, "event": "bounce", "type": "bounce",
         "reason": "550 5.1.1 The email account that you tried to reach does not exist",
         "sg_event_id": "Ym91bmNlLTEtMjQ5", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.1",
         "herald_id": "email_01M8KG1N9F9EP3F1R4EMJJD91H"},
    ]
    vectors = []
    for name, timestamp, body, high_s in [
        ("two events, low-S signature", "1790000010", json.dumps(events).encode() + b"\r\n", False),
        ("two events, high-S signature", "1790000011", json.dumps(events).encode() + b"\r\n", True),
        ("one event, compact JSON, no trailing newline", "1790000020",
         json.dumps(events[:1], separators=(",", ":")).encode(), False),
    ]:
        vectors.append({"name": name, "timestamp": timestamp, "body_base64": b64(body),
                        "events": json.loads(body), "signature": sign(timestamp, body, high_s)})
    return {
        "generator": GENERATOR,
        "scheme": "X-Twilio-Email-Event-Webhook-Signature: base64 DER ECDSA P-256/SHA-256 over timestamp + body",
        "public_key": b64(public),
        "vectors": vectors,
    }


if __name__ == "__main__":
    write("recipient-vectors.json", recipient_vectors())
    write("webhook-signature-vectors.json", webhook_vectors())
    write("sendgrid-event-vectors.json", sendgrid_vectors())
