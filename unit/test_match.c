
/*
 * Unit tests: privacy_match.c
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_match.h"


/* the "regex" of these tests: a prefix, or an error when prefix is NULL */
typedef struct {
    const char  *prefix;
    unsigned     calls;
} fake_regex_t;


static int fake_match(void *regex, const unsigned char *s, size_t len);
static int category(const privacy_matcher_t *m, const char *name);
static void test_exact(void);
static void test_regex(void);
static void test_fingerprint(void);


static int
fake_match(void *regex, const unsigned char *s, size_t len)
{
    size_t         n;
    fake_regex_t  *re;

    re = regex;
    re->calls++;

    if (re->prefix == NULL) {
        return -5;
    }

    n = strlen(re->prefix);

    return len >= n && memcmp(s, re->prefix, n) == 0;
}


static int
category(const privacy_matcher_t *m, const char *name)
{
    return privacy_match_category(m, (const unsigned char *) name,
                                  strlen(name));
}


#define NAME(s, cat)  { (const unsigned char *) (s), sizeof(s) - 1, cat }


static void
test_exact(void)
{
    size_t                dup, i;
    privacy_matcher_t     m;
    privacy_match_name_t  names[] = {
        NAME("_gid", 1),
        NAME("session", 0),
        NAME("_ga", 1),
        NAME("_fbp", 2),
        NAME("_gat", 1),
        NAME("Ga", 3),
        NAME("", 4),
        NAME("_g", 5),
    };
    privacy_match_name_t  dups[] = {
        NAME("a", 1),
        NAME("b", 1),
        NAME("a", 2),
    };

    dup = 99;
    CHECK(privacy_match_sort(names, 8, &dup) == 0);
    CHECK_INT(dup, 99);

    for (i = 1; i < 8; i++) {
        CHECK(names[i - 1].name_len == 0
              || memcmp(names[i - 1].name, names[i].name,
                        names[i - 1].name_len < names[i].name_len
                        ? names[i - 1].name_len : names[i].name_len) <= 0);
    }

    memset(&m, 0, sizeof(m));
    m.names = names;
    m.nnames = 8;

    CHECK_INT(category(&m, "_ga"), 1);
    CHECK_INT(category(&m, "_gat"), 1);
    CHECK_INT(category(&m, "_gid"), 1);
    CHECK_INT(category(&m, "_g"), 5);
    CHECK_INT(category(&m, "session"), 0);
    CHECK_INT(category(&m, "_fbp"), 2);
    CHECK_INT(category(&m, "Ga"), 3);
    CHECK_INT(category(&m, ""), 4);

    /* binary and case-sensitive, whole names only */
    CHECK_INT(category(&m, "_GA"), PRIVACY_MATCH_NONE);
    CHECK_INT(category(&m, "ga"), PRIVACY_MATCH_NONE);
    CHECK_INT(category(&m, "_ga "), PRIVACY_MATCH_NONE);
    CHECK_INT(category(&m, "_"), PRIVACY_MATCH_NONE);
    CHECK_INT(category(&m, "sessio"), PRIVACY_MATCH_NONE);
    CHECK_INT(category(&m, "sessions"), PRIVACY_MATCH_NONE);
    CHECK_INT(privacy_match_category(&m, (const unsigned char *) "_ga\0", 4),
              PRIVACY_MATCH_NONE);

    /* a name listed twice is reported */
    CHECK(privacy_match_sort(dups, 3, &dup) == -1);
    CHECK_INT(dup, 1);
    CHECK(dups[0].name_len == 1 && dups[0].name[0] == 'a');

    CHECK(privacy_match_sort(dups, 0, &dup) == 0);
    CHECK(privacy_match_sort(NULL, 0, &dup) == 0);

    /* an empty matcher matches nothing */
    memset(&m, 0, sizeof(m));
    CHECK_INT(category(&m, "_ga"), PRIVACY_MATCH_NONE);
    CHECK_INT(category(&m, ""), PRIVACY_MATCH_NONE);
}


