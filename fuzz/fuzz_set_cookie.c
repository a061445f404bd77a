
/*
 * Fuzzes the Set-Cookie name parser, privacy_set_cookie_name(), against
 * a reference written from its contract in privacy_cookie.h, and the
 * deleting Set-Cookie builder, privacy_cookie_expire(), with the name found
 * and a domain taken from the input.
 *
 * Input: byte 0 is the domain length (modulo the rest), the domain, then
 * the header value.
 */


#include "fuzz.h"
#include "privacy_cookie.h"


static int
fuzz_ws(unsigned char c)
{
    return c == ' ' || c == '\t';
}


/* RFC 6265bis 5.6, as privacy_cookie.h states it */
static int
fuzz_ref_name(const unsigned char *v, size_t len, const unsigned char **name,
    size_t *name_len)
{
    const unsigned char  *p, *semi, *eq, *s, *e;

    semi = memchr(v, ';', len);
    e = semi ? semi : v + len;
    eq = memchr(v, '=', e - v);

    if (eq == NULL) {
        /* the value only: unusable when it is empty too */
        for (p = v; p < e && fuzz_ws(*p); p++) { /* void */ }
        for (s = e; s > p && fuzz_ws(s[-1]); s--) { /* void */ }
        *name = v;
        *name_len = 0;
        return s > p;
    }

    for (s = v; s < eq && fuzz_ws(*s); s++) { /* void */ }
    for (p = eq; p > s && fuzz_ws(p[-1]); p--) { /* void */ }
    *name = s;
    *name_len = p - s;

    if (*name_len) {
        return 1;
    }

    for (s = eq + 1; s < e && fuzz_ws(*s); s++) { /* void */ }
    for (p = e; p > s && fuzz_ws(p[-1]); p--) { /* void */ }

    return p > s;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                   rc, ref;
    size_t                dlen, len, name_len, ref_len, n;
    unsigned char        *value, *domain, *out, *last;
    const unsigned char  *name, *ref_name;

    if (size == 0) {
        return 0;
    }

    dlen = data[0] % size;
    domain = fuzz_dup(data + 1, dlen);
    len = size - 1 - dlen;
    value = fuzz_dup(data + 1 + dlen, len);

    name = NULL;
    name_len = 0;
    rc = privacy_set_cookie_name(value, len, &name, &name_len);
    ref = fuzz_ref_name(value, len, &ref_name, &ref_len);

    FUZZ_CHECK(rc == 0 || rc == 1);
    FUZZ_CHECK(rc == ref);

    if (rc) {
        FUZZ_CHECK(name != NULL);
        FUZZ_CHECK(name >= value && name + name_len <= value + len);
        FUZZ_CHECK(name_len == ref_len);

        if (name_len) {
            FUZZ_CHECK(name == ref_name);
        }

        /* the deleting header: exactly the length announced */
        n = privacy_cookie_expire_len(name, name_len, domain, dlen);
        out = fuzz_alloc(n);
        last = privacy_cookie_expire(out, name, name_len, domain, dlen);
        FUZZ_CHECK(last == out + n);
        FUZZ_CHECK(n >= name_len + 1);
        FUZZ_CHECK(memcmp(out, name, name_len) == 0 && out[name_len] == '=');
        free(out);
    }

    free(value);
    free(domain);

    return 0;
}
