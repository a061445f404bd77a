
/*
 * Unit tests: privacy_token.c
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "unit.h"
#include "privacy_token.h"


#define KEY1  "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
#define KEY2  "a second key, rotated in later.."
#define FP    UINT64_C(0xc98dc1d6738f5c62)

/* privacy_token_encode() of sample_token() with KEY1, computed apart */
#define PINNED                                                               \
    "AblOJUkAAQIDBAUGBwgJCgsMDQ4PAAAAAGVT8QAAAAAAZkE_AMmNwdZzj1xiAAAABQJ2Me" \
    "EjNHvb4uGRdFQlE98SreK14zaDU5mGGy3jqdSc3l6T"


static void test_b64(void);
static void b64_ok(const char *in, size_t len, const char *want, int line);
static void test_keys(void);
static void sample_token(privacy_token_t *t);
static size_t encode(unsigned char *out, const privacy_token_t *t,
    const privacy_key_t *key);
static privacy_token_status_e decode(privacy_token_t *t,
    const unsigned char *in, size_t len, const privacy_key_t *keys,
    size_t nkeys);
static size_t sign_raw(unsigned char *out, const unsigned char *raw,
    size_t len, const char *key);
static void test_round_trip(void);
static void test_tamper(void);
static void test_keys_rotation(void);
static void test_layout(void);
static void test_check(void);
static void test_text(void);


static void
b64_ok(const char *in, size_t len, const char *want, int line)
{
    size_t         n, wlen;
    unsigned char  buf[64], back[64];

    wlen = strlen(want);

    unit_check(privacy_b64url_encoded_len(len) == wlen, "encoded_len",
               __FILE__, line);

    n = privacy_b64url_encode(buf, (const unsigned char *) in, len);
    unit_check_mem(buf, n, want, wlen, "encode", __FILE__, line);

    if (unit_check(privacy_b64url_decode(back, &n, (const unsigned char *) want,
                                         wlen)
                   == 0, "decode", __FILE__, line))
    {
        unit_check_mem(back, n, in, len, "decoded", __FILE__, line);
    }
}


#define B64_OK(in, want)  b64_ok(in, sizeof(in) - 1, want, __LINE__)
#define B64_BAD(in)                                                          \
    CHECK(privacy_b64url_decode(buf, &n, S(in)) == -1)


static void
test_b64(void)
{
    int            ok;
    size_t         n, len, i, c;
    unsigned char  src[100], enc[200], buf[200];

    /* RFC 4648 section 10, unpadded */
    B64_OK("", "");
    B64_OK("f", "Zg");
    B64_OK("fo", "Zm8");
    B64_OK("foo", "Zm9v");
    B64_OK("foob", "Zm9vYg");
    B64_OK("fooba", "Zm9vYmE");
    B64_OK("foobar", "Zm9vYmFy");

    /* the URL alphabet: '-' and '_' instead of '+' and '/' */
    B64_OK("\xfb\xff", "-_8");
    B64_OK("\xfb\xef\xbe", "----");
    B64_OK("\xff\xff\xff", "____");
    B64_OK("\x00\x00\x00\x00", "AAAAAA");

    B64_BAD("Zg==");
    B64_BAD("Zm8=");
    B64_BAD("Zm9v=");
    B64_BAD("Z");
    B64_BAD("Zm9vY");
    B64_BAD("+_8");
    B64_BAD("-/8");
    B64_BAD("Zm9v\n");
    B64_BAD(" Zm9v");
    B64_BAD("Zm 9v");
    B64_BAD("Zm9\0");

    /* non-canonical: unused low bits of the last character set */
    B64_BAD("Zh");
    B64_BAD("Zn");
    B64_BAD("Zm9");
    B64_BAD("Zm-");
    CHECK(privacy_b64url_decode(buf, &n, S("Zm8")) == 0);

    /* every byte value outside the alphabet is refused anywhere */
    ok = 1;

    for (c = 0; c < 256; c++) {
        int  in_alphabet;

        in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                      || (c >= '0' && c <= '9') || c == '-' || c == '_';

        for (i = 0; i < 4; i++) {
            memcpy(enc, "AAAA", 4);
            enc[i] = (unsigned char) c;

            if ((privacy_b64url_decode(buf, &n, enc, 4) == 0) != in_alphabet) {
                ok = 0;
            }
        }
    }

    CHECK(ok);

    /* round trips of every length up to 99 */
    ok = 1;

    for (len = 0; len < sizeof(src); len++) {
        for (i = 0; i < len; i++) {
            src[i] = (unsigned char) (i * 37 + len * 11);
        }

        n = privacy_b64url_encode(enc, src, len);

        if (n != privacy_b64url_encoded_len(len)
            || privacy_b64url_decode(buf, &n, enc, n) != 0
            || n != len || memcmp(buf, src, len) != 0)
        {
            ok = 0;
        }
    }

    CHECK(ok);
}


