#!/usr/bin/env bash
# Downloads a Debian source tarball with apt-get source and checks it.
#
#   fetch-source.sh DIR PACKAGE=VERSION FILE SHA256
#
# Only the orig tarball is needed; the Debian part of some versions is gone
# from the mirror, so apt-get's own failure is not fatal, the check is.
set -euo pipefail

dir=$1 spec=$2 file=$3 sum=$4

mkdir -p "$dir"
cd "$dir"

if [ ! -f "$file" ] || ! echo "$sum  $file" | sha256sum -c --quiet 2>/dev/null
then
    rm -f "$file"
    apt-get source --download-only "$spec" >apt-source.log 2>&1 || true
fi

if [ ! -f "$file" ]; then
    echo "fetch-source: $file did not download (apt-get source $spec):" >&2
    tail -5 apt-source.log >&2
    exit 1
fi

if ! echo "$sum  $file" | sha256sum -c --quiet; then
    echo "fetch-source: $file does not match its sha256 $sum" >&2
    exit 1
fi
