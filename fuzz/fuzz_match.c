
/*
 * Fuzzes the category matcher: privacy_match_sort() and
 * privacy_match_category() against a linear search, with the regex
 * callback stubbed (a cookie name "matches" regex i when its length is
 * i modulo 3), and privacy_categories_fingerprint() for determinism.
 *
 * Input: newline-separated names; the first half configures exact names
 * (category: the line number modulo PRIVACY_MAX_CATEGORIES), every line
 * is also looked up, as are variants with a byte cut off.
 */


#include "fuzz.h"
#include "privacy_match.h"


#define FUZZ_MAX_NAMES  256


static int  fuzz_regex_ids[2] = { 1, 2 };


static int
fuzz_regex(void *regex, const unsigned char *s, size_t len)
{
    (void) s;

    return (int) (len % 3) == *(int *) regex;
}


static int
fuzz_ref(const privacy_match_name_t *names, size_t n,
    const privacy_match_regex_t *rx, size_t nrx, const unsigned char *s,
    size_t len)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (names[i].name_len == len && memcmp(names[i].name, s, len) == 0) {
            return names[i].category;
        }
    }

    for (i = 0; i < nrx; i++) {
        if (fuzz_regex(rx[i].regex, s, len)) {
            return rx[i].category;
        }
    }

    return PRIVACY_MATCH_NONE;
}


static int
fuzz_cmp(const privacy_match_name_t *a, const privacy_match_name_t *b)
{
    size_t  n;
    int     rc;

    n = a->name_len < b->name_len ? a->name_len : b->name_len;
    rc = n ? memcmp(a->name, b->name, n) : 0;

    if (rc) {
        return rc;
    }

    return (a->name_len > b->name_len) - (a->name_len < b->name_len);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                       rc;
    size_t                    n, nq, i, dup, nrx;
    uint64_t                  fp1, fp2;
    unsigned char            *in;
    const unsigned char      *p, *end, *nl;
    privacy_matcher_t         m;
    privacy_match_name_t      names[FUZZ_MAX_NAMES];
    privacy_match_name_t      queries[FUZZ_MAX_NAMES];
    privacy_match_regex_t     rx[2];
    privacy_names_t           table;
    privacy_names_slot_t     *slots;
    privacy_category_desc_t   cats[PRIVACY_MAX_CATEGORIES];

    in = fuzz_dup(data, size);
    end = in + size;

    nq = 0;
    for (p = in; p < end && nq < FUZZ_MAX_NAMES; p = nl + 1) {
        nl = memchr(p, '\n', end - p);
        if (nl == NULL) {
            nl = end;
        }
        queries[nq].name = p;
        queries[nq].name_len = nl - p;
        queries[nq].category = (int) (nq % PRIVACY_MAX_CATEGORIES);
        nq++;
        if (nl == end) {
            break;
        }
    }

    n = (nq + 1) / 2;
    memcpy(names, queries, n * sizeof(privacy_match_name_t));

    dup = (size_t) -1;
    rc = privacy_match_sort(names, n, &dup);

    /* sorted bytewise, shorter first; a duplicate is reported */
    for (i = 1; i < n; i++) {
        FUZZ_CHECK(fuzz_cmp(&names[i - 1], &names[i]) <= 0);
    }

    if (rc != 0) {
        FUZZ_CHECK(rc == -1 && dup > 0 && dup < n);
        FUZZ_CHECK(fuzz_cmp(&names[dup - 1], &names[dup]) == 0);
        free(in);
        return 0;
    }

    for (i = 1; i < n; i++) {
        FUZZ_CHECK(fuzz_cmp(&names[i - 1], &names[i]) < 0);
    }

    nrx = size ? data[0] % 3 : 0;
    for (i = 0; i < 2; i++) {
        rx[i].regex = &fuzz_regex_ids[i];
        rx[i].category = (int) (PRIVACY_MAX_CATEGORIES - 1 - i);
    }

    m.names = names;
    m.nnames = n;
    m.regexes = rx;
    m.nregexes = nrx;
    m.match = nrx ? fuzz_regex : NULL;

    /* the exact names' table, the glue's first look (names not empty),
     * in a heap block of exactly its size */
    for (i = 0; i < n && names[i].name_len == 0; i++) {
        /* void */
    }

    slots = malloc(privacy_names_slots(n - i) * sizeof(privacy_names_slot_t));
    FUZZ_CHECK(slots != NULL);

    privacy_names_init(&table, slots, privacy_names_slots(n - i), names + i,
                       n - i);

    for (i = 0; i < nq; i++) {
        p = queries[i].name;

        rc = privacy_match_category(&m, p, queries[i].name_len);
        FUZZ_CHECK(rc == fuzz_ref(names, n, rx, nrx, p,
                                  queries[i].name_len));

        if (queries[i].name_len) {
            rc = privacy_names_find(&table, p, queries[i].name_len);
            FUZZ_CHECK(rc == fuzz_ref(names, n, rx, 0, p,
                                      queries[i].name_len));

            if (queries[i].name_len > 1) {
                rc = privacy_names_find(&table, p, queries[i].name_len - 1);
                FUZZ_CHECK(rc == fuzz_ref(names, n, rx, 0, p,
                                          queries[i].name_len - 1));
            }
        }

        if (queries[i].name_len) {
            rc = privacy_match_category(&m, p, queries[i].name_len - 1);
            FUZZ_CHECK(rc == fuzz_ref(names, n, rx, nrx, p,
                                      queries[i].name_len - 1));
        }
    }

    /* the fingerprint: defined for any list, the same every time */
    n = nq < PRIVACY_MAX_CATEGORIES ? nq : PRIVACY_MAX_CATEGORIES;
    for (i = 0; i < n; i++) {
        cats[i].name = queries[i].name;
        cats[i].name_len = queries[i].name_len;
        cats[i].essential = queries[i].name_len & 1;
    }

    free(slots);

    fp1 = privacy_categories_fingerprint(cats, n);
    fp2 = privacy_categories_fingerprint(cats, n);
    FUZZ_CHECK(fp1 == fp2 && fp1 != 0);

    free(in);

    return 0;
}
