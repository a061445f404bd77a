
/*
 * The consent banner: inserted into HTML responses while the visitor has
 * not decided, by an output filter, in one pass over the bucket brigades
 * as they stream.  The tag matching is the core's (privacy_banner.c), and
 * so is the banner's markup (privacy_template.c): the nginx module's
 * ngx_http_privacy_banner.c makes the same choices with the same code.
 *
 * Untouched bytes are never copied: the bucket where the banner goes is
 * split there, and the banner's parts go between as buckets on the
 * configuration's memory.  The matcher copies the few bytes of a possible
 * "</body" that it holds back at the end of a bucket; they go on a heap
 * bucket of their own once the next bucket tells.
 */


#include "mod_privacy.h"

#include <apr_lib.h>
#include <util_filter.h>

#include "privacy_form.h"
#include "privacy_template.h"


/*
 * What a consent form body keeps, beyond the builtin form's fields, for
 * fields of a file banner's own (form-encoded): the return path gets the
 * rest.  The nginx module's NGX_HTTP_PRIVACY_FORM_OWN.
 */
#define MOD_PRIVACY_FORM_OWN  256


/* a banner ready to serve: its parts are cut at {{return_path}} */
typedef struct {
    privacy_text_t                 *parts;
    int                             nparts;
    apr_size_t                      len;         /* of the parts */
} mod_privacy_banner_parts_t;


/* a banner in one language, and the same with its {{gpc_note}} said */
typedef struct {
    const char                     *lang;        /* NULL: the file banner */
    mod_privacy_banner_parts_t     *text;
    mod_privacy_banner_parts_t     *gpc;         /* for Sec-GPC: 1, or NULL */
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
} mod_privacy_banner_t;


typedef struct {
    privacy_banner_t                matcher;
    mod_privacy_banner_parts_t     *banner;
    privacy_text_t                  return_path; /* HTML-escaped */
    unsigned                        decided:1;   /* whether to insert */
    unsigned                        done:1;
} mod_privacy_banner_ctx_t;


static const char *mod_privacy_banner_consent_url(server_rec *s);
static int mod_privacy_banner_type(request_rec *r,
    mod_privacy_dir_conf_t *dcf);
static int mod_privacy_banner_start(ap_filter_t *f,
    mod_privacy_dir_conf_t *dcf);
static mod_privacy_banner_t *mod_privacy_banner_find(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf);
static mod_privacy_banner_t *mod_privacy_banner_compile(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf);
static void mod_privacy_banner_add(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf, mod_privacy_banner_t *b, const char *lang,
    const privacy_text_t *template, const privacy_words_t *words);
static mod_privacy_banner_parts_t *mod_privacy_banner_fill(apr_pool_t *p,
    server_rec *s, mod_privacy_dir_conf_t *dcf, const char *lang,
    const privacy_text_t *template, const privacy_words_t *words,
    const privacy_text_t *gpc_note);
static mod_privacy_banner_parts_t *mod_privacy_banner_pick(request_rec *r,
    mod_privacy_dir_conf_t *dcf);
static apr_size_t mod_privacy_banner_return_room(
    mod_privacy_dir_conf_t *dcf);
static void mod_privacy_banner_return(request_rec *r,
    mod_privacy_dir_conf_t *dcf, mod_privacy_banner_ctx_t *bctx);
static apr_bucket *mod_privacy_banner_copy(apr_bucket_alloc_t *ba,
    apr_bucket *e, const unsigned char *data, apr_size_t len);


/*
 * The banners of the configuration, made once it is read: one per
 * template, category list, policy URL and consent URL that a server or a
 * section has.  Read only once the children run; a request whose merged
 * sections make another combination has its banner made on its pool.
 */
static apr_array_header_t  *mod_privacy_banners;


#define mod_privacy_text(t, s)                                               \
    do {                                                                     \
        (t)->data = (const unsigned char *) (s);                             \
        (t)->len = strlen(s);                                                \
    } while (0)


/* PrivacyBanner builtin | off | FILE */

