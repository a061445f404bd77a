
/*
 * Unit tests: privacy_cookie.c
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_cookie.h"


typedef struct {
    const char  *name;
    const char  *value;
} pair_t;


typedef struct {
    unsigned              seed;
    size_t                n;
    const unsigned char  *start[8];
    size_t                len[8];
} record_t;


typedef struct {
    unsigned              mask;
    size_t                seen;
} mask_t;


static void test_next(void);
static void test_next_pairs(const char *in, const pair_t *want, size_t n,
    int line);
static void parse_same(const char *in, int line);
static unsigned next_rand(unsigned *seed);
static void test_parse_random(void);
static void test_slice(void);
static void test_find(void);
static void find_same(const char *in, size_t k, int line);
static void test_filter(void);
static int keep_all(void *data, const privacy_cookie_t *c);
static int keep_none(void *data, const privacy_cookie_t *c);
static int keep_named(void *data, const privacy_cookie_t *c);
static int keep_random(void *data, const privacy_cookie_t *c);
static int keep_mask(void *data, const privacy_cookie_t *c);
static size_t filter(const char *in, unsigned char *out,
    privacy_cookie_keep_pt keep, void *data);
static void test_join(void);
static void join_check(const char *in, unsigned mask, int line);
static void test_set_cookie_name(void);
static void test_expire(void);
static void expire(const char *name, const char *domain, const char *want,
    int line);
static void test_expire_suffix(void);


static void
test_next_pairs(const char *in, const pair_t *want, size_t n, int line)
{
    size_t                i;
    privacy_cookie_t      c;
    const unsigned char  *p, *end;

    p = (const unsigned char *) in;
    end = p + strlen(in);

    for (i = 0; i < n; i++) {
        if (!unit_check(privacy_cookie_next(&p, end, &c), "pair present",
                        __FILE__, line))
        {
            return;
        }

        unit_check_mem(c.name, c.name_len, want[i].name, strlen(want[i].name),
                       "name", __FILE__, line);
        unit_check_mem(c.value, c.value_len, want[i].value,
                       strlen(want[i].value), "value", __FILE__, line);

        /* the pair's bounds cover name to value, inside the input */
        unit_check(c.start >= (const unsigned char *) in && c.end <= end
                   && c.start < c.end
                   && c.start <= c.name && c.value + c.value_len <= c.end,
                   "pair bounds", __FILE__, line);
    }

    unit_check(privacy_cookie_next(&p, end, &c) == 0 && p == end,
               "no more pairs", __FILE__, line);

    parse_same(in, line);
}


/* privacy_cookie_parse() finds the pairs privacy_cookie_next() finds */

static void
parse_same(const char *in, int line)
{
    size_t                n, i, len;
    privacy_cookie_t      c, pairs[64];
    const unsigned char  *p, *end;

    len = strlen(in);
    p = (const unsigned char *) in;
    end = p + len;

    n = privacy_cookie_parse(p, len, pairs, 64);

    for (i = 0; privacy_cookie_next(&p, end, &c); i++) {
        if (!unit_check(i < n && i < 64, "parse: pair present", __FILE__,
                        line))
        {
            return;
        }

        unit_check(pairs[i].start == c.start && pairs[i].end == c.end
                   && pairs[i].name == c.name
                   && pairs[i].name_len == c.name_len
                   && pairs[i].value == c.value
                   && pairs[i].value_len == c.value_len,
                   "parse: the same pair", __FILE__, line);
    }

    unit_check(n == i, "parse: as many pairs", __FILE__, line);

    for (i = 0; i < n && i < 64; i++) {
        find_same(in, i, line);
    }

    /* fewer places than pairs: the count is still all of them */
    if (n > 1) {
        unit_check(privacy_cookie_parse((const unsigned char *) in, len,
                                        pairs, 1) == n,
                   "parse: counted past max", __FILE__, line);
    }
}


#define PAIRS(in, ...)                                                       \
    do {                                                                     \
        static const pair_t  want_[] = { __VA_ARGS__ };                      \
        test_next_pairs(in, want_, sizeof(want_) / sizeof(want_[0]),         \
                        __LINE__);                                           \
    } while (0)

