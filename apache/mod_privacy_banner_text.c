
/*
 * What the banner and the settings page say, shared by the banner's
 * filter (mod_privacy_banner.c) and the consent endpoint
 * (mod_privacy_consent.c, mod_privacy_settings.c): the banners made from
 * their templates with the core's markup (privacy_template.c), the
 * category table, and the exact bytes a page showed, which a consent
 * record hashes.  The nginx module's ngx_http_privacy_template.c and
 * ngx_http_privacy_banner_text.c.
 */


#include "mod_privacy.h"

#include "privacy_template.h"


/*
 * The banners of the configuration, made once it is read: one per
 * template, category list, policy URL and consent URL that a server or a
 * section has.  Read only once the children run; a request whose merged
 * sections make another combination has its banner made on its pool.
 */
static apr_array_header_t  *mod_privacy_banners;


/* the builtin words of the common categories, English */
static const struct {
    const char                     *name;
    const char                     *label;
    const char                     *description;
} mod_privacy_category_words[] = {
    { "necessary", PRIVACY_WORDS_EN_NECESSARY,
      PRIVACY_WORDS_EN_NECESSARY_TEXT },
    { "preferences", PRIVACY_WORDS_EN_PREFERENCES,
      PRIVACY_WORDS_EN_PREFERENCES_TEXT },
    { "analytics", PRIVACY_WORDS_EN_ANALYTICS,
      PRIVACY_WORDS_EN_ANALYTICS_TEXT },
    { "marketing", PRIVACY_WORDS_EN_MARKETING,
      PRIVACY_WORDS_EN_MARKETING_TEXT }
};


#define mod_privacy_text(t, s)                                               \
    do {                                                                     \
        (t)->data = (const unsigned char *) (s);                             \
        (t)->len = strlen(s);                                                \
    } while (0)


static mod_privacy_banner_t *mod_privacy_banner_find(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf);
static mod_privacy_banner_t *mod_privacy_banner_compile(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf);


/*
 * The banners of the configuration are made while it is checked
 * (check_config runs for each generation, and for configtest): the list
 * starts empty, then each server and section adds its banner.
 */

void
mod_privacy_banner_init(apr_pool_t *pconf)
{
    mod_privacy_banners = apr_array_make(pconf, 4,
                                         sizeof(mod_privacy_banner_t *));
}


void
mod_privacy_banner_prepare(server_rec *s, mod_privacy_dir_conf_t *dcf)
{
    if (dcf->enable == 1 && dcf->banner != MOD_PRIVACY_BANNER_OFF) {
        (void) mod_privacy_banner_find(mod_privacy_banners->pool, s, dcf);
    }
}


/* the banner of a request's settings */

mod_privacy_banner_t *
mod_privacy_banner_get(request_rec *r, mod_privacy_dir_conf_t *dcf)
{
    mod_privacy_banner_t  *b;

    b = mod_privacy_banner_find(NULL, r->server, dcf);

    if (b == NULL) {
        /* a combination of sections check_config did not see */
        b = mod_privacy_banner_compile(r->pool, r->server, dcf);
    }

    return b;
}


/*
 * Where the banner's form posts, below which its stylesheet and script
 * are: the <Location> of the server's first PrivacyConsentEndpoint (a
 * virtual host without one has the main server's), else nginx's
 * privacy_consent_url default.  Apache has no directive for it: the
 * endpoint's own place says it.
 */

const char *
mod_privacy_consent_url(server_rec *s)
{
    mod_privacy_srv_conf_t  *scf;

    scf = ap_get_module_config(s->module_config, &privacy_module);

    return scf->consent_url ? scf->consent_url : "/privacy/consent";
}


/*
 * The banner made for the settings DCF has, from the list; with P, made
 * and added to it when it is not there.
 */

static mod_privacy_banner_t *
mod_privacy_banner_find(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf)
{
    int                     i;
    const char             *template;
    mod_privacy_banner_t   *b, **banners;

    template = (dcf->banner == MOD_PRIVACY_BANNER_FILE) ? dcf->banner_text
                                                       : NULL;

    if (mod_privacy_banners == NULL) {
        return NULL;
    }

    banners = (mod_privacy_banner_t **) mod_privacy_banners->elts;

    for (i = 0; i < mod_privacy_banners->nelts; i++) {
        b = banners[i];

        if (b->template == template
            && b->categories == dcf->categories
            && b->policy_url == dcf->policy_url
            && b->consent_url == mod_privacy_consent_url(s))
        {
            return b;
        }
    }

    if (p == NULL) {
        return NULL;
    }

    b = mod_privacy_banner_compile(p, s, dcf);
    if (b == NULL) {
        return NULL;
    }

    *(mod_privacy_banner_t **) apr_array_push(mod_privacy_banners) = b;

    return b;
}


