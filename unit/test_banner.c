
/*
 * Unit tests: privacy_banner.c
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_banner.h"
#include "privacy_form.h"


#define BANNER  "[B]"
#define START   PRIVACY_BANNER_BODY_START
#define END     PRIVACY_BANNER_BODY_END


static size_t insert(unsigned char *out, const char *page, size_t len,
    int where, const size_t *cuts, size_t ncuts, int *found);
static int splits_agree(const char *page, size_t len, int where,
    int pairs);
static void expect(const char *page, int where, const char *want, int line);
static void test_start(void);
static void test_end(void);
static void test_html_rules(void);
static void test_contract(void);
static void test_run(void);
static size_t run(const char *page, const uint16_t *lens);
static void test_random(void);
static void test_escape(void);
static size_t return_path(unsigned char *out, const unsigned char *uri,
    size_t len, size_t room);
static size_t form_len(const unsigned char *p, size_t len);
static void test_return_path(void);
static void test_return_random(void);


/* into an exactly sized heap buffer: ASan sees any overrun */

static size_t
insert(unsigned char *out, const char *page, size_t len, int where,
    const size_t *cuts, size_t ncuts, int *found)
{
    size_t          n, size;
    unsigned char  *buf;

    size = len + sizeof(BANNER) - 1;
    buf = malloc(size);
    if (buf == NULL) {
        abort();
    }

    n = privacy_banner_insert(buf, (const unsigned char *) page, len, where,
                              (const unsigned char *) BANNER,
                              sizeof(BANNER) - 1, cuts, ncuts, found);
    if (n <= size) {
        memcpy(out, buf, n);
    }

    free(buf);

    return n;
}


/*
 * The page cut once at every offset, twice at every pair of offsets
 * (when asked) and into single bytes gives the one-buffer output.
 */