#define NO_PAIRS(in)  test_next_pairs(in, NULL, 0, __LINE__)


static void
test_next(void)
{
    privacy_cookie_t      c;
    const unsigned char  *p, *end;

    NO_PAIRS("");
    NO_PAIRS(" ");
    NO_PAIRS(";;; ;\t; ");

    PAIRS("a=1", { "a", "1" });
    PAIRS("a=1; b=2", { "a", "1" }, { "b", "2" });
    PAIRS("a=1;b=2;", { "a", "1" }, { "b", "2" });
    PAIRS(" \t a = 1 ;\tb=2\t ", { "a", "1" }, { "b", "2" });
    PAIRS(";;a=1;; ;b=2;;", { "a", "1" }, { "b", "2" });

    /* RFC 6265bis: no '=' means an empty name */
    PAIRS("foo; a=1", { "", "foo" }, { "a", "1" });
    PAIRS("foo bar", { "", "foo bar" });
    PAIRS("=x", { "", "x" });
    PAIRS("=", { "", "" });
    PAIRS("a=", { "a", "" });
    PAIRS("a = ", { "a", "" });
    PAIRS("a=  ; b= x ", { "a", "" }, { "b", "x" });
    PAIRS("a =\t;=;b", { "a", "" }, { "", "" }, { "", "b" });
    PAIRS(" ==1 ", { "", "=1" });

    /* only the first '=' splits; ',' is no separator; quotes stay */
    PAIRS("a=b=c", { "a", "b=c" });
    PAIRS("a=1, b=2", { "a", "1, b=2" });
    PAIRS("q=\"x y\"; r=\"\"", { "q", "\"x y\"" }, { "r", "\"\"" });

    /* bytes are bytes */
    PAIRS("\xc3\xa9t\xc3\xa9=\xff\x01\x7f", { "\xc3\xa9t\xc3\xa9",
                                              "\xff\x01\x7f" });
    PAIRS("a=1\r\n; b", { "a", "1\r\n" }, { "", "b" });
    PAIRS("a b=c d", { "a b", "c d" });

    /* start/end are the trimmed pair with its inner spaces */
    p = (const unsigned char *) "  x = 1 ; y";
    end = p + 11;
    CHECK(privacy_cookie_next(&p, end, &c) == 1);
    CHECK_STR(c.start, (size_t) (c.end - c.start), "x = 1");
    CHECK(privacy_cookie_next(&p, end, &c) == 1);
    CHECK_STR(c.start, (size_t) (c.end - c.start), "y");
    CHECK(privacy_cookie_next(&p, end, &c) == 0);
    CHECK(privacy_cookie_next(&p, end, &c) == 0);

    /* an empty value: the pair ends with its '=' */
    p = (const unsigned char *) " a = \t; b";
    end = p + 9;
    CHECK(privacy_cookie_next(&p, end, &c) == 1);
    CHECK_STR(c.start, (size_t) (c.end - c.start), "a =");
    CHECK(c.value == c.end);
    CHECK(privacy_cookie_next(&p, end, &c) == 1);
    CHECK_STR(c.start, (size_t) (c.end - c.start), "b");

    /* the bound is respected: a ';' past end is not seen */
    p = (const unsigned char *) "a=1;b=2";
    end = p + 5;
    CHECK(privacy_cookie_next(&p, end, &c) == 1);
    CHECK(privacy_cookie_next(&p, end, &c) == 1);
    CHECK_STR(c.name, c.name_len, "");
    CHECK_STR(c.value, c.value_len, "b");
    CHECK(privacy_cookie_next(&p, end, &c) == 0);
}


static int
keep_all(void *data, const privacy_cookie_t *c)
{
    (void) data;
    (void) c;
    return 1;
}


static int
keep_none(void *data, const privacy_cookie_t *c)
{
    (void) data;
    (void) c;
    return 0;
}


/* keeps the pairs whose name is in the NULL-terminated list */

