
/*
 * The banner's files: its stylesheet and its optional script, served by
 * the consent endpoint below privacy_consent_url.  They are plain files in
 * ngx_privacy_module/assets/ that a designer edits; the build makes them
 * byte arrays (config.make, tools/embed-assets.sh), served as they are.
 *
 * The banner and the settings page link each file under a name with a hash
 * of its bytes in it, uri/banner.HASH.css, cached for a year and never
 * revalidated: a new file is a new name.  The hash is in the path, not in
 * a query string, because some caches do not store a URL with a query and
 * others leave the query out of the key.  A HASH that is not the file's
 * (a page from before an upgrade, or from a server not upgraded yet) gets
 * the current file, not to be stored: a cache must not keep this file
 * under another file's name.  The plain uri/banner.css of older pages is
 * answered the same way.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_assets.h"

#include <openssl/sha.h>

/* made by tools/embed-assets.sh in nginx's objs directory */
#include "ngx_http_privacy_assets_data.h"


/* 48 bits of SHA-256: a new file gets a new name */
#define NGX_HTTP_PRIVACY_ASSET_HASH_LEN  12

/* "/banner.HASH.css" fits, with room for a longer name */
#define NGX_HTTP_PRIVACY_ASSET_PATH_MAX  48

/* the hash in quotes */
#define NGX_HTTP_PRIVACY_ASSET_ETAG_LEN  (NGX_HTTP_PRIVACY_ASSET_HASH_LEN + 2)


/* what a name below the endpoint is */
#define NGX_HTTP_PRIVACY_ASSET_NONE      0
#define NGX_HTTP_PRIVACY_ASSET_PLAIN     1   /* banner.css */
#define NGX_HTTP_PRIVACY_ASSET_CURRENT   2   /* banner.HASH.css, this file */
#define NGX_HTTP_PRIVACY_ASSET_OTHER     3   /* banner.HASH.css, another */


typedef struct {
    ngx_str_t                       stem;         /* "/banner" */
    ngx_str_t                       ext;          /* ".css" */
    ngx_str_t                       type;
    ngx_str_t                       body;

    /* set by ngx_http_privacy_assets_hash() */
    ngx_str_t                       path;         /* "/banner.HASH.css" */
    ngx_str_t                       etag;         /* "\"HASH\"" */
    u_char                          hash[NGX_HTTP_PRIVACY_ASSET_HASH_LEN];
    u_char                          path_data[NGX_HTTP_PRIVACY_ASSET_PATH_MAX];
    u_char                          etag_data[NGX_HTTP_PRIVACY_ASSET_ETAG_LEN];
} ngx_http_privacy_asset_t;


static void ngx_http_privacy_assets_hash(void);
static ngx_uint_t ngx_http_privacy_asset_find(u_char *name, size_t len,
    ngx_http_privacy_asset_t **asset);
static ngx_int_t ngx_http_privacy_asset_cached(ngx_http_request_t *r,
    ngx_http_privacy_asset_t *a);


static ngx_str_t  ngx_http_privacy_immutable =
    ngx_string("public, max-age=31536000, immutable");
static ngx_str_t  ngx_http_privacy_etag = ngx_string("ETag");


/* in the order of NGX_HTTP_PRIVACY_ASSET_CSS, _JS and _CONSENT_MODE */

static ngx_http_privacy_asset_t  ngx_http_privacy_assets[] = {

    /*
     * The stylesheet.  Accept all and Reject all share one style; contrast
     * meets WCAG AA; the layout holds at 320 px and at 200% zoom.
     */
    { ngx_string("/banner"),
      ngx_string(".css"),
      ngx_string("text/css"),
      { sizeof(ngx_http_privacy_banner_css) - 1,
        ngx_http_privacy_banner_css },
      ngx_null_string, ngx_null_string, { 0 }, { 0 }, { 0 } },

    /*
     * The optional script: submits the choice with fetch and removes the
     * banner without a reload; anything unexpected falls back to the form.
     * An external file, so that a strict Content-Security-Policy holds.
     */
    { ngx_string("/banner"),
      ngx_string(".js"),
      ngx_string("text/javascript"),
      { sizeof(ngx_http_privacy_banner_js) - 1,
        ngx_http_privacy_banner_js },
      ngx_null_string, ngx_null_string, { 0 }, { 0 }, { 0 } },

    /*
     * Google Consent Mode's defaults from the attribute of its tag, and
     * the update after a decision (privacy_consent_mode)
     */
    { ngx_string("/consent-mode"),
      ngx_string(".js"),
      ngx_string("text/javascript"),
      { sizeof(ngx_http_privacy_consent_mode_js) - 1,
        ngx_http_privacy_consent_mode_js },
      ngx_null_string, ngx_null_string, { 0 }, { 0 }, { 0 } }
};

#define NGX_HTTP_PRIVACY_ASSETS                                               \
    (sizeof(ngx_http_privacy_assets) / sizeof(ngx_http_privacy_asset_t))


/*
 * The hashes, once per process: the files are the module's own bytes.
 * The banner's templates ask first, while the configuration is read.
 */

