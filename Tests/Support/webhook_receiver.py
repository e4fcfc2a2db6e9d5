#!/usr/bin/env python3
"""A real webhook receiver for the tests on 127.0.0.1.

    webhook_receiver.py DIR [--secret FILE] [--answers CODE,CODE,...] [--retry-after SECONDS] [--port N]

Prints the port (N, or one the system picks), then takes POSTs on any path (`make demo`
uses it too). With --secret, the header
X-Watchlistd-Signature-256 must be `sha256=` and the hex HMAC-SHA256 of the raw body
under the first line of FILE (checked as a receiver would, with hmac.compare_digest);
a request without it or with a wrong one is answered 401. --answers gives the status of
the first requests in turn (500,429,200: the first fails, the second is throttled, the
third and every later one is accepted); a 4xx or 5xx answer has the body
`receiver refuses: CODE`, and 429/503 carry Retry-After when --retry-after is given.
Every POST is stored as DIR/N.body (the raw bytes) and DIR/N.json:
{"path", "status" (the answer), "signature" (true, false, or null without --secret),
"content_type"}.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading

from helpers import exit_with_parent

LOCK = threading.Lock()
STATE = {"count": 0}


def option(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        signature = None
        if SECRET is not None:
            expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
            signature = hmac.compare_digest(expected, self.headers.get("X-Watchlistd-Signature-256", ""))
        with LOCK:
            STATE["count"] += 1
            number = STATE["count"]
            status = ANSWERS[number - 1] if number <= len(ANSWERS) else 200
            if signature is False:
                status = 401
            with open(os.path.join(DIRECTORY, f"{number}.body"), "wb") as f:
                f.write(body)
            with open(os.path.join(DIRECTORY, f"{number}.json"), "w") as f:
                json.dump({"path": self.path, "status": status, "signature": signature,
                           "content_type": self.headers.get("Content-Type")}, f)
        reply = b"" if status < 400 else f"receiver refuses: {status}\n".encode()
        self.send_response(status)
        if status in (429, 503) and RETRY_AFTER:
            self.send_header("Retry-After", RETRY_AFTER)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def main():
    global DIRECTORY, SECRET, ANSWERS, RETRY_AFTER
    exit_with_parent()
    DIRECTORY = sys.argv[1]
    os.makedirs(DIRECTORY, exist_ok=True)
    secret_file = option("--secret")
    SECRET = open(secret_file, "rb").read().splitlines()[0] if secret_file else None
    ANSWERS = [int(code) for code in option("--answers", "").split(",") if code]
    RETRY_AFTER = option("--retry-after")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(option("--port", "0"))), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
