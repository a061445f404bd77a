
/*
 * ngx_http_privacy_module: which responses get the banner, by their
 * Content-Type (privacy_banner_types).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_banner_types.h"
#include "ngx_http_privacy_script_filter.h"


/*
 * Whether the response has one of the privacy_banner_types: what
 * ngx_http_test_content_type() answers, without lowercasing and hashing
 * the type when the list is short (text/html alone by default).
 */

ngx_int_t
ngx_http_privacy_banner_type(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    size_t      len;
    ngx_str_t  *type;
    ngx_uint_t  i;

    if (plcf->banner_types_list == NULL) {
        return ngx_http_test_content_type(r, &plcf->banner_types) != NULL;
    }

    if (r->headers_out.content_type.len == 0) {
        return 0;
    }

    len = r->headers_out.content_type_len;
    type = plcf->banner_types_list->elts;

    for (i = 0; i < plcf->banner_types_list->nelts; i++) {
        /* types are mostly sent lowercase: memcmp() is the cheap test */
        if (type[i].len == len
            && (ngx_memcmp(r->headers_out.content_type.data, type[i].data,
                           len)
                == 0
                || ngx_strncasecmp(r->headers_out.content_type.data,
                                   type[i].data, len)
                   == 0))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The same test for a response of any status: on a 304 the not modified
 * filter emptied the type but left its length, and the type is that of
 * the 200 it validates.
 */

ngx_int_t
ngx_http_privacy_banner_type_any_status(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_int_t  rc;
    ngx_str_t  type;

    if (r->headers_out.status != NGX_HTTP_NOT_MODIFIED) {
        return ngx_http_privacy_banner_type(r, plcf);
    }

    type = r->headers_out.content_type;
    r->headers_out.content_type.len = r->headers_out.content_type_len;

    rc = ngx_http_privacy_banner_type(r, plcf);

    r->headers_out.content_type = type;

    return rc;
}


/*
 * The types of the banner_types hash as a list, when there are a few: the
 * hash holds them lowercased.  A location with its parent's hash shares
 * its list.  "*" (an empty hash) and long lists keep to the hash.
 */

ngx_int_t
ngx_http_privacy_banner_types_list(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    ngx_str_t       *type;
    ngx_uint_t       i;
    ngx_array_t     *list;
    ngx_hash_elt_t  *elt;

    conf->banner_types_list = NULL;

    if (conf->banner_types.buckets == prev->banner_types.buckets
        && prev->banner_types_list)
    {
        conf->banner_types_list = prev->banner_types_list;
        return NGX_OK;
    }

    if (conf->banner_types.size == 0) {
        return NGX_OK;
    }

    list = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
    if (list == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < conf->banner_types.size; i++) {

        for (elt = conf->banner_types.buckets[i];
             elt && elt->value;
             elt = (ngx_hash_elt_t *) ngx_align_ptr(&elt->name[0] + elt->len,
                                                    sizeof(void *)))
        {
            if (list->nelts == NGX_HTTP_PRIVACY_BANNER_TYPES_MAX) {
                return NGX_OK;
            }

            type = ngx_array_push(list);
            if (type == NULL) {
                return NGX_ERROR;
            }

            type->data = elt->name;
            type->len = elt->len;
        }
    }

    conf->banner_types_list = list;

    return NGX_OK;
}


/*
 * An undecided visitor gets the banner, one who did not grant a category
 * of privacy_script its tags held back: a copy the browser cached before
 * (decided, granting more, an older policy version) must not be validated
 * with a 304, by nginx or by the application, so the request goes without
 * its conditions (such pages carry no validators).
 */

ngx_int_t
ngx_http_privacy_banner_unconditional(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    ngx_http_privacy_ctx_t  *ctx;

    if (r != r->main
        || (plcf->banner == NGX_HTTP_PRIVACY_BANNER_OFF
            && plcf->scripts == NULL)
        || plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE
        || plcf->consent_endpoint)
    {
        /* the consent endpoint's answers never get the banner */
        return NGX_OK;
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if ((ctx->decided || plcf->banner == NGX_HTTP_PRIVACY_BANNER_OFF)
        && !ngx_http_privacy_script_wanted(r, plcf, ctx))
    {
        return NGX_OK;
    }

    /* each is unique: nginx answers a second one with a 400 */

    if (r->headers_in.if_none_match) {
        if (ngx_http_privacy_remove_header(r, r->headers_in.if_none_match)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        r->headers_in.if_none_match = NULL;
    }

    if (r->headers_in.if_modified_since) {
        if (ngx_http_privacy_remove_header(r, r->headers_in.if_modified_since)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        r->headers_in.if_modified_since = NULL;
    }

    return NGX_OK;
}
