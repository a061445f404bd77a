
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


/* a banner in one language, and the same with its {{gpc_note}} said */
typedef struct {
    const char                     *lang;        /* NULL: the file banner */
    mod_privacy_banner_t           *text;
    mod_privacy_banner_t           *gpc;         /* for Sec-GPC: 1, or NULL */
} mod_privacy_banner_lang_t;


/* the banners of one combination of settings, per language */
typedef struct {
    const char                     *template;    /* what it is made of */
    mod_privacy_categories_t       *categories;
    const char                     *policy_url;
    const char                     *consent_url;
    apr_array_header_t             *languages;
    apr_array_header_t             *category_texts;
    uint32_t                        gpc;
    mod_privacy_banner_lang_t      *langs;
    const char                    **lang_names;  /* for the pick */
    int                             nlangs;
    int                             dflt;
} mod_privacy_banner_set_t;


/*
 * The banners of the configuration, made once it is read: one set per
 * template, category list, policy URL, consent URL, languages, category
 * texts and GPC categories that a server or a section has.  Read only
 * once the children run; a request whose merged sections make another
 * combination has its banners made on its pool.
 */
static apr_array_header_t  *mod_privacy_banners;


#define mod_privacy_text(t, s)                                               \
    do {                                                                     \
        (t)->data = (const unsigned char *) (s);                             \
        (t)->len = strlen(s);                                                \
    } while (0)


static mod_privacy_banner_set_t *mod_privacy_banner_find(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf);
static mod_privacy_banner_set_t *mod_privacy_banner_compile(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf);
static void mod_privacy_banner_add(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf, mod_privacy_banner_set_t *b,
    const char *lang, const privacy_text_t *template,
    const privacy_words_t *words);
static mod_privacy_banner_t *mod_privacy_banner_fill(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf, const char *lang,
    const privacy_text_t *template, const privacy_words_t *words,
    const privacy_text_t *gpc_note);


/*
 * The banners of the configuration are made while it is checked
 * (check_config runs for each generation, and for configtest): the list
 * starts empty, then each server and section adds its banner.
 */

void
mod_privacy_banner_init(apr_pool_t *pconf)
{
    mod_privacy_banners = apr_array_make(pconf, 4,
                                         sizeof(mod_privacy_banner_set_t *));
}


void
mod_privacy_banner_prepare(server_rec *s, mod_privacy_dir_conf_t *dcf)
{
    if (dcf->enable == 1 && dcf->banner != MOD_PRIVACY_BANNER_OFF) {
        (void) mod_privacy_banner_find(mod_privacy_banners->pool, s, dcf);
    }
}


/*
 * The banner of a request: its settings' banners (made with the
 * configuration, or for a combination of sections it did not see, on the
 * request's pool), in the language its Accept-Language picks, with the
 * GPC note when its signal refuses categories here.
 */