static int
splits_agree(const char *page, size_t len, int where, int pairs)
{
    int             found, f;
    size_t          n, m, i, j, cuts[2], *every;
    unsigned char   ref[512], out[512];

    n = insert(ref, page, len, where, NULL, 0, &found);

    for (i = 0; i <= len; i++) {
        cuts[0] = i;
        m = insert(out, page, len, where, cuts, 1, &f);

        if (m != n || memcmp(out, ref, n) != 0 || f != found) {
            printf("    one cut at %zu differs\n", i);
            unit_show("page", page, len);
            unit_show("ref ", ref, n);
            unit_show("cut ", out, m);
            return 0;
        }

        for (j = i; pairs && j <= len; j++) {
            cuts[1] = j;
            m = insert(out, page, len, where, cuts, 2, &f);

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

    m = insert(out, page, len, where, every, len + 1, &f);
    free(every);

    if (m != n || memcmp(out, ref, n) != 0 || f != found) {
        printf("    byte by byte differs\n");
        unit_show("page", page, len);
        return 0;
    }

    return 1;
}


static void
expect(const char *page, int where, const char *want, int line)
{
    int            found;
    size_t         n, len;
    unsigned char  out[512];

    len = strlen(page);
    n = insert(out, page, len, where, NULL, 0, &found);

    if (!unit_check_mem(out, n, want, strlen(want), page, __FILE__, line)) {
        return;
    }

    unit_check(found == (strstr(want, BANNER) != NULL), "found flag",
               __FILE__, line);
    unit_check(splits_agree(page, len, where, 1), "splits agree", __FILE__,
               line);
}


#define AT_START(page, want)  expect(page, START, want, __LINE__)
#define AT_END(page, want)    expect(page, END, want, __LINE__)
#define NOT_AT_START(page)    expect(page, START, page, __LINE__)
#define NOT_AT_END(page)      expect(page, END, page, __LINE__)


static void
test_start(void)
{
    AT_START("<html><body>x</body>", "<html><body>[B]x</body>");
    AT_START("<body>", "<body>[B]");
    AT_START("<BODY>x", "<BODY>[B]x");
    AT_START("<bOdY class=a>x", "<bOdY class=a>[B]x");
    AT_START("<body\n  class=\"a\"\r\n\tonload='f()'\n>x",
             "<body\n  class=\"a\"\r\n\tonload='f()'\n>[B]x");
    AT_START("<body/>x", "<body/>[B]x");
    AT_START("<body />x", "<body />[B]x");

    /* a '>' inside a quoted value does not close the tag */
    AT_START("<body data-x=\"a>b\" y='c>d'>x",
             "<body data-x=\"a>b\" y='c>d'>[B]x");
    AT_START("<body a = \">\" b=' \" > '>x", "<body a = \">\" b=' \" > '>[B]x");
    AT_START("<body a=\"x\"b='>'>x", "<body a=\"x\"b='>'>[B]x");

    /* ... but quotes only open a value after '=' (HTML tokenizer) */
    AT_START("<body \"a>x", "<body \"a>[B]x");
    AT_START("<body a\"=\">\">x", "<body a\"=\">\">[B]x");
    AT_START("<body a=b\"c>x", "<body a=b\"c>[B]x");
    AT_START("<body a=b=\"c>x\">", "<body a=b=\"c>[B]x\">");
    AT_START("<body =\">x", "<body =\">[B]x");
    AT_START("<body a= >x", "<body a= >[B]x");
    AT_START("<body a=>x", "<body a=>[B]x");
    AT_START("<body / a / >x", "<body / a / >[B]x");
    AT_START("<a b=\"x\"/><i c='y'/ d=e/><body>x",
             "<a b=\"x\"/><i c='y'/ d=e/><body>[B]x");

    /* names must end at whitespace, '/' or '>' */
    NOT_AT_START("<tbody><bodyx><body-x><bod><bodybody>");
    AT_START("<tbody><bodyx><body>x", "<tbody><bodyx><body>[B]x");
    AT_START("<b><bo><body>", "<b><bo><body>[B]");
    AT_START("<<body>", "<<body>[B]");
    AT_START("< body><body>", "< body><body>[B]");
    NOT_AT_START("</body><body");
    NOT_AT_START("<body");
    NOT_AT_START("<body class=\"x>");
    NOT_AT_START("</body>");

    /* comments, doctype, processing instructions */
    AT_START("<!DOCTYPE html><html><body>", "<!DOCTYPE html><html><body>[B]");
    AT_START("<?xml version=\"1.0\"?><body>",
             "<?xml version=\"1.0\"?><body>[B]");
    AT_START("<!-- <body> --><body>x", "<!-- <body> --><body>[B]x");
    AT_START("<!--<body>-- ><body>--><body>x",
             "<!--<body>-- ><body>--><body>[B]x");
    AT_START("<!----><body>", "<!----><body>[B]");
    AT_START("<!--><body>", "<!--><body>[B]");
    AT_START("<!---><body>", "<!---><body>[B]");
    AT_START("<!-- a --!><body>", "<!-- a --!><body>[B]");
    AT_START("<!-- a ---><body>", "<!-- a ---><body>[B]");
    AT_START("<!-- a <!-- b --><body>", "<!-- a <!-- b --><body>[B]");
    NOT_AT_START("<!--!><body>");
    NOT_AT_START("<!-- -- ><body>");
    NOT_AT_START("<!-- - -><body>");
    NOT_AT_START("<!-- --!x><body>");
    NOT_AT_START("<!-- <body>");
    AT_START("<!-x <body> x><body>", "<!-x <body> x><body>[B]");
    AT_START("<!><body>", "<!><body>[B]");
    AT_START("<!-><body>", "<!-><body>[B]");
    AT_START("</ x><body>", "</ x><body>[B]");
    AT_START("</><body>", "</><body>[B]");

    /* raw text elements hide markup */
    AT_START("<script>var s = \"<body>\";</script><body>",
             "<script>var s = \"<body>\";</script><body>[B]");
    AT_START("<SCRIPT type=x>'<body>'</sCrIpT ><body>",
             "<SCRIPT type=x>'<body>'</sCrIpT ><body>[B]");
    AT_START("<script></scriptx><body></script><body>",
             "<script></scriptx><body></script><body>[B]");
    AT_START("<script><</</s</script/><body>",
             "<script><</</s</script/><body>[B]");
    AT_START("<style>a::after{content:\"<body>\"}</style><body>",
             "<style>a::after{content:\"<body>\"}</style><body>[B]");
    AT_START("<title><body></title><body>", "<title><body></title><body>[B]");
    AT_START("<textarea><body></textarea><body>",
             "<textarea><body></textarea><body>[B]");
    AT_START("<noscript><body></noscript><body>",
             "<noscript><body></noscript><body>[B]");
    AT_START("<script/><body></script><body>",
             "<script/><body></script><body>[B]");
    NOT_AT_START("<script><body>");
    AT_START("<script><!-- </script x=\"\"><body>",
             "<script><!-- </script x=\"\"><body>[B]");
    AT_START("</script><body>", "</script><body>[B]");
    AT_START("<scripts><body>", "<scripts><body>[B]");
    AT_START("<textareas><body>", "<textareas><body>[B]");

    /* only the first body */
    AT_START("<body><body>", "<body>[B]<body>");
    AT_START("<body class=a><body class=b>", "<body class=a>[B]<body class=b>");
}


static void
test_end(void)
{
    AT_END("<body>x</body></html>", "<body>x[B]</body></html>");
    AT_END("</body>", "[B]</body>");
    AT_END("x</BODY >", "x[B]</BODY >");
    AT_END("x</Body\n>", "x[B]</Body\n>");
    AT_END("x</body/>", "x[B]</body/>");
    AT_END("x</body", "x</body");
    AT_END("x</body ", "x[B]</body ");
    AT_END("</body></body>", "[B]</body></body>");
    AT_END("<</body>", "<[B]</body>");
    AT_END("<<</body>", "<<[B]</body>");
    /* "</" + a non-letter is a bogus comment up to '>', as in browsers;
     * a '<' is a tag name byte */
    NOT_AT_END("</</body>");
    NOT_AT_END("</b</body>");
    NOT_AT_END("</bo</body>");
    NOT_AT_END("</bod</body>");
    AT_END("</<x></body>", "</<x>[B]</body>");
    AT_END("</b<x></body>", "</b<x>[B]</body>");
    AT_END("</body</body>", "</body</body>");
    AT_END("</bodyx></tbody></body>", "</bodyx></tbody>[B]</body>");
    AT_END("</ body></body>", "</ body>[B]</body>");
    AT_END("<body>", "<body>");

    NOT_AT_END("");
    NOT_AT_END("<");
    NOT_AT_END("</");
    NOT_AT_END("</b");
    NOT_AT_END("</bo");
    NOT_AT_END("</bod");
    NOT_AT_END("</body");
    NOT_AT_END("x</bodyx>");
    NOT_AT_END("<body></tbody></bodies>");

    /* a </body> hidden in a comment, a script, a tag's attribute */
    AT_END("<!-- </body> --></body>", "<!-- </body> -->[B]</body>");
    AT_END("<script>document.write(\"</body>\")</script></body>",
           "<script>document.write(\"</body>\")</script>[B]</body>");
    AT_END("<a title=\"</body>\"></a></body>",
           "<a title=\"</body>\"></a>[B]</body>");
    AT_END("<a b='</body>'></body>", "<a b='</body>'>[B]</body>");
    NOT_AT_END("<p x=\"</body>");
    NOT_AT_END("<!-- </body>");
    NOT_AT_END("<style></body>");
    AT_END("<style></style </body>></body>",
           "<style></style </body>>[B]</body>");
}


/* the tokenizer and tree rules the first version did not model */

static void
test_html_rules(void)
{
    /* "<!--<script>" in a script: a nested </script> does not end it */
    AT_START("<script><!--\ndocument.write(\"<script src=a.js></script>"
             "<body class=x>\");\n//--></script><body>",
             "<script><!--\ndocument.write(\"<script src=a.js></script>"
             "<body class=x>\");\n//--></script><body>[B]");
    AT_END("<script><!--<SCRIPT></body></script>--></script></body>",
           "<script><!--<SCRIPT></body></script>--></script>[B]</body>");
    AT_END("<script><!--<script></body></script>--></script>x</body>",
           "<script><!--<script></body></script>--></script>x[B]</body>");
    AT_START("<script><!--<script>--></script><body>",
             "<script><!--<script>--></script><body>[B]");
    AT_START("<script><!--<scripts></script><body>",
             "<script><!--<scripts></script><body>[B]");
    AT_START("<script><!--<script></script ><body>--></script><body>",
             "<script><!--<script></script ><body>--></script><body>[B]");
    AT_START("<script><!--<script></scriptx><body>--></script><body>",
             "<script><!--<script></scriptx><body>--></script><body>[B]");
    AT_START("<script><!-><script></script><body>",
             "<script><!-><script></script><body>[B]");
    AT_START("<script><!--><script></script><body>",
             "<script><!--><script></script><body>[B]");
    AT_START("<script><!---<script>---></script><body>",
             "<script><!---<script>---></script><body>[B]");
    AT_START("<style><!--<script></style><body>",
             "<style><!--<script></style><body>[B]");
    NOT_AT_START("<script><!--<script></script><body>");
    NOT_AT_START("<script><!--<script/></script><body>");

    /* <template> contents are never live */
    AT_START("<template><body></template><body>",
             "<template><body></template><body>[B]");
    AT_START("<TEMPLATE a=b><template></template><body></template><body>",
             "<TEMPLATE a=b><template></template><body></template><body>[B]");
    AT_END("<template></body></template></body>",
           "<template></body></template>[B]</body>");
    AT_START("</template><body>", "</template><body>[B]");
    AT_START("<templates><body>", "<templates><body>[B]");
    NOT_AT_START("<template><body>");
    NOT_AT_END("<template><p></body>");

    /* CDATA in svg and math ends at "]]>" */
    AT_START("<svg><![CDATA[ > <body> ]]></svg><body>",
             "<svg><![CDATA[ > <body> ]]></svg><body>[B]");
    AT_END("<math><![CDATA[</body>]]></math></body>",
           "<math><![CDATA[</body>]]></math>[B]</body>");
    AT_START("<svg><![CDATA[ ] ]] ]]]><body>",
             "<svg><![CDATA[ ] ]] ]]]><body>[B]");
    AT_START("<svg / ><![CDATA[><body>]]></svg><body>",
             "<svg / ><![CDATA[><body>]]></svg><body>[B]");
    AT_START("<svg><svg></svg><![CDATA[><body>]]><body>",
             "<svg><svg></svg><![CDATA[><body>]]><body>[B]");
    NOT_AT_START("<svg a=b/><![CDATA[ x><body>");
    NOT_AT_START("<svg><![CDATA[ x><body>");
    /* outside foreign content it is a bogus comment up to '>' */
    AT_START("<![CDATA[ x><body>", "<![CDATA[ x><body>[B]");
    AT_START("<svg/><![CDATA[ x><body>", "<svg/><![CDATA[ x><body>[B]");
    AT_START("<svg></svg><![CDATA[ x><body>",
             "<svg></svg><![CDATA[ x><body>[B]");
    AT_START("<svg><![cdata[ x><body>", "<svg><![cdata[ x><body>[B]");
    AT_START("<svg><![CDAT><body>", "<svg><![CDAT><body>[B]");
    /* an HTML start tag such as <p> leaves foreign content */
    AT_START("<svg><p><![CDATA[ x><body>", "<svg><p><![CDATA[ x><body>[B]");
    /* in svg, title and style are not raw text */
    AT_START("<svg><title></svg><body>", "<svg><title></svg><body>[B]");
    AT_START("<math><style></math><body>", "<math><style></math><body>[B]");

    /* after <plaintext> nothing is a tag */
    NOT_AT_START("<plaintext><body>");
    NOT_AT_START("<PLAINTEXT a='>'></plaintext><body>");
    NOT_AT_END("<plaintext></plaintext></body>");
    AT_START("</plaintext><body>", "</plaintext><body>[B]");
    AT_START("<svg><plaintext></svg><body>",
             "<svg><plaintext></svg><body>[B]");
    AT_START("<plaintexts><body>", "<plaintexts><body>[B]");
}


/* the result fields, call by call, as the header's examples say */

static void
test_contract(void)
{
    size_t                   n;
    privacy_banner_t         m;
    privacy_banner_result_t  r;
    const unsigned char     *held;

    privacy_banner_init(&m, END);

    privacy_banner_scan(&m, S("<p>x</bo"), &r);
    CHECK(r.pre_len == 0 && r.pass == 4 && !r.found);

    privacy_banner_scan(&m, S("dy></html>"), &r);
    CHECK(r.pre_len == 0 && r.pass == 0 && r.found);
    CHECK_STR(r.post, r.post_len, "</bo");

    /* done: everything passes */
    privacy_banner_scan(&m, S("</body>"), &r);
    CHECK(r.pre_len == 0 && r.pass == 7 && !r.found && r.post_len == 0);
    n = privacy_banner_finish(&m, &held);
    CHECK_INT(n, 0);

    privacy_banner_init(&m, END);
    privacy_banner_scan(&m, S("<p>x</bo"), &r);
    privacy_banner_scan(&m, S("ld>y"), &r);
    CHECK_STR(r.pre, r.pre_len, "</bo");
    CHECK(r.pass == 4 && !r.found);

    /* held bytes grow across buffers, and an empty buffer changes nothing */
    privacy_banner_init(&m, END);
    privacy_banner_scan(&m, S("a<"), &r);
    CHECK(r.pre_len == 0 && r.pass == 1 && !r.found);
    privacy_banner_scan(&m, S("/"), &r);
    CHECK(r.pre_len == 0 && r.pass == 0 && !r.found);
    privacy_banner_scan(&m, S(""), &r);
    CHECK(r.pre_len == 0 && r.pass == 0 && !r.found);
    privacy_banner_scan(&m, NULL, 0, &r);
    CHECK(r.pre_len == 0 && r.pass == 0 && !r.found && r.post_len == 0);
    privacy_banner_scan(&m, S("bod"), &r);
    CHECK(r.pre_len == 0 && r.pass == 0 && !r.found);
    privacy_banner_scan(&m, S("y"), &r);
    CHECK(r.pre_len == 0 && r.pass == 0 && !r.found);

    n = privacy_banner_finish(&m, &held);
    CHECK_STR(held, n, "</body");

    /* released held bytes come before a new candidate in the same buffer */
    privacy_banner_init(&m, END);
    privacy_banner_scan(&m, S("</b"), &r);
    CHECK(r.pass == 0 && !r.found);
    privacy_banner_scan(&m, S("r><p></bo"), &r);
    CHECK_STR(r.pre, r.pre_len, "</b");
    CHECK(r.pass == 5 && !r.found);
    privacy_banner_scan(&m, S("dy>"), &r);
    CHECK(r.pre_len == 0 && r.pass == 0 && r.found);
    CHECK_STR(r.post, r.post_len, "</bo");

    /* ... and before the banner when the match is in this buffer */
    privacy_banner_init(&m, END);
    privacy_banner_scan(&m, S("</b"), &r);
    privacy_banner_scan(&m, S("r></body>"), &r);
    CHECK_STR(r.pre, r.pre_len, "</b");
    CHECK(r.pass == 2 && r.found && r.post_len == 0);

    /* BODY_START never holds anything */
    privacy_banner_init(&m, START);
    privacy_banner_scan(&m, S("<bo"), &r);
    CHECK(r.pre_len == 0 && r.pass == 3 && !r.found);
    privacy_banner_scan(&m, S("dy a='>'"), &r);
    CHECK(r.pre_len == 0 && r.pass == 8 && !r.found);
    privacy_banner_scan(&m, S(">x"), &r);
    CHECK(r.pre_len == 0 && r.pass == 1 && r.found && r.post_len == 0);
    n = privacy_banner_finish(&m, &held);
    CHECK_INT(n, 0);

    /* an unknown "where" is BODY_START */
    privacy_banner_init(&m, 7);
    privacy_banner_scan(&m, S("<body>"), &r);
    CHECK(r.found && r.pass == 6);
}


/*
 * Pages made of markup fragments at random: every cut agrees with one
 * buffer, the output is the page with the banner inserted once at most,
 * and the matcher never holds more than PRIVACY_BANNER_HELD_MAX bytes.
 */

/*
 * privacy_banner_run() stops after the first '<' that opens a start tag
 * whose name's first letter and length lens wants, or that ends the bytes
 */

static size_t
run(const char *page, const uint16_t *lens)
{
    size_t            n;
    privacy_banner_t  m;

    privacy_banner_init(&m, PRIVACY_BANNER_TOKENS);
    n = privacy_banner_run(&m, (const unsigned char *) page, strlen(page),
                           lens);

    if (n < strlen(page)) {
        CHECK_INT(privacy_banner_tag_state(&m), PRIVACY_BANNER_TAG_LT);
    }

    return n;
}


static void
test_run(void)
{
    static const uint16_t  link[26] = { ['l' - 'a'] = 1 << 4 };
    static const uint16_t  longer[26] = { ['l' - 'a'] = 1 << 15 };
    static const uint16_t  none[26] = { 0 };

    /* <li> and <label> pass, <LINK> stops (long pages: the fast scan) */
    CHECK_INT(run("<li><label for=x>y</label></li><LINK href=/a>", link),
              32);
    CHECK_INT(run("<li class=\"a\">x</li>\n<p>text text text</p>"
                  "<link\trel=preload>", link), 43);
    CHECK_INT(run("<li><link/>", link), 5);
    CHECK_INT(run("<li><link>", link), 5);
    CHECK_INT(run("<li><lin", link), 5);
    CHECK_INT(run("<li><", link), 5);
    CHECK_INT(run("<li></link><links><lnk>", link), 23);
    CHECK_INT(run("<l123456789012345678>", longer), 1);
    CHECK_INT(run("<l1234567890123>", longer), 16);
    CHECK_INT(run("<!-- <link> --><p title='<link>'>", link), 33);
    CHECK_INT(run("<style><link></style><textarea><link>", link), 37);
    CHECK_INT(run("<link><li>", none), 10);
}


static void
test_random(void)
{
    int                      where, ok, found;
    char                     page[200];
    size_t                   len, i, k, n, pos;
    unsigned                 seed;
    unsigned char            out[512];
    privacy_banner_t         m;
    privacy_banner_result_t  r;
    static const char       *frag[] = {
        "<", "</", "body", "BODY", "Body", ">", "\"", "'", "=", " ", "\n",
        "<!--", "-->", "-", "!", "x", "/", "tbody", "<body>", "</body>",
        "script", "<script>", "</script>", "<style>", "</style", "a", "<!",
        "?", "--!>", "bo", "dy", "<body", "</body", " a=\"", "\">"
    };

    seed = 12345;
    ok = 1;

    for (i = 0; ok && i < 3000; i++) {
        len = 0;

        while (len < 60) {
            seed = seed * 1103515245 + 12345;
            k = (seed >> 16) % (sizeof(frag) / sizeof(frag[0]));
            memcpy(page + len, frag[k], strlen(frag[k]));
            len += strlen(frag[k]);
        }

        for (where = START; ok && where <= END; where++) {

            if (!splits_agree(page, len, where, i < 200)) {
                ok = 0;
                break;
            }

            n = insert(out, page, len, where, NULL, 0, &found);

            if (!found) {
                ok = n == len && memcmp(out, page, len) == 0;
                continue;
            }

            /* the page around one banner */
            for (pos = 0; pos + 3 <= n; pos++) {
                if (memcmp(out + pos, BANNER, 3) == 0) {
                    break;
                }
            }

            ok = n == len + 3
                 && memcmp(out, page, pos) == 0
                 && memcmp(out + pos + 3, page + pos, len - pos) == 0;

            if (where == END) {
                ok = ok && memcmp(page + pos, "</", 2) == 0;

            } else {
                ok = ok && page[pos - 1] == '>';
            }

            if (!ok) {
                unit_show("page", page, len);
                unit_show("out ", out, n);
            }
        }

        /* byte by byte, the held bytes stay within bounds */
        privacy_banner_init(&m, END);

        for (k = 0; ok && k < len; k++) {
            privacy_banner_scan(&m, (const unsigned char *) page + k, 1, &r);
            ok = r.pre_len <= PRIVACY_BANNER_HELD_MAX
                 && r.post_len <= PRIVACY_BANNER_HELD_MAX;
        }
    }

    CHECK(ok);
}


static void
test_escape(void)
{
    size_t         n;
    unsigned char  out[128];

#define ESC(fn, in, want)                                                    \
    n = fn(NULL, S(in));                                                     \
    CHECK_INT(n, sizeof(want) - 1);                                          \
    memset(out, '#', sizeof(out));                                           \
    CHECK_INT(fn(out, S(in)), n);                                            \
    CHECK_STR(out, n, want);                                                 \
    CHECK(out[n] == '#')

    ESC(privacy_html_escape, "", "");
    ESC(privacy_html_escape, "plain text", "plain text");
    ESC(privacy_html_escape, "a&b<c>d\"e'f",
        "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    ESC(privacy_html_escape, "<<>>", "&lt;&lt;&gt;&gt;");
    ESC(privacy_html_escape, "\xc3\xa9\x00\x01", "\xc3\xa9\x00\x01");

    ESC(privacy_json_escape, "", "");
    ESC(privacy_json_escape, "plain 'text'", "plain 'text'");
    ESC(privacy_json_escape, "a\"b\\c", "a\\\"b\\\\c");
    ESC(privacy_json_escape, "\n\t\x01\x1f\x7f\x00",
        "\\u000a\\u0009\\u0001\\u001f\\u007f\\u0000");
    ESC(privacy_json_escape, "</script>&", "\\u003c/script\\u003e\\u0026");
    ESC(privacy_json_escape, "\xc3\xa9\xe2\x80\xa8", "\xc3\xa9\xe2\x80\xa8");

#undef ESC
}


/* into an exactly sized heap buffer: ASan sees any overrun */

static size_t
return_path(unsigned char *out, const unsigned char *uri, size_t len,
    size_t room)
{
    size_t          n;
    unsigned char  *buf, *in;

    buf = malloc(PRIVACY_RETURN_PATH_MAX);
    in = malloc(len ? len : 1);
    if (buf == NULL || in == NULL) {
        abort();
    }

    if (len) {
        memcpy(in, uri, len);
    }

    n = privacy_banner_return_path(buf, in, len, room);

    if (n <= PRIVACY_RETURN_PATH_MAX) {
        memcpy(out, buf, n);
    }

    free(in);
    free(buf);

    return n;
}


/* the form encoding's length, as browsers encode: written independently */

static size_t
form_len(const unsigned char *p, size_t len)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < len; i++) {
        n += strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789*-._", p[i]) && p[i] ? 1 : 3;
    }

    return n;
}


static void
test_return_path(void)
{
    size_t         n, i;
    unsigned char  uri[3 * PRIVACY_RETURN_PATH_MAX], out[4096];

#define RET(in, room, want)                                                  \
    n = return_path(out, S(in), room);                                       \
    CHECK_STR(out, n, want);                                                 \
    CHECK(privacy_return_path_ok(out, n))

    RET("/", 4096, "/");
    RET("", 4096, "/");
    RET("*", 4096, "/");
    RET("http://example.com/x", 4096, "/");
    RET("/page?a=1&b=2", 4096, "/page?a=1&b=2");
    RET("/page?", 4096, "/page?");
    RET("/?", 4096, "/?");
    RET("/a#frag", 4096, "/a#frag");
    RET("/x?q=%41+%zz", 4096, "/x?q=%41+%zz");
    RET("/a\"<b>'&c", 4096, "/a\"<b>'&c");

    /* another origin to a browser: the slashes made one */
    RET("//evil.example/x", 4096, "/evil.example/x");
    RET("////evil.example", 4096, "/evil.example");
    RET("//", 4096, "/");
    RET("/\\evil.example", 4096, "/%5Cevil.example");
    RET("//\\evil.example", 4096, "/%5Cevil.example");

    /* what the endpoint refuses is %-escaped: the same page */
    RET("/caf\xc3\xa9 x\x01\x7f\t", 4096, "/caf%C3%A9%20x%01%7F%09");
    RET("/a?b\r\nSet-Cookie: x", 4096, "/a?b%0D%0ASet-Cookie:%20x");
    RET("/\x00x", 4096, "/%00x");
    RET("/\xff", 4096, "/%FF");

    /* the form encoding against room: "/p?q=" takes 11 bytes, '/' 3 */
    RET("/p?q=//////////", 41, "/p?q=//////////");
    RET("/p?q=///////////", 41, "/p");
    RET("/p?q=a", 11 + 1, "/p?q=a");
    RET("/p?q=a", 11, "/p");
    RET("/pp", 5, "/pp");
    RET("/pp?", 5, "/pp");
    RET("/ppp", 5, "/");
    RET("/\xc3\xa9", 13, "/%C3%A9");
    RET("/\xc3\xa9", 12, "/");

    /* PRIVACY_RETURN_PATH_MAX bytes, escaped: the query, then the path */
    uri[0] = '/';
    memset(uri + 1, 'a', PRIVACY_RETURN_PATH_MAX - 1);
    n = return_path(out, uri, PRIVACY_RETURN_PATH_MAX, 4096);
    CHECK_MEM(out, n, uri, PRIVACY_RETURN_PATH_MAX);

    n = return_path(out, uri, PRIVACY_RETURN_PATH_MAX + 1, 4096);
    CHECK_STR(out, n, "/");

    uri[10] = '?';
    n = return_path(out, uri, PRIVACY_RETURN_PATH_MAX + 1, 4096);
    CHECK_MEM(out, n, uri, 10);

    /* one byte that becomes three at the very end */
    uri[PRIVACY_RETURN_PATH_MAX - 3] = 0x80;
    n = return_path(out, uri, PRIVACY_RETURN_PATH_MAX - 2, 4096);
    CHECK_INT(n, PRIVACY_RETURN_PATH_MAX);
    CHECK_STR(out + n - 3, 3, "%80");

    n = return_path(out, uri, PRIVACY_RETURN_PATH_MAX - 1, 4096);
    CHECK_MEM(out, n, uri, 10);

    /* the longest uri: every byte escaped */
    uri[0] = '/';

    for (i = 1; i < sizeof(uri); i++) {
        uri[i] = (unsigned char) (0x80 + i % 0x80);
    }

    n = return_path(out, uri, sizeof(uri), 4096);
    CHECK_STR(out, n, "/");

#undef RET
}


/*
 * Targets of random bytes, '/', '?' and '%' at random lengths and rooms:
 * what comes out is accepted by the endpoint, fits, and is the escaped
 * target, its escaped path or "/".
 */

static void
test_return_random(void)
{
    int            ok;
    size_t         i, j, len, n, room, k;
    unsigned       seed;
    unsigned char  uri[2600], out[PRIVACY_RETURN_PATH_MAX], want[8000];
    unsigned char  *q;

    static const unsigned char  pick[] = "//??%a\\\x80 \"&";

    seed = 4242;
    ok = 1;

    for (i = 0; ok && i < 3000; i++) {
        seed = seed * 1103515245 + 12345;
        len = (seed >> 16) % sizeof(uri);
        seed = seed * 1103515245 + 12345;
        room = 3 + (seed >> 16) % 5000;

        for (j = 0; j < len; j++) {
            seed = seed * 1103515245 + 12345;
            k = (seed >> 16) % 40;
            uri[j] = k < sizeof(pick) - 1 ? pick[k]
                                          : (unsigned char) (seed >> 8);
        }

        if (len && (seed & 0x100)) {
            uri[0] = '/';
        }

        n = return_path(out, uri, len, room);

        ok = n >= 1 && n <= PRIVACY_RETURN_PATH_MAX
             && privacy_return_path_ok(out, n)
             && (form_len(out, n) <= room || n == 1);

        /* the same as escaping by hand the target, then its path */
        if (ok && !(n == 1 && out[0] == '/')) {
            j = 0;

            while (j < len && uri[j] == '/') {
                j++;
            }

            k = 1;
            want[0] = '/';

            for ( /* void */ ; j < len; j++) {
                if (uri[j] <= 0x20 || uri[j] >= 0x7f || uri[j] == '\\') {
                    k += sprintf((char *) want + k, "%%%02X", uri[j]);

                } else {
                    want[k++] = uri[j];
                }
            }

            q = memchr(want, '?', k);

            ok = (n == k || (q && n == (size_t) (q - want)))
                 && memcmp(out, want, n) == 0;
        }

        if (!ok) {
            unit_show("uri", uri, len);
            unit_show("got", out, n);
        }
    }

    CHECK(ok);
}


int
main(void)
{
    test_start();
    test_end();
    test_html_rules();
    test_contract();
    test_run();
    test_random();
    test_escape();
    test_return_path();
    test_return_random();

    return unit_done();
}
