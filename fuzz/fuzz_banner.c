
/*
 * Fuzzes the streaming banner tag matcher: a page split at cut points
 * taken from the input must give, byte for byte, what the one-buffer
 * reference gives (privacy_banner_insert() with ncuts 0).  The split run
 * is done twice: by privacy_banner_insert() with the cuts, and by a
 * driver written here from the contract in privacy_banner.h, each buffer
 * an exactly sized heap copy (ASan sees a read past it) and pre/post
 * copied before the next call, as callers must.  Also checks the HTML
 * and JSON escapers' length contract, and the banner's return path for
 * the page's bytes as a request target.  Built with PRIVACY_BANNER_CHECK,
 * the matcher compares its fast scan with a byte-by-byte reference on
 * every call, and a page fed a byte at a time compares them at every byte.
 *
 * The same cuts go through Consent Mode's matcher (privacy_consent_mode.c),
 * which must agree with its one-buffer run, put its tag in once at most,
 * and only at a point: after a '>' or before "<script".
 *
 * Input: byte 0: bit 0 BODY_START/BODY_END, bits 1-4 the number of cuts;
 * then two bytes per cut (big-endian offset modulo the page length + 1);
 * the rest is the page.
 */


#include "fuzz.h"
#include "privacy_banner.h"
#include "privacy_consent_mode.h"

#include <strings.h>


#define FUZZ_BANNER  "<div id=\"consent\">[banner]</div>"
#define FUZZ_NCUTS   15
#define FUZZ_TAG     "<script src=\"/c.js\"></script>"

/* pages up to this long are also fed a byte at a time */
#define FUZZ_BYTEWISE_MAX  4096


/* memcpy() wants valid pointers even for 0 bytes; pre and buf may be NULL */
static unsigned char *
fuzz_cpy(unsigned char *dst, const unsigned char *src, size_t n)
{
    if (n) {
        memcpy(dst, src, n);
    }

    return dst + n;
}


static size_t
fuzz_stream(unsigned char *dst, const unsigned char *page, size_t len,
    int where, const size_t *cuts, size_t ncuts, int *found)
{
    size_t                   i, j, from, to, n, sorted[FUZZ_NCUTS + 1];
    size_t                   held_len;
    unsigned char           *buf, *o;
    const unsigned char     *held;
    privacy_banner_t         m;
    privacy_banner_result_t  r;

    /* buffers in page order: the cuts sorted */
    for (i = 0; i < ncuts; i++) {
        for (j = i; j > 0 && sorted[j - 1] > cuts[i]; j--) {
            sorted[j] = sorted[j - 1];
        }
        sorted[j] = cuts[i];
    }
    sorted[ncuts] = len;

    privacy_banner_init(&m, where);
    o = dst;
    *found = 0;
    from = 0;

    for (i = 0; i <= ncuts; i++) {
        to = sorted[i];
        n = to - from;
        buf = n ? fuzz_dup(page + from, n) : NULL;

        privacy_banner_scan(&m, buf, n, &r);

        FUZZ_CHECK(r.pass <= n);
        FUZZ_CHECK(r.pre_len <= PRIVACY_BANNER_HELD_MAX);
        FUZZ_CHECK(r.post_len <= PRIVACY_BANNER_HELD_MAX);
        FUZZ_CHECK(r.found == 0 || r.found == 1);

        if (where == PRIVACY_BANNER_BODY_START) {
            FUZZ_CHECK(r.pre_len == 0 && r.post_len == 0);
            FUZZ_CHECK(r.found || r.pass == n);
        }

        if (*found) {
            /* done: everything passes */
            FUZZ_CHECK(!r.found && r.pre_len == 0 && r.pass == n);
        }

        o = fuzz_cpy(o, r.pre, r.pre_len);
        o = fuzz_cpy(o, buf, r.pass);

        if (r.found) {
            *found = 1;
            o = fuzz_cpy(o, (const unsigned char *) FUZZ_BANNER,
                         sizeof(FUZZ_BANNER) - 1);
            o = fuzz_cpy(o, r.post, r.post_len);
            o = fuzz_cpy(o, buf + r.pass, n - r.pass);
        }

        free(buf);
        from = to;
    }

    if (!*found) {
        held_len = privacy_banner_finish(&m, &held);
        FUZZ_CHECK(held_len <= PRIVACY_BANNER_HELD_MAX);
        o = fuzz_cpy(o, held, held_len);
    }

    return o - dst;
}


static void
fuzz_consent_mode(const unsigned char *page, size_t len, const size_t *cuts,
    size_t ncuts)
{
    int             found, f;
    size_t          n, m, cap, at;
    unsigned char  *ref, *out;

    cap = len + sizeof(FUZZ_TAG) - 1;
    ref = fuzz_alloc(cap);
    out = fuzz_alloc(cap);

    n = privacy_consent_mode_insert(ref, page, len,
                                    (const unsigned char *) FUZZ_TAG,
                                    sizeof(FUZZ_TAG) - 1, NULL, 0, &found);
    FUZZ_CHECK(n == (found ? cap : len));

    if (!found) {
        FUZZ_CHECK(len == 0 || memcmp(ref, page, len) == 0);

    } else {
        /* the page around the tag is the page */
        for (at = 0; at <= len; at++) {
            if (memcmp(ref + at, FUZZ_TAG, sizeof(FUZZ_TAG) - 1) == 0
                && (at == 0 || memcmp(ref, page, at) == 0)
                && memcmp(ref + at + sizeof(FUZZ_TAG) - 1, page + at,
                          len - at) == 0)
            {
                break;
            }
        }

        FUZZ_CHECK(at <= len);
        FUZZ_CHECK((at > 0 && page[at - 1] == '>')
                   || (len - at > 7
                       && strncasecmp((const char *) page + at, "<script",
                                      7) == 0));
    }

    m = privacy_consent_mode_insert(out, page, len,
                                    (const unsigned char *) FUZZ_TAG,
                                    sizeof(FUZZ_TAG) - 1, cuts, ncuts, &f);
    FUZZ_CHECK(f == found && m == n);
    FUZZ_CHECK(n == 0 || memcmp(out, ref, n) == 0);

    free(out);
    free(ref);
}


