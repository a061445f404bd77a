
/*
 * Consent banner insertion for ngx_privacy_module.
 *
 * The states below are the HTML tokenizer's (WHATWG "13.2.5 Tokenization")
 * reduced to what decides where tags start and end.
 */


#include <string.h>
#if (defined(__SSE2__) && defined(__GNUC__))
#include <emmintrin.h>
#endif
#ifdef PRIVACY_BANNER_CHECK
#include <stdlib.h>
#endif

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
    PRIVACY_S_RAW_END,        /* "</" + raw_idx bytes of the element name */
    PRIVACY_S_SLASH,          /* '/' in a tag: "/>" closes it self-closing */
    PRIVACY_S_SCRIPT_ESC,     /* "<!" and after in a script, sub-state in esc */
    PRIVACY_S_CDATA_OPEN,     /* "<![" + raw_idx - 1 bytes of "CDATA[" */
    PRIVACY_S_CDATA,          /* "<![CDATA[" in foreign content,
                                 "]" in dashes */
    PRIVACY_S_PLAINTEXT       /* after <plaintext>: up to the end */
};


/* script sub-states (m->esc), the spec's "script data escaped" family */
enum {
    PRIVACY_E_NONE = 0,
    PRIVACY_E_START,          /* "<!" */
    PRIVACY_E_START_DASH,     /* "<!-" */
    PRIVACY_E_ESCAPED,
    PRIVACY_E_DASH,
    PRIVACY_E_DASH_DASH,
    PRIVACY_E_LT,
    PRIVACY_E_END,            /* "</" + the name, matched in raw_idx */
    PRIVACY_E_DOUBLE_START,   /* "<" + a name, matched in raw_idx */
    PRIVACY_E_DOUBLE,
    PRIVACY_E_DOUBLE_DASH,
    PRIVACY_E_DOUBLE_DASH_DASH,
    PRIVACY_E_DOUBLE_LT,
    PRIVACY_E_DOUBLE_END      /* "</" + the name, matched in raw_idx */
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

/*
 * the first letters of the names privacy_banner_start_tag() looks for
 * outside svg and math (b, i, m, n, p, s, t, x; a name[0] is a lowercase
 * letter)
 */
#define PRIVACY_BANNER_STARTS                                                \
    ((1u << ('b' - 'a')) | (1u << ('i' - 'a')) | (1u << ('m' - 'a'))         \
     | (1u << ('n' - 'a')) | (1u << ('p' - 'a')) | (1u << ('s' - 'a'))       \
     | (1u << ('t' - 'a')) | (1u << ('x' - 'a')))

/* a longer tag name is stored as PRIVACY_NAME_LONG bytes: matches none */
#define PRIVACY_NAME_LONG  10

/* the raw_idx of a name other than "script" in the script sub-states */
#define PRIVACY_TEMP_OTHER  7

/* "[CDATA[" */
#define PRIVACY_CDATA_LEN  7

/* m->raw of a script, the one element with escaped sub-states */
#define PRIVACY_RAW_SCRIPT  1

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
#define PRIVACY_B_NAME_STOP  0x08    /* ends a tag name */

/*
 * In privacy_banner_scan_fast(): state S from the next byte on, straight
 * to its code at LABEL; at the end of the buffer the scan stops in S.
 */
#define privacy_banner_next(s, label)                                        \
    do {                                                                     \
        m->state = (s);                                                      \
        if (++p == end) {                                                    \
            goto scanned;                                                    \
        }                                                                    \
        c = *p;                                                              \
        goto label;                                                          \
    } while (0)


/* a span this short is searched inline, not with memchr() */
#define PRIVACY_BANNER_INLINE  128

#if (defined(__SSE2__) && defined(__GNUC__))
#define PRIVACY_BANNER_SSE2  1
#else
#define PRIVACY_BANNER_SSE2  0
#endif


typedef struct {
    const char  *name;
    size_t       len;
} privacy_banner_raw_t;


static size_t privacy_banner_walk(privacy_banner_t *m,
    const unsigned char *buf, size_t len, privacy_banner_result_t *r,
    size_t old, int run, const uint16_t *lens);
static void privacy_banner_scan_fast(privacy_banner_t *m,
    const unsigned char *buf, size_t len, privacy_banner_result_t *r);
static int privacy_banner_begin(privacy_banner_t *m, size_t len,
    privacy_banner_result_t *r, size_t *old);
static void privacy_banner_found_before(privacy_banner_t *m,
    privacy_banner_result_t *r, int in_held, size_t old, size_t cand);
static void privacy_banner_hold(privacy_banner_t *m, const unsigned char *buf,
    size_t len, privacy_banner_result_t *r, int in_held, size_t old,
    size_t cand);
static inline const unsigned char *privacy_banner_find(
    const unsigned char *p,
    const unsigned char *end, unsigned char c);
#ifdef PRIVACY_BANNER_CHECK
static size_t privacy_banner_run_bytes(privacy_banner_t *m,
    const unsigned char *p, size_t len, const uint16_t *lens);
static size_t privacy_banner_attrs_bytes(privacy_banner_t *m,
    const unsigned char *p, size_t len);
static size_t privacy_banner_attrs_fast(privacy_banner_t *m,
    const unsigned char *p, size_t len);
static void privacy_banner_scan_bytes(privacy_banner_t *m,
    const unsigned char *buf, size_t len, privacy_banner_result_t *r);
static int privacy_banner_same(const privacy_banner_t *a,
    const privacy_banner_t *b);
static void privacy_banner_check(const privacy_banner_t *m,
    const privacy_banner_result_t *r, const privacy_banner_t *ref,
    const privacy_banner_result_t *ref_r);
#endif
static inline int privacy_banner_tag_end(privacy_banner_t *m);
static int privacy_banner_start_tag(privacy_banner_t *m, int self_closing);
static int privacy_banner_breakout(const privacy_banner_t *m);
static void privacy_banner_script(privacy_banner_t *m, unsigned char c);
static void privacy_banner_escaped(privacy_banner_t *m, unsigned char c,
    int dbl);
static void privacy_banner_temp(privacy_banner_t *m, unsigned char c);
static void privacy_banner_cdata_open(privacy_banner_t *m, unsigned char c);
static inline void privacy_banner_raw_end(privacy_banner_t *m,
    unsigned char c);
static void privacy_banner_dashes(privacy_banner_t *m, unsigned char c);
static int privacy_banner_name_is(const privacy_banner_t *m,
    const char *name, size_t len);
static int privacy_banner_candidate(const privacy_banner_t *m);
static inline int privacy_banner_wanted(const unsigned char *p,
    const unsigned char *end, const uint16_t *lens);
static size_t privacy_banner_return_escape(unsigned char *dst,
    const unsigned char *src, size_t n, size_t room);


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


/*
 * HTML start tags that end foreign content (svg, math) in the tree
 * construction's "rules for parsing tokens in foreign content"; <font>
 * with color, face or size is not checked
 */
static const char  *privacy_banner_breakouts[] = {
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div",
    "dl", "dt", "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p",
    "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup",
    "table", "tt", "u", "ul", "var"
};


static const unsigned char  privacy_banner_class[256] = {
    ['\t'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP
            | PRIVACY_B_NAME_STOP,
    ['\n'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP
            | PRIVACY_B_NAME_STOP,
    ['\f'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP
            | PRIVACY_B_NAME_STOP,
    ['\r'] = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP
            | PRIVACY_B_NAME_STOP,
    [' ']  = PRIVACY_B_WS | PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP
            | PRIVACY_B_NAME_STOP,
    ['/']  = PRIVACY_B_ATTR_STOP | PRIVACY_B_NAME_STOP,
    ['=']  = PRIVACY_B_ATTR_STOP,
    ['>']  = PRIVACY_B_ATTR_STOP | PRIVACY_B_UNQ_STOP | PRIVACY_B_NAME_STOP
};


/*
 * By a name's first letter ('a' is 0), the lengths (as bits) of the names
 * privacy_banner_tag_end() and privacy_banner_start_tag() act on outside
 * svg and math: a tag of any other name there changes nothing but the
 * state, and the fast scan takes it at once
 */
static const uint16_t  privacy_banner_special_start[26] = {
    ['b' - 'a'] = 1 << 4,                             /* body */
    ['i' - 'a'] = 1 << 6,                             /* iframe */
    ['m' - 'a'] = 1 << 4,                             /* math */
    ['n' - 'a'] = (1 << 7) | (1 << 8),      /* noembed, noframes, noscript */
    ['p' - 'a'] = 1 << 9,                             /* plaintext */
    ['s' - 'a'] = (1 << 3) | (1 << 5) | (1 << 6),     /* svg, style, script */
    ['t' - 'a'] = (1 << 5) | (1 << 8),      /* title, textarea, template */
    ['x' - 'a'] = 1 << 3                              /* xmp */
};

static const uint16_t  privacy_banner_special_end[26] = {
    ['b' - 'a'] = 1 << 4,                             /* body */
    ['m' - 'a'] = 1 << 4,                             /* math */
    ['s' - 'a'] = 1 << 3,                             /* svg */
    ['t' - 'a'] = 1 << 8                              /* template */
};


/*
 * privacy_banner_run(): whether to stop after the '<' at p, one that
 * enters PRIVACY_S_LT: the buffer ends there, or a start tag whose name
 * lens wants follows (privacy_banner.h)
 */

static inline int
privacy_banner_wanted(const unsigned char *p, const unsigned char *end,
    const uint16_t *lens)
{
    size_t                n;
    unsigned              want;
    const unsigned char  *q;

    if (p + 1 == end) {
        return 1;
    }

    if (!privacy_banner_alpha(p[1])) {
        return 0;
    }

    want = lens[(p[1] | 0x20) - 'a'];

    if (want == 0) {
        return 0;
    }

    for (q = p + 2; q < end; q++) {
        if (privacy_banner_class[*q] & PRIVACY_B_NAME_STOP) {
            n = (size_t) (q - p - 1);
            return (want >> (n < 15 ? n : 15)) & 1;
        }
    }

    return 1;
}


/* a byte of a tag's name: the first PRIVACY_NAME_LONG are kept */

static inline void
privacy_banner_name_add(privacy_banner_t *m, unsigned char c)
{
    if (m->name_len < PRIVACY_NAME_LONG) {
        m->name[m->name_len] = privacy_banner_lc(c);
    }

    if (m->name_len <= PRIVACY_NAME_LONG) {
        m->name_len++;
    }
}


void
privacy_banner_init(privacy_banner_t *m, int where)
{
    memset(m, 0, sizeof(privacy_banner_t));

    m->where = (where == PRIVACY_BANNER_BODY_END
                || where == PRIVACY_BANNER_TOKENS)
               ? (unsigned char) where : PRIVACY_BANNER_BODY_START;
    m->state = PRIVACY_S_TEXT;
}


static int
privacy_banner_name_is(const privacy_banner_t *m, const char *name,
    size_t len)
{
    return m->name_len == len && memcmp(m->name, name, len) == 0;
}


static inline int
privacy_banner_tag_end(privacy_banner_t *m)
{
    int  self_closing;

    m->state = PRIVACY_S_TEXT;

    self_closing = m->self_closing;
    m->self_closing = 0;

    if (!m->end_tag) {
        if (m->foreign == 0
            && ((PRIVACY_BANNER_STARTS >> (m->name[0] - 'a')) & 1) == 0)
        {
            /* most tags: nothing privacy_banner_start_tag() looks for */
            return 0;
        }

        return privacy_banner_start_tag(m, self_closing);
    }

    /* a stray </template> or </svg> changes nothing */

    if (m->templates && privacy_banner_name_is(m, "template", 8)) {
        m->templates--;

    } else if (m->foreign && (privacy_banner_name_is(m, "svg", 3)
                              || privacy_banner_name_is(m, "math", 4)))
    {
        m->foreign--;
    }

    return 0;
}


static int
privacy_banner_start_tag(privacy_banner_t *m, int self_closing)
{
    size_t  i;

    if (m->foreign) {
        /* nested ones are counted up to 255, then no more */
        if (privacy_banner_name_is(m, "svg", 3)
            || privacy_banner_name_is(m, "math", 4))
        {
            if (!self_closing && m->foreign < 255) {
                m->foreign++;
            }

            return 0;
        }

        if (!privacy_banner_breakout(m)) {
            /* a foreign element: no template, raw text or plaintext */
            return 0;
        }

        m->foreign = 0;
    }

    /* most tags start with a letter no name below starts with */

    switch (m->name[0]) {

    case 's':
        if (privacy_banner_name_is(m, "svg", 3)) {
            m->foreign = !self_closing;
            return 0;
        }
        break;

    case 'm':
        if (privacy_banner_name_is(m, "math", 4)) {
            m->foreign = !self_closing;
        }
        return 0;

    case 't':
        /* nested templates are counted up to 65535, then no more */
        if (privacy_banner_name_is(m, "template", 8)) {
            if (m->templates < 0xffff) {
                m->templates++;
            }

            return 0;
        }
        break;

    case 'b':
        if (m->where == PRIVACY_BANNER_BODY_START && m->templates == 0
            && privacy_banner_name_is(m, "body", 4))
        {
            return PRIVACY_BANNER_FOUND_AFTER;
        }
        return 0;

    case 'p':
        if (privacy_banner_name_is(m, "plaintext", 9)) {
            m->state = PRIVACY_S_PLAINTEXT;
        }
        return 0;

    case 'x':
    case 'i':
    case 'n':
        break;

    default:
        return 0;
    }

    /* most of the rest have a length no raw text element has */
    if (((1u << m->name_len) & PRIVACY_BANNER_RAW_LENS) == 0) {
        return 0;
    }

    for (i = 0; i < sizeof(privacy_banner_raw) / sizeof(privacy_banner_raw[0]);
         i++)
    {
        if (privacy_banner_name_is(m, privacy_banner_raw[i].name,
                                   privacy_banner_raw[i].len))
        {
            /* what a browser without scripts fetches */
            if (m->where == PRIVACY_BANNER_TOKENS
                && privacy_banner_name_is(m, "noscript", 8))
            {
                break;
            }

            m->raw = (unsigned char) (i + 1);
            m->state = PRIVACY_S_RAW;
            break;
        }
    }

    return 0;
}


static int
privacy_banner_breakout(const privacy_banner_t *m)
{
    size_t  i;

    for (i = 0; i < sizeof(privacy_banner_breakouts)
                    / sizeof(privacy_banner_breakouts[0]); i++)
    {
        if (privacy_banner_name_is(m, privacy_banner_breakouts[i],
                                   strlen(privacy_banner_breakouts[i])))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The first c from p on, or end.  Most spans the tokenizer skips (text
 * between tags, attribute values, comments) are short, where a call to
 * memchr() costs more than the search: they are looked at here 16 bytes at
 * a time (SSE2, which every x86-64 has; a byte at a time elsewhere), and
 * only a span longer than PRIVACY_BANNER_INLINE goes on with memchr().
 */

static inline const unsigned char *
privacy_banner_find(const unsigned char *p, const unsigned char *end,
    unsigned char c)
{
    const unsigned char  *stop, *q;
#if (PRIVACY_BANNER_SSE2)
    int                   bits;
    size_t                n;
    __m128i               want;

    n = (size_t) (end - p);
    stop = (end - p > PRIVACY_BANNER_INLINE) ? p + PRIVACY_BANNER_INLINE
                                             : end;

    want = _mm_set1_epi8((char) c);

    while (stop - p >= 16) {
        bits = _mm_movemask_epi8(_mm_cmpeq_epi8(
                   _mm_loadu_si128((const __m128i *) (const void *) p),
                   want));

        if (bits) {
            return p + __builtin_ctz((unsigned) bits);
        }

        p += 16;
    }

    if (stop != end) {
        q = memchr(p, c, (size_t) (end - p));
        return q ? q : end;
    }

    if (p < end && n >= 16) {
        /* the last bytes with the 16 that end there, all looked at */
        bits = _mm_movemask_epi8(_mm_cmpeq_epi8(
                   _mm_loadu_si128((const __m128i *) (const void *)
                                   (end - 16)),
                   want))
               >> (16 - (end - p));

        return bits ? p + __builtin_ctz((unsigned) bits) : end;
    }
#else
    stop = (end - p > 16) ? p + 16 : end;
#endif

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


#if (PRIVACY_BANNER_SSE2)

/*
 * The fast scan's tag names, 16 bytes at a time: the bytes that end a
 * name (whitespace, '/', '>', and every other byte up to ' ', which the
 * caller tells apart), as bits
 */

static inline unsigned
privacy_banner_name_stops(__m128i x)
{
    __m128i  low;

    /* x <= ' ', unsigned */
    low = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(' ')), x);

    return (unsigned) _mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(
               _mm_cmpeq_epi8(x, _mm_set1_epi8('/')),
               _mm_cmpeq_epi8(x, _mm_set1_epi8('>')))));
}


/*
 * A tag's attributes from p, where the tokenizer takes p[0] as in
 * PRIVACY_S_BEFORE_ATTR (the byte that ended the name, or the one after a
 * quoted value): the '>' that ends the tag, looked for 16 bytes at a time,
 * or NULL where the states must decide.  A quote before the '>' opens a
 * value only after an '=' that follows an attribute name; with no other
 * '=' since p that is so when the last bytes before the quote are a name
 * byte, whitespace, '=', whitespace (a name byte: not '/', and no quote or
 * '>' comes before the quote).  Anything else (an unquoted value before
 * it, "/=", a tag going on past 16 bytes with neither, the buffer's end)
 * is NULL.
 */

static inline const unsigned char *
privacy_banner_tag_close(const unsigned char *p, const unsigned char *end)
{
    int                   e, d, k;
    unsigned              gt, dq, sq, qt, eq, rest;
    __m128i               x;
    const unsigned char  *close;

    while (end - p >= 16) {
        x = _mm_loadu_si128((const __m128i *) (const void *) p);
        gt = (unsigned) _mm_movemask_epi8(
                 _mm_cmpeq_epi8(x, _mm_set1_epi8('>')));
        dq = (unsigned) _mm_movemask_epi8(
                 _mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
        sq = (unsigned) _mm_movemask_epi8(
                 _mm_cmpeq_epi8(x, _mm_set1_epi8('\'')));
        qt = dq | sq;

        /* no quote before the first '>' (if any): it ends the tag */
        if ((qt & ((gt & (0u - gt)) - 1)) == 0) {
            return gt ? p + __builtin_ctz(gt) : NULL;
        }

        k = __builtin_ctz(qt);

        for (e = k - 1;
             e > 0 && (privacy_banner_class[p[e]] & PRIVACY_B_WS);
             e--)
        {
            /* void */
        }

        if (e <= 0 || p[e] != '=') {
            return NULL;
        }

        eq = (unsigned) _mm_movemask_epi8(
                 _mm_cmpeq_epi8(x, _mm_set1_epi8('=')));

        if (eq & ((1u << e) - 1)) {
            return NULL;
        }

        for (d = e - 1;
             d >= 0 && (privacy_banner_class[p[d]] & PRIVACY_B_WS);
             d--)
        {
            /* void */
        }

        if (d < 0 || p[d] == '/') {
            return NULL;
        }

        /* the value's closing quote: often in the same 16 bytes */

        rest = ((p[k] == '"') ? dq : sq) >> (k + 1);

        if (rest) {
            close = p + k + 1 + __builtin_ctz(rest);

        } else {
            close = privacy_banner_find(p + 16, end, p[k]);

            if (close == end) {
                return NULL;
            }
        }

        /* most tags end with their last value */
        if (close + 1 < end && close[1] == '>') {
            return close + 1;
        }

        p = close + 1;
    }

    return NULL;
}


/*
 * The walk in text outside svg and math, with the tags that change
 * nothing but the state taken at once: a name no rule here acts on and
 * LENS (privacy_banner_run()'s, or NULL) does not want, and attributes
 * that privacy_banner_tag_close() sees to the end.  Their names are not
 * kept: in text they are not read.  Returns the first '<' it did not
 * take, for the states to take on, or end.
 */

static inline const unsigned char *
privacy_banner_plain(const unsigned char *p, const unsigned char *end,
    const uint16_t *lens)
{
    size_t                n;
    unsigned              letter, end_tag, special;
    const unsigned char  *q;

    for ( ;; ) {
        if (*p != '<') {
            p = privacy_banner_find(p, end, '<');
            if (p == end) {
                return end;
            }
        }

        if (end - p < 18) {
            return p;
        }

        end_tag = (p[1] == '/');
        q = p + 1 + end_tag;

        /* a letter ('a' is 0), in either case */
        letter = (unsigned) (*q | 0x20) - 'a';

        if (letter >= 26) {
            return p;
        }

        n = (size_t) __builtin_ctz(privacy_banner_name_stops(
                _mm_loadu_si128((const __m128i *) (const void *) q))
                | 0x10000);

        if (n > PRIVACY_NAME_LONG || (q[n] <= ' ' && !privacy_banner_ws(q[n])))
        {
            return p;
        }

        special = end_tag ? privacy_banner_special_end[letter]
                          : privacy_banner_special_start[letter]
                            | (lens ? lens[letter] : 0);

        if ((special >> n) & 1) {
            return p;
        }

        q += n;

        if (*q != '>') {
            q = privacy_banner_tag_close(q, end);
            if (q == NULL) {
                return p;
            }
        }

        p = q + 1;

        if (p == end) {
            return end;
        }
    }
}

#endif


/*
 * The reference the scan is checked against in unit tests and fuzzers:
 * the tokenizer one byte at a time, nothing skipped.  The script
 * rewriter (privacy_script.c) follows the page with it too.
 */

int
privacy_banner_step(privacy_banner_t *m, unsigned char c)
{
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

        } else if (c == '[' && m->foreign) {
            m->raw_idx = 1;
            m->state = PRIVACY_S_CDATA_OPEN;

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

        privacy_banner_dashes(m, c);
        return 0;

    case PRIVACY_S_BOGUS:
        if (c == '>') {
            m->state = PRIVACY_S_TEXT;
        }
        return 0;

    case PRIVACY_S_TAG_NAME:
        if (privacy_banner_ws(c) || c == '/' || c == '>') {

            if (m->end_tag && m->where == PRIVACY_BANNER_BODY_END
                && m->templates == 0 && privacy_banner_name_is(m, "body", 4))
            {
                return PRIVACY_BANNER_FOUND_BEFORE;
            }

            if (c == '>') {
                return privacy_banner_tag_end(m);
            }

            m->state = (c == '/') ? PRIVACY_S_SLASH : PRIVACY_S_BEFORE_ATTR;
            return 0;
        }

        privacy_banner_name_add(m, c);
        return 0;

    case PRIVACY_S_SLASH:
    case PRIVACY_S_BEFORE_ATTR:
        /* after a '/', the byte is taken again before an attribute name */
        if (c == '>') {
            m->self_closing = (m->state == PRIVACY_S_SLASH);
            return privacy_banner_tag_end(m);
        }

        if (c == '/') {
            m->state = PRIVACY_S_SLASH;

        } else if (privacy_banner_ws(c)) {
            m->state = PRIVACY_S_BEFORE_ATTR;

        } else {
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
            m->state = PRIVACY_S_SLASH;

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

        if (privacy_banner_ws(c)) {
            m->state = PRIVACY_S_BEFORE_ATTR;

        } else if (c == '/') {
            m->state = PRIVACY_S_SLASH;

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

        } else if (c == '!' && m->raw == PRIVACY_RAW_SCRIPT) {
            m->esc = PRIVACY_E_START;
            m->state = PRIVACY_S_SCRIPT_ESC;

        } else if (c != '<') {
            m->state = PRIVACY_S_RAW;
        }
        return 0;

    case PRIVACY_S_RAW_END:
        privacy_banner_raw_end(m, c);
        return 0;

    case PRIVACY_S_SCRIPT_ESC:
        privacy_banner_script(m, c);
        return 0;

    case PRIVACY_S_CDATA_OPEN:
        privacy_banner_cdata_open(m, c);
        return 0;

    case PRIVACY_S_CDATA:
        if (c == ']') {
            m->dashes = (m->dashes < 2) ? m->dashes + 1 : 2;

        } else if (c == '>' && m->dashes == 2) {
            m->dashes = 0;
            m->state = PRIVACY_S_TEXT;

        } else {
            m->dashes = 0;
        }
        return 0;

    default: /* PRIVACY_S_PLAINTEXT */
        return 0;
    }
}


size_t
privacy_banner_run(privacy_banner_t *m, const unsigned char *p, size_t len,
    const uint16_t *lens)
{
#ifdef PRIVACY_BANNER_CHECK
    size_t            n, ref_n;
    privacy_banner_t  ref;

    ref = *m;
    ref_n = privacy_banner_run_bytes(&ref, p, len, lens);
    n = (len == 0) ? 0 : privacy_banner_walk(m, p, len, NULL, 0, 1, lens);

    if (n != ref_n || !privacy_banner_same(m, &ref)) {
        abort();
    }

    return n;
#else
    if (len == 0) {
        return 0;
    }

    return privacy_banner_walk(m, p, len, NULL, 0, 1, lens);
#endif
}


#ifdef PRIVACY_BANNER_CHECK

/* the reference privacy_banner_run() is checked against */

static size_t
privacy_banner_run_bytes(privacy_banner_t *m, const unsigned char *p,
    size_t len, const uint16_t *lens)
{
    size_t  i;

    for (i = 0; i < len; i++) {

        switch (m->state) {

        case PRIVACY_S_TEXT:
        case PRIVACY_S_RAW:
        case PRIVACY_S_VALUE_DQ:
        case PRIVACY_S_VALUE_SQ:
        case PRIVACY_S_BOGUS:
        case PRIVACY_S_PLAINTEXT:
            i += privacy_banner_skip(m, p + i, len - i);
            break;

        case PRIVACY_S_ATTR_NAME:
            /* an attribute name's bytes change nothing */
            while (i < len && p[i] != '>' && p[i] != '=' && p[i] != '/'
                   && !privacy_banner_ws(p[i]))
            {
                i++;
            }
            break;

        default:
            break;
        }

        if (i == len) {
            break;
        }

        privacy_banner_step(m, p[i]);

        if (m->state == PRIVACY_S_LT
            && privacy_banner_wanted(p + i, p + len, lens))
        {
            return i + 1;
        }
    }

    return len;
}

#endif


/*
 * privacy_banner_step() in a tag's attributes for a byte other than '>'
 * (which may end the tag) and a state other than SLASH (which takes the
 * byte again): the next state alone, nothing else changes there
 */

static inline unsigned char
privacy_banner_attr_next(unsigned char state, unsigned char c)
{
    int  ws;

    ws = (privacy_banner_class[c] & PRIVACY_B_WS) != 0;

    switch (state) {

    case PRIVACY_S_BEFORE_ATTR:
        return (c == '/') ? PRIVACY_S_SLASH
               : ws ? PRIVACY_S_BEFORE_ATTR : PRIVACY_S_ATTR_NAME;

    case PRIVACY_S_ATTR_NAME:
    case PRIVACY_S_AFTER_ATTR:
        return (c == '=') ? PRIVACY_S_BEFORE_VALUE
               : (c == '/') ? PRIVACY_S_SLASH
               : ws ? PRIVACY_S_AFTER_ATTR : PRIVACY_S_ATTR_NAME;

    case PRIVACY_S_BEFORE_VALUE:
        return (c == '"') ? PRIVACY_S_VALUE_DQ
               : (c == '\'') ? PRIVACY_S_VALUE_SQ
               : ws ? PRIVACY_S_BEFORE_VALUE : PRIVACY_S_VALUE_UNQ;

    case PRIVACY_S_VALUE_DQ:
        return (c == '"') ? PRIVACY_S_AFTER_VALUE : PRIVACY_S_VALUE_DQ;

    case PRIVACY_S_VALUE_SQ:
        return (c == '\'') ? PRIVACY_S_AFTER_VALUE : PRIVACY_S_VALUE_SQ;

    case PRIVACY_S_VALUE_UNQ:
        return ws ? PRIVACY_S_BEFORE_ATTR : PRIVACY_S_VALUE_UNQ;

    default: /* PRIVACY_S_AFTER_VALUE */
        return ws ? PRIVACY_S_BEFORE_ATTR
               : (c == '/') ? PRIVACY_S_SLASH : PRIVACY_S_ATTR_NAME;
    }
}


/* the states of a tag from its name on, where name and end_tag hold */
#define privacy_banner_in_tag(s)                                             \
    ((s) == PRIVACY_S_TAG_NAME || privacy_banner_in_attrs(s))

/* the states of a tag after its name, privacy_banner_attrs()'s */
#define privacy_banner_in_attrs(s)                                           \
    (((s) >= PRIVACY_S_BEFORE_ATTR && (s) <= PRIVACY_S_AFTER_VALUE)          \
     || (s) == PRIVACY_S_SLASH)


size_t
privacy_banner_attrs(privacy_banner_t *m, const unsigned char *p, size_t len)
{
#ifdef PRIVACY_BANNER_CHECK
    size_t            n, ref_n;
    privacy_banner_t  ref;

    ref = *m;
    ref_n = privacy_banner_attrs_bytes(&ref, p, len);
    n = privacy_banner_attrs_fast(m, p, len);

    if (n != ref_n || !privacy_banner_same(m, &ref)) {
        abort();
    }

    return n;
}


static size_t
privacy_banner_attrs_bytes(privacy_banner_t *m, const unsigned char *p,
    size_t len)
{
    size_t  i;

    for (i = 0; i < len && privacy_banner_in_attrs(m->state); i++) {
        (void) privacy_banner_step(m, p[i]);

        if (!privacy_banner_in_attrs(m->state)) {
            return i + 1;
        }
    }

    return i;
}


static size_t
privacy_banner_attrs_fast(privacy_banner_t *m, const unsigned char *p,
    size_t len)
{
#endif
    unsigned char         c;
    const unsigned char  *q, *end;

    end = p + len;

#if (PRIVACY_BANNER_SSE2)

    /*
     * Most tags' attributes up to the '>' at once, as the walk takes them
     * (where a '/' before the '>' makes no difference: outside svg and
     * math, and not <svg/> or <math/> themselves)
     */

    if (m->state == PRIVACY_S_BEFORE_ATTR && m->foreign == 0
        && !privacy_banner_name_is(m, "svg", 3)
        && !privacy_banner_name_is(m, "math", 4))
    {
        q = privacy_banner_tag_close(p, end);

        if (q) {
            (void) privacy_banner_step(m, '>');
            return (size_t) (q - p) + 1;
        }
    }

#endif

    /* the bytes that leave the state as it is skipped, the others stepped */

    for (q = p; q < end && privacy_banner_in_attrs(m->state); /* void */ ) {
        c = *q;

        switch (m->state) {

        case PRIVACY_S_BEFORE_ATTR:
        case PRIVACY_S_AFTER_ATTR:
        case PRIVACY_S_BEFORE_VALUE:
            while (privacy_banner_class[c] & PRIVACY_B_WS) {
                if (++q == end) {
                    return len;
                }

                c = *q;
            }
            break;

        case PRIVACY_S_ATTR_NAME:
            while ((privacy_banner_class[c] & PRIVACY_B_ATTR_STOP) == 0) {
                if (++q == end) {
                    return len;
                }

                c = *q;
            }
            break;

        case PRIVACY_S_VALUE_UNQ:
            while ((privacy_banner_class[c] & PRIVACY_B_UNQ_STOP) == 0) {
                if (++q == end) {
                    return len;
                }

                c = *q;
            }
            break;

        case PRIVACY_S_VALUE_DQ:
        case PRIVACY_S_VALUE_SQ:
            q = privacy_banner_find(q, end, (m->state == PRIVACY_S_VALUE_DQ)
                                            ? '"' : '\'');
            if (q == end) {
                return len;
            }

            c = *q;
            break;

        default: /* PRIVACY_S_AFTER_VALUE, PRIVACY_S_SLASH */
            break;
        }

        if (c == '>' || m->state == PRIVACY_S_SLASH) {
            (void) privacy_banner_step(m, c);

        } else {
            m->state = privacy_banner_attr_next(m->state, c);
        }

        q++;

        if (!privacy_banner_in_attrs(m->state)) {
            break;
        }
    }

    return (size_t) (q - p);
}


size_t
privacy_banner_name(privacy_banner_t *m, const unsigned char *p, size_t len,
    size_t max)
{
    size_t  i;

    i = 0;

    if (m->state == PRIVACY_S_LT && len && max && privacy_banner_alpha(p[0])) {
        (void) privacy_banner_step(m, p[0]);
        i = 1;
    }

    if (m->state != PRIVACY_S_TAG_NAME) {
        return i;
    }

    for ( /* void */ ; i < len && i < max; i++) {
        if (privacy_banner_class[p[i]] & PRIVACY_B_NAME_STOP) {
            break;
        }

        privacy_banner_name_add(m, p[i]);
    }

    return i;
}


int
privacy_banner_tag_state(const privacy_banner_t *m)
{
    switch (m->state) {

    case PRIVACY_S_LT:
        return PRIVACY_BANNER_TAG_LT;

    case PRIVACY_S_TAG_NAME:
        return m->end_tag ? PRIVACY_BANNER_TAG_NONE : PRIVACY_BANNER_TAG_NAME;

    case PRIVACY_S_BEFORE_ATTR:
    case PRIVACY_S_ATTR_NAME:
    case PRIVACY_S_AFTER_ATTR:
    case PRIVACY_S_BEFORE_VALUE:
    case PRIVACY_S_VALUE_DQ:
    case PRIVACY_S_VALUE_SQ:
    case PRIVACY_S_VALUE_UNQ:
    case PRIVACY_S_AFTER_VALUE:
    case PRIVACY_S_SLASH:
        return m->end_tag ? PRIVACY_BANNER_TAG_NONE
                          : PRIVACY_BANNER_TAG_ATTRS;

    default:
        return PRIVACY_BANNER_TAG_NONE;
    }
}


/* in a comment, a byte other than '>': where it leaves the closing dashes */

static void
privacy_banner_dashes(privacy_banner_t *m, unsigned char c)
{
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
}


/* in raw text after "</": the element's own end tag, or back to text */

static inline void
privacy_banner_raw_end(privacy_banner_t *m, unsigned char c)
{
    const privacy_banner_raw_t  *raw;

    raw = &privacy_banner_raw[m->raw - 1];

    if (m->raw_idx < raw->len) {
        if (privacy_banner_lc(c) == (unsigned char) raw->name[m->raw_idx]) {
            m->raw_idx++;
            return;
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
        return;
    }

    m->state = (c == '<') ? PRIVACY_S_RAW_LT : PRIVACY_S_RAW;
}


/* after "<![" in foreign content: "CDATA[" opens a CDATA section */

static void
privacy_banner_cdata_open(privacy_banner_t *m, unsigned char c)
{
    if (c != (unsigned char) "[CDATA["[m->raw_idx]) {
        m->state = (c == '>') ? PRIVACY_S_TEXT : PRIVACY_S_BOGUS;
        return;
    }

    if (++m->raw_idx == PRIVACY_CDATA_LEN) {
        m->dashes = 0;
        m->state = PRIVACY_S_CDATA;
    }
}


/* a letter of a tag name in the script sub-states: is it "script" */

static void
privacy_banner_temp(privacy_banner_t *m, unsigned char c)
{
    if (m->raw_idx < 6 && privacy_banner_lc(c) == "script"[m->raw_idx]) {
        m->raw_idx++;

    } else {
        m->raw_idx = PRIVACY_TEMP_OTHER;
    }
}


/* c in the script data (double) escaped state, or reconsumed there */

static void
privacy_banner_escaped(privacy_banner_t *m, unsigned char c, int dbl)
{
    if (c == '-') {
        m->esc = dbl ? PRIVACY_E_DOUBLE_DASH : PRIVACY_E_DASH;

    } else if (c == '<') {
        m->esc = dbl ? PRIVACY_E_DOUBLE_LT : PRIVACY_E_LT;

    } else {
        m->esc = dbl ? PRIVACY_E_DOUBLE : PRIVACY_E_ESCAPED;
    }
}


/*
 * A script after "<!": the spec's escaped and double escaped states.  In
 * the double escaped state (after "<!--<script>") a "</script>" only goes
 * back to the escaped state; "-->" goes back to the script's data.
 */

static void
privacy_banner_script(privacy_banner_t *m, unsigned char c)
{
    int  stop;

    stop = privacy_banner_ws(c) || c == '/' || c == '>';

    switch (m->esc) {

    case PRIVACY_E_START:
        if (c == '-') {
            m->esc = PRIVACY_E_START_DASH;
            return;
        }
        break;

    case PRIVACY_E_START_DASH:
        if (c == '-') {
            m->esc = PRIVACY_E_DASH_DASH;
            return;
        }
        break;

    case PRIVACY_E_DASH_DASH:
    case PRIVACY_E_DOUBLE_DASH_DASH:
        if (c == '-') {
            return;
        }

        if (c == '>') {
            break;
        }

        privacy_banner_escaped(m, c, m->esc == PRIVACY_E_DOUBLE_DASH_DASH);
        return;

    case PRIVACY_E_DASH:
        if (c == '-') {
            m->esc = PRIVACY_E_DASH_DASH;
            return;
        }

        privacy_banner_escaped(m, c, 0);
        return;

    case PRIVACY_E_DOUBLE_DASH:
        if (c == '-') {
            m->esc = PRIVACY_E_DOUBLE_DASH_DASH;
            return;
        }

        privacy_banner_escaped(m, c, 1);
        return;

    case PRIVACY_E_LT:
        if (c == '/') {
            m->raw_idx = 0;
            m->esc = PRIVACY_E_END;
            return;
        }

        if (privacy_banner_alpha(c)) {
            m->raw_idx = 0;
            privacy_banner_temp(m, c);
            m->esc = PRIVACY_E_DOUBLE_START;
            return;
        }

        privacy_banner_escaped(m, c, 0);
        return;

    case PRIVACY_E_END:
        if (privacy_banner_alpha(c)) {
            privacy_banner_temp(m, c);
            return;
        }

        if (stop && m->raw_idx == 6) {
            /* the script's end tag */
            m->esc = PRIVACY_E_NONE;
            m->raw = 0;

            if (c == '>') {
                m->state = PRIVACY_S_TEXT;

            } else {
                m->end_tag = 1;
                m->name_len = 0;
                m->state = PRIVACY_S_BEFORE_ATTR;
            }
            return;
        }

        privacy_banner_escaped(m, c, 0);
        return;

    case PRIVACY_E_DOUBLE_START:
        if (stop) {
            m->esc = (m->raw_idx == 6) ? PRIVACY_E_DOUBLE : PRIVACY_E_ESCAPED;
            return;
        }

        if (privacy_banner_alpha(c)) {
            privacy_banner_temp(m, c);
            return;
        }

        privacy_banner_escaped(m, c, 0);
        return;

    case PRIVACY_E_DOUBLE_LT:
        if (c == '/') {
            m->raw_idx = 0;
            m->esc = PRIVACY_E_DOUBLE_END;
            return;
        }

        privacy_banner_escaped(m, c, 1);
        return;

    case PRIVACY_E_DOUBLE_END:
        if (stop) {
            m->esc = (m->raw_idx == 6) ? PRIVACY_E_ESCAPED : PRIVACY_E_DOUBLE;
            return;
        }

        if (privacy_banner_alpha(c)) {
            privacy_banner_temp(m, c);
            return;
        }

        privacy_banner_escaped(m, c, 1);
        return;

    default: /* PRIVACY_E_ESCAPED, PRIVACY_E_DOUBLE */
        privacy_banner_escaped(m, c, m->esc == PRIVACY_E_DOUBLE);
        return;
    }

    /* back to the script's data: "<!" not followed by "--", or "-->" */

    m->esc = PRIVACY_E_NONE;
    m->state = (c == '<') ? PRIVACY_S_RAW_LT : PRIVACY_S_RAW;
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
#ifdef PRIVACY_BANNER_CHECK
    privacy_banner_t         ref;
    privacy_banner_result_t  ref_r;

    ref = *m;
    privacy_banner_scan_bytes(&ref, buf, len, &ref_r);
    privacy_banner_scan_fast(m, buf, len, r);
    privacy_banner_check(m, r, &ref, &ref_r);
#else
    privacy_banner_scan_fast(m, buf, len, r);
#endif
}


/*
 * The tokenizer of privacy_banner_step() with the bytes that change no
 * state skipped in place: text and raw text up to a '<', a quoted value up
 * to its quote, a comment up to a '-', a tag or attribute name up to what
 * ends it.  Where the reference looks at every byte, this one looks at the
 * few that matter; the reference checks it byte for byte in the unit
 * tests and fuzzers (PRIVACY_BANNER_CHECK).
 *
 * The BODY_END candidate (a possible "</body") starts at the last '<'
 * that entered the LT state; whether it is still alive is asked only at
 * the end of the buffer, the one place the answer is used.
 */

static void
privacy_banner_scan_fast(privacy_banner_t *m, const unsigned char *buf,
    size_t len, privacy_banner_result_t *r)
{
    size_t  old;

    if (!privacy_banner_begin(m, len, r, &old)) {
        return;
    }

    (void) privacy_banner_walk(m, buf, len, r, old, 0, 0);
}


/*
 * The fast scan itself.  With run (privacy_banner_run(), where is
 * PRIVACY_BANNER_TOKENS, r is NULL) it returns as soon as a '<' that
 * privacy_banner_stop() takes left the tokenizer in PRIVACY_S_LT: the
 * bytes taken; len when none did.
 */

static size_t
privacy_banner_walk(privacy_banner_t *m, const unsigned char *buf,
    size_t len, privacy_banner_result_t *r, size_t old, int run,
    const uint16_t *lens)
{
    int                   in_held;
    size_t                cand;
    unsigned char         c;
    const unsigned char  *p, *end;

    in_held = (old != 0);
    cand = len;
    end = buf + len;
    p = buf;
    c = *p;

    /*
     * The switch resumes the state the last buffer ended in; from there
     * each state goes straight to the code of the next one (goto), so a
     * tag costs a few jumps, not a dispatch per byte.
     */

    switch (m->state) {

    case PRIVACY_S_TEXT:
    text:
#if (PRIVACY_BANNER_SSE2)
        if (m->foreign == 0) {
            /* most tags are taken there at once */
            p = privacy_banner_plain(p, end, run ? lens : NULL);
            if (p == end) {
                m->state = PRIVACY_S_TEXT;
                goto scanned;
            }

            c = *p;
            goto text_lt;
        }
#endif

        /* between tags there is often a newline or nothing: look first */
        if (c != '<' && (end - p < 2 || *++p != '<')) {
            p = privacy_banner_find(p, end, '<');
            if (p == end) {
                m->state = PRIVACY_S_TEXT;
                goto scanned;
            }
        }

#if (PRIVACY_BANNER_SSE2)
    text_lt:
#endif
        in_held = 0;
        cand = (size_t) (p - buf);

        if (run && privacy_banner_wanted(p, end, lens)) {
            m->state = PRIVACY_S_LT;
            return cand + 1;
        }

        privacy_banner_next(PRIVACY_S_LT, lt);

    case PRIVACY_S_LT:
    lt:
        if (privacy_banner_alpha(c)) {
            m->end_tag = 0;
            m->name[0] = privacy_banner_lc(c);
            m->name_len = 1;
            privacy_banner_next(PRIVACY_S_TAG_NAME, tag_name);
        }

        if (c == '/') {
            privacy_banner_next(PRIVACY_S_END_SLASH, end_slash);
        }

        if (c == '!') {
            privacy_banner_next(PRIVACY_S_BANG, bang);
        }

        if (c == '?') {
            privacy_banner_next(PRIVACY_S_BOGUS, bogus);
        }

        if (c == '<') {
            /* "<<": the second '<' may open a tag */
            in_held = 0;
            cand = (size_t) (p - buf);

            if (run && privacy_banner_wanted(p, end, lens)) {
                m->state = PRIVACY_S_LT;
                return cand + 1;
            }

            privacy_banner_next(PRIVACY_S_LT, lt);
        }

        privacy_banner_next(PRIVACY_S_TEXT, text);

    case PRIVACY_S_END_SLASH:
    end_slash:
        if (privacy_banner_alpha(c)) {
            m->end_tag = 1;
            m->name[0] = privacy_banner_lc(c);
            m->name_len = 1;
            privacy_banner_next(PRIVACY_S_TAG_NAME, tag_name);
        }

        /* "</>" is dropped, "</0..." is a bogus comment */
        if (c == '>') {
            privacy_banner_next(PRIVACY_S_TEXT, text);
        }

        privacy_banner_next(PRIVACY_S_BOGUS, bogus);

    case PRIVACY_S_TAG_NAME:
    tag_name:
        while ((privacy_banner_class[c] & PRIVACY_B_NAME_STOP) == 0) {
            privacy_banner_name_add(m, c);

            if (++p == end) {
                m->state = PRIVACY_S_TAG_NAME;
                goto scanned;
            }

            c = *p;
        }


        if (m->end_tag && m->where == PRIVACY_BANNER_BODY_END
            && m->templates == 0 && privacy_banner_name_is(m, "body", 4))
        {
            privacy_banner_found_before(m, r, in_held, old, cand);
            return len;
        }

        if (c == '>') {
            goto tag_end;
        }

        if (c == '/') {
            privacy_banner_next(PRIVACY_S_SLASH, slash);
        }

        privacy_banner_next(PRIVACY_S_BEFORE_ATTR, before_attr);

    case PRIVACY_S_BANG:
    bang:
        if (c == '-') {
            privacy_banner_next(PRIVACY_S_BANG_DASH, bang_dash);
        }

        if (c == '[' && m->foreign) {
            m->raw_idx = 1;
            privacy_banner_next(PRIVACY_S_CDATA_OPEN, cdata_open);
        }

        if (c == '>') {
            privacy_banner_next(PRIVACY_S_TEXT, text);
        }

        privacy_banner_next(PRIVACY_S_BOGUS, bogus);

    case PRIVACY_S_BANG_DASH:
    bang_dash:
        if (c == '-') {
            m->dashes = PRIVACY_C_START;
            privacy_banner_next(PRIVACY_S_COMMENT, comment);
        }

        if (c == '>') {
            privacy_banner_next(PRIVACY_S_TEXT, text);
        }

        privacy_banner_next(PRIVACY_S_BOGUS, bogus);

    case PRIVACY_S_COMMENT:
    comment:
        if (m->dashes == PRIVACY_C_COMMENT) {
            /* in a comment's text even '>' changes nothing */
            p = privacy_banner_find(p, end, '-');
            if (p == end) {
                m->state = PRIVACY_S_COMMENT;
                goto scanned;
            }

            m->dashes = PRIVACY_C_END_DASH;
            privacy_banner_next(PRIVACY_S_COMMENT, comment);
        }

        if (c == '>') {
            /* "<!-->", "<!--->", "-->" and "--!>" all close it */
            if (m->dashes != PRIVACY_C_END_DASH) {
                m->dashes = PRIVACY_C_COMMENT;
                privacy_banner_next(PRIVACY_S_TEXT, text);
            }

            m->dashes = PRIVACY_C_COMMENT;
            privacy_banner_next(PRIVACY_S_COMMENT, comment);
        }

        privacy_banner_dashes(m, c);
        privacy_banner_next(PRIVACY_S_COMMENT, comment);

    case PRIVACY_S_BOGUS:
    bogus:
        p = privacy_banner_find(p, end, '>');
        if (p == end) {
            m->state = PRIVACY_S_BOGUS;
            goto scanned;
        }

        privacy_banner_next(PRIVACY_S_TEXT, text);

    case PRIVACY_S_SLASH:
    slash:
        if (c == '>') {
            m->self_closing = 1;
            goto tag_end;
        }

        /* the byte again, before an attribute name */
        goto before_attr;

    case PRIVACY_S_BEFORE_ATTR:
    before_attr:
        while (privacy_banner_class[c] & PRIVACY_B_WS) {
            if (++p == end) {
                m->state = PRIVACY_S_BEFORE_ATTR;
                goto scanned;
            }

            c = *p;
        }

        if (c == '>') {
            goto tag_end;
        }

        if (c == '/') {
            privacy_banner_next(PRIVACY_S_SLASH, slash);
        }

        privacy_banner_next(PRIVACY_S_ATTR_NAME, attr_name);

    case PRIVACY_S_ATTR_NAME:
    attr_name:
        /* quotes and '<' are name bytes here, as in the spec */
        while ((privacy_banner_class[c] & PRIVACY_B_ATTR_STOP) == 0) {
            if (++p == end) {
                m->state = PRIVACY_S_ATTR_NAME;
                goto scanned;
            }

            c = *p;
        }

        goto attr_stop;

    case PRIVACY_S_AFTER_ATTR:
    after_attr:
        while (privacy_banner_class[c] & PRIVACY_B_WS) {
            if (++p == end) {
                m->state = PRIVACY_S_AFTER_ATTR;
                goto scanned;
            }

            c = *p;
        }

    attr_stop:

        if (c == '>') {
            goto tag_end;
        }

        if (c == '=') {
            privacy_banner_next(PRIVACY_S_BEFORE_VALUE, before_value);
        }

        if (c == '/') {
            privacy_banner_next(PRIVACY_S_SLASH, slash);
        }

        if (privacy_banner_class[c] & PRIVACY_B_WS) {
            privacy_banner_next(PRIVACY_S_AFTER_ATTR, after_attr);
        }

        privacy_banner_next(PRIVACY_S_ATTR_NAME, attr_name);

    case PRIVACY_S_BEFORE_VALUE:
    before_value:
        while (privacy_banner_class[c] & PRIVACY_B_WS) {
            if (++p == end) {
                m->state = PRIVACY_S_BEFORE_VALUE;
                goto scanned;
            }

            c = *p;
        }

        if (c == '"') {
            privacy_banner_next(PRIVACY_S_VALUE_DQ, value_dq);
        }

        if (c == '\'') {
            privacy_banner_next(PRIVACY_S_VALUE_SQ, value_sq);
        }

        if (c == '>') {
            goto tag_end;
        }

        privacy_banner_next(PRIVACY_S_VALUE_UNQ, value_unq);

    case PRIVACY_S_VALUE_DQ:
    value_dq:
        p = privacy_banner_find(p, end, '"');
        if (p == end) {
            m->state = PRIVACY_S_VALUE_DQ;
            goto scanned;
        }

        privacy_banner_next(PRIVACY_S_AFTER_VALUE, after_value);

    case PRIVACY_S_VALUE_SQ:
    value_sq:
        p = privacy_banner_find(p, end, '\'');
        if (p == end) {
            m->state = PRIVACY_S_VALUE_SQ;
            goto scanned;
        }

        privacy_banner_next(PRIVACY_S_AFTER_VALUE, after_value);

    case PRIVACY_S_VALUE_UNQ:
    value_unq:
        while ((privacy_banner_class[c] & PRIVACY_B_UNQ_STOP) == 0) {
            if (++p == end) {
                m->state = PRIVACY_S_VALUE_UNQ;
                goto scanned;
            }

            c = *p;
        }

        if (c == '>') {
            goto tag_end;
        }

        privacy_banner_next(PRIVACY_S_BEFORE_ATTR, before_attr);

    case PRIVACY_S_AFTER_VALUE:
    after_value:
        if (c == '>') {
            goto tag_end;
        }

        if (privacy_banner_class[c] & PRIVACY_B_WS) {
            privacy_banner_next(PRIVACY_S_BEFORE_ATTR, before_attr);
        }

        if (c == '/') {
            privacy_banner_next(PRIVACY_S_SLASH, slash);
        }

        /* a="x"b: a new attribute without the space */
        privacy_banner_next(PRIVACY_S_ATTR_NAME, attr_name);

    case PRIVACY_S_RAW:
    raw:
        p = privacy_banner_find(p, end, '<');
        if (p == end) {
            m->state = PRIVACY_S_RAW;
            goto scanned;
        }

        privacy_banner_next(PRIVACY_S_RAW_LT, raw_lt);

    case PRIVACY_S_RAW_LT:
    raw_lt:
        if (c == '/') {
            m->raw_idx = 0;
            privacy_banner_next(PRIVACY_S_RAW_END, raw_end);
        }

        if (c == '<') {
            privacy_banner_next(PRIVACY_S_RAW_LT, raw_lt);
        }

        if (c == '!' && m->raw == PRIVACY_RAW_SCRIPT) {
            m->esc = PRIVACY_E_START;
            privacy_banner_next(PRIVACY_S_SCRIPT_ESC, script_esc);
        }

        privacy_banner_next(PRIVACY_S_RAW, raw);

    case PRIVACY_S_RAW_END:
    raw_end:
        m->state = PRIVACY_S_RAW_END;
        privacy_banner_raw_end(m, c);
        goto resume;

    case PRIVACY_S_SCRIPT_ESC:
    script_esc:
        m->state = PRIVACY_S_SCRIPT_ESC;

        if (m->esc == PRIVACY_E_ESCAPED || m->esc == PRIVACY_E_DOUBLE) {
            while (c != '-' && c != '<') {
                if (++p == end) {
                    goto scanned;
                }

                c = *p;
            }
        }

        privacy_banner_script(m, c);
        goto resume;

    case PRIVACY_S_CDATA_OPEN:
    cdata_open:
        m->state = PRIVACY_S_CDATA_OPEN;
        privacy_banner_cdata_open(m, c);
        goto resume;

    case PRIVACY_S_CDATA:
    cdata:
        if (m->dashes == 0) {
            p = privacy_banner_find(p, end, ']');
            if (p == end) {
                m->state = PRIVACY_S_CDATA;
                goto scanned;
            }

            m->dashes = 1;
            privacy_banner_next(PRIVACY_S_CDATA, cdata);
        }

        if (c == ']') {
            m->dashes = 2;
            privacy_banner_next(PRIVACY_S_CDATA, cdata);
        }

        if (c == '>' && m->dashes == 2) {
            m->dashes = 0;
            privacy_banner_next(PRIVACY_S_TEXT, text);
        }

        m->dashes = 0;
        privacy_banner_next(PRIVACY_S_CDATA, cdata);

    default: /* PRIVACY_S_PLAINTEXT */
        m->state = PRIVACY_S_PLAINTEXT;
        goto scanned;
    }

tag_end:

    if (privacy_banner_tag_end(m) == PRIVACY_BANNER_FOUND_AFTER) {
        m->done = 1;
        r->found = 1;
        r->pass = (size_t) (p - buf) + 1;
        return len;
    }

    if (m->state == PRIVACY_S_TEXT) {
        /* most tags end in text */
        if (++p == end) {
            goto scanned;
        }

        c = *p;
        goto text;
    }

resume:

    /* after a state that sets the next one itself */

    if (++p == end) {
        goto scanned;
    }

    c = *p;

    switch (m->state) {
    case PRIVACY_S_TEXT:
        goto text;
    case PRIVACY_S_RAW:
        goto raw;
    case PRIVACY_S_RAW_LT:
        goto raw_lt;
    case PRIVACY_S_RAW_END:
        goto raw_end;
    case PRIVACY_S_SCRIPT_ESC:
        goto script_esc;
    case PRIVACY_S_CDATA_OPEN:
        goto cdata_open;
    case PRIVACY_S_CDATA:
        goto cdata;
    case PRIVACY_S_BOGUS:
        goto bogus;
    case PRIVACY_S_PLAINTEXT:
        goto scanned;
    default: /* PRIVACY_S_BEFORE_ATTR */
        goto before_attr;
    }

scanned:

    if (run) {
        return len;
    }

    if (m->where != PRIVACY_BANNER_BODY_END || !privacy_banner_candidate(m)) {
        in_held = 0;
        cand = len;
    }

    privacy_banner_hold(m, buf, len, r, in_held, old, cand);

    return len;
}


/*
 * The start of a scan: an empty result; 0 when there is nothing to do,
 * otherwise the held bytes moved to emit[] (held[] may be refilled) and
 * their number in *old.
 */

static int
privacy_banner_begin(privacy_banner_t *m, size_t len,
    privacy_banner_result_t *r, size_t *old)
{
    r->pre = m->emit;
    r->pre_len = 0;
    r->pass = len;
    r->found = 0;
    r->post = m->emit;
    r->post_len = 0;

    /* an empty buffer (buf may be NULL) leaves the held bytes held */

    if (m->done || len == 0) {
        return 0;
    }

    *old = m->held_len;
    memcpy(m->emit, m->held, *old);
    m->held_len = 0;

    return 1;
}


/*
 * "</body" found: the banner goes before the candidate, which started in
 * the held bytes (in_held; they then follow the banner) or at buf[cand].
 */

static void
privacy_banner_found_before(privacy_banner_t *m, privacy_banner_result_t *r,
    int in_held, size_t old, size_t cand)
{
    m->done = 1;
    r->found = 1;

    if (in_held) {
        r->post_len = old;
        r->pass = 0;

    } else {
        r->pre_len = old;
        r->pass = cand;
    }
}


/*
 * The end of a buffer without a find: the candidate still alive, if any,
 * is held back (in_held: the whole buffer continues the held one).
 */

static void
privacy_banner_hold(privacy_banner_t *m, const unsigned char *buf, size_t len,
    privacy_banner_result_t *r, int in_held, size_t old, size_t cand)
{
    if (in_held) {
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


#ifdef PRIVACY_BANNER_CHECK

static void
privacy_banner_scan_bytes(privacy_banner_t *m, const unsigned char *buf,
    size_t len, privacy_banner_result_t *r)
{
    int     rc, in_held;
    size_t  i, old, cand;

    if (!privacy_banner_begin(m, len, r, &old)) {
        return;
    }

    in_held = (old != 0);
    cand = len;

    for (i = 0; i < len; i++) {

        rc = privacy_banner_step(m, buf[i]);

        if (rc == PRIVACY_BANNER_FOUND_AFTER) {
            m->done = 1;
            r->found = 1;
            r->pass = i + 1;
            return;
        }

        if (rc == PRIVACY_BANNER_FOUND_BEFORE) {
            privacy_banner_found_before(m, r, in_held, old, cand);
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

    privacy_banner_hold(m, buf, len, r, in_held, old, cand);
}


/*
 * Whether two states are the same.  The last tag's name and end_tag are
 * part of it only in a tag (from its name on), and there only as far as
 * the name goes: every tag sets them anew, and the fast scan leaves them
 * as they were for most tags.
 */

static int
privacy_banner_same(const privacy_banner_t *a, const privacy_banner_t *b)
{
    size_t            n;
    privacy_banner_t  x, y;

    x = *a;
    y = *b;

    if (!privacy_banner_in_tag(x.state) && !privacy_banner_in_tag(y.state)) {
        x.name_len = 0;
        y.name_len = 0;
        x.end_tag = 0;
        y.end_tag = 0;
    }

    n = (x.name_len < PRIVACY_NAME_LONG) ? x.name_len : PRIVACY_NAME_LONG;
    memset(x.name + n, 0, sizeof(x.name) - n);
    memset(y.name + n, 0, sizeof(y.name) - n);

    return memcmp(&x, &y, sizeof(privacy_banner_t)) == 0;
}


/* the fast scan must leave what the reference leaves, or abort */

static void
privacy_banner_check(const privacy_banner_t *m,
    const privacy_banner_result_t *r, const privacy_banner_t *ref,
    const privacy_banner_result_t *ref_r)
{
    if (!privacy_banner_same(m, ref)
        || r->pre_len != ref_r->pre_len
        || r->pass != ref_r->pass
        || r->found != ref_r->found
        || r->post_len != ref_r->post_len
        || memcmp(r->pre, ref_r->pre, r->pre_len) != 0
        || memcmp(r->post, ref_r->post, r->post_len) != 0)
    {
        abort();
    }
}

#endif


/*
 * For callers that step through a page (privacy_consent_mode.c,
 * privacy_banner_run()): the bytes from p on that privacy_banner_step()
 * would leave where they are, as the fast scan skips them.
 */

size_t
privacy_banner_skip(const privacy_banner_t *m, const unsigned char *p,
    size_t len)
{
    unsigned char         c;
    const unsigned char  *q;

    switch (m->state) {

    case PRIVACY_S_TEXT:
    case PRIVACY_S_RAW:
        c = '<';
        break;

    case PRIVACY_S_VALUE_DQ:
        c = '"';
        break;

    case PRIVACY_S_VALUE_SQ:
        c = '\'';
        break;

    case PRIVACY_S_BOGUS:
        c = '>';
        break;

    case PRIVACY_S_COMMENT:
        if (m->dashes != PRIVACY_C_COMMENT) {
            return 0;
        }

        c = '-';
        break;

    case PRIVACY_S_PLAINTEXT:
        return len;

    default:
        return 0;
    }

    q = privacy_banner_find(p, p + len, c);

    return (size_t) (q - p);
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


static void
privacy_banner_scan_any(void *m, const unsigned char *buf, size_t len,
    privacy_banner_result_t *r)
{
    privacy_banner_scan(m, buf, len, r);
}


static size_t
privacy_banner_finish_any(void *m, const unsigned char **held)
{
    return privacy_banner_finish(m, held);
}


size_t
privacy_banner_insert(unsigned char *dst, const unsigned char *page,
    size_t len, int where, const unsigned char *banner, size_t banner_len,
    const size_t *cuts, size_t ncuts, int *found)
{
    privacy_banner_t  m;

    privacy_banner_init(&m, where);

    return privacy_banner_insert_with(&m, privacy_banner_scan_any,
                                      privacy_banner_finish_any, dst, page,
                                      len, banner, banner_len, cuts, ncuts,
                                      found);
}


size_t
privacy_banner_insert_with(void *m, privacy_banner_scan_pt scan,
    privacy_banner_finish_pt finish, unsigned char *dst,
    const unsigned char *page, size_t len, const unsigned char *text,
    size_t text_len, const size_t *cuts, size_t ncuts, int *found)
{
    size_t                    k, start, stop, n;
    unsigned char            *d;
    privacy_banner_result_t   r;
    const unsigned char      *held, *buf;

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

        scan(m, buf, n, &r);

        memcpy(d, r.pre, r.pre_len);
        d += r.pre_len;

        if (r.pass) {
            memcpy(d, buf, r.pass);
            d += r.pass;
        }

        if (r.found) {
            if (text_len) {
                memcpy(d, text, text_len);
                d += text_len;
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

    n = finish(m, &held);
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


/*
 * SRC escaped for a return path into dst (PRIVACY_RETURN_PATH_MAX bytes),
 * or 0 when it does not fit there or its form encoding is over room.
 */

static size_t
privacy_banner_return_escape(unsigned char *dst, const unsigned char *src,
    size_t n, size_t room)
{
    size_t             len, form, i;
    unsigned char      c;
    static const char  hex[] = "0123456789ABCDEF";

    len = 0;

    for (i = 0; i < n; i++) {
        c = src[i];

        if (c <= 0x20 || c >= 0x7f || c == '\\') {
            if (PRIVACY_RETURN_PATH_MAX - len < 3) {
                return 0;
            }

            dst[len++] = '%';
            dst[len++] = (unsigned char) hex[c >> 4];
            dst[len++] = (unsigned char) hex[c & 0x0f];
            continue;
        }

        if (len == PRIVACY_RETURN_PATH_MAX) {
            return 0;
        }

        dst[len++] = c;
    }

    /* a browser keeps letters, digits and "*-._", and %-escapes the rest */
    form = 0;

    for (i = 0; i < len; i++) {
        c = dst[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '*' || c == '-' || c == '.' || c == '_')
        {
            form++;

        } else {
            form += 3;
        }
    }

    return (form <= room) ? len : 0;
}


size_t
privacy_banner_return_path(unsigned char *dst, const unsigned char *uri,
    size_t len, size_t room)
{
    size_t                n;
    const unsigned char  *q;

    if (len && uri[0] == '/') {

        while (len > 1 && uri[1] == '/') {
            uri++;
            len--;
        }

        n = privacy_banner_return_escape(dst, uri, len, room);
        if (n) {
            return n;
        }

        q = memchr(uri, '?', len);

        if (q) {
            n = privacy_banner_return_escape(dst, uri, (size_t) (q - uri),
                                             room);
            if (n) {
                return n;
            }
        }
    }

    dst[0] = '/';

    return 1;
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
