
/*
 * application/x-www-form-urlencoded parsing for ngx_privacy_module.
 */


#include <string.h>

#include "privacy_form.h"


static int privacy_form_hex(unsigned char c);
static int privacy_form_decode(const unsigned char *p,
    const unsigned char *end, unsigned char *dst, size_t *len);


static int
privacy_form_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


static int
privacy_form_decode(const unsigned char *p, const unsigned char *end,
    unsigned char *dst, size_t *len)
{
    int             hi, lo;
    unsigned char  *d;

    d = dst;

    while (p < end) {

        if (*p == '+') {
            *d++ = ' ';
            p++;
            continue;
        }

        if (*p != '%') {
            *d++ = *p++;
            continue;
        }

        if (end - p < 3) {
            return -1;
        }

        hi = privacy_form_hex(p[1]);
        lo = privacy_form_hex(p[2]);

        if (hi < 0 || lo < 0) {
            return -1;
        }

        *d++ = (unsigned char) (hi << 4 | lo);
        p += 3;
    }

    *len = (size_t) (d - dst);

    return 0;
}


int
privacy_form_next(const unsigned char **pos, const unsigned char *end,
    unsigned char *buf, privacy_form_pair_t *pair)
{
    size_t                i;
    const unsigned char  *p, *amp, *eq;

    p = *pos;

    while (p < end && *p == '&') {
        p++;
    }

    if (p == end) {
        *pos = end;
        return 0;
    }

    amp = memchr(p, '&', (size_t) (end - p));
    if (amp == NULL) {
        amp = end;
    }

    *pos = (amp < end) ? amp + 1 : end;

    eq = memchr(p, '=', (size_t) (amp - p));

    pair->name = buf;

    if (privacy_form_decode(p, eq ? eq : amp, buf, &pair->name_len) != 0
        || pair->name_len == 0)
    {
        return -1;
    }

    for (i = 0; i < pair->name_len; i++) {
        if (buf[i] < 0x20 || buf[i] == 0x7f) {
            return -1;
        }
    }

    pair->value = buf + pair->name_len;
    pair->value_len = 0;

    if (eq && privacy_form_decode(eq + 1, amp, pair->value, &pair->value_len)
              != 0)
    {
        return -1;
    }

    return 1;
}


int
privacy_return_path_ok(const unsigned char *p, size_t len)
{
    size_t  i;

    if (len == 0 || len > PRIVACY_RETURN_PATH_MAX || p[0] != '/') {
        return 0;
    }

    /* "//host" is another origin; "/\host" too, caught below */

    if (len > 1 && p[1] == '/') {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (p[i] <= 0x20 || p[i] == 0x7f || p[i] == '\\') {
            return 0;
        }
    }

    return 1;
}
