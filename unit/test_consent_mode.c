
/*
 * Unit tests: privacy_consent_mode.c, where Consent Mode's script goes.
 * Every page is also cut at every offset, at every pair of offsets and
 * into single bytes, which must give the one-buffer output.
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_consent_mode.h"


#define TAG  "[C]"


static size_t insert(unsigned char *out, const char *page, size_t len,
    const size_t *cuts, size_t ncuts, int *found);
static int splits_agree(const char *page, size_t len);
static void expect(const char *page, const char *want, int line);
static void test_points(void);
static void test_not_points(void);
static void test_held(void);
static void test_random(void);
static int skip_agrees(const char *page, size_t len);


/* into an exactly sized heap buffer: ASan sees any overrun */

static size_t
insert(unsigned char *out, const char *page, size_t len, const size_t *cuts,
    size_t ncuts, int *found)
{
    size_t          n, size;
    unsigned char  *buf;

    size = len + sizeof(TAG) - 1;
    buf = malloc(size ? size : 1);
    if (buf == NULL) {
        abort();
    }

    n = privacy_consent_mode_insert(buf, (const unsigned char *) page, len,
                                    (const unsigned char *) TAG,
                                    sizeof(TAG) - 1, cuts, ncuts, found);
    if (n <= size) {
        memcpy(out, buf, n);
    }

    free(buf);

    return n;
}


static int
splits_agree(const char *page, size_t len)
{
    int             found, f;
    size_t          n, m, i, j, cuts[2], *every;
    unsigned char   ref[512], out[512];

    n = insert(ref, page, len, NULL, 0, &found);

    for (i = 0; i <= len; i++) {
        for (j = i; j <= len; j++) {
            cuts[0] = i;
            cuts[1] = j;
            m = insert(out, page, len, cuts, 2, &f);

            if (m != n || memcmp(out, ref, n) != 0 || f != found) {
                printf("    cuts at %zu, %zu differ\n", i, j);
                unit_show("page", page, len);
                unit_show("ref ", ref, n);
                unit_show("cut ", out, m);
                return 0;
            }
        }
    }

    every = malloc((len + 1) * sizeof(size_t));
    if (every == NULL) {
        abort();
    }

    for (i = 0; i <= len; i++) {
        every[i] = i;
    }

    m = insert(out, page, len, every, len + 1, &f);
    free(every);

    if (m != n || memcmp(out, ref, n) != 0 || f != found) {
        printf("    byte by byte differs\n");
        unit_show("page", page, len);
        return 0;
    }

    return 1;
}


static void
expect(const char *page, const char *want, int line)
{
    int            found;
    size_t         n, len;
    unsigned char  out[512];

    len = strlen(page);
    n = insert(out, page, len, NULL, 0, &found);

    if (!unit_check_mem(out, n, want, strlen(want), page, __FILE__, line)) {
        return;
    }

    unit_check(found == (strstr(want, TAG) != NULL), "found", __FILE__,
               line);
    unit_check(splits_agree(page, len), "every split agrees", __FILE__, line);
}


#define EXPECT(page, want)  expect(page, want, __LINE__)


static void
test_points(void)
{
    /* the first element inside <head> */
    EXPECT("<!DOCTYPE html><html><head><title>t</title><script>x</script>",
           "<!DOCTYPE html><html><head>[C]<title>t</title>"
           "<script>x</script>");
    EXPECT("<HTML><HEAD lang=\"a>b\" data-x='>'>y",
           "<HTML><HEAD lang=\"a>b\" data-x='>'>[C]y");
    EXPECT("<head/><body>", "<head/>[C]<body>");
    EXPECT("<head\n>x", "<head\n>[C]x");

    /* before the first script, when it comes before any head */
    EXPECT("<!doctype html><script src=a></script><head>",
           "<!doctype html>[C]<script src=a></script><head>");
    EXPECT("x<SCRIPT>y", "x[C]<SCRIPT>y");
    EXPECT("<script/>", "[C]<script/>");
    EXPECT("<script\ttype=module>", "[C]<script\ttype=module>");
    EXPECT("<<script>", "<[C]<script>");

    /* at body start, when the page has neither */
    EXPECT("<html><body class=\"a\"><p>x</p><script>y</script>",
           "<html><body class=\"a\">[C]<p>x</p><script>y</script>");
    EXPECT("<p>x</p><body>y", "<p>x</p><body>[C]y");
}


static void
test_not_points(void)
{
    /* other names: no point, the page as it is */
    EXPECT("<header><scripts><scrip><bodyx><tbody><heads>",
           "<header><scripts><scrip><bodyx><tbody><heads>");

    /* end tags */
    EXPECT("</head></script></body>x", "</head></script></body>x");

    /* comments, raw text, templates, foreign content */
    EXPECT("<!-- <head> <script> --><p>", "<!-- <head> <script> --><p>");
    EXPECT("<title><head></title><head>", "<title><head></title><head>[C]");
    EXPECT("<textarea><script></textarea><script>",
           "<textarea><script></textarea>[C]<script>");
    EXPECT("<noscript><script></noscript>z",
           "<noscript><script></noscript>z");
    EXPECT("<template><head><script></script></template><head>",
           "<template><head><script></script></template><head>[C]");
    EXPECT("<svg><script>a</script></svg><script>",
           "<svg><script>a</script></svg>[C]<script>");
    EXPECT("<math><head></math>", "<math><head></math>");

    /* attributes that look like tags */
    EXPECT("<p title=\"<script>\" data-h='<head>'><script>",
           "<p title=\"<script>\" data-h='<head>'>[C]<script>");

    /* only the first point */
    EXPECT("<head><head><script>", "<head>[C]<head><script>");

    /* nothing at all */
    EXPECT("", "");
    EXPECT("<", "<");
    EXPECT("<scrip", "<scrip");
    EXPECT("<script", "<script");
    EXPECT("plain text", "plain text");
}


