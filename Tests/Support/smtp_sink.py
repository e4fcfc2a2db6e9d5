#!/usr/bin/python3
"""A real SMTP server for the tests (Debian's python3-aiosmtpd) on 127.0.0.1.

    smtp_sink.py DIR [--reply CODE] [--auth USER:PASSWORD] [--refuse ADDRESS]... [--size-limit BYTES]

Prints the port it listens on, then stores every accepted message as DIR/N.eml with
its envelope in DIR/N.json. With --reply CODE (e.g. 451 or 550) every DATA gets that
reply instead, for failure tests. With --auth, clients must log in (AUTH PLAIN/LOGIN,
allowed without TLS on this test server) with that user and password. The EHLO name is
stored in the envelope as "helo". --refuse ADDRESS answers RCPT TO for that address with
550 (the others are accepted). --size-limit advertises SIZE BYTES in EHLO and refuses a
larger message with 552, as Postfix's message_size_limit does.
"""
import json
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from helpers import exit_with_parent


class Sink:
    def __init__(self, directory, reply, refuse=()):
        self.directory = directory
        self.reply = reply
        self.refuse = set(refuse)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return f"{self.reply} test server refuses this message"
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "helo": session.host_name}, f)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    exit_with_parent()
    directory = sys.argv[1]
    reply = sys.argv[sys.argv.index("--reply") + 1] if "--reply" in sys.argv else None
    auth = sys.argv[sys.argv.index("--auth") + 1] if "--auth" in sys.argv else None
    refuse = [sys.argv[i + 1] for i, arg in enumerate(sys.argv) if arg == "--refuse"]
    os.makedirs(directory, exist_ok=True)
    port = free_port()
    options = {}
    if "--size-limit" in sys.argv:
        options["data_size_limit"] = int(sys.argv[sys.argv.index("--size-limit") + 1])
    if auth:
        user, password = auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok, handled=False)  # handled=False: the server replies 535 itself

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    controller = Controller(Sink(directory, reply, refuse), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print(port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
