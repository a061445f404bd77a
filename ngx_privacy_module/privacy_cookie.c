
/*
 * Cookie and Set-Cookie header parsing for ngx_privacy_module.
 */


#include <string.h>

#include "privacy_cookie.h"

/*
 * SSE2 is part of x86-64: pieces are searched 16 bytes at a time there.
 * PRIVACY_COOKIE_PORTABLE builds the memchr() search everywhere, which the
 * unit tests and the fuzzer also run.
 */
#if defined(__SSE2__) && !defined(PRIVACY_COOKIE_PORTABLE)
#include <emmintrin.h>
#define PRIVACY_COOKIE_SSE2  1
#endif

/* the pair parser runs once per cookie: no call for it */
#if defined(__GNUC__)
#define PRIVACY_COOKIE_INLINE  inline __attribute__((always_inline))
#else
#define PRIVACY_COOKIE_INLINE  inline
#endif


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
static PRIVACY_COOKIE_INLINE const unsigned char *privacy_cookie_piece(
    const unsigned char *base, const unsigned char *s,
    const unsigned char *end, const unsigned char **eq);
static PRIVACY_COOKIE_INLINE const unsigned char *privacy_cookie_pair(
    const unsigned char *base, const unsigned char *s,
    const unsigned char *end, privacy_cookie_t *c);
static const unsigned char *privacy_cookie_name_end(
    const unsigned char *base, const unsigned char *p,
    const unsigned char *end);
#if (PRIVACY_COOKIE_SSE2)
static PRIVACY_COOKIE_INLINE unsigned privacy_cookie_mask(
    const unsigned char *base, const unsigned char *p,
    const unsigned char *end, unsigned char a, unsigned char b);
#endif
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
privacy_cookie_name_end(const unsigned char *base, const unsigned char *p,
    const unsigned char *end)
{
#if (PRIVACY_COOKIE_SSE2)
    unsigned  m;

    for ( ;; ) {
        m = privacy_cookie_mask(base, p, end, '=', ';');

        if (m) {
            return p + __builtin_ctz(m);
        }

        if (end - p <= 16) {
            return end;
        }

        p += 16;
    }

#else

    (void) base;

    while (p < end
           && !privacy_cookie_is(*p, PRIVACY_COOKIE_SEMI|PRIVACY_COOKIE_EQ))
    {
        p++;
    }

    return p;
#endif
}


#if (PRIVACY_COOKIE_SSE2)

/*
 * Bit i set when byte p[i] is A or B, for the bytes from p up to 16 of
 * them and not past end.  The bytes from base to end can be read: under 16
 * bytes before end, the block read is the last 16 bytes, shifted; a value
 * shorter than that is looked at byte by byte.
 */

static PRIVACY_COOKIE_INLINE unsigned
privacy_cookie_mask(const unsigned char *base, const unsigned char *p,
    const unsigned char *end, unsigned char a, unsigned char b)
{
    unsigned  m, i, shift;
    __m128i   v, c;

    if (end - p >= 16) {
        v = _mm_loadu_si128((const __m128i *) p);
        shift = 0;

    } else if (end - base >= 16) {
        v = _mm_loadu_si128((const __m128i *) (end - 16));
        shift = (unsigned) (16 - (end - p));

    } else {
        m = 0;

        for (i = 0; p + i < end; i++) {
            if (p[i] == a || p[i] == b) {
                m |= 1u << i;
            }
        }

        return m;
    }

    c = _mm_cmpeq_epi8(v, _mm_set1_epi8((char) a));

    if (a != b) {
        c = _mm_or_si128(c, _mm_cmpeq_epi8(v, _mm_set1_epi8((char) b)));
    }

    return (unsigned) _mm_movemask_epi8(c) >> shift;
}

#endif


/*
 * The end of the piece that starts at s: its ';', or end; *eq is the first
 * '=' before it, NULL when there is none.  The bytes from base to end can
 * be read.
 */

static PRIVACY_COOKIE_INLINE const unsigned char *
privacy_cookie_piece(const unsigned char *base, const unsigned char *s,
    const unsigned char *end, const unsigned char **eq)
{
    const unsigned char  *semi;
#if (PRIVACY_COOKIE_SSE2)
    unsigned              ms, me;
    __m128i               v;
    const unsigned char  *p;

    /* the first block gives the ';' of most pieces and the '=' of all but
     * those with names of 16 bytes and more */

    if (end - s >= 16) {
        v = _mm_loadu_si128((const __m128i *) s);
        ms = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(v,
                                                   _mm_set1_epi8(';')));
        me = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(v,
                                                   _mm_set1_epi8('=')));

    } else {
        ms = privacy_cookie_mask(base, s, end, ';', ';');
        me = privacy_cookie_mask(base, s, end, '=', '=');
    }

    if (ms) {
        /* the '=' before the ';' only */
        me &= (ms & (0u - ms)) - 1;
        *eq = me ? s + __builtin_ctz(me) : NULL;

        return s + __builtin_ctz(ms);
    }

    if (end - s <= 16) {
        *eq = me ? s + __builtin_ctz(me) : NULL;

        return end;
    }

    for (p = s + 16; /* void */ ; p += 16) {
        ms = privacy_cookie_mask(base, p, end, ';', ';');

        if (ms) {
            semi = p + __builtin_ctz(ms);
            break;
        }

        if (end - p <= 16) {
            semi = end;
            break;
        }
    }

    *eq = me ? s + __builtin_ctz(me)
             : memchr(s + 16, '=', (size_t) (semi - s - 16));

