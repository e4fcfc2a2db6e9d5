#!/bin/bash
# Checks the Debian package (make check-deb): lintian (no error, no warning beyond the
# overrides in packaging/lintian-overrides, each with its reason), its files, its
# dependencies (Debian libraries only: no Swift runtime), that the binary runs, and that
# its maintainer scripts enable and start nothing.
set -euo pipefail
deb=${1:?usage: check-deb.sh PACKAGE.deb}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-deb: $*" >&2; exit 1; }

echo "== lintian"
# --fail-on error,warning: a warning fails the check unless overridden (with a reason).
lintian --fail-on error,warning --display-info "$deb" | tee "$work/lintian" || fail "lintian: errors or warnings above"
echo "lintian: no errors, no warnings ($(grep -c '^[IP]:' "$work/lintian" || true) info notes; overridden: $(grep -v '^#' "$(dirname "$0")/../packaging/lintian-overrides" 2>/dev/null | cut -d' ' -f2 | paste -sd, -))"

echo "== dpkg-deb --info"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
dpkg-deb --contents "$deb" > "$work/contents"
for path in ./usr/bin/watchlistd ./lib/systemd/system/watchlistd.service ./etc/watchlistd/watchlistd.conf \
            ./etc/watchlistd/watchlists/ ./usr/share/doc/watchlistd/examples/watchlists/acme-insurance.watch \
            ./usr/share/doc/watchlistd/copyright ./usr/share/doc/watchlistd/changelog.Debian.gz \
            ./usr/share/man/man8/watchlistd.8.gz ./usr/share/man/man5/watchlistd.conf.5.gz ./usr/share/man/man5/watchlistd.watch.5.gz; do
    grep -q " $path\$" "$work/contents" || fail "missing $path"
done
echo "files: $(grep -vc '/$' "$work/contents") (binary, unit, config, docs, man pages, example watchlists)"

depends=$(dpkg-deb --field "$deb" Depends)
case "$depends" in *swift*) fail "depends on a Swift package: $depends";; esac

dpkg-deb --extract "$deb" "$work/root"
dpkg-deb --control "$deb" "$work/control"
if ldd "$work/root/usr/bin/watchlistd" | grep -E "swift|not found"; then fail "the binary needs the Swift runtime or a missing library"; fi
for lib in $(ldd "$work/root/usr/bin/watchlistd" | awk '/=>/ { print $3 }'); do
    dpkg -S "$(readlink -f "$lib")" >/dev/null 2>&1 || dpkg -S "$lib" >/dev/null 2>&1 || fail "$lib belongs to no Debian package"
done
echo "libraries: $(ldd "$work/root/usr/bin/watchlistd" | grep -c '=>') shared, all from Debian packages, no Swift runtime"
chmod 0755 "$work"
"$work/root/usr/bin/watchlistd" --version || fail "the packaged binary does not say its version"
"$work/root/usr/bin/watchlistd" check --watchlists "$work/root/usr/share/doc/watchlistd/examples/watchlists" \
    || fail "the packaged binary does not run"
echo "== the packaged binary under the packaged unit's seccomp restrictions (scripts/sandbox-run.py)"
/usr/bin/python3 "$(dirname "$0")/sandbox-run.py" "$work/root/lib/systemd/system/watchlistd.service" -- \
    "$work/root/usr/bin/watchlistd" match --watchlists "$work/root/usr/share/doc/watchlistd/examples/watchlists" \
    "格力电器 customer database leaked" || fail "the packaged binary fails under the unit's restrictions"
for script in "$work/control"/{preinst,postinst,prerm,postrm}; do
    [ -e "$script" ] || continue
    # Commands only: comments and the hints echoed to the operator do not count.
    if sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*echo/d' "$script" \
        | grep -nE "systemctl[^|;&]*(enable|start|restart)|deb-systemd-invoke|deb-systemd-helper +enable"; then
        fail "$(basename "$script") enables or starts the service"
    fi
done
echo "maintainer scripts: $(ls "$work/control" | tr '\n' ' ')— none enables or starts anything"
echo "size: $(du -h "$deb" | cut -f1)"
