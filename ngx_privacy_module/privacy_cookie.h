
/*
 * Cookie and Set-Cookie header parsing for ngx_privacy_module.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 * Whitespace means SP and HTAB only.  Bytes > 0x7f and control characters
 * are not errors here: they are just bytes, the caller decides.
 */


#ifndef PRIVACY_COOKIE_H_INCLUDED_
#define PRIVACY_COOKIE_H_INCLUDED_


#include <stddef.h>


typedef struct {
    const unsigned char  *name;      /* trimmed; name_len 0: no '=' */
    size_t                name_len;
    const unsigned char  *value;     /* trimmed, quotes kept as they are */
    size_t                value_len;
    const unsigned char  *start;     /* the whole trimmed pair */
    const unsigned char  *end;
} privacy_cookie_t;


typedef int (*privacy_cookie_keep_pt)(void *data, const privacy_cookie_t *c);


/*
 * Iterates the pairs of one Cookie header value, RFC 6265 5.4 / 6265bis:
 * pairs are separated by ';' only (',' is an ordinary byte), whitespace
 * around the name and the value is trimmed, empty pieces are skipped, and
 * a piece without '=' has an empty name and the whole piece as its value.
 *
 * *pos starts at the beginning of the value and is advanced past the pair.
 * Returns 1 when c was filled, 0 at the end (c untouched, *pos == end).
 *
 *     p = value;
 *     while (privacy_cookie_next(&p, value + len, &c)) { ... }
 */
int privacy_cookie_next(const unsigned char **pos, const unsigned char *end,
    privacy_cookie_t *c);

/*
 * The pairs of one Cookie header value, as privacy_cookie_next() finds
 * them, into pairs[], at most max of them.  Returns how many there are,
 * more than max when they did not all fit.
 */
size_t privacy_cookie_parse(const unsigned char *value, size_t len,
    privacy_cookie_t *pairs, size_t max);

/*
 * The next pair named NAME (name_len > 0, compared bytewise) of one Cookie
 * header value, from *pos on: the pairs privacy_cookie_next() finds with
 * that name, in order, without tokenizing the others.  *pos starts at
 * value and is advanced past the pair.  Returns 1 when c was filled, 0
 * when there is no more (*pos == end).
 */
int privacy_cookie_find(const unsigned char **pos, const unsigned char *value,
    const unsigned char *end, const unsigned char *name, size_t name_len,
    privacy_cookie_t *c);

/*
 * Rebuilds a Cookie header value keeping only the pairs for which keep()
 * returns non-zero, each pair copied as it is (c->start .. c->end), in
 * order.  Pairs are joined with "; " when the result then fits in len
 * bytes, otherwise with ";" (an input written as "a=1;b=2" has no room for
 * the spaces), so the output is never longer than the input: out must hold
 * len bytes.  out must not overlap in.  Returns the output length, 0 when
 * nothing was kept.
 */
size_t privacy_cookie_filter(const unsigned char *in, size_t len,
    unsigned char *out, privacy_cookie_keep_pt keep, void *data);

/*
 * Joins the pairs of a Cookie header value, each copied as it is (start ..
 * end), in order, as privacy_cookie_filter() does: with "; " when the
 * result then fits in len bytes, otherwise with ";".  The caller parsed
 * the pairs with privacy_cookie_next() from a value of len bytes and keeps
 * some of them, so the output is never longer than len: out must hold len
 * bytes and must not overlap the value.  Returns the output length, 0 when
 * n is 0.
 */
size_t privacy_cookie_join(const privacy_cookie_t *pairs, size_t n,
    size_t len, unsigned char *out);

/*
 * When the n pairs (n > 0), parsed from one value, follow each other in it
 * separated by "; " exactly, as browsers send them, privacy_cookie_join()
 * would write the bytes from the first pair's start to the last one's end:
 * returns their length, and 0 when the pairs must be joined.
 */
size_t privacy_cookie_slice(const privacy_cookie_t *pairs, size_t n);

/*
 * The cookie name of a Set-Cookie header value, RFC 6265bis 5.6: the first
 * ';'-separated piece is the name-value pair; the name is what precedes its
 * first '=', whitespace trimmed; without '=' the name is empty (the piece
 * is the value).  Returns 0 when the header is unusable, that is the pair
 * has both an empty name and an empty value (browsers ignore it), and 1
 * otherwise, with *name pointing into value (*name_len may be 0).
 */
int privacy_set_cookie_name(const unsigned char *value, size_t len,
    const unsigned char **name, size_t *name_len);

/*
 * The value of a Set-Cookie header that deletes cookie NAME:
 *
 *     NAME=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/
 *
 * followed by "; Domain=D" when domain_len is not 0.  Browsers refuse to
 * set prefixed cookies without their requirements, even to delete them, so
 * a name starting with "__Secure-" or "__Host-" (ASCII case-insensitive)
 * also gets "; Secure", and "__Host-" never gets a Domain.
 *
 * privacy_cookie_expire_len() returns the exact length to allocate;
 * privacy_cookie_expire() fills dst with it and returns the end pointer.
 * The name and domain are copied as given: the caller vouches for them.
 */
size_t privacy_cookie_expire_len(const unsigned char *name, size_t name_len,
    const unsigned char *domain, size_t domain_len);
unsigned char *privacy_cookie_expire(unsigned char *dst,
    const unsigned char *name, size_t name_len,
    const unsigned char *domain, size_t domain_len);

/*
 * The same in two parts, for callers that expire many cookies with the
 * same domain: for a name without one of the prefixes above (that is,
 * privacy_cookie_expire_prefixed() returns 0), the value is the name
 * followed by the suffix, which depends on the domain only.  The suffix is
 * sized by privacy_cookie_expire_suffix_len() and written by
 * privacy_cookie_expire_suffix(), which returns the end pointer.
 */
int privacy_cookie_expire_prefixed(const unsigned char *name,
    size_t name_len);
size_t privacy_cookie_expire_suffix_len(size_t domain_len);
unsigned char *privacy_cookie_expire_suffix(unsigned char *dst,
    const unsigned char *domain, size_t domain_len);


#endif /* PRIVACY_COOKIE_H_INCLUDED_ */
