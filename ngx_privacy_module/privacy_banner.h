
/*
 * Consent banner insertion for ngx_privacy_module: a streaming HTML tag
 * matcher that finds the insertion point in a response body fed buffer by
 * buffer, plus the escaping helpers the banner template needs.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_BANNER_H_INCLUDED_
#define PRIVACY_BANNER_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "privacy_form.h"


/* just after the '>' that closes the opening <body ...> tag */
#define PRIVACY_BANNER_BODY_START  0
/* just before the first "</body" followed by whitespace, '/' or '>' */
#define PRIVACY_BANNER_BODY_END    1

/*
 * no insertion point: the tokenizer alone, for privacy_banner_step(); the
 * contents of <noscript> are markup, as in a browser without scripts
 */
#define PRIVACY_BANNER_TOKENS      2

/* the most bytes the matcher ever holds back: "</body" */
#define PRIVACY_BANNER_HELD_MAX    6


/*
 * The matcher follows the HTML tokenizer far enough to find tags where a
 * browser finds them: tag names are matched ASCII case-insensitively and
 * must end at whitespace, '/' or '>' (<bodyx>, <tbody> do not match);
 * attributes are skipped with their quoting as the HTML spec tokenizes it,
 * so a '>' inside a quoted value does not end the tag; <!-- comments -->
 * (including <!--> and --!>), <!DOCTYPE ...>, <! ...> and <? ...> are
 * skipped; the contents of script, style, textarea, title, xmp, iframe,
 * noembed, noframes and noscript are skipped up to their end tag, so a
 * "<body>" inside a script string is not taken.  Inside a script,
 * "<!--<script>" enters the tokenizer's double escaped state, where a
 * "</script>" does not end the outer script (the document.write idiom);
 * after <plaintext> nothing is a tag.  Two tree construction rules are
 * followed as well: the contents of <template> (nested ones counted) are
 * never live, so no <body> or </body> there is taken; inside <svg> and
 * <math> (foreign content, left at their end tag or at an HTML start tag
 * that breaks out of it, such as <p> or <body>) "<![CDATA[" runs up to
 * "]]>" and the raw text names above are ordinary elements.  Not modelled:
 * integration points (svg foreignObject, desc, title; math mi, mo, mn, ms,
 * mtext, annotation-xml), where HTML rules apply again, and <font> with
 * color, face or size breaking out.  BODY_END is decided at the byte after
 * "</body", so an end tag that never closes (an unterminated quoted
 * attribute up to the end of the page) still counts.
 *
 * All state lives in the struct: the input may be split at any byte.
 * Its fields are private; zero it with privacy_banner_init().
 */
typedef struct {
    unsigned char   held[PRIVACY_BANNER_HELD_MAX];
    unsigned char   emit[PRIVACY_BANNER_HELD_MAX];
    unsigned char   name[10];
    unsigned short  templates;
    unsigned char   where;
    unsigned char   state;
    unsigned char   held_len;
    unsigned char   name_len;
    unsigned char   end_tag;
    unsigned char   self_closing;
    unsigned char   raw;
    unsigned char   raw_idx;
    unsigned char   dashes;
    unsigned char   esc;
    unsigned char   foreign;
    unsigned char   done;
} privacy_banner_t;


/*
 * What the caller emits after privacy_banner_scan(m, buf, len, &r), in
 * this order:
 *
 *     1. r.pre[0 .. r.pre_len)     bytes held back by earlier calls
 *     2. buf[0 .. r.pass)          untouched bytes of this buffer
 *   if r.found:
 *     3. the banner
 *     4. r.post[0 .. r.post_len)   held bytes that follow the banner
 *     5. buf[r.pass .. len)        the rest of this buffer
 *   else:
 *        buf[r.pass .. len) is NOT emitted: the matcher copied those bytes
 *        (a possible "</body" cut by the buffer end) and returns them in
 *        a later pre or post, or from privacy_banner_finish().
 *
 * r.pre and r.post point into the matcher and stay valid until the next
 * call on it: copy them (at most PRIVACY_BANNER_HELD_MAX bytes) before.
 * With BODY_START nothing is ever held (pre_len, post_len are 0 and pass
 * is len when not found).  After a find the matcher is done: later calls
 * return pass == len, and the caller may simply stop scanning.
 *
 * Example, BODY_END, the page "<p>x</bo" + "dy></html>":
 *
 *     scan("<p>x</bo")    pre "", pass 4 ("<p>x"), found 0   (held "</bo")
 *     scan("dy></html>")  pre "", pass 0, found 1, post "</bo"
 *                         => emits BANNER "</bo" "dy></html>"
 *
 * and "<p>x</bo" + "ld>y":
 *
 *     scan("ld>y")        pre "</bo", pass 4, found 0  => "</bo" "ld>y"
 */
