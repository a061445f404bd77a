
/*
 * Third-party scripts, frames and pixels held back until their category
 * is granted (privacy_script): the URL patterns, what a URL or an inline
 * script's text is classified as, and a streaming rewriter of the tags
 * that would fetch them.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates;
 * regular expressions run through a callback, as in privacy_match.h.
 */


#ifndef PRIVACY_SCRIPT_H_INCLUDED_
#define PRIVACY_SCRIPT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "privacy_banner.h"
#include "privacy_match.h"


/* www.googletagmanager.com: that host */
#define PRIVACY_SCRIPT_HOST    0
/* .facebook.net: facebook.net and every host under it */
#define PRIVACY_SCRIPT_DOMAIN  1
/* https://www.youtube.com/embed/: a URL prefix; //host/... for both */
#define PRIVACY_SCRIPT_PREFIX  2
/* ~REGEX: matched against the URL (see privacy_script_url()) */
#define PRIVACY_SCRIPT_REGEX   3

/* the longest start tag held to be rewritten; a longer one passes */
#define PRIVACY_SCRIPT_TAG_MAX     8192
/* the longest inline script whose text is examined; a longer one passes */
#define PRIVACY_SCRIPT_INLINE_MAX  16384


typedef struct {
    int                   type;       /* PRIVACY_SCRIPT_HOST ... */
    int                   category;
    /* PREFIX: 0 for "//" (either scheme), 'h' http, 's' https */
    int                   scheme;
    /*
     * HOST, DOMAIN (without the dot), PREFIX: the host lowercased, with
     * ":port" unless it is the scheme's default; REGEX: the expression's
     * source (after '~'), for the caller to compile into regex
     */
    const unsigned char  *host;
    size_t                host_len;
    const unsigned char  *path;       /* PREFIX: "/embed/", may be empty */
    size_t                path_len;
    void                 *regex;      /* REGEX: passed to match() as is */
} privacy_script_pattern_t;


typedef struct {
    const unsigned char  *data;
    size_t                len;
} privacy_script_name_t;


typedef struct {
    const privacy_script_pattern_t  *patterns;   /* configuration order */
    size_t                           npatterns;
    privacy_regex_match_pt           match;      /* NULL: no REGEX */
    const privacy_script_name_t     *names;      /* by category index */
    size_t                           nnames;
} privacy_script_set_t;


/*
 * Parses one PATTERN of "privacy_script CATEGORY PATTERN ...;" in place
 * (the host is lowercased in text, which must stay alive with p):
 *
 *   "~" REGEX                       REGEX (the source must not be empty)
 *   "http://" / "https://" / "//"   PREFIX: a host, then optionally a path
 *                                   ("/...", compared byte for byte)
 *   "." HOST                        DOMAIN
 *   HOST                            HOST
 *
 * A host is letters, digits, '-', '.', optionally ":" and 1 to 5 digits,
 * not empty, no empty label.  Returns 0, or -1 for anything else.
 */
int privacy_script_pattern(privacy_script_pattern_t *p, unsigned char *text,
    size_t len, int category);

/*
 * Decodes the character references of an attribute value as a browser
 * does for a URL: &amp; &lt; &gt; &quot; &apos; and a few more named ones
 * (&colon; &sol; &period; &quest; &num; &commat; &equals; &percnt;
 * &Tab; &NewLine;), &#N; and &#xH; (as UTF-8; 0, surrogates and values
 * over 0x10FFFF as U+FFFD; the ';' may be missing), and &amp; &lt; &gt;
 * &quot; without ';' unless a letter, digit or '=' follows.  Anything
 * else is copied.  dst must hold len bytes (the result is never longer).
 * Returns the decoded length.
 */
size_t privacy_script_decode(unsigned char *dst, const unsigned char *src,
    size_t len);

