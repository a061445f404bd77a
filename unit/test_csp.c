
/*
 * Unit tests: privacy_csp.c
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_csp.h"


typedef struct {
    int    n;
    char   blocked[4][64];
    char   directive[4][64];
    char   document[4][64];
    int    truncated[4];
} seen_t;


static void source(const char *s, int ok, int line);
static void test_source(void);
static void test_escape(void);
static void test_directive(void);
static void host(const char *url, int truncated, const char *want,
    const char *path, int line);
static void test_host(void);
static void collect(void *data, const privacy_csp_report_t *r);
static int reports(const char *body, size_t len, seen_t *seen);
static void test_reports(void);
static void test_hostile(void);


static void
source(const char *s, int ok, int line)
{
    int          rc;
    const char  *err;

    rc = privacy_csp_source((const unsigned char *) s, strlen(s), &err);

    if (!unit_check((rc == 0) == ok, s, __FILE__, line)) {
        printf("    err: %s\n", err ? err : "(none)");
    }

    unit_check(ok || err != NULL, "an error says why", __FILE__, line);
}


static void
test_source(void)
{
    source("'self'", 1, __LINE__);
    source("'SELF'", 1, __LINE__);
    source("'unsafe-inline'", 1, __LINE__);
    source("'unsafe-eval'", 1, __LINE__);
    source("'wasm-unsafe-eval'", 1, __LINE__);
    source("'nonce-abc123=='", 1, __LINE__);
    source("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='", 1,
           __LINE__);
    source("'sha512-a_b-c'", 1, __LINE__);
    source("https:", 1, __LINE__);
    source("data:", 1, __LINE__);
    source("blob:", 1, __LINE__);
    source("*", 1, __LINE__);
    source("example.com", 1, __LINE__);
    source("*.example.com", 1, __LINE__);
    source("https://*.example.com:443/path/", 1, __LINE__);
    source("https://cdn.example.com:*", 1, __LINE__);
    source("cdn.example.com/js/app.js", 1, __LINE__);
    source("example.com.", 1, __LINE__);

    source("", 0, __LINE__);
    source("self", 0, __LINE__);           /* nginx unquoted 'self' */
    source("SELF", 0, __LINE__);
    source("unsafe-inline", 0, __LINE__);
    source("none", 0, __LINE__);
    source("sha256-abc", 0, __LINE__);
    source("nonce-abc", 0, __LINE__);
    source("selfie.example", 1, __LINE__);
    source("self.example", 1, __LINE__);
    source("'self", 0, __LINE__);
    source("'none'", 0, __LINE__);
    source("'strict-dynamic'", 0, __LINE__);
    source("'unsafe-whatever'", 0, __LINE__);
    source("'nonce-'", 0, __LINE__);
    source("'sha256-ab!c'", 0, __LINE__);
    source("'sha256-==='", 0, __LINE__);
    source("'sha1-abc'", 0, __LINE__);
    source("https:/example.com", 0, __LINE__);
    source("https://", 0, __LINE__);
    source("ex..ample.com", 0, __LINE__);
    source(".example.com", 0, __LINE__);
    source("ex*ample.com", 0, __LINE__);
    source("a.*.example.com", 0, __LINE__);
    source("example.com:", 1, __LINE__);   /* a scheme, by the grammar */
    source("example.com:x", 0, __LINE__);
    source("example.com:123456", 0, __LINE__);
    source("example.com:80x", 0, __LINE__);
    source("example.com/a;b", 0, __LINE__);
    source("example.com/a,b", 0, __LINE__);
    source("example.com/a\"b", 0, __LINE__);
    source("example.com/a\xc3\xa9", 0, __LINE__);
    source("example.com;script-src", 0, __LINE__);
    source("exa mple.com", 0, __LINE__);
    source("exa\r\nmple.com", 0, __LINE__);
    source("1https:", 0, __LINE__);
}


static void
test_escape(void)
{
    size_t         n;
    unsigned char  buf[64];

    n = privacy_csp_escape(buf, S("https://www.youtube.com/embed/"));
    CHECK_STR(buf, n, "https://www.youtube.com/embed/");

    n = privacy_csp_escape(buf, S("x.example/a;b,c d'\"\x7f\\/"));
    CHECK_STR(buf, n, "x.example/a%3Bb%2Cc%20d%27%22%7F%5C/");

    CHECK_INT(privacy_csp_escape(buf, S("")), 0);
}


