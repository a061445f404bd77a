
/*
 * Cookie and Set-Cookie header parsing for ngx_privacy_module.
 */


#include <string.h>

#include "privacy_cookie.h"


#define PRIVACY_COOKIE_EXPIRE_ATTRS                                          \
    "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"
#define PRIVACY_COOKIE_DOMAIN     "; Domain="
#define PRIVACY_COOKIE_SECURE     "; Secure"

/* the bytes the tokenizer looks for: one load and one test per byte */
#define PRIVACY_COOKIE_WS         1    /* SP, HTAB */
#define PRIVACY_COOKIE_SEMI       2
#define PRIVACY_COOKIE_EQ         4

#define privacy_cookie_is(c, cls) (privacy_cookie_class[c] & (cls))
#define privacy_cookie_ws(c)      privacy_cookie_is(c, PRIVACY_COOKIE_WS)
#define privacy_cookie_lc(c)                                                 \
    (unsigned char) (((c) >= 'A' && (c) <= 'Z') ? ((c) | 0x20) : (c))


static const unsigned char  privacy_cookie_class[256] = {
    [' '] = PRIVACY_COOKIE_WS,
    ['\t'] = PRIVACY_COOKIE_WS,
    [';'] = PRIVACY_COOKIE_SEMI,
    ['='] = PRIVACY_COOKIE_EQ
};


static void privacy_cookie_trim(const unsigned char **start,
    const unsigned char **end);
static const unsigned char *privacy_cookie_name_end(const unsigned char *p,
    const unsigned char *end);
static int privacy_cookie_prefix(const unsigned char *name, size_t len,
    const char *prefix, size_t prefix_len);


static void
privacy_cookie_trim(const unsigned char **start, const unsigned char **end)
{
    const unsigned char  *s, *e;

    s = *start;
    e = *end;

    while (s < e && privacy_cookie_ws(*s)) {
        s++;
    }

    while (e > s && privacy_cookie_ws(e[-1])) {
        e--;
    }

    *start = s;
    *end = e;
}


/* where a pair's name ends: at its '=' or ';', or at end */

static const unsigned char *
privacy_cookie_name_end(const unsigned char *p, const unsigned char *end)
{
    while (p < end
           && !privacy_cookie_is(*p, PRIVACY_COOKIE_SEMI|PRIVACY_COOKIE_EQ))
    {
        p++;
    }

    return p;
}


/*
 * One forward scan: the name byte by byte up to '=' or ';' (names are
 * short), the value with memchr() up to ';' (values can be long), each
 * trimmed from the back.  The same pairs as splitting at ';', trimming
 * each piece and splitting it at its first '='.
 */

int
privacy_cookie_next(const unsigned char **pos, const unsigned char *end,
    privacy_cookie_t *c)
{
    const unsigned char  *p, *s, *e, *eq, *vs, *semi;

    p = *pos;

    /* whitespace and empty pieces before the pair */
    while (p < end
           && privacy_cookie_is(*p, PRIVACY_COOKIE_WS|PRIVACY_COOKIE_SEMI))
    {
        p++;
    }

    if (p == end) {
        *pos = end;
        return 0;
    }

    s = p;
    p = privacy_cookie_name_end(p, end);

    if (p == end || *p == ';') {
        /* RFC 6265bis: no '=' means an empty name, the piece is the value;
         * *s is no whitespace, so the trim stops at s + 1 at the latest */
        e = p;

        while (privacy_cookie_ws(e[-1])) {
            e--;
        }

        c->start = s;
        c->end = e;
        c->name = s;
        c->name_len = 0;
        c->value = s;
        c->value_len = (size_t) (e - s);

        *pos = (p < end) ? p + 1 : end;

        return 1;
    }

    eq = p;

    e = eq;

    while (e > s && privacy_cookie_ws(e[-1])) {
        e--;
    }

    c->start = s;
    c->name = s;
    c->name_len = (size_t) (e - s);

    p = eq + 1;

    while (p < end && privacy_cookie_ws(*p)) {
        p++;
    }

    vs = p;

    semi = (p < end) ? memchr(p, ';', (size_t) (end - p)) : NULL;
    if (semi == NULL) {
        semi = end;
    }

    e = semi;

    while (e > vs && privacy_cookie_ws(e[-1])) {
        e--;
    }

    if (e == vs) {
        /* an empty value: the pair ends with its '=' */
        vs = eq + 1;
        e = eq + 1;
    }

    c->value = vs;
    c->value_len = (size_t) (e - vs);
    c->end = e;

    *pos = (semi < end) ? semi + 1 : end;

    return 1;
}


size_t
privacy_cookie_filter(const unsigned char *in, size_t len,
    unsigned char *out, privacy_cookie_keep_pt keep, void *data)
{
    size_t                n, kept, i, j;
    privacy_cookie_t      c;
    const unsigned char  *p, *end;

    p = in;
    end = in + len;
    n = 0;
    kept = 0;

    /* first joined with ";": pairs never contain ';', so it fits */

    while (privacy_cookie_next(&p, end, &c)) {

        if (!keep(data, &c)) {
            continue;
        }

        if (kept++) {
            out[n++] = ';';
        }

        memcpy(out + n, c.start, (size_t) (c.end - c.start));
        n += (size_t) (c.end - c.start);
    }

    if (kept < 2 || n + kept - 1 > len) {
        return n;
    }

    /* room for "; ": widen in place from the back */

    i = n;
    j = n + kept - 1;

    while (i > 0) {
        i--;

        if (out[i] == ';') {
            out[--j] = ' ';
        }

        out[--j] = out[i];
    }

    return n + kept - 1;
}