/*
 * The category of a URL attribute value as it stands in the page (before
 * character references are decoded): the first pattern in configuration
 * order that matches, PRIVACY_MATCH_NONE or PRIVACY_MATCH_ERROR (the regex
 * callback failed: the caller logs it; any negative value is "none").
 * The value is decoded into work (len bytes), trimmed of leading and
 * trailing bytes up to 0x20, and stripped of tabs and newlines; for http,
 * https and relative URLs '\' counts as '/'.  Host patterns match only a
 * URL with a host: "http:", "https:" or "//" then any number of slashes,
 * userinfo dropped, %XX in the host decoded, a trailing '.' dropped.  A
 * relative URL is first-party and matches no host pattern; REGEX patterns
 * get the normalized value as it is (absolute or not).
 */
int privacy_script_url(const privacy_script_set_t *set,
    const unsigned char *value, size_t len, unsigned char *work);

/*
 * The category of an inline script's text: the first HOST, DOMAIN or
 * PREFIX pattern whose host (and, for PREFIX, path, with "\/" for '/')
 * appears in it, ASCII case-insensitively and not inside a longer host
 * name (DOMAIN: "x.facebook.net" and "facebook.net" but not
 * "notfacebook.net").  REGEX patterns are not tried on text.  Returns the
 * category or PRIVACY_MATCH_NONE.
 */
int privacy_script_text(const privacy_script_set_t *set,
    const unsigned char *text, size_t len);


/*
 * The streaming rewriter.  It follows the page with the banner matcher's
 * tokenizer (privacy_banner_step(), PRIVACY_BANNER_TOKENS: every HTML rule
 * of the banner holds here too, and <noscript> contents are markup), and
 * rewrites, while the category is not in granted:
 *
 *   <script src=URL>  data-privacy- before every src and type attribute
 *                     name, ' type="text/plain" data-privacy-category="C"'
 *                     after the tag name;
 *   <iframe src>, <img src srcset>, <link href rel=preload, prefetch,
 *   preconnect or dns-prefetch>
 *                     data-privacy- before every src, srcset (img) or href
 *                     (link) name, ' data-privacy-category="C"' after the
 *                     tag name (an img matches by src or any srcset URL);
 *   <script> inline, with no type or a JavaScript one (empty, "module", or
 *   one containing "javascript" or "ecmascript"), whose text
 *   privacy_script_text() classifies: its start tag as for src; its text
 *   is held (only while some HOST, DOMAIN or PREFIX pattern's category is
 *   not granted) up to PRIVACY_SCRIPT_INLINE_MAX bytes, a longer script
 *   passes untouched (reported once, see overlong).
 *
 * A tag the page marked data-privacy-category="C" is left alone while C
 * is not in live (granted, unless the caller changed it after init); once
 * it is, every data-privacy-src, -srcset, -href and
 * -type attribute name loses its "data-privacy-" and a script's
 * type="text/plain" is removed, so it runs (or loads).  Everything else is
 * copied byte for byte: other attributes, their order, quoting, case and
 * references; tags in svg or math are not rewritten; a start tag longer
 * than PRIVACY_SCRIPT_TAG_MAX passes untouched.  Tags inside <template>
 * are rewritten too (its contents may be cloned into the page later).
 *
 * Its fields are private; init with privacy_script_init().  The struct
 * holds up to PRIVACY_SCRIPT_TAG_MAX + PRIVACY_SCRIPT_INLINE_MAX + 9 bytes
 * and a PRIVACY_SCRIPT_TAG_MAX work area (about 32 KB): the glue
 * allocates it per response, only when a category is not granted or the
 * page may carry marked tags.
 */

#define PRIVACY_SCRIPT_HELD_MAX                                              \
    (PRIVACY_SCRIPT_TAG_MAX + PRIVACY_SCRIPT_INLINE_MAX + 9)