typedef struct {
    const unsigned char  *pre;
    size_t                pre_len;
    size_t                pass;
    int                   found;
    const unsigned char  *post;
    size_t                post_len;
} privacy_banner_result_t;


/*
 * where: PRIVACY_BANNER_BODY_START, PRIVACY_BANNER_BODY_END, or
 * PRIVACY_BANNER_TOKENS for privacy_banner_step() alone
 */
void privacy_banner_init(privacy_banner_t *m, int where);

/*
 * The tokenizer itself, one byte at a time (what privacy_banner_scan()
 * does with the bytes that change nothing skipped), for other parts of
 * the core that follow a page's tags, such as the script rewriter.  With
 * PRIVACY_BANNER_TOKENS the return value is 0.  After a call,
 * privacy_banner_tag_state() says where the byte left the tokenizer:
 *
 *   PRIVACY_BANNER_TAG_LT     just after a '<' that may open a tag
 *   PRIVACY_BANNER_TAG_NAME   in the name of a start tag
 *   PRIVACY_BANNER_TAG_ATTRS  in a start tag after its name
 *   PRIVACY_BANNER_TAG_NONE   anywhere else: text, raw text, a comment,
 *                             an end tag; a start tag ended at this byte
 *                             if the state before it was NAME or ATTRS
 *
 * In NAME and after it, m->name holds the name lowercased (name_len bytes,
 * at most 10; longer names have name_len 11); m->foreign is non-zero in
 * svg or math, m->raw non-zero in raw text (1 in a script), m->templates
 * the <template> depth.  The core reads these fields; callers outside it
 * do not.
 */
int privacy_banner_step(privacy_banner_t *m, unsigned char c);

#define PRIVACY_BANNER_TAG_NONE    0
#define PRIVACY_BANNER_TAG_LT      1
#define PRIVACY_BANNER_TAG_NAME    2
#define PRIVACY_BANNER_TAG_ATTRS   3

int privacy_banner_tag_state(const privacy_banner_t *m);

/*
 * How many of the LEN bytes at P privacy_banner_step() would take without
 * a change of state (text or raw text up to the next '<', a quoted
 * attribute value up to its quote, a bogus comment up to '>', a comment
 * up to a '-', everything after <plaintext>): the caller may skip them.
 * 0: the next byte may matter.
 */
size_t privacy_banner_skip(const privacy_banner_t *m, const unsigned char *p,
    size_t len);

/*
 * privacy_banner_step() over the LEN bytes at P (m made with
 * PRIVACY_BANNER_TOKENS), the bytes that change nothing skipped, up to
 * and with the first '<' that leaves the tokenizer in
 * PRIVACY_BANNER_TAG_LT and either is the last of the bytes or opens a
 * start tag whose name the caller may want: LENS, by the name's first
 * letter (lens[0] for 'a' or 'A' to lens[25] for 'z'), has bit K set for
 * names of K bytes (bit 15 for 15 and more), the name being the bytes up
 * to whitespace, '/' or '>'; a name that runs to the end of the bytes is
 * wanted when its letter's lens is not 0.  Returns how many bytes it took
 * (LEN when no '<' did).  A caller that looks for a few tag names thus
 * stops only where one may start.
 */
size_t privacy_banner_run(privacy_banner_t *m, const unsigned char *p,
    size_t len, const uint16_t *lens);

/*
 * In a tag after its name (m made with PRIVACY_BANNER_TOKENS):
 * privacy_banner_step() over the LEN bytes at P, the bytes that change
 * nothing skipped, up to and with the one that ends the tag; returns how
 * many it took (LEN when the tag goes on, 0 when m is not in a tag's
 * attributes).
 */
size_t privacy_banner_attrs(privacy_banner_t *m, const unsigned char *p,
    size_t len);

/*
 * Just after a '<' that may open a tag (PRIVACY_BANNER_TAG_LT) or in a
 * tag's name: privacy_banner_step() over the name's bytes among the LEN
 * at P, at most MAX of them, up to and not with the byte that ends it
 * (whitespace, '/', '>'; after the '<', any but a letter); returns how
 * many it took.
 */
