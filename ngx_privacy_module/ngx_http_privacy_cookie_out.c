
/*
 * The Set-Cookie headers the visitor receives: those of categories not
 * granted go, whoever set them, and the cookies the request side blocked
 * are expired; setting the consent cookie; the privacy_cookie and
 * privacy_cookie_domains directives.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_category.h"
#include "ngx_http_privacy_cookie_out.h"


static ngx_uint_t ngx_http_privacy_is_set_cookie(ngx_table_elt_t *h);
static ngx_inline ngx_int_t ngx_http_privacy_add_set_cookie(
    ngx_http_request_t *r, u_char *data, size_t len);


/* the module's own Set-Cookie headers are known by this key's address */
static ngx_str_t  ngx_http_privacy_set_cookie_key = ngx_string("Set-Cookie");


/*
 * Set-Cookie headers of categories not granted go, whoever set them;
 * essential categories pass.  The consent cookie passes when the module
 * set it (its headers are known by their key's address, not by their
 * content) and goes in any mode when anyone else did.  Then the blocked
 * cookies the browser sent are expired.  The request side ran before, in
 * the rewrite phase or in the header filter.
 */

ngx_int_t
ngx_http_privacy_response_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    size_t                       len;
    ngx_int_t                    category;
    ngx_uint_t                   i, expire, known;
    const u_char                *name;
    ngx_list_part_t             *part;
    ngx_table_elt_t             *h;
    ngx_http_privacy_blocked_t  *b;

    expire = ctx->request_blocked
             && !ctx->expired_sent
             && !ctx->tk_resource
             && !ctx->shared
             && plcf->expire_blocked
             && plcf->mode == NGX_HTTP_PRIVACY_MODE_ENFORCE;

    /* the same location blocked the request's names: no need to ask again
     * when the application sets one of them */
    known = (ctx->filtered_by == plcf) ? ctx->request_blocked : 0;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != sizeof("Set-Cookie") - 1
            || h[i].hash == 0
            || !ngx_http_privacy_is_set_cookie(&h[i]))
        {
            continue;
        }

        /* the module's own: the consent cookie and expiring ones */
        if (h[i].key.data == ngx_http_privacy_set_cookie_key.data) {
            continue;
        }

        if (ctx->tk_resource || ctx->shared) {
            /* the tracking status resource never sets a cookie, and an
             * answer a shared cache keeps for everyone must not */
            h[i].hash = 0;
            continue;
        }

        if (!privacy_set_cookie_name(h[i].value.data, h[i].value.len,
                                     &name, &len))
        {
            /*
             * no name and no value: browsers ignore it, or some parse it
             * their own way; here it is a nameless cookie like another
             * (an empty value's data may be NULL)
             */
            name = (const u_char *) "";
            len = 0;
        }

        b = ngx_http_privacy_blocked_find(ctx, known, name, len);

        if (b) {
            category = b->category;

        } else {
            category = ngx_http_privacy_name_lookup(plcf, name, len);

            if (category == NGX_HTTP_PRIVACY_CONSENT_COOKIE) {
                /*
                 * only the module sets the consent cookie: whoever else
                 * does would decide for the visitor, with no record
                 */
                ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                              "privacy removed a Set-Cookie of the consent "
                              "cookie \"%V\" that the module did not set",
                              &plcf->cookie.name);

                h[i].hash = 0;
                continue;
            }

            if (ngx_http_privacy_allowed(plcf, ctx->granted, category)) {
                continue;
            }

            if (ngx_http_privacy_block(r, ctx, name, len, category)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        ngx_http_privacy_metric_blocked(plcf->categories, category,
                                        NGX_HTTP_PRIVACY_DIR_RESPONSE);

        if (plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE) {
            continue;
        }

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy removed \"Set-Cookie: %V\"", &h[i].value);

        if (b && expire && len && b->set_cookie == NULL) {
            /*
             * the browser holds it: this header becomes its expiry; a
             * nameless cookie has none (see expire_cookies()), its header
             * goes like the others
             */
            b->set_cookie = &h[i];
            h[i].key = ngx_http_privacy_set_cookie_key;
            continue;
        }

        h[i].hash = 0;
    }

    if (!expire) {
        return NGX_OK;
    }

    ctx->expired_sent = 1;

    return ngx_http_privacy_expire_cookies(r, plcf, ctx->blocked,
                                           ctx->request_blocked);
}


