
/*
 * Unit tests: privacy_record.c
 */


#include <string.h>

#include "unit.h"
#include "privacy_record.h"


static void host(const char *h, int want, int line);
static void test_host_fixed(void);
static void test_host_bytes(void);
static void test_host_length(void);
static int hexval(unsigned char c);
static size_t unquote(unsigned char *dst, const unsigned char *src,
    size_t n, int *ok);
static void quote(const void *src, size_t n, const char *want, int line);
static void test_quote_fixed(void);
static void test_quote_round_trip(void);
static void test_json(void);


#define OK(h)     host(h, 1, __LINE__)
#define BAD(h)    host(h, 0, __LINE__)


static void
host(const char *h, int want, int line)
{
    unit_check(privacy_record_host_ok((const unsigned char *) h, strlen(h))
               == want, h, __FILE__, line);
}


static void
test_host_fixed(void)
{
    OK("localhost");
    OK("localhost:2031");
    OK("www.example.com");
    OK("WWW.Example.COM:443");
    OK("xn--bcher-kva.example");
    OK("192.0.2.1");
    OK("192.0.2.1:8080");
    OK("[::1]");
    OK("[::1]:8080");
    OK("[2001:db8::192.0.2.1]");
    OK("[FE80::1]");
    OK("a%41b");
    OK("%7e");
    OK("a!$&'()*+,;=-._~b");
    OK("a");
    OK("a:");                       /* RFC 3986: port = *DIGIT */
    OK("a:65535");
    OK("a:99999");

    BAD("");
    BAD(":");
    BAD(":80");
    BAD("a b");
    BAD(" a");
    BAD("a/b");
    BAD("a\\b");
    BAD("a\"b");
    BAD("a<b>");
    BAD("a{b}");
    BAD("a@b");
    BAD("a?b");
    BAD("a#b");
    BAD("a[b]");
    BAD("a%");
    BAD("a%4");
    BAD("a%4g");
    BAD("a%zz");
    BAD("a:123456");
    BAD("a:8a");
    BAD("a:-1");
    BAD("a:1:2");
    BAD("[]");
    BAD("[]:80");
    BAD("[::1");
    BAD("[::1]x");
    BAD("[::1]:x");
    BAD("[::g]");
    BAD("[v1.x]");
    BAD("[::1]]");
    BAD("[[::1]");
    BAD("caf\xc3\xa9.example");
    BAD("a\tb");
    BAD("a\x7f");

    /* a NUL inside the length */
    CHECK(privacy_record_host_ok((const unsigned char *) "a\0b", 3) == 0);
}


/* every byte value between two letters, and as the only one */

static void
test_host_bytes(void)
{
    int            want, ok;
    unsigned       c;
    unsigned char  h[3];
    const char    *allowed;

    allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
              "0123456789-._~!$&'()*+,;=";
    ok = 1;

    for (c = 0; c < 256; c++) {
        want = c != 0 && strchr(allowed, (int) c) != NULL;

        h[0] = 'a';
        h[1] = (unsigned char) c;
        h[2] = 'b';

        /* ':' starts a port, which "b" is not */
        if (privacy_record_host_ok(h, 3) != want) {
            unit_show("host", h, 3);
            ok = 0;
        }

        if (privacy_record_host_ok(h + 1, 1) != want) {
            unit_show("host", h + 1, 1);
            ok = 0;
        }
    }

    CHECK(ok);
}


static void
test_host_length(void)
{
    unsigned char  h[PRIVACY_RECORD_HOST_MAX + 2];

    memset(h, 'a', sizeof(h));

    CHECK(privacy_record_host_ok(h, PRIVACY_RECORD_HOST_MAX) == 1);
    CHECK(privacy_record_host_ok(h, PRIVACY_RECORD_HOST_MAX + 1) == 0);

    /* the port counts */
    memcpy(h + PRIVACY_RECORD_HOST_MAX - 5, ":8080", 5);
    CHECK(privacy_record_host_ok(h, PRIVACY_RECORD_HOST_MAX) == 1);

    h[PRIVACY_RECORD_HOST_MAX] = '0';
    CHECK(privacy_record_host_ok(h, PRIVACY_RECORD_HOST_MAX + 1) == 0);

    /* the marker for the others is a host itself */
    CHECK(privacy_record_host_ok(
              (const unsigned char *) PRIVACY_RECORD_HOST_INVALID,
              sizeof(PRIVACY_RECORD_HOST_INVALID) - 1) == 1);
}


static int
hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        return (c | 0x20) - 'a' + 10;
    }

    return -1;
}


/*
 * What redis-cli's sdssplitargs() makes of one double-quoted argument:
 * \xHH, \n \r \t \b \a, and \c for any other c.  *ok is 0 for input it
 * would refuse or read differently.
 */

