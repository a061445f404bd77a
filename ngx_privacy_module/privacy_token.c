
/*
 * The signed consent token of ngx_privacy_module.
 */


#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "privacy_token.h"


#define PRIVACY_KEY_ID_DOMAIN  "ngx_privacy key id"

#define PRIVACY_TOKEN_OFF_KEY_ID       1
#define PRIVACY_TOKEN_OFF_CONSENT_ID   5
#define PRIVACY_TOKEN_OFF_ISSUED       21
#define PRIVACY_TOKEN_OFF_EXPIRES      29
#define PRIVACY_TOKEN_OFF_FP           37
#define PRIVACY_TOKEN_OFF_GRANTED      45
#define PRIVACY_TOKEN_OFF_POLICY_LEN   49


static void privacy_put64(unsigned char *p, uint64_t v);
static uint64_t privacy_get64(const unsigned char *p);
static int privacy_token_mac(unsigned char *md, const unsigned char *data,
    size_t len, const privacy_key_t *key);


static const char  privacy_b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0xff: not in the alphabet */
static const unsigned char  privacy_b64url_values[256] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,       /*  !"#$%&' */
    0xff, 0xff, 0xff, 0xff, 0xff,   62, 0xff, 0xff,       /* ()*+,-./ */
      52,   53,   54,   55,   56,   57,   58,   59,       /* 01234567 */
      60,   61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,       /* 89:;<=>? */
    0xff,    0,    1,    2,    3,    4,    5,    6,       /* @ABCDEFG */
       7,    8,    9,   10,   11,   12,   13,   14,       /* HIJKLMNO */
      15,   16,   17,   18,   19,   20,   21,   22,       /* PQRSTUVW */
      23,   24,   25, 0xff, 0xff, 0xff, 0xff,   63,       /* XYZ[\]^_ */
    0xff,   26,   27,   28,   29,   30,   31,   32,       /* `abcdefg */
      33,   34,   35,   36,   37,   38,   39,   40,       /* hijklmno */
      41,   42,   43,   44,   45,   46,   47,   48,       /* pqrstuvw */
      49,   50,   51, 0xff, 0xff, 0xff, 0xff, 0xff,       /* xyz{|}~  */

    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};


size_t
privacy_b64url_encoded_len(size_t n)
{
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}


size_t
privacy_b64url_encode(unsigned char *dst, const unsigned char *src, size_t n)
{
    unsigned char  *d;

    d = dst;

    while (n >= 3) {
        *d++ = (unsigned char) privacy_b64url_alphabet[src[0] >> 2];
        *d++ = (unsigned char)
               privacy_b64url_alphabet[((src[0] & 0x03) << 4) | (src[1] >> 4)];
        *d++ = (unsigned char)
               privacy_b64url_alphabet[((src[1] & 0x0f) << 2) | (src[2] >> 6)];
        *d++ = (unsigned char) privacy_b64url_alphabet[src[2] & 0x3f];

        src += 3;
        n -= 3;
    }

    if (n) {
        *d++ = (unsigned char) privacy_b64url_alphabet[src[0] >> 2];

        if (n == 1) {
            *d++ = (unsigned char)
                   privacy_b64url_alphabet[(src[0] & 0x03) << 4];

        } else {
            *d++ = (unsigned char) privacy_b64url_alphabet[
                       ((src[0] & 0x03) << 4) | (src[1] >> 4)];
            *d++ = (unsigned char)
                   privacy_b64url_alphabet[(src[1] & 0x0f) << 2];
        }
    }

    return (size_t) (d - dst);
}