/*
 * "Set-Cookie", ASCII case-insensitive as ngx_strncasecmp() compares: a
 * letter ORed with 0x20 is the lowercase letter only when it was that
 * letter in either case; the '-' is compared as it is.  The first eight
 * bytes are one word, whatever the byte order: the constants are loaded
 * the same way.  The caller checked the length.
 */

static ngx_uint_t
ngx_http_privacy_is_set_cookie(ngx_table_elt_t *h)
{
    u_char    *k;
    uint64_t   word, lower, expect;

    static const u_char  mask[8] = { 0x20, 0x20, 0x20, 0, 0x20, 0x20, 0x20,
                                     0x20 };

    k = h->key.data;

    ngx_memcpy(&word, k, 8);
    ngx_memcpy(&lower, mask, 8);
    ngx_memcpy(&expect, "set-cook", 8);

    return (word | lower) == expect
           && (k[8] | 0x20) == 'i' && (k[9] | 0x20) == 'e';
}


/*
 * Deletes cookies the browser holds: once host-only and once per
 * privacy_cookie_domains entry, since a cookie set for a parent domain is
 * only deleted with the same Domain attribute.
 */

ngx_int_t
ngx_http_privacy_expire_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_blocked_t *names,
    ngx_uint_t n)
{
    u_char           *p, *buf;
    size_t            len, total;
    ngx_str_t        *name, *domain, *suffix;
    ngx_uint_t        i, d, ndomains, prefixed, expired;
    ngx_table_elt_t  *h;

    domain = plcf->cookie_domains ? plcf->cookie_domains->elts : NULL;
    ndomains = plcf->cookie_domains ? plcf->cookie_domains->nelts : 0;
    suffix = plcf->expire_suffix;

    /*
     * one buffer for the names without a prefix, the most of them: sized
     * for every name, which is simpler than asking each one twice
     */

    total = 0;

    for (i = 0; i < n; i++) {
        total += names[i].name.len;
    }

    total *= ndomains + 1;

    for (d = 0; d <= ndomains; d++) {
        total += n * suffix[d].len;
    }

    buf = ngx_pnalloc(r->pool, total);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    expired = 0;

    for (i = 0; i < n; i++) {

        name = &names[i].name;

        if (name->len == 0) {
            /* a nameless cookie cannot be addressed by a Set-Cookie */
            continue;
        }

        /* "__Host-" and "__Secure-" start with two '_' */
        prefixed = name->len > 1 && name->data[0] == '_'
                   && name->data[1] == '_'
                   && privacy_cookie_expire_prefixed(name->data, name->len);

        for (d = 0; d <= ndomains; d++) {

            if (!prefixed) {
                /* the name and the location's suffix for the domain */
                p = buf;
                buf = ngx_cpymem(buf, name->data, name->len);
                buf = ngx_cpymem(buf, suffix[d].data, suffix[d].len);
                len = buf - p;

            } else if (d == 0) {
                len = privacy_cookie_expire_len(name->data, name->len,
                                                NULL, 0);

                p = ngx_pnalloc(r->pool, len);
                if (p == NULL) {
                    return NGX_ERROR;
                }

                (void) privacy_cookie_expire(p, name->data, name->len,
                                             NULL, 0);

            } else {
                len = privacy_cookie_expire_len(name->data, name->len,
                                                domain[d - 1].data,
                                                domain[d - 1].len);

                p = ngx_pnalloc(r->pool, len);
                if (p == NULL) {
                    return NGX_ERROR;
                }

                (void) privacy_cookie_expire(p, name->data, name->len,
                                             domain[d - 1].data,
                                             domain[d - 1].len);
            }

            h = (d == 0) ? names[i].set_cookie : NULL;

            if (h) {
                /* a Set-Cookie of the application, blocked, in its place */
                h->value.data = p;
                h->value.len = len;
                continue;
            }

            if (ngx_http_privacy_add_set_cookie(r, p, len) != NGX_OK) {
                return NGX_ERROR;
            }
        }

        expired++;
    }

    ngx_http_privacy_metric_expired(expired);

    return NGX_OK;
}


/*
 * What follows the name of an expiring Set-Cookie, host-only first and
 * then per privacy_cookie_domains entry: the same for every request of a
 * location, made once.  A location with the domains of its parent shares
 * its suffixes.
 */

