
/*
 * Where Google Consent Mode's script goes in a page: a streaming matcher on
 * the banner's tokenizer (privacy_banner_step()) that finds the first of
 *
 *   - just after the '>' of the <head ...> start tag,
 *   - just before the '<' of the first <script ...> start tag,
 *   - just after the '>' of the <body ...> start tag,
 *
 * as a browser tokenizes the page: none inside a comment, a raw text
 * element, a <template>, or (for a script) svg or math, whose scripts are
 * not HTML scripts.  The script tag goes there so that it runs before any
 * other script of the page, Google's tags included.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_CONSENT_MODE_H_INCLUDED_
#define PRIVACY_CONSENT_MODE_H_INCLUDED_


#include <stddef.h>

#include "privacy_banner.h"


/* the most bytes held back: "<script", decided at the byte after it */
#define PRIVACY_CONSENT_MODE_HELD_MAX  7


/* private fields; zero it with privacy_consent_mode_init() */
typedef struct {
    privacy_banner_t  tok;
    unsigned char     held[PRIVACY_CONSENT_MODE_HELD_MAX];
    unsigned char     emit[PRIVACY_CONSENT_MODE_HELD_MAX];
    unsigned char     held_len;
    unsigned char     done;
    unsigned char     after;
} privacy_consent_mode_t;


void privacy_consent_mode_init(privacy_consent_mode_t *m);

/*
 * The contract of privacy_banner_scan() (privacy_banner.h), with
 * privacy_banner_result_t: emit r.pre, buf[0 .. r.pass), and when found
 * the script tag, r.post, buf[r.pass .. len); when not found the bytes
 * from r.pass on are held (a possible "<script" cut by the buffer's end)
 * and come back in a later pre or post, or from
 * privacy_consent_mode_finish().  pre and post hold at most
 * PRIVACY_CONSENT_MODE_HELD_MAX bytes, valid until the next call.
 */
void privacy_consent_mode_scan(privacy_consent_mode_t *m,
    const unsigned char *buf, size_t len, privacy_banner_result_t *r);

size_t privacy_consent_mode_held(const privacy_consent_mode_t *m);

/*
 * After a find: 1 when the place is just after the '>' of <head ...> or
 * <body ...>, which the bytes up to it decide alone (the same first bytes
 * give the same place: a caller may remember them); 0 before a <script>,
 * which the bytes after its name decided.
 */
int privacy_consent_mode_after(const privacy_consent_mode_t *m);

/* end of stream, nothing found: the held bytes, emitted last */
size_t privacy_consent_mode_finish(privacy_consent_mode_t *m,
    const unsigned char **held);

/*
 * Reference driver for tests and fuzzers, as privacy_banner_insert():
 * page cut at cuts[0 .. ncuts), tag inserted where the matcher says; dst
 * holds len + tag_len bytes.  Returns the output length.
 */
size_t privacy_consent_mode_insert(unsigned char *dst,
    const unsigned char *page, size_t len, const unsigned char *tag,
    size_t tag_len, const size_t *cuts, size_t ncuts, int *found);


#endif /* PRIVACY_CONSENT_MODE_H_INCLUDED_ */
