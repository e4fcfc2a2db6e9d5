#!/usr/bin/env python3
"""A minimal SOCKS5 proxy for the tests, on 127.0.0.1. Prints its port.

    socks5_proxy.py LOG TARGET_PORT

Accepts CONNECT, with username/password authentication (RFC 1929) when the client
offers it (logged as "AUTH user password") and without otherwise; logs "DOMAIN name" or "IPV4 a.b.c.d" for each
request to LOG, and connects every request to 127.0.0.1:TARGET_PORT whatever was asked,
so that a test can fetch http://anything.onion/ through it.
"""
import socket
import struct
import sys
import threading

from helpers import exit_with_parent


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(client, log, target_port):
    try:
        version, count = client.recv(2)
        methods = client.recv(count)
        if 2 in methods:
            client.sendall(b"\x05\x02")
            _, ulen = client.recv(2)
            user = client.recv(ulen).decode()
            plen = client.recv(1)[0]
            password = client.recv(plen).decode() if plen else ""
            with open(log, "a") as f:
                f.write(f"AUTH {user} {password}\n")
            client.sendall(b"\x01\x00")
        else:
            client.sendall(b"\x05\x00")
        version, command, _, atyp = client.recv(4)
        if atyp == 3:
            length = client.recv(1)[0]
            name = client.recv(length).decode()
            entry = f"DOMAIN {name}"
        elif atyp == 1:
            entry = "IPV4 " + socket.inet_ntoa(client.recv(4))
        else:
            entry = "IPV6 " + socket.inet_ntop(socket.AF_INET6, client.recv(16))
        port = struct.unpack("!H", client.recv(2))[0]
        with open(log, "a") as f:
            f.write(f"{entry} {port}\n")
        upstream = socket.create_connection(("127.0.0.1", target_port))
        client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", target_port))
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        pipe(upstream, client)
    except (OSError, ValueError):
        client.close()


def main():
    exit_with_parent()
    log, target_port = sys.argv[1], int(sys.argv[2])
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    print(server.getsockname()[1], flush=True)
    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client, log, target_port), daemon=True).start()


if __name__ == "__main__":
    main()
