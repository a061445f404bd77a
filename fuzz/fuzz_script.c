
/*
 * Fuzzes the script rewriter (privacy_script.c): a page split at cut
 * points taken from the input, and fed a byte at a time, must give byte
 * for byte what the one-buffer reference gives (privacy_script_rewrite()
 * with ncuts 0), through privacy_script_rewrite() and through a driver
 * written here from the contract in privacy_script.h, each buffer an
 * exactly sized heap copy and each emit copied before the next call.  No
 * byte outside rewritten tags changes: with every category granted a page
 * without "data-privacy" comes out unchanged, and with none granted the
 * output with the inserted attributes and "data-privacy-" prefixes taken
 * out is the page.  Also drives privacy_script_url(), _text(), _decode()
 * and _pattern() on the page's bytes.
 *
 * The memo (privacy_script_memo.h) as the nginx glue keeps it: the page
 * recorded in the cuts' buffers gives its rewrite again from the pieces,
 * and a page that is the same up to a point (the same page, one byte
 * changed, cut short or longer, by bit 7 of byte 0 and the page's
 * length) in buffers of another size gets from the pieces due and the
 * rewriter run again over the bytes that were the same, less the bytes
 * the pieces gave, exactly its own one-buffer rewrite.
 *
 * Input: byte 0: bits 0-2 the granted categories, bits 3-6 the number of
 * cuts; then two bytes per cut (big-endian offset modulo the page length
 * + 1); the rest is the page.
 */


#include "fuzz.h"
#include "privacy_script.h"
#include "privacy_script_memo.h"


#define FUZZ_NCUTS         15
#define FUZZ_BYTEWISE_MAX  4096


static privacy_script_rw_t       fuzz_rw;
static privacy_script_pattern_t  fuzz_patterns[6];
static privacy_script_set_t      fuzz_set;
static char                      fuzz_text[6][64];
static const privacy_script_name_t  fuzz_names[] = {
    { (const unsigned char *) "analytics", 9 },
    { (const unsigned char *) "ads", 3 },
    { (const unsigned char *) "media", 5 }
};


/* the "regex": a prefix */
static int
fuzz_regex(void *regex, const unsigned char *s, size_t len)
{
    size_t  n;

    n = strlen(regex);

    return len >= n && memcmp(s, regex, n) == 0;
}


static void
fuzz_setup(void)
{
    size_t             i;
    static int         done;
    static const char  *src[] = {
        "www.googletagmanager.com", ".facebook.com",
        "https://www.youtube.com/embed/", "~px", "//a.b:81/t",
        ".x"
    };
    static const int    cat[] = { 0, 1, 2, 1, 1, 2 };

    if (done) {
        return;
    }

    for (i = 0; i < 6; i++) {
        strcpy(fuzz_text[i], src[i]);
        FUZZ_CHECK(privacy_script_pattern(&fuzz_patterns[i],
                                          (unsigned char *) fuzz_text[i],
                                          strlen(fuzz_text[i]), cat[i])
                   == 0);
    }

    fuzz_patterns[3].regex = (void *) "https://px";

    fuzz_set.patterns = fuzz_patterns;
    fuzz_set.npatterns = 6;
    fuzz_set.match = fuzz_regex;
    fuzz_set.names = fuzz_names;
    fuzz_set.nnames = 3;
    done = 1;
}


static unsigned char *
fuzz_cpy(unsigned char *dst, const unsigned char *src, size_t n)
{
    if (n) {
        memcpy(dst, src, n);
    }

    return dst + n;
}


/* the contract of privacy_script_next(), buffer by buffer */

static size_t
fuzz_stream(unsigned char *dst, size_t size, const unsigned char *page,
    size_t len, uint32_t granted, const size_t *cuts, size_t ncuts)
{
    size_t                  i, j, from, to, n, sorted[FUZZ_NCUTS + 1], k;
    unsigned char          *buf, *o, *e;
    const unsigned char    *p, *held;
    privacy_script_step_t   s;

    for (i = 0; i < ncuts; i++) {
        for (j = i; j > 0 && sorted[j - 1] > cuts[i]; j--) {
            sorted[j] = sorted[j - 1];
        }
        sorted[j] = cuts[i];
    }
    sorted[ncuts] = len;

    privacy_script_init(&fuzz_rw, &fuzz_set, granted);
    o = dst;
    from = 0;

    for (i = 0; i <= ncuts; i++) {
        to = sorted[i];
        n = to - from;
        buf = n ? fuzz_dup(page + from, n) : NULL;
        p = buf;
        k = n;

        while (privacy_script_next(&fuzz_rw, p, k, &s)) {
            FUZZ_CHECK(s.pass <= s.used && s.used <= k);
            FUZZ_CHECK((size_t) (o - dst) + s.emit_len + s.pass <= size);

            /* the emit may not outlive the call: copied first */
            e = fuzz_dup(s.emit_len ? s.emit : (const uint8_t *) "",
                         s.emit_len);
            o = fuzz_cpy(o, e, s.emit_len);
            free(e);

            o = fuzz_cpy(o, p, s.pass);
            p += s.used;
            k -= s.used;
        }

        FUZZ_CHECK(k == 0);

        free(buf);
        from = to;
    }

    n = privacy_script_finish(&fuzz_rw, &held);
    FUZZ_CHECK(n <= PRIVACY_SCRIPT_HELD_MAX);
    o = fuzz_cpy(o, held, n);

    return (size_t) (o - dst);
}