static void
test_directive(void)
{
    CHECK_INT(privacy_csp_directive(S("script-src-elem")),
              PRIVACY_CSP_SCRIPT_SRC_ELEM);
    CHECK_INT(privacy_csp_directive(S("IMG-SRC")), PRIVACY_CSP_IMG_SRC);
    CHECK_INT(privacy_csp_directive(S("img-src 'self' https://a")),
              PRIVACY_CSP_IMG_SRC);
    CHECK_INT(privacy_csp_directive(S("connect-src")),
              PRIVACY_CSP_CONNECT_SRC);
    CHECK_INT(privacy_csp_directive(S("img-srcx")), PRIVACY_CSP_OTHER);
    CHECK_INT(privacy_csp_directive(S("other")), PRIVACY_CSP_OTHER);
    CHECK_INT(privacy_csp_directive(S("")), PRIVACY_CSP_OTHER);
}


static void
host(const char *url, int truncated, const char *want, const char *path,
    int line)
{
    int                 rc;
    privacy_csp_host_t  h;

    rc = privacy_csp_host((const unsigned char *) url, strlen(url),
                          truncated, &h);

    if (want == NULL) {
        unit_check(rc == -1, url, __FILE__, line);
        return;
    }

    if (!unit_check(rc == 0, url, __FILE__, line)) {
        return;
    }

    unit_check_mem(h.host, h.host_len, want, strlen(want), url, __FILE__,
                   line);
    unit_check_mem(h.path, h.path_len, path, strlen(path), url, __FILE__,
                   line);
}


static void
test_host(void)
{
    host("https://www.Google-Analytics.com/g/collect?v=2&tid=G-1", 0,
         "www.google-analytics.com", "/g/collect", __LINE__);
    host("https://connect.facebook.net", 0, "connect.facebook.net", "",
         __LINE__);
    host("http://user:pw@x.example:80/a#f", 0, "x.example", "/a",
         __LINE__);
    host("https://x.example:443/", 0, "x.example", "/", __LINE__);
    host("https://x.example:8443/", 0, "x.example:8443", "/", __LINE__);
    host("http://x.example:443/", 0, "x.example:443", "/", __LINE__);
    host("wss://rt.example./s", 0, "rt.example", "/s", __LINE__);
    host("HTTPS://[2001:DB8::1]:8443/x", 0, "[2001:db8::1]:8443", "/x",
         __LINE__);
    host("https://x.example?q", 0, "x.example", "", __LINE__);
    host("https://x.example/a", 1, "x.example", "/a", __LINE__);

    host("https://x.exam", 1, NULL, NULL, __LINE__);
    host("inline", 0, NULL, NULL, __LINE__);
    host("eval", 0, NULL, NULL, __LINE__);
    host("data", 0, NULL, NULL, __LINE__);
    host("data:image/png;base64,AAAA", 0, NULL, NULL, __LINE__);
    host("blob:https://x.example/uuid", 0, NULL, NULL, __LINE__);
    host("/relative", 0, NULL, NULL, __LINE__);
    host("//x.example/a", 0, NULL, NULL, __LINE__);
    host("https://", 0, NULL, NULL, __LINE__);
    host("https:///a", 0, NULL, NULL, __LINE__);
    host("https://x..example/", 0, NULL, NULL, __LINE__);
    host("https://.x.example/", 0, NULL, NULL, __LINE__);
    host("https://x_y.example/", 0, NULL, NULL, __LINE__);
    host("https://x.example:99999/", 0, NULL, NULL, __LINE__);
    host("https://x.example:1a/", 0, NULL, NULL, __LINE__);
    host("https://[zz::1]/", 0, NULL, NULL, __LINE__);
    host("https://[::1/", 0, NULL, NULL, __LINE__);
    host("https://x\"y.example/", 0, NULL, NULL, __LINE__);
}


static void
copy(char *dst, const unsigned char *s, size_t len)
{
    if (len > 63) {
        len = 63;
    }

    memcpy(dst, s, len);
    dst[len] = '\0';
}


static void
collect(void *data, const privacy_csp_report_t *r)
{
    seen_t  *seen = data;

    if (seen->n < 4) {
        copy(seen->blocked[seen->n], r->blocked.value,
             r->blocked.set ? r->blocked.len : 0);
        copy(seen->directive[seen->n],
             r->effective.set ? r->effective.value : r->violated.value,
             r->effective.set ? r->effective.len
                              : (r->violated.set ? r->violated.len : 0));
        copy(seen->document[seen->n], r->document.value,
             r->document.set ? r->document.len : 0);
        seen->truncated[seen->n] = r->blocked.truncated;
    }

    seen->n++;
}