size_t
privacy_cookie_join(const privacy_cookie_t *pairs, size_t n, size_t len,
    unsigned char *out)
{
    size_t          i, total;
    unsigned char  *p;

    if (n == 0) {
        return 0;
    }

    total = 0;

    for (i = 0; i < n; i++) {
        total += (size_t) (pairs[i].end - pairs[i].start);
    }

    /* "; " when it fits, as privacy_cookie_filter() decides */
    total += 2 * (n - 1);

    p = out;

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = ';';

            if (total <= len) {
                *p++ = ' ';
            }
        }

        memcpy(p, pairs[i].start, (size_t) (pairs[i].end - pairs[i].start));
        p += pairs[i].end - pairs[i].start;
    }

    return (size_t) (p - out);
}


/*
 * One scan up to the first '=' or ';': a name that is not empty is all it
 * takes, the value is only looked at when the name is empty.
 */

int
privacy_set_cookie_name(const unsigned char *value, size_t len,
    const unsigned char **name, size_t *name_len)
{
    const unsigned char  *p, *s, *e, *end;

    p = value;
    end = value + len;

    while (p < end && privacy_cookie_ws(*p)) {
        p++;
    }

    s = p;
    p = privacy_cookie_name_end(p, end);

    if (p == end || *p == ';') {
        /* no '=': an empty name, usable when the piece is not empty */
        e = p;
        privacy_cookie_trim(&s, &e);

        if (s == e) {
            return 0;
        }

        *name = s;
        *name_len = 0;

        return 1;
    }

    e = p;

    while (e > s && privacy_cookie_ws(e[-1])) {
        e--;
    }

    if (e == s) {
        /* an empty name: usable when the value is not empty */
        p++;

        while (p < end && privacy_cookie_ws(*p)) {
            p++;
        }

        if (p == end || *p == ';') {
            return 0;
        }
    }

    *name = s;
    *name_len = (size_t) (e - s);

    return 1;
}


static int
privacy_cookie_prefix(const unsigned char *name, size_t len,
    const char *prefix, size_t prefix_len)
{
    size_t  i;

    if (len < prefix_len) {
        return 0;
    }

    for (i = 0; i < prefix_len; i++) {
        if (privacy_cookie_lc(name[i]) != (unsigned char) prefix[i]) {
            return 0;
        }
    }

    return 1;
}


size_t
privacy_cookie_expire_len(const unsigned char *name, size_t name_len,
    const unsigned char *domain, size_t domain_len)
{
    size_t  len;

    (void) domain;

    len = name_len + sizeof(PRIVACY_COOKIE_EXPIRE_ATTRS) - 1;

    if (privacy_cookie_prefix(name, name_len, "__host-", 7)) {
        return len + sizeof(PRIVACY_COOKIE_SECURE) - 1;
    }

    if (privacy_cookie_prefix(name, name_len, "__secure-", 9)) {
        len += sizeof(PRIVACY_COOKIE_SECURE) - 1;
    }

    if (domain_len) {
        len += sizeof(PRIVACY_COOKIE_DOMAIN) - 1 + domain_len;
    }

    return len;
}


unsigned char *
privacy_cookie_expire(unsigned char *dst, const unsigned char *name,
    size_t name_len, const unsigned char *domain, size_t domain_len)
{
    int  host;

    host = privacy_cookie_prefix(name, name_len, "__host-", 7);

    if (name_len) {
        memcpy(dst, name, name_len);
        dst += name_len;
    }

    memcpy(dst, PRIVACY_COOKIE_EXPIRE_ATTRS,
           sizeof(PRIVACY_COOKIE_EXPIRE_ATTRS) - 1);
    dst += sizeof(PRIVACY_COOKIE_EXPIRE_ATTRS) - 1;

    if (host || privacy_cookie_prefix(name, name_len, "__secure-", 9)) {
        memcpy(dst, PRIVACY_COOKIE_SECURE, sizeof(PRIVACY_COOKIE_SECURE) - 1);
        dst += sizeof(PRIVACY_COOKIE_SECURE) - 1;
    }

    if (domain_len && !host) {
        memcpy(dst, PRIVACY_COOKIE_DOMAIN, sizeof(PRIVACY_COOKIE_DOMAIN) - 1);
        dst += sizeof(PRIVACY_COOKIE_DOMAIN) - 1;

        memcpy(dst, domain, domain_len);
        dst += domain_len;
    }

    return dst;
}


int
privacy_cookie_expire_prefixed(const unsigned char *name, size_t name_len)
{
    return privacy_cookie_prefix(name, name_len, "__host-", 7)
           || privacy_cookie_prefix(name, name_len, "__secure-", 9);
}


size_t
privacy_cookie_expire_suffix_len(size_t domain_len)
{
    size_t  len;

    len = sizeof(PRIVACY_COOKIE_EXPIRE_ATTRS) - 1;

    if (domain_len) {
        len += sizeof(PRIVACY_COOKIE_DOMAIN) - 1 + domain_len;
    }

    return len;
}


unsigned char *
privacy_cookie_expire_suffix(unsigned char *dst, const unsigned char *domain,
    size_t domain_len)
{
    /* what privacy_cookie_expire() writes after a name without a prefix */
    return privacy_cookie_expire(dst, NULL, 0, domain, domain_len);
}