/* a placeholder's fill, HTML-escaped */

static void
mod_privacy_banner_escaped(apr_pool_t *p, privacy_template_fill_t *f,
    const char *name, const char *value)
{
    size_t  len;

    mod_privacy_text(&f->name, name);

    if (value == NULL) {
        value = "";
    }

    len = strlen(value);

    f->fill.len = privacy_html_escape(NULL, (const unsigned char *) value,
                                      len);
    f->fill.data = apr_palloc(p, f->fill.len + 1);

    (void) privacy_html_escape((unsigned char *) f->fill.data,
                               (const unsigned char *) value, len);
}


/* a category's label and description: the builtin English words */

static void
mod_privacy_category_words_of(const char *name, privacy_text_t *label,
    privacy_text_t *description)
{
    unsigned  k;

    mod_privacy_text(label, name);
    description->data = NULL;
    description->len = 0;

    for (k = 0; k < sizeof(mod_privacy_category_words)
                    / sizeof(mod_privacy_category_words[0]); k++)
    {
        if (strcmp(mod_privacy_category_words[k].name, name) == 0) {
            mod_privacy_text(label, mod_privacy_category_words[k].label);
            mod_privacy_text(description,
                             mod_privacy_category_words[k].description);
            return;
        }
    }
}


/*
 * The category table of the banner and the settings page, the essential
 * categories (MOD_PRIVACY_TABLE_ESSENTIAL) or the others with a checkbox
 * (MOD_PRIVACY_TABLE_INPUTS), ticked for those in CHECKED: the core's
 * markup, in the builtin English words.  With buf NULL only the length.
 */

size_t
mod_privacy_category_table(unsigned char *buf, mod_privacy_dir_conf_t *dcf,
    uint32_t checked, int flags)
{
    int                           i, essential;
    size_t                        len;
    mod_privacy_category_t       *cat;
    privacy_template_words_t      w;
    privacy_template_category_t   c;

    if (dcf->categories == NULL) {
        return 0;
    }

    mod_privacy_text(&w.details, PRIVACY_WORDS_EN_DETAILS);
    mod_privacy_text(&w.essential, PRIVACY_WORDS_EN_ESSENTIAL);
    mod_privacy_text(&w.gpc, PRIVACY_WORDS_EN_GPC);
    mod_privacy_text(&w.cookies, PRIVACY_WORDS_EN_COOKIES);
    mod_privacy_text(&w.none, PRIVACY_WORDS_EN_NONE);
    mod_privacy_text(&w.hosts, PRIVACY_WORDS_EN_HOSTS);

    cat = (mod_privacy_category_t *) dcf->categories->categories->elts;
    essential = (flags & MOD_PRIVACY_TABLE_ESSENTIAL) ? 1 : 0;
    len = 0;

    for (i = 0; i < dcf->categories->categories->nelts; i++) {

        if ((cat[i].essential ? 1 : 0) != essential) {
            continue;
        }

        memset(&c, 0, sizeof(privacy_template_category_t));

        mod_privacy_text(&c.name, cat[i].name);
        mod_privacy_category_words_of(cat[i].name, &c.label,
                                      &c.description);
        c.index = i;
        c.essential = essential;
        c.input = (flags & MOD_PRIVACY_TABLE_INPUTS) ? 1 : 0;
        c.checked = (checked & (1u << i)) ? 1 : 0;

        len += privacy_template_category(buf ? buf + len : NULL, &c, &w,
                                         (privacy_match_name_t *)
                                         dcf->categories->exact->elts,
                                         dcf->categories->exact->nelts,
                                         NULL, 0);
    }

    return len;
}


/* the labels of the categories in MASK, ", " between, HTML-escaped */