/* N bytes at SRC to O, less the first *SKIP of them */

static unsigned char *
fuzz_out(unsigned char *o, const unsigned char *src, size_t n, size_t *skip)
{
    size_t  d;

    if (n == 0) {
        return o;
    }

    d = (n < *skip) ? n : *skip;
    *skip -= d;

    return fuzz_cpy(o, src + d, n - d);
}


/*
 * A buffer of N bytes at BUF, the page's from BASE, through the rewriter
 * to O, as ngx_http_privacy_script_filter.c does: recorded in REC (when
 * not NULL), each step due at its end, then sent less *SKIP
 */

static unsigned char *
fuzz_feed(unsigned char *o, const unsigned char *buf, size_t n, size_t base,
    privacy_memo_t *rec, size_t *skip)
{
    size_t                  due;
    const unsigned char    *p;
    privacy_script_step_t   s;

    if (rec) {
        privacy_memo_record_page(rec, buf, n);
    }

    p = buf;

    while (privacy_script_next(&fuzz_rw, p, n - (size_t) (p - buf), &s)) {
        due = base + (size_t) (p - buf) + s.used;

        if (rec) {
            if (s.held) {
                privacy_memo_record_held(rec, due, s.held, s.held_category);
            }

            privacy_memo_record_text(rec, due, s.emit, s.emit_len);
            privacy_memo_record_pass(rec, due, base + (size_t) (p - buf),
                                     s.pass);
        }

        o = fuzz_out(o, s.emit, s.emit_len, skip);
        o = fuzz_out(o, p, s.pass, skip);
        p += s.used;
    }

    FUZZ_CHECK(p == buf + n || n == 0);

    return o;
}


/* the page remembered so far: its pieces that are due */

static unsigned char *
fuzz_given(unsigned char *o, privacy_memo_replay_t *rp)
{
    int                   category;
    size_t                n;
    const unsigned char  *p;

    while (privacy_memo_next_held(rp, &category)) {
        FUZZ_CHECK(category >= 0 && category < 3);
    }

    while (privacy_memo_next(rp, &p, &n)) {
        o = fuzz_cpy(o, p, n);
    }

    return o;
}


/*
 * The page, not the one remembered after rp->seen bytes: the rewriter
 * made new over them, what the pieces gave dropped
 */

static unsigned char *
fuzz_miss(unsigned char *o, privacy_memo_replay_t *rp, uint32_t granted,
    size_t *skip)
{
    *skip = rp->out;

    privacy_script_init(&fuzz_rw, &fuzz_set, granted);

    return fuzz_feed(o, rp->m->page, rp->seen, 0, NULL, skip);
}


