
/*
 * privacy-mint: mints and decodes consent tokens with the module's own
 * core code, for the nginx test suites and for debugging.
 *
 *   privacy-mint --key-file F [--policy V]
 *       [--categories necessary:essential,analytics,marketing]
 *       [--grant analytics,marketing | --grant none | --grant all]
 *       [--issued UNIX] [--expires UNIX | --ttl SECONDS] [--id HEX32]
 *       [--gpc]
 *
 *   privacy-mint --decode --key-file F [--key-file G ...] [--policy V]
 *       [--categories ...] [--now UNIX] TOKEN
 *
 * Defaults: categories "necessary:essential,analytics,marketing", grant
 * all of them, empty policy, issued now, ttl 180 days, a random id.  The
 * key is the key file's content with surrounding whitespace trimmed.
 * Exit status: 0 ok, 1 a token that does not decode, 2 usage or I/O error.
 */


#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "privacy_match.h"
#include "privacy_token.h"


#define MINT_KEYS_MAX       8
#define MINT_KEY_FILE_MAX   4096
#define MINT_DEFAULT_TTL    (180 * 24 * 3600)
#define MINT_DEFAULT_CATS   "necessary:essential,analytics,marketing"


typedef struct {
    privacy_category_desc_t  cats[PRIVACY_MAX_CATEGORIES];
    size_t                   ncats;
} mint_categories_t;


static int mint_usage(const char *msg, const char *arg);
static int mint_read_key(const char *file, unsigned char *buf,
    privacy_key_t *key);
static int mint_number(const char *s, uint64_t *v);
static int mint_categories(char *list, mint_categories_t *mc);
static int mint_grant(char *list, const mint_categories_t *mc,
    uint32_t *granted);
static int mint_hex_id(const char *s, unsigned char *id);
static int mint_decode(const char *token, const privacy_key_t *keys,
    size_t nkeys, const mint_categories_t *mc, const char *policy,
    uint64_t now);


static unsigned char  mint_key_bufs[MINT_KEYS_MAX][MINT_KEY_FILE_MAX];


static int
mint_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "privacy-mint: %s%s%s\n", msg, arg ? ": " : "",
            arg ? arg : "");
    fprintf(stderr,
        "usage: privacy-mint --key-file F [--policy V] [--categories LIST]\n"
        "           [--grant LIST|none|all] [--issued UNIX]\n"
        "           [--expires UNIX | --ttl SECONDS] [--id HEX32]\n"
        "       privacy-mint --decode --key-file F [--key-file G ...]\n"
        "           [--policy V] [--categories LIST] [--now UNIX] TOKEN\n"
        "LIST: name[:essential],... (default " MINT_DEFAULT_CATS ")\n");

    return 2;
}


static int
mint_read_key(const char *file, unsigned char *buf, privacy_key_t *key)
{
    FILE           *f;
    size_t          n;
    unsigned char  *s, *e;

    f = fopen(file, "rb");
    if (f == NULL) {
        fprintf(stderr, "privacy-mint: %s: %s\n", file, strerror(errno));
        return -1;
    }

    n = fread(buf, 1, MINT_KEY_FILE_MAX, f);

    if (ferror(f) || !feof(f)) {
        fprintf(stderr, "privacy-mint: %s: read error or larger than %d "
                "bytes\n", file, MINT_KEY_FILE_MAX - 1);
        fclose(f);
        return -1;
    }

    fclose(f);

    s = buf;
    e = buf + n;

    while (s < e && isspace(*s)) {
        s++;
    }

    while (e > s && isspace(e[-1])) {
        e--;
    }

    if (privacy_key_init(key, s, (size_t) (e - s)) != 0) {
        fprintf(stderr, "privacy-mint: %s: the key must be at least %d "
                "bytes\n", file, PRIVACY_KEY_MIN_LEN);
        return -1;
    }

    return 0;
}


static int
mint_number(const char *s, uint64_t *v)
{
    uint64_t  n;

    if (*s == '\0') {
        return -1;
    }

    for (n = 0; *s; s++) {
        if (*s < '0' || *s > '9' || n > (UINT64_MAX - 9) / 10) {
            return -1;
        }

        n = n * 10 + (uint64_t) (*s - '0');
    }

    *v = n;

    return 0;
}


/* "necessary:essential,analytics": names point into list, which is cut */

