
/*
 * The banner's files: its stylesheet and its optional script, served by
 * the consent endpoint below privacy_consent_url.  They are plain files in
 * ngx_privacy_module/assets/ that a designer edits; the build makes them
 * byte arrays (config.make, tools/embed-assets.sh), served as they are.
 */


#include "ngx_http_privacy_module.h"

/* made by tools/embed-assets.sh in nginx's objs directory */
#include "ngx_http_privacy_assets.h"


typedef struct {
    ngx_str_t                       name;         /* below the endpoint */
    ngx_str_t                       type;
    ngx_str_t                       body;
} ngx_http_privacy_asset_t;


static ngx_http_privacy_asset_t  ngx_http_privacy_assets[] = {

    /*
     * The stylesheet.  Accept all and Reject all share one style; contrast
     * meets WCAG AA; the layout holds at 320 px and at 200% zoom.
     */
    { ngx_string("/banner.css"),
      ngx_string("text/css"),
      { sizeof(ngx_http_privacy_banner_css) - 1,
        ngx_http_privacy_banner_css } },

    /*
     * The optional script: submits the choice with fetch and removes the
     * banner without a reload; anything unexpected falls back to the form.
     * An external file, so that a strict Content-Security-Policy holds.
     */
    { ngx_string("/banner.js"),
      ngx_string("text/javascript"),
      { sizeof(ngx_http_privacy_banner_js) - 1,
        ngx_http_privacy_banner_js } }
};


/*
 * NAME is what follows privacy_consent_url in the URI ("/banner.css").
 * Every answer, errors included, is not to be stored.
 */

ngx_int_t
ngx_http_privacy_asset_handler(ngx_http_request_t *r, u_char *name,
    size_t len)
{
    ngx_int_t                  rc;
    ngx_uint_t                 i;
    ngx_http_privacy_asset_t  *a;

    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_cache_control,
                                    &ngx_http_privacy_no_store)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    for (i = 0; i < sizeof(ngx_http_privacy_assets)
                    / sizeof(ngx_http_privacy_asset_t); i++)
    {
        a = &ngx_http_privacy_assets[i];

        if (len == a->name.len && ngx_strncmp(name, a->name.data, len) == 0)
        {
            return ngx_http_privacy_send(r, NGX_HTTP_OK, &a->type, &a->body);
        }
    }

    return NGX_HTTP_NOT_FOUND;
}