static void
fuzz_memo(const unsigned char *page, size_t len, uint32_t granted,
    const size_t *cuts, size_t ncuts, const unsigned char *other,
    size_t other_len, size_t unit)
{
    int                    replaying;
    void                  *room, *block;
    size_t                 i, j, from, to, n, skip, sorted[FUZZ_NCUTS + 1],
                           said[FUZZ_NCUTS + 1], size, ref_len;
    unsigned char         *buf, *out, *o, *ref;
    const unsigned char   *held, *p;
    privacy_memo_t         rec, memo;
    privacy_memo_replay_t  rp;

    for (i = 0; i < ncuts; i++) {
        for (j = i; j > 0 && sorted[j - 1] > cuts[i]; j--) {
            sorted[j] = sorted[j - 1];
        }
        sorted[j] = cuts[i];
    }
    sorted[ncuts] = len;

    /* recorded in the cuts' buffers */

    room = fuzz_alloc(PRIVACY_MEMO_RECORD_SIZE);
    privacy_memo_record_init(&rec, room);
    privacy_script_init(&fuzz_rw, &fuzz_set, granted);

    size = privacy_script_rewrite(&fuzz_rw, NULL, 0, page, len, &fuzz_set,
                                  granted, NULL, 0, NULL);
    n = privacy_script_rewrite(&fuzz_rw, NULL, 0, other, other_len,
                               &fuzz_set, granted, NULL, 0, NULL);
    size = (size > n ? size : n) + 1;

    privacy_script_init(&fuzz_rw, &fuzz_set, granted);
    out = fuzz_alloc(size);
    o = out;
    skip = 0;
    from = 0;

    for (i = 0; i <= ncuts; i++) {
        to = sorted[i];
        buf = fuzz_dup(page + from, to - from);
        o = fuzz_feed(o, buf, to - from, from, &rec, &skip);
        said[i] = (size_t) (o - out);
        free(buf);
        from = to;
    }

    n = privacy_script_finish(&fuzz_rw, &held);
    privacy_memo_record_end(&rec, held, n);
    o = fuzz_cpy(o, held, n);

    if (rec.over) {
        free(out);
        free(room);
        return;
    }

    /* the pieces, all due at the page's end, are its rewrite */

    FUZZ_CHECK(rec.page_len == len && rec.out_len == (size_t) (o - out));

    block = fuzz_alloc(privacy_memo_size(&rec) + 1);
    privacy_memo_copy(&memo, block, &rec);
    free(room);

    privacy_memo_replay_init(&rp, &memo);
    FUZZ_CHECK(privacy_memo_same(&rp, page, len) && privacy_memo_whole(&rp));

    for (i = 0; privacy_memo_next(&rp, &p, &n); i += n) {
        FUZZ_CHECK(i + n <= rec.out_len && memcmp(out + i, p, n) == 0);
    }

    FUZZ_CHECK(i == rec.out_len && rp.piece == memo.npieces);

    /*
     * in the recording's buffers, what is due at the end of each is what
     * the rewriter said by then: the banner may go between two of them
     */

    privacy_memo_replay_init(&rp, &memo);
    from = 0;

    for (i = 0; i <= ncuts; i++) {
        FUZZ_CHECK(privacy_memo_same(&rp, page + from, sorted[i] - from));
        from = sorted[i];

        while (privacy_memo_next(&rp, &p, &n)) { /* void */ }

        FUZZ_CHECK(rp.out == said[i]);
    }

    /* the other page in buffers of UNIT bytes */

    privacy_memo_replay_init(&rp, &memo);
    replaying = 1;
    o = out;
    skip = 0;

    for (from = 0; from < other_len; from += n) {
        n = (other_len - from < unit) ? other_len - from : unit;
        buf = fuzz_dup(other + from, n);

        if (replaying) {
            if (privacy_memo_same(&rp, buf, n)) {
                o = fuzz_given(o, &rp);
                free(buf);
                continue;
            }

            replaying = 0;
            o = fuzz_miss(o, &rp, granted, &skip);
        }

        o = fuzz_feed(o, buf, n, from, NULL, &skip);
        free(buf);
    }

    if (replaying && privacy_memo_whole(&rp)) {
        o = fuzz_given(o, &rp);

    } else {
        if (replaying) {
            o = fuzz_miss(o, &rp, granted, &skip);
        }

        n = privacy_script_finish(&fuzz_rw, &held);
        o = fuzz_out(o, held, n, &skip);
    }

    FUZZ_CHECK(skip == 0);

    ref = fuzz_alloc(size);
    ref_len = privacy_script_rewrite(&fuzz_rw, ref, size, other, other_len,
                                     &fuzz_set, granted, NULL, 0, NULL);

    FUZZ_CHECK((size_t) (o - out) == ref_len
               && (ref_len == 0 || memcmp(out, ref, ref_len) == 0));

    free(ref);
    free(block);
    free(out);
}


static int
fuzz_has(const unsigned char *p, size_t len, const char *s)
{
    size_t  i, j, n;

    n = strlen(s);

    for (i = 0; i + n <= len; i++) {
        for (j = 0; j < n; j++) {
            if ((p[i + j] | 0x20) != s[j]) {
                break;
            }
        }

        if (j == n) {
            return 1;
        }
    }

    return 0;
}


/* out with every occurrence of s taken out, in place; the new length */

static size_t
fuzz_strip(unsigned char *out, size_t len, const char *s)
{
    size_t  i, d, n;

    n = strlen(s);
    d = 0;

    for (i = 0; i < len; /* void */ ) {
        if (len - i >= n && memcmp(out + i, s, n) == 0) {
            i += n;
            continue;
        }

        out[d++] = out[i++];
    }

    return d;
}