ngx_int_t
ngx_http_privacy_expire_suffixes(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    u_char      *p;
    size_t       len;
    ngx_str_t   *domain, *suffix;
    ngx_uint_t   d, ndomains;

    if (prev->expire_suffix && prev->cookie_domains == conf->cookie_domains) {
        conf->expire_suffix = prev->expire_suffix;
        return NGX_OK;
    }

    domain = conf->cookie_domains ? conf->cookie_domains->elts : NULL;
    ndomains = conf->cookie_domains ? conf->cookie_domains->nelts : 0;

    suffix = ngx_palloc(cf->pool, (ndomains + 1) * sizeof(ngx_str_t));
    if (suffix == NULL) {
        return NGX_ERROR;
    }

    for (d = 0; d <= ndomains; d++) {
        len = privacy_cookie_expire_suffix_len(d ? domain[d - 1].len : 0);

        p = ngx_pnalloc(cf->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        if (d == 0) {
            (void) privacy_cookie_expire_suffix(p, NULL, 0);

        } else {
            (void) privacy_cookie_expire_suffix(p, domain[d - 1].data,
                                                domain[d - 1].len);
        }

        suffix[d].data = p;
        suffix[d].len = len;
    }

    conf->expire_suffix = suffix;

    return NGX_OK;
}


static ngx_inline ngx_int_t
ngx_http_privacy_add_set_cookie(ngx_http_request_t *r, u_char *data,
    size_t len)
{
    ngx_str_t  value;

    value.data = data;
    value.len = len;

    return ngx_http_privacy_add_header(r, &ngx_http_privacy_set_cookie_key,
                                       &value);
}


/* the consent cookie, sized first and then filled, HttpOnly always */

ngx_int_t
ngx_http_privacy_set_cookie(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *value, time_t max_age)
{
    u_char                          *p, *start;
    size_t                           len;
    ngx_uint_t                       secure;
    ngx_http_privacy_cookie_conf_t  *cc;

    cc = &plcf->cookie;

    secure = cc->secure;

    if (secure == NGX_HTTP_PRIVACY_SECURE_AUTO) {
#if (NGX_HTTP_SSL)
        secure = r->connection->ssl ? 1 : 0;
#else
        secure = 0;
#endif
    }

    len = cc->name.len + 1 + value->len
          + sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN
          + sizeof("; Path=") - 1 + cc->path.len
          + sizeof("; SameSite=") - 1 + cc->samesite.len
          + sizeof("; HttpOnly") - 1;

    if (cc->domain.len) {
        len += sizeof("; Domain=") - 1 + cc->domain.len;
    }

    if (secure) {
        len += sizeof("; Secure") - 1;
    }

    start = ngx_pnalloc(r->pool, len);
    if (start == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(start, cc->name.data, cc->name.len);
    *p++ = '=';
    p = ngx_cpymem(p, value->data, value->len);
    p = ngx_sprintf(p, "; Max-Age=%T", max_age);
    p = ngx_cpymem(p, "; Path=", sizeof("; Path=") - 1);
    p = ngx_cpymem(p, cc->path.data, cc->path.len);

    if (cc->domain.len) {
        p = ngx_cpymem(p, "; Domain=", sizeof("; Domain=") - 1);
        p = ngx_cpymem(p, cc->domain.data, cc->domain.len);
    }

    p = ngx_cpymem(p, "; SameSite=", sizeof("; SameSite=") - 1);
    p = ngx_cpymem(p, cc->samesite.data, cc->samesite.len);
    p = ngx_cpymem(p, "; HttpOnly", sizeof("; HttpOnly") - 1);

    if (secure) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    return ngx_http_privacy_add_set_cookie(r, start, p - start);
}


/* privacy_cookie_domains DOMAIN ...: one or several, repeatable */

char *
ngx_http_privacy_cookie_domains(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t   *value, *domain;
    ngx_uint_t   i;

    if (plcf->cookie_domains == NGX_CONF_UNSET_PTR) {
        plcf->cookie_domains = ngx_array_create(cf->pool, 2,
                                                sizeof(ngx_str_t));
        if (plcf->cookie_domains == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].len == 0
            || ngx_strlchr(value[i].data, value[i].data + value[i].len, ';')
            || ngx_strlchr(value[i].data, value[i].data + value[i].len, ' '))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid domain \"%V\" in \"%V\"",
                               &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }

        domain = ngx_array_push(plcf->cookie_domains);
        if (domain == NULL) {
            return NGX_CONF_ERROR;
        }

        *domain = value[i];
    }

    return NGX_CONF_OK;
}


