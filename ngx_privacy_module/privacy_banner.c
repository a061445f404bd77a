
/*
 * Consent banner insertion for ngx_privacy_module.
 *
 * The states below are the HTML tokenizer's (WHATWG "13.2.5 Tokenization")
 * reduced to what decides where tags start and end.
 */


#include <string.h>

#include "privacy_banner.h"


enum {
    PRIVACY_S_TEXT = 0,
    PRIVACY_S_LT,             /* "<" */
    PRIVACY_S_END_SLASH,      /* "</" */
    PRIVACY_S_BANG,           /* "<!" */
    PRIVACY_S_BANG_DASH,      /* "<!-" */
    PRIVACY_S_COMMENT,        /* inside "<!--", sub-state in dashes */
    PRIVACY_S_BOGUS,          /* "<?", "<!x", "</0": up to '>' */
    PRIVACY_S_TAG_NAME,
    PRIVACY_S_BEFORE_ATTR,
    PRIVACY_S_ATTR_NAME,
    PRIVACY_S_AFTER_ATTR,
    PRIVACY_S_BEFORE_VALUE,
    PRIVACY_S_VALUE_DQ,
    PRIVACY_S_VALUE_SQ,
    PRIVACY_S_VALUE_UNQ,
    PRIVACY_S_AFTER_VALUE,    /* after a quoted value */
    PRIVACY_S_RAW,            /* raw text or RCDATA element contents */
    PRIVACY_S_RAW_LT,
    PRIVACY_S_RAW_END         /* "</" + raw_idx bytes of the element name */
};


/* comment sub-states, named as in the HTML spec */
enum {
    PRIVACY_C_COMMENT = 0,
    PRIVACY_C_END_DASH,       /* "-" */
    PRIVACY_C_END,            /* "--" */
    PRIVACY_C_END_BANG,       /* "--!" */
    PRIVACY_C_START,          /* right after "<!--" */
    PRIVACY_C_START_DASH      /* "<!---" */
};


#define PRIVACY_BANNER_FOUND_AFTER   1    /* insert after this byte */
#define PRIVACY_BANNER_FOUND_BEFORE  2    /* insert before the held '<' */

/* a longer tag name is stored as PRIVACY_NAME_LONG bytes: matches none */
#define PRIVACY_NAME_LONG  8

/* the lengths of the names in privacy_banner_raw[], as bits */
#define PRIVACY_BANNER_RAW_LENS                                              \
    ((1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8))

#define privacy_banner_ws(c)                                                 \
    ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' || (c) == '\f')
