#!/usr/bin/python3
"""A real SMTP server (aiosmtpd) for Herald's email tests and local runs.

It offers STARTTLS with the given certificate, requires AUTH (PLAIN/LOGIN)
over TLS when a username is given, and writes every accepted message to
<maildir>/<n>.eml with its envelope in <n>.json. Recipients whose local part
starts with "reject" get 550 (no such user); "busy…" get 451 on their first
attempt. Usage:

    smtp-sink.py PORT MAILDIR CERT KEY [USERNAME PASSWORD]
"""
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0
        self.busy_seen = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local.startswith("busy") and address not in self.busy_seen:
            self.busy_seen.add(address)
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.maildir, str(self.count))
        with open(base + ".eml.tmp", "wb") as message:
            message.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as meta:
            json.dump({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "tls": session.ssl is not None,
                "auth": session.auth_data.login.decode() if session.auth_data else None,
                "parsed": summary(envelope.original_content or envelope.content),
            }, meta)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Ok: queued as herald-%d" % self.count


def summary(raw):
    """What Python's own MIME parser makes of the message: the independent check."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = list(message.iter_parts()) if message.is_multipart() else [message]
    return {
        "subject": str(message["subject"]),
        "from": str(message["from"]),
        "to": str(message["to"]),
        "message_id": str(message["message-id"]),
        "date": str(message["date"]),
        "mime_version": str(message["mime-version"]),
        "list_unsubscribe": message["list-unsubscribe"] and str(message["list-unsubscribe"]),
        "list_unsubscribe_post": message["list-unsubscribe-post"] and str(message["list-unsubscribe-post"]),
        "content_type": message.get_content_type(),
        "parts": [{"type": part.get_content_type(), "charset": part.get_content_charset(),
                   "body": part.get_content()} for part in parts],
        "defects": [str(defect) for defect in message.defects],
        "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
    }


def main():
    port, maildir, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    credentials = (sys.argv[5].encode(), sys.argv[6].encode()) if len(sys.argv) > 6 else None
    os.makedirs(maildir, exist_ok=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == credentials
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    options = dict(tls_context=context, require_starttls=False)
    if credentials:
        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=True)
    controller = Controller(Sink(maildir), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("READY", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
