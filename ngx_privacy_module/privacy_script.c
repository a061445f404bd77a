
/*
 * Third-party scripts, frames and pixels held back until their category
 * is granted: URL patterns, classification, the streaming tag rewriter.
 */


#include <string.h>
#if (defined(__SSE2__) && defined(__GNUC__))
#include <emmintrin.h>
#define PRIVACY_SCRIPT_SSE2  1
#else
#define PRIVACY_SCRIPT_SSE2  0
#endif

#include "privacy_script.h"


/* rewriter modes */
enum {
    PRIVACY_W_PASS = 0,       /* bytes go out as they come */
    PRIVACY_W_TAG,            /* a start tag held from its '<' */
    PRIVACY_W_SCRIPT,         /* an inline script's start tag and text held */
    PRIVACY_W_EMIT            /* held bytes going out, edited by action */
};

/* what is done to a held tag */
enum {
    PRIVACY_A_NONE = 0,       /* untouched */
    PRIVACY_A_BLOCK,          /* URL attributes renamed, category added */
    PRIVACY_A_UNMARK          /* a granted marked tag made live */
};

/* the tags the rewriter looks at */
enum {
    PRIVACY_T_OTHER = 0,
    PRIVACY_T_SCRIPT,
    PRIVACY_T_IFRAME,
    PRIVACY_T_IMG,
    PRIVACY_T_LINK
};

#define PRIVACY_DP      "data-privacy-"
#define PRIVACY_DP_LEN  (sizeof(PRIVACY_DP) - 1)

/* the most distinct first bytes of patterns compared 16 at a time */
#define PRIVACY_SCRIPT_FIRST_MAX  8

/* "</script" and the byte that ended it */
#define PRIVACY_SCRIPT_END_LEN  9

#define privacy_script_ws(c)                                                 \
    ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' || (c) == '\f')
#define privacy_script_lc(c)                                                 \
    (unsigned char) (((c) >= 'A' && (c) <= 'Z') ? ((c) | 0x20) : (c))
