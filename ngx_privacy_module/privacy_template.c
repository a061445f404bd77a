
/*
 * The banner's template: one category's part of the category table, and
 * placeholders filled into a template at configuration time.  Both
 * servers' modules make their banners with these, so a banner is the
 * same bytes on either.
 */


#include <string.h>

#include "privacy_banner.h"
#include "privacy_template.h"


/* with dst NULL these only count */

static size_t
privacy_put(unsigned char *dst, size_t len, const void *src, size_t n)
{
    if (dst && n) {
        memcpy(dst + len, src, n);
    }

    return len + n;
}


static size_t
privacy_put_escaped(unsigned char *dst, size_t len, const unsigned char *src,
    size_t n)
{
    return len + privacy_html_escape(dst ? dst + len : NULL, src, n);
}


#define privacy_put_literal(dst, len, s)                                     \
    privacy_put(dst, len, s, sizeof(s) - 1)

#define privacy_put_text(dst, len, t)                                        \
    privacy_put_escaped(dst, len, (t)->data, (t)->len)


size_t
privacy_template_category(unsigned char *dst,
    const privacy_template_category_t *c, const privacy_template_words_t *w,
    const privacy_match_name_t *names, size_t n,
    const privacy_template_pattern_t *patterns, size_t npatterns)
{
    size_t  len, k, cookies;

    len = privacy_put_literal(dst, 0,
                              "<div class=\"privacy-banner__category\">");

    /* names are letters, digits, "_" and "-": nothing to escape */
    if (!c->essential && c->input) {
        len = privacy_put_literal(dst, len,
                                  "<label class=\"privacy-banner__choice\">"
                                  "<input type=\"checkbox\" name=\"category\" "
                                  "value=\"");
        len = privacy_put(dst, len, c->name.data, c->name.len);

        if (c->checked) {
            len = privacy_put_literal(dst, len, "\" checked> ");

        } else {
            len = privacy_put_literal(dst, len, "\"> ");
        }

        len = privacy_put_text(dst, len, &c->label);
        len = privacy_put_literal(dst, len, "</label>");

    } else {
        len = privacy_put_literal(dst, len,
                                  "<span class=\"privacy-banner__choice\">");
        len = privacy_put_text(dst, len, &c->label);
        len = privacy_put_literal(dst, len, "</span>");
    }

    /* a disclosure the browser opens by keyboard, without script */
    len = privacy_put_literal(dst, len,
                              "<details class=\"privacy-banner__details\">"
                              "<summary>");
    len = privacy_put_text(dst, len, &w->details);
    len = privacy_put_literal(dst, len,
                              "<span class=\"privacy-banner__about\"> (");
    len = privacy_put_text(dst, len, &c->label);
    len = privacy_put_literal(dst, len, ")</span></summary>");

    if (c->description.len) {
        len = privacy_put_literal(dst, len, "<p>");
        len = privacy_put_text(dst, len, &c->description);
        len = privacy_put_literal(dst, len, "</p>");
    }

    if (c->essential) {
        len = privacy_put_literal(dst, len, "<p>");
        len = privacy_put_text(dst, len, &w->essential);
        len = privacy_put_literal(dst, len, "</p>");
    }

    if (c->gpc) {
        len = privacy_put_literal(dst, len,
                                  "<p class=\"privacy-banner__gpc\">");
        len = privacy_put_text(dst, len, &w->gpc);
        len = privacy_put_literal(dst, len, "</p>");
    }

    len = privacy_put_literal(dst, len, "<dl><dt>");
    len = privacy_put_text(dst, len, &w->cookies);
    len = privacy_put_literal(dst, len, "</dt><dd>");

    /* the cookie names, then the patterns, as configured */
    cookies = 0;

    for (k = 0; k < n; k++) {
        if (names[k].category != c->index) {
            continue;
        }

        if (cookies++) {
            len = privacy_put_literal(dst, len, ", ");
        }

        len = privacy_put_escaped(dst, len, names[k].name, names[k].name_len);
    }

    for (k = 0; k < npatterns; k++) {
        if (patterns[k].category != c->index) {
            continue;
        }

        if (cookies++) {
            len = privacy_put_literal(dst, len, ", ");
        }

        len = privacy_put_text(dst, len, &patterns[k].text);
    }

    if (cookies == 0) {
        len = privacy_put_text(dst, len, &w->none);
    }

    len = privacy_put_literal(dst, len, "</dd>");

    /* the third parties its trackers load from (privacy_script) */
    if (c->hosts.len) {
        len = privacy_put_literal(dst, len, "<dt>");
        len = privacy_put_text(dst, len, &w->hosts);
        len = privacy_put_literal(dst, len, "</dt><dd>");
        len = privacy_put_text(dst, len, &c->hosts);
        len = privacy_put_literal(dst, len, "</dd>");
    }

    return privacy_put_literal(dst, len, "</dl></details></div>");
}


size_t
privacy_template_fill(unsigned char *dst, const unsigned char *tpl,
    size_t len, const privacy_template_fill_t *fills, size_t nfills,
    size_t *cuts, size_t *ncuts)
{
    size_t                          out, i, cut;
    const unsigned char            *p, *last, *brace;
    const privacy_template_fill_t  *f;

    out = 0;
    cut = 0;
    p = tpl;
    last = tpl + len;

    while (p < last) {

        brace = memchr(p, '{', last - p);
        if (brace == NULL) {
            brace = last;
        }

        out = privacy_put(dst, out, p, brace - p);
        p = brace;

        if (p == last) {
            break;
        }

        for (i = 0; i < nfills; i++) {
            if ((size_t) (last - p) >= fills[i].name.len
                && memcmp(p, fills[i].name.data, fills[i].name.len) == 0)
            {
                break;
            }
        }

        if (i == nfills) {
            out = privacy_put(dst, out, p, 1);
            p++;
            continue;
        }

        f = &fills[i];
        p += f->name.len;

        if (f->fill.data == NULL) {
            if (cuts) {
                cuts[cut] = out;
            }

            cut++;
            continue;
        }

        out = privacy_put(dst, out, f->fill.data, f->fill.len);
    }

    if (ncuts) {
        *ncuts = cut;
    }

    return out;
}
