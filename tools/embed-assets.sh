#!/bin/sh
# Writes a C header that holds files as byte arrays, so that the module
# serves them without reading a file at run time.
#
#   embed-assets.sh OUT FILE...
#
# Each FILE becomes "static u_char  ngx_http_privacy_NAME[]", NAME being
# its base name with every character other than a letter or a digit made
# "_" (banner.css: ngx_http_privacy_banner_css).  A NUL that is not part of
# the file ends each array: the file's length is sizeof() - 1, and an empty
# file makes a valid array.
#
# Plain sh, od and sed, as POSIX has them: nginx's configure and make need
# nothing else (xxd is not in every base system).  objs/Makefile runs it
# (config.make) whenever a FILE is newer than OUT.
set -e

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

        name=ngx_http_privacy_$(basename "$f" | sed -e 's/[^A-Za-z0-9]/_/g')

        echo
        echo "/* $(basename "$f") */"
        echo "static u_char  $name[] = {"
        od -An -v -tx1 "$f" \
            | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1, /g' -e 's/^/    /' \
                  -e 's/ $//'
        echo "    0"
        echo "};"
    done
} >"$out.tmp"

mv -f "$out.tmp" "$out"