int
privacy_b64url_decode(unsigned char *dst, size_t *dst_len,
    const unsigned char *src, size_t n)
{
    size_t          i, rest;
    unsigned        v[4];
    unsigned char  *d;

    rest = n % 4;

    if (rest == 1) {
        return -1;
    }

    d = dst;

    for (i = 0; i + 4 <= n; i += 4) {
        v[0] = privacy_b64url_values[src[i]];
        v[1] = privacy_b64url_values[src[i + 1]];
        v[2] = privacy_b64url_values[src[i + 2]];
        v[3] = privacy_b64url_values[src[i + 3]];

        if ((v[0] | v[1] | v[2] | v[3]) & 0xc0) {
            return -1;
        }

        *d++ = (unsigned char) (v[0] << 2 | v[1] >> 4);
        *d++ = (unsigned char) (v[1] << 4 | v[2] >> 2);
        *d++ = (unsigned char) (v[2] << 6 | v[3]);
    }

    if (rest) {
        v[0] = privacy_b64url_values[src[i]];
        v[1] = privacy_b64url_values[src[i + 1]];
        v[2] = (rest == 3) ? privacy_b64url_values[src[i + 2]] : 0;

        if ((v[0] | v[1] | v[2]) & 0xc0) {
            return -1;
        }

        /* the bits past the last byte must be zero: one encoding only */

        if (rest == 2) {
            if (v[1] & 0x0f) {
                return -1;
            }

            *d++ = (unsigned char) (v[0] << 2 | v[1] >> 4);

        } else {
            if (v[2] & 0x03) {
                return -1;
            }

            *d++ = (unsigned char) (v[0] << 2 | v[1] >> 4);
            *d++ = (unsigned char) (v[1] << 4 | v[2] >> 2);
        }
    }

    *dst_len = (size_t) (d - dst);

    return 0;
}


int
privacy_key_init(privacy_key_t *k, const unsigned char *key, size_t len)
{
    int            ok;
    EVP_MD_CTX    *ctx;
    unsigned char  md[EVP_MAX_MD_SIZE];

    memset(k->id, 0, sizeof(k->id));
    k->key = key;
    k->key_len = 0;

    if (len < PRIVACY_KEY_MIN_LEN || len > INT_MAX) {
        return -1;
    }

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return -1;
    }

    /* the domain string is hashed with its NUL, as documented */

    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)
         && EVP_DigestUpdate(ctx, PRIVACY_KEY_ID_DOMAIN,
                             sizeof(PRIVACY_KEY_ID_DOMAIN))
         && EVP_DigestUpdate(ctx, key, len)
         && EVP_DigestFinal_ex(ctx, md, NULL);

    EVP_MD_CTX_free(ctx);

    if (!ok) {
        return -1;
    }

    memcpy(k->id, md, PRIVACY_KEY_ID_LEN);
    k->key_len = len;

    return 0;
}


static void
privacy_put64(unsigned char *p, uint64_t v)
{
    int  i;

    for (i = 7; i >= 0; i--) {
        p[i] = (unsigned char) v;
        v >>= 8;
    }
}


static uint64_t
privacy_get64(const unsigned char *p)
{
    int       i;
    uint64_t  v;

    v = 0;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }

    return v;
}


static int
privacy_token_mac(unsigned char *md, const unsigned char *data, size_t len,
    const privacy_key_t *key)
{
    unsigned int  md_len;

    if (key->key_len < PRIVACY_KEY_MIN_LEN || key->key_len > INT_MAX) {
        return -1;
    }

    md_len = 0;

    if (HMAC(EVP_sha256(), key->key, (int) key->key_len, data, len, md,
             &md_len)
        == NULL
        || md_len != PRIVACY_TOKEN_MAC_LEN)
    {
        return -1;
    }

    return 0;
}


size_t
privacy_token_encoded_len(const privacy_token_t *t)
{
    if (t->policy_len > PRIVACY_POLICY_MAX) {
        return 0;
    }

    return privacy_b64url_encoded_len(PRIVACY_TOKEN_HEADER_LEN + t->policy_len
                                      + PRIVACY_TOKEN_MAC_LEN);
}