#define privacy_script_alnum(c)                                              \
    (((c) >= '0' && (c) <= '9')                                              \
     || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z'))
#define privacy_script_alpha(c)                                              \
    (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define privacy_script_hex(c)                                                \
    (((c) >= '0' && (c) <= '9')                                              \
     || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'f'))
#define privacy_script_hexval(c)                                             \
    (unsigned char) (((c) <= '9') ? (c) - '0' : ((c) | 0x20) - 'a' + 10)
#define privacy_script_hostc(c)                                              \
    (privacy_script_alnum(c) || (c) == '-')

/* the ALEN bytes at A are the lowercase literal LIT, in any case */
#define privacy_script_caseeq(a, alen, lit)                                  \
    ((alen) == sizeof(lit) - 1                                               \
     && privacy_script_caseeq_n((a), (lit), sizeof(lit) - 1))


/* byte classes for privacy_script_attr() */
#define PRIVACY_SC_WS         0x01    /* HTML whitespace */
#define PRIVACY_SC_GAP        0x02    /* between attributes: ws and '/' */
#define PRIVACY_SC_NAME_STOP  0x04    /* ends an attribute name */
#define PRIVACY_SC_UNQ_STOP   0x08    /* ends an unquoted value */

#define PRIVACY_SC_SPACE                                                     \
    (PRIVACY_SC_WS | PRIVACY_SC_GAP | PRIVACY_SC_NAME_STOP                   \
     | PRIVACY_SC_UNQ_STOP)

static const unsigned char  privacy_script_class[256] = {
    ['\t'] = PRIVACY_SC_SPACE,
    ['\n'] = PRIVACY_SC_SPACE,
    ['\f'] = PRIVACY_SC_SPACE,
    ['\r'] = PRIVACY_SC_SPACE,
    [' ']  = PRIVACY_SC_SPACE,
    ['/']  = PRIVACY_SC_GAP | PRIVACY_SC_NAME_STOP,
    ['=']  = PRIVACY_SC_NAME_STOP,
    ['>']  = PRIVACY_SC_NAME_STOP | PRIVACY_SC_UNQ_STOP
};


typedef struct {
    size_t  name;             /* offsets in the tag */
    size_t  name_len;
    size_t  value;            /* without the quotes */
    size_t  value_len;
    size_t  end;
    int     has_value;
} privacy_script_attr_t;


typedef struct {
    const char  *name;
    size_t       len;
    unsigned     cp;
} privacy_script_ref_t;


static int privacy_script_host_ok(const unsigned char *h, size_t len);
static size_t privacy_script_authority(const unsigned char *u, size_t len,
    int scheme, unsigned char *host, size_t size, size_t *rest);
static int privacy_script_relative(const unsigned char *u, size_t len);
static int privacy_script_url_norm(const privacy_script_set_t *set,
    unsigned char *u, size_t len);
static int privacy_script_match(const privacy_script_pattern_t *p,
    int scheme, const unsigned char *host, size_t host_len,
    const unsigned char *rest, size_t rest_len);
static size_t privacy_script_utf8(unsigned char *dst, unsigned cp);
static inline int privacy_script_caseeq_n(const unsigned char *a,
    const char *b, size_t n);
static int privacy_script_text_at(const privacy_script_pattern_t *p,
    const unsigned char *t, size_t len, size_t k);
static int privacy_script_attr(const unsigned char *t, size_t n,
    size_t *pos, privacy_script_attr_t *a);
static int privacy_script_kind(const privacy_banner_t *m);
static int privacy_script_granted(const privacy_script_rw_t *w, int cat);
static int privacy_script_decide(privacy_script_rw_t *w, int kind);
static int privacy_script_srcset(privacy_script_rw_t *w,
    const unsigned char *v, size_t len);
static int privacy_script_rel(const unsigned char *v, size_t len);
static int privacy_script_js_type(const unsigned char *v, size_t len);
static int privacy_script_edit(privacy_script_rw_t *w,
    const privacy_script_attr_t *a);
static void privacy_script_emit(privacy_script_rw_t *w, int action,
    int category);
static void privacy_script_segment(privacy_script_rw_t *w,
    privacy_script_step_t *s);
static void privacy_script_piece(privacy_script_rw_t *w,
    privacy_script_step_t *s);


/* by PRIVACY_T_ */
static const char  *privacy_script_elements[] = {
    "", "script", "iframe", "img", "link"
};


static const privacy_script_ref_t  privacy_script_refs[] = {
    { "amp;", 4, '&' },
    { "lt;", 3, '<' },
    { "gt;", 3, '>' },
    { "quot;", 5, '"' },
    { "apos;", 5, '\'' },
    { "colon;", 6, ':' },
    { "sol;", 4, '/' },
    { "period;", 7, '.' },
    { "quest;", 6, '?' },
    { "num;", 4, '#' },
    { "commat;", 7, '@' },
    { "equals;", 7, '=' },
    { "percnt;", 7, '%' },
    { "Tab;", 4, '\t' },
    { "NewLine;", 8, '\n' },
    /* legacy references a browser takes without the ';' */
    { "amp", 3, '&' },
    { "lt", 2, '<' },
    { "gt", 2, '>' },
    { "quot", 4, '"' }
};


int
privacy_script_pattern(privacy_script_pattern_t *p, unsigned char *text,
    size_t len, int category)
{
    size_t  i, n;

    memset(p, 0, sizeof(privacy_script_pattern_t));
    p->category = category;

    if (len && text[0] == '~') {
        if (len == 1) {
            return -1;
        }

        p->type = PRIVACY_SCRIPT_REGEX;
        p->host = text + 1;
        p->host_len = len - 1;
        return 0;
    }

    n = 0;

    if (len > 7 && privacy_script_caseeq(text, 7, "http://")) {
        p->scheme = 'h';
        n = 7;

    } else if (len > 8 && privacy_script_caseeq(text, 8, "https://")) {
        p->scheme = 's';
        n = 8;

    } else if (len > 2 && memcmp(text, "//", 2) == 0) {
        n = 2;
    }

    /* the scheme and the host lowercased, not the path */

    for (i = 0; i < len && (i < n || text[i] != '/'); i++) {
        if (text[i] >= 'A' && text[i] <= 'Z') {
            text[i] |= 0x20;
        }
    }

    if (n) {
        p->type = PRIVACY_SCRIPT_PREFIX;
        p->host = text + n;

        for (i = n; i < len && text[i] != '/'; i++) {
            if (text[i] == '?' || text[i] == '#') {
                return -1;
            }
        }

        p->host_len = i - n;
        p->path = text + i;
        p->path_len = len - i;

    } else if (len && text[0] == '.') {
        p->type = PRIVACY_SCRIPT_DOMAIN;
        p->host = text + 1;
        p->host_len = len - 1;

    } else {
        p->type = PRIVACY_SCRIPT_HOST;
        p->host = text;
        p->host_len = len;
    }

    if (!privacy_script_host_ok(p->host, p->host_len)) {
        return -1;
    }

    /* the scheme's default port is left out, as in a URL's host */

    n = p->host_len;

    if ((p->scheme == 'h' && n > 3
         && memcmp(p->host + n - 3, ":80", 3) == 0)
        || (p->scheme == 's' && n > 4
            && memcmp(p->host + n - 4, ":443", 4) == 0))
    {
        p->host_len = (size_t) ((const unsigned char *)
                                memchr(p->host, ':', n) - p->host);
    }

    return 0;
}


/* letters, digits, '-', '.', no empty label, optionally ":" 1-5 digits */

static int
privacy_script_host_ok(const unsigned char *h, size_t len)
{
    size_t  i, label, port;

    label = 0;

    for (i = 0; i < len && h[i] != ':'; i++) {
        if (h[i] == '.') {
            if (label == 0) {
                return 0;
            }

            label = 0;
            continue;
        }

        if (!privacy_script_hostc(h[i])) {
            return 0;
        }

        label++;
    }

    if (i == 0 || label == 0) {
        return 0;
    }

    if (i == len) {
        return 1;
    }

    port = len - i - 1;

    if (port == 0 || port > 5) {
        return 0;
    }

    for (i++; i < len; i++) {
        if (h[i] < '0' || h[i] > '9') {
            return 0;
        }
    }

    return 1;
}


static size_t
privacy_script_utf8(unsigned char *dst, unsigned cp)
{
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        cp = 0xfffd;
    }

    if (cp < 0x80) {
        dst[0] = (unsigned char) cp;
        return 1;
    }

    if (cp < 0x800) {
        dst[0] = (unsigned char) (0xc0 | (cp >> 6));
        dst[1] = (unsigned char) (0x80 | (cp & 0x3f));
        return 2;
    }

    if (cp < 0x10000) {
        dst[0] = (unsigned char) (0xe0 | (cp >> 12));
        dst[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
        dst[2] = (unsigned char) (0x80 | (cp & 0x3f));
        return 3;
    }

    dst[0] = (unsigned char) (0xf0 | (cp >> 18));
    dst[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3f));
    dst[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
    dst[3] = (unsigned char) (0x80 | (cp & 0x3f));
    return 4;
}


size_t
privacy_script_decode(unsigned char *dst, const unsigned char *src,
    size_t len)
{
    int                          hex;
    size_t                       i, j, k, d, n;
    unsigned                     cp, v;
    const unsigned char         *amp;
    const privacy_script_ref_t  *ref;

    ref = NULL;   /* set before use; clang cannot tell */

    /* most values have no reference: copied up to the first '&' at once */

    amp = (len == 0) ? NULL : memchr(src, '&', len);
    d = (amp == NULL) ? len : (size_t) (amp - src);

    if (d) {
        memcpy(dst, src, d);
    }

    for (i = d; i < len; i++) {

        if (src[i] != '&' || i + 1 == len) {
            dst[d++] = src[i];
            continue;
        }

        if (src[i + 1] == '#') {
            j = i + 2;
            hex = (j < len && (src[j] | 0x20) == 'x');
            j += hex;
            cp = 0;

            for (k = j; k < len; k++) {
                if (src[k] >= '0' && src[k] <= '9') {
                    v = src[k] - '0';

                } else if (hex && (src[k] | 0x20) >= 'a'
                           && (src[k] | 0x20) <= 'f')
                {
                    v = (src[k] | 0x20) - 'a' + 10;

                } else {
                    break;
                }

                /* stays over 0x10FFFF once there: U+FFFD */
                if (cp <= 0x10ffff) {
                    cp = cp * (hex ? 16 : 10) + v;
                }
            }

            if (k == j) {
                /* "&#" with no digits is not a reference */
                dst[d++] = src[i];
                continue;
            }

            if (k < len && src[k] == ';') {
                k++;
            }

            /* "&#1;" is 4 bytes, its UTF-8 at most as long */
            d += privacy_script_utf8(dst + d, cp);
            i = k - 1;
            continue;
        }

        for (n = 0; n < sizeof(privacy_script_refs)
                        / sizeof(privacy_script_refs[0]); n++)
        {
            ref = &privacy_script_refs[n];

            if (len - i - 1 < ref->len
                || memcmp(src + i + 1, ref->name, ref->len) != 0)
            {
                continue;
            }

            k = i + 1 + ref->len;

            /* in an attribute, "&ampx" and "&amp=" stay as they are */
            if (ref->name[ref->len - 1] != ';' && k < len
                && (privacy_script_alnum(src[k]) || src[k] == '='))
            {
                continue;
            }

            break;
        }

        if (n == sizeof(privacy_script_refs) / sizeof(privacy_script_refs[0]))
        {
            dst[d++] = src[i];
            continue;
        }

        dst[d++] = (unsigned char) ref->cp;
        i += ref->len;
    }

    return d;
}


/*
 * The host of u (from just after the scheme's ':' or at the leading
 * slashes), %-decoded and lowercased into host (size bytes), with ":port"
 * unless it is the scheme's default; *rest is where the path starts.
 * Returns the host's length, 0 when there is none or it does not fit.
 */

static size_t
privacy_script_authority(const unsigned char *u, size_t len, int scheme,
    unsigned char *host, size_t size, size_t *rest)
{
    size_t                i, start, end, n, at;
    unsigned char         c;
    const unsigned char  *colon;

    for (i = 0; i < len && u[i] == '/'; i++) { /* void */ }

    start = i;

    for (end = start; end < len; end++) {
        if (u[end] == '/' || u[end] == '?' || u[end] == '#') {
            break;
        }
    }

    *rest = end;

    /* userinfo: up to the last '@' */
    for (at = end; at > start; at--) {
        if (u[at - 1] == '@') {
            start = at;
            break;
        }
    }

    n = 0;

    for (i = start; i < end; i++) {
        c = u[i];

        if (c == '%' && end - i > 2 && privacy_script_hex(u[i + 1])
            && privacy_script_hex(u[i + 2]))
        {
            c = (unsigned char) (privacy_script_hexval(u[i + 1]) << 4
                                 | privacy_script_hexval(u[i + 2]));
            i += 2;
        }

        if (n == size) {
            return 0;
        }

        host[n++] = privacy_script_lc(c);
    }

    /* a trailing '.' names the same host */
    colon = memchr(host, ':', n);
    end = colon ? (size_t) (colon - host) : n;

    if (end && host[end - 1] == '.') {
        memmove(host + end - 1, host + end, n - end);
        n--;
        end--;
    }

    if (colon && ((scheme != 's' && n - end == 3
                   && memcmp(host + end, ":80", 3) == 0)
                  || (scheme != 'h' && n - end == 4
                      && memcmp(host + end, ":443", 4) == 0)
                  || n - end == 1))
    {
        n = end;
    }

    return n;
}


/* does PREFIX, HOST or DOMAIN p match a URL with this host */

static int
privacy_script_match(const privacy_script_pattern_t *p, int scheme,
    const unsigned char *host, size_t host_len, const unsigned char *rest,
    size_t rest_len)
{
    size_t  n;

    /* a HOST or DOMAIN pattern without a port matches any port */
    n = host_len;

    if (memchr(p->host, ':', p->host_len) == NULL
        && memchr(host, ':', host_len))
    {
        n = (size_t) ((const unsigned char *) memchr(host, ':', host_len)
                      - host);
    }

    switch (p->type) {

    case PRIVACY_SCRIPT_HOST:
        return n == p->host_len && memcmp(host, p->host, n) == 0;

    case PRIVACY_SCRIPT_DOMAIN:
        return n >= p->host_len
               && memcmp(host + n - p->host_len, p->host, p->host_len) == 0
               && (n == p->host_len || host[n - p->host_len - 1] == '.');

    default: /* PRIVACY_SCRIPT_PREFIX */
        if (p->scheme && scheme && p->scheme != scheme) {
            return 0;
        }

        if (host_len != p->host_len || memcmp(host, p->host, host_len) != 0) {
            return 0;
        }

        if (p->path_len == 0) {
            return 1;
        }

        /* "https://host" is "https://host/" */
        if (rest_len == 0) {
            return p->path_len == 1;
        }

        return rest_len >= p->path_len
               && memcmp(rest, p->path, p->path_len) == 0;
    }
}


/*
 * Whether u (decoded, trimmed) is a relative URL without a host as the
 * normalization below finds one: no scheme (which starts with a letter)
 * and not two leading slashes (tabs and newlines between them dropped,
 * '\\' taken as '/').
 */

static int
privacy_script_relative(const unsigned char *u, size_t len)
{
    size_t  i;

    if (len == 0) {
        return 1;
    }

    if (u[0] != '/' && u[0] != '\\') {
        return !privacy_script_alpha(u[0]);
    }

    for (i = 1; i < len; i++) {
        if (u[i] != '\t' && u[i] != '\n' && u[i] != '\r') {
            return u[i] != '/' && u[i] != '\\';
        }
    }

    return 1;
}


/* u[0 .. len) decoded, writable: normalized in place, then matched */

static int
privacy_script_url_norm(const privacy_script_set_t *set, unsigned char *u,
    size_t len)
{
    int                              scheme, rc, rel;
    size_t                           i, n, s, host_len, rest;
    unsigned char                    host[262], *q;
    const privacy_script_pattern_t  *p;

    while (len && u[0] <= 0x20) {
        u++;
        len--;
    }

    while (len && u[len - 1] <= 0x20) {
        len--;
    }

    if (privacy_script_relative(u, len)) {
        /* no host: only an expression may match it */
        for (i = 0; i < set->npatterns; i++) {
            if (set->patterns[i].type == PRIVACY_SCRIPT_REGEX) {
                break;
            }
        }

        if (i == set->npatterns) {
            return PRIVACY_MATCH_NONE;
        }
    }

    /* tabs and newlines dropped: most URLs have none, looked for first */

    n = len;

    for (i = 0; i < 3; i++) {
        q = memchr(u, "\t\n\r"[i], n);
        if (q) {
            n = (size_t) (q - u);
        }
    }

    for (i = n; i < len; i++) {
        if (u[i] != '\t' && u[i] != '\n' && u[i] != '\r') {
            u[n++] = u[i];
        }
    }

    len = n;

    /* the scheme, if any */
    for (s = 0; s < len; s++) {
        if (!(privacy_script_alnum(u[s]) || u[s] == '+' || u[s] == '-'
              || u[s] == '.'))
        {
            break;
        }
    }

    scheme = 0;
    rel = 1;

    if (s && s < len && u[s] == ':' && privacy_script_alnum(u[0])
        && !(u[0] >= '0' && u[0] <= '9'))
    {
        rel = 0;

        if (privacy_script_caseeq(u, s, "http")) {
            scheme = 'h';

        } else if (privacy_script_caseeq(u, s, "https")) {
            scheme = 's';
        }

    } else {
        s = 0;
    }

    host_len = 0;
    rest = 0;

    if (scheme || rel) {
        q = memchr(u, '\\', len);

        for (i = q ? (size_t) (q - u) : len; i < len; i++) {
            if (u[i] == '\\') {
                u[i] = '/';
            }
        }

        /* "//host" or "http:host", "https:///host" */
        if (scheme || (len >= 2 && u[0] == '/' && u[1] == '/')) {
            n = scheme ? s + 1 : 0;
            host_len = privacy_script_authority(u + n, len - n, scheme, host,
                                                sizeof(host), &rest);
            rest += n;
        }
    }

    for (i = 0; i < set->npatterns; i++) {
        p = &set->patterns[i];

        if (p->type == PRIVACY_SCRIPT_REGEX) {
            if (set->match == NULL) {
                continue;
            }

            rc = set->match(p->regex, u, len);

            if (rc < 0) {
                return PRIVACY_MATCH_ERROR;
            }

            if (rc) {
                return p->category;
            }

            continue;
        }

        if (host_len
            && privacy_script_match(p, scheme, host, host_len, u + rest,
                                    len - rest))
        {
            return p->category;
        }
    }

    return PRIVACY_MATCH_NONE;
}


int
privacy_script_url(const privacy_script_set_t *set,
    const unsigned char *value, size_t len, unsigned char *work)
{
    size_t  n;

    /*
     * "/path": first-party, for a regex only; unless what follows the
     * '/' may make it "//host" once decoded and stripped
     */

    if (set->match == NULL && len > 0 && value[0] == '/'
        && (len == 1
            || !(value[1] == '/' || value[1] == '\\' || value[1] == '&'
                 || value[1] == '\t' || value[1] == '\n' || value[1] == '\r')))
    {
        return PRIVACY_MATCH_NONE;
    }

    n = privacy_script_decode(work, value, len);

    return privacy_script_url_norm(set, work, n);
}


static inline int
privacy_script_caseeq_n(const unsigned char *a, const char *b, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (privacy_script_lc(a[i]) != (unsigned char) b[i]) {
            return 0;
        }
    }

    return 1;
}