const char *
mod_privacy_banner(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    const char  *err;

    if (strcmp(arg, "builtin") == 0) {
        dcf->banner = MOD_PRIVACY_BANNER_BUILTIN;
        return NULL;
    }

    if (strcmp(arg, "off") == 0) {
        dcf->banner = MOD_PRIVACY_BANNER_OFF;
        return NULL;
    }

    err = mod_privacy_read_file(cmd, arg, 65536, &dcf->banner_text,
                                &dcf->banner_len, NULL);
    if (err) {
        return err;
    }

    dcf->banner = MOD_PRIVACY_BANNER_FILE;

    return NULL;
}


/* PrivacyBannerPosition body_start | body_end */

const char *
mod_privacy_banner_position(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    if (strcasecmp(arg, "body_start") == 0) {
        dcf->banner_position = PRIVACY_BANNER_BODY_START;

    } else if (strcasecmp(arg, "body_end") == 0) {
        dcf->banner_position = PRIVACY_BANNER_BODY_END;

    } else {
        return mod_privacy_conf_error(cmd,
                                      "invalid value \"%s\", it must be "
                                      "\"body_start\" or \"body_end\"", arg);
    }

    return NULL;
}


/*
 * PrivacyBannerTypes mime-type ...: added to text/html; "*" is any type.
 * A section's directives replace the enclosing ones.
 */

const char *
mod_privacy_banner_types(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    if (dcf->banner_types == NULL) {
        dcf->banner_types = apr_array_make(cmd->pool, 4,
                                           sizeof(const char *));
    }

    *(const char **) apr_array_push(dcf->banner_types) =
                                                 apr_pstrdup(cmd->pool, arg);

    return NULL;
}


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


/*
 * Added to the main request only (not to subrequests, which SSI and
 * mod_dir make, nor to error responses): it decides on the first brigade,
 * once the response's status and headers are known.
 */

void
mod_privacy_banner_insert_filter(request_rec *r)
{
    mod_privacy_dir_conf_t  *dcf;

    dcf = mod_privacy_dir_conf(r);

    if (dcf->enable != 1 || r->main || dcf->banner == MOD_PRIVACY_BANNER_OFF
        || dcf->mode == MOD_PRIVACY_MODE_REPORT)
    {
        return;
    }

    ap_add_output_filter("PRIVACY_BANNER", NULL, r, r->connection);
}


/*
 * The filter.  Each data bucket is read as it comes (a file bucket turns
 * into a heap bucket of a few KB and the file bucket of its rest) and
 * scanned; the brigade goes on with the banner spliced in, less the bytes
 * the matcher holds.  Once the banner is in, or the page ended without a
 * place for it, the filter steps out of the way.
 */