static size_t
unquote(unsigned char *dst, const unsigned char *src, size_t n, int *ok)
{
    size_t         i, len;
    unsigned char  c;

    *ok = n >= 2 && src[0] == '"' && src[n - 1] == '"';
    len = 0;

    for (i = 1; *ok && i < n - 1; i++) {
        c = src[i];

        if (c < 0x20 || c >= 0x7f) {
            *ok = 0;
            break;
        }

        if (c == '"') {
            /* would end the argument */
            *ok = 0;
            break;
        }

        if (c != '\\') {
            dst[len++] = c;
            continue;
        }

        if (i + 1 >= n - 1) {
            /* a backslash before the closing quote escapes it */
            *ok = 0;
            break;
        }

        c = src[++i];

        if (c == 'x' && i + 2 < n - 1 && hexval(src[i + 1]) >= 0
            && hexval(src[i + 2]) >= 0)
        {
            dst[len++] = (unsigned char) (hexval(src[i + 1]) * 16
                                          + hexval(src[i + 2]));
            i += 2;
            continue;
        }

        switch (c) {
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'b': c = '\b'; break;
        case 'a': c = '\a'; break;
        }

        dst[len++] = c;
    }

    return len;
}


static void
quote(const void *src, size_t n, const char *want, int line)
{
    size_t         len;
    unsigned char  out[64];

    memset(out, '#', sizeof(out));

    len = privacy_record_quote(out, src, n);

    unit_check_mem(out, len, want, strlen(want), want, __FILE__, line);
    unit_check(out[len] == '#', "no NUL written", __FILE__, line);
    unit_check(privacy_record_quote(NULL, src, n) == len, "length only",
               __FILE__, line);
}


static void
test_quote_fixed(void)
{
    quote("", 0, "\"\"", __LINE__);
    quote("Mozilla/5.0 (X11)", 17, "\"Mozilla/5.0 (X11)\"", __LINE__);
    quote("a\"b\\c", 5, "\"a\\\"b\\\\c\"", __LINE__);
    quote("\n\r\t\x01\x7f\x80\xff", 7,
          "\"\\x0a\\x0d\\x09\\x01\\x7f\\x80\\xff\"", __LINE__);
    quote("\0", 1, "\"\\x00\"", __LINE__);
    quote("x\\", 2, "\"x\\\\\"", __LINE__);
    quote("'$;{}, <>&", 10, "\"'$;{}, <>&\"", __LINE__);
}


/* random strings of every byte: redis-cli reads back what was written */

static void
test_quote_round_trip(void)
{
    int            ok, good;
    size_t         i, j, n, len, back;
    unsigned       seed;
    unsigned char  src[300], out[4 * 300 + 2], dec[300];

    seed = 7;
    ok = 1;

    for (i = 0; ok && i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        n = (seed >> 16) % sizeof(src);

        for (j = 0; j < n; j++) {
            seed = seed * 1103515245 + 12345;
            /* backslashes and quotes often, and each one before an 'x' */
            switch ((seed >> 16) % 5) {
            case 0: src[j] = '\\'; break;
            case 1: src[j] = (j & 1) ? 'x' : '"'; break;
            default: src[j] = (unsigned char) (seed >> 20);
            }
        }

        len = privacy_record_quote(out, src, n);
        back = unquote(dec, out, len, &good);

        if (!good || len > 4 * n + 2 || back != n
            || memcmp(dec, src, n) != 0)
        {
            unit_show("src", src, n);
            unit_show("out", out, len);
            ok = 0;
        }
    }

    CHECK(ok);
}



/* a record from Redis as JSON: every field in order, escaped, sized */

static void
test_json(void)
{
    size_t                  len;
    unsigned char           out[256];
    privacy_record_field_t  f[3];

    static const char  want[] =
        "{\"id\":\"ab\",\"ua\":\"a \\\"b\\\\ \\u000a\\u003c\","
        "\"\":\"\"}";

    f[0].name = (const unsigned char *) "id";
    f[0].name_len = 2;
    f[0].value = (const unsigned char *) "ab";
    f[0].value_len = 2;
    f[1].name = (const unsigned char *) "ua";
    f[1].name_len = 2;
    f[1].value = (const unsigned char *) "a \"b\\ \n<";
    f[1].value_len = 8;
    f[2].name = (const unsigned char *) "";
    f[2].name_len = 0;
    f[2].value = (const unsigned char *) "";
    f[2].value_len = 0;

    memset(out, 'x', sizeof(out));
    len = privacy_record_json(out, f, 3);

    CHECK(len == privacy_record_json(NULL, f, 3));
    CHECK(len == sizeof(want) - 1 && memcmp(out, want, len) == 0);
    CHECK(out[len] == 'x');

    /* no field: an empty object */
    CHECK(privacy_record_json(out, f, 0) == 2 && memcmp(out, "{}", 2) == 0);
}


int
main(void)
{
    test_host_fixed();
    test_host_bytes();
    test_host_length();
    test_quote_fixed();
    test_quote_round_trip();
    test_json();

    return unit_done();
}
