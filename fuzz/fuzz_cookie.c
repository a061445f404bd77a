
/*
 * Fuzzes the Cookie header tokenizer and filter: privacy_cookie_next(),
 * privacy_cookie_filter().
 *
 * Input: byte 0 is a keep mask (pair i is kept when bit i % 8 is set),
 * the rest is the header value.  Invariants: every pair lies inside the
 * value, is trimmed and holds no ';'; the filter's output is never longer
 * than the input and re-parses to exactly the kept pairs, in order.
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
    size_t                len, n, i, pairs;
    unsigned char        *in, *out;
    fuzz_keep_t           k;
    privacy_cookie_t      c;
    const unsigned char  *p, *prev, *end;

    if (size == 0) {
        return 0;
    }

    len = size - 1;
    in = fuzz_dup(data + 1, len);
    end = in + len;

    /* the tokenizer alone: it advances and ends */
    p = in;
    pairs = 0;

    for ( ;; ) {
        prev = p;
        if (!privacy_cookie_next(&p, end, &c)) {
            FUZZ_CHECK(p == end);
            break;
        }

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

    free(k.len);
    free(k.start);
    free(out);
    free(in);

    return 0;
}