static int
keep_named(void *data, const privacy_cookie_t *c)
{
    const char  **names;

    for (names = data; *names; names++) {
        if (strlen(*names) == c->name_len
            && memcmp(*names, c->name, c->name_len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* keeps pairs at random and records the kept ones */

static int
keep_random(void *data, const privacy_cookie_t *c)
{
    record_t  *rec;

    rec = data;
    rec->seed = rec->seed * 1103515245 + 12345;

    if (((rec->seed >> 16) & 1) == 0 || rec->n == 8) {
        return 0;
    }

    rec->start[rec->n] = c->start;
    rec->len[rec->n] = (size_t) (c->end - c->start);
    rec->n++;

    return 1;
}


/* keeps pair i when bit i % 8 of the mask is set */

static int
keep_mask(void *data, const privacy_cookie_t *c)
{
    mask_t  *m;

    (void) c;

    m = data;

    return (m->mask >> (m->seen++ % 8)) & 1;
}


/* runs the filter into an exactly sized heap buffer: ASan sees overruns */

static size_t
filter(const char *in, unsigned char *out, privacy_cookie_keep_pt keep,
    void *data)
{
    size_t          len, n;
    unsigned char  *buf;

    len = strlen(in);
    buf = malloc(len ? len : 1);
    if (buf == NULL) {
        abort();
    }

    n = privacy_cookie_filter((const unsigned char *) in, len, buf, keep,
                              data);
    CHECK(n <= len);
    memcpy(out, buf, n);
    free(buf);

    return n;
}


static void
test_filter(void)
{
    int                   ok;
    char                  in[64];
    size_t                n, len, i, j, npairs;
    record_t              rec;
    unsigned char         out[256], *buf;
    privacy_cookie_t      c;
    const unsigned char  *p;
    const char           *ab[] = { "a", "b", NULL };
    const char           *abcd[] = { "a", "b", "c", "d", NULL };
    const char           *empty[] = { "", NULL };

    n = filter("", out, keep_all, NULL);
    CHECK_INT(n, 0);

    n = filter("a=1; b=2", out, keep_all, NULL);
    CHECK_STR(out, n, "a=1; b=2");

    n = filter("a=1; b=2", out, keep_none, NULL);
    CHECK_INT(n, 0);

    n = filter(" a = 1 ;;_ga=GA1.2.3 ; b=2;", out, keep_named, ab);
    CHECK_STR(out, n, "a = 1; b=2");

    n = filter("_ga=1; a=1; _gid=2", out, keep_named, ab);
    CHECK_STR(out, n, "a=1");

    n = filter("_ga=1; _gid=2", out, keep_named, ab);
    CHECK_INT(n, 0);

    /* no room for "; " in a tight header: ";" keeps it within len */
    n = filter("a=1;b=2", out, keep_all, NULL);
    CHECK_STR(out, n, "a=1;b=2");

    n = filter("a;b;c;d;x", out, keep_all, NULL);
    CHECK_STR(out, n, "a;b;c;d;x");

    n = filter("a=1;b=2;c=3;d=4;x", out, keep_named, abcd);
    CHECK_STR(out, n, "a=1;b=2;c=3;d=4");

    n = filter("a=1;b=2;c=3;d=4;x=5", out, keep_named, abcd);
    CHECK_STR(out, n, "a=1; b=2; c=3; d=4");

    n = filter("a=1;b=2;x=5;y=6", out, keep_named, abcd);
    CHECK_STR(out, n, "a=1; b=2");

    /* nameless pairs go through keep() like the others */
    n = filter("flag; a=1", out, keep_named, empty);
    CHECK_STR(out, n, "flag");

    /* random headers, random keeps: never longer than the input, and
     * the output holds exactly the kept pairs, in order */

    rec.seed = 7;

    for (i = 0; i < 3000; i++) {
        len = 0;
        npairs = rec.seed % 7;

        for (j = 0; j < npairs; j++) {
            rec.seed = rec.seed * 1103515245 + 12345;

            len += (size_t) sprintf(in + len, "%s%c=%u%s",
                                    (rec.seed >> 8) & 1 ? " " : "",
                                    (char) ('a' + (rec.seed >> 12) % 26),
                                    (rec.seed >> 20) % 10,
                                    (rec.seed >> 9) & 1 ? ";" : "; ");
        }

        buf = malloc(len ? len : 1);
        if (buf == NULL) {
            abort();
        }

        rec.n = 0;
        n = privacy_cookie_filter((const unsigned char *) in, len, buf,
                                  keep_random, &rec);

        ok = n <= len;
        p = buf;
        j = 0;

        while (ok && privacy_cookie_next(&p, buf + n, &c)) {
            ok = j < rec.n
                 && (size_t) (c.end - c.start) == rec.len[j]
                 && memcmp(c.start, rec.start[j], rec.len[j]) == 0;
            j++;
        }

        ok = ok && j == rec.n;

        free(buf);

        if (!ok) {
            break;
        }
    }

    CHECK(i == 3000);
}


static void
test_set_cookie_name(void)
{
    size_t                n;
    const unsigned char  *name;

#define NAME(in, want)                                                       \
    name = NULL;                                                             \
    n = 99;                                                                  \
    if (CHECK(privacy_set_cookie_name(S(in), &name, &n) == 1)) {             \
        CHECK_STR(name, n, want);                                            \
    }

#define UNUSABLE(in)                                                         \
    CHECK(privacy_set_cookie_name(S(in), &name, &n) == 0)

    NAME("id=1; Path=/; HttpOnly", "id");
    NAME("id=1", "id");
    NAME(" \tid \t= 1 ; Path=/", "id");
    NAME("_ga=GA1.2.3=4; Domain=.example.com", "_ga");
    NAME("a=", "a");
    NAME("a", "");
    NAME("=v", "");
    NAME("novalue; Path=/", "");
    NAME("Name With Space=1", "Name With Space");
    NAME("a=b;c=d", "a");
    NAME("\xc3\xa9=1", "\xc3\xa9");

    UNUSABLE("");
    UNUSABLE("   ");
    UNUSABLE("=");
    UNUSABLE(" = ; Path=/");
    UNUSABLE("; id=1");
    UNUSABLE("\t;");
    CHECK(privacy_set_cookie_name(NULL, 0, &name, &n) == 0);

#undef NAME
#undef UNUSABLE
}


static void
expire(const char *name, const char *domain, const char *want, int line)
{
    size_t          len, dlen;
    unsigned char  *buf, *end;

    dlen = domain ? strlen(domain) : 0;

    len = privacy_cookie_expire_len((const unsigned char *) name, strlen(name),
                                    (const unsigned char *) domain, dlen);

    buf = malloc(len);
    if (buf == NULL) {
        abort();
    }

    end = privacy_cookie_expire(buf, (const unsigned char *) name,
                                strlen(name), (const unsigned char *) domain,
                                dlen);

    unit_check(end == buf + len, "expire length", __FILE__, line);
    unit_check_mem(buf, (size_t) (end - buf), want, strlen(want),
                   "expire value", __FILE__, line);

    free(buf);
}


#define EXPIRED  "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"


static void
test_expire(void)
{
    expire("_ga", NULL, "_ga" EXPIRED, __LINE__);
    expire("_ga", "", "_ga" EXPIRED, __LINE__);
    expire("_ga", ".example.com", "_ga" EXPIRED "; Domain=.example.com",
           __LINE__);
    expire("", NULL, EXPIRED, __LINE__);
    CHECK_INT(privacy_cookie_expire_len(NULL, 0, NULL, 0),
              sizeof(EXPIRED) - 1);

    expire("__Secure-id", NULL, "__Secure-id" EXPIRED "; Secure", __LINE__);
    expire("__SECURE-id", "example.com",
           "__SECURE-id" EXPIRED "; Secure; Domain=example.com", __LINE__);
    expire("__Host-id", "example.com", "__Host-id" EXPIRED "; Secure",
           __LINE__);
    expire("__host-", NULL, "__host-" EXPIRED "; Secure", __LINE__);

    /* not quite a prefix */
    expire("__Secure", NULL, "__Secure" EXPIRED, __LINE__);
    expire("_Host-id", NULL, "_Host-id" EXPIRED, __LINE__);
}


/*
 * privacy_cookie_join() of the pairs kept by MASK (pair i when bit i % 8
 * is set) writes what privacy_cookie_filter() writes for the same choice.
 */

static void
join_check(const char *in, unsigned mask, int line)
{
    size_t                len, n, k, want;
    mask_t                m;
    unsigned char        *buf, *ref;
    privacy_cookie_t      c, pairs[64];
    const unsigned char  *p, *end;

    len = strlen(in);
    p = (const unsigned char *) in;
    end = p + len;
    n = 0;
    k = 0;

    while (privacy_cookie_next(&p, end, &c)) {
        if ((mask >> (n++ % 8)) & 1) {
            if (k == 64) {
                abort();
            }

            pairs[k++] = c;
        }
    }

    /* exactly sized heap buffers: ASan sees overruns */
    buf = malloc(len ? len : 1);
    ref = malloc(len ? len : 1);
    if (buf == NULL || ref == NULL) {
        abort();
    }

    m.mask = mask;
    m.seen = 0;
    want = privacy_cookie_filter((const unsigned char *) in, len, ref,
                                 keep_mask, &m);

    unit_check(m.seen == n, "filter saw every pair", __FILE__, line);

    n = privacy_cookie_join(pairs, k, len, buf);

    unit_check_mem(buf, n, (const char *) ref, want, "join", __FILE__, line);

    free(ref);
    free(buf);
}


static void
test_join(void)
{
    char      in[64];
    size_t    len, j, npairs;
    unsigned  i, seed;

    CHECK_INT(privacy_cookie_join(NULL, 0, 0, NULL), 0);

    join_check("", 0xff, __LINE__);
    join_check("a=1; b=2", 0xff, __LINE__);
    join_check("a=1;b=2", 0xff, __LINE__);
    join_check("a=1;b=2;c=3", 0x05, __LINE__);
    join_check("a=1;b=2;c=3;d=4;x", 0x0f, __LINE__);
    join_check("a=1;b=2;c=3;d=4;x=5", 0x0f, __LINE__);
    join_check(" a = 1 ;;_ga=GA1.2.3 ; b=2;", 0x05, __LINE__);
    join_check("flag; a=1", 0x01, __LINE__);
    join_check("_ga=1; _gid=2", 0x00, __LINE__);
    join_check("_ga=GA1.2.1234567890.1700000000; "
               "_gid=GA1.2.987654321.1700000000; "
               "_fbp=fb.1.1700000000000.1234567890; "
               "IDE=AHWqTUkX3pQ9z7LrYcB2; "
               "PHPSESSID=8f3c2a9d7e1b4c6a5f0e9d8c7b6a5f4e; "
               "csrftoken=Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9F; "
               "lang=en-GB; theme=dark", 0xf0, __LINE__);

    seed = 11;

    for (i = 0; i < 3000; i++) {
        len = 0;
        npairs = seed % 7;

        for (j = 0; j < npairs; j++) {
            seed = seed * 1103515245 + 12345;

            len += (size_t) sprintf(in + len, "%s%c=%u%s",
                                    (seed >> 8) & 1 ? " " : "",
                                    (char) ('a' + (seed >> 12) % 26),
                                    (seed >> 20) % 10,
                                    (seed >> 9) & 1 ? ";" : "; ");
        }

        seed = seed * 1103515245 + 12345;
        join_check(in, (seed >> 16) & 0xff, __LINE__);
    }
}


/* for names without a prefix, the name and the suffix make the value */

static void
test_expire_suffix(void)
{
    size_t          i, j, len, slen;
    unsigned char   want[256], got[256], *end;
    const char     *names[] = { "_ga", "", "x", "__Secure", "_Host-id",
                                "PHPSESSID", NULL };
    const char     *prefixed[] = { "__Secure-id", "__SECURE-", "__Host-x",
                                   "__host-", NULL };
    const char     *domains[] = { "", ".example.com", "a", NULL };

    for (i = 0; names[i]; i++) {
        CHECK(privacy_cookie_expire_prefixed((const unsigned char *)
                                             names[i], strlen(names[i]))
              == 0);

        for (j = 0; domains[j]; j++) {
            len = privacy_cookie_expire_len((const unsigned char *) names[i],
                                            strlen(names[i]),
                                            (const unsigned char *)
                                            domains[j], strlen(domains[j]));
            end = privacy_cookie_expire(want,
                                        (const unsigned char *) names[i],
                                        strlen(names[i]),
                                        (const unsigned char *) domains[j],
                                        strlen(domains[j]));
            CHECK(end == want + len);

            slen = privacy_cookie_expire_suffix_len(strlen(domains[j]));
            memcpy(got, names[i], strlen(names[i]));
            end = privacy_cookie_expire_suffix(got + strlen(names[i]),
                                               (const unsigned char *)
                                               domains[j],
                                               strlen(domains[j]));
            CHECK(end == got + strlen(names[i]) + slen);
            CHECK_MEM(got, strlen(names[i]) + slen, (const char *) want,
                      len);
        }
    }

    for (i = 0; prefixed[i]; i++) {
        CHECK(privacy_cookie_expire_prefixed((const unsigned char *)
                                             prefixed[i],
                                             strlen(prefixed[i]))
              != 0);
    }
}


static unsigned
next_rand(unsigned *seed)
{
    *seed = *seed * 1103515245 + 12345;

    return *seed >> 16;
}


/*
 * Headers built from known pairs, with every kind of separator and of
 * whitespace, 0 to 120 bytes long: the searches 16 bytes at a time meet
 * pairs and separators at every offset of a block and at the value's end.
 */

static void
test_parse_random(void)
{
    char                  in[2048];
    size_t                i, k, n, npairs, len, name_len[8], value_len[8];
    unsigned              seed;
    const char           *sep;
    privacy_cookie_t      pairs[16];
    const unsigned char  *name[8], *value[8];

    static const char  *seps[] = { "; ", ";", " ; ", ";;", "\t;\t", "; ;" };
    static const char   name_bytes[] = "ab_-.Z0 ";
    static const char   value_bytes[] = "xy=,\"/0 \t";

    seed = 1;

    for (k = 0; k < 20000; k++) {
        npairs = (size_t) (next_rand(&seed) % 9);
        len = 0;

        if (next_rand(&seed) % 2) {
            in[len++] = ' ';
        }

        for (i = 0; i < npairs; i++) {
            if (i) {
                sep = seps[next_rand(&seed) % 6];
                memcpy(in + len, sep, strlen(sep));
                len += strlen(sep);
            }

            /* a name of 1 to 20 bytes, no whitespace at its edges */
            name[i] = (const unsigned char *) in + len;
            name_len[i] = 1 + next_rand(&seed) % 20;

            for (n = 0; n < name_len[i]; n++) {
                in[len + n] = name_bytes[next_rand(&seed) % 7
                                         + (n && n + 1 < name_len[i]
                                            && next_rand(&seed) % 4 == 0)];
            }

            len += name_len[i];
            in[len++] = '=';

            /* a value of 0 to 40 bytes, the same; one in eight up to 200,
             * so that a piece spans the parser's 64-byte windows */
            value[i] = (const unsigned char *) in + len;
            value_len[i] = (next_rand(&seed) % 8) ? next_rand(&seed) % 41
                                                   : next_rand(&seed) % 201;

            for (n = 0; n < value_len[i]; n++) {
                in[len + n] = value_bytes[next_rand(&seed)
                                          % (n && n + 1 < value_len[i] ? 9
                                                                       : 7)];
            }

            if (value_len[i] == 0) {
                value[i] = name[i] + name_len[i] + 1;
            }

            len += value_len[i];
        }

        in[len] = '\0';

        n = privacy_cookie_parse((const unsigned char *) in, len, pairs, 16);

        if (!CHECK_INT(n, npairs)) {
            continue;
        }

        for (i = 0; i < n; i++) {
            CHECK(pairs[i].name == name[i]);
            CHECK_INT(pairs[i].name_len, name_len[i]);
            CHECK(pairs[i].value == value[i]);
            CHECK_INT(pairs[i].value_len, value_len[i]);
        }

        parse_same(in, __LINE__);
    }
}


/*
 * privacy_cookie_find() of the name of pair k of in finds the pairs of
 * that name privacy_cookie_next() finds, in order, and no other.
 */

static void
find_same(const char *in, size_t k, int line)
{
    size_t                len, i;
    privacy_cookie_t      c, f, pairs[64];
    const unsigned char  *p, *q, *end, *name;

    len = strlen(in);
    end = (const unsigned char *) in + len;

    if (privacy_cookie_parse((const unsigned char *) in, len, pairs, 64)
        > 64)
    {
        return;
    }

    name = pairs[k].name;

    if (pairs[k].name_len == 0) {
        return;
    }

    p = (const unsigned char *) in;
    q = p;

    for (i = 0; privacy_cookie_next(&p, end, &c); i++) {
        if (c.name_len != pairs[k].name_len
            || memcmp(c.name, name, c.name_len) != 0)
        {
            continue;
        }

        if (!unit_check(privacy_cookie_find(&q, (const unsigned char *) in,
                                            end, name, pairs[k].name_len,
                                            &f),
                        "find: the pair found", __FILE__, line))
        {
            return;
        }

        unit_check(f.start == c.start && f.end == c.end && f.name == c.name
                   && f.value == c.value && f.value_len == c.value_len,
                   "find: the same pair", __FILE__, line);
    }

    unit_check(!privacy_cookie_find(&q, (const unsigned char *) in, end,
                                    name, pairs[k].name_len, &f)
               && q == end,
               "find: no more", __FILE__, line);
}


/* the consent cookie among others, in values, as a prefix, twice */

static void
test_find(void)
{
    size_t                n;
    privacy_cookie_t      c;
    const unsigned char  *p, *in, *end;

    static const char     name[] = "pc";

    in = (const unsigned char *)
         "x=pc=1; pcx=2; apc=3;pc;  pc =4 ;\tpc= 5; pc=\"6\"; pc";
    end = in + strlen((const char *) in);
    p = in;
    n = 0;

    CHECK(privacy_cookie_find(&p, in, end, (const unsigned char *) name, 2,
                              &c));
    CHECK_STR(c.value, c.value_len, "4");
    n++;

    CHECK(privacy_cookie_find(&p, in, end, (const unsigned char *) name, 2,
                              &c));
    CHECK_STR(c.value, c.value_len, "5");
    n++;

    CHECK(privacy_cookie_find(&p, in, end, (const unsigned char *) name, 2,
                              &c));
    CHECK_STR(c.value, c.value_len, "\"6\"");
    n++;

    CHECK(!privacy_cookie_find(&p, in, end, (const unsigned char *) name, 2,
                               &c));
    CHECK(p == end);
    CHECK_INT(n, 3);

    /* the name longer than what is left, an empty value, an empty name */
    in = (const unsigned char *) "p";
    p = in;
    CHECK(!privacy_cookie_find(&p, in, in + 1, (const unsigned char *) name,
                               2, &c));

    in = (const unsigned char *) "pc=";
    p = in;
    CHECK(privacy_cookie_find(&p, in, in + 3, (const unsigned char *) name,
                              2, &c));
    CHECK_INT(c.value_len, 0);

    p = in;
    CHECK(!privacy_cookie_find(&p, in, in + 3, (const unsigned char *) name,
                               0, &c));
}


static void
test_slice(void)
{
    size_t                n;
    privacy_cookie_t      pairs[8];
    const unsigned char  *in;

    in = (const unsigned char *) "_ga=1; a=2; b=3; _gid=4";
    n = privacy_cookie_parse(in, 23, pairs, 8);
    CHECK_INT(n, 4);

    /* a=2; b=3: one run */
    CHECK_INT(privacy_cookie_slice(&pairs[1], 2), 8);
    CHECK_INT(privacy_cookie_slice(&pairs[0], 4), 23);
    CHECK_INT(privacy_cookie_slice(&pairs[3], 1), 6);

    /* _ga=1, b=3: not next to each other */
    pairs[1] = pairs[2];
    CHECK_INT(privacy_cookie_slice(pairs, 2), 0);

    /* ";" or " ; " between them: joining writes "; " */
    in = (const unsigned char *) "a=1;b=2 ; c=3";
    n = privacy_cookie_parse(in, 13, pairs, 8);
    CHECK_INT(n, 3);
    CHECK_INT(privacy_cookie_slice(pairs, 2), 0);
    CHECK_INT(privacy_cookie_slice(&pairs[1], 2), 0);
    CHECK_INT(privacy_cookie_slice(&pairs[2], 1), 3);
}


int
main(void)
{
    test_next();
    test_parse_random();
    test_slice();
    test_find();
    test_filter();
    test_join();
    test_set_cookie_name();
    test_expire();
    test_expire_suffix();

    return unit_done();
}
