#!/usr/bin/env bash
# Installs what the end-to-end tests and `npm start` need on Debian 12 with Node 20, using only Debian's
# packages and the npm registry: code-server 4.100.3 (VS Code 1.100.3, the newest code-server that runs on
# Node 20) into .tools/code-server, and Debian's chromium for playwright-core to drive.
# Idempotent: when everything is already there it returns at once.
# Usage: scripts/setup-code-server.sh [installDir]   (default: <repo>/.tools/code-server)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$ROOT/.tools/code-server}
VERSION=4.100.3
CS="$DIR/node_modules/.bin/code-server"
# Build deps for the native modules code-server's postinstall compiles (kerberos, native-keymap, spdlog,
# node-pty, argon2), ripgrep to stand in for @vscode/ripgrep's GitHub download, chromium for the tests.
APT_PACKAGES=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium curl)

# Read the version from the package: `code-server --version` would write a config file under ~/.config.
installed_version() {
	[ -x "$CS" ] && node -p "require('$DIR/node_modules/code-server/package.json').version" 2>/dev/null
}

missing_packages() {
	local pkg
	for pkg in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
	done
}

MISSING=$(missing_packages)
if [ -z "$MISSING" ] && [ "$(installed_version || true)" = "$VERSION" ]; then
	echo "setup-code-server: code-server $VERSION and chromium are already installed ($CS)."
	exit 0
fi

if [ -n "$MISSING" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup-code-server: please install these Debian packages first (as root): $MISSING" >&2
		exit 1
	fi
	echo "setup-code-server: installing Debian packages:" $MISSING
	export DEBIAN_FRONTEND=noninteractive
	# Other jobs may hold the dpkg lock; wait for it instead of failing.
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	# shellcheck disable=SC2086
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $MISSING >/dev/null
fi

if [ "$(installed_version || true)" != "$VERSION" ]; then
	echo "setup-code-server: installing code-server@$VERSION into $DIR (about a minute)"
	# @vscode/ripgrep@1.15.11's postinstall downloads from api.github.com unless it finds this cached asset,
	# so build the asset from Debian's ripgrep (13.0.0, the version it asks for).
	RGCACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
	mkdir -p "$RGCACHE/x"
	cp /usr/bin/rg "$RGCACHE/x/rg"
	tar czf "$RGCACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$RGCACHE/x" rg
	mkdir -p "$DIR"
	cd "$DIR"
	[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json
	# unsafe_perm: code-server's postinstall refuses to run as root without it (npm 11 only passes it as an
	# environment variable); yes: node-pty's postinstall runs `npx node-gyp`, which must not ask.
	npm_config_unsafe_perm=true npm_config_yes=true npm install --no-save --no-audit --no-fund "code-server@$VERSION"
fi

echo "setup-code-server: code-server $(installed_version) at $CS"