static int
mint_categories(char *list, mint_categories_t *mc)
{
    char    *name, *next, *flag;
    size_t   i;

    mc->ncats = 0;

    for (name = list; name; name = next) {
        next = strchr(name, ',');
        if (next) {
            *next++ = '\0';
        }

        flag = strchr(name, ':');
        if (flag) {
            *flag++ = '\0';

            if (strcmp(flag, "essential") != 0) {
                return mint_usage("unknown category flag", flag);
            }
        }

        if (*name == '\0') {
            return mint_usage("empty category name", NULL);
        }

        for (i = 0; i < mc->ncats; i++) {
            if (strcmp((const char *) mc->cats[i].name, name) == 0) {
                return mint_usage("duplicate category", name);
            }
        }

        if (mc->ncats == PRIVACY_MAX_CATEGORIES) {
            return mint_usage("too many categories", NULL);
        }

        mc->cats[mc->ncats].name = (const unsigned char *) name;
        mc->cats[mc->ncats].name_len = strlen(name);
        mc->cats[mc->ncats].essential = flag ? 1 : 0;
        mc->ncats++;
    }

    return 0;
}


static int
mint_grant(char *list, const mint_categories_t *mc, uint32_t *granted)
{
    char    *name, *next;
    size_t   i;

    *granted = 0;

    if (strcmp(list, "none") == 0) {
        return 0;
    }

    if (strcmp(list, "all") == 0) {
        for (i = 0; i < mc->ncats; i++) {
            *granted |= (uint32_t) 1 << i;
        }

        return 0;
    }

    for (name = list; name; name = next) {
        next = strchr(name, ',');
        if (next) {
            *next++ = '\0';
        }

        for (i = 0; i < mc->ncats; i++) {
            if (strcmp((const char *) mc->cats[i].name, name) == 0) {
                break;
            }
        }

        if (i == mc->ncats) {
            return mint_usage("--grant names an unknown category", name);
        }

        *granted |= (uint32_t) 1 << i;
    }

    return 0;
}


static int
mint_hex_id(const char *s, unsigned char *id)
{
    int     hi, lo;
    size_t  i;

    if (strlen(s) != 2 * PRIVACY_CONSENT_ID_LEN) {
        return -1;
    }

    for (i = 0; i < PRIVACY_CONSENT_ID_LEN; i++) {
        hi = (unsigned char) s[2 * i];
        lo = (unsigned char) s[2 * i + 1];

        if (!isxdigit(hi) || !isxdigit(lo)) {
            return -1;
        }

        hi = (hi <= '9') ? hi - '0' : (hi | 0x20) - 'a' + 10;
        lo = (lo <= '9') ? lo - '0' : (lo | 0x20) - 'a' + 10;

        id[i] = (unsigned char) (hi << 4 | lo);
    }

    return 0;
}


static int
mint_decode(const char *token, const privacy_key_t *keys, size_t nkeys,
    const mint_categories_t *mc, const char *policy, uint64_t now)
{
    size_t                   i;
    uint64_t                 fp;
    unsigned char            hex[2 * PRIVACY_CONSENT_ID_LEN];
    privacy_token_t          t;
    privacy_token_status_e   rc;

    rc = privacy_token_decode(&t, (const unsigned char *) token,
                              strlen(token), keys, nkeys);

    printf("status: %s\n", privacy_token_status_text(rc));

    if (rc != PRIVACY_TOKEN_OK) {
        return 1;
    }

    privacy_hex(hex, t.key_id, PRIVACY_KEY_ID_LEN);
    printf("key_id: %.*s\n", 2 * PRIVACY_KEY_ID_LEN, hex);

    privacy_hex(hex, t.consent_id, PRIVACY_CONSENT_ID_LEN);
    printf("consent_id: %.*s\n", 2 * PRIVACY_CONSENT_ID_LEN, hex);

    printf("issued: %llu\n", (unsigned long long) t.issued);
    printf("expires: %llu\n", (unsigned long long) t.expires);
    printf("categories_fp: %016llx\n", (unsigned long long) t.categories_fp);
    printf("granted: 0x%08lx", (unsigned long) t.granted);

    for (i = 0; i < mc->ncats; i++) {
        if (t.granted & ((uint32_t) 1 << i)) {
            printf(" %s", (const char *) mc->cats[i].name);
        }
    }

    printf("\npolicy: %.*s\n", (int) t.policy_len, (const char *) t.policy);
    printf("gpc: %d\n", (t.flags & PRIVACY_TOKEN_FLAG_GPC) ? 1 : 0);

    fp = privacy_categories_fingerprint(mc->cats, mc->ncats);
    rc = privacy_token_check(&t, now, (const unsigned char *) policy,
                             strlen(policy), fp);

    printf("check: %s\n", privacy_token_status_text(rc));

    return 0;
}