/* does p's host (and path) start at t[k], bounded as a host name */

static int
privacy_script_text_at(const privacy_script_pattern_t *p,
    const unsigned char *t, size_t len, size_t k)
{
    size_t  i, j;

    if (len - k < p->host_len) {
        return 0;
    }

    for (i = 0; i < p->host_len; i++) {
        if (privacy_script_lc(t[k + i]) != p->host[i]) {
            return 0;
        }
    }

    if (k > 0 && (privacy_script_hostc(t[k - 1])
                  || (t[k - 1] == '.' && p->type != PRIVACY_SCRIPT_DOMAIN)))
    {
        return 0;
    }

    j = k + i;

    if (j < len && (privacy_script_hostc(t[j])
                    || (t[j] == '.' && j + 1 < len
                        && privacy_script_hostc(t[j + 1]))))
    {
        return 0;
    }

    if (p->type != PRIVACY_SCRIPT_PREFIX) {
        return 1;
    }

    /* the path, with "\/" for '/' as JavaScript strings write it */

    for (i = 0; i < p->path_len; i++) {
        if (j < len && p->path[i] == '/' && t[j] == '\\' && j + 1 < len
            && t[j + 1] == '/')
        {
            j++;
        }

        if (j == len || t[j] != p->path[i]) {
            return 0;
        }

        j++;
    }

    return 1;
}


