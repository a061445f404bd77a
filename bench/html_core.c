
/*
 * The HTML pass of an undecided visitor without nginx: the core's banner
 * matcher and script rewriter over a page, as bench/bench.py's trackers
 * row configures them, for callgrind (instructions per page, no noise).
 *
 *   html_core PAGE MODE N
 *
 * runs MODE N times over PAGE, in buffers of 4096 bytes as the proxy
 * brings it:
 *
 *   floor      every '<' of the page found 16 bytes at a time and the
 *              byte after it read, nothing else: a scale for the others
 *              (SSE2; a byte at a time elsewhere)
 *   start      the banner's matcher, body_start, up to the <body> tag
 *   end        the banner's matcher, body_end, the whole page
 *   rewrite    the script rewriter, only the first category granted
 *
 * as the glue drives them (privacy_banner_scan(), privacy_script_next()),
 * the bytes counted, not copied.  bench.py runs it with N 0 and N > 0 and
 * divides the difference by N.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if (defined(__SSE2__) && defined(__GNUC__))
#include <emmintrin.h>
#endif

#include "privacy_banner.h"
#include "privacy_script.h"


#define HTML_CORE_PAGE_MAX  (1024 * 1024)
#define HTML_CORE_BUFFER    4096


static size_t html_core_floor(const unsigned char *page, size_t len);
static size_t html_core_banner(const unsigned char *page, size_t len,
    int where);
static size_t html_core_rewrite(const unsigned char *page, size_t len,
    const privacy_script_set_t *set);
static void html_core_set(privacy_script_set_t *set);


/* the bench's privacy_script lines (bench.py TRACKER_SCRIPTS) */
static const char  *html_core_patterns[][2] = {
    { "analytics", "www.googletagmanager.com" },
    { "marketing", ".facebook.net" },
    { "marketing", "www.facebook.com" },
    { "marketing", "https://www.youtube.com/embed/" }
};

static const privacy_script_name_t  html_core_names[] = {
    { (const unsigned char *) "necessary", 9 },
    { (const unsigned char *) "analytics", 9 },
    { (const unsigned char *) "marketing", 9 }
};

static unsigned char             html_core_page[HTML_CORE_PAGE_MAX];
static char                      html_core_text[4][64];
static privacy_script_pattern_t  html_core_pattern[4];
static privacy_script_rw_t       html_core_rw;


int
main(int argc, char **argv)
{
    long                  i, n;
    size_t                len, sum;
    FILE                 *f;
    const char           *mode;
    privacy_script_set_t  set;

    if (argc != 4) {
        fprintf(stderr, "usage: html_core PAGE floor|start|end|rewrite N\n");
        return 2;
    }

    f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }

    len = fread(html_core_page, 1, sizeof(html_core_page), f);
    fclose(f);

    mode = argv[2];
    n = atol(argv[3]);

    html_core_set(&set);

    sum = 0;

    for (i = 0; i < n; i++) {

        if (strcmp(mode, "floor") == 0) {
            sum += html_core_floor(html_core_page, len);

        } else if (strcmp(mode, "start") == 0) {
            sum += html_core_banner(html_core_page, len,
                                    PRIVACY_BANNER_BODY_START);

        } else if (strcmp(mode, "end") == 0) {
            sum += html_core_banner(html_core_page, len,
                                    PRIVACY_BANNER_BODY_END);

        } else if (strcmp(mode, "rewrite") == 0) {
            sum += html_core_rewrite(html_core_page, len, &set);

        } else {
            fprintf(stderr, "html_core: no mode \"%s\"\n", mode);
            return 2;
        }
    }

    /* what the runs made, so that none is optimized away */
    printf("%zu\n", sum);

    return 0;
}


static size_t
html_core_floor(const unsigned char *page, size_t len)
{
    size_t    i, sum;
#if (defined(__SSE2__) && defined(__GNUC__))
    unsigned  bits;

    sum = 0;

    for (i = 0; i + 16 <= len; i += 16) {
        bits = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(
                   _mm_loadu_si128((const __m128i *) (const void *)
                                   (page + i)),
                   _mm_set1_epi8('<')));

        for ( /* void */ ; bits; bits &= bits - 1) {
            sum += page[i + __builtin_ctz(bits) + 1];
        }
    }
#else
    sum = 0;
    i = 0;
#endif

    for ( /* void */ ; i + 1 < len; i++) {
        if (page[i] == '<') {
            sum += page[i + 1];
        }
    }

    return sum;
}


/* the bytes before the banner, or the page's when it never went in */

static size_t
html_core_banner(const unsigned char *page, size_t len, int where)
{
    size_t                   at, n, sum;
    const unsigned char     *held;
    privacy_banner_t         m;
    privacy_banner_result_t  r;

    privacy_banner_init(&m, where);
    sum = 0;

    for (at = 0; at < len; at += n) {
        n = (len - at < HTML_CORE_BUFFER) ? len - at : HTML_CORE_BUFFER;

        privacy_banner_scan(&m, page + at, n, &r);
        sum += r.pre_len + r.pass;

        if (r.found) {
            return sum;
        }
    }

    return sum + privacy_banner_finish(&m, &held);
}


/* the bytes the rewriter gives out */

static size_t
html_core_rewrite(const unsigned char *page, size_t len,
    const privacy_script_set_t *set)
{
    size_t                  at, n, sum;
    const unsigned char    *buf, *held;
    privacy_script_step_t   s;

    privacy_script_init(&html_core_rw, set, 1);
    sum = 0;

    for (at = 0; at < len; at += n) {
        n = (len - at < HTML_CORE_BUFFER) ? len - at : HTML_CORE_BUFFER;

        for (buf = page + at;
             privacy_script_next(&html_core_rw, buf,
                                 (size_t) (page + at + n - buf), &s);
             buf += s.used)
        {
            sum += s.emit_len + s.pass;
        }
    }

    return sum + privacy_script_finish(&html_core_rw, &held);
}


static void
html_core_set(privacy_script_set_t *set)
{
    int     cat;
    size_t  i, k;

    for (i = 0; i < 4; i++) {
        for (k = 0; k < 3; k++) {
            if (strcmp(html_core_patterns[i][0],
                       (const char *) html_core_names[k].data) == 0)
            {
                break;
            }
        }

        cat = (int) k;

        strcpy(html_core_text[i], html_core_patterns[i][1]);

        if (privacy_script_pattern(&html_core_pattern[i],
                                   (unsigned char *) html_core_text[i],
                                   strlen(html_core_text[i]), cat)
            != 0)
        {
            fprintf(stderr, "html_core: bad pattern %s\n", html_core_text[i]);
            exit(1);
        }
    }

    set->patterns = html_core_pattern;
    set->npatterns = 4;
    set->match = NULL;
    set->names = html_core_names;
    set->nnames = 3;
}