static void
test_keys(void)
{
    privacy_key_t  k1, k1b, k2, shrt;
    unsigned char  copy[sizeof(KEY1)];
    /* first 4 bytes of SHA-256("ngx_privacy key id\0" KEY1), computed apart */
    static const unsigned char  id1[4] = { 0xb9, 0x4e, 0x25, 0x49 };
    static const unsigned char  key1[] = KEY1;

    /* referenced, not copied */
    CHECK(privacy_key_init(&k1, key1, 32) == 0);
    CHECK_MEM(k1.id, 4, id1, 4);
    CHECK(k1.key_len == 32 && k1.key == key1);

    /* the id depends on the key bytes only */
    memcpy(copy, KEY1, sizeof(KEY1));
    CHECK(privacy_key_init(&k1b, copy, 32) == 0);
    CHECK_MEM(k1b.id, 4, k1.id, 4);

    CHECK(privacy_key_init(&k2, S(KEY2)) == 0);
    CHECK(memcmp(k1.id, k2.id, 4) != 0);

    /* too short: refused, and unusable */
    CHECK(privacy_key_init(&shrt, (const unsigned char *) KEY1, 31) == -1);
    CHECK(shrt.key_len == 0);
    CHECK(privacy_key_init(&shrt, (const unsigned char *) KEY1, 0) == -1);
}


static void
sample_token(privacy_token_t *t)
{
    size_t  i;

    memset(t, 0, sizeof(privacy_token_t));

    for (i = 0; i < PRIVACY_CONSENT_ID_LEN; i++) {
        t->consent_id[i] = (unsigned char) i;
    }

    t->issued = 1700000000;
    t->expires = 1715552000;
    t->categories_fp = FP;
    t->granted = 5;
    t->policy_len = 2;
    memcpy(t->policy, "v1", 2);
}


static size_t
encode(unsigned char *out, const privacy_token_t *t, const privacy_key_t *key)
{
    size_t  n;

    n = privacy_token_encode(out, t, key);
    CHECK(n == privacy_token_encoded_len(t));

    return n;
}


/* decodes from an exactly sized heap copy: ASan sees any overread */

static privacy_token_status_e
decode(privacy_token_t *t, const unsigned char *in, size_t len,
    const privacy_key_t *keys, size_t nkeys)
{
    unsigned char           *copy;
    privacy_token_status_e   rc;

    copy = malloc(len ? len : 1);
    if (copy == NULL) {
        abort();
    }

    if (len) {
        memcpy(copy, in, len);
    }

    rc = privacy_token_decode(t, copy, len, keys, nkeys);
    free(copy);

    return rc;
}


static size_t
sign_raw(unsigned char *out, const unsigned char *raw, size_t len,
    const char *key)
{
    unsigned int   md_len;
    unsigned char  buf[512];

    memcpy(buf, raw, len);
    HMAC(EVP_sha256(), key, (int) strlen(key), raw, len, buf + len, &md_len);

    return privacy_b64url_encode(out, buf, len + md_len);
}