apr_status_t
mod_privacy_banner_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    int                        i;
    request_rec               *r;
    apr_bucket                *e, *next, *b;
    apr_size_t                 len, held_len;
    const char                *data;
    apr_status_t               rv;
    apr_read_type_e            mode;
    apr_bucket_brigade        *rest;
    const unsigned char       *held;
    mod_privacy_banner_ctx_t  *bctx;
    privacy_banner_result_t    res;

    r = f->r;

    if (f->ctx == NULL) {
        if (!mod_privacy_banner_start(f, mod_privacy_dir_conf(r))) {
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
    }

    bctx = f->ctx;
    mode = APR_NONBLOCK_READ;

    for (e = APR_BRIGADE_FIRST(bb);
         e != APR_BRIGADE_SENTINEL(bb) && !bctx->done;
         e = next)
    {
        if (APR_BUCKET_IS_EOS(e)) {
            /* the end, with no place for the banner: the held bytes last */
            held_len = privacy_banner_finish(&bctx->matcher, &held);
            bctx->done = 1;

            ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                          "mod_privacy: no body tag, no banner");

            (void) mod_privacy_banner_copy(f->c->bucket_alloc, e, held,
                                           held_len);
            break;
        }

        if (APR_BUCKET_IS_METADATA(e)) {
            /* a flush goes as it is: only "</body" may be held */
            next = APR_BUCKET_NEXT(e);
            continue;
        }

        rv = apr_bucket_read(e, &data, &len, mode);

        if (rv == APR_EAGAIN) {
            /*
             * a pipe or socket with nothing yet: what is here goes to the
             * client first, then the filter waits for more
             */
            rest = apr_brigade_split_ex(bb, e, NULL);
            APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_flush_create(
                                                     f->c->bucket_alloc));

            rv = ap_pass_brigade(f->next, bb);
            if (rv != APR_SUCCESS) {
                return rv;
            }

            apr_brigade_cleanup(bb);
            APR_BRIGADE_CONCAT(bb, rest);
            apr_brigade_destroy(rest);

            mode = APR_BLOCK_READ;
            next = e;
            continue;
        }

        if (rv != APR_SUCCESS) {
            return rv;
        }

        mode = APR_NONBLOCK_READ;

        if (len == 0) {
            next = APR_BUCKET_NEXT(e);
            continue;
        }

        privacy_banner_scan(&bctx->matcher, (const unsigned char *) data,
                            len, &res);

        /* bytes held by earlier buckets, now known not to be "</body" */
        (void) mod_privacy_banner_copy(f->c->bucket_alloc, e, res.pre,
                                       res.pre_len);

        if (!res.found) {
            next = APR_BUCKET_NEXT(e);

            /* the tail the matcher copied and holds */
            if (res.pass == 0) {
                apr_bucket_delete(e);

            } else if (res.pass < len) {
                apr_bucket_split(e, res.pass);
                apr_bucket_delete(APR_BUCKET_NEXT(e));
            }

            continue;
        }

        ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                      "mod_privacy: banner inserted at %" APR_SIZE_T_FMT
                      " of a bucket of %" APR_SIZE_T_FMT, res.pass, len);

        bctx->done = 1;

        if (!r->header_only) {
            mod_privacy_metric_banner();
        }

        /* the banner goes before B: the rest of E, or what follows E */
        if (res.pass == 0) {
            b = e;

        } else {
            if (res.pass < len) {
                apr_bucket_split(e, res.pass);
            }

            b = APR_BUCKET_NEXT(e);
        }

        for (i = 0; i < bctx->banner->nparts; i++) {

            if (i) {
                APR_BUCKET_INSERT_BEFORE(b, apr_bucket_pool_create(
                                    (const char *) bctx->return_path.data,
                                    bctx->return_path.len, r->pool,
                                    f->c->bucket_alloc));
            }

            if (bctx->banner->parts[i].len) {
                APR_BUCKET_INSERT_BEFORE(b, apr_bucket_immortal_create(
                                    (const char *) bctx->banner->parts[i].data,
                                    bctx->banner->parts[i].len,
                                    f->c->bucket_alloc));
            }
        }

        (void) mod_privacy_banner_copy(f->c->bucket_alloc, b, res.post,
                                       res.post_len);
        next = b;
    }

    if (bctx->done) {
        ap_remove_output_filter(f);
    }

    return ap_pass_brigade(f->next, bb);
}


/*
 * An undecided visitor gets the banner: a copy the browser cached before
 * (decided, an older policy version) must not be validated with a 304,
 * by Apache or by the application, so the request goes without its
 * conditions (pages with the banner carry no validators).  In
 * header_parser, after the decision is read, before any handler.
 */

void
mod_privacy_banner_unconditional(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx)
{
    if (r->main || dcf->banner == MOD_PRIVACY_BANNER_OFF
        || dcf->mode == MOD_PRIVACY_MODE_REPORT
        || dcf->consent_endpoint == 1 || ctx->decided)
    {
        return;
    }

    apr_table_unset(r->headers_in, "If-None-Match");
    apr_table_unset(r->headers_in, "If-Modified-Since");
}


/*
 * Whether this response gets the banner, on its first brigade: status 200,
 * a banner type, no Content-Encoding, an undecided visitor.  Responses of
 * the banner types say "Vary: Cookie", so that no shared cache serves one
 * visitor's page to another; one that gets the banner loses its length,
 * Accept-Ranges and its validators.
 */

