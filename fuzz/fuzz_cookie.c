
/*
 * Fuzzes the Cookie header tokenizer and filter: privacy_cookie_next(),
 * privacy_cookie_parse(), privacy_cookie_find(), privacy_cookie_filter(),
 * privacy_cookie_join(), privacy_cookie_slice().
 *
 * Input: byte 0 is a keep mask (pair i is kept when bit i % 8 is set),
 * the rest is the header value.  Invariants: every pair lies inside the
 * value, is trimmed and holds no ';', and is the pair the reference
 * tokenizer below finds (split at ';', trim, split at the first '='); the
 * filter's output is never longer than the input and re-parses to exactly
 * the kept pairs, in order; joining the kept pairs gives the same bytes,
 * and so does a slice of the input when the kept pairs are one run;
 * parsing all the pairs at once finds the same ones; finding the pairs of
 * one name gives those of the tokenizer's pairs that have it.
 */


#include "fuzz.h"
#include "privacy_cookie.h"


typedef struct {
    unsigned               mask;
    size_t                 n;
    size_t                 seen;
    size_t                 max;
    const unsigned char  **start;   /* the kept pairs, max of them */
    size_t                *len;
} fuzz_keep_t;


static int
fuzz_ws(unsigned char c)
{
    return c == ' ' || c == '\t';
}


/* the reference: the straightforward reading of privacy_cookie.h */

static void
ref_trim(const unsigned char **start, const unsigned char **end)
{
    while (*start < *end && fuzz_ws(**start)) {
        (*start)++;
    }

    while (*end > *start && fuzz_ws((*end)[-1])) {
        (*end)--;
    }
}


static int
ref_next(const unsigned char **pos, const unsigned char *end,
    privacy_cookie_t *c)
{
    const unsigned char  *p, *semi, *s, *e, *eq, *ns, *ne, *vs, *ve;

    for (p = *pos; p < end; /* void */) {
        semi = memchr(p, ';', end - p);
        if (semi == NULL) {
            semi = end;
        }

        s = p;
        e = semi;
        ref_trim(&s, &e);

        p = (semi < end) ? semi + 1 : end;

        if (s == e) {
            continue;
        }

        c->start = s;
        c->end = e;

        eq = memchr(s, '=', e - s);

        if (eq == NULL) {
            c->name = s;
            c->name_len = 0;
            c->value = s;
            c->value_len = e - s;

        } else {
            ns = s;
            ne = eq;
            ref_trim(&ns, &ne);
            vs = eq + 1;
            ve = e;
            ref_trim(&vs, &ve);

            c->name = ns;
            c->name_len = ne - ns;
            c->value = vs;
            c->value_len = ve - vs;
        }

        *pos = p;

        return 1;
    }

    *pos = end;

    return 0;
}


static void
fuzz_check_pair(const privacy_cookie_t *c, const unsigned char *in,
    size_t len)
{
    const unsigned char  *p;

    FUZZ_CHECK(c->start >= in && c->end <= in + len);
    FUZZ_CHECK(c->start < c->end);
    FUZZ_CHECK(!fuzz_ws(c->start[0]) && !fuzz_ws(c->end[-1]));
    FUZZ_CHECK(memchr(c->start, ';', c->end - c->start) == NULL);

    FUZZ_CHECK(c->value >= c->start && c->value + c->value_len <= c->end);

    if (c->value_len) {
        FUZZ_CHECK(!fuzz_ws(c->value[0]));
        FUZZ_CHECK(!fuzz_ws(c->value[c->value_len - 1]));
    }

    if (c->name_len == 0) {
        /* no '=', or an empty name: the value is what follows '=' */
        p = memchr(c->start, '=', c->end - c->start);
        FUZZ_CHECK(p == NULL || p == c->start);
        if (p == NULL) {
            FUZZ_CHECK(c->value == c->start && c->value_len
                       == (size_t) (c->end - c->start));
        }
        return;
    }

    /* the name ends before the first '=' */
    FUZZ_CHECK(c->name == c->start);
    FUZZ_CHECK(c->name + c->name_len <= c->end);
    FUZZ_CHECK(memchr(c->name, '=', c->name_len) == NULL);
    FUZZ_CHECK(!fuzz_ws(c->name[c->name_len - 1]));
    FUZZ_CHECK(c->value > c->name + c->name_len);
}


/*
 * privacy_cookie_find() of the name of one of the pairs (byte 0 picks it),
 * or of "a" when there are none or it has no name: the pairs of that name
 * among all[], in order, and no other.  The name is a copy, so that the
 * search does not lean on its being in the value.
 */

static void
fuzz_find(const unsigned char *in, size_t len, const privacy_cookie_t *all,
    size_t n, unsigned char pick)
{
    size_t                i, name_len;
    unsigned char        *name;
    privacy_cookie_t      c;
    const unsigned char  *p;

    if (n && all[pick % n].name_len) {
        name_len = all[pick % n].name_len;
        name = fuzz_dup(all[pick % n].name, name_len);

    } else {
        name_len = 1;
        name = fuzz_dup((const uint8_t *) "a", 1);
    }

    p = in;
    i = 0;

    while (privacy_cookie_find(&p, in, in + len, name, name_len, &c)) {

        while (i < n && (all[i].name_len != name_len
                         || memcmp(all[i].name, name, name_len) != 0))
        {
            i++;
        }

        FUZZ_CHECK(i < n);
        FUZZ_CHECK(c.start == all[i].start && c.end == all[i].end);
        FUZZ_CHECK(c.name == all[i].name && c.name_len == name_len);
        FUZZ_CHECK(c.value == all[i].value
                   && c.value_len == all[i].value_len);
        FUZZ_CHECK(p > c.start && p <= in + len);
        i++;
    }

    FUZZ_CHECK(p == in + len);

    for ( /* void */ ; i < n; i++) {
        FUZZ_CHECK(all[i].name_len != name_len
                   || memcmp(all[i].name, name, name_len) != 0);
    }

    free(name);
}