static void
ngx_http_privacy_assets_hash(void)
{
    ngx_uint_t                 i;
    ngx_http_privacy_asset_t  *a;
    u_char                     md[SHA256_DIGEST_LENGTH];

    static ngx_uint_t  hashed;

    if (hashed) {
        return;
    }

    for (i = 0; i < NGX_HTTP_PRIVACY_ASSETS; i++) {
        a = &ngx_http_privacy_assets[i];

        (void) SHA256(a->body.data, a->body.len, md);
        (void) ngx_hex_dump(a->hash, md, NGX_HTTP_PRIVACY_ASSET_HASH_LEN / 2);

        a->path.data = a->path_data;
        a->path.len = ngx_snprintf(a->path_data,
                                   NGX_HTTP_PRIVACY_ASSET_PATH_MAX,
                                   "%V.%*s%V", &a->stem,
                                   (size_t) NGX_HTTP_PRIVACY_ASSET_HASH_LEN,
                                   a->hash, &a->ext)
                      - a->path_data;

        a->etag.data = a->etag_data;
        a->etag.len = ngx_sprintf(a->etag_data, "\"%*s\"",
                                  (size_t) NGX_HTTP_PRIVACY_ASSET_HASH_LEN,
                                  a->hash)
                      - a->etag_data;
    }

    hashed = 1;
}


/* the path below privacy_consent_url that the banner links: static */

ngx_str_t *
ngx_http_privacy_asset_path(ngx_uint_t asset)
{
    ngx_http_privacy_assets_hash();

    return &ngx_http_privacy_assets[asset].path;
}


/* BASE (privacy_consent_url, escaped as the caller needs) and the path */

ngx_int_t
ngx_http_privacy_asset_url(ngx_pool_t *pool, ngx_str_t *base,
    ngx_uint_t asset, ngx_str_t *url)
{
    u_char     *p;
    ngx_str_t  *path;

    path = ngx_http_privacy_asset_path(asset);

    p = ngx_pnalloc(pool, base->len + path->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    url->data = p;
    p = ngx_cpymem(p, base->data, base->len);
    p = ngx_cpymem(p, path->data, path->len);
    url->len = p - url->data;

    return NGX_OK;
}


/* NAME is what follows privacy_consent_url in the URI ("/banner.css") */

ngx_int_t
ngx_http_privacy_asset_handler(ngx_http_request_t *r, u_char *name,
    size_t len)
{
    ngx_int_t                  rc;
    ngx_uint_t                 kind;
    ngx_http_privacy_asset_t  *a;

    ngx_http_privacy_assets_hash();

    kind = ngx_http_privacy_asset_find(name, len, &a);

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy asset: \"%*s\" is %ui", len, name, kind);

    if (kind == NGX_HTTP_PRIVACY_ASSET_CURRENT
        && (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)))
    {
        if (ngx_http_privacy_asset_cached(r, a) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

    } else if (ngx_http_privacy_add_header(r, &ngx_http_privacy_cache_control,
                                           &ngx_http_privacy_no_store)
               != NGX_OK)
    {
        /* every other answer, errors included */
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (kind == NGX_HTTP_PRIVACY_ASSET_NONE) {
        return NGX_HTTP_NOT_FOUND;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK, &a->type, &a->body);
}


/*
 * "/banner.css" is the stylesheet's plain name; "/banner.HASH.css", with
 * HASH in lowercase hex of the length the module gives, one of its hashed
 * names.  Anything else is no file.
 */

static ngx_uint_t
ngx_http_privacy_asset_find(u_char *name, size_t len,
    ngx_http_privacy_asset_t **asset)
{
    u_char                    *hash;
    ngx_uint_t                 i, k;
    ngx_http_privacy_asset_t  *a;

    for (i = 0; i < NGX_HTTP_PRIVACY_ASSETS; i++) {
        a = &ngx_http_privacy_assets[i];

        if (len < a->stem.len + a->ext.len
            || ngx_strncmp(name, a->stem.data, a->stem.len) != 0
            || ngx_strncmp(name + len - a->ext.len, a->ext.data, a->ext.len)
               != 0)
        {
            continue;
        }

        *asset = a;

        if (len == a->stem.len + a->ext.len) {
            return NGX_HTTP_PRIVACY_ASSET_PLAIN;
        }

        if (len != a->stem.len + 1 + NGX_HTTP_PRIVACY_ASSET_HASH_LEN
                   + a->ext.len
            || name[a->stem.len] != '.')
        {
            continue;
        }

        hash = name + a->stem.len + 1;

        for (k = 0; k < NGX_HTTP_PRIVACY_ASSET_HASH_LEN; k++) {
            if (!((hash[k] >= '0' && hash[k] <= '9')
                  || (hash[k] >= 'a' && hash[k] <= 'f')))
            {
                break;
            }
        }

        if (k < NGX_HTTP_PRIVACY_ASSET_HASH_LEN) {
            continue;
        }

        if (ngx_memcmp(hash, a->hash, NGX_HTTP_PRIVACY_ASSET_HASH_LEN) == 0) {
            return NGX_HTTP_PRIVACY_ASSET_CURRENT;
        }

        return NGX_HTTP_PRIVACY_ASSET_OTHER;
    }

    *asset = NULL;

    return NGX_HTTP_PRIVACY_ASSET_NONE;
}


/*
 * The headers of a file under its own hashed name: anyone may keep it for
 * a year without asking again; the ETag answers a revalidation with a 304
 * (nginx's not modified filter).  The answer is the same for every
 * visitor, so it sets no cookie and expires none.
 */

static ngx_int_t
ngx_http_privacy_asset_cached(ngx_http_request_t *r,
    ngx_http_privacy_asset_t *a)
{
    ngx_table_elt_t         *h;
    ngx_http_privacy_ctx_t  *ctx;

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ctx->shared = 1;

    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_cache_control,
                                    &ngx_http_privacy_immutable)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    h->key = ngx_http_privacy_etag;
    h->value = a->etag;

    r->headers_out.etag = h;

    return NGX_OK;
}