static int
mod_privacy_banner_start(ap_filter_t *f, mod_privacy_dir_conf_t *dcf)
{
    request_rec               *r;
    const char                *enc;
    mod_privacy_ctx_t         *ctx;
    mod_privacy_banner_ctx_t  *bctx;

    r = f->r;
    ctx = mod_privacy_get_ctx(r);

    if (r->status == HTTP_NOT_MODIFIED && !ctx->endpoint && !ctx->tk_resource
        && mod_privacy_banner_type(r, dcf))
    {
        /* a 304 carries the Vary of the 200 it validates */
        apr_table_mergen(r->headers_out, "Vary", "Cookie");
        return 0;
    }

    if (r->status != HTTP_OK || ctx->endpoint || ctx->tk_resource
        || !mod_privacy_banner_type(r, dcf))
    {
        return 0;
    }

    apr_table_mergen(r->headers_out, "Vary", "Cookie");

    mod_privacy_read_decision(r, dcf, ctx);

    if (ctx->decided) {
        return 0;
    }

    enc = r->content_encoding;

    if (enc == NULL) {
        enc = apr_table_get(r->headers_out, "Content-Encoding");
    }

    if (enc && enc[0]) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "mod_privacy: banner not inserted: the response has "
                      "\"Content-Encoding: %s\"; let the application send "
                      "identity bodies and compress with mod_deflate", enc);
        return 0;
    }

    bctx = apr_pcalloc(r->pool, sizeof(mod_privacy_banner_ctx_t));

    bctx->banner = mod_privacy_banner_pick(r, dcf);

    privacy_banner_init(&bctx->matcher,
                        dcf->banner_position == PRIVACY_BANNER_BODY_END
                        ? PRIVACY_BANNER_BODY_END : PRIVACY_BANNER_BODY_START);

    mod_privacy_banner_return(r, dcf, bctx);

    /*
     * the length is counted again by Apache's CONTENT_LENGTH filter when
     * the whole page comes in one brigade, else the page goes chunked; no
     * validators: a browser must not revalidate a page with the banner
     * into one without it after the visitor decided, or the reverse
     */
    apr_table_unset(r->headers_out, "Content-Length");
    apr_table_unset(r->headers_out, "Accept-Ranges");
    apr_table_unset(r->headers_out, "ETag");
    apr_table_unset(r->headers_out, "Last-Modified");
    r->clength = 0;

    /* and no range of the page without the banner */
    apr_table_unset(r->headers_in, "Range");

    f->ctx = bctx;

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "mod_privacy: will insert the banner");

    return 1;
}


/*
 * Whether the response's type (without its parameters) is text/html or
 * one of PrivacyBannerTypes, ASCII case-insensitively; "*" is any.
 */

