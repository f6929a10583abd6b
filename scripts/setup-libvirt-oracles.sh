#!/usr/bin/env bash
# Real libvirt parsers as test oracles, one per libvirt version the project knows.
#
# Why: libvirt's domain XML parser changed between releases (messages, limits, which
# labels are refused at define time).  The differential and conformance suites ask
# each version's own `virsh -c test:///default define` instead of trusting docs.
#
#   7.0.0   Debian bullseye          chroot
#   9.0.0   the host's own virsh     (Debian 12 bookworm's libvirt-clients)
#   11.3.0  Debian trixie            chroot
#   12.9.0  Debian trixie-backports  chroot
#
# Each chroot is a `debootstrap --variant=minbase` tree with only libvirt-clients in it,
# under $LIBVIRT_SECLABEL_ORACLES (default /var/cache/libvirt-seclabel/oracles)/<version>.
# The script is idempotent: a chroot whose `virsh --version` already matches is kept,
# so a rerun on the same machine takes a second.  It needs root (debootstrap, chroot).
#
# Usage: scripts/setup-libvirt-oracles.sh [VERSION...]   (default: all)
# Exits non-zero naming every version it could not set up.
set -euo pipefail

ROOT="${LIBVIRT_SECLABEL_ORACLES:-/var/cache/libvirt-seclabel/oracles}"

# version suite [backports-suite]
ORACLES=(
  "7.0.0 bullseye"
  "11.3.0 trixie"
  "12.9.0 trixie trixie-backports"
)

log() { printf 'setup-libvirt-oracles: %s\n' "$*" >&2; }

# The Debian mirror apt already uses on this machine (deb822 or one-line format).
mirror() {
  local m=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /debian\/?$/) { print $i; exit } }' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*debian\/?$/) { print $i; exit } }' \
      /etc/apt/sources.list | head -n1)
  fi
  printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "must run as root (debootstrap and chroot need it)"
    exit 1
  fi
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}

# The version `virsh --version` prints inside DIR, or nothing.
chroot_version() {
  local dir=$1
  [ -x "$dir/usr/bin/virsh" ] || return 0
  chroot "$dir" /usr/bin/virsh --version 2>/dev/null || true
}

setup_one() {
  local version=$1 suite=$2 backports=${3:-}
  local dir="$ROOT/$version"
  local have
  have=$(chroot_version "$dir")
  if [ "$have" = "$version" ]; then
    log "$version: ready in $dir"
    return 0
  fi
  local m
  m=$(mirror)
  mkdir -p "$ROOT"
  if [ ! -x "$dir/usr/bin/apt-get" ] || [ ! -f "$dir/.debootstrap-done" ]; then
    log "$version: debootstrap $suite from $m into $dir (a few minutes)"
    rm -rf "$dir.partial"
    debootstrap --variant=minbase "$suite" "$dir.partial" "$m" >"$ROOT/$version.debootstrap.log" 2>&1 || {
      log "$version: debootstrap failed, see $ROOT/$version.debootstrap.log"
      return 1
    }
    rm -rf "$dir"
    mv "$dir.partial" "$dir"
    touch "$dir/.debootstrap-done"
  fi
  local target=()
  if [ -n "$backports" ]; then
    echo "deb $m $backports main" >"$dir/etc/apt/sources.list.d/$backports.list"
    target=(-t "$backports")
  fi
  # No daemons may start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod +x "$dir/usr/sbin/policy-rc.d"
  log "$version: apt-get install libvirt-clients ${target[*]}"
  {
    chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get update &&
      chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${target[@]}" libvirt-clients &&
      chroot "$dir" apt-get clean
  } >"$ROOT/$version.apt.log" 2>&1 || {
    log "$version: apt-get failed, see $ROOT/$version.apt.log"
    return 1
  }
  have=$(chroot_version "$dir")
  if [ "$have" != "$version" ]; then
    log "$version: chroot virsh --version says '${have:-nothing}', expected $version"
    return 1
  fi
  log "$version: ready in $dir"
}

host_check() {
  local have
  have=$(virsh --version 2>/dev/null || true)
  if [ "$have" != "9.0.0" ]; then
    log "9.0.0: the host's virsh says '${have:-nothing}'; install Debian 12's libvirt-clients (scripts/setup-test-deps.sh)"
    return 1
  fi
  log "9.0.0: the host's virsh"
}

main() {
  local want=("$@") failed=()
  need_root
  ensure_debootstrap
  for entry in "${ORACLES[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    if [ ${#want[@]} -gt 0 ] && [[ " ${want[*]} " != *" $1 "* ]]; then continue; fi
    setup_one "$@" || failed+=("$1")
  done
  if [ ${#want[@]} -eq 0 ] || [[ " ${want[*]} " == *" 9.0.0 "* ]]; then
    host_check || failed+=(9.0.0)
  fi
  if [ ${#failed[@]} -gt 0 ]; then
    log "FAILED: ${failed[*]}"
    exit 1
  fi
}

main "$@"