size_t
privacy_token_encode(unsigned char *out, const privacy_token_t *t,
    const privacy_key_t *key)
{
    size_t         len;
    uint32_t       word;
    unsigned char  raw[PRIVACY_TOKEN_RAW_MAX], md[EVP_MAX_MD_SIZE];

    if (t->policy_len > PRIVACY_POLICY_MAX) {
        return 0;
    }

    word = (t->granted & ~PRIVACY_TOKEN_FLAGS)
           | (t->flags & PRIVACY_TOKEN_FLAGS);

    raw[0] = PRIVACY_TOKEN_FORMAT;
    memcpy(raw + PRIVACY_TOKEN_OFF_KEY_ID, key->id, PRIVACY_KEY_ID_LEN);
    memcpy(raw + PRIVACY_TOKEN_OFF_CONSENT_ID, t->consent_id,
           PRIVACY_CONSENT_ID_LEN);
    privacy_put64(raw + PRIVACY_TOKEN_OFF_ISSUED, t->issued);
    privacy_put64(raw + PRIVACY_TOKEN_OFF_EXPIRES, t->expires);
    privacy_put64(raw + PRIVACY_TOKEN_OFF_FP, t->categories_fp);

    raw[PRIVACY_TOKEN_OFF_GRANTED] = (unsigned char) (word >> 24);
    raw[PRIVACY_TOKEN_OFF_GRANTED + 1] = (unsigned char) (word >> 16);
    raw[PRIVACY_TOKEN_OFF_GRANTED + 2] = (unsigned char) (word >> 8);
    raw[PRIVACY_TOKEN_OFF_GRANTED + 3] = (unsigned char) word;

    raw[PRIVACY_TOKEN_OFF_POLICY_LEN] = (unsigned char) t->policy_len;

    if (t->policy_len) {
        memcpy(raw + PRIVACY_TOKEN_HEADER_LEN, t->policy, t->policy_len);
    }

    len = PRIVACY_TOKEN_HEADER_LEN + t->policy_len;

    if (privacy_token_mac(md, raw, len, key) != 0) {
        return 0;
    }

    memcpy(raw + len, md, PRIVACY_TOKEN_MAC_LEN);

    return privacy_b64url_encode(out, raw, len + PRIVACY_TOKEN_MAC_LEN);
}