#if (PRIVACY_SCRIPT_SSE2)

/* 16 bytes lowercased ASCII-wise (signed: bytes from 0x80 are below 'A') */

static inline __m128i
privacy_script_lower(__m128i x)
{
    __m128i  upper;

    upper = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
                          _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));

    return _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
}


/*
 * The patterns in want that may start at the bytes text[k + bit] of mask
 * (by first), tried there; the first that matches leaves in want only
 * those before it, and its index in *n
 */

static inline void
privacy_script_text_hits(const privacy_script_set_t *set,
    const uint32_t *first, const unsigned char *text, size_t len, size_t k,
    unsigned mask, uint32_t *want, size_t *n)
{
    size_t    i, at;
    uint32_t  bits;

    for ( /* void */ ; mask && *want; mask &= mask - 1) {
        at = k + (size_t) __builtin_ctz(mask);
        bits = first[text[at]] & *want;

        for (i = 0; bits; i++, bits >>= 1) {
            if ((bits & 1)
                && privacy_script_text_at(&set->patterns[i], text, len, at))
            {
                *want = ((uint32_t) 1 << i) - 1;
                *n = i;
                break;
            }
        }
    }
}

#endif


int
privacy_script_text(const privacy_script_set_t *set,
    const unsigned char *text, size_t len)
{
    size_t                           i, k, n, nb, np;
    uint32_t                         first[256], want, bits;
    unsigned char                    c, bytes[PRIVACY_SCRIPT_FIRST_MAX],
                                     pairs[PRIVACY_SCRIPT_FIRST_MAX][2];
    const privacy_script_pattern_t  *p;
#if (PRIVACY_SCRIPT_SSE2)
    size_t                           j;
    unsigned                         mask;
    __m128i                          firsts[PRIVACY_SCRIPT_FIRST_MAX],
                                     seconds[PRIVACY_SCRIPT_FIRST_MAX],
                                     chunk, next, hits, eq;
#endif

    /*
     * The first 32 patterns in one pass over the text: the patterns that
     * may start at a byte, as bits by the byte; the first pattern in
     * configuration order that matches anywhere wins, so once one did only
     * those before it are looked for.
     */

    n = (set->npatterns < 32) ? set->npatterns : 32;
    want = 0;
    nb = 0;
    np = 0;

    memset(first, 0, sizeof(first));

    for (i = 0; i < n; i++) {
        p = &set->patterns[i];

        if (p->type == PRIVACY_SCRIPT_REGEX || p->host_len == 0) {
            continue;
        }

        /* the host's first two bytes (lowercase; 0: it has one) */

        for (k = 0; k < np && k < PRIVACY_SCRIPT_FIRST_MAX; k++) {
            if (pairs[k][0] == p->host[0]
                && pairs[k][1] == (p->host_len > 1 ? p->host[1] : 0))
            {
                break;
            }
        }

        if (k == np && np++ < PRIVACY_SCRIPT_FIRST_MAX) {
            pairs[k][0] = p->host[0];
            pairs[k][1] = (p->host_len > 1) ? p->host[1] : 0;
        }

        c = p->host[0];

        if (first[c] == 0 && nb++ < PRIVACY_SCRIPT_FIRST_MAX) {
            bytes[nb - 1] = c;
        }

        first[c] |= (uint32_t) 1 << i;

        if (c >= 'a' && c <= 'z') {
            c -= 0x20;

            if (first[c] == 0 && nb++ < PRIVACY_SCRIPT_FIRST_MAX) {
                bytes[nb - 1] = c;
            }

            first[c] |= (uint32_t) 1 << i;
        }

        want |= (uint32_t) 1 << i;
    }

    k = 0;

#if (PRIVACY_SCRIPT_SSE2)

    /*
     * With a few distinct pairs of first bytes, 16 bytes of the text at a
     * time (lowercased) and the 16 after the first are compared with all
     * of them; only where one is the table is asked.
     */

    if (np <= PRIVACY_SCRIPT_FIRST_MAX) {

        for (j = 0; j < np; j++) {
            firsts[j] = _mm_set1_epi8((char) pairs[j][0]);
            seconds[j] = _mm_set1_epi8((char) pairs[j][1]);
        }

        for ( /* void */ ; k + 17 <= len && want; k += 16) {
            chunk = privacy_script_lower(_mm_loadu_si128(
                        (const __m128i *) (const void *) (text + k)));
            next = privacy_script_lower(_mm_loadu_si128(
                       (const __m128i *) (const void *) (text + k + 1)));
            hits = _mm_setzero_si128();

            for (j = 0; j < np; j++) {
                eq = _mm_cmpeq_epi8(chunk, firsts[j]);

                if (pairs[j][1]) {
                    eq = _mm_and_si128(eq, _mm_cmpeq_epi8(next, seconds[j]));
                }

                hits = _mm_or_si128(hits, eq);
            }

            mask = (unsigned) _mm_movemask_epi8(hits);

            privacy_script_text_hits(set, first, text, len, k, mask, &want,
                                     &n);
        }

    } else if (nb <= PRIVACY_SCRIPT_FIRST_MAX) {

        for (j = 0; j < nb; j++) {
            firsts[j] = _mm_set1_epi8((char) bytes[j]);
        }

        for ( /* void */ ; k + 16 <= len && want; k += 16) {
            chunk = _mm_loadu_si128((const __m128i *) (const void *)
                                    (text + k));
            hits = _mm_setzero_si128();

            for (j = 0; j < nb; j++) {
                hits = _mm_or_si128(hits, _mm_cmpeq_epi8(chunk, firsts[j]));
            }

            mask = (unsigned) _mm_movemask_epi8(hits);

            privacy_script_text_hits(set, first, text, len, k, mask, &want,
                                     &n);
        }
    }

#else
    (void) bytes;
    (void) pairs;
#endif

    for ( /* void */ ; k < len && want; k++) {
        bits = first[text[k]] & want;

        for (i = 0; bits; i++, bits >>= 1) {
            if ((bits & 1)
                && privacy_script_text_at(&set->patterns[i], text, len, k))
            {
                /* only those before it from now on */
                want = ((uint32_t) 1 << i) - 1;
                n = i;
                break;
            }
        }
    }

    if (n < 32 && n < set->npatterns) {
        return set->patterns[n].category;
    }

    /* the patterns after the first 32, one pass each */

    for (i = 32; i < set->npatterns; i++) {
        p = &set->patterns[i];

        if (p->type == PRIVACY_SCRIPT_REGEX || p->host_len == 0) {
            continue;
        }

        for (k = 0; k + p->host_len <= len; k++) {
            if (privacy_script_lc(text[k]) == p->host[0]
                && privacy_script_text_at(p, text, len, k))
            {
                return p->category;
            }
        }
    }

    return PRIVACY_MATCH_NONE;
}