static void
test_round_trip(void)
{
    size_t           n, i;
    privacy_key_t    k1;
    privacy_token_t  t, d, zero;
    unsigned char    out[PRIVACY_TOKEN_ENCODED_MAX];

    privacy_key_init(&k1, S(KEY1));
    sample_token(&t);

    n = encode(out, &t, &k1);
    CHECK_STR(out, n, PINNED);

    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);
    CHECK_MEM(d.key_id, 4, k1.id, 4);
    CHECK_MEM(d.consent_id, 16, t.consent_id, 16);
    CHECK(d.issued == t.issued && d.expires == t.expires);
    CHECK(d.categories_fp == FP);
    CHECK(d.granted == 5 && d.flags == 0);
    CHECK_STR(d.policy, d.policy_len, "v1");

    /* extreme values survive */
    t.issued = UINT64_MAX - 1;
    t.expires = UINT64_MAX;
    t.categories_fp = UINT64_MAX;
    t.granted = UINT32_MAX;
    t.policy_len = 0;
    memset(t.consent_id, 0xff, 16);

    n = encode(out, &t, &k1);
    CHECK_INT(n, 110);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);
    CHECK(d.issued == UINT64_MAX - 1 && d.expires == UINT64_MAX);
    CHECK(d.categories_fp == UINT64_MAX);
    CHECK(d.policy_len == 0);

    /* bits 30 and 31 of the word are the flags, apart from the grants */
    CHECK(d.granted == (UINT32_MAX & ~PRIVACY_TOKEN_FLAGS));
    CHECK(d.flags == 0);

    t.flags = UINT32_MAX;
    n = encode(out, &t, &k1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);
    CHECK(d.granted == (UINT32_MAX & ~PRIVACY_TOKEN_FLAGS));
    CHECK(d.flags == PRIVACY_TOKEN_FLAGS);

    /* the GPC flag alone, nothing granted: a token of before the flags
     * (sample_token's, pinned) decodes with no flag */
    t.granted = 0;
    t.flags = PRIVACY_TOKEN_FLAG_GPC;
    n = encode(out, &t, &k1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);
    CHECK(d.granted == 0 && d.flags == PRIVACY_TOKEN_FLAG_GPC);

    /* granted 0: refused everything, still a valid token */
    sample_token(&t);
    t.granted = 0;
    n = encode(out, &t, &k1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);
    CHECK(d.granted == 0);

    /* the longest policy, and one byte more */
    t.policy_len = PRIVACY_POLICY_MAX;
    for (i = 0; i < PRIVACY_POLICY_MAX; i++) {
        t.policy[i] = (unsigned char) (i * 7);
    }

    n = encode(out, &t, &k1);
    CHECK_INT(n, PRIVACY_TOKEN_ENCODED_MAX);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);
    CHECK_MEM(d.policy, d.policy_len, t.policy, PRIVACY_POLICY_MAX);

    t.policy_len = PRIVACY_POLICY_MAX + 1;
    CHECK_INT(privacy_token_encoded_len(&t), 0);
    CHECK_INT(privacy_token_encode(out, &t, &k1), 0);

    /* the key id in t is ignored, the key's is written */
    sample_token(&t);
    memset(t.key_id, 0xaa, 4);
    n = encode(out, &t, &k1);
    CHECK_STR(out, n, PINNED);

    /* an unusable key never signs */
    memset(&k1, 0, sizeof(k1));
    CHECK_INT(privacy_token_encode(out, &t, &k1), 0);

    /* t is zeroed on failure */
    memset(&zero, 0, sizeof(zero));
    memset(&d, 0x55, sizeof(d));
    CHECK_INT(decode(&d, S("garbage"), &k1, 1), PRIVACY_TOKEN_MALFORMED);
    CHECK(memcmp(&d, &zero, sizeof(d)) == 0);
}