static void
fuzz_parts(const unsigned char *page, size_t len)
{
    size_t                    n;
    unsigned char            *work, *copy;
    privacy_script_pattern_t  p;

    work = fuzz_alloc(len);

    n = privacy_script_decode(work, page, len);
    FUZZ_CHECK(n <= len);

    (void) privacy_script_url(&fuzz_set, page, len, work);
    (void) privacy_script_text(&fuzz_set, page, len);

    copy = fuzz_dup(page, len);

    if (privacy_script_pattern(&p, copy, len, 1) == 0) {
        FUZZ_CHECK(p.host_len <= len && p.category == 1);
        FUZZ_CHECK(p.type == PRIVACY_SCRIPT_REGEX || p.host_len > 0);
    }

    free(copy);
    free(work);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             overlong;
    size_t          ncuts, i, len, n, n1, n2, m, cuts[FUZZ_NCUTS], *every,
                    other_len;
    uint32_t        granted;
    unsigned char  *page, *ref, *out, *other;
    char            ins[64];

    if (size == 0) {
        return 0;
    }

    fuzz_setup();

    granted = data[0] & 7;
    ncuts = (data[0] >> 3) & 0x0f;

    if (size < 1 + 2 * ncuts) {
        ncuts = (size - 1) / 2;
    }

    len = size - 1 - 2 * ncuts;
    page = fuzz_dup(data + 1 + 2 * ncuts, len);

    for (i = 0; i < ncuts; i++) {
        cuts[i] = ((size_t) data[1 + 2 * i] << 8 | data[2 + 2 * i])
                  % (len + 1);
    }

    n = privacy_script_rewrite(&fuzz_rw, NULL, 0, page, len, &fuzz_set,
                               granted, NULL, 0, &overlong);
    ref = fuzz_alloc(n);
    out = fuzz_alloc(n);

    FUZZ_CHECK(privacy_script_rewrite(&fuzz_rw, ref, n, page, len, &fuzz_set,
                                      granted, NULL, 0, NULL) == n);

    n1 = privacy_script_rewrite(&fuzz_rw, out, n, page, len, &fuzz_set,
                                granted, cuts, ncuts, NULL);
    FUZZ_CHECK(n1 == n && (n == 0 || memcmp(out, ref, n) == 0));

    n2 = fuzz_stream(out, n, page, len, granted, cuts, ncuts);
    FUZZ_CHECK(n2 == n && (n == 0 || memcmp(out, ref, n) == 0));

    if (len <= FUZZ_BYTEWISE_MAX) {
        every = (size_t *) (void *) fuzz_alloc((len + 1) * sizeof(size_t));

        for (i = 0; i <= len; i++) {
            every[i] = i;
        }

        n1 = privacy_script_rewrite(&fuzz_rw, out, n, page, len, &fuzz_set,
                                    granted, every, len + 1, NULL);
        FUZZ_CHECK(n1 == n && (n == 0 || memcmp(out, ref, n) == 0));

        free(every);
    }

    free(out);

    if (!fuzz_has(page, len, "data-privacy")) {

        if (granted == 7) {
            FUZZ_CHECK(n == len && (n == 0 || memcmp(ref, page, n) == 0));
        }

        /* what was inserted taken out: the page */
        m = n;

        for (i = 0; i < 3; i++) {
            if (granted & (1u << i)) {
                continue;
            }

            snprintf(ins, sizeof(ins),
                     " type=\"text/plain\" data-privacy-category=\"%s\"",
                     (const char *) fuzz_names[i].data);
            m = fuzz_strip(ref, m, ins);
            snprintf(ins, sizeof(ins), " data-privacy-category=\"%s\"",
                     (const char *) fuzz_names[i].data);
            m = fuzz_strip(ref, m, ins);
        }

        m = fuzz_strip(ref, m, "data-privacy-");
        FUZZ_CHECK(m == len && (m == 0 || memcmp(ref, page, m) == 0));
    }

    /* the other page: the same, a byte changed, cut short, longer */
    m = ncuts ? cuts[0] : len / 2;
    other = fuzz_alloc(2 * len + 1);
    other_len = len;
    memcpy(other, page, len);

    switch ((data[0] >> 7) | (len & 1) << 1) {
    case 1:
        if (m < len) {
            other[m] ^= (other[m] == '<') ? 1 : '<' ^ other[m];
        }
        break;
    case 2:
        other_len = m;
        break;
    case 3:
        memcpy(other + len, page + m, len - m);
        other_len = len + (len - m);
        break;
    }

    fuzz_memo(page, len, granted, cuts, ncuts, other, other_len,
              1 + len % 13);
    free(other);

    fuzz_parts(page, len);

    free(ref);
    free(page);

    return 0;
}