/*
 * The next attribute of a whole start tag t[0 .. n) from *pos (just
 * after the tag name or after the previous attribute), as the HTML
 * tokenizer reads it.  Returns 0 at the tag's '>'.
 */

static int
privacy_script_attr(const unsigned char *t, size_t n, size_t *pos,
    privacy_script_attr_t *a)
{
    size_t                i;
    unsigned char         q;
    const unsigned char  *v;

    i = *pos;

    while (i < n && (privacy_script_class[t[i]] & PRIVACY_SC_GAP)) {
        i++;
    }

    if (i >= n || t[i] == '>') {
        *pos = i;
        return 0;
    }

    a->name = i;

    /* the first byte is a name byte even when it is '=' */
    for (i++; i < n; i++) {
        if (privacy_script_class[t[i]] & PRIVACY_SC_NAME_STOP) {
            break;
        }
    }

    a->name_len = i - a->name;
    a->has_value = 0;
    a->value = i;
    a->value_len = 0;
    a->end = i;

    while (i < n && (privacy_script_class[t[i]] & PRIVACY_SC_WS)) {
        i++;
    }

    if (i == n || t[i] != '=') {
        *pos = a->end;
        return 1;
    }

    for (i++; i < n && (privacy_script_class[t[i]] & PRIVACY_SC_WS); i++) {
        /* void */
    }

    a->has_value = 1;

    if (i < n && (t[i] == '"' || t[i] == '\'')) {
        q = t[i];
        a->value = ++i;
        v = memchr(t + i, q, n - i);
        i = v ? (size_t) (v - t) : n;

        a->value_len = i - a->value;
        a->end = (i < n) ? i + 1 : n;

    } else {
        a->value = i;

        while (i < n && !(privacy_script_class[t[i]] & PRIVACY_SC_UNQ_STOP)) {
            i++;
        }

        a->value_len = i - a->value;
        a->end = i;
    }

    *pos = a->end;

    return 1;
}


void
privacy_script_init(privacy_script_rw_t *w, const privacy_script_set_t *set,
    uint32_t granted)
{
    privacy_banner_init(&w->html, PRIVACY_BANNER_TOKENS);

    w->set = set;
    w->granted = granted;
    w->live = granted;
    w->mode = PRIVACY_W_PASS;
    w->kind = PRIVACY_T_OTHER;
    w->category = PRIVACY_MATCH_NONE;
    w->action = PRIVACY_A_NONE;
    w->held_len = 0;
    w->tag_len = 0;
    w->name_end = 0;
    w->cursor = 0;
    w->attr = 0;
    w->skip = 0;
    w->piece = 0;
    w->pending_len = 0;
    w->reported = 0;
    w->marked_seen = 0;
    w->tag_state = PRIVACY_BANNER_TAG_NONE;
}


static int
privacy_script_kind(const privacy_banner_t *m)
{
    if (m->name_len == 6 && memcmp(m->name, "script", 6) == 0) {
        return PRIVACY_T_SCRIPT;
    }

    if (m->name_len == 6 && memcmp(m->name, "iframe", 6) == 0) {
        return PRIVACY_T_IFRAME;
    }

    if (m->name_len == 3 && memcmp(m->name, "img", 3) == 0) {
        return PRIVACY_T_IMG;
    }

    if (m->name_len == 4 && memcmp(m->name, "link", 4) == 0) {
        return PRIVACY_T_LINK;
    }

    return PRIVACY_T_OTHER;
}


static int
privacy_script_granted(const privacy_script_rw_t *w, int cat)
{
    return cat >= 0 && cat < 32 && (w->granted >> cat) & 1;
}


/* rel="preload", "prefetch", "preconnect" or "dns-prefetch" among others */

static int
privacy_script_rel(const unsigned char *v, size_t len)
{
    size_t  i, s;

    for (i = 0; i < len; /* void */ ) {
        while (i < len && privacy_script_ws(v[i])) {
            i++;
        }

        s = i;

        while (i < len && !privacy_script_ws(v[i])) {
            i++;
        }

        if (privacy_script_caseeq(v + s, i - s, "preload")
            || privacy_script_caseeq(v + s, i - s, "prefetch")
            || privacy_script_caseeq(v + s, i - s, "preconnect")
            || privacy_script_caseeq(v + s, i - s, "dns-prefetch"))
        {
            return 1;
        }
    }

    return 0;
}


/* a type a browser runs as a script */

static int
privacy_script_js_type(const unsigned char *v, size_t len)
{
    size_t  i;

    while (len && privacy_script_ws(v[0])) {
        v++;
        len--;
    }

    while (len && privacy_script_ws(v[len - 1])) {
        len--;
    }

    if (len == 0 || privacy_script_caseeq(v, len, "module")) {
        return 1;
    }

    for (i = 0; i + 10 <= len; i++) {
        if (privacy_script_caseeq(v + i, 10, "javascript")
            || privacy_script_caseeq(v + i, 10, "ecmascript"))
        {
            return 1;
        }
    }

    return 0;
}


/* the first category an img srcset names, decoded value in work */

static int
privacy_script_srcset(privacy_script_rw_t *w, const unsigned char *v,
    size_t len)
{
    int             cat;
    size_t          n, i, s, e;
    unsigned char  *u;

    u = w->work;
    n = privacy_script_decode(u, v, len);

    for (i = 0; i < n; /* void */ ) {
        while (i < n && (privacy_script_ws(u[i]) || u[i] == ',')) {
            i++;
        }

        s = i;

        while (i < n && !privacy_script_ws(u[i])) {
            i++;
        }

        e = i;

        /* "a.png," is the URL "a.png" */
        while (e > s && u[e - 1] == ',') {
            e--;
        }

        if (e > s) {
            cat = privacy_script_url_norm(w->set, u + s, e - s);
            if (cat >= 0) {
                return cat;
            }
        }

        /* the descriptors, up to the next ',' (none when it ended in ',') */
        if (e == i) {
            while (i < n && u[i] != ',') {
                i++;
            }
        }
    }

    return PRIVACY_MATCH_NONE;
}


/*
 * A whole start tag held: what to do with it.  Returns 1 when an inline
 * script's text is to be held first.
 */