/*
 * privacy_cookie name=NAME [max_age=TIME] [path=PATH] [domain=DOMAIN]
 *     [samesite=strict|lax|none] [secure=auto|on|off]
 */

char *
ngx_http_privacy_cookie(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char                          *p;
    const char                      *allowed;
    ngx_str_t                       *value, v;
    ngx_uint_t                       i;
    ngx_http_privacy_cookie_conf_t  *cc;

    cc = &plcf->cookie;

    if (cc->name.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        p = ngx_strlchr(value[i].data, value[i].data + value[i].len, '=');
        if (p == NULL) {
            allowed = "an option NAME=VALUE";
            goto invalid;
        }

        v.data = p + 1;
        v.len = value[i].data + value[i].len - v.data;

        if (ngx_strncmp(value[i].data, "name=", 5) == 0) {

            for (p = v.data; p < v.data + v.len; p++) {
                if (*p <= ' ' || *p >= 0x7f
                    || ngx_strchr("()<>@,;:\\\"/[]?={}", *p))
                {
                    allowed = "a cookie name: a token, without spaces, "
                              "separators or control bytes";
                    goto invalid;
                }
            }

            if (v.len == 0) {
                allowed = "a cookie name: a token, without spaces, "
                          "separators or control bytes";
                goto invalid;
            }

            cc->name = v;

        } else if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            cc->max_age = ngx_parse_time(&v, 1);
            if (cc->max_age == (time_t) NGX_ERROR || cc->max_age == 0) {
                allowed = "a time above 0, such as \"1y\" or \"180d\"";
                goto invalid;
            }

        } else if (ngx_strncmp(value[i].data, "path=", 5) == 0) {
            if (v.len == 0 || v.data[0] != '/'
                || ngx_strlchr(v.data, v.data + v.len, ';'))
            {
                allowed = "a path that starts with \"/\" and has no \";\"";
                goto invalid;
            }

            cc->path = v;

        } else if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            if (v.len == 0 || ngx_strlchr(v.data, v.data + v.len, ';')) {
                allowed = "a domain without \";\"";
                goto invalid;
            }

            cc->domain = v;

        } else if (ngx_strncmp(value[i].data, "samesite=", 9) == 0) {
            if (v.len == 6 && ngx_strncasecmp(v.data, (u_char *) "strict", 6)
                              == 0)
            {
                ngx_str_set(&cc->samesite, "Strict");

            } else if (v.len == 3
                       && ngx_strncasecmp(v.data, (u_char *) "lax", 3) == 0)
            {
                ngx_str_set(&cc->samesite, "Lax");

            } else if (v.len == 4
                       && ngx_strncasecmp(v.data, (u_char *) "none", 4) == 0)
            {
                ngx_str_set(&cc->samesite, "None");

            } else {
                allowed = "\"strict\", \"lax\" or \"none\"";
                goto invalid;
            }

        } else if (ngx_strncmp(value[i].data, "secure=", 7) == 0) {
            if (v.len == 4 && ngx_strncmp(v.data, "auto", 4) == 0) {
                cc->secure = NGX_HTTP_PRIVACY_SECURE_AUTO;

            } else if (v.len == 2 && ngx_strncmp(v.data, "on", 2) == 0) {
                cc->secure = 1;

            } else if (v.len == 3 && ngx_strncmp(v.data, "off", 3) == 0) {
                cc->secure = 0;

            } else {
                allowed = "\"auto\", \"on\" or \"off\"";
                goto invalid;
            }

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown option \"%V\" in \"%V\", expected "
                               "name=, max_age=, path=, domain=, samesite= "
                               "or secure=", &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }
    }

    if (cc->name.data == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs name=NAME", &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (cc->samesite.len == 4 && cc->secure == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": samesite=none needs secure=on or "
                           "secure=auto, browsers drop it otherwise",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\" directive, "
                       "it must be %s", &value[i], &cmd->name, allowed);

    return NGX_CONF_ERROR;
}
