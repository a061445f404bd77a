#!/bin/sh
# Writes a C header that holds files as byte arrays, so that the module
# serves them without reading a file at run time.
#
#   embed-assets.sh [-p PREFIX] OUT FILE...
#
# Each FILE becomes "static unsigned char  PREFIXNAME[]", NAME being its
# base name with every character other than a letter or a digit made "_"
# (banner.css: ngx_http_privacy_banner_css).  PREFIX is ngx_http_privacy_
# for the nginx module; tools/build-apache.sh gives mod_privacy_.  A NUL that is not part of
# the file ends each array: the file's length is sizeof() - 1, and an empty
# file makes a valid array.
#
# Plain sh, od and sed, as POSIX has them: nginx's configure and make need
# nothing else (xxd is not in every base system).  objs/Makefile runs it
# (config.make) whenever a FILE is newer than OUT.
set -e

prefix=ngx_http_privacy_
if [ "$1" = -p ]; then
    prefix=$2
    shift 2
fi

out=$1
shift

trap 'rm -f "$out.tmp"' EXIT

{
    echo "/* made by tools/embed-assets.sh: edit the files, not this */"

    for f in "$@"; do
        if [ ! -r "$f" ]; then
            echo "embed-assets.sh: cannot read $f" >&2
            exit 1
        fi

        name=$prefix$(basename "$f" | sed -e 's/[^A-Za-z0-9]/_/g')

        echo
        echo "/* $(basename "$f") */"
        echo "static unsigned char  $name[] = {"
        od -An -v -tx1 "$f" \
            | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1, /g' -e 's/^/    /' \
                  -e 's/ $//'
        echo "    0"
        echo "};"
    done
} >"$out.tmp"

mv -f "$out.tmp" "$out"