static int
privacy_script_decide(privacy_script_rw_t *w, int kind)
{
    int                     cat, src, type, js, marked, i;
    size_t                  pos;
    privacy_script_attr_t   a, first_src, first_type, rel;
    const unsigned char    *t;

    t = w->held;
    pos = w->name_end;
    w->url = 0;
    w->url_len = 0;
    src = 0;
    type = 0;
    marked = 0;
    cat = PRIVACY_MATCH_NONE;
    memset(&rel, 0, sizeof(privacy_script_attr_t));
    memset(&first_src, 0, sizeof(privacy_script_attr_t));
    memset(&first_type, 0, sizeof(privacy_script_attr_t));

    /* the first of each attribute counts, as in a browser */

    while (privacy_script_attr(t, w->held_len, &pos, &a)) {

        if (!marked && privacy_script_caseeq(t + a.name, a.name_len,
                                             "data-privacy-category"))
        {
            marked = 1;
            w->marked_seen = 1;

            for (i = 0; i < (int) w->set->nnames; i++) {
                if (w->set->names[i].len == a.value_len
                    && memcmp(w->set->names[i].data, t + a.value,
                              a.value_len) == 0)
                {
                    break;
                }
            }

            if (i < (int) w->set->nnames && i < 32 && (w->live >> i) & 1) {
                w->category = i;
                marked = 2;
            }

            continue;
        }

        if (!src && (privacy_script_caseeq(t + a.name, a.name_len, "src")
                     || (kind == PRIVACY_T_LINK
                         && privacy_script_caseeq(t + a.name, a.name_len,
                                                  "href"))))
        {
            src = 1;
            first_src = a;
            continue;
        }

        if (!type && privacy_script_caseeq(t + a.name, a.name_len, "type")) {
            type = 1;
            first_type = a;
            continue;
        }

        if (kind == PRIVACY_T_LINK && !rel.has_value
            && privacy_script_caseeq(t + a.name, a.name_len, "rel"))
        {
            rel = a;
            rel.has_value = 1;
            continue;
        }

        if (kind == PRIVACY_T_IMG && cat < 0
            && privacy_script_caseeq(t + a.name, a.name_len, "srcset"))
        {
            cat = privacy_script_srcset(w, t + a.value, a.value_len);
            w->url = a.value;
            w->url_len = a.value_len;
        }
    }

    if (marked) {
        privacy_script_emit(w, (marked == 2) ? PRIVACY_A_UNMARK
                                             : PRIVACY_A_NONE, w->category);
        return 0;
    }

    if (kind == PRIVACY_T_LINK
        && !(rel.has_value && privacy_script_rel(t + rel.value,
                                                 rel.value_len)))
    {
        privacy_script_emit(w, PRIVACY_A_NONE, PRIVACY_MATCH_NONE);
        return 0;
    }

    if (src && first_src.has_value) {
        i = privacy_script_url(w->set, t + first_src.value,
                               first_src.value_len, w->work);
        if (i >= 0) {
            cat = i;
            w->url = first_src.value;
            w->url_len = first_src.value_len;
        }

    } else if (kind == PRIVACY_T_SCRIPT && !src) {
        js = !type || !first_type.has_value
             || privacy_script_js_type(t + first_type.value,
                                       first_type.value_len);

        /* its text is held only when some pattern's category is not */
        for (i = 0; js && i < (int) w->set->npatterns; i++) {
            if (w->set->patterns[i].type != PRIVACY_SCRIPT_REGEX
                && !privacy_script_granted(w,
                                           w->set->patterns[i].category))
            {
                return 1;
            }
        }
    }

    if (cat >= 0 && !privacy_script_granted(w, cat)) {
        privacy_script_emit(w, PRIVACY_A_BLOCK, cat);

    } else {
        privacy_script_emit(w, PRIVACY_A_NONE, PRIVACY_MATCH_NONE);
    }

    return 0;
}


/* the held bytes go out from the next call on, edited by action */

static void
privacy_script_emit(privacy_script_rw_t *w, int action, int category)
{
    w->mode = PRIVACY_W_EMIT;
    w->action = action;
    w->category = category;
    w->cursor = 0;
    w->attr = w->name_end;
    w->skip = 0;
    w->piece = (action == PRIVACY_A_BLOCK) ? 1 : 0;

    if (w->tag_len == 0) {
        w->tag_len = w->held_len;
    }
}


/*
 * What the edit of attribute a is: 0 none, 1 "data-privacy-" goes before
 * its name, 2 the name loses "data-privacy-", 3 the attribute goes.
 */

static int
privacy_script_edit(privacy_script_rw_t *w, const privacy_script_attr_t *a)
{
    int                   kind;
    const unsigned char  *n;

    n = w->held + a->name;
    kind = w->kind;

    if (w->action == PRIVACY_A_BLOCK) {
        switch (kind) {

        case PRIVACY_T_SCRIPT:
            return privacy_script_caseeq(n, a->name_len, "src")
                   || privacy_script_caseeq(n, a->name_len, "type");

        case PRIVACY_T_IMG:
            return privacy_script_caseeq(n, a->name_len, "src")
                   || privacy_script_caseeq(n, a->name_len, "srcset");

        case PRIVACY_T_LINK:
            return privacy_script_caseeq(n, a->name_len, "href");

        default: /* PRIVACY_T_IFRAME */
            return privacy_script_caseeq(n, a->name_len, "src");
        }
    }

    /* PRIVACY_A_UNMARK */

    if (privacy_script_caseeq(n, a->name_len, "data-privacy-src")
        || privacy_script_caseeq(n, a->name_len, "data-privacy-srcset")
        || privacy_script_caseeq(n, a->name_len, "data-privacy-href")
        || privacy_script_caseeq(n, a->name_len, "data-privacy-type"))
    {
        return 2;
    }

    if (kind == PRIVACY_T_SCRIPT && a->has_value
        && privacy_script_caseeq(n, a->name_len, "type")
        && privacy_script_caseeq(w->held + a->value, a->value_len,
                                 "text/plain"))
    {
        return 3;
    }

    return 0;
}


/*
 * The pieces of a held tag, edited, gathered in w->work as far as they fit
 * (one buffer for the caller instead of one per piece); a piece that does
 * not fit after others goes out by itself from the next call.  The mode
 * PASS at the end of the tag.
 */

static void
privacy_script_piece(privacy_script_rw_t *w, privacy_script_step_t *s)
{
    size_t  n;

    n = 0;

    while (w->mode == PRIVACY_W_EMIT) {
        privacy_script_segment(w, s);

        if (s->emit_len <= sizeof(w->work) - n) {
            if (s->emit_len) {
                memcpy(w->work + n, s->emit, s->emit_len);
                n += s->emit_len;
            }

            continue;
        }

        if (n == 0) {
            /* a long one as it is */
            return;
        }

        w->pending = s->emit;
        w->pending_len = s->emit_len;

        break;
    }

    s->emit = w->work;
    s->emit_len = n;
}


/* one piece of the held bytes, edited, into s; the mode PASS at the end */