/* the exact names' table: every length class, misses of one byte */

static void
test_names(void)
{
    size_t                i, k, len, nslots;
    unsigned char         buf[40], *heap;
    privacy_names_t       t;
    privacy_names_slot_t  slots[64];
    privacy_match_name_t  names[] = {
        NAME("a", 1),
        NAME("ab", 2),
        NAME("abc", 3),
        NAME("_ga", 4),
        NAME("_gid", 5),
        NAME("IDE", 6),
        NAME("_fbp", 7),
        NAME("lang1", 8),
        NAME("PHPSESSID", 9),
        NAME("csrftoken", 10),
        NAME("abcdefgh", 11),
        NAME("abcdefghijklmnop", 12),
        NAME("abcdefghijklmnopq", 13),
        NAME("a_thirty_three_byte_cookie_name_1", 14),
        NAME("a_thirty_three_byte_cookie_name_2", 15),
    };

    CHECK_INT(privacy_names_slots(0), 4);
    CHECK_INT(privacy_names_slots(2), 4);
    CHECK_INT(privacy_names_slots(3), 8);
    CHECK_INT(privacy_names_slots(15), 32);

    nslots = privacy_names_slots(15);
    privacy_names_init(&t, slots, nslots, names, 15);

    for (i = 0; i < 15; i++) {
        /* a copy on the heap of exactly its size: no read past it */
        len = names[i].name_len;
        heap = malloc(len);
        CHECK(heap != NULL);
        memcpy(heap, names[i].name, len);

        CHECK_INT(privacy_names_find(&t, heap, len), names[i].category);

        /* a byte changed anywhere, or one byte less, is another name */
        for (k = 0; k < len; k++) {
            heap[k] ^= 0x20;
            CHECK_INT(privacy_names_find(&t, heap, len), PRIVACY_MATCH_NONE);
            heap[k] ^= 0x20;
        }

        if (len > 1 && strcmp((char *) names[i].name, "ab") != 0
            && strcmp((char *) names[i].name, "abc") != 0
            && strcmp((char *) names[i].name, "abcdefghijklmnopq") != 0)
        {
            CHECK_INT(privacy_names_find(&t, heap, len - 1),
                      PRIVACY_MATCH_NONE);
        }

        free(heap);
    }

    /* names whose words are alike: prefixes of each other */
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "ab", 2), 2);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "abb", 3),
              PRIVACY_MATCH_NONE);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "aab", 3),
              PRIVACY_MATCH_NONE);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "abcdefghi", 9),
              PRIVACY_MATCH_NONE);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "_gi", 3),
              PRIVACY_MATCH_NONE);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "_ga\0", 4),
              PRIVACY_MATCH_NONE);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "_GA", 3),
              PRIVACY_MATCH_NONE);

    /* the same first and last 16 bytes, another middle: memcmp() decides */
    memcpy(buf, "a_thirty_three_byte_cookie_name_2", 33);
    buf[16] = 'X';
    CHECK_INT(privacy_names_find(&t, buf, 33), PRIVACY_MATCH_NONE);

    /* a full table of colliding probes still ends: 2 names in 4 slots */
    privacy_names_init(&t, slots, privacy_names_slots(2), names, 2);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "a", 1), 1);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "ab", 2), 2);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "b", 1),
              PRIVACY_MATCH_NONE);
    CHECK_INT(privacy_names_find(&t, (const unsigned char *) "abc", 3),
              PRIVACY_MATCH_NONE);
}