static int
fuzz_keep(void *data, const privacy_cookie_t *c)
{
    fuzz_keep_t  *k = data;
    int           keep;

    keep = (k->mask >> (k->seen++ % 8)) & 1;

    if (keep) {
        FUZZ_CHECK(k->n < k->max);
        k->start[k->n] = c->start;
        k->len[k->n] = c->end - c->start;
        k->n++;
    }

    return keep;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                len, n, i, pairs, kept, slice;
    unsigned char        *in, *out, *joined;
    fuzz_keep_t           k;
    privacy_cookie_t      c, r, *keep, *all;
    const unsigned char  *p, *q, *prev, *end;

    if (size == 0) {
        return 0;
    }

    len = size - 1;
    in = fuzz_dup(data + 1, len);
    end = in + len;

    /* the tokenizer alone: it advances and ends, as the reference does */
    p = in;
    q = in;
    pairs = 0;

    for ( ;; ) {
        prev = p;
        if (!privacy_cookie_next(&p, end, &c)) {
            FUZZ_CHECK(p == end);
            FUZZ_CHECK(ref_next(&q, end, &r) == 0);
            break;
        }

        FUZZ_CHECK(ref_next(&q, end, &r) == 1);
        FUZZ_CHECK(p == q);
        FUZZ_CHECK(c.start == r.start && c.end == r.end);
        FUZZ_CHECK(c.name == r.name && c.name_len == r.name_len);
        FUZZ_CHECK(c.value == r.value && c.value_len == r.value_len);

        FUZZ_CHECK(p > prev && p <= end);
        FUZZ_CHECK(c.start >= prev && c.end <= p);
        fuzz_check_pair(&c, in, len);
        pairs++;
        FUZZ_CHECK(pairs <= len);
    }

    /* the filter */
    k.mask = data[0];
    k.n = 0;
    k.seen = 0;
    k.max = pairs;
    k.start = malloc((pairs + 1) * sizeof(const unsigned char *));
    k.len = malloc((pairs + 1) * sizeof(size_t));
    if (k.start == NULL || k.len == NULL) {
        abort();
    }

    out = fuzz_alloc(len);

    n = privacy_cookie_filter(in, len, out, fuzz_keep, &k);

    FUZZ_CHECK(k.seen == pairs);
    FUZZ_CHECK(n <= len);
    FUZZ_CHECK((n == 0) == (k.n == 0));

    /* exactly the kept pairs, in order, whatever the separators */
    p = out;
    for (i = 0; privacy_cookie_next(&p, out + n, &c); i++) {
        FUZZ_CHECK(i < k.n);
        FUZZ_CHECK((size_t) (c.end - c.start) == k.len[i]);
        FUZZ_CHECK(memcmp(c.start, k.start[i], k.len[i]) == 0);
    }
    FUZZ_CHECK(i == k.n);

    /* the kept pairs joined: the filter's bytes */
    keep = malloc((pairs + 1) * sizeof(privacy_cookie_t));
    if (keep == NULL) {
        abort();
    }

    p = in;
    kept = 0;

    for (i = 0; privacy_cookie_next(&p, end, &c); i++) {
        if ((k.mask >> (i % 8)) & 1) {
            keep[kept++] = c;
        }
    }

    FUZZ_CHECK(kept == k.n);

    joined = fuzz_alloc(len);

    FUZZ_CHECK(privacy_cookie_join(keep, kept, len, joined) == n);
    FUZZ_CHECK(n == 0 || memcmp(joined, out, n) == 0);

    /* a run of the input, when it is one, is those bytes too */
    if (kept) {
        slice = privacy_cookie_slice(keep, kept);
        FUZZ_CHECK(slice == 0
                   || (slice == n && memcmp(keep[0].start, out, n) == 0));
    }

    /* all the pairs at once: those the tokenizer gave, one by one */
    all = malloc((pairs + 1) * sizeof(privacy_cookie_t));
    if (all == NULL) {
        abort();
    }

    FUZZ_CHECK(privacy_cookie_parse(in, len, all, pairs) == pairs);

    p = in;

    for (i = 0; privacy_cookie_next(&p, end, &c); i++) {
        FUZZ_CHECK(all[i].start == c.start && all[i].end == c.end);
        FUZZ_CHECK(all[i].name == c.name && all[i].name_len == c.name_len);
        FUZZ_CHECK(all[i].value == c.value
                   && all[i].value_len == c.value_len);
    }

    /* the pairs of one name found alone: those the tokenizer gave */
    fuzz_find(in, len, all, pairs, data[0]);

    if (pairs > 1) {
        FUZZ_CHECK(privacy_cookie_parse(in, len, all, pairs / 2) == pairs);
    }

    free(all);

    free(joined);
    free(keep);
    free(k.len);
    free(k.start);
    free(out);
    free(in);

    return 0;
}