privacy_token_status_e
privacy_token_decode(privacy_token_t *t, const unsigned char *in, size_t len,
    const privacy_key_t *keys, size_t nkeys)
{
    int            known, valid;
    size_t         raw_len, policy_len, signed_len, i;
    unsigned char  raw[PRIVACY_TOKEN_RAW_MAX], md[EVP_MAX_MD_SIZE];

    memset(t, 0, sizeof(privacy_token_t));

    /* the length check first keeps the decoded bytes inside raw[] */

    if (len == 0 || len > PRIVACY_TOKEN_ENCODED_MAX
        || privacy_b64url_decode(raw, &raw_len, in, len) != 0)
    {
        return PRIVACY_TOKEN_MALFORMED;
    }

    if (raw[0] != PRIVACY_TOKEN_FORMAT) {
        return PRIVACY_TOKEN_VERSION;
    }

    if (raw_len < PRIVACY_TOKEN_HEADER_LEN + PRIVACY_TOKEN_MAC_LEN) {
        return PRIVACY_TOKEN_MALFORMED;
    }

    policy_len = raw[PRIVACY_TOKEN_OFF_POLICY_LEN];
    signed_len = PRIVACY_TOKEN_HEADER_LEN + policy_len;

    if (policy_len > PRIVACY_POLICY_MAX
        || raw_len != signed_len + PRIVACY_TOKEN_MAC_LEN)
    {
        return PRIVACY_TOKEN_MALFORMED;
    }

    known = 0;
    valid = 0;

    for (i = 0; i < nkeys; i++) {
        if (keys[i].key_len < PRIVACY_KEY_MIN_LEN
            || memcmp(keys[i].id, raw + PRIVACY_TOKEN_OFF_KEY_ID,
                      PRIVACY_KEY_ID_LEN) != 0)
        {
            continue;
        }

        known = 1;

        if (privacy_token_mac(md, raw, signed_len, &keys[i]) != 0) {
            continue;
        }

        if (CRYPTO_memcmp(md, raw + signed_len, PRIVACY_TOKEN_MAC_LEN) == 0) {
            valid = 1;
            break;
        }
    }

    if (!known) {
        return PRIVACY_TOKEN_UNKNOWN_KEY;
    }

    if (!valid) {
        return PRIVACY_TOKEN_BAD_SIGNATURE;
    }

    memcpy(t->key_id, raw + PRIVACY_TOKEN_OFF_KEY_ID, PRIVACY_KEY_ID_LEN);
    memcpy(t->consent_id, raw + PRIVACY_TOKEN_OFF_CONSENT_ID,
           PRIVACY_CONSENT_ID_LEN);
    t->issued = privacy_get64(raw + PRIVACY_TOKEN_OFF_ISSUED);
    t->expires = privacy_get64(raw + PRIVACY_TOKEN_OFF_EXPIRES);
    t->categories_fp = privacy_get64(raw + PRIVACY_TOKEN_OFF_FP);
    t->granted = (uint32_t) raw[PRIVACY_TOKEN_OFF_GRANTED] << 24
                 | (uint32_t) raw[PRIVACY_TOKEN_OFF_GRANTED + 1] << 16
                 | (uint32_t) raw[PRIVACY_TOKEN_OFF_GRANTED + 2] << 8
                 | (uint32_t) raw[PRIVACY_TOKEN_OFF_GRANTED + 3];
    t->flags = t->granted & PRIVACY_TOKEN_FLAGS;
    t->granted &= ~PRIVACY_TOKEN_FLAGS;
    t->policy_len = policy_len;
    memcpy(t->policy, raw + PRIVACY_TOKEN_HEADER_LEN, policy_len);

    return PRIVACY_TOKEN_OK;
}


privacy_token_status_e
privacy_token_check(const privacy_token_t *t, uint64_t now,
    const unsigned char *policy, size_t policy_len, uint64_t categories_fp)
{
    if (t->issued > t->expires
        || (now <= UINT64_MAX - PRIVACY_TOKEN_MAX_SKEW
            && t->issued > now + PRIVACY_TOKEN_MAX_SKEW))
    {
        return PRIVACY_TOKEN_MALFORMED;
    }

    if (now >= t->expires) {
        return PRIVACY_TOKEN_EXPIRED;
    }

    if (policy_len != t->policy_len
        || (policy_len && memcmp(policy, t->policy, policy_len) != 0))
    {
        return PRIVACY_TOKEN_POLICY;
    }

    if (categories_fp != t->categories_fp) {
        return PRIVACY_TOKEN_CATEGORIES;
    }

    return PRIVACY_TOKEN_OK;
}


const char *
privacy_token_status_text(privacy_token_status_e status)
{
    switch (status) {

    case PRIVACY_TOKEN_OK:
        return "ok";

    case PRIVACY_TOKEN_MALFORMED:
        return "malformed";

    case PRIVACY_TOKEN_VERSION:
        return "version";

    case PRIVACY_TOKEN_UNKNOWN_KEY:
        return "unknown_key";

    case PRIVACY_TOKEN_BAD_SIGNATURE:
        return "bad_signature";

    case PRIVACY_TOKEN_EXPIRED:
        return "expired";

    case PRIVACY_TOKEN_POLICY:
        return "policy";

    case PRIVACY_TOKEN_CATEGORIES:
        return "categories";
    }

    return "unknown";
}


void
privacy_hex(unsigned char *dst, const unsigned char *src, size_t n)
{
    static const char  hex[] = "0123456789abcdef";

    while (n--) {
        *dst++ = (unsigned char) hex[*src >> 4];
        *dst++ = (unsigned char) hex[*src++ & 0x0f];
    }
}
