
/*
 * ngx_http_privacy_module: the banner of a request: the language
 * Accept-Language picks, the return path it carries, the exact bytes
 * served.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_banner_text.h"
#include "privacy_banner.h"
#include "privacy_form.h"
#include "privacy_words.h"


/*
 * What a consent form body keeps, beyond the builtin form's fields, for
 * fields of a file banner's own (form-encoded): the return path gets the
 * rest.
 */
#define NGX_HTTP_PRIVACY_FORM_OWN  256


static ngx_http_privacy_banner_lang_t *ngx_http_privacy_banner_lang(
    ngx_http_request_t *r, ngx_http_privacy_loc_conf_t *plcf);


/*
 * The banner in the visitor's language, and with the Global Privacy
 * Control note when the request's signal refuses categories here.
 */

ngx_http_privacy_banner_lang_t *
ngx_http_privacy_banner_pick(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_http_privacy_ctx_t          *ctx;
    ngx_http_privacy_banner_lang_t  *bl;

    bl = ngx_http_privacy_banner_lang(r, plcf);

    /* Sec-GPC: 1 refuses categories here: the banner that says so */
    ctx = ngx_http_get_module_ctx(r, ngx_http_privacy_module);

    if (bl->gpc && ctx && ctx->gpc_refused) {
        return bl->gpc;
    }

    return bl;
}


/*
 * The banner in the visitor's language: the Accept-Language entry with the
 * highest q whose primary subtag has a banner (the core reads the header),
 * otherwise the default.
 */

static ngx_http_privacy_banner_lang_t *
ngx_http_privacy_banner_lang(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    size_t                           tag_len;
    unsigned                         q, best_q;
    ngx_uint_t                       i;
    ngx_table_elt_t                 *h;
    const unsigned char             *p, *last, *tag;
    ngx_http_privacy_banner_lang_t  *bl, *best;

    bl = plcf->banners->elts;
    best = &bl[plcf->banner_default];

    h = ngx_http_privacy_find_header(r, (u_char *) "Accept-Language",
                                     sizeof("Accept-Language") - 1);
    if (h == NULL) {
        return best;
    }

    best_q = 0;
    p = h->value.data;
    last = p + h->value.len;

    while (privacy_words_accept_next(&p, last, &tag, &tag_len, &q)) {

        if (q <= best_q || tag_len == 0) {
            continue;
        }

        for (i = 0; i < plcf->banners->nelts; i++) {
            if (bl[i].lang.len == tag_len
                && ngx_strncasecmp(bl[i].lang.data, (u_char *) tag, tag_len)
                   == 0)
            {
                best = &bl[i];
                best_q = q;
                break;
            }
        }
    }

    return best;
}


/*
 * The return path the banner carries on this page, HTML-escaped for its
 * attribute: privacy_banner_return_path() of the request target, with a
 * form body's room less what the rest of the form may take with every box
 * ticked ("action=accept_all", an "&category=NAME" per optional category,
 * "&return=") and NGX_HTTP_PRIVACY_FORM_OWN for a file banner's own
 * fields.  Whatever the page, the endpoint takes the form and redirects.
 */

ngx_int_t
ngx_http_privacy_banner_return(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *escaped)
{
    u_char                       *p;
    size_t                        len, rest;
    ngx_uint_t                    i;
    ngx_http_privacy_category_t  *cat;
    u_char                        path[PRIVACY_RETURN_PATH_MAX];

    rest = sizeof("action=accept_all&return=") - 1
           + NGX_HTTP_PRIVACY_FORM_OWN;

    if (plcf->categories) {
        cat = plcf->categories->categories.elts;

        for (i = 0; i < plcf->categories->categories.nelts; i++) {
            if (!cat[i].essential) {
                rest += sizeof("&category=") - 1 + cat[i].name.len;
            }
        }
    }

    /* at most 25 + 256 + 30 * (10 + 32) bytes: room is left */

    len = privacy_banner_return_path(path, r->unparsed_uri.data,
                                     r->unparsed_uri.len,
                                     PRIVACY_FORM_BODY_MAX - rest);

    escaped->len = privacy_html_escape(NULL, path, len);

    p = ngx_pnalloc(r->pool, escaped->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    (void) privacy_html_escape(p, path, len);
    escaped->data = p;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: return path \"%*s\"", len, path);

    return NGX_OK;
}


/* the exact bytes of the banner served for RETURN_PATH (not escaped) */

ngx_int_t
ngx_http_privacy_banner_text(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *return_path,
    ngx_str_t *text)
{
    u_char                          *p;
    size_t                           len, escaped;
    ngx_str_t                       *part;
    ngx_uint_t                       i, n;
    ngx_http_privacy_banner_lang_t  *bl;

    if (plcf->banner == NGX_HTTP_PRIVACY_BANNER_OFF) {
        /* the site shows its own: the record says no banner was served */
        ngx_str_null(text);
        return NGX_OK;
    }

    bl = ngx_http_privacy_banner_pick(r, plcf);

    part = bl->parts->elts;
    n = bl->parts->nelts;

    escaped = privacy_html_escape(NULL, return_path->data, return_path->len);
    len = escaped * (n - 1);

    for (i = 0; i < n; i++) {
        len += part[i].len;
    }

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    text->data = p;

    for (i = 0; i < n; i++) {
        if (i) {
            p += privacy_html_escape(p, return_path->data, return_path->len);
        }

        p = ngx_cpymem(p, part[i].data, part[i].len);
    }

    text->len = p - text->data;

    return NGX_OK;
}
