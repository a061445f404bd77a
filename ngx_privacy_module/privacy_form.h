
/*
 * application/x-www-form-urlencoded parsing for ngx_privacy_module's
 * consent endpoint, and the check of the return path it redirects to.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_FORM_H_INCLUDED_
#define PRIVACY_FORM_H_INCLUDED_


#include <stddef.h>


#define PRIVACY_RETURN_PATH_MAX  2048


typedef struct {
    unsigned char  *name;        /* decoded, in the caller's buf */
    size_t          name_len;    /* never 0 */
    unsigned char  *value;       /* decoded, may be empty or hold any byte */
    size_t          value_len;
} privacy_form_pair_t;


/*
 * Iterates the pairs of a form body: pieces are separated by '&' (empty
 * pieces are skipped), the name is what precedes the first '=' (a piece
 * without '=' has an empty value), '+' decodes to a space and %XX (hex
 * digits of either case) to its byte.
 *
 * buf receives the decoded name and value and must hold end - *pos bytes
 * (the input's length is enough: decoding never grows); pair points into
 * it, so use the pair before the next call when reusing buf.
 *
 * Returns 1 with pair filled, 0 at the end, -1 when the piece is
 * malformed: a bad or truncated %-escape (in the name or the value), an
 * empty name, or a name whose decoded bytes include NUL or other control
 * characters (0x00-0x1f, 0x7f).  *pos is always moved past the piece, but
 * a form with a malformed piece should be refused as a whole.
 */
int privacy_form_next(const unsigned char **pos, const unsigned char *end,
    unsigned char *buf, privacy_form_pair_t *pair);

/*
 * Returns 1 when p is safe to redirect to as a same-origin path: it starts
 * with '/' but not with "//" or "/\" (which browsers take as another
 * host), has no backslash, no control characters and no space (0x00-0x20,
 * 0x7f: browsers strip or reinterpret them, and CR LF would split the
 * header), and is at most PRIVACY_RETURN_PATH_MAX bytes.  0 otherwise.
 * Check the decoded value.
 */
int privacy_return_path_ok(const unsigned char *p, size_t len);


#endif /* PRIVACY_FORM_H_INCLUDED_ */