static void
fuzz_escape(const unsigned char *s, size_t len)
{
    size_t          n, m;
    unsigned char  *out;

    n = privacy_html_escape(NULL, s, len);
    FUZZ_CHECK(n >= len && n <= len * 6);
    out = fuzz_alloc(n);
    m = privacy_html_escape(out, s, len);
    FUZZ_CHECK(m == n);
    FUZZ_CHECK(memchr(out, '<', n) == NULL && memchr(out, '"', n) == NULL);
    free(out);

    n = privacy_json_escape(NULL, s, len);
    FUZZ_CHECK(n >= len && n <= len * 6);
    out = fuzz_alloc(n);
    m = privacy_json_escape(out, s, len);
    FUZZ_CHECK(m == n);
    FUZZ_CHECK(memchr(out, '<', n) == NULL && memchr(out, '\n', n) == NULL);
    free(out);
}


/*
 * The page's bytes as a request target: the banner's return path is
 * accepted by the endpoint's check and its form encoding fits in room.
 */

static void
fuzz_return_path(const unsigned char *uri, size_t len, size_t room)
{
    size_t          n, i, form;
    unsigned char  *out, c;

    out = fuzz_alloc(PRIVACY_RETURN_PATH_MAX);

    n = privacy_banner_return_path(out, uri, len, room);

    FUZZ_CHECK(n >= 1 && n <= PRIVACY_RETURN_PATH_MAX);
    FUZZ_CHECK(privacy_return_path_ok(out, n));

    form = 0;

    for (i = 0; i < n; i++) {
        c = out[i];
        form += ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9')
                 || c == '*' || c == '-' || c == '.' || c == '_')
                ? 1 : 3;
    }

    FUZZ_CHECK(n == 1 || form <= room);

    free(out);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             where, found, f1, f2;
    size_t          ncuts, i, len, cap, n, n1, n2, cuts[FUZZ_NCUTS], *every;
    unsigned char  *page, *ref, *out1, *out2;

    if (size == 0) {
        return 0;
    }

    where = data[0] & 1 ? PRIVACY_BANNER_BODY_END : PRIVACY_BANNER_BODY_START;
    ncuts = (data[0] >> 1) & 0x0f;

    if (size < 1 + 2 * ncuts) {
        ncuts = (size - 1) / 2;
    }

    len = size - 1 - 2 * ncuts;
    page = fuzz_dup(data + 1 + 2 * ncuts, len);

    for (i = 0; i < ncuts; i++) {
        cuts[i] = ((size_t) data[1 + 2 * i] << 8 | data[2 + 2 * i])
                  % (len + 1);
    }

    cap = len + sizeof(FUZZ_BANNER) - 1;
    ref = fuzz_alloc(cap);
    out1 = fuzz_alloc(cap);
    out2 = fuzz_alloc(cap);

    n = privacy_banner_insert(ref, page, len, where,
                              (const unsigned char *) FUZZ_BANNER,
                              sizeof(FUZZ_BANNER) - 1, NULL, 0, &found);

    FUZZ_CHECK(n == (found ? cap : len));

    /* not found: the page unchanged; found: the page with the banner in */
    if (!found) {
        FUZZ_CHECK(len == 0 || memcmp(ref, page, len) == 0);
    }

    n1 = privacy_banner_insert(out1, page, len, where,
                               (const unsigned char *) FUZZ_BANNER,
                               sizeof(FUZZ_BANNER) - 1, cuts, ncuts, &f1);
    FUZZ_CHECK(f1 == found && n1 == n);
    FUZZ_CHECK(n == 0 || memcmp(out1, ref, n) == 0);

    n2 = fuzz_stream(out2, page, len, where, cuts, ncuts, &f2);
    FUZZ_CHECK(f2 == found && n2 == n);
    FUZZ_CHECK(n == 0 || memcmp(out2, ref, n) == 0);

    /*
     * a byte at a time: built with PRIVACY_BANNER_CHECK, every scan is
     * compared with the byte-by-byte reference tokenizer, so this compares
     * the two after every byte of the page
     */
    if (len <= FUZZ_BYTEWISE_MAX) {
        every = (size_t *) (void *) fuzz_alloc((len + 1) * sizeof(size_t));

        for (i = 0; i <= len; i++) {
            every[i] = i;
        }

        n1 = privacy_banner_insert(out1, page, len, where,
                                   (const unsigned char *) FUZZ_BANNER,
                                   sizeof(FUZZ_BANNER) - 1, every, len + 1,
                                   &f1);
        FUZZ_CHECK(f1 == found && n1 == n);
        FUZZ_CHECK(n == 0 || memcmp(out1, ref, n) == 0);

        free(every);
    }

    fuzz_consent_mode(page, len, cuts, ncuts);

    fuzz_escape(page, len);

    fuzz_return_path(page, len, 3777);
    fuzz_return_path(page, len, 3 + (size_t) data[0] * 16);

    free(out2);
    free(out1);
    free(ref);
    free(page);

    return 0;
}