#else

    (void) base;

    semi = memchr(s, ';', (size_t) (end - s));
    if (semi == NULL) {
        semi = end;
    }

    *eq = memchr(s, '=', (size_t) (semi - s));

#endif

    return semi;
}


/*
 * The pair that starts at s, the first byte of a piece that is no
 * whitespace and no ';': the name ends at the first '=' of the piece, the
 * piece at the next ';', each trimmed from the back.  The same pairs as
 * splitting at ';', trimming each piece and splitting it at its first '='.
 * Returns where the next piece starts.
 */

static PRIVACY_COOKIE_INLINE const unsigned char *
privacy_cookie_pair(const unsigned char *base, const unsigned char *s,
    const unsigned char *end, privacy_cookie_t *c)
{
    const unsigned char  *e, *eq, *vs, *semi;

    semi = privacy_cookie_piece(base, s, end, &eq);

    c->start = s;
    c->name = s;

    if (eq == NULL) {
        /* RFC 6265bis: no '=' means an empty name, the piece is the value;
         * *s is no whitespace, so the trim stops at s + 1 at the latest */
        e = semi;

        while (privacy_cookie_ws(e[-1])) {
            e--;
        }

        c->end = e;
        c->name_len = 0;
        c->value = s;
        c->value_len = (size_t) (e - s);

        return semi < end ? semi + 1 : end;
    }

    if (eq > s && eq + 1 < semi
        && !privacy_cookie_ws(eq[-1]) && !privacy_cookie_ws(eq[1])
        && !privacy_cookie_ws(semi[-1]))
    {
        /* the most of them: nothing to trim, the value is not empty */
        c->name_len = (size_t) (eq - s);
        c->value = eq + 1;
        c->value_len = (size_t) (semi - eq - 1);
        c->end = semi;

        return semi < end ? semi + 1 : end;
    }

    e = eq;

    while (e > s && privacy_cookie_ws(e[-1])) {
        e--;
    }

    c->name_len = (size_t) (e - s);

    vs = eq + 1;

    while (vs < semi && privacy_cookie_ws(*vs)) {
        vs++;
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

    return semi < end ? semi + 1 : end;
}


int
privacy_cookie_next(const unsigned char **pos, const unsigned char *end,
    privacy_cookie_t *c)
{
    const unsigned char  *p;

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

    *pos = privacy_cookie_pair(*pos, p, end, c);

    return 1;
}


size_t
privacy_cookie_parse(const unsigned char *value, size_t len,
    privacy_cookie_t *pairs, size_t max)
{
    size_t                n;
    privacy_cookie_t      c;
    const unsigned char  *p, *end;

    p = value;
    end = value + len;
    n = 0;

    for ( ;; ) {

        /* browsers separate pairs with "; ": one space, then a name */
        if (end - p > 1 && *p == ' '
            && !privacy_cookie_is(p[1], PRIVACY_COOKIE_WS|PRIVACY_COOKIE_SEMI))
        {
            p++;

        } else {
            while (p < end
                   && privacy_cookie_is(*p,
                                        PRIVACY_COOKIE_WS|PRIVACY_COOKIE_SEMI))
            {
                p++;
            }

            if (p == end) {
                return n;
            }
        }

        if (n == max) {
            break;
        }

        p = privacy_cookie_pair(value, p, end, &pairs[n]);
        n++;
    }

    /* more pairs than room: the rest are only counted */

    while (privacy_cookie_next(&p, end, &c)) {
        n++;
    }

    return n;
}


/*
 * A pair's name starts at p when only whitespace is between the ';' before
 * it, or the start of the value, and p: from p the tokenizer then finds the
 * pair it finds from the start.  The name's first byte is searched with
 * memchr(), most bytes of a header are passed over there.
 */

int
privacy_cookie_find(const unsigned char **pos, const unsigned char *value,
    const unsigned char *end, const unsigned char *name, size_t name_len,
    privacy_cookie_t *c)
{
    const unsigned char  *p, *q, *next;

    p = *pos;

    while (name_len && (size_t) (end - p) >= name_len) {

        p = memchr(p, name[0], (size_t) (end - p) - name_len + 1);
        if (p == NULL) {
            break;
        }

        next = p + 1;

        /* the last byte first: most bytes like the first are no name */
        if (p[name_len - 1] == name[name_len - 1]
            && memcmp(p, name, name_len) == 0)
        {

            for (q = p; q > value && privacy_cookie_ws(q[-1]); q--) {
                /* void */
            }

            if (q == value || q[-1] == ';') {
                q = p;

                if (privacy_cookie_next(&q, end, c)
                    && c->name == p && c->name_len == name_len)
                {
                    *pos = q;
                    return 1;
                }

                /* "NAME" in a pair of another name ("NAMEx=", "NAME;") */
            }
        }

        p = next;
    }

    *pos = end;

    return 0;
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


size_t
privacy_cookie_slice(const privacy_cookie_t *pairs, size_t n)
{
    size_t  i;

    for (i = 1; i < n; i++) {
        if (pairs[i - 1].end + 2 != pairs[i].start
            || pairs[i - 1].end[0] != ';' || pairs[i - 1].end[1] != ' ')
        {
            return 0;
        }
    }

    return (size_t) (pairs[n - 1].end - pairs[0].start);
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
    p = privacy_cookie_name_end(value, p, end);

    if (p > s && p < end && *p == '=' && !privacy_cookie_ws(p[-1])) {
        /* the most of them: "name=", nothing to trim */
        *name = s;
        *name_len = (size_t) (p - s);

        return 1;
    }

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
