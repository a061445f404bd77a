
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


typedef struct {
    privacy_banner_t                matcher;
    mod_privacy_banner_t           *banner;
    privacy_text_t                  return_path; /* HTML-escaped */
    unsigned                        decided:1;   /* whether to insert */
    unsigned                        done:1;
} mod_privacy_banner_ctx_t;


static int mod_privacy_banner_type(request_rec *r,
    mod_privacy_dir_conf_t *dcf);
static int mod_privacy_banner_start(ap_filter_t *f,
    mod_privacy_dir_conf_t *dcf);
static const char *mod_privacy_banner_vary(mod_privacy_dir_conf_t *dcf);
static apr_size_t mod_privacy_banner_return_room(
    mod_privacy_dir_conf_t *dcf);
static void mod_privacy_banner_return(request_rec *r,
    mod_privacy_dir_conf_t *dcf, mod_privacy_banner_ctx_t *bctx);
static apr_bucket *mod_privacy_banner_copy(apr_bucket_alloc_t *ba,
    apr_bucket *e, const unsigned char *data, apr_size_t len);


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
 * What a page of a banner type varies with: the consent cookie, the
 * language where the banner has several (the builtin one has), and
 * Sec-GPC where PrivacyGPC honours it; as the nginx module's
 * ngx_http_privacy_add_vary().
 */

static const char *
mod_privacy_banner_vary(mod_privacy_dir_conf_t *dcf)
{
    int  n;

    static const char  *vary[] = {
        "Cookie", "Cookie, Accept-Language", "Cookie, Sec-GPC",
        "Cookie, Accept-Language, Sec-GPC"
    };

    n = (dcf->banner != MOD_PRIVACY_BANNER_FILE
         || (dcf->banner_languages && dcf->banner_languages->nelts))
        ? 1 : 0;

    if (dcf->gpc_names && dcf->gpc_names->nelts) {
        n += 2;
    }

    return vary[n];
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
        apr_table_mergen(r->headers_out, "Vary", mod_privacy_banner_vary(dcf));
        return 0;
    }

    if (r->status != HTTP_OK || ctx->endpoint || ctx->tk_resource
        || !mod_privacy_banner_type(r, dcf))
    {
        return 0;
    }

    apr_table_mergen(r->headers_out, "Vary", mod_privacy_banner_vary(dcf));

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

    bctx->banner = mod_privacy_banner_get(r, dcf);

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