/*
 * The contract at a buffer's end: a possible "<script" is held, at most
 * PRIVACY_CONSENT_MODE_HELD_MAX bytes, and comes back in pre (not a
 * script), in post (a script), or from finish().
 */

static void
test_held(void)
{
    size_t                   n;
    privacy_consent_mode_t   m;
    privacy_banner_result_t  r;
    const unsigned char     *held;

    privacy_consent_mode_init(&m);

    privacy_consent_mode_scan(&m, (const unsigned char *) "ab<scr", 6, &r);
    CHECK(!r.found && r.pre_len == 0 && r.pass == 2);
    CHECK(privacy_consent_mode_held(&m) == 4);

    privacy_consent_mode_scan(&m, (const unsigned char *) "ipt", 3, &r);
    CHECK(!r.found && r.pre_len == 0 && r.pass == 0);
    CHECK(privacy_consent_mode_held(&m) == PRIVACY_CONSENT_MODE_HELD_MAX);

    privacy_consent_mode_scan(&m, (const unsigned char *) ">x", 2, &r);
    CHECK(r.found && r.pass == 0 && r.pre_len == 0);
    CHECK(r.post_len == 7 && memcmp(r.post, "<script", 7) == 0);

    privacy_consent_mode_init(&m);

    privacy_consent_mode_scan(&m, (const unsigned char *) "<scr", 4, &r);
    CHECK(!r.found && r.pass == 0);

    privacy_consent_mode_scan(&m, (const unsigned char *) "olly>", 5, &r);
    CHECK(!r.found && r.pre_len == 4 && memcmp(r.pre, "<scr", 4) == 0);
    CHECK(r.pass == 5 && privacy_consent_mode_held(&m) == 0);

    privacy_consent_mode_scan(&m, (const unsigned char *) "<", 1, &r);
    CHECK(!r.found && r.pass == 0);

    n = privacy_consent_mode_finish(&m, &held);
    CHECK(n == 1 && held[0] == '<');

    /* an empty buffer keeps the held bytes */
    privacy_consent_mode_init(&m);
    privacy_consent_mode_scan(&m, (const unsigned char *) "<s", 2, &r);
    privacy_consent_mode_scan(&m, NULL, 0, &r);
    CHECK(!r.found && r.pre_len == 0 && r.pass == 0);
    CHECK(privacy_consent_mode_held(&m) == 2);
}


/*
 * Random pages of the bytes that matter: every split agrees, the tag
 * goes in once at most, and where it goes the page has a point: after
 * "head>"/"body>"-ending tag bytes, or before "<script".
 */

static void
test_random(void)
{
    int             found;
    size_t          i, k, len, n, at;
    unsigned char   out[512];
    char            page[64];
    unsigned        seed;

    static const char  *pieces[] = {
        "<", ">", "/", " ", "\"", "'", "=", "!", "-", "x",
        "<head>", "<body>", "<script>", "</script>", "<template>",
        "</template>", "<svg>", "</svg>", "<!--", "-->", "<title>",
        "</title>", "<scr", "ipt", "<he", "ad "
    };

    seed = 17;

    for (k = 0; k < 3000; k++) {
        len = 0;

        while (len < 40) {
            seed = seed * 1103515245 + 12345;
            i = (seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]));

            if (len + strlen(pieces[i]) >= sizeof(page)) {
                break;
            }

            memcpy(page + len, pieces[i], strlen(pieces[i]));
            len += strlen(pieces[i]);
        }

        page[len] = '\0';

        if (!unit_check(splits_agree(page, len), page, __FILE__, __LINE__)
            || !unit_check(skip_agrees(page, len), page, __FILE__, __LINE__))
        {
            return;
        }

        n = insert(out, page, len, NULL, 0, &found);

        if (!found) {
            unit_check(n == len && memcmp(out, page, len) == 0,
                       "unchanged", __FILE__, __LINE__);
            continue;
        }

        unit_check(n == len + 3, "once", __FILE__, __LINE__);

        /* no piece has a '[' */
        at = (size_t) ((unsigned char *) memchr(out, '[', n) - out);

        unit_check((at > 0 && out[at - 1] == '>')
                   || (len - at >= 8
                       && strncmp(page + at, "<script", 7) == 0),
                   page, __FILE__, __LINE__);
    }
}


/*
 * privacy_banner_skip() at every offset of the page: stepping the bytes
 * it skips leaves the tokenizer as it was, and it stops at one that
 * matters or at the end.
 */

static int
skip_agrees(const char *page, size_t len)
{
    size_t            i, k, n;
    privacy_banner_t  m, t;

    privacy_banner_init(&m, PRIVACY_BANNER_BODY_START);

    for (i = 0; i < len; i++) {
        n = privacy_banner_skip(&m, (const unsigned char *) page + i,
                                len - i);
        t = m;

        for (k = 0; k < n; k++) {
            (void) privacy_banner_step(&t, (unsigned char) page[i + k]);
        }

        if (n > len - i || memcmp(&t, &m, sizeof(privacy_banner_t)) != 0) {
            printf("    skip of %zu at %zu changes the state\n", n, i);
            return 0;
        }

        if (i + n < len) {
            (void) privacy_banner_step(&t, (unsigned char) page[i + n]);
        }

        (void) privacy_banner_step(&m, (unsigned char) page[i]);
    }

    return 1;
}


int
main(void)
{
    test_points();
    test_not_points();
    test_held();
    test_random();

    return unit_done();
}
