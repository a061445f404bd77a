#!/usr/bin/env bash
# Installs every build, test and demo dependency from Debian's packages.
# Idempotent and quiet when everything is present.  Also adds the deb-src
# entries that make test-compat and make test-asan download sources from.
set -euo pipefail

packages=(
    build-essential clang llvm libclang-rt-14-dev
    nginx nginx-dev libnginx-mod-http-lua
    libpcre2-dev zlib1g-dev libssl-dev libhiredis-dev
    redis-server redis-tools
    libtest-base-perl perl
    curl wrk valgrind dpkg-dev ca-certificates
)

sudo=
if [ "$(id -u)" != 0 ]; then
    sudo=sudo
fi

src_list=/etc/apt/sources.list.d/ngx-privacy-src.sources
if ! grep -qs 'Suites: trixie' "$src_list"; then
    $sudo tee "$src_list" >/dev/null <<'SRC'
# ngx_privacy_module: nginx and hiredis sources for make test-compat / test-asan
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    need_update=1
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ] || [ -n "${need_update:-}" ]; then
    echo "deps: installing ${missing[*]:-(source lists)}"
    $sudo apt-get update -qq
fi

if [ ${#missing[@]} -gt 0 ]; then
    # the nginx package must not take port 80 or start a service here
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
fi