typedef struct {
    privacy_banner_t               html;
    const privacy_script_set_t    *set;
    uint32_t                       granted;
    uint32_t                       live;       /* categories whose marked
                                                  tags are made live: the
                                                  granted ones, unless the
                                                  caller clears it */
    int                            mode;
    int                            kind;       /* script, iframe, img, link */
    int                            category;   /* of the tag being emitted */
    int                            action;
    size_t                         held_len;
    size_t                         tag_len;    /* the start tag in held */
    size_t                         name_end;   /* after "<name" in held */
    size_t                         cursor;     /* emitted up to, in held */
    size_t                         attr;       /* next attribute from */
    size_t                         skip;       /* bytes to drop at cursor */
    int                            piece;
    int                            reported;
    int                            marked_seen; /* a tag the site marked
                                                   data-privacy-category,
                                                   live or not */
    int                            tag_state;  /* after the last byte */
    size_t                         url;        /* the URL that matched, */
    size_t                         url_len;    /* in held */
    const unsigned char           *pending;    /* a piece for the next */
    size_t                         pending_len;  /* call (piece()) */
    unsigned char                  held[PRIVACY_SCRIPT_HELD_MAX];
    unsigned char                  work[PRIVACY_SCRIPT_TAG_MAX];
} privacy_script_rw_t;


/*
 * One step of privacy_script_next(): the caller emits, in this order,
 *
 *     1. emit[0 .. emit_len)     rewriter bytes (valid until the next call)
 *     2. buf[0 .. pass)          untouched bytes of the buffer
 *
 * then goes on with buf + used, len - used (used >= pass: the bytes in
 * between are held by the rewriter and come back later in an emit).
 * overlong is 1 the first time a start tag over PRIVACY_SCRIPT_TAG_MAX
 * passed untouched, 2 the first time an inline script over
 * PRIVACY_SCRIPT_INLINE_MAX did (once each per rewriter: the glue logs it
 * at info), else 0.
 */
typedef struct {
    const unsigned char  *emit;
    size_t                emit_len;
    size_t                pass;
    size_t                used;
    int                   overlong;
    /*
     * the step that starts a tag held back (its "<name" is in emit):
     * the element ("script", "iframe", "img" or "link"), its category
     * and the URL that matched as the page wrote it ("src", "href" or
     * "srcset"'s value; empty for an inline script), valid until the
     * next call; else held is NULL
     */
    const char           *held;
    int                   held_category;
    const unsigned char  *url;
    size_t                url_len;
} privacy_script_step_t;


void privacy_script_init(privacy_script_rw_t *w,
    const privacy_script_set_t *set, uint32_t granted);

/*
 * The next step for buf[0 .. len) (buf may be NULL when len is 0):
 * returns 1 with *s filled, or 0 when this buffer is done (every byte
 * used, nothing left to emit before the next buffer).  The caller loops:
 *
 *     while (privacy_script_next(w, buf, len, &s)) {
 *         out(s.emit, s.emit_len);
 *         out(buf, s.pass);
 *         buf += s.used;
 *         len -= s.used;
 *     }
 */
int privacy_script_next(privacy_script_rw_t *w, const unsigned char *buf,
    size_t len, privacy_script_step_t *s);

/*
 * End of stream: the held bytes, untouched (a tag or a script that never
 * ended), at *held; returns their number.  The rewriter is reset.
 */
size_t privacy_script_finish(privacy_script_rw_t *w,
    const unsigned char **held);

/*
 * Reference driver, for tests and fuzzers: the page as if it came in
 * buffers cut at cuts[0 .. ncuts) (as privacy_banner_insert() takes them),
 * then privacy_script_finish().  Writes at most size bytes of the output
 * to dst (NULL with size 0 to measure) and returns the whole output's
 * length; *overlong (if not NULL) gets the bits of every overlong seen.
 * w is the caller's (it is large).
 */
size_t privacy_script_rewrite(privacy_script_rw_t *w, unsigned char *dst,
    size_t size, const unsigned char *page, size_t len,
    const privacy_script_set_t *set, uint32_t granted, const size_t *cuts,
    size_t ncuts, int *overlong);


#endif /* PRIVACY_SCRIPT_H_INCLUDED_ */