size_t
mod_privacy_category_labels(unsigned char *buf, mod_privacy_dir_conf_t *dcf,
    uint32_t mask)
{
    int                      i, n;
    size_t                   len;
    privacy_text_t           label, description;
    mod_privacy_category_t  *cat;

    if (dcf->categories == NULL) {
        return 0;
    }

    cat = (mod_privacy_category_t *) dcf->categories->categories->elts;
    len = 0;
    n = 0;

    for (i = 0; i < dcf->categories->categories->nelts; i++) {

        if (!(mask & (1u << i))) {
            continue;
        }

        mod_privacy_category_words_of(cat[i].name, &label, &description);

        if (n++) {
            if (buf) {
                memcpy(buf + len, ", ", 2);
            }

            len += 2;
        }

        len += privacy_html_escape(buf ? buf + len : NULL, label.data,
                                   label.len);
    }

    return len;
}


/* a table as a placeholder's fill */

static void
mod_privacy_banner_table(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    int flags, privacy_template_fill_t *f, const char *name)
{
    unsigned char  *buf;

    mod_privacy_text(&f->name, name);

    f->fill.len = mod_privacy_category_table(NULL, dcf, 0, flags);

    buf = apr_palloc(p, f->fill.len + 1);
    (void) mod_privacy_category_table(buf, dcf, 0, flags);

    f->fill.data = buf;
}


/* {{category_inputs}}: an unticked checkbox per optional category */

static void
mod_privacy_banner_inputs(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    privacy_template_fill_t *f)
{
    int                      i;
    char                    *s;
    mod_privacy_category_t  *cat;

    s = "";

    if (dcf->categories) {
        cat = (mod_privacy_category_t *) dcf->categories->categories->elts;

        for (i = 0; i < dcf->categories->categories->nelts; i++) {
            if (!cat[i].essential) {
                /* names are letters, digits, "_" and "-" */
                s = apr_pstrcat(p, s, "<label class=\"privacy-banner__choice"
                                "\"><input type=\"checkbox\" name=\"category"
                                "\" value=\"", cat[i].name, "\"> ",
                                cat[i].name, "</label>", NULL);
            }
        }
    }

    mod_privacy_text(&f->name, "{{category_inputs}}");
    mod_privacy_text(&f->fill, s);
}


/*
 * A banner: the builtin one in English or the PrivacyBanner file, with the
 * placeholders known from the configuration filled, HTML-escaped, and cut
 * at each {{return_path}}.
 */