#define privacy_banner_alpha(c)                                              \
    (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define privacy_banner_lc(c)                                                 \
    (unsigned char) (((c) >= 'A' && (c) <= 'Z') ? ((c) | 0x20) : (c))

/* byte classes for the loops that skip bytes which change no state */
#define PRIVACY_B_WS         0x01    /* HTML whitespace */
#define PRIVACY_B_ATTR_STOP  0x02    /* ends an attribute name */
#define PRIVACY_B_UNQ_STOP   0x04    /* ends an unquoted value */

/* a quoted value or a comment this short is searched inline, not memchr */
#define PRIVACY_BANNER_INLINE  16


typedef struct {
    const char  *name;
    size_t       len;
} privacy_banner_raw_t;


static const unsigned char *privacy_banner_skip(const privacy_banner_t *m,
    const unsigned char *p, const unsigned char *end);
static const unsigned char *privacy_banner_find(const unsigned char *p,
    const unsigned char *end, unsigned char c);
static int privacy_banner_step(privacy_banner_t *m, unsigned char c);
static int privacy_banner_tag_end(privacy_banner_t *m);
static int privacy_banner_name_is(const privacy_banner_t *m,
    const char *name, size_t len);
static int privacy_banner_candidate(const privacy_banner_t *m);


/* elements whose contents are not markup; index + 1 is stored in m->raw */
static const privacy_banner_raw_t  privacy_banner_raw[] = {
    { "script", 6 },
    { "style", 5 },
    { "textarea", 8 },
    { "title", 5 },
    { "xmp", 3 },
    { "iframe", 6 },
    { "noembed", 7 },
    { "noframes", 8 },
    { "noscript", 8 }
};


static const unsigned char  privacy_banner_class[256] = {
    ['\t'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP,
    ['\n'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP,
    ['\f'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP,
    ['\r'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP,
    [' ']  = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP,
    ['/']  = PRIVACY_B_ATTR_STOP,
    ['=']  = PRIVACY_B_ATTR_STOP,
    ['>']  = PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP
};


void
privacy_banner_init(privacy_banner_t *m, int where)
{
    memset(m, 0, sizeof(privacy_banner_t));

    m->where = (where == PRIVACY_BANNER_BODY_END) ? PRIVACY_BANNER_BODY_END
                                                  : PRIVACY_BANNER_BODY_START;
    m->state = PRIVACY_S_TEXT;
}


static int
privacy_banner_name_is(const privacy_banner_t *m, const char *name,
    size_t len)
{
    return m->name_len == len && memcmp(m->name, name, len) == 0;
}


static int
privacy_banner_tag_end(privacy_banner_t *m)
{
    size_t  i;

    m->state = PRIVACY_S_TEXT;

    if (m->end_tag) {
        return 0;
    }

    if (m->where == PRIVACY_BANNER_BODY_START
        && privacy_banner_name_is(m, "body", 4))
    {
        return PRIVACY_BANNER_FOUND_AFTER;
    }

    /* most tags have a length no raw text element has */
    if (((1u << m->name_len) & PRIVACY_BANNER_RAW_LENS) == 0) {
        return 0;
    }

    for (i = 0; i < sizeof(privacy_banner_raw) / sizeof(privacy_banner_raw[0]);
         i++)
    {
        if (privacy_banner_name_is(m, privacy_banner_raw[i].name,
                                   privacy_banner_raw[i].len))
        {
            m->raw = (unsigned char) (i + 1);
            m->state = PRIVACY_S_RAW;
            break;
        }
    }

    return 0;
}


/*
 * The first byte from p on that may change the matcher, or end.  In most
 * states most bytes change nothing: text up to a '<', a quoted value up to
 * its quote, a comment up to a '-', an attribute name up to whitespace,
 * '/', '=' or '>'.  Skipping exactly the bytes privacy_banner_step() would
 * leave the matcher as it is for is what makes the scan cheap; built with
 * PRIVACY_BANNER_CHECK_SKIP (unit tests, fuzzers) the scan steps every
 * skipped byte on a copy of the matcher and aborts if one changed it.
 */

static const unsigned char *
privacy_banner_skip(const privacy_banner_t *m, const unsigned char *p,
    const unsigned char *end)
{
    const unsigned char  *q;

    switch (m->state) {

    case PRIVACY_S_TEXT:
    case PRIVACY_S_RAW:
        q = memchr(p, '<', (size_t) (end - p));
        return q ? q : end;

    case PRIVACY_S_BOGUS:
        return privacy_banner_find(p, end, '>');

    case PRIVACY_S_COMMENT:
        /* inside a comment's text, even '>' changes nothing */
        if (m->dashes == PRIVACY_C_COMMENT) {
            return privacy_banner_find(p, end, '-');
        }
        return p;

    case PRIVACY_S_VALUE_DQ:
        return privacy_banner_find(p, end, '"');

    case PRIVACY_S_VALUE_SQ:
        return privacy_banner_find(p, end, '\'');

    case PRIVACY_S_ATTR_NAME:
        while (p < end
               && (privacy_banner_class[*p] & PRIVACY_B_ATTR_STOP) == 0)
        {
            p++;
        }
        return p;

    case PRIVACY_S_VALUE_UNQ:
        while (p < end
               && (privacy_banner_class[*p] & PRIVACY_B_UNQ_STOP) == 0)
        {
            p++;
        }
        return p;

    case PRIVACY_S_BEFORE_ATTR:
        while (p < end
               && ((privacy_banner_class[*p] & PRIVACY_B_WS) || *p == '/'))
        {
            p++;
        }
        return p;

    case PRIVACY_S_AFTER_ATTR:
    case PRIVACY_S_BEFORE_VALUE:
        while (p < end && (privacy_banner_class[*p] & PRIVACY_B_WS)) {
            p++;
        }
        return p;

    default:
        return p;
    }
}


/* the first c from p on, or end; short spans without a call to memchr */

static const unsigned char *
privacy_banner_find(const unsigned char *p, const unsigned char *end,
    unsigned char c)
{
    const unsigned char  *stop, *q;

    stop = (end - p > PRIVACY_BANNER_INLINE) ? p + PRIVACY_BANNER_INLINE
                                             : end;

    for ( /* void */ ; p < stop; p++) {
        if (*p == c) {
            return p;
        }
    }

    if (p == end) {
        return end;
    }

    q = memchr(p, c, (size_t) (end - p));

    return q ? q : end;
}


#ifdef PRIVACY_BANNER_CHECK_SKIP

#include <stdlib.h>

static void
privacy_banner_check_skip(const privacy_banner_t *m, const unsigned char *p,
    const unsigned char *q)
{
    privacy_banner_t  copy;

    for ( /* void */ ; p < q; p++) {
        copy = *m;

        if (privacy_banner_step(&copy, *p) != 0
            || memcmp(&copy, m, sizeof(privacy_banner_t)) != 0)
        {
            abort();
        }
    }
}

#endif


static int
privacy_banner_step(privacy_banner_t *m, unsigned char c)
{
    const privacy_banner_raw_t  *raw;

    switch (m->state) {

    case PRIVACY_S_TEXT:
        if (c == '<') {
            m->state = PRIVACY_S_LT;
        }
        return 0;

    case PRIVACY_S_LT:
        if (privacy_banner_alpha(c)) {
            m->end_tag = 0;
            m->name[0] = privacy_banner_lc(c);
            m->name_len = 1;
            m->state = PRIVACY_S_TAG_NAME;

        } else if (c == '/') {
            m->state = PRIVACY_S_END_SLASH;

        } else if (c == '!') {
            m->state = PRIVACY_S_BANG;

        } else if (c == '?') {
            m->state = PRIVACY_S_BOGUS;

        } else if (c != '<') {
            /* "<<": the second '<' may open a tag */
            m->state = PRIVACY_S_TEXT;
        }
        return 0;

    case PRIVACY_S_END_SLASH:
        if (privacy_banner_alpha(c)) {
            m->end_tag = 1;
            m->name[0] = privacy_banner_lc(c);
            m->name_len = 1;
            m->state = PRIVACY_S_TAG_NAME;

        } else {
            /* "</>" is dropped, "</0..." is a bogus comment */
            m->state = (c == '>') ? PRIVACY_S_TEXT : PRIVACY_S_BOGUS;
        }
        return 0;

    case PRIVACY_S_BANG:
        if (c == '-') {
            m->state = PRIVACY_S_BANG_DASH;

        } else {
            m->state = (c == '>') ? PRIVACY_S_TEXT : PRIVACY_S_BOGUS;
        }
        return 0;

    case PRIVACY_S_BANG_DASH:
        if (c == '-') {
            m->state = PRIVACY_S_COMMENT;
            m->dashes = PRIVACY_C_START;

        } else {
            m->state = (c == '>') ? PRIVACY_S_TEXT : PRIVACY_S_BOGUS;
        }
        return 0;

    case PRIVACY_S_COMMENT:
        if (c == '>') {
            /* "<!-->", "<!--->", "-->" and "--!>" all close a comment */
            if (m->dashes != PRIVACY_C_COMMENT
                && m->dashes != PRIVACY_C_END_DASH)
            {
                m->state = PRIVACY_S_TEXT;
            }

            m->dashes = PRIVACY_C_COMMENT;
            return 0;
        }

        switch (m->dashes) {

        case PRIVACY_C_START:
            m->dashes = (c == '-') ? PRIVACY_C_START_DASH : PRIVACY_C_COMMENT;
            break;

        case PRIVACY_C_START_DASH:
        case PRIVACY_C_END_DASH:
            m->dashes = (c == '-') ? PRIVACY_C_END : PRIVACY_C_COMMENT;
            break;

        case PRIVACY_C_END:
            if (c == '!') {
                m->dashes = PRIVACY_C_END_BANG;

            } else if (c != '-') {
                m->dashes = PRIVACY_C_COMMENT;
            }
            break;

        default: /* PRIVACY_C_COMMENT, PRIVACY_C_END_BANG */
            m->dashes = (c == '-') ? PRIVACY_C_END_DASH : PRIVACY_C_COMMENT;
        }

        return 0;

    case PRIVACY_S_BOGUS:
        if (c == '>') {
            m->state = PRIVACY_S_TEXT;
        }
        return 0;

    case PRIVACY_S_TAG_NAME:
        if (privacy_banner_ws(c) || c == '/' || c == '>') {

            if (m->end_tag && m->where == PRIVACY_BANNER_BODY_END
                && privacy_banner_name_is(m, "body", 4))
            {
                return PRIVACY_BANNER_FOUND_BEFORE;
            }

            if (c == '>') {
                return privacy_banner_tag_end(m);
            }

            m->state = PRIVACY_S_BEFORE_ATTR;
            return 0;
        }

        if (m->name_len < PRIVACY_NAME_LONG) {
            m->name[m->name_len] = privacy_banner_lc(c);
        }

        if (m->name_len <= PRIVACY_NAME_LONG) {
            m->name_len++;
        }

        return 0;

    case PRIVACY_S_BEFORE_ATTR:
        /* '/' is the self-closing mark: it changes nothing here */
        if (c == '>') {
            return privacy_banner_tag_end(m);
        }

        if (!privacy_banner_ws(c) && c != '/') {
            m->state = PRIVACY_S_ATTR_NAME;
        }
        return 0;

    case PRIVACY_S_ATTR_NAME:
    case PRIVACY_S_AFTER_ATTR:
        if (c == '>') {
            return privacy_banner_tag_end(m);
        }

        if (c == '=') {
            m->state = PRIVACY_S_BEFORE_VALUE;

        } else if (c == '/') {
            m->state = PRIVACY_S_BEFORE_ATTR;

        } else if (privacy_banner_ws(c)) {
            m->state = PRIVACY_S_AFTER_ATTR;

        } else {
            /* quotes and '<' are name bytes here, as in the spec */
            m->state = PRIVACY_S_ATTR_NAME;
        }
        return 0;

    case PRIVACY_S_BEFORE_VALUE:
        if (c == '"') {
            m->state = PRIVACY_S_VALUE_DQ;

        } else if (c == '\'') {
            m->state = PRIVACY_S_VALUE_SQ;

        } else if (c == '>') {
            return privacy_banner_tag_end(m);

        } else if (!privacy_banner_ws(c)) {
            m->state = PRIVACY_S_VALUE_UNQ;
        }
        return 0;

    case PRIVACY_S_VALUE_DQ:
        if (c == '"') {
            m->state = PRIVACY_S_AFTER_VALUE;
        }
        return 0;

    case PRIVACY_S_VALUE_SQ:
        if (c == '\'') {
            m->state = PRIVACY_S_AFTER_VALUE;
        }
        return 0;

    case PRIVACY_S_VALUE_UNQ:
        if (c == '>') {
            return privacy_banner_tag_end(m);
        }

        if (privacy_banner_ws(c)) {
            m->state = PRIVACY_S_BEFORE_ATTR;
        }
        return 0;

    case PRIVACY_S_AFTER_VALUE:
        if (c == '>') {
            return privacy_banner_tag_end(m);
        }

        if (privacy_banner_ws(c) || c == '/') {
            m->state = PRIVACY_S_BEFORE_ATTR;

        } else {
            /* a="x"b: a new attribute without the space */
            m->state = PRIVACY_S_ATTR_NAME;
        }
        return 0;

    case PRIVACY_S_RAW:
        if (c == '<') {
            m->state = PRIVACY_S_RAW_LT;
        }
        return 0;

    case PRIVACY_S_RAW_LT:
        if (c == '/') {
            m->raw_idx = 0;
            m->state = PRIVACY_S_RAW_END;

        } else if (c != '<') {
            m->state = PRIVACY_S_RAW;
        }
        return 0;

    default: /* PRIVACY_S_RAW_END */
        raw = &privacy_banner_raw[m->raw - 1];

        if (m->raw_idx < raw->len) {
            if (privacy_banner_lc(c) == (unsigned char) raw->name[m->raw_idx])
            {
                m->raw_idx++;
                return 0;
            }

        } else if (privacy_banner_ws(c) || c == '/' || c == '>') {
            /* the element's end tag: back to markup */
            m->raw = 0;

            if (c == '>') {
                m->state = PRIVACY_S_TEXT;

            } else {
                m->end_tag = 1;
                m->name_len = 0;
                m->state = PRIVACY_S_BEFORE_ATTR;
            }
            return 0;
        }

        m->state = (c == '<') ? PRIVACY_S_RAW_LT : PRIVACY_S_RAW;
        return 0;
    }
}


/* BODY_END: whether the bytes since the last '<' may still be "</body" */

static int
privacy_banner_candidate(const privacy_banner_t *m)
{
    switch (m->state) {

    case PRIVACY_S_LT:
    case PRIVACY_S_END_SLASH:
        return 1;

    case PRIVACY_S_TAG_NAME:
        return m->end_tag && m->name_len <= 4
               && memcmp(m->name, "body", m->name_len) == 0;

    default:
        return 0;
    }
}


void
privacy_banner_scan(privacy_banner_t *m, const unsigned char *buf, size_t len,
    privacy_banner_result_t *r)
{
    int                   rc, in_held;
    size_t                i, old, cand;
    const unsigned char  *p, *end;

    r->pre = m->emit;
    r->pre_len = 0;
    r->pass = len;
    r->found = 0;
    r->post = m->emit;
    r->post_len = 0;

    /* an empty buffer (buf may be NULL) leaves the held bytes held */

    if (m->done || len == 0) {
        return;
    }

    /* held bytes move to emit[]: held[] may be refilled below */

    old = m->held_len;
    memcpy(m->emit, m->held, old);
    m->held_len = 0;

    /*
     * The candidate is where a possible "</body" starts: in the held
     * bytes (in_held, held bytes are always one whole candidate), at
     * buf[cand], or nowhere (cand == len).
     */

    in_held = (old != 0);
    cand = len;
    end = buf + len;

    for (p = buf; /* void */ ; p++) {

        /* no candidate is alive in the states that skip bytes */

#ifdef PRIVACY_BANNER_CHECK_SKIP
        {
        const unsigned char  *from = p;

        p = privacy_banner_skip(m, p, end);
        privacy_banner_check_skip(m, from, p);
        }
#else
        p = privacy_banner_skip(m, p, end);
#endif

        if (p == end) {
            break;
        }

        i = (size_t) (p - buf);

        rc = privacy_banner_step(m, *p);

        if (rc == PRIVACY_BANNER_FOUND_AFTER) {
            m->done = 1;
            r->found = 1;
            r->pass = i + 1;
            return;
        }

        if (rc == PRIVACY_BANNER_FOUND_BEFORE) {
            m->done = 1;
            r->found = 1;

            if (in_held) {
                r->post_len = old;
                r->pass = 0;

            } else {
                r->pre_len = old;
                r->pass = cand;
            }

            return;
        }

        if (m->where != PRIVACY_BANNER_BODY_END) {
            continue;
        }

        if (buf[i] == '<' && m->state == PRIVACY_S_LT) {
            in_held = 0;
            cand = i;

        } else if ((in_held || cand != len) && !privacy_banner_candidate(m)) {
            in_held = 0;
            cand = len;
        }
    }

    if (in_held) {
        /* the whole buffer continues the held candidate */
        memcpy(m->held, m->emit, old);
        memcpy(m->held + old, buf, len);
        m->held_len = (unsigned char) (old + len);
        r->pass = 0;
        return;
    }

    r->pre_len = old;
    r->pass = cand;

    if (cand < len) {
        memcpy(m->held, buf + cand, len - cand);
        m->held_len = (unsigned char) (len - cand);
    }
}


size_t
privacy_banner_held(const privacy_banner_t *m)
{
    return m->held_len;
}


size_t
privacy_banner_finish(privacy_banner_t *m, const unsigned char **held)
{
    size_t  n;

    n = m->held_len;
    memcpy(m->emit, m->held, n);

    m->held_len = 0;
    m->done = 1;

    *held = m->emit;

    return n;
}


size_t
privacy_banner_insert(unsigned char *dst, const unsigned char *page,
    size_t len, int where, const unsigned char *banner, size_t banner_len,
    const size_t *cuts, size_t ncuts, int *found)
{
    size_t                    k, start, stop, n;
    unsigned char            *d;
    privacy_banner_t          m;
    privacy_banner_result_t   r;
    const unsigned char      *held, *buf;

    privacy_banner_init(&m, where);

    d = dst;
    start = 0;

    if (found) {
        *found = 0;
    }

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

        privacy_banner_scan(&m, buf, n, &r);

        memcpy(d, r.pre, r.pre_len);
        d += r.pre_len;

        if (r.pass) {
            memcpy(d, buf, r.pass);
            d += r.pass;
        }

        if (r.found) {
            if (banner_len) {
                memcpy(d, banner, banner_len);
                d += banner_len;
            }

            memcpy(d, r.post, r.post_len);
            d += r.post_len;

            if (n - r.pass) {
                memcpy(d, buf + r.pass, n - r.pass);
                d += n - r.pass;
            }

            if (found) {
                *found = 1;
            }
        }

        start = stop;
    }

    n = privacy_banner_finish(&m, &held);
    memcpy(d, held, n);
    d += n;

    return (size_t) (d - dst);
}


size_t
privacy_html_escape(unsigned char *dst, const unsigned char *src, size_t n)
{
    size_t       len, i, elen;
    const char  *e;

    len = 0;

    for (i = 0; i < n; i++) {

        switch (src[i]) {

        case '&':
            e = "&amp;";
            break;

        case '<':
            e = "&lt;";
            break;

        case '>':
            e = "&gt;";
            break;

        case '"':
            e = "&quot;";
            break;

        case '\'':
            e = "&#39;";
            break;

        default:
            if (dst) {
                dst[len] = src[i];
            }

            len++;
            continue;
        }

        elen = strlen(e);

        if (dst) {
            memcpy(dst + len, e, elen);
        }

        len += elen;
    }

    return len;
}


size_t
privacy_json_escape(unsigned char *dst, const unsigned char *src, size_t n)
{
    size_t             len, i;
    unsigned char      c;
    static const char  hex[] = "0123456789abcdef";

    len = 0;

    for (i = 0; i < n; i++) {
        c = src[i];

        if (c == '"' || c == '\\') {
            if (dst) {
                dst[len] = '\\';
                dst[len + 1] = c;
            }

            len += 2;

        } else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&')
        {
            /* < > & too: the JSON may sit inside a <script> element */

            if (dst) {
                memcpy(dst + len, "\\u00", 4);
                dst[len + 4] = (unsigned char) hex[c >> 4];
                dst[len + 5] = (unsigned char) hex[c & 0x0f];
            }

            len += 6;

        } else {
            if (dst) {
                dst[len] = c;
            }

            len++;
        }
    }

    return len;
}
