
/*
 * The signed consent token of ngx_privacy_module: the consent cookie's
 * value.
 *
 * Server-agnostic core: plain C99, pointers and lengths; the only
 * dependency is OpenSSL libcrypto (HMAC-SHA256, SHA-256, CRYPTO_memcmp).
 *
 * Binary payload, all integers big-endian:
 *
 *     offset  size
 *          0     1   format version, PRIVACY_TOKEN_FORMAT (1)
 *          1     4   key id
 *          5    16   consent id
 *         21     8   issued, unix seconds
 *         29     8   expires, unix seconds
 *         37     8   categories fingerprint
 *         45     4   granted bits 0 .. 29, flags in bits 30 and 31
 *         49     1   policy length, 0 .. PRIVACY_POLICY_MAX
 *         50     n   policy bytes
 *       50+n    32   HMAC-SHA256 over bytes 0 .. 50+n-1
 *
 * Bits 30 and 31 of the granted word were always 0 (PRIVACY_MAX_CATEGORIES
 * is 30): a token issued before the flags existed reads as having none.
 *
 * The cookie value is base64url (no padding) of all of it: 110 characters
 * with an empty policy, at most PRIVACY_TOKEN_ENCODED_MAX.
 */


#ifndef PRIVACY_TOKEN_H_INCLUDED_
#define PRIVACY_TOKEN_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


#define PRIVACY_TOKEN_FORMAT       1
#define PRIVACY_POLICY_MAX         64
#define PRIVACY_KEY_MIN_LEN        32
#define PRIVACY_KEY_ID_LEN         4
#define PRIVACY_CONSENT_ID_LEN     16
#define PRIVACY_TOKEN_MAC_LEN      32
#define PRIVACY_TOKEN_HEADER_LEN   50
#define PRIVACY_TOKEN_RAW_MAX                                                \
    (PRIVACY_TOKEN_HEADER_LEN + PRIVACY_POLICY_MAX + PRIVACY_TOKEN_MAC_LEN)
#define PRIVACY_TOKEN_ENCODED_MAX  ((PRIVACY_TOKEN_RAW_MAX * 4 + 2) / 3)

/* the flags in the granted word: the decision came with Sec-GPC: 1 */
#define PRIVACY_TOKEN_FLAG_GPC     0x80000000
#define PRIVACY_TOKEN_FLAGS        0xc0000000

/* how far in the future "issued" may be: clocks of a cluster drift */
#define PRIVACY_TOKEN_MAX_SKEW     300


typedef enum {
    PRIVACY_TOKEN_OK = 0,
    PRIVACY_TOKEN_MALFORMED,
    PRIVACY_TOKEN_VERSION,
    PRIVACY_TOKEN_UNKNOWN_KEY,
    PRIVACY_TOKEN_BAD_SIGNATURE,
    PRIVACY_TOKEN_EXPIRED,
    PRIVACY_TOKEN_POLICY,
    PRIVACY_TOKEN_CATEGORIES
} privacy_token_status_e;


typedef struct {
    unsigned char            id[PRIVACY_KEY_ID_LEN];
    const unsigned char     *key;       /* not copied: the caller keeps it */
    size_t                   key_len;
} privacy_key_t;


typedef struct {
    unsigned char            key_id[PRIVACY_KEY_ID_LEN];
    unsigned char            consent_id[PRIVACY_CONSENT_ID_LEN];
    uint64_t                 issued;
    uint64_t                 expires;
    uint64_t                 categories_fp;
    uint32_t                 granted;   /* bit i: category i (config order) */
    uint32_t                 flags;     /* PRIVACY_TOKEN_FLAG_* */
    size_t                   policy_len;
    unsigned char            policy[PRIVACY_POLICY_MAX];
} privacy_token_t;


/*
 * base64url (RFC 4648 section 5) without padding.
 *
 * privacy_b64url_encoded_len() is the exact output length for n input
 * bytes; privacy_b64url_encode() writes it to dst and returns it.
 *
 * privacy_b64url_decode() is strict: any byte outside the alphabet
 * (padding '=' and whitespace included), a length of 4k+1, or non-zero
 * unused bits in the last character make it return -1.  dst must hold
 * n * 3 / 4 bytes.  Returns 0 with *dst_len set, or -1 (dst clobbered).
 */
size_t privacy_b64url_encoded_len(size_t n);
size_t privacy_b64url_encode(unsigned char *dst, const unsigned char *src,
    size_t n);
int privacy_b64url_decode(unsigned char *dst, size_t *dst_len,
    const unsigned char *src, size_t n);

/*
 * Fills k->id with the first 4 bytes of SHA-256("ngx_privacy key id\0" ||
 * key): it depends on the key only, so keys may be reordered or rotated.
 * The key is referenced, not copied.  Returns 0, or -1 when the key is
 * shorter than PRIVACY_KEY_MIN_LEN or the digest failed (k->id is then
 * zeroed and k->key_len is 0: such a key never signs nor verifies).
 */
int privacy_key_init(privacy_key_t *k, const unsigned char *key, size_t len);

/*
 * The exact length of the encoded token, or 0 when t->policy_len is
 * larger than PRIVACY_POLICY_MAX.
 */
size_t privacy_token_encoded_len(const privacy_token_t *t);

/*
 * Signs t with key and writes the cookie value to out, which must hold
 * privacy_token_encoded_len(t) bytes.  The key id is taken from key (the
 * one in t is ignored).  Returns the length written, or 0 on failure: the
 * policy too long, a key shorter than PRIVACY_KEY_MIN_LEN, HMAC failure.
 */
size_t privacy_token_encode(unsigned char *out, const privacy_token_t *t,
    const privacy_key_t *key);

/*
 * Parses and verifies a cookie value.  Any input is safe: nothing is read
 * outside in[0 .. len).  Checks, in order: length and alphabet
 * (MALFORMED), the version byte (VERSION), the exact length
 * implied by the policy length (MALFORMED), a configured key with the
 * token's key id (UNKNOWN_KEY), then the HMAC compared in constant time
 * (BAD_SIGNATURE; if several keys share the id, any of them may verify).
 * t is filled only on PRIVACY_TOKEN_OK and zeroed otherwise.  Expiry,
 * policy and categories are privacy_token_check()'s job.
 */
privacy_token_status_e privacy_token_decode(privacy_token_t *t,
    const unsigned char *in, size_t len, const privacy_key_t *keys,
    size_t nkeys);

/*
 * Checks a verified token against the current configuration, in order:
 *
 *   MALFORMED   issued > expires, or issued > now + PRIVACY_TOKEN_MAX_SKEW:
 *               only we sign tokens, so such a token was minted by a
 *               broken clock or by hand; refuse it rather than trust it
 *               until some far future;
 *   EXPIRED     now >= expires;
 *   POLICY      the policy differs (bytewise) from the configured one;
 *   CATEGORIES  the categories fingerprint differs.
 *
 * Returns PRIVACY_TOKEN_OK when all pass.
 */
privacy_token_status_e privacy_token_check(const privacy_token_t *t,
    uint64_t now, const unsigned char *policy, size_t policy_len,
    uint64_t categories_fp);

/*
 * Short lowercase reasons for logs and metric labels: "ok", "malformed",
 * "version", "unknown_key", "bad_signature", "expired", "policy",
 * "categories"; "unknown" for values outside the enum.
 */
const char *privacy_token_status_text(privacy_token_status_e status);

/* writes 2 * n lowercase hex digits to dst, no terminating NUL */
void privacy_hex(unsigned char *dst, const unsigned char *src, size_t n);


#endif /* PRIVACY_TOKEN_H_INCLUDED_ */
