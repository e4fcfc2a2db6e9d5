#!/usr/bin/env python3
"""A hostile feed server for the tests, on 127.0.0.1. Prints its port.

    hostile_server.py [tls CERT KEY]   (with tls: HTTPS with that certificate)

Paths:
  /ok.xml              a small valid RSS feed naming "Orion Shipping"
  /endless             an endless body (chunked, never ends)
  /gzip-bomb           64 MiB of zeros gzip-compressed to about 64 KiB
  /stacked             a body with Content-Encoding listed six times
  /drip                one byte per second
  /loop                redirects to itself
  /to-file             redirects to file:///etc/passwd
  /to-gopher           redirects to gopher://127.0.0.1/
  /to-port/N/PATH      redirects to http://127.0.0.1:N/PATH (another local server)
  /xxe-file, /xxe-url  XML with an external entity (a local file / a local URL)
  /laughs              billion laughs
  /bad-utf8            RSS declaring UTF-8 with invalid bytes in a title
  /429                 429 with Retry-After: 120
  /500                 500 every time
  /truncated           RSS cut off in the middle of an item
  /echo-headers        the request's headers as a JSON object
  /hang                sends nothing for 60 s
  /hang-body           headers of a 200, then nothing for 60 s
  /503-forever         503 with Retry-After: 999999999999 (year 33715)
  /huge.html           a 100 MB HTML page of cards (streamed, chunked)
  /deep.html           an HTML page nesting 100,000 <div>s, then a card naming "Orion Shipping"
  /html-entities       HTML with a DOCTYPE defining an external entity and billion laughs
"""
import json
import gzip
import http.server
import sys
import time

from helpers import exit_with_parent

OK = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>ok</title>'
      b'<item><title>Orion Shipping customer DB</title><guid>ok-1</guid></item></channel></rss>')


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "transfer-encoding" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        path = self.path
        try:
            if path == "/ok.xml":
                self.send(200, OK, [("Content-Type", "application/rss+xml")])
            elif path == "/endless":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"<!-- " + b"x" * 65536 + b" -->"
                while True:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            elif path == "/gzip-bomb":
                body = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
                self.send(200, body, [("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")])
            elif path == "/stacked":
                body = OK
                for _ in range(6):
                    body = gzip.compress(body)
                self.send(200, body, [("Content-Encoding", "gzip, gzip, gzip, gzip, gzip, gzip")])
            elif path == "/drip":
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(100000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            elif path == "/loop":
                self.send(302, b"", [("Location", f"http://127.0.0.1:{port}/loop")])
            elif path == "/to-file":
                self.send(302, b"", [("Location", "file:///etc/passwd")])
            elif path.startswith("/to-port/"):
                _, _, target_port, rest = path.split("/", 3)
                self.send(302, b"", [("Location", f"http://127.0.0.1:{int(target_port)}/{rest}")])
            elif path == "/to-gopher":
                self.send(302, b"", [("Location", f"gopher://127.0.0.1:{port}/")])
            elif path == "/xxe-file":
                self.send(200, b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                               b'<rss version="2.0"><channel><title>x</title><item><title>a &x; b</title><guid>x</guid>'
                               b'</item></channel></rss>')
            elif path == "/xxe-url":
                self.send(200, ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "http://127.0.0.1:%d/ok.xml">]>'
                                '<rss version="2.0"><channel><title>x</title><item><title>a &x; b</title><guid>x</guid>'
                                '</item></channel></rss>' % port).encode())
            elif path == "/laughs":
                ents = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
                self.send(200, (f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel><title>x</title>'
                                f'<item><title>&l9;</title><guid>l</guid></item></channel></rss>').encode())
            elif path == "/bad-utf8":
                self.send(200, b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title>'
                               b'<item><title>Orion Shipping \xc3\x28 leak</title><guid>b</guid></item></channel></rss>')
            elif path == "/429":
                self.send(429, b"slow down", [("Retry-After", "120")])
            elif path == "/500":
                self.send(500, b"boom")
            elif path == "/truncated":
                self.send(200, OK[: OK.index(b"<guid>")])
            elif path == "/echo-headers":
                self.send(200, json.dumps({k.lower(): v for k, v in self.headers.items()}).encode(),
                          [("Content-Type", "application/json")])
            elif path == "/hang":
                time.sleep(60)
            elif path == "/hang-body":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.flush()
                time.sleep(60)
            elif path == "/huge.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                card = b'<div class="card"><h3>Orion Shipping</h3><p>' + b"x" * 900 + b"</p></div>\n"
                chunk = b"<html><body>" + card * 1000
                for _ in range(100):  # 100 chunks of about 1 MB
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            elif path == "/deep.html":
                body = (b"<html><body>" + b"<div>" * 100000 + b"deep" + b"</div>" * 100000
                        + b'<div class="card"><h3>Orion Shipping customer DB</h3></div></body></html>')
                self.send(200, body, [("Content-Type", "text/html")])
            elif path == "/html-entities":
                ents = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
                self.send(200, ('<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">' + ents + ']>'
                                '<html><body><div class="card"><h3>Orion &x; &l9; Shipping</h3></div></body></html>').encode(),
                          [("Content-Type", "text/html")])
            elif path == "/503-forever":
                self.send(503, b"maintenance", [("Retry-After", "999999999999")])
            else:
                self.send(404, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    exit_with_parent()
    http.server.ThreadingHTTPServer.request_queue_size = 256  # every case connects at once; 5 dropped SYNs
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) == 4 and sys.argv[1] == "tls":
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
