#!/usr/bin/env python3
"""A real HTTP server for the tests on 127.0.0.1, serving a fixture folder.

    http_server.py DIR

Prints the port, then serves DIR with ETag / Last-Modified support (304 on a match).
A query `?delay=N` holds the response back N seconds (a slow feed); the most requests
ever held back at once is kept in DIR/../concurrency.max (a test of parallel fetching). A file FILE.content-type
next to FILE gives the Content-Type header to send with it (an HTTP charset).
Every request is appended to DIR/../requests.log as "METHOD PATH IF-NONE-MATCH".
"""
import http.server
import os
import sys
import threading
import time
import urllib.parse

from helpers import exit_with_parent


HELD = {"now": 0, "max": 0}
HELD_LOCK = threading.Lock()


class Handler(http.server.SimpleHTTPRequestHandler):
    def hold(self, seconds):
        with HELD_LOCK:
            HELD["now"] += 1
            if HELD["now"] > HELD["max"]:
                HELD["max"] = HELD["now"]
                with open(os.path.join(self.directory, "..", "concurrency.max"), "w") as f:
                    f.write(str(HELD["max"]))
        try:
            time.sleep(seconds)
        finally:
            with HELD_LOCK:
                HELD["now"] -= 1

    def guess_type(self, path):
        sidecar = path + ".content-type"
        if os.path.isfile(sidecar):
            with open(sidecar) as f:
                return f.read().strip()
        return super().guess_type(path)

    def end_headers(self):
        path = self.translate_path(self.path)
        if os.path.isfile(path):
            self.send_header("ETag", '"%x"' % int(os.path.getmtime(path) * 1000))
        super().end_headers()

    def send_head(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if "delay" in query:
            self.hold(float(query["delay"][0]))
        with open(os.path.join(self.directory, "..", "requests.log"), "a") as log:
            log.write(f"{self.command} {self.path} {self.headers.get('If-None-Match', '-')}\n")
        path = self.translate_path(self.path)
        if os.path.isfile(path):
            etag = '"%x"' % int(os.path.getmtime(path) * 1000)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return None
        return super().send_head()

    def log_message(self, *args):
        pass


def main():
    exit_with_parent()
    directory = sys.argv[1]
    http.server.ThreadingHTTPServer.request_queue_size = 256  # many feeds connecting at once
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Handler(*a, directory=directory))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