static void
privacy_script_segment(privacy_script_rw_t *w, privacy_script_step_t *s)
{
    int                          edit;
    size_t                       pos;
    privacy_script_attr_t        a;
    const privacy_script_name_t  *name;

    static const unsigned char  ins_script[] =
        " type=\"text/plain\" data-privacy-category=\"";
    static const unsigned char  ins_other[] = " data-privacy-category=\"";

    pos = 0;   /* set before use; clang cannot tell */

    for ( ;; ) {

        /* after "<name": the inserted attributes, in three pieces */

        if (w->piece == 1 && w->cursor == 0) {
            s->emit = w->held;
            s->emit_len = w->name_end;
            w->cursor = w->name_end;

            s->held = privacy_script_elements[w->kind];
            s->held_category = w->category;
            s->url = w->held + w->url;
            s->url_len = w->url_len;
            return;
        }

        if (w->piece == 1) {
            w->piece = 2;

            if (w->kind == PRIVACY_T_SCRIPT) {
                s->emit = ins_script;
                s->emit_len = sizeof(ins_script) - 1;

            } else {
                s->emit = ins_other;
                s->emit_len = sizeof(ins_other) - 1;
            }

            return;
        }

        if (w->piece == 2) {
            w->piece = 3;

            if ((size_t) w->category < w->set->nnames) {
                name = &w->set->names[w->category];
                s->emit = name->data;
                s->emit_len = name->len;

                if (s->emit_len) {
                    return;
                }
            }

            continue;
        }

        if (w->piece == 3) {
            w->piece = 0;
            s->emit = (const unsigned char *) "\"";
            s->emit_len = 1;
            return;
        }

        edit = 0;

        if (w->action != PRIVACY_A_NONE) {
            pos = w->attr;

            while (privacy_script_attr(w->held, w->tag_len, &pos, &a)) {
                edit = privacy_script_edit(w, &a);
                if (edit) {
                    break;
                }

                w->attr = pos;
            }
        }

        if (edit == 0) {
            /* the rest, with an inline script's text and end */
            s->emit = w->held + w->cursor;
            s->emit_len = w->held_len - w->cursor;
            w->mode = PRIVACY_W_PASS;
            w->held_len = 0;
            w->tag_len = 0;
            w->name_end = 0;
            return;
        }

        if (a.name > w->cursor) {
            /* the bytes before the attribute first; it comes again */
            s->emit = w->held + w->cursor;
            s->emit_len = a.name - w->cursor;
            w->cursor = a.name;
            return;
        }

        w->attr = pos;

        if (edit == 1) {
            s->emit = (const unsigned char *) PRIVACY_DP;
            s->emit_len = PRIVACY_DP_LEN;
            return;
        }

        w->cursor = (edit == 2) ? a.name + PRIVACY_DP_LEN : a.end;
    }
}


/*
 * A tag held from a '<' of this buffer is still in it: when it turns out
 * untouched, its bytes go on with the buffer's as if never held, and one
 * to be rewritten ends the buffer's run before it, its pieces coming from
 * the next call.  Only a tag begun in an earlier buffer goes out from the
 * held copy.  Most tags of a page cost no step of their own this way.
 */

#define PRIVACY_SCRIPT_NOWHERE  ((size_t) -1)


/*
 * Whether the bytes after a '<' show at once that no tag of interest
 * starts there: an end tag, a comment, or a start tag whose whole name is
 * in the buffer and is none of script, iframe, img, link.  Most tags of a
 * page are so, and the tokenizer takes them without a hold.
 */

static int
privacy_script_dull(const unsigned char *p, size_t n)
{
    size_t         k;
    unsigned char  c, name[6];

    if (n == 0) {
        return 0;
    }

    if (!privacy_script_alnum(p[0]) || (p[0] >= '0' && p[0] <= '9')) {
        /* "</", "<!", "<?", "<<" (the tokenizer comes back to it) */
        return 1;
    }

    for (k = 0; k < n; k++) {
        c = p[k];

        if (privacy_script_ws(c) || c == '/' || c == '>') {
            break;
        }

        if (k == 6) {
            /* longer than "script" */
            return 1;
        }

        name[k] = privacy_script_lc(c);
    }

    if (k == n) {
        return 0;
    }

    switch (k) {
    case 3:
        return memcmp(name, "img", 3) != 0;
    case 4:
        return memcmp(name, "link", 4) != 0;
    case 6:
        return memcmp(name, "script", 6) != 0
               && memcmp(name, "iframe", 6) != 0;
    default:
        return 1;
    }
}

/* script, iframe, img and link, by first letter and length */
static const uint16_t  privacy_script_names[26] = {
    ['i' - 'a'] = (1 << 3) | (1 << 6),
    ['l' - 'a'] = 1 << 4,
    ['s' - 'a'] = 1 << 6
};

/* the held tag (begun at start, in this buffer) goes on untouched */
#define privacy_script_let_go(w)                                             \
    do {                                                                     \
        (w)->mode = PRIVACY_W_PASS;                                          \
        (w)->held_len = 0;                                                   \
        (w)->tag_len = 0;                                                    \
        (w)->name_end = 0;                                                   \
        start = PRIVACY_SCRIPT_NOWHERE;                                      \
    } while (0)


