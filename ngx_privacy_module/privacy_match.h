
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
#include <string.h>


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
 * The exact names in an open-addressed table (linear probing, at most half
 * full) made once at configuration time, for the lookup of every cookie
 * name of a request.  A slot keeps a name's first and last eight bytes as
 * words (four, or its bytes, for a shorter name), which overlap to cover a
 * name of up to 16 bytes whole: the words that key a name also compare it,
 * with no loop over its bytes.  Longer names are compared with memcmp().
 */
typedef struct {
    uint64_t                 first;
    uint64_t                 last;
    const unsigned char     *name;        /* NULL: an empty slot */
    size_t                   name_len;
    int                      category;
} privacy_names_slot_t;


typedef struct {
    privacy_names_slot_t    *slots;
    size_t                   mask;        /* the slots' number - 1 */
} privacy_names_t;


/* How many slots privacy_names_init() needs for n names: a power of two. */
size_t privacy_names_slots(size_t n);

/*
 * Fills the table with the n names, each distinct (privacy_match_sort()
 * checked them) and not empty.  slots is privacy_names_slots(n) of them,
 * owned by the caller, and names[] must outlive the table.
 */
void privacy_names_init(privacy_names_t *t, privacy_names_slot_t *slots,
    size_t nslots, const privacy_match_name_t *names, size_t n);


/* the words of a name, see privacy_names_slot_t */

static inline uint64_t
privacy_names_words(const unsigned char *name, size_t len, uint64_t *last)
{
    uint32_t  a, b;
    uint64_t  first;

    if (len >= 8) {
        memcpy(&first, name, 8);
        memcpy(last, name + len - 8, 8);

    } else if (len >= 4) {
        memcpy(&a, name, 4);
        memcpy(&b, name + len - 4, 4);
        first = a;
        *last = b;

    } else {
        first = len ? (uint64_t) name[0] | (uint64_t) name[len >> 1] << 8
                      | (uint64_t) name[len - 1] << 16
                    : 0;
        *last = 0;
    }

    return first;
}


static inline size_t
privacy_names_hash(uint64_t first, uint64_t last, size_t len)
{
    first = (first ^ (last * 0x9e3779b97f4a7c15ULL) ^ len)
            * 0xff51afd7ed558ccdULL;

    return (size_t) (first >> 32);
}


/*
 * For privacy_names_find(): the probe from slot s on, whose words and
 * length are those of NAME, a name longer than 16 bytes that the words do
 * not cover whole.
 */
int privacy_names_long(const privacy_names_t *t,
    const privacy_names_slot_t *s, const unsigned char *name, size_t len);


/*
 * The category of the exact name NAME (case-sensitive, len > 0), or
 * PRIVACY_MATCH_NONE.  Inline: it runs for most cookies of a request.  An
 * empty slot has no length, so it matches no name and ends the probe.
 */

static inline int
privacy_names_find(const privacy_names_t *t, const unsigned char *name,
    size_t len)
{
    size_t                       i;
    uint64_t                     first, last;
    const privacy_names_slot_t  *s;

    first = privacy_names_words(name, len, &last);

    for (i = privacy_names_hash(first, last, len); /* void */ ; i++) {
        s = &t->slots[i & t->mask];

        if (s->first == first && s->last == last && s->name_len == len) {
            return (len <= 16) ? s->category
                               : privacy_names_long(t, s, name, len);
        }

        if (s->name == NULL) {
            return PRIVACY_MATCH_NONE;
        }
    }
}


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
