#!/usr/bin/env bash
# Installs everything `npm test` needs beyond npm packages, from Debian's packages and the npm
# registry only: libvirt's own parser (virsh, the differential oracle, from libvirt-clients), its
# RelaxNG schemas with xmllint (the benchmark's reference, libxml2-utils), and code-server with
# Debian's chromium for the end-to-end tests (scripts/setup-code-server.sh), and Neovim and
# Emacs with eglot as LSP clients that declare neither snippets nor (Emacs) markdown.
# Idempotent: returns at once when everything is there. Needs root for apt-get.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
missing=()
command -v virsh >/dev/null 2>&1 || missing+=(libvirt-clients)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
# Neovim: a second, non-VS Code LSP client for the stdio server.
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
# Emacs 28 + eglot 1.9 (Debian 12 has eglot only as elpa-eglot; it is built in from Emacs 29).
command -v emacs >/dev/null 2>&1 || missing+=(emacs-nox)
if ! { command -v emacs >/dev/null 2>&1 && emacs --batch -q --eval "(require 'eglot)" >/dev/null 2>&1; }; then
	missing+=(elpa-eglot)
fi
# getfattr/setfattr: the image-label reader and the real extended attributes of the hot-plug tests.
command -v getfattr >/dev/null 2>&1 || missing+=(attr)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup-test-deps: please install these Debian packages first (as root): ${missing[*]}" >&2
		exit 1
	fi
	echo "setup-test-deps: installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
exec "$ROOT/scripts/setup-code-server.sh"
