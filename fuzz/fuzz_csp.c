
/*
 * Fuzzes the CSP report scanner, privacy_csp_reports(), with the input as
 * the whole request body in an exactly sized heap copy, as the glue hands
 * it over: nothing is reported from a body that is not one JSON value, a
 * valid body reports as often as the result says, every field stays in
 * its bounds, whitespace around a body changes nothing, a valid body cut
 * before its closing '}', ']' or '"' is refused, and one followed by a
 * byte more than whitespace is too.  Every blocked URL goes through
 * privacy_csp_host() and privacy_csp_directive().  The input is also a
 * privacy_csp_allow source (one accepted never holds what would end a
 * header or a directive) and a path for privacy_csp_escape().
 */


#include "fuzz.h"
#include "privacy_csp.h"


typedef struct {
    int  calls;
} fuzz_seen_t;


static void
fuzz_host_char(const privacy_csp_host_t *h)
{
    size_t         i;
    unsigned char  c;

    FUZZ_CHECK(h->host_len > 0 && h->host_len <= PRIVACY_CSP_HOST_MAX);
    FUZZ_CHECK(h->path_len <= PRIVACY_CSP_PATH_MAX);

    for (i = 0; i < h->host_len; i++) {
        c = h->host[i];
        FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                   || c == '-' || c == '.' || c == ':' || c == '['
                   || c == ']');
    }
}


static void
fuzz_report(void *data, const privacy_csp_report_t *r)
{
    int                 d;
    fuzz_seen_t        *seen = data;
    privacy_csp_host_t  h;

    seen->calls++;

    FUZZ_CHECK(r->body == 1);
    FUZZ_CHECK(!r->blocked.set || r->blocked.len <= PRIVACY_CSP_URL_MAX);
    FUZZ_CHECK(!r->blocked.set || !r->blocked.truncated
               || r->blocked.len == PRIVACY_CSP_URL_MAX);
    FUZZ_CHECK(!r->document.set || r->document.len <= PRIVACY_CSP_URL_MAX);
    FUZZ_CHECK(!r->effective.set || r->effective.len <= PRIVACY_CSP_WORD_MAX);
    FUZZ_CHECK(!r->violated.set || r->violated.len <= PRIVACY_CSP_WORD_MAX);

    if (r->blocked.set
        && privacy_csp_host(r->blocked.value, r->blocked.len,
                            r->blocked.truncated, &h)
           == 0)
    {
        fuzz_host_char(&h);
        FUZZ_CHECK(h.path >= r->blocked.value
                   && h.path + h.path_len
                      <= r->blocked.value + r->blocked.len);
    }

    if (r->effective.set) {
        d = privacy_csp_directive(r->effective.value, r->effective.len);
        FUZZ_CHECK(d >= 0 && d < PRIVACY_CSP_DIRECTIVES);
    }
}


static int
fuzz_reports(const unsigned char *body, size_t len, fuzz_seen_t *seen)
{
    int                    n;
    unsigned char         *copy;
    privacy_csp_report_t  *work;

    copy = fuzz_dup(body, len);
    work = malloc(sizeof(privacy_csp_report_t));
    if (work == NULL) {
        abort();
    }

    seen->calls = 0;
    n = privacy_csp_reports(copy, len, work, fuzz_report, seen);

    if (n == PRIVACY_CSP_REPORT_BAD) {
        FUZZ_CHECK(seen->calls == 0);

    } else {
        FUZZ_CHECK(n >= 0 && seen->calls == n);
    }

    FUZZ_CHECK(len == 0 || memcmp(copy, body, len) == 0);

    free(work);
    free(copy);

    return n;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                   n, m;
    size_t                i, len;
    const char           *err;
    unsigned char        *in, *wrapped, *out;
    fuzz_seen_t           seen;
    privacy_csp_host_t    h;
    unsigned char         last;

    in = fuzz_dup(data, size);

    n = fuzz_reports(in, size, &seen);

    /* whitespace around it changes nothing; a byte more spoils it */

    wrapped = fuzz_alloc(size + 3);
    wrapped[0] = ' ';
    memcpy(wrapped + 1, in, size);
    wrapped[size + 1] = '\n';
    wrapped[size + 2] = 'x';

    m = fuzz_reports(wrapped, size + 2, &seen);
    FUZZ_CHECK(m == n);

    if (n != PRIVACY_CSP_REPORT_BAD) {
        FUZZ_CHECK(fuzz_reports(wrapped, size + 3, &seen)
                   == PRIVACY_CSP_REPORT_BAD);

        /* the last byte that is no whitespace closes the value */
        for (len = size; len > 0; len--) {
            last = in[len - 1];
            if (last != ' ' && last != '\t' && last != '\n' && last != '\r') {
                break;
            }
        }

        if (len > 0 && (last == '}' || last == ']' || last == '"')) {
            FUZZ_CHECK(fuzz_reports(in, len - 1, &seen)
                       == PRIVACY_CSP_REPORT_BAD);
        }
    }

    free(wrapped);

    /* a source accepted never ends a directive or a header */

    if (privacy_csp_source(in, size, &err) == 0) {
        FUZZ_CHECK(err == NULL && size > 0);

        for (i = 0; i < size; i++) {
            FUZZ_CHECK(in[i] > 0x20 && in[i] < 0x7f && in[i] != ';'
                       && in[i] != ',');
        }

    } else {
        FUZZ_CHECK(err != NULL);
    }

    out = fuzz_alloc(3 * size);
    len = privacy_csp_escape(out, in, size);
    FUZZ_CHECK(len >= size && len <= 3 * size);

    for (i = 0; i < len; i++) {
        FUZZ_CHECK(out[i] > 0x20 && out[i] < 0x7f && out[i] != ';'
                   && out[i] != ',' && out[i] != '\'' && out[i] != '"');
    }

    free(out);

    if (privacy_csp_host(in, size, size & 1, &h) == 0) {
        fuzz_host_char(&h);
    }

    free(in);

    return 0;
}
