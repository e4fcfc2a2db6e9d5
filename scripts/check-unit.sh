#!/bin/bash
# Checks the systemd unit as `make install` put it under ROOT (make check-unit):
#   systemd-analyze verify      on a copy whose ExecStart= points at ROOT's binary
#                               (verify checks that the executables exist, and that the
#                               man pages of Documentation= open: MANPATH is ROOT's)
#   systemd-analyze security    --offline=true: the exposure score must be <= 1.2
set -euo pipefail
root=${1:?usage: check-unit.sh STAGED_ROOT}
unit=$root/lib/systemd/system/watchlistd.service
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sed "s|/usr/bin/watchlistd|$root/usr/bin/watchlistd|g" "$unit" > "$work/watchlistd.service"
echo "== systemd-analyze verify $unit"
if ! out=$(MANPATH="$root/usr/share/man" systemd-analyze verify "$work/watchlistd.service" 2>&1) || [ -n "$out" ]; then
    echo "$out"
    echo "check-unit: systemd-analyze verify is not clean" >&2
    exit 1
fi
echo "clean"

echo "== systemd-analyze security --offline=true $unit"
score=$(systemd-analyze security --offline=true "$work/watchlistd.service" 2>&1 | tee "$work/security.txt" \
        | sed -n 's/.*Overall exposure level for watchlistd.service: \([0-9.]*\).*/\1/p')
grep -E "^✗" "$work/security.txt" || true
echo "overall exposure: $score"
if [ -z "$score" ] || ! awk -v s="$score" 'BEGIN { exit !(s <= 1.2) }'; then
    echo "check-unit: the exposure score must be 1.2 or lower (network access is the rest)" >&2
    exit 1
fi
