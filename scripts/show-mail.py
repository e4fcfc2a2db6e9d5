#!/usr/bin/env python3
"""Prints .eml files the way a mail client would show them (used by `make demo`)."""
import email
import email.policy
import sys

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    print(f"--- {path.rsplit('/', 1)[-1]}")
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        print(f"{header}: {message[header]}")
    print()
    print(message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n").rstrip())
    print()
