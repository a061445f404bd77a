
/*
 * Unit tests: privacy_form.c
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_form.h"


typedef struct {
    const char  *name;
    size_t       name_len;
    const char  *value;
    size_t       value_len;
    int          rc;
} want_t;


static void form(const char *in, size_t len, const want_t *want, size_t n,
    int line);
static void test_form(void);
static void test_return_path(void);


/* runs the whole form through an exactly sized heap buffer */

static void
form(const char *in, size_t len, const want_t *want, size_t n, int line)
{
    int                   rc;
    size_t                i;
    unsigned char        *buf, *copy;
    privacy_form_pair_t   pair;
    const unsigned char  *p, *end;

    copy = malloc(len ? len : 1);
    buf = malloc(len ? len : 1);
    if (copy == NULL || buf == NULL) {
        abort();
    }

    memcpy(copy, in, len);
    p = copy;
    end = copy + len;

    for (i = 0; i <= n; i++) {
        rc = privacy_form_next(&p, end, buf, &pair);

        if (i == n) {
            unit_check(rc == 0 && p == end, "end of form", __FILE__, line);
            break;
        }

        if (!unit_check(rc == want[i].rc, "return code", __FILE__, line)) {
            printf("    pair %zu: got %d, want %d\n", i, rc, want[i].rc);
            break;
        }

        if (rc == 1) {
            unit_check_mem(pair.name, pair.name_len, want[i].name,
                           want[i].name_len, "name", __FILE__, line);
            unit_check_mem(pair.value, pair.value_len, want[i].value,
                           want[i].value_len, "value", __FILE__, line);
        }
    }

    free(copy);
    free(buf);
}


#define P(name, value)  { name, sizeof(name) - 1, value, sizeof(value) - 1, 1 }
#define BAD             { "", 0, "", 0, -1 }

#define FORM(in, ...)                                                        \
    do {                                                                     \
        static const want_t  want_[] = { __VA_ARGS__ };                      \
        form(in, sizeof(in) - 1, want_, sizeof(want_) / sizeof(want_[0]),    \
             __LINE__);                                                      \
    } while (0)

#define EMPTY_FORM(in)  form(in, sizeof(in) - 1, NULL, 0, __LINE__)


static void
test_form(void)
{
    EMPTY_FORM("");
    EMPTY_FORM("&");
    EMPTY_FORM("&&&");

    FORM("a=1", P("a", "1"));
    FORM("a=1&b=2", P("a", "1"), P("b", "2"));
    FORM("&&a=1&&b=2&", P("a", "1"), P("b", "2"));
    FORM("flag", P("flag", ""));
    FORM("flag&a=", P("flag", ""), P("a", ""));
    FORM("a=b=c", P("a", "b=c"));
    FORM("a=%3D&%3D=x", P("a", "="), P("=", "x"));

    /* decoding */
    FORM("grant=analytics+marketing", P("grant", "analytics marketing"));
    FORM("a+b=c%20d", P("a b", "c d"));
    FORM("p=%2Fpath%3fq%3D1%26x", P("p", "/path?q=1&x"));
    FORM("v=%2b%2B+", P("v", "++ "));
    FORM("v=%C3%A9%c3%a9", P("v", "\xc3\xa9\xc3\xa9"));
    FORM("v=%00%01%7F%ff", P("v", "\x00\x01\x7f\xff"));
    FORM("v=;,/?:@$", P("v", ";,/?:@$"));
    FORM("v=\xff\x01", P("v", "\xff\x01"));

    /* malformed: bad or truncated escapes, empty or controlled names */
    FORM("a=%", BAD);
    FORM("a=%4", BAD);
    FORM("a=%4g", BAD);
    FORM("a=%g4", BAD);
    FORM("a=% 41", BAD);
    FORM("%=1", BAD);
    FORM("a%2=1", BAD);
    FORM("=1", BAD);
    FORM("=", BAD);
    FORM("%00=1", BAD);
    FORM("a%0A=1", BAD);
    FORM("a%7f=1", BAD);
    FORM("a\x01=1", BAD);
    FORM("\t=1", BAD);

    /* the parser moves past a bad piece; callers refuse the whole form */
    FORM("a=%zz&b=2", BAD, P("b", "2"));
    FORM("a=1&=2&c=%", P("a", "1"), BAD, BAD);

    /* a truncated escape at the very end of the input */
    FORM("a=1%", BAD);
    FORM("a=1%2", BAD);
}


static void
test_return_path(void)
{
    char  big[PRIVACY_RETURN_PATH_MAX + 2];

#define OK(s)   CHECK(privacy_return_path_ok(S(s)) == 1)
#define UNSAFE(s)  CHECK(privacy_return_path_ok(S(s)) == 0)

    OK("/");
    OK("/a");
    OK("/a/b?c=d&e=%2F%2F#frag");
    OK("/./a");
    OK("/a//b");
    OK("/%2F/evil.com");
    OK("/\xc3\xa9");

    UNSAFE("");
    UNSAFE("a");
    UNSAFE("//evil.com");
    UNSAFE("//");
    UNSAFE("/\\evil.com");
    UNSAFE("/a\\b");
    UNSAFE("\\/evil.com");
    UNSAFE("https://evil.com/");
    UNSAFE("javascript:alert(1)");
    UNSAFE(" /a");
    UNSAFE("/a b");
    UNSAFE("/\t/evil.com");
    UNSAFE("/a\r\nSet-Cookie: x=1");
    UNSAFE("/a\n");
    UNSAFE("/\x00");
    UNSAFE("/\x7f");

#undef OK
#undef UNSAFE

    memset(big, 'a', sizeof(big));
    big[0] = '/';

    CHECK(privacy_return_path_ok((unsigned char *) big,
                                 PRIVACY_RETURN_PATH_MAX) == 1);
    CHECK(privacy_return_path_ok((unsigned char *) big,
                                 PRIVACY_RETURN_PATH_MAX + 1) == 0);
}


int
main(void)
{
    test_form();
    test_return_path();

    return unit_done();
}
