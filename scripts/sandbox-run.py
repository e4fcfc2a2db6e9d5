#!/usr/bin/python3
"""Runs a command under the kernel-level restrictions a systemd unit file asks for,
where systemd itself is not available (containers, CI):

    sandbox-run.py UNIT_FILE -- COMMAND [ARG ...]

From the unit's [Service] section it applies, with seccomp (python3-seccomp):
  SystemCallFilter=         the allow-list (groups expanded by `systemd-analyze
                            syscall-filter`, ~ lines removing), other calls kill the
                            process with SIGSYS, as systemd's default action does;
  SystemCallArchitectures=native   (libseccomp's default: other ABIs are refused);
  MemoryDenyWriteExecute=yes       the rules systemd installs: mmap with both
                            PROT_WRITE and PROT_EXEC, mprotect/pkey_mprotect with
                            PROT_EXEC, and shmat with SHM_EXEC fail with EPERM;
  RestrictAddressFamilies=  socket() with any other family fails with EAFNOSUPPORT;
  NoNewPrivileges=yes       (always: seccomp needs it);
  DynamicUser=yes           when started as root, the command runs as nobody/nogroup
                            (uid/gid 65534) without supplementary groups, as an
                            unprivileged dynamic user would (root would make SQLite
                            chown its journal files: @chown, refused by ~@privileged).
It does not emulate the mount, user and namespace settings (ProtectSystem=,
PrivateTmp=, DynamicUser=, ...): those change what the files look like, not which
instructions the binary may run. docs/ARCHITECTURE.md says what was checked.

Must run under /usr/bin/python3 (Debian's python3-seccomp is built for it).
"""
import errno
import os
import re
import socket
import subprocess
import sys

import seccomp

PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000


def unit_settings(path):
    settings = {}
    section = None
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                settings.setdefault(key, []).append(value)
    return settings


def expand(group, seen=None):
    """The system calls of @group, nested groups included."""
    seen = seen if seen is not None else set()
    if group in seen:
        return set()
    seen.add(group)
    output = subprocess.run(["systemd-analyze", "syscall-filter", group], check=True,
                            capture_output=True, text=True).stdout
    names = set()
    for line in output.splitlines()[1:]:
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        if item.startswith("@"):
            names |= expand(item, seen)
        else:
            names.add(item)
    return names


def allowed_syscalls(filters):
    allowed = None
    for entry in filters:
        negate = entry.startswith("~")
        names = set()
        for word in entry.lstrip("~").split():
            names |= expand(word) if word.startswith("@") else {word}
        if allowed is None and negate:
            sys.exit("sandbox-run.py: a deny-list SystemCallFilter= (first line with ~) is not supported")
        allowed = allowed - names if negate else (allowed or set()) | names
    return allowed


def main():
    if "--" not in sys.argv:
        sys.exit(__doc__)
    split = sys.argv.index("--")
    unit, command = sys.argv[1], sys.argv[split + 1:]
    settings = unit_settings(unit)

    filters = []
    allowed = allowed_syscalls(settings.get("SystemCallFilter", []))
    if allowed is not None:
        allow = seccomp.SyscallFilter(defaction=seccomp.KILL_PROCESS)
        for name in sorted(allowed):
            try:
                allow.add_rule(seccomp.ALLOW, name)
            except (RuntimeError, ValueError):
                pass  # not a system call on this architecture
        filters.append(allow)

    if settings.get("MemoryDenyWriteExecute", ["no"])[-1] == "yes":
        mdwe = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        eperm = seccomp.ERRNO(errno.EPERM)
        mdwe.add_rule(eperm, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC))
        mdwe.add_rule(eperm, "mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
        mdwe.add_rule(eperm, "pkey_mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
        mdwe.add_rule(eperm, "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
        filters.append(mdwe)

    families = settings.get("RestrictAddressFamilies")
    if families:
        keep = {getattr(socket, name) for name in " ".join(families).split()}
        restrict = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for family in range(0, 46):
            if family not in keep:
                restrict.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, family))
        filters.append(restrict)

    if settings.get("DynamicUser", ["no"])[-1] == "yes" and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)

    # The allow-list goes last: loading a filter is itself a system call it may not allow.
    for f in filters[1:] + filters[:1] if allowed is not None else filters:
        f.load()  # sets no_new_privs first (libseccomp's default)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
