
/*
 * The consent record's fields that come from the request: the Host check
 * and the quoting for the error log; a record from Redis as JSON.
 */


#include <string.h>

#include "privacy_banner.h"
#include "privacy_record.h"


static int privacy_record_hex(unsigned char c);
static int privacy_record_reg_name(unsigned char c);


static int
privacy_record_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
           || (c >= 'A' && c <= 'F');
}


/* RFC 3986 unreserved and sub-delims: what a reg-name holds besides %XX */

static int
privacy_record_reg_name(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }

    switch (c) {
    case '-': case '.': case '_': case '~':
    case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=':
        return 1;
    }

    return 0;
}


int
privacy_record_host_ok(const unsigned char *host, size_t len)
{
    const unsigned char  *p, *last;

    if (len == 0 || len > PRIVACY_RECORD_HOST_MAX) {
        return 0;
    }

    p = host;
    last = host + len;

    if (*p == '[') {

        /* an IPv6 literal: its characters, not its grammar */

        for (p++; p < last && *p != ']'; p++) {
            if (!privacy_record_hex(*p) && *p != ':' && *p != '.') {
                return 0;
            }
        }

        if (p == last || p == host + 1) {
            return 0;
        }

        p++;

    } else {

        while (p < last && *p != ':') {

            if (*p == '%') {
                if (last - p < 3
                    || !privacy_record_hex(p[1])
                    || !privacy_record_hex(p[2]))
                {
                    return 0;
                }

                p += 3;
                continue;
            }

            if (!privacy_record_reg_name(*p)) {
                return 0;
            }

            p++;
        }

        if (p == host) {
            return 0;
        }
    }

    if (p == last) {
        return 1;
    }

    if (*p++ != ':' || last - p > 5) {
        return 0;
    }

    for ( /* void */ ; p < last; p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }
    }

    return 1;
}


size_t
privacy_record_quote(unsigned char *dst, const unsigned char *src, size_t n)
{
    size_t             len, i;
    unsigned char      c;
    static const char  hex[] = "0123456789abcdef";

    len = 0;

    if (dst) {
        dst[len] = '"';
    }

    len++;

    for (i = 0; i < n; i++) {
        c = src[i];

        if (c == '"' || c == '\\') {
            if (dst) {
                dst[len] = '\\';
                dst[len + 1] = c;
            }

            len += 2;

        } else if (c < 0x20 || c >= 0x7f) {
            if (dst) {
                dst[len] = '\\';
                dst[len + 1] = 'x';
                dst[len + 2] = (unsigned char) hex[c >> 4];
                dst[len + 3] = (unsigned char) hex[c & 0x0f];
            }

            len += 4;

        } else {
            if (dst) {
                dst[len] = c;
            }

            len++;
        }
    }

    if (dst) {
        dst[len] = '"';
    }

    return len + 1;
}


size_t
privacy_record_json(unsigned char *dst, const privacy_record_field_t *fields,
    size_t n)
{
    size_t  i, len;

    len = 0;

    if (dst) {
        dst[len] = '{';
    }

    len++;

    for (i = 0; i < n; i++) {
        if (dst) {
            if (i) {
                dst[len] = ',';
            }

            dst[len + (i != 0)] = '"';
        }

        len += (i != 0) + 1;
        len += privacy_json_escape(dst ? dst + len : NULL, fields[i].name,
                                   fields[i].name_len);

        if (dst) {
            memcpy(dst + len, "\":\"", 3);
        }

        len += 3;
        len += privacy_json_escape(dst ? dst + len : NULL, fields[i].value,
                                   fields[i].value_len);

        if (dst) {
            dst[len] = '"';
        }

        len++;
    }

    if (dst) {
        dst[len] = '}';
    }

    return len + 1;
}
