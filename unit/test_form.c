
/*
 * Unit tests: privacy_form.c
 */


#include <stdint.h>
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
static void consent(const char *in, size_t len, int rc, int action,
    uint32_t granted, const char *ret, const char *error, int line);
static void test_consent_form(void);


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


/*
 * The categories of the consent form tests: bit 0 is essential, and two
 * names share a prefix.
 */
static const privacy_category_desc_t  cats[] = {
    { (const unsigned char *) "necessary", 9, 1 },
    { (const unsigned char *) "analytics", 9, 0 },
    { (const unsigned char *) "marketing", 9, 0 },
    { (const unsigned char *) "market", 6, 0 },
};


/* one allocation, exactly PRIVACY_FORM_ROOM(len), as the glue makes it */

static void
consent(const char *in, size_t len, int rc, int action, uint32_t granted,
    const char *ret, const char *error, int line)
{
    int                      got;
    unsigned char           *room;
    privacy_consent_form_t   form;

    room = malloc(len ? PRIVACY_FORM_ROOM(len) : 1);
    if (room == NULL) {
        abort();
    }

    memcpy(room, in, len);

    got = privacy_consent_form_parse(room, len, cats,
                                     sizeof(cats) / sizeof(cats[0]), &form);

    if (!unit_check(got == rc, "return code", __FILE__, line)) {
        printf("    got %d (%s), want %d\n", got,
               form.error ? form.error : "no error", rc);
        free(room);
        return;
    }

    if (rc != PRIVACY_FORM_OK) {
        unit_check(form.error != NULL && strcmp(form.error, error) == 0,
                   "error", __FILE__, line);
        free(room);
        return;
    }

    unit_check(form.error == NULL, "no error", __FILE__, line);
    unit_check(form.action == action, "action", __FILE__, line);

    if (!unit_check(form.granted == granted, "granted", __FILE__, line)) {
        printf("    got %#x, want %#x\n", (unsigned) form.granted,
               (unsigned) granted);
    }

    if (ret == NULL) {
        unit_check(form.return_path == NULL && form.return_path_len == 0,
                   "no return path", __FILE__, line);

    } else {
        unit_check_mem(form.return_path, form.return_path_len, ret,
                       strlen(ret), "return path", __FILE__, line);
    }

    free(room);
}


#define OK(in, action, granted, ret)                                         \
    consent(in, sizeof(in) - 1, PRIVACY_FORM_OK, PRIVACY_FORM_##action,      \
            granted, ret, NULL, __LINE__)

#define REFUSED(in, error)                                                   \
    consent(in, sizeof(in) - 1, PRIVACY_FORM_BAD, 0, 0, NULL, error,          \
            __LINE__)


static void
test_consent_form(void)
{
    size_t   n;
    char    *big;

    OK("action=accept_all", ACCEPT_ALL, 0xe, NULL);
    OK("action=reject_all&category=analytics", REJECT_ALL, 0, NULL);
    OK("action=withdraw&category=marketing", WITHDRAW, 0, NULL);
    OK("action=save", SAVE, 0, NULL);
    OK("action=save&category=analytics", SAVE, 0x2, NULL);
    OK("category=market&action=save&category=marketing", SAVE, 0xc, NULL);
    OK("action=save&category=necessary", SAVE, 0, NULL);
    OK("action=save&category=analytics&category=analytics", SAVE, 0x2, NULL);
    OK("action=save&category=analytics&return=%2Fa%3Fb%3D1",
       SAVE, 0x2, "/a?b=1");
    OK("return=/first&action=save&return=/second", SAVE, 0, "/second");
    OK("return=/first&action=save&return=//evil.com", SAVE, 0, NULL);
    OK("action=save&return=https://evil.com/", SAVE, 0, NULL);
    OK("action=save&return=", SAVE, 0, NULL);
    OK("&&action=save&&site_field=x&flag&", SAVE, 0, NULL);
    OK("action=save&category=analytics&return=/r&x=%41",
       SAVE, 0x2, "/r");

    REFUSED("", "no action");
    REFUSED("&&&", "no action");
    REFUSED("category=analytics", "no action");
    REFUSED("action=save&action=save", "action given twice");
    REFUSED("action=Save", "unknown action");
    REFUSED("action=accept_all%00", "unknown action");
    REFUSED("action=", "unknown action");
    REFUSED("action", "unknown action");
    REFUSED("action=save&category=Analytics", "unknown category");
    REFUSED("action=save&category=analytic", "unknown category");
    REFUSED("action=save&category=", "unknown category");
    REFUSED("action=save&category", "unknown category");
    REFUSED("action=save&x=%zz", "malformed form encoding");
    REFUSED("action=save&=1", "malformed form encoding");
    REFUSED("action=save&return=/a%", "malformed form encoding");

    /*
     * The bodies that overflowed the glue's buffer: pieces without '=',
     * of every length up to the limit, alone and after an action.  ASan
     * sees any write past the one allocation.
     */
    big = malloc(PRIVACY_FORM_BODY_MAX + 2);
    if (big == NULL) {
        abort();
    }

    for (n = 0; n <= PRIVACY_FORM_BODY_MAX; n++) {
        big[n] = (n % 2) ? '&' : 'a';
    }

    consent(big, PRIVACY_FORM_BODY_MAX, PRIVACY_FORM_BAD, 0, 0, NULL,
            "no action", __LINE__);

    memcpy(big, "action=save&", 12);
    consent(big, PRIVACY_FORM_BODY_MAX, PRIVACY_FORM_OK, PRIVACY_FORM_SAVE,
            0, NULL, NULL, __LINE__);

    for (n = 0; n <= PRIVACY_FORM_BODY_MAX; n++) {
        big[n] = 'a';
    }

    consent(big, PRIVACY_FORM_BODY_MAX, PRIVACY_FORM_BAD, 0, 0, NULL,
            "no action", __LINE__);

    for (n = 0; n <= PRIVACY_FORM_BODY_MAX; n++) {
        big[n] = '=';
    }

    consent(big, PRIVACY_FORM_BODY_MAX, PRIVACY_FORM_BAD, 0, 0, NULL,
            "malformed form encoding", __LINE__);

    /* one byte over the limit, whatever it holds */
    consent(big, PRIVACY_FORM_BODY_MAX + 1, PRIVACY_FORM_TOO_LARGE, 0, 0,
            NULL, "body over 4096 bytes", __LINE__);

    free(big);
}

#undef OK
#undef REFUSED


int
main(void)
{
    test_form();
    test_return_path();
    test_consent_form();

    return unit_done();
}