static void
test_regex(void)
{
    privacy_matcher_t      m;
    fake_regex_t           ga = { "_ga", 0 }, any_g = { "_g", 0 };
    fake_regex_t           hj = { "_hj", 0 }, bad = { NULL, 0 };
    privacy_match_name_t   names[] = {
        NAME("_gab", 7),
    };
    privacy_match_regex_t  regexes[] = {
        { &ga, 1 },
        { &any_g, 2 },
        { &hj, 3 },
        { &bad, 4 },
    };

    memset(&m, 0, sizeof(m));
    m.names = names;
    m.nnames = 1;
    m.regexes = regexes;
    m.nregexes = 3;
    m.match = fake_match;

    /* exact names win, without running any regex */
    CHECK_INT(category(&m, "_gab"), 7);
    CHECK_INT(ga.calls, 0);

    /* configuration order: the first matching regex wins */
    CHECK_INT(category(&m, "_ga_XYZ"), 1);
    CHECK_INT(category(&m, "_gid"), 2);
    CHECK_INT(ga.calls, 2);
    CHECK_INT(any_g.calls, 1);
    CHECK_INT(category(&m, "_hjid"), 3);
    CHECK_INT(category(&m, "other"), PRIVACY_MATCH_NONE);
    CHECK_INT(hj.calls, 2);

    /* a failing regex stops the search with an error */
    m.nregexes = 4;
    CHECK_INT(category(&m, "other"), PRIVACY_MATCH_ERROR);
    CHECK_INT(bad.calls, 1);
    CHECK_INT(category(&m, "_hjx"), 3);
    CHECK_INT(bad.calls, 1);

    /* regexes only */
    m.nnames = 0;
    m.names = NULL;
    CHECK_INT(category(&m, "_gab"), 1);
}


#define CAT(s, e)  { (const unsigned char *) (s), sizeof(s) - 1, e }


static void
test_fingerprint(void)
{
    uint64_t                 fp;
    privacy_category_desc_t  std[] = {
        CAT("necessary", 1), CAT("analytics", 0), CAT("marketing", 0)
    };
    privacy_category_desc_t  swapped[] = {
        CAT("necessary", 1), CAT("marketing", 0), CAT("analytics", 0)
    };
    privacy_category_desc_t  noness[] = {
        CAT("necessary", 0), CAT("analytics", 0), CAT("marketing", 0)
    };
    privacy_category_desc_t  truthy[] = {
        CAT("necessary", 42), CAT("analytics", 0), CAT("marketing", 0)
    };
    privacy_category_desc_t  ab_c[] = { CAT("ab", 0), CAT("c", 0) };
    privacy_category_desc_t  a_bc[] = { CAT("a", 0), CAT("bc", 0) };
    privacy_category_desc_t  abc[] = { CAT("abc", 0) };
    privacy_category_desc_t  a0[] = { CAT("a", 0) };
    privacy_category_desc_t  a1[] = { CAT("a", 1) };
    privacy_category_desc_t  empty[] = { CAT("", 0) };

    /* pinned: tokens in the field carry it; computed independently */
    fp = privacy_categories_fingerprint(std, 3);
    CHECK(fp == UINT64_C(0xc98dc1d6738f5c62));
    CHECK(privacy_categories_fingerprint(NULL, 0)
          == UINT64_C(0xe0474abc99ebe56c));

    CHECK(privacy_categories_fingerprint(std, 3) == fp);
    CHECK(privacy_categories_fingerprint(truthy, 3) == fp);
    CHECK(privacy_categories_fingerprint(swapped, 3) != fp);
    CHECK(privacy_categories_fingerprint(noness, 3) != fp);
    CHECK(privacy_categories_fingerprint(std, 2) != fp);

    /* unambiguous: names are length-prefixed, flags are not name bytes */
    CHECK(privacy_categories_fingerprint(ab_c, 2)
          != privacy_categories_fingerprint(a_bc, 2));
    CHECK(privacy_categories_fingerprint(abc, 1)
          != privacy_categories_fingerprint(a_bc, 2));
    CHECK(privacy_categories_fingerprint(a0, 1)
          != privacy_categories_fingerprint(a1, 1));
    CHECK(privacy_categories_fingerprint(empty, 1)
          != privacy_categories_fingerprint(NULL, 0));
    CHECK(privacy_categories_fingerprint(empty, 1) != 0);
}


int
main(void)
{
    test_exact();
    test_names();
    test_regex();
    test_fingerprint();

    return unit_done();
}