static int
mod_privacy_banner_type(request_rec *r, mod_privacy_dir_conf_t *dcf)
{
    int           i;
    size_t        len;
    const char   *type, *end, **types;

    type = r->content_type;

    if (type == NULL) {
        return 0;
    }

    for (end = type; *end && *end != ';' && *end != ' '; end++) {
        /* void */
    }

    len = end - type;

    if (len == sizeof("text/html") - 1
        && strncasecmp(type, "text/html", len) == 0)
    {
        return 1;
    }

    if (dcf->banner_types == NULL) {
        return 0;
    }

    types = (const char **) dcf->banner_types->elts;

    for (i = 0; i < dcf->banner_types->nelts; i++) {
        if (strcmp(types[i], "*") == 0
            || (strlen(types[i]) == len
                && strncasecmp(type, types[i], len) == 0))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * Where the banner's form posts, below which its stylesheet and script
 * are: the <Location> of the server's first PrivacyConsentEndpoint (a
 * virtual host without one has the main server's), else nginx's
 * privacy_consent_url default.  Apache has no directive for it: the
 * endpoint's own place says it.
 */

static const char *
mod_privacy_banner_consent_url(server_rec *s)
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
    uint32_t                gpc;
    const char             *template;
    mod_privacy_banner_t   *b, **banners;

    template = (dcf->banner == MOD_PRIVACY_BANNER_FILE) ? dcf->banner_text
                                                       : NULL;

    if (mod_privacy_banners == NULL) {
        return NULL;
    }

    gpc = mod_privacy_gpc_mask(p, dcf, NULL);
    banners = (mod_privacy_banner_t **) mod_privacy_banners->elts;

    for (i = 0; i < mod_privacy_banners->nelts; i++) {
        b = banners[i];

        if (b->template == template
            && b->categories == dcf->categories
            && b->policy_url == dcf->policy_url
            && b->consent_url == mod_privacy_banner_consent_url(s)
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

static mod_privacy_banner_t *
mod_privacy_banner_compile(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf)
{
    int                          i, n;
    size_t                       len;
    unsigned char               *buf;
    privacy_text_t               template;
    mod_privacy_banner_t        *b;
    const privacy_words_t       *w;
    privacy_template_fill_t      f[10];
    mod_privacy_banner_file_t   *bf;

    static const char  builtin[] = PRIVACY_TEMPLATE_BUILTIN;

    b = apr_pcalloc(p, sizeof(mod_privacy_banner_t));

    b->categories = dcf->categories;
    b->policy_url = dcf->policy_url;
    b->consent_url = mod_privacy_banner_consent_url(s);
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
    mod_privacy_dir_conf_t *dcf, mod_privacy_banner_t *b, const char *lang,
    const privacy_text_t *template, const privacy_words_t *words)
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

static mod_privacy_banner_parts_t *
mod_privacy_banner_fill(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *dcf, const char *lang,
    const privacy_text_t *template, const privacy_words_t *words,
    const privacy_text_t *gpc_note)
{
    int                          i;
    size_t                       len, ncuts, *cuts, start;
    uint32_t                     gpc;
    const char                  *consent_url;
    unsigned char               *buf;
    privacy_text_t               l;
    privacy_template_fill_t      f[9];
    mod_privacy_banner_parts_t  *b;

    b = apr_pcalloc(p, sizeof(mod_privacy_banner_parts_t));

    consent_url = mod_privacy_banner_consent_url(s);
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
                               apr_pstrcat(p, consent_url, "/banner.css",
                                           NULL));
    mod_privacy_banner_escaped(p, &f[5], "{{banner_js_url}}",
                               apr_pstrcat(p, consent_url, "/banner.js",
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
 * The banner of a request: its settings' banners (made with the
 * configuration, or for a combination of sections it did not see, on the
 * request's pool), in the language its Accept-Language picks, with the
 * GPC note when its signal refuses categories here.
 */

static mod_privacy_banner_parts_t *
mod_privacy_banner_pick(request_rec *r, mod_privacy_dir_conf_t *dcf)
{
    int                         i;
    mod_privacy_ctx_t          *ctx;
    mod_privacy_banner_t       *b;
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
 * The return path the banner carries on this page, HTML-escaped: what
 * the nginx module's ngx_http_privacy_banner_return() makes, the request
 * target as the client sent it, with room in the form body for the rest
 * of the form with every box ticked.
 */

static void
mod_privacy_banner_return(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_banner_ctx_t *bctx)
{
    size_t          len;
    unsigned char  *p;
    const char     *uri;
    unsigned char   path[PRIVACY_RETURN_PATH_MAX];

    uri = r->unparsed_uri ? r->unparsed_uri : "/";

    len = privacy_banner_return_path(path, (const unsigned char *) uri,
                                     strlen(uri),
                                     mod_privacy_banner_return_room(dcf));

    bctx->return_path.len = privacy_html_escape(NULL, path, len);

    p = apr_palloc(r->pool, bctx->return_path.len + 1);

    (void) privacy_html_escape(p, path, len);

    bctx->return_path.data = p;
}


/*
 * The room a return path has in a form body: what is left once the rest
 * of the form takes what it may with every box ticked.
 */

static apr_size_t
mod_privacy_banner_return_room(mod_privacy_dir_conf_t *dcf)
{
    int                      i;
    apr_size_t               rest;
    mod_privacy_category_t  *cat;

    rest = sizeof("action=accept_all&return=") - 1 + MOD_PRIVACY_FORM_OWN;

    if (dcf->categories) {
        cat = (mod_privacy_category_t *) dcf->categories->categories->elts;

        for (i = 0; i < dcf->categories->categories->nelts; i++) {
            if (!cat[i].essential) {
                rest += sizeof("&category=") - 1 + strlen(cat[i].name);
            }
        }
    }

    return PRIVACY_FORM_BODY_MAX - rest;
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
    int                          i;
    char                        *text, *p;
    apr_size_t                   plen, escaped;
    mod_privacy_banner_parts_t  *b;

    *len = 0;

    if (dcf->banner == MOD_PRIVACY_BANNER_OFF) {
        return "";
    }

    b = mod_privacy_banner_pick(r, dcf);

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


/* a heap copy of LEN held bytes at DATA, before the bucket E */

static apr_bucket *
mod_privacy_banner_copy(apr_bucket_alloc_t *ba, apr_bucket *e,
    const unsigned char *data, apr_size_t len)
{
    apr_bucket  *b;

    if (len == 0) {
        return NULL;
    }

    b = apr_bucket_heap_create((const char *) data, len, NULL, ba);

    APR_BUCKET_INSERT_BEFORE(e, b);

    return b;
}