/* the body in an exactly sized heap copy: ASan sees a read past it */

static int
reports(const char *body, size_t len, seen_t *seen)
{
    int                    rc;
    unsigned char         *copy;
    privacy_csp_report_t  *work;

    copy = malloc(len ? len : 1);
    work = malloc(sizeof(privacy_csp_report_t));
    if (copy == NULL || work == NULL) {
        abort();
    }

    memcpy(copy, body, len);
    memset(seen, 0, sizeof(seen_t));

    rc = privacy_csp_reports(copy, len, work, collect, seen);

    free(work);
    free(copy);

    return rc;
}

#define REPORTS(lit, seen)  reports(lit, sizeof(lit) - 1, seen)


static void
test_reports(void)
{
    seen_t  seen;

    CHECK_INT(REPORTS("{\"csp-report\": {"
                      "\"document-uri\": \"https://site.example/p?x=1\","
                      "\"referrer\": \"\","
                      "\"violated-directive\": \"img-src 'self'\","
                      "\"effective-directive\": \"img-src\","
                      "\"original-policy\": \"img-src 'self'; report-uri /r\","
                      "\"blocked-uri\": \"https:\\/\\/px.example\\/t.gif\","
                      "\"status-code\": 200, \"line-number\": 12.5e+1,"
                      "\"disposition\": \"report\", \"x\": [null, true]}}",
                      &seen), 1);
    CHECK_INT(seen.n, 1);
    CHECK(strcmp(seen.blocked[0], "https://px.example/t.gif") == 0);
    CHECK(strcmp(seen.directive[0], "img-src") == 0);
    CHECK(strcmp(seen.document[0], "https://site.example/p?x=1") == 0);

    /* CSP2 without effective-directive: the violated one */
    CHECK_INT(REPORTS("{\"csp-report\":{\"blocked-uri\":\"https://a.example\","
                      "\"violated-directive\":\"script-src 'self'\"}}",
                      &seen), 1);
    CHECK(strcmp(seen.directive[0], "script-src 'self'") == 0);

    /* the Reporting API: other types skipped, keys in any order */
    CHECK_INT(REPORTS("[{\"age\":10,\"body\":{\"blockedURL\":"
                      "\"https://www.googletagmanager.com/gtag/js?id=G\","
                      "\"documentURL\":\"https://site.example/\","
                      "\"effectiveDirective\":\"script-src-elem\","
                      "\"disposition\":\"enforce\"},"
                      "\"type\":\"csp-violation\","
                      "\"url\":\"https://site.example/\","
                      "\"user_agent\":\"UA\"},"
                      "{\"type\":\"deprecation\",\"body\":{\"blockedURL\":"
                      "\"https://no.example/\"}},"
                      "{\"type\":\"csp-violation\",\"url\":\"https://s/\","
                      "\"body\":{\"blockedURL\":\"inline\","
                      "\"effectiveDirective\":\"script-src-elem\"}}]",
                      &seen), 2);
    CHECK(strcmp(seen.blocked[0],
                 "https://www.googletagmanager.com/gtag/js?id=G") == 0);
    CHECK(strcmp(seen.directive[0], "script-src-elem") == 0);
    CHECK(strcmp(seen.blocked[1], "inline") == 0);
    CHECK(strcmp(seen.document[1], "https://s/") == 0);

    /* the first of a key given twice; a non-string field is absent */
    CHECK_INT(REPORTS("{\"csp-report\":{\"blocked-uri\":1,"
                      "\"blocked-uri\":\"https://first.example\","
                      "\"blocked-uri\":\"https://second.example\"},"
                      "\"csp-report\":{\"blocked-uri\":\"https://x\"}}",
                      &seen), 1);
    CHECK(strcmp(seen.blocked[0], "https://first.example") == 0);

    /* escapes: \u, surrogate pairs, lone surrogates as U+FFFD */
    CHECK_INT(REPORTS("{\"csp-report\":{\"blocked-uri\":"
                      "\"https://a\\u002Eexample/"
                      "\\ud83d\\ude00\\ud800x\\\"\"}}",
                      &seen), 1);
    CHECK(strcmp(seen.blocked[0],
                 "https://a.example/\xf0\x9f\x98\x80\xef\xbf\xbdx\"") == 0);

    /* valid JSON, no report */
    CHECK_INT(REPORTS("{}", &seen), 0);
    CHECK_INT(REPORTS("[]", &seen), 0);
    CHECK_INT(REPORTS(" \"csp-report\" ", &seen), 0);
    CHECK_INT(REPORTS("{\"csp-report\": []}", &seen), 0);
    CHECK_INT(REPORTS("[1, \"a\", [{\"type\":\"csp-violation\","
                      "\"body\":{}}]]", &seen), 0);
    CHECK_INT(REPORTS("{\"a\":{\"csp-report\":{}}}", &seen), 0);
    CHECK_INT(seen.n, 0);

    /* an empty body is a report with nothing in it */
    CHECK_INT(REPORTS("{\"csp-report\":{}}", &seen), 1);
    CHECK(seen.blocked[0][0] == '\0');
}