size_t privacy_banner_name(privacy_banner_t *m, const unsigned char *p,
    size_t len, size_t max);

/* buf may be NULL when len is 0: held bytes then stay held */
void privacy_banner_scan(privacy_banner_t *m, const unsigned char *buf,
    size_t len, privacy_banner_result_t *r);

/*
 * How many bytes the matcher holds back now: the last bytes it was given
 * (a caller that sends a buffer's bytes some other way than from memory,
 * such as a file range, leaves these out and emits them as the contract
 * says).
 */
size_t privacy_banner_held(const privacy_banner_t *m);

/*
 * End of stream, nothing found: returns the number of held bytes the
 * caller emits last, at *held (valid until the next call on m).  The
 * matcher is done afterwards.
 */
size_t privacy_banner_finish(privacy_banner_t *m, const unsigned char **held);

/*
 * Reference driver, for tests and fuzzers: runs the streaming matcher over
 * page as if it arrived in buffers cut at offsets cuts[0 .. ncuts) (each
 * cut <= len; unsorted or repeated cuts are fine, they only make empty
 * buffers), then privacy_banner_finish(), and writes what a caller
 * following the contract above would emit.  With ncuts 0 it is the
 * one-buffer reference: every split of a page must give the same output.
 * dst must hold len + banner_len bytes; *found (if not NULL) says whether
 * the banner went in (when not, the output is the page unchanged).
 * Returns the output length.
 */
size_t privacy_banner_insert(unsigned char *dst, const unsigned char *page,
    size_t len, int where, const unsigned char *banner, size_t banner_len,
    const size_t *cuts, size_t ncuts, int *found);

/*
 * The same driver for any matcher that keeps privacy_banner_scan()'s and
 * privacy_banner_finish()'s contract (privacy_consent_mode.h's), given as
 * callbacks on its state m.
 */
typedef void (*privacy_banner_scan_pt)(void *m, const unsigned char *buf,
    size_t len, privacy_banner_result_t *r);
typedef size_t (*privacy_banner_finish_pt)(void *m,
    const unsigned char **held);

size_t privacy_banner_insert_with(void *m, privacy_banner_scan_pt scan,
    privacy_banner_finish_pt finish, unsigned char *dst,
    const unsigned char *page, size_t len, const unsigned char *text,
    size_t text_len, const size_t *cuts, size_t ncuts, int *found);

/*
 * HTML-escapes & < > " ' (as &amp; &lt; &gt; &quot; &#39;) for text and
 * attribute values.  With dst NULL returns the length needed; otherwise
 * writes it and returns it.  Other bytes are copied as they are.
 */
size_t privacy_html_escape(unsigned char *dst, const unsigned char *src,
    size_t n);

/*
 * The return path a banner's form carries for the page requested as
 * uri[0 .. len) (the request target as the client sent it, with its
 * query): one that privacy_return_path_ok() accepts once a browser posted
 * it, and whose form encoding (application/x-www-form-urlencoded, at most
 * 3 bytes for one) takes at most room bytes, so that the form body fits
 * the consent endpoint's limit:
 *
 *   - leading slashes are made one ("//host" is another origin; nginx
 *     merges them anyway);
 *   - controls, space, DEL, '\' and bytes >= 0x80 are %-escaped, as
 *     browsers do in a URL: what is requested with it is the same page;
 *   - when that does not fit (longer than PRIVACY_RETURN_PATH_MAX, or its
 *     form encoding longer than room), the path without the query, then
 *     "/" (also for a target that does not start with '/').
 *
 * Everything else is kept as it is: existing %-escapes, '#' and the HTML
 * specials (the caller HTML-escapes the value).  dst must hold
 * PRIVACY_RETURN_PATH_MAX bytes.  Returns the length, at least 1.
 */
size_t privacy_banner_return_path(unsigned char *dst,
    const unsigned char *uri, size_t len, size_t room);

/*
 * Escapes the inside of a JSON string: " and \ get a backslash, control
 * bytes (0x00-0x1f, 0x7f) become \u00XX, and < > & become \u003c \u003e
 * \u0026 so the result is also safe inside an HTML <script> element.
 * Bytes >= 0x80 are copied as they are (UTF-8 passes through).  With dst
 * NULL returns the length needed; otherwise writes it and returns it.
 */
size_t privacy_json_escape(unsigned char *dst, const unsigned char *src,
    size_t n);


#endif /* PRIVACY_BANNER_H_INCLUDED_ */
