
/*
 * The banner's files: its stylesheet and its optional script, served by
 * the consent endpoint below its URL, as the nginx module serves them
 * (ngx_http_privacy_assets.c): the same files of ngx_privacy_module/assets/
 * made byte arrays at build time by the same generator
 * (tools/embed-assets.sh, run by tools/build-apache.sh), the same names.
 *
 * The banner and the settings page link each file under a name with a
 * hash of its bytes in it, uri/banner.HASH.css, cached for a year and
 * never revalidated: a new file is a new name.  A HASH that is not the
 * file's (a page from before an upgrade, or from a server not upgraded
 * yet) gets the current file, not to be stored; so does the plain
 * uri/banner.css of older pages.
 */


#include "mod_privacy.h"

#include <openssl/sha.h>
#include <util_filter.h>

/* made by tools/embed-assets.sh in the build directory */
#include "mod_privacy_assets_data.h"


/* 48 bits of SHA-256: a new file gets a new name */
#define MOD_PRIVACY_ASSET_HASH_LEN  12

/* "/banner.HASH.css" fits, with room for a longer name */
#define MOD_PRIVACY_ASSET_PATH_MAX  48

/* what a name below the endpoint is */
#define MOD_PRIVACY_ASSET_NONE      0
#define MOD_PRIVACY_ASSET_PLAIN     1   /* banner.css */
#define MOD_PRIVACY_ASSET_CURRENT   2   /* banner.HASH.css, this file */
#define MOD_PRIVACY_ASSET_OTHER     3   /* banner.HASH.css, another */


typedef struct {
    const char                     *stem;        /* "/banner" */
    const char                     *ext;         /* ".css" */
    const char                     *type;
    const unsigned char            *body;
    apr_size_t                      len;

    /* set by mod_privacy_assets_init() */
    char                            path[MOD_PRIVACY_ASSET_PATH_MAX];
    char                            etag[MOD_PRIVACY_ASSET_HASH_LEN + 3];
    char                            hash[MOD_PRIVACY_ASSET_HASH_LEN + 1];
} mod_privacy_asset_t;


static int mod_privacy_asset_find(const char *name,
    mod_privacy_asset_t **asset);


/* in the order of MOD_PRIVACY_ASSET_CSS and _JS */

static mod_privacy_asset_t  mod_privacy_assets[] = {

    { "/banner", ".css", "text/css", mod_privacy_banner_css,
      sizeof(mod_privacy_banner_css) - 1, "", "", "" },

    { "/banner", ".js", "text/javascript", mod_privacy_banner_js,
      sizeof(mod_privacy_banner_js) - 1, "", "", "" }
};

#define MOD_PRIVACY_ASSETS                                                   \
    (sizeof(mod_privacy_assets) / sizeof(mod_privacy_asset_t))


/*
 * The hashes, in the parent before the configuration is read (the
 * banners link them): the children inherit them, read only.
 */

void
mod_privacy_assets_init(void)
{
    unsigned                i;
    mod_privacy_asset_t    *a;
    unsigned char           md[SHA256_DIGEST_LENGTH];

    for (i = 0; i < MOD_PRIVACY_ASSETS; i++) {
        a = &mod_privacy_assets[i];

        (void) SHA256(a->body, a->len, md);
        privacy_hex((unsigned char *) a->hash, md,
                    MOD_PRIVACY_ASSET_HASH_LEN / 2);
        a->hash[MOD_PRIVACY_ASSET_HASH_LEN] = '\0';

        apr_snprintf(a->path, sizeof(a->path), "%s.%s%s", a->stem, a->hash,
                     a->ext);
        apr_snprintf(a->etag, sizeof(a->etag), "\"%s\"", a->hash);
    }
}


/* the path below the endpoint that the banner links ("/banner.HASH.css") */

const char *
mod_privacy_asset_path(int asset)
{
    return mod_privacy_assets[asset].path;
}


/*
 * NAME is what follows the endpoint's URL in the URI ("/banner.css").
 * Every answer but a file under its own hashed name is not to be stored
 * (the endpoint's Cache-Control: no-store, errors included).
 */

int
mod_privacy_asset_handler(request_rec *r, const char *name)
{
    int                   kind, rc;
    apr_bucket_brigade   *bb;
    apr_bucket_alloc_t   *ba;
    mod_privacy_asset_t  *a;

    kind = mod_privacy_asset_find(name, &a);

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "mod_privacy: asset \"%s\" is %d", name, kind);

    r->allowed = AP_METHOD_BIT << M_GET;

    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }

    if (ap_discard_request_body(r) != OK) {
        return HTTP_BAD_REQUEST;
    }

    if (kind == MOD_PRIVACY_ASSET_NONE) {
        return HTTP_NOT_FOUND;
    }

    if (kind == MOD_PRIVACY_ASSET_CURRENT) {
        /*
         * anyone may keep it a year without asking again; the ETag answers
         * a revalidation with a 304.  The same answer for every visitor:
         * it sets no cookie and expires none.
         */
        mod_privacy_get_ctx(r)->shared = 1;

        apr_table_setn(r->err_headers_out, "Cache-Control",
                       "public, max-age=31536000, immutable");
        apr_table_setn(r->headers_out, "ETag", a->etag);

        /* a 304 keeps the ETag and Cache-Control */
        rc = ap_meets_conditions(r);

        if (rc != OK) {
            return rc;
        }
    }

    ap_set_content_type(r, a->type);
    ap_set_content_length(r, a->len);

    /* the module's own bytes, sent from where they are */
    ba = r->connection->bucket_alloc;
    bb = apr_brigade_create(r->pool, ba);

    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(
                                    (const char *) a->body, a->len, ba));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));

    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS
           ? OK : AP_FILTER_ERROR;
}


/*
 * "/banner.css" is the stylesheet's plain name; "/banner.HASH.css", with
 * HASH in lowercase hex of the length the module gives, one of its hashed
 * names.  Anything else is no file.
 */

static int
mod_privacy_asset_find(const char *name, mod_privacy_asset_t **asset)
{
    unsigned              i, k;
    size_t                len, stem, ext;
    const char           *hash;
    mod_privacy_asset_t  *a;

    len = strlen(name);

    for (i = 0; i < MOD_PRIVACY_ASSETS; i++) {
        a = &mod_privacy_assets[i];
        stem = strlen(a->stem);
        ext = strlen(a->ext);

        if (len < stem + ext
            || strncmp(name, a->stem, stem) != 0
            || strcmp(name + len - ext, a->ext) != 0)
        {
            continue;
        }

        *asset = a;

        if (len == stem + ext) {
            return MOD_PRIVACY_ASSET_PLAIN;
        }

        if (len != stem + 1 + MOD_PRIVACY_ASSET_HASH_LEN + ext
            || name[stem] != '.')
        {
            continue;
        }

        hash = name + stem + 1;

        for (k = 0; k < MOD_PRIVACY_ASSET_HASH_LEN; k++) {
            if (!((hash[k] >= '0' && hash[k] <= '9')
                  || (hash[k] >= 'a' && hash[k] <= 'f')))
            {
                break;
            }
        }

        if (k < MOD_PRIVACY_ASSET_HASH_LEN) {
            continue;
        }

        if (memcmp(hash, a->hash, MOD_PRIVACY_ASSET_HASH_LEN) == 0) {
            return MOD_PRIVACY_ASSET_CURRENT;
        }

        return MOD_PRIVACY_ASSET_OTHER;
    }

    *asset = NULL;

    return MOD_PRIVACY_ASSET_NONE;
}