static void
test_hostile(void)
{
    int      i, rc;
    char    *big;
    size_t   n, len;
    seen_t   seen;

    static const char  *bad[] = {
        "", " ", "{", "}", "[", "{\"csp-report\":{}", "{\"csp-report\"",
        "{\"csp-report\":{}}}", "{\"csp-report\":{}} x", "[1,]", "[,1]",
        "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "01", "1.", ".5",
        "-", "1e", "+1", "tru", "nul", "True", "\"\\x\"", "\"\\u12\"",
        "\"\\u12g4\"", "\"a\nb\"", "\"\x01\"", "\"\xff\"", "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"",
        "\"abc", "{\"csp-report\":{\"blocked-uri\":\"https://a\xc3\"}}",
        "[{\"type\":\"csp-violation\",\"body\":{\"blockedURL\":\"x\"}}",
        NULL
    };

    for (i = 0; bad[i]; i++) {
        rc = reports(bad[i], strlen(bad[i]), &seen);
        unit_check(rc == PRIVACY_CSP_REPORT_BAD && seen.n == 0, bad[i],
                   __FILE__, __LINE__);
    }

    /* NUL inside a string, and after the value */
    CHECK_INT(reports("\"a\0b\"", 5, &seen), PRIVACY_CSP_REPORT_BAD);
    CHECK_INT(reports("{}\0", 3, &seen), PRIVACY_CSP_REPORT_BAD);

    /* nesting: up to the bound, not one more */
    big = malloc(200000);
    if (big == NULL) {
        abort();
    }

    for (n = 0; n < PRIVACY_CSP_DEPTH_MAX; n++) {
        big[n] = '[';
        big[2 * PRIVACY_CSP_DEPTH_MAX - 1 - n] = ']';
    }

    CHECK_INT(reports(big, 2 * PRIVACY_CSP_DEPTH_MAX, &seen), 0);

    for (n = 0; n <= PRIVACY_CSP_DEPTH_MAX; n++) {
        big[n] = '[';
        big[2 * PRIVACY_CSP_DEPTH_MAX + 1 - n] = ']';
    }

    CHECK_INT(reports(big, 2 * PRIVACY_CSP_DEPTH_MAX + 2, &seen),
              PRIVACY_CSP_REPORT_BAD);

    /* a very deep one is refused without deep recursion */
    memset(big, '[', 100000);
    CHECK_INT(reports(big, 100000, &seen), PRIVACY_CSP_REPORT_BAD);

    /* a thousand reports in one array */
    len = 0;
    big[len++] = '[';

    for (i = 0; i < 1000; i++) {
        len += sprintf(big + len, "%s{\"type\":\"csp-violation\","
                       "\"body\":{\"blockedURL\":\"https://h%d.example/\"}}",
                       i ? "," : "", i);
    }

    big[len++] = ']';

    CHECK_INT(reports(big, len, &seen), 1000);
    CHECK_INT(seen.n, 1000);
    CHECK(strcmp(seen.blocked[3], "https://h3.example/") == 0);

    /* truncated at every byte: nothing is reported */
    for (n = 0; n < len - 1; n += 97) {
        rc = reports(big, n, &seen);
        unit_check(rc == PRIVACY_CSP_REPORT_BAD && seen.n == 0,
                   "a cut body reports nothing", __FILE__, __LINE__);
    }

    /* a long URL is cut at the field's size, and says so */
    len = sprintf(big, "{\"csp-report\":{\"blocked-uri\":\"https://l.example/");
    memset(big + len, 'a', 5000);
    len += 5000;
    len += sprintf(big + len, "\"}}");

    CHECK_INT(reports(big, len, &seen), 1);
    CHECK(seen.truncated[0] == 1);

    free(big);
}


int
main(void)
{
    test_source();
    test_escape();
    test_directive();
    test_host();
    test_reports();
    test_hostile();

    return unit_done();
}
