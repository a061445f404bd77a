
/*
 * Cookie category matching for ngx_privacy_module.
 */


#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "privacy_match.h"


#define PRIVACY_CATEGORIES_DOMAIN  "ngx_privacy categories"


static int privacy_match_cmp(const void *one, const void *two);
static void privacy_put32(unsigned char *p, uint32_t v);


static int
privacy_match_cmp(const void *one, const void *two)
{
    int                          rc;
    size_t                       len;
    const privacy_match_name_t  *a, *b;

    a = one;
    b = two;

    len = a->name_len < b->name_len ? a->name_len : b->name_len;

    if (len) {
        rc = memcmp(a->name, b->name, len);
        if (rc != 0) {
            return rc;
        }
    }

    if (a->name_len == b->name_len) {
        return 0;
    }

    return a->name_len < b->name_len ? -1 : 1;
}


int
privacy_match_sort(privacy_match_name_t *names, size_t n, size_t *dup)
{
    size_t  i;

    if (n < 2) {
        return 0;
    }

    qsort(names, n, sizeof(privacy_match_name_t), privacy_match_cmp);

    for (i = 1; i < n; i++) {
        if (privacy_match_cmp(&names[i - 1], &names[i]) == 0) {
            *dup = i;
            return -1;
        }
    }

    return 0;
}


size_t
privacy_names_slots(size_t n)
{
    size_t  slots;

    /* at most half full: a miss ends at an empty slot soon */

    for (slots = 4; slots < 2 * n; slots *= 2) {
        /* void */
    }

    return slots;
}


void
privacy_names_init(privacy_names_t *t, privacy_names_slot_t *slots,
    size_t nslots, const privacy_match_name_t *names, size_t n)
{
    size_t                 i, k;
    uint64_t               first, last;
    privacy_names_slot_t  *s;

    memset(slots, 0, nslots * sizeof(privacy_names_slot_t));

    t->slots = slots;
    t->mask = nslots - 1;

    for (k = 0; k < n; k++) {
        first = privacy_names_words(names[k].name, names[k].name_len, &last);

        i = privacy_names_hash(first, last, names[k].name_len);

        for (s = &slots[i & t->mask]; s->name; s = &slots[++i & t->mask]) {
            /* void */
        }

        s->first = first;
        s->last = last;
        s->name = names[k].name;
        s->name_len = names[k].name_len;
        s->category = names[k].category;
    }
}


int
privacy_names_long(const privacy_names_t *t, const privacy_names_slot_t *s,
    const unsigned char *name, size_t len)
{
    size_t    i;
    uint64_t  first, last;

    first = s->first;
    last = s->last;

    for (i = (size_t) (s - t->slots); s->name; s = &t->slots[++i & t->mask]) {
        if (s->first == first && s->last == last && s->name_len == len
            && memcmp(s->name, name, len) == 0)
        {
            return s->category;
        }
    }

    return PRIVACY_MATCH_NONE;
}


int
privacy_match_category(const privacy_matcher_t *m, const unsigned char *name,
    size_t len)
{
    int                          rc;
    size_t                       i;
    privacy_match_name_t         key;
    const privacy_match_name_t  *found;

    if (m->nnames) {
        key.name = name;
        key.name_len = len;
        key.category = 0;

        found = bsearch(&key, m->names, m->nnames,
                        sizeof(privacy_match_name_t), privacy_match_cmp);
        if (found) {
            return found->category;
        }
    }

    for (i = 0; i < m->nregexes; i++) {
        rc = m->match(m->regexes[i].regex, name, len);

        if (rc > 0) {
            return m->regexes[i].category;
        }

        if (rc < 0) {
            return PRIVACY_MATCH_ERROR;
        }
    }

    return PRIVACY_MATCH_NONE;
}


static void
privacy_put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char) (v >> 24);
    p[1] = (unsigned char) (v >> 16);
    p[2] = (unsigned char) (v >> 8);
    p[3] = (unsigned char) v;
}


uint64_t
privacy_categories_fingerprint(const privacy_category_desc_t *cats, size_t n)
{
    int            ok;
    size_t         i;
    uint64_t       fp;
    EVP_MD_CTX    *ctx;
    unsigned char  buf[4], flag, md[EVP_MAX_MD_SIZE];

    if (n > UINT32_MAX) {
        return 0;
    }

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return 0;
    }

    /* the domain string with its NUL keeps this hash apart from others */

    privacy_put32(buf, (uint32_t) n);

    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)
         && EVP_DigestUpdate(ctx, PRIVACY_CATEGORIES_DOMAIN,
                             sizeof(PRIVACY_CATEGORIES_DOMAIN))
         && EVP_DigestUpdate(ctx, buf, 4);

    for (i = 0; ok && i < n; i++) {
        if (cats[i].name_len > UINT32_MAX) {
            ok = 0;
            break;
        }

        privacy_put32(buf, (uint32_t) cats[i].name_len);
        flag = cats[i].essential ? 1 : 0;

        ok = EVP_DigestUpdate(ctx, buf, 4)
             && (cats[i].name_len == 0
                 || EVP_DigestUpdate(ctx, cats[i].name, cats[i].name_len))
             && EVP_DigestUpdate(ctx, &flag, 1);
    }

    ok = ok && EVP_DigestFinal_ex(ctx, md, NULL);

    EVP_MD_CTX_free(ctx);

    if (!ok) {
        return 0;
    }

    fp = 0;

    for (i = 0; i < 8; i++) {
        fp = (fp << 8) | md[i];
    }

    return fp;
}
