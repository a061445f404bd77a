
/*
 * Cookie category matching for ngx_privacy_module.
 *
 * Server-agnostic core: the caller owns every array; regular expressions
 * are opaque and run through a callback (ngx_regex in nginx, ap_regex in
 * Apache).
 */


#ifndef PRIVACY_MATCH_H_INCLUDED_
#define PRIVACY_MATCH_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/* granted bits live in a uint32_t; two bits stay spare */
#define PRIVACY_MAX_CATEGORIES  30

#define PRIVACY_MATCH_NONE      (-1)
#define PRIVACY_MATCH_ERROR     (-2)


/* returns 1 on match, 0 on no match, negative on error */
typedef int (*privacy_regex_match_pt)(void *regex, const unsigned char *s,
    size_t len);


typedef struct {
    const unsigned char     *name;
    size_t                   name_len;
    int                      category;
} privacy_match_name_t;


typedef struct {
    void                    *regex;       /* passed to match() as is */
    int                      category;
} privacy_match_regex_t;


typedef struct {
    const privacy_match_name_t   *names;   /* privacy_match_sort()ed */
    size_t                        nnames;
    const privacy_match_regex_t  *regexes; /* configuration order */
    size_t                        nregexes;
    privacy_regex_match_pt        match;   /* NULL when nregexes is 0 */
} privacy_matcher_t;


typedef struct {
    const unsigned char     *name;
    size_t                   name_len;
    int                      essential;    /* 0 or 1; any non-zero is 1 */
} privacy_category_desc_t;


/*
 * Sorts exact names once, at configuration time (bytewise, shorter first
 * on a common prefix).  Returns 0, or -1 when the same name appears twice
 * (whatever the categories) with *dup set to the index, in the sorted
 * array, of the second one: a configuration error the caller reports.
 */
int privacy_match_sort(privacy_match_name_t *names, size_t n, size_t *dup);

/*
 * The category of cookie NAME: an exact name (binary, case-sensitive, as
 * cookie names are) wins; otherwise the regexes are tried in configuration
 * order and the first match wins.  Returns the category index,
 * PRIVACY_MATCH_NONE (-1) when nothing matches, or PRIVACY_MATCH_ERROR (-2)
 * when the callback failed (the caller logs it and treats the cookie as
 * uncategorized).  Any negative value means "no category".
 */
int privacy_match_category(const privacy_matcher_t *m,
    const unsigned char *name, size_t len);

/*
 * Fingerprint of the ordered category list, carried by consent tokens so
 * that a token issued for another list is rejected.  It is the first 8
 * bytes, big-endian, of SHA-256 over
 *
 *     "ngx_privacy categories\0"  count (4 bytes BE)
 *     then per category: name length (4 bytes BE), name, essential (1 byte)
 *
 * Returns 0 only if the digest failed (or, with probability 2^-64, by
 * chance): callers treat 0 as an error at configuration time.
 */
uint64_t privacy_categories_fingerprint(const privacy_category_desc_t *cats,
    size_t n);


#endif /* PRIVACY_MATCH_H_INCLUDED_ */