mod_privacy_banner_t *
mod_privacy_banner_get(request_rec *r, mod_privacy_dir_conf_t *dcf)
{
    int                         i;
    mod_privacy_ctx_t          *ctx;
    mod_privacy_banner_set_t   *b;
    mod_privacy_banner_lang_t  *bl;

    b = mod_privacy_banner_find(NULL, r->server, dcf);

    if (b == NULL) {
        b = mod_privacy_banner_compile(r->pool, r->server, dcf);
    }

    i = mod_privacy_words_pick(r, b->lang_names, b->nlangs, b->dflt);
    bl = &b->langs[i];

    ctx = mod_privacy_get_ctx(r);

    if (bl->gpc && ctx->gpc_refused) {
        return bl->gpc;
    }

    return bl->text;
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

static mod_privacy_banner_set_t *
mod_privacy_banner_find(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf)
{
    int                        i;
    uint32_t                   gpc;
    const char                *template;
    mod_privacy_banner_set_t  *b, **banners;

    template = (dcf->banner == MOD_PRIVACY_BANNER_FILE) ? dcf->banner_text
                                                       : NULL;

    if (mod_privacy_banners == NULL) {
        return NULL;
    }

    gpc = mod_privacy_gpc_mask(p, dcf, NULL);
    banners = (mod_privacy_banner_set_t **) mod_privacy_banners->elts;

    for (i = 0; i < mod_privacy_banners->nelts; i++) {
        b = banners[i];

        if (b->template == template
            && b->categories == dcf->categories
            && b->policy_url == dcf->policy_url
            && b->consent_url == mod_privacy_consent_url(s)
            && b->languages == dcf->banner_languages
            && b->category_texts == dcf->category_texts
            && b->gpc == gpc)
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

    *(mod_privacy_banner_set_t **) apr_array_push(mod_privacy_banners) = b;

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


/*
 * The category table of the banner and the settings page, the essential
 * categories (MOD_PRIVACY_TABLE_ESSENTIAL) or the others with a checkbox
 * (MOD_PRIVACY_TABLE_INPUTS), ticked for those in CHECKED: the core's
 * markup, in English words (PrivacyCategoryText's or the builtin ones).
 * With buf NULL only the length.
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
        mod_privacy_words_category(dcf, i, NULL, &c.label, &c.description);
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
 * The banners of DCF's settings, as the nginx module makes them at merge:
 * those of PrivacyBannerLanguage first (they replace builtin ones), then
 * the PrivacyBanner file as the default, or else the builtin banner in
 * each builtin language, English the default.  Each has its twin with the
 * {{gpc_note}} said where PrivacyGPC refuses categories.
 */

static mod_privacy_banner_set_t *
mod_privacy_banner_compile(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf)
{
    int                          i, n;
    size_t                       len;
    unsigned char               *buf;
    privacy_text_t               template;
    mod_privacy_banner_set_t    *b;
    const privacy_words_t       *w;
    privacy_template_fill_t      f[10];
    mod_privacy_banner_file_t   *bf;

    static const char  builtin[] = PRIVACY_TEMPLATE_BUILTIN;

    b = apr_pcalloc(p, sizeof(mod_privacy_banner_set_t));

    b->categories = dcf->categories;
    b->policy_url = dcf->policy_url;
    b->consent_url = mod_privacy_consent_url(s);
    b->languages = dcf->banner_languages;
    b->category_texts = dcf->category_texts;
    b->gpc = mod_privacy_gpc_mask(p, dcf, NULL);
    b->template = (dcf->banner == MOD_PRIVACY_BANNER_FILE) ? dcf->banner_text
                                                          : NULL;

    n = (dcf->banner_languages ? dcf->banner_languages->nelts : 0) + 4;

    b->langs = apr_pcalloc(p, n * sizeof(mod_privacy_banner_lang_t));
    b->lang_names = apr_pcalloc(p, n * sizeof(const char *));

    bf = dcf->banner_languages
         ? (mod_privacy_banner_file_t *) dcf->banner_languages->elts : NULL;

    for (i = 0; bf && i < dcf->banner_languages->nelts; i++) {
        template.data = (const unsigned char *) bf[i].text;
        template.len = bf[i].len;

        mod_privacy_banner_add(p, s, dcf, b, bf[i].lang, &template,
                               privacy_words_of((const unsigned char *)
                                                bf[i].lang,
                                                strlen(bf[i].lang)));
    }

    if (dcf->banner == MOD_PRIVACY_BANNER_FILE) {
        b->dflt = b->nlangs;

        template.data = (const unsigned char *) dcf->banner_text;
        template.len = dcf->banner_len;

        mod_privacy_banner_add(p, s, dcf, b, NULL, &template,
                               privacy_words_builtin(0));
        return b;
    }

    for (i = 0; (w = privacy_words_builtin(i)); i++) {

        /* the builtin banner in its words */
        mod_privacy_text(&f[0].name, "{{lang}}");
        f[0].fill = w->lang;
        mod_privacy_text(&f[1].name, "{{title}}");
        f[1].fill = w->title;
        mod_privacy_text(&f[2].name, "{{text}}");
        f[2].fill = w->text;
        mod_privacy_text(&f[3].name, "{{policy}}");
        f[3].fill = w->policy;
        mod_privacy_text(&f[4].name, "{{settings}}");
        f[4].fill = w->settings;
        mod_privacy_text(&f[5].name, "{{legend}}");
        f[5].fill = w->legend;
        mod_privacy_text(&f[6].name, "{{accept}}");
        f[6].fill = w->accept;
        mod_privacy_text(&f[7].name, "{{reject}}");
        f[7].fill = w->reject;
        mod_privacy_text(&f[8].name, "{{save}}");
        f[8].fill = w->save;
        mod_privacy_text(&f[9].name, "{{saved}}");
        f[9].fill = w->saved;

        len = privacy_template_fill(NULL, (const unsigned char *) builtin,
                                    sizeof(builtin) - 1, f, 10, NULL, NULL);
        buf = apr_palloc(p, len);

        template.data = buf;
        template.len = privacy_template_fill(buf,
                                             (const unsigned char *) builtin,
                                             sizeof(builtin) - 1, f, 10,
                                             NULL, NULL);

        mod_privacy_banner_add(p, s, dcf, b,
                               apr_pstrndup(p, (const char *) w->lang.data,
                                            w->lang.len),
                               &template, w);
    }

    /* English, builtin or given by "PrivacyBannerLanguage en" */
    for (i = 0; i < b->nlangs; i++) {
        if (strcmp(b->lang_names[i], "en") == 0) {
            b->dflt = i;
            break;
        }
    }

    return b;
}


/* a banner in a language; a language already there is kept (given first) */

static void
mod_privacy_banner_add(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf, mod_privacy_banner_set_t *b,
    const char *lang, const privacy_text_t *template,
    const privacy_words_t *words)
{
    int                         i;
    privacy_text_t              note, l;
    mod_privacy_banner_lang_t  *bl;

    for (i = 0; lang && i < b->nlangs; i++) {
        if (b->lang_names[i] && strcmp(b->lang_names[i], lang) == 0) {
            return;
        }
    }

    bl = &b->langs[b->nlangs];
    b->lang_names[b->nlangs] = lang;
    b->nlangs++;

    bl->lang = lang;
    bl->text = mod_privacy_banner_fill(p, s, dcf, lang, template, words,
                                       NULL);

    if (b->gpc == 0) {
        return;
    }

    l.data = (const unsigned char *) lang;
    l.len = lang ? strlen(lang) : 0;

    note = mod_privacy_words_gpc_note(p, dcf, lang ? &l : NULL, words,
                                      b->gpc);

    bl->gpc = mod_privacy_banner_fill(p, s, dcf, lang, template, words,
                                      &note);
}


/*
 * A banner of a template: the placeholders known from the configuration
 * filled, HTML-escaped, and cut at each {{return_path}}.
 */

static mod_privacy_banner_t *
mod_privacy_banner_fill(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf, const char *lang,
    const privacy_text_t *template, const privacy_words_t *words,
    const privacy_text_t *gpc_note)
{
    int                       i;
    size_t                    len, ncuts, *cuts, start;
    uint32_t                  gpc;
    const char               *consent_url;
    unsigned char            *buf;
    privacy_text_t            l;
    privacy_template_fill_t   f[9];
    mod_privacy_banner_t     *b;

    b = apr_pcalloc(p, sizeof(mod_privacy_banner_t));

    consent_url = mod_privacy_consent_url(s);
    gpc = mod_privacy_gpc_mask(p, dcf, NULL);

    l.data = (const unsigned char *) lang;
    l.len = lang ? strlen(lang) : 0;

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
    mod_privacy_text(&f[6].name, "{{category_details}}");
    f[6].fill = mod_privacy_words_table(p, dcf, lang ? &l : NULL, words, 0,
                                        gpc);
    mod_privacy_text(&f[7].name, "{{category_essential}}");
    f[7].fill = mod_privacy_words_table(p, dcf, lang ? &l : NULL, words, 1,
                                        gpc);
    mod_privacy_text(&f[8].name, "{{gpc_note}}");

    if (gpc_note) {
        f[8].fill = *gpc_note;

    } else {
        mod_privacy_text(&f[8].fill, "");
    }

    len = privacy_template_fill(NULL, template->data, template->len, f, 9,
                                NULL, &ncuts);

    buf = apr_palloc(p, len + 1);
    cuts = apr_palloc(p, (ncuts + 1) * sizeof(size_t));
    b->parts = apr_palloc(p, (ncuts + 1) * sizeof(privacy_text_t));

    (void) privacy_template_fill(buf, template->data, template->len, f, 9,
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