int
main(int argc, char **argv)
{
    int                 i, decode, have_expires, have_ttl;
    char               *cats_list, *grant, *policy, *token;
    size_t              nkeys, n;
    uint64_t            now, ttl;
    privacy_key_t       keys[MINT_KEYS_MAX];
    privacy_token_t     t;
    mint_categories_t   mc;
    unsigned char       out[PRIVACY_TOKEN_ENCODED_MAX];
    static char         default_cats[] = MINT_DEFAULT_CATS;
    static char         default_grant[] = "all";

    memset(&t, 0, sizeof(t));

    decode = 0;
    have_expires = 0;
    have_ttl = 0;
    cats_list = default_cats;
    grant = default_grant;
    policy = "";
    token = NULL;
    nkeys = 0;
    now = (uint64_t) time(NULL);
    ttl = MINT_DEFAULT_TTL;
    t.issued = now;

    if (RAND_bytes(t.consent_id, PRIVACY_CONSENT_ID_LEN) != 1) {
        fprintf(stderr, "privacy-mint: RAND_bytes() failed\n");
        return 2;
    }

    for (i = 1; i < argc; i++) {

        if (strcmp(argv[i], "--decode") == 0) {
            decode = 1;
            continue;
        }

        if (strcmp(argv[i], "--gpc") == 0) {
            t.flags |= PRIVACY_TOKEN_FLAG_GPC;
            continue;
        }

        if (argv[i][0] != '-' || argv[i][1] != '-') {
            if (token) {
                return mint_usage("more than one token", argv[i]);
            }

            token = argv[i];
            continue;
        }

        if (i + 1 == argc) {
            return mint_usage("missing value for", argv[i]);
        }

        if (strcmp(argv[i], "--key-file") == 0) {
            if (nkeys == MINT_KEYS_MAX) {
                return mint_usage("too many keys", NULL);
            }

            if (mint_read_key(argv[++i], mint_key_bufs[nkeys], &keys[nkeys])
                != 0)
            {
                return 2;
            }

            nkeys++;

        } else if (strcmp(argv[i], "--policy") == 0) {
            policy = argv[++i];

        } else if (strcmp(argv[i], "--categories") == 0) {
            cats_list = argv[++i];

        } else if (strcmp(argv[i], "--grant") == 0) {
            grant = argv[++i];

        } else if (strcmp(argv[i], "--issued") == 0) {
            if (mint_number(argv[++i], &t.issued) != 0) {
                return mint_usage("bad --issued", argv[i]);
            }

        } else if (strcmp(argv[i], "--expires") == 0) {
            if (mint_number(argv[++i], &t.expires) != 0) {
                return mint_usage("bad --expires", argv[i]);
            }

            have_expires = 1;

        } else if (strcmp(argv[i], "--ttl") == 0) {
            if (mint_number(argv[++i], &ttl) != 0) {
                return mint_usage("bad --ttl", argv[i]);
            }

            have_ttl = 1;

        } else if (strcmp(argv[i], "--now") == 0) {
            if (mint_number(argv[++i], &now) != 0) {
                return mint_usage("bad --now", argv[i]);
            }

        } else if (strcmp(argv[i], "--id") == 0) {
            if (mint_hex_id(argv[++i], t.consent_id) != 0) {
                return mint_usage("--id wants 32 hex digits", argv[i]);
            }

        } else {
            return mint_usage("unknown option", argv[i]);
        }
    }

    if (nkeys == 0) {
        return mint_usage("--key-file is required", NULL);
    }

    if (have_expires && have_ttl) {
        return mint_usage("--expires and --ttl exclude each other", NULL);
    }

    if (mint_categories(cats_list, &mc) != 0) {
        return 2;
    }

    if (decode) {
        if (token == NULL) {
            return mint_usage("--decode wants a TOKEN", NULL);
        }

        return mint_decode(token, keys, nkeys, &mc, policy, now);
    }

    if (token) {
        return mint_usage("a TOKEN without --decode", token);
    }

    if (mint_grant(grant, &mc, &t.granted) != 0) {
        return 2;
    }

    if (!have_expires) {
        if (t.issued > UINT64_MAX - ttl) {
            return mint_usage("--issued + --ttl overflows", NULL);
        }

        t.expires = t.issued + ttl;
    }

    n = strlen(policy);

    if (n > PRIVACY_POLICY_MAX) {
        return mint_usage("--policy is too long", policy);
    }

    memcpy(t.policy, policy, n);
    t.policy_len = n;
    t.categories_fp = privacy_categories_fingerprint(mc.cats, mc.ncats);

    /* the first --key-file signs */

    n = privacy_token_encode(out, &t, &keys[0]);
    if (n == 0) {
        fprintf(stderr, "privacy-mint: encoding failed\n");
        return 2;
    }

    printf("%.*s\n", (int) n, (const char *) out);

    return 0;
}