static void
test_tamper(void)
{
    int                      ok;
    size_t                   n, i, bit, len;
    privacy_key_t            k1;
    privacy_token_t          t, d;
    unsigned char            out[PRIVACY_TOKEN_ENCODED_MAX + 2];
    unsigned char            bad[PRIVACY_TOKEN_ENCODED_MAX + 2];
    privacy_token_status_e   rc;

    privacy_key_init(&k1, S(KEY1));

    /* policies of 0, 1, 2 bytes end the encoding on each kind of group */

    for (len = 0; len < 3; len++) {
        sample_token(&t);
        t.policy_len = len;
        n = encode(out, &t, &k1);

        /* every single-bit flip of the cookie value fails */
        ok = 1;

        for (i = 0; i < n; i++) {
            for (bit = 0; bit < 8; bit++) {
                memcpy(bad, out, n);
                bad[i] ^= (unsigned char) (1u << bit);

                rc = decode(&d, bad, n, &k1, 1);

                if (rc == PRIVACY_TOKEN_OK) {
                    printf("    flip of bit %zu at %zu accepted\n", bit, i);
                    ok = 0;
                }
            }
        }

        CHECK(ok);

        /* every truncation fails, and so does one more byte */
        ok = 1;

        for (i = 0; i < n; i++) {
            if (decode(&d, out, i, &k1, 1) == PRIVACY_TOKEN_OK) {
                printf("    truncation to %zu accepted\n", i);
                ok = 0;
            }
        }

        CHECK(ok);

        for (i = 0; i < 64; i++) {
            memcpy(bad, out, n);
            bad[n] = (unsigned char) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
                                     "mnopqrstuvwxyz0123456789-_"[i];
            if (decode(&d, bad, n + 1, &k1, 1) == PRIVACY_TOKEN_OK) {
                ok = 0;
            }
        }

        CHECK(ok);
    }

    CHECK_INT(decode(&d, out, 0, &k1, 1), PRIVACY_TOKEN_MALFORMED);
    CHECK_INT(decode(&d, out, 1, &k1, 1), PRIVACY_TOKEN_MALFORMED);

    /* too long for any token, however valid its base64 */
    memset(bad, 'A', sizeof(bad));
    CHECK_INT(decode(&d, bad, PRIVACY_TOKEN_ENCODED_MAX + 1, &k1, 1),
              PRIVACY_TOKEN_MALFORMED);
    CHECK_INT(decode(&d, bad, PRIVACY_TOKEN_ENCODED_MAX + 2, &k1, 1),
              PRIVACY_TOKEN_MALFORMED);

    /* a signature of another token */
    sample_token(&t);
    n = encode(out, &t, &k1);
    t.granted = 7;
    encode(bad, &t, &k1);
    memcpy(bad + 70, out + 70, n - 70);
    CHECK_INT(decode(&d, bad, n, &k1, 1), PRIVACY_TOKEN_BAD_SIGNATURE);

    /* the padded form of a valid token is refused */
    n = encode(out, &t, &k1);
    memcpy(bad, out, n);
    memcpy(bad + n, "==", 2);
    CHECK_INT(decode(&d, bad, n + 2, &k1, 1), PRIVACY_TOKEN_MALFORMED);
}


static void
test_keys_rotation(void)
{
    size_t           n;
    privacy_key_t    keys[2], k2, both[2], fake;
    privacy_token_t  t, d;
    unsigned char    out[PRIVACY_TOKEN_ENCODED_MAX];

    privacy_key_init(&keys[0], S(KEY1));
    privacy_key_init(&keys[1], S(KEY2));
    k2 = keys[1];

    sample_token(&t);
    n = encode(out, &t, &k2);

    /* signed by the second key, verified when both are configured */
    CHECK_INT(decode(&d, out, n, keys, 2), PRIVACY_TOKEN_OK);
    CHECK_MEM(d.key_id, 4, k2.id, 4);

    both[0] = keys[1];
    both[1] = keys[0];
    CHECK_INT(decode(&d, out, n, both, 2), PRIVACY_TOKEN_OK);

    /* the second key retired */
    CHECK_INT(decode(&d, out, n, keys, 1), PRIVACY_TOKEN_UNKNOWN_KEY);
    CHECK_INT(decode(&d, out, n, keys, 0), PRIVACY_TOKEN_UNKNOWN_KEY);
    CHECK_INT(decode(&d, out, n, NULL, 0), PRIVACY_TOKEN_UNKNOWN_KEY);

    /* a key claiming the id but with other bytes */
    fake = keys[0];
    memcpy(fake.id, k2.id, 4);
    CHECK_INT(decode(&d, out, n, &fake, 1), PRIVACY_TOKEN_BAD_SIGNATURE);

    /* two keys with the same id: either may verify */
    both[0] = fake;
    both[1] = k2;
    CHECK_INT(decode(&d, out, n, both, 2), PRIVACY_TOKEN_OK);

    /* an unusable key (failed init) is never used */
    privacy_key_init(&both[0], (const unsigned char *) KEY2, 8);
    memcpy(both[0].id, k2.id, 4);
    both[0].key = (const unsigned char *) KEY2;
    CHECK_INT(decode(&d, out, n, both, 1), PRIVACY_TOKEN_UNKNOWN_KEY);
}