int
privacy_script_next(privacy_script_rw_t *w, const unsigned char *buf,
    size_t len, privacy_script_step_t *s)
{
    int                  ts, prev, kind;
    size_t               i, n, room, start;
    unsigned char        c;
    privacy_banner_t    *m;

    s->emit = NULL;
    s->emit_len = 0;
    s->pass = 0;
    s->used = 0;
    s->overlong = 0;
    s->held = NULL;

    m = &w->html;

    if (w->pending_len) {
        s->emit = w->pending;
        s->emit_len = w->pending_len;
        w->pending_len = 0;
        return 1;
    }

    if (w->mode == PRIVACY_W_EMIT) {
        privacy_script_piece(w, s);
        return 1;
    }

    start = PRIVACY_SCRIPT_NOWHERE;

    for (i = 0; i < len; i++) {
        c = buf[i];
        prev = w->tag_state;

        switch (w->mode) {

        case PRIVACY_W_PASS:
            /* the tokenizer alone up to a '<' that may open a tag */
            i += privacy_banner_run(m, buf + i, len - i,
                                    privacy_script_names) - 1;
            w->tag_state = privacy_banner_tag_state(m);
            c = buf[i];

            if (w->tag_state == PRIVACY_BANNER_TAG_LT
                && !privacy_script_dull(buf + i + 1, len - i - 1))
            {
                /* a tag may start: held from its '<' */
                w->held[0] = c;
                w->held_len = 1;
                w->tag_len = 0;
                w->name_end = 0;
                w->mode = PRIVACY_W_TAG;
                start = i;
            }

            continue;

        case PRIVACY_W_TAG:
            if (w->held_len == PRIVACY_SCRIPT_TAG_MAX) {
                /* too long: the tag passes as it is */
                if (!(w->reported & 1)) {
                    w->reported |= 1;
                    s->overlong = 1;
                }

                if (start != PRIVACY_SCRIPT_NOWHERE) {
                    privacy_script_let_go(w);
                    i--;
                    continue;
                }

                privacy_script_emit(w, PRIVACY_A_NONE, PRIVACY_MATCH_NONE);
                s->used = i;
                privacy_script_piece(w, s);
                return 1;
            }

            if (prev == PRIVACY_BANNER_TAG_LT
                || prev == PRIVACY_BANNER_TAG_NAME)
            {
                /* the name's bytes at once, up to a name none of ours is */
                n = (prev == PRIVACY_BANNER_TAG_LT) ? 6
                    : (m->name_len < 6) ? 6 - (size_t) m->name_len : 0;
                room = PRIVACY_SCRIPT_TAG_MAX - w->held_len;

                n = privacy_banner_name(m, buf + i, len - i,
                                        (n < room) ? n : room);

                if (n) {
                    memcpy(w->held + w->held_len, buf + i, n);
                    w->held_len += n;
                    i += n;
                    w->tag_state = privacy_banner_tag_state(m);

                    /* the byte after them as the loop takes it */
                    i--;
                    continue;
                }
            }

            if (prev == PRIVACY_BANNER_TAG_ATTRS) {
                /* the attributes up to the tag's end: copied at once */
                n = len - i;
                room = PRIVACY_SCRIPT_TAG_MAX - w->held_len;

                if (n > room) {
                    n = room;
                }

                n = privacy_banner_attrs(m, buf + i, n);
                memcpy(w->held + w->held_len, buf + i, n);
                w->held_len += n;
                i += n - 1;

                ts = privacy_banner_tag_state(m);
                w->tag_state = ts;

                if (ts == PRIVACY_BANNER_TAG_ATTRS) {
                    /* the buffer's end, or the most a tag may hold */
                    continue;
                }

                c = buf[i];
                goto tag_end;
            }

            /* a quoted value up to its quote: copied at once */
            n = privacy_banner_skip(m, buf + i, len - i);
            room = PRIVACY_SCRIPT_TAG_MAX - w->held_len;

            if (n > room) {
                n = room;
            }

            if (n) {
                memcpy(w->held + w->held_len, buf + i, n);
                w->held_len += n;
                i += n;

                if (i == len) {
                    goto done;
                }

                c = buf[i];

                if (w->held_len == PRIVACY_SCRIPT_TAG_MAX) {
                    i--;
                    continue;
                }
            }

            privacy_banner_step(m, c);
            ts = privacy_banner_tag_state(m);
            w->tag_state = ts;

            if (ts == PRIVACY_BANNER_TAG_LT) {
                /* "<<": the first '<' goes, the second is held */
                if (start != PRIVACY_SCRIPT_NOWHERE) {
                    start = i;
                    continue;
                }

                s->emit = (const unsigned char *) "<";
                s->emit_len = 1;
                s->used = i + 1;
                return 1;
            }

            w->held[w->held_len++] = c;

            if (ts == PRIVACY_BANNER_TAG_NAME) {
                /* no name of interest is longer than "script" */
                if (m->name_len <= 6) {
                    continue;
                }

                goto untouched;
            }

            if (prev == PRIVACY_BANNER_TAG_NAME) {
                w->name_end = w->held_len - 1;
                kind = privacy_script_kind(m);

                if (kind == PRIVACY_T_OTHER
                    || (ts == PRIVACY_BANNER_TAG_NONE && c != '>'))
                {
                    goto untouched;
                }
            }

            if (ts == PRIVACY_BANNER_TAG_ATTRS) {
                continue;
            }

        tag_end:

            if (prev == PRIVACY_BANNER_TAG_LT || c != '>' || m->end_tag
                || w->name_end == 0 || m->foreign)
            {
                /* not a start tag, or one in svg or math */
                goto untouched;
            }

            /* a whole start tag of interest */

            w->tag_len = w->held_len;
            w->kind = privacy_script_kind(m);

            if (privacy_script_decide(w, w->kind)) {
                w->mode = PRIVACY_W_SCRIPT;
                continue;
            }

            goto decided;

        default: /* PRIVACY_W_SCRIPT */
            /* inside the script only a '<' may matter: the rest copied */
            n = privacy_banner_skip(m, buf + i, len - i);
            room = PRIVACY_SCRIPT_INLINE_MAX + PRIVACY_SCRIPT_END_LEN
                   - (w->held_len - w->tag_len);

            if (n > room) {
                n = room;
            }

            if (n) {
                memcpy(w->held + w->held_len, buf + i, n);
                w->held_len += n;
                i += n;

                if (i == len) {
                    goto done;
                }

                c = buf[i];
            }

            if (w->held_len - w->tag_len
                == PRIVACY_SCRIPT_INLINE_MAX + PRIVACY_SCRIPT_END_LEN)
            {
                if (!(w->reported & 2)) {
                    w->reported |= 2;
                    s->overlong = 2;
                }

                if (start != PRIVACY_SCRIPT_NOWHERE) {
                    privacy_script_let_go(w);
                    i--;
                    continue;
                }

                privacy_script_emit(w, PRIVACY_A_NONE, PRIVACY_MATCH_NONE);
                s->used = i;
                privacy_script_piece(w, s);
                return 1;
            }

            privacy_banner_step(m, c);
            w->tag_state = privacy_banner_tag_state(m);
            w->held[w->held_len++] = c;

            if (m->raw) {
                continue;
            }

            /* "</script" and the byte after it: the text is whole */

            kind = privacy_script_text(w->set, w->held + w->tag_len,
                                       w->held_len - w->tag_len
                                       - PRIVACY_SCRIPT_END_LEN);

            if (kind >= 0 && !privacy_script_granted(w, kind)) {
                privacy_script_emit(w, PRIVACY_A_BLOCK, kind);

            } else {
                privacy_script_emit(w, PRIVACY_A_NONE, PRIVACY_MATCH_NONE);
            }

            goto decided;
        }

    untouched:

        if (start != PRIVACY_SCRIPT_NOWHERE) {
            privacy_script_let_go(w);
            continue;
        }

        privacy_script_emit(w, PRIVACY_A_NONE, PRIVACY_MATCH_NONE);
        s->used = i + 1;
        privacy_script_piece(w, s);
        return 1;

    decided:

        if (start != PRIVACY_SCRIPT_NOWHERE) {
            if (w->action == PRIVACY_A_NONE) {
                privacy_script_let_go(w);
                continue;
            }

            /* the bytes before the tag now, its pieces from the next call */
            s->pass = start;
            s->used = i + 1;
            return 1;
        }

        s->used = i + 1;
        privacy_script_piece(w, s);
        return 1;
    }

done:

    if (w->mode == PRIVACY_W_PASS) {
        s->pass = len;

    } else if (start != PRIVACY_SCRIPT_NOWHERE) {
        /* a tag held from here on */
        s->pass = start;
    }

    s->used = len;

    return len != 0;
}


size_t
privacy_script_finish(privacy_script_rw_t *w, const unsigned char **held)
{
    size_t  n;

    n = (w->mode == PRIVACY_W_EMIT || w->pending_len) ? 0 : w->held_len;
    *held = w->held;

    privacy_script_init(w, w->set, w->granted);

    return n;
}


size_t
privacy_script_rewrite(privacy_script_rw_t *w, unsigned char *dst,
    size_t size, const unsigned char *page, size_t len,
    const privacy_script_set_t *set, uint32_t granted, const size_t *cuts,
    size_t ncuts, int *overlong)
{
    size_t                  k, start, stop, n, total;
    privacy_script_step_t   s;
    const unsigned char    *buf, *held;

    privacy_script_init(w, set, granted);

    total = 0;
    start = 0;

    if (overlong) {
        *overlong = 0;
    }

#define privacy_script_out(p, l)                                             \
    do {                                                                     \
        if ((l) && total + (l) <= size) {                                    \
            memcpy(dst + total, p, l);                                       \
        }                                                                    \
        total += (l);                                                        \
    } while (0)

    for (k = 0; k <= ncuts; k++) {
        stop = (k < ncuts) ? cuts[k] : len;

        if (stop > len) {
            stop = len;
        }

        if (stop < start) {
            stop = start;
        }

        buf = page + start;
        n = stop - start;

        while (privacy_script_next(w, buf, n, &s)) {
            privacy_script_out(s.emit, s.emit_len);
            privacy_script_out(buf, s.pass);

            if (overlong) {
                *overlong |= s.overlong;
            }

            buf += s.used;
            n -= s.used;
        }

        start = stop;
    }

    n = privacy_script_finish(w, &held);
    privacy_script_out(held, n);

#undef privacy_script_out

    return total;
}
