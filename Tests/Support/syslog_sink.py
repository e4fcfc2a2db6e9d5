#!/usr/bin/python3
"""A real syslog collector for the tests, on 127.0.0.1 or a unix socket.

    syslog_sink.py tcp OUT [--port N]            octet-counted records over TCP
    syslog_sink.py tls OUT CERT KEY [--port N]   the same over TLS
    syslog_sink.py unix OUT PATH                 one record per datagram on a unix socket

--port N listens on that port (a collector restarted where the last one was). Each
connection accepted adds a line to OUT.connections.
Prints the port (or the path), then appends every record to OUT, one JSON string a
line (so a record with a raw newline would show as one, not two).
"""
import json
import os
import socket
import ssl
import sys
import threading

from helpers import exit_with_parent


def serve_stream(conn, out):
    buffer = b""
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            buffer += data
            while b" " in buffer:
                length, rest = buffer.split(b" ", 1)
                if not length.isdigit() or len(rest) < int(length):
                    break
                record, buffer = rest[: int(length)], rest[int(length):]
                with open(out, "a") as f:
                    f.write(json.dumps(record.decode("utf-8", "replace")) + "\n")


def main():
    exit_with_parent()
    mode, out = sys.argv[1], sys.argv[2]
    if mode == "unix":
        path = sys.argv[3]
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        print(path, flush=True)
        while True:
            data = sock.recv(65536)
            with open(out, "a") as f:
                f.write(json.dumps(data.decode("utf-8", "replace")) + "\n")
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
    server.bind(("127.0.0.1", port))
    server.listen(8)
    context = None
    if mode == "tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
    print(server.getsockname()[1], flush=True)
    while True:
        conn, _ = server.accept()
        with open(out + ".connections", "a") as f:
            f.write("connection\n")
        if context:
            try:
                conn = context.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                conn.close()
                continue
        threading.Thread(target=serve_stream, args=(conn, out), daemon=True).start()


if __name__ == "__main__":
    main()
