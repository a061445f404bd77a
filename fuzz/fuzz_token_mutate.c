
/*
 * Mints a valid consent token with a fixed key, applies the edits the
 * input describes to its cookie value, and decodes the result: a token
 * that differs from the minted one in any byte or in length must NEVER
 * verify (base64url is decoded strictly, so there is exactly one
 * encoding of each payload), and the minted one always must.
 *
 * Input: byte 0 picks the policy length and the granted bits; then
 * 3-byte edits (op, position, byte): op % 4 is replace, insert, delete or
 * xor at position % length.
 */


#include "fuzz.h"
#include "privacy_token.h"


#define FUZZ_TOKEN_MAX  (2 * PRIVACY_TOKEN_ENCODED_MAX)


static const unsigned char  fuzz_key[] =
    "fuzz mutation key: fixed, at least 32 bytes long, not secret";
static const unsigned char  fuzz_other[] =
    "another key that is configured first and never signed it..";


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              rc;
    size_t           i, len, mlen, pos;
    unsigned char    orig[PRIVACY_TOKEN_ENCODED_MAX];
    unsigned char    buf[FUZZ_TOKEN_MAX], *in;
    privacy_key_t    keys[2];
    privacy_token_t  t, d;

    if (size == 0) {
        return 0;
    }

    if (privacy_key_init(&keys[0], fuzz_other, sizeof(fuzz_other) - 1) != 0
        || privacy_key_init(&keys[1], fuzz_key, sizeof(fuzz_key) - 1) != 0)
    {
        abort();
    }

    memset(&t, 0, sizeof(t));
    for (i = 0; i < PRIVACY_CONSENT_ID_LEN; i++) {
        t.consent_id[i] = (unsigned char) (i * 17 + 3);
    }
    t.issued = 1700000000;
    t.expires = 1700000000 + 180 * 86400;
    t.categories_fp = 0x0123456789abcdefULL;
    t.granted = data[0] & 0x0f;
    t.policy_len = (data[0] >> 2) % (PRIVACY_POLICY_MAX + 1);
    memset(t.policy, 'v', t.policy_len);

    len = privacy_token_encode(orig, &t, &keys[1]);
    FUZZ_CHECK(len == privacy_token_encoded_len(&t) && len > 0);

    memcpy(buf, orig, len);
    mlen = len;

    for (i = 1; i + 3 <= size; i += 3) {
        pos = mlen ? data[i + 1] % (mlen + 1) : 0;

        switch (data[i] % 4) {

        case 0:
            if (pos < mlen) {
                buf[pos] = data[i + 2];
            }
            break;

        case 1:
            if (mlen < FUZZ_TOKEN_MAX) {
                memmove(buf + pos + 1, buf + pos, mlen - pos);
                buf[pos] = data[i + 2];
                mlen++;
            }
            break;

        case 2:
            if (pos < mlen) {
                memmove(buf + pos, buf + pos + 1, mlen - pos - 1);
                mlen--;
            }
            break;

        default:
            if (pos < mlen) {
                buf[pos] ^= data[i + 2];
            }
            break;
        }
    }

    in = fuzz_dup(buf, mlen);
    rc = privacy_token_decode(&d, in, mlen, keys, 2);
    free(in);

    if (mlen == len && memcmp(buf, orig, len) == 0) {
        FUZZ_CHECK(rc == PRIVACY_TOKEN_OK);
        FUZZ_CHECK(d.granted == t.granted && d.issued == t.issued
                   && d.expires == t.expires
                   && d.categories_fp == t.categories_fp
                   && d.policy_len == t.policy_len
                   && memcmp(d.policy, t.policy, t.policy_len) == 0
                   && memcmp(d.consent_id, t.consent_id,
                             PRIVACY_CONSENT_ID_LEN) == 0
                   && memcmp(d.key_id, keys[1].id, PRIVACY_KEY_ID_LEN) == 0);

    } else {
        /* a forgery, or a second encoding of the same payload */
        FUZZ_CHECK(rc != PRIVACY_TOKEN_OK);
    }

    return 0;
}
