
/*
 * Fuzzes the consent token decoder with arbitrary bytes:
 * privacy_b64url_decode() (strict, so a decoded value re-encodes to the
 * very input), privacy_token_decode() with two keys, and
 * privacy_token_check() on a token whose fields come from the input.
 */


#include "fuzz.h"
#include "privacy_token.h"


static const unsigned char  fuzz_key1[] =
    "fuzz key one: 32 bytes or more, fixed for reproducible runs";
static const unsigned char  fuzz_key2[] =
    "fuzz key two: another key, so that key lookup has a choice";


static uint64_t
fuzz_get64(const uint8_t *p)
{
    uint64_t  v;
    int       i;

    v = 0;
    for (i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }

    return v;
}


static void
fuzz_check(const uint8_t *data, size_t size)
{
    int                     rc, ref;
    size_t                  plen;
    uint64_t                now, fp;
    privacy_token_t         t;
    const unsigned char    *policy;

    /* now, fp, issued, expires, categories fp: 40 bytes, then the policy */
    if (size < 40) {
        return;
    }

    memset(&t, 0, sizeof(t));
    /* a clock before 2^63: the skew addition cannot wrap */
    now = fuzz_get64(data) & INT64_MAX;
    fp = fuzz_get64(data + 8);
    t.issued = fuzz_get64(data + 16);
    t.expires = fuzz_get64(data + 24);
    t.categories_fp = (data[32] & 1) ? fp : fuzz_get64(data + 32);

    plen = (size - 40) / 2;
    if (plen > PRIVACY_POLICY_MAX) {
        plen = PRIVACY_POLICY_MAX;
    }

    t.policy_len = plen;
    memcpy(t.policy, data + 40, plen);
    policy = data + 40 + plen;   /* as long as the token's one, or less */
    if (data[39] & 1) {
        policy = t.policy;
    }

    rc = privacy_token_check(&t, now, policy, plen, fp);

    /* the order privacy_token.h documents */
    if (t.issued > t.expires || t.issued > now + PRIVACY_TOKEN_MAX_SKEW) {
        ref = PRIVACY_TOKEN_MALFORMED;

    } else if (now >= t.expires) {
        ref = PRIVACY_TOKEN_EXPIRED;

    } else if (memcmp(t.policy, policy, plen) != 0) {
        ref = PRIVACY_TOKEN_POLICY;

    } else if (t.categories_fp != fp) {
        ref = PRIVACY_TOKEN_CATEGORIES;

    } else {
        ref = PRIVACY_TOKEN_OK;
    }

    FUZZ_CHECK(rc == ref);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                     rc;
    size_t                  n, m;
    unsigned char          *in, *raw, *enc;
    const char             *text;
    privacy_key_t           keys[2];
    privacy_token_t         t;

    in = fuzz_dup(data, size);

    /* base64url: strict, so decoding then encoding gives the input back */
    raw = fuzz_alloc(size * 3 / 4);
    rc = privacy_b64url_decode(raw, &n, in, size);
    FUZZ_CHECK(rc == 0 || rc == -1);

    if (rc == 0) {
        FUZZ_CHECK(n <= size * 3 / 4);
        FUZZ_CHECK(privacy_b64url_encoded_len(n) == size);
        enc = fuzz_alloc(size);
        m = privacy_b64url_encode(enc, raw, n);
        FUZZ_CHECK(m == size && memcmp(enc, in, size) == 0);
        free(enc);
    }

    free(raw);

    /* the token: never OK for bytes nobody signed */
    if (privacy_key_init(&keys[0], fuzz_key1, sizeof(fuzz_key1) - 1) != 0
        || privacy_key_init(&keys[1], fuzz_key2, sizeof(fuzz_key2) - 1) != 0)
    {
        abort();
    }

    memset(&t, 0xa5, sizeof(t));
    rc = privacy_token_decode(&t, in, size, keys, 2);

    FUZZ_CHECK(rc >= PRIVACY_TOKEN_OK && rc <= PRIVACY_TOKEN_CATEGORIES);
    FUZZ_CHECK(rc == PRIVACY_TOKEN_MALFORMED || rc == PRIVACY_TOKEN_VERSION
               || rc == PRIVACY_TOKEN_UNKNOWN_KEY
               || rc == PRIVACY_TOKEN_BAD_SIGNATURE);

    /* zeroed when not OK (field by field: padding may keep the 0xa5) */
    n = t.issued | t.expires | t.categories_fp | t.granted | t.flags
        | t.policy_len;
    for (m = 0; m < PRIVACY_KEY_ID_LEN; m++) {
        n |= t.key_id[m];
    }
    for (m = 0; m < PRIVACY_CONSENT_ID_LEN; m++) {
        n |= t.consent_id[m];
    }
    for (m = 0; m < PRIVACY_POLICY_MAX; m++) {
        n |= t.policy[m];
    }
    FUZZ_CHECK(n == 0);

    text = privacy_token_status_text((privacy_token_status_e) rc);
    FUZZ_CHECK(text != NULL && strcmp(text, "unknown") != 0);

    if (size) {
        text = privacy_token_status_text((privacy_token_status_e) data[0]);
        FUZZ_CHECK(text != NULL);
    }

    free(in);

    fuzz_check(data, size);

    return 0;
}