/* hand-built payloads signed with the right key: parsing must still hold */

static void
test_layout(void)
{
    size_t           n, len;
    privacy_key_t    k1;
    privacy_token_t  t, d;
    unsigned char    raw[400], out[600];

    privacy_key_init(&k1, S(KEY1));
    sample_token(&t);
    t.policy_len = 0;

    n = encode(out, &t, &k1);
    CHECK(privacy_b64url_decode(raw, &len, out, n) == 0);
    CHECK_INT(len, 82);
    CHECK_INT(raw[0], 1);
    CHECK_MEM(raw + 1, 4, k1.id, 4);
    CHECK_INT(raw[49], 0);

    /* the signed bytes alone, a.k.a. the token without its mac */
    len -= 32;

    n = sign_raw(out, raw, len, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);

    /* another version: refused before anything else is read */
    raw[0] = 2;
    n = sign_raw(out, raw, len, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_VERSION);
    raw[0] = 0;
    n = sign_raw(out, raw, 1, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_VERSION);
    n = privacy_b64url_encode(out, raw, 1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_VERSION);
    raw[0] = 1;
    n = privacy_b64url_encode(out, raw, 1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_MALFORMED);

    /* the policy length byte must match the length exactly */
    raw[49] = 1;
    n = sign_raw(out, raw, len, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_MALFORMED);

    raw[50] = 'x';
    n = sign_raw(out, raw, len + 1, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_OK);
    CHECK_STR(d.policy, d.policy_len, "x");

    n = sign_raw(out, raw, len + 2, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_MALFORMED);

    /* a policy longer than PRIVACY_POLICY_MAX, correctly signed */
    raw[49] = PRIVACY_POLICY_MAX + 1;
    memset(raw + 50, 'p', PRIVACY_POLICY_MAX + 1);
    n = sign_raw(out, raw, len + PRIVACY_POLICY_MAX + 1, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_MALFORMED);

    raw[49] = 255;
    memset(raw + 50, 'p', 255);
    n = sign_raw(out, raw, len + 255, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_MALFORMED);

    /* short of the header */
    raw[49] = 0;
    n = sign_raw(out, raw, 30, KEY1);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_MALFORMED);
    n = privacy_b64url_encode(out, raw, 81);
    CHECK_INT(decode(&d, out, n, &k1, 1), PRIVACY_TOKEN_MALFORMED);
}


