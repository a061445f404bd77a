#!/usr/bin/env bash
# Installs from Debian's packages what one make target needs, and nothing
# more.  Idempotent, and quiet when everything is present.
#
#   deps.sh GROUP...
#
#   build     compiler and nginx-dev, hiredis, OpenSSL, PCRE2, zlib headers
#   test      build, plus Redis and what the suites and the demo run
#   deb       build, plus debhelper, lintian, apache2 and apache2-dev
#             (make deb, make test-deb: the Apache package too)
#   compat    test, plus deb-src entries for bookworm and trixie (sources)
#   asan      compat, plus clang
#   fuzz      clang and its libFuzzer runtime
#   valgrind  test, plus valgrind
#   faults    test, plus python3
#   failover  test, plus python3 and redis-sentinel
#   bench     test, plus wrk, valgrind and python3; Debian's Lua module
#             is unpacked under build/bench/modules, not installed
#   apache    test, plus Apache httpd, apxs and Apache::Test (shipped by
#             libapache2-mod-perl2) for make apache and make test-apache
#
# Never enables a module in the system's nginx, and keeps Debian from
# starting the nginx service when it installs nginx.  Uses sudo when not
# run as root.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

build=(build-essential dpkg-dev nginx nginx-dev
       libpcre2-dev zlib1g-dev libssl-dev libhiredis-dev)
test=("${build[@]}" redis-server redis-tools libtest-base-perl perl
      curl openssl python3)

if [ $# -eq 0 ]; then
    echo "usage: deps.sh GROUP... (build test deb compat asan fuzz" \
         "valgrind faults failover bench apache)" >&2
    exit 2
fi

packages=()
src_lists=0
lua=0

for group in "$@"; do
    case $group in
        build)    packages+=("${build[@]}") ;;
        test)     packages+=("${test[@]}") ;;
        deb)      packages+=("${build[@]}" debhelper lintian apache2
                             apache2-dev) ;;
        compat)   packages+=("${test[@]}"); src_lists=1 ;;
        asan)     packages+=("${test[@]}" clang); src_lists=1 ;;
        fuzz)     packages+=(clang llvm libclang-rt-14-dev) ;;
        valgrind) packages+=("${test[@]}" valgrind) ;;
        faults)   packages+=("${test[@]}" python3) ;;
        failover) packages+=("${test[@]}" python3 redis-sentinel) ;;
        bench)    packages+=("${test[@]}" wrk valgrind python3); lua=1 ;;
        apache)   packages+=("${test[@]}" apache2 apache2-dev libhiredis-dev
                             libapache2-mod-perl2) ;;
        *)
            echo "deps: unknown group '$group'" >&2
            exit 2
            ;;
    esac
done

sudo=
if [ "$(id -u)" != 0 ]; then
    sudo=sudo
fi

need_update=0

# make test-compat and make test-asan download nginx and hiredis sources
# with apt-get source; the entries use the mirror of the machine's own
# Debian entries
src_list=/etc/apt/sources.list.d/ngx-privacy-src.sources
if [ $src_lists = 1 ] && ! grep -qs '^Suites:.*trixie' "$src_list"; then
    mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' \
             /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
    if [ -z "$mirror" ]; then
        mirror=$(sed -n \
            's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\/debian\) .*/\2/p' \
            /etc/apt/sources.list 2>/dev/null | head -1)
    fi
    if [ -z "$mirror" ]; then
        echo "deps: no Debian mirror found in the apt sources" >&2
        exit 1
    fi
    echo "deps: adding deb-src entries for bookworm and trixie ($src_list)"
    $sudo tee "$src_list" >/dev/null <<SRC
# ngx_privacy_module: nginx and hiredis sources for make test-compat and
# make test-asan (tools/deps.sh); remove this file when done with them
Types: deb-src
URIs: $mirror
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    need_update=1
fi

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null \
        | grep -q 'install ok installed'
}

missing=()
for p in $(printf '%s\n' "${packages[@]}" | sort -u); do
    installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
    $sudo apt-get update -qq
fi

policy=/usr/sbin/policy-rc.d
own_policy=0
remove_policy() {
    if [ $own_policy = 1 ]; then
        $sudo rm -f "$policy"
    fi
}
trap remove_policy EXIT

if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"

    # Debian starts nginx and Apache on port 80 when it installs them; a
    # machine that installs them for these tests does not want that.  A
    # policy-rc.d that refuses their start, for this one apt-get run,
    # unless the machine has its own policy.
    if { ! installed nginx || ! installed apache2; } && [ ! -e "$policy" ]
    then
        $sudo tee "$policy" >/dev/null <<'POLICY'
#!/bin/sh
# ngx_privacy_module's tools/deps.sh: nginx and Apache are not started by
# their install
case "$1" in
    nginx|nginx.service|apache2|apache2.service|apache-htcacheclean*)
        exit 101 ;;
esac
exit 0
POLICY
        $sudo chmod 755 "$policy"
        own_policy=1
    fi

    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
    remove_policy
    own_policy=0
fi

# make bench compares the module with Debian's Lua module.  Installing
# libnginx-mod-http-lua would enable it in /etc/nginx/modules-enabled and
# reload a running nginx with it, so the two module packages are unpacked
# under build/bench/modules instead, where bench/servers.py loads them by
# path; only their libraries (LuaJIT, lua-resty-core) are installed.
if [ $lua = 1 ]; then
    dir=$top/build/bench/modules
    mods=(libnginx-mod-http-ndk libnginx-mod-http-lua)
    stamp=$dir/.versions
    want=$(for m in "${mods[@]}"; do
               apt-cache policy "$m" | sed -n 's/^ *Candidate: //p'
           done)

    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "deps: unpacking ${mods[*]} under $dir (not installed)"
        rm -rf "$dir"
        mkdir -p "$dir/debs"
        # as root into a directory the _apt user cannot write
        sandbox=()
        [ -z "$sudo" ] && sandbox=(-o APT::Sandbox::User=root)
        (cd "$dir/debs" && apt-get download -qq "${sandbox[@]}" \
             "${mods[@]}" >/dev/null)

        libs=()
        for deb in "$dir"/debs/*.deb; do
            dpkg-deb -x "$deb" "$dir"
            # runtime libraries only: not nginx, not the other module
            for alt in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' \
                         | sed 's/(.*)//; s/|.*//; s/ //g'); do
                case $alt in
                    nginx-abi-*|libnginx-mod-*|'') ;;
                    *) libs+=("$alt") ;;
                esac
            done
        done

        libs_missing=()
        for p in $(printf '%s\n' "${libs[@]}" | sort -u); do
            installed "$p" || libs_missing+=("$p")
        done
        if [ ${#libs_missing[@]} -gt 0 ]; then
            echo "deps: installing ${libs_missing[*]} (for the Lua module)"
            $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends "${libs_missing[@]}" >/dev/null
        fi
        echo "$want" >"$stamp"
    fi
fi