static mod_privacy_banner_t *
mod_privacy_banner_compile(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf)
{
    int                       i;
    size_t                    len, ncuts, *cuts, start;
    const char               *consent_url;
    unsigned char            *buf;
    privacy_text_t            template;
    mod_privacy_banner_t     *b;
    privacy_template_fill_t   f[10];

    static const char  builtin[] = PRIVACY_TEMPLATE_BUILTIN;

    b = apr_pcalloc(p, sizeof(mod_privacy_banner_t));

    consent_url = mod_privacy_consent_url(s);

    b->categories = dcf->categories;
    b->policy_url = dcf->policy_url;
    b->consent_url = consent_url;

    if (dcf->banner == MOD_PRIVACY_BANNER_FILE) {
        b->template = dcf->banner_text;
        template.data = (const unsigned char *) dcf->banner_text;
        template.len = dcf->banner_len;

    } else {
        /* the builtin banner in its English words */
        mod_privacy_text(&f[0].name, "{{lang}}");
        mod_privacy_text(&f[0].fill, "en");
        mod_privacy_text(&f[1].name, "{{title}}");
        mod_privacy_text(&f[1].fill, PRIVACY_WORDS_EN_TITLE);
        mod_privacy_text(&f[2].name, "{{text}}");
        mod_privacy_text(&f[2].fill, PRIVACY_WORDS_EN_TEXT);
        mod_privacy_text(&f[3].name, "{{policy}}");
        mod_privacy_text(&f[3].fill, PRIVACY_WORDS_EN_POLICY);
        mod_privacy_text(&f[4].name, "{{settings}}");
        mod_privacy_text(&f[4].fill, PRIVACY_WORDS_EN_SETTINGS);
        mod_privacy_text(&f[5].name, "{{legend}}");
        mod_privacy_text(&f[5].fill, PRIVACY_WORDS_EN_LEGEND);
        mod_privacy_text(&f[6].name, "{{accept}}");
        mod_privacy_text(&f[6].fill, PRIVACY_WORDS_EN_ACCEPT);
        mod_privacy_text(&f[7].name, "{{reject}}");
        mod_privacy_text(&f[7].fill, PRIVACY_WORDS_EN_REJECT);
        mod_privacy_text(&f[8].name, "{{save}}");
        mod_privacy_text(&f[8].fill, PRIVACY_WORDS_EN_SAVE);
        mod_privacy_text(&f[9].name, "{{saved}}");
        mod_privacy_text(&f[9].fill, PRIVACY_WORDS_EN_SAVED);

        len = privacy_template_fill(NULL, (const unsigned char *) builtin,
                                    sizeof(builtin) - 1, f, 10, NULL, NULL);
        buf = apr_palloc(p, len);

        template.data = buf;
        template.len = privacy_template_fill(buf,
                                             (const unsigned char *) builtin,
                                             sizeof(builtin) - 1, f, 10,
                                             NULL, NULL);
    }

    /* the placeholders of any template, as the nginx module fills them */
    mod_privacy_banner_escaped(p, &f[0], "{{policy_url}}", dcf->policy_url);
    mod_privacy_banner_escaped(p, &f[1], "{{consent_url}}", consent_url);
    mod_privacy_banner_inputs(p, dcf, &f[2]);
    mod_privacy_text(&f[3].name, "{{return_path}}");
    f[3].fill.data = NULL;
    f[3].fill.len = 0;
    mod_privacy_banner_escaped(p, &f[4], "{{banner_css_url}}",
                               apr_pstrcat(p, consent_url,
                                           mod_privacy_asset_path(
                                               MOD_PRIVACY_ASSET_CSS),
                                           NULL));
    mod_privacy_banner_escaped(p, &f[5], "{{banner_js_url}}",
                               apr_pstrcat(p, consent_url,
                                           mod_privacy_asset_path(
                                               MOD_PRIVACY_ASSET_JS),
                                           NULL));
    mod_privacy_banner_table(p, dcf, MOD_PRIVACY_TABLE_INPUTS, &f[6],
                             "{{category_details}}");
    mod_privacy_banner_table(p, dcf, MOD_PRIVACY_TABLE_ESSENTIAL, &f[7],
                             "{{category_essential}}");

    /* no Global Privacy Control here yet: the note is left out */
    mod_privacy_text(&f[8].name, "{{gpc_note}}");
    mod_privacy_text(&f[8].fill, "");

    len = privacy_template_fill(NULL, template.data, template.len, f, 9,
                                NULL, &ncuts);

    buf = apr_palloc(p, len + 1);
    cuts = apr_palloc(p, (ncuts + 1) * sizeof(size_t));
    b->parts = apr_palloc(p, (ncuts + 1) * sizeof(privacy_text_t));

    (void) privacy_template_fill(buf, template.data, template.len, f, 9,
                                 cuts, &ncuts);

    cuts[ncuts] = len;
    start = 0;

    for (i = 0; i <= (int) ncuts; i++) {
        b->parts[i].data = buf + start;
        b->parts[i].len = cuts[i] - start;
        start = cuts[i];
    }

    b->nparts = (int) ncuts + 1;
    b->len = len;

    return b;
}


/*
 * The exact bytes of the banner served with RETURN_PATH (as the form
 * sends it back, not escaped; NULL: none) on a page of DCF's settings:
 * what a consent record hashes as proof of what was shown, as the nginx
 * module's ngx_http_privacy_banner_text() makes them.  With
 * PrivacyBanner off the site shows its own: no text.
 */

const char *
mod_privacy_banner_text(request_rec *r, mod_privacy_dir_conf_t *dcf,
    const char *return_path, apr_size_t *len)
{
    int                    i;
    char                  *text, *p;
    apr_size_t             plen, escaped;
    mod_privacy_banner_t  *b;

    *len = 0;

    if (dcf->banner == MOD_PRIVACY_BANNER_OFF) {
        return "";
    }

    b = mod_privacy_banner_get(r, dcf);

    if (return_path == NULL) {
        return_path = "";
    }

    plen = strlen(return_path);
    escaped = privacy_html_escape(NULL, (const unsigned char *) return_path,
                                  plen);

    text = apr_palloc(r->pool, b->len + escaped * (b->nparts - 1) + 1);
    p = text;

    for (i = 0; i < b->nparts; i++) {
        if (i) {
            p += privacy_html_escape((unsigned char *) p,
                                     (const unsigned char *) return_path,
                                     plen);
        }

        memcpy(p, b->parts[i].data, b->parts[i].len);
        p += b->parts[i].len;
    }

    *len = p - text;

    return text;
}