static void
test_check(void)
{
    privacy_token_t  t;
    uint64_t         now;

    sample_token(&t);
    now = t.issued + 10;

    CHECK_INT(privacy_token_check(&t, now, S("v1"), FP), PRIVACY_TOKEN_OK);

    /* expires is the first second it is no longer valid */
    CHECK_INT(privacy_token_check(&t, t.expires - 1, S("v1"), FP),
              PRIVACY_TOKEN_OK);
    CHECK_INT(privacy_token_check(&t, t.expires, S("v1"), FP),
              PRIVACY_TOKEN_EXPIRED);
    CHECK_INT(privacy_token_check(&t, UINT64_MAX, S("v1"), FP),
              PRIVACY_TOKEN_EXPIRED);

    /* issued in the future: tolerated up to the skew */
    CHECK_INT(privacy_token_check(&t, t.issued - PRIVACY_TOKEN_MAX_SKEW,
                                  S("v1"), FP),
              PRIVACY_TOKEN_OK);
    CHECK_INT(privacy_token_check(&t, t.issued - PRIVACY_TOKEN_MAX_SKEW - 1,
                                  S("v1"), FP),
              PRIVACY_TOKEN_MALFORMED);
    CHECK_INT(privacy_token_check(&t, 0, S("v1"), FP),
              PRIVACY_TOKEN_MALFORMED);

    t.issued = t.expires + 1;
    CHECK_INT(privacy_token_check(&t, t.expires - 5, S("v1"), FP),
              PRIVACY_TOKEN_MALFORMED);

    /* issued == expires is never valid, but not malformed */
    t.issued = t.expires;
    CHECK_INT(privacy_token_check(&t, t.expires, S("v1"), FP),
              PRIVACY_TOKEN_EXPIRED);

    /* no overflow near the end of time */
    t.issued = UINT64_MAX - 10;
    t.expires = UINT64_MAX;
    CHECK_INT(privacy_token_check(&t, UINT64_MAX - 5, S("v1"), FP),
              PRIVACY_TOKEN_OK);
    CHECK_INT(privacy_token_check(&t, UINT64_MAX - 200, S("v1"), FP),
              PRIVACY_TOKEN_OK);

    sample_token(&t);

    CHECK_INT(privacy_token_check(&t, now, S("v2"), FP), PRIVACY_TOKEN_POLICY);
    CHECK_INT(privacy_token_check(&t, now, S("v"), FP), PRIVACY_TOKEN_POLICY);
    CHECK_INT(privacy_token_check(&t, now, S("v1 "), FP),
              PRIVACY_TOKEN_POLICY);
    CHECK_INT(privacy_token_check(&t, now, S("V1"), FP), PRIVACY_TOKEN_POLICY);
    CHECK_INT(privacy_token_check(&t, now, NULL, 0, FP), PRIVACY_TOKEN_POLICY);

    CHECK_INT(privacy_token_check(&t, now, S("v1"), FP ^ 1),
              PRIVACY_TOKEN_CATEGORIES);
    CHECK_INT(privacy_token_check(&t, now, S("v1"), 0),
              PRIVACY_TOKEN_CATEGORIES);

    /* expiry is reported first */
    CHECK_INT(privacy_token_check(&t, t.expires, S("v2"), 0),
              PRIVACY_TOKEN_EXPIRED);
    CHECK_INT(privacy_token_check(&t, now, S("v2"), 0), PRIVACY_TOKEN_POLICY);

    t.policy_len = 0;
    CHECK_INT(privacy_token_check(&t, now, NULL, 0, FP), PRIVACY_TOKEN_OK);
}


static void
test_text(void)
{
    unsigned char  hex[8];

#define TEXT(status, want)                                                   \
    CHECK(strcmp(privacy_token_status_text(status), want) == 0)

    TEXT(PRIVACY_TOKEN_OK, "ok");
    TEXT(PRIVACY_TOKEN_MALFORMED, "malformed");
    TEXT(PRIVACY_TOKEN_VERSION, "version");
    TEXT(PRIVACY_TOKEN_UNKNOWN_KEY, "unknown_key");
    TEXT(PRIVACY_TOKEN_BAD_SIGNATURE, "bad_signature");
    TEXT(PRIVACY_TOKEN_EXPIRED, "expired");
    TEXT(PRIVACY_TOKEN_POLICY, "policy");
    TEXT(PRIVACY_TOKEN_CATEGORIES, "categories");
    TEXT((privacy_token_status_e) 99, "unknown");

#undef TEXT

    memset(hex, 'x', sizeof(hex));
    privacy_hex(hex, (const unsigned char *) "\x00\x9f\xa0\xff", 3);
    CHECK_STR(hex, 8, "009fa0xx");
    privacy_hex(hex, (const unsigned char *) "\xff", 0);
    CHECK_STR(hex, 8, "009fa0xx");
}


int
main(void)
{
    test_b64();
    test_keys();
    test_round_trip();
    test_tamper();
    test_keys_rotation();
    test_layout();
    test_check();
    test_text();

    return unit_done();
}
