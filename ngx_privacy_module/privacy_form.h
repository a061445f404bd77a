
/*
 * application/x-www-form-urlencoded parsing for ngx_privacy_module's
 * consent endpoint, and the check of the return path it redirects to.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_FORM_H_INCLUDED_
#define PRIVACY_FORM_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "privacy_match.h"


#define PRIVACY_RETURN_PATH_MAX  2048

/* the largest consent form body accepted, in bytes */
#define PRIVACY_FORM_BODY_MAX    4096

/*
 * The one allocation privacy_consent_form_parse() works in: the body in
 * its first len bytes, room for the decoded pairs after it.
 */
#define PRIVACY_FORM_ROOM(len)   (2 * (len))


/* privacy_consent_form_t.action */
#define PRIVACY_FORM_ACCEPT_ALL  0
#define PRIVACY_FORM_REJECT_ALL  1
#define PRIVACY_FORM_SAVE        2
#define PRIVACY_FORM_WITHDRAW    3

/* privacy_consent_form_parse() */
#define PRIVACY_FORM_OK          0
#define PRIVACY_FORM_BAD         (-1)     /* 400 */
#define PRIVACY_FORM_TOO_LARGE   (-2)     /* 413 */


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

/* a decision posted to the consent endpoint */
typedef struct {
    int                   action;       /* PRIVACY_FORM_ACCEPT_ALL ... */
    uint32_t              granted;      /* bit i: optional category i */
    const unsigned char  *return_path;  /* in the room; NULL: none, or
                                           one that is not safe */
    size_t                return_path_len;
    const char           *error;        /* why the form was refused */
} privacy_consent_form_t;


/*
 * Parses a whole consent form body:
 *
 *     action=accept_all|reject_all|save|withdraw   exactly once
 *     category=NAME                                 per ticked box
 *     return=PATH                                   the page to go back to
 *
 * room holds PRIVACY_FORM_ROOM(len) bytes: the body in its first len bytes
 * and, after it, the space the decoded pairs are written to (the glue
 * makes this one allocation, and the fuzzer drives exactly that).  cats
 * are the location's categories in configuration order.
 *
 * granted has the optional categories the visitor ticked with save, every
 * optional one with accept_all and none otherwise; an essential category
 * may be ticked and is never in it.  Fields of other names are ignored (a
 * site's form may carry its own); the last return wins, and one that
 * privacy_return_path_ok() refuses is dropped.
 *
 * Returns PRIVACY_FORM_OK; PRIVACY_FORM_TOO_LARGE for a body over
 * PRIVACY_FORM_BODY_MAX bytes; PRIVACY_FORM_BAD with form->error set for
 * a malformed piece (see privacy_form_next()), an unknown or repeated
 * action, no action, or an unknown category.  The form as a whole is
 * refused: nothing of it is to be acted on.
 */
int privacy_consent_form_parse(unsigned char *room, size_t len,
    const privacy_category_desc_t *cats, size_t ncats,
    privacy_consent_form_t *form);

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
