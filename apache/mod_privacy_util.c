
/*
 * Helpers the feature files share: the request's state, its configuration,
 * files named in directives, times in directives, the module's own
 * Set-Cookie headers.
 */


#include "mod_privacy.h"

#include <apr_file_io.h>
#include <apr_lib.h>


/*
 * The state of the initial request: internal redirects (ErrorDocument,
 * mod_rewrite, DirectoryIndex) and subrequests share it, so the request
 * side runs once and the blocked names are known to the final response.
 * An internal redirect's request_rec lives in the initial request's pool.
 */

mod_privacy_ctx_t *
mod_privacy_get_ctx(request_rec *r)
{
    mod_privacy_ctx_t  *ctx;

    for ( ;; ) {
        if (r->main) {
            r = r->main;

        } else if (r->prev) {
            r = r->prev;

        } else {
            break;
        }
    }

    ctx = ap_get_module_config(r->request_config, &privacy_module);

    if (ctx == NULL) {
        /* every field zero: no decision read, nothing filtered */
        ctx = apr_pcalloc(r->pool, sizeof(mod_privacy_ctx_t));
        ap_set_module_config(r->request_config, &privacy_module, ctx);
    }

    return ctx;
}


mod_privacy_dir_conf_t *
mod_privacy_dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &privacy_module);
}


int
mod_privacy_grants_optional(mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx)
{
    if (!ctx->decided || dcf->categories == NULL) {
        return 0;
    }

    return (ctx->granted & dcf->categories->optional) != 0;
}


/*
 * The content of a file named in a directive, at most max bytes, surrounding
 * white space trimmed, NUL-terminated; relative names are relative to the
 * ServerRoot.  Returns an error message for the directive, or NULL.
 */

const char *
mod_privacy_read_file(cmd_parms *cmd, const char *name, apr_size_t max,
    const char **content, apr_size_t *len, apr_fileperms_t *perms)
{
    char          *buf, *start, *end, err[128];
    const char    *path;
    apr_file_t    *file;
    apr_size_t     n;
    apr_finfo_t    fi;
    apr_status_t   rv;

    path = ap_server_root_relative(cmd->temp_pool, name);
    if (path == NULL) {
        return mod_privacy_conf_error(cmd, "invalid file name \"%s\"", name);
    }

    rv = apr_file_open(&file, path, APR_FOPEN_READ, APR_OS_DEFAULT,
                       cmd->temp_pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE|APR_FINFO_PROT, file);
    }

    if (rv != APR_SUCCESS) {
        return mod_privacy_conf_error(cmd, "cannot read \"%s\": %s", path,
                                apr_strerror(rv, err, sizeof(err)));
    }

    if (fi.size > (apr_off_t) max) {
        return mod_privacy_conf_error(cmd, "\"%s\" is larger than %lu bytes",
                                path, (unsigned long) max);
    }

    buf = apr_palloc(cmd->pool, (apr_size_t) fi.size + 1);

    n = (apr_size_t) fi.size;

    rv = apr_file_read_full(file, buf, n, &n);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        return mod_privacy_conf_error(cmd, "cannot read \"%s\": %s", path,
                                apr_strerror(rv, err, sizeof(err)));
    }

    apr_file_close(file);

    start = buf;
    end = buf + n;

    while (start < end && apr_isspace(*start)) {
        start++;
    }

    while (end > start && apr_isspace(end[-1])) {
        end--;
    }

    *end = '\0';

    *content = start;
    *len = end - start;

    if (perms) {
        *perms = fi.protection;
    }

    return NULL;
}


/*
 * A time as nginx writes it, in seconds: "180d", "1h30m", "3y", "90";
 * units y (365 days), M (30 days), w, d, h, m, s.  Returns an error
 * message, or NULL.
 */

const char *
mod_privacy_parse_time(const char *s, apr_time_t *sec)
{
    apr_time_t   total, n, unit;
    const char  *p;

    total = 0;
    p = s;

    if (*p == '\0') {
        return "empty time";
    }

    while (*p) {

        if (!apr_isdigit(*p)) {
            return "invalid time";
        }

        n = 0;

        while (apr_isdigit(*p)) {
            n = n * 10 + (*p++ - '0');

            if (n > 100L * 365 * 86400) {
                return "time too long";
            }
        }

        switch (*p) {
        case 'y': unit = 365 * 86400; p++; break;
        case 'M': unit = 30 * 86400; p++; break;
        case 'w': unit = 7 * 86400; p++; break;
        case 'd': unit = 86400; p++; break;
        case 'h': unit = 3600; p++; break;
        case 'm': unit = 60; p++; break;
        case 's': unit = 1; p++; break;
        case '\0': unit = 1; break;
        default: return "invalid time";
        }

        total += n * unit;

        if (total > 100L * 365 * 86400) {
            return "time too long";
        }
    }

    *sec = total;

    return NULL;
}


/*
 * The start of a resource's handler (SetHandler privacy-tracking-status,
 * privacy-gpc): DECLINED when the request is not HANDLER's, 405 for a
 * method other than GET and HEAD, 400 for a body that cannot be read,
 * else OK.
 */

int
mod_privacy_resource_start(request_rec *r, const char *handler)
{
    if (r->handler == NULL || strcmp(r->handler, handler) != 0) {
        return DECLINED;
    }

    if (r->method_number != M_GET) {
        /* M_GET covers HEAD */
        r->allowed = AP_METHOD_BIT << M_GET;
        return HTTP_METHOD_NOT_ALLOWED;
    }

    if (ap_discard_request_body(r) != OK) {
        return HTTP_BAD_REQUEST;
    }

    return OK;
}


/*
 * A Set-Cookie of the module's own (the consent cookie, a deletion): the
 * response side knows it by its value's address and lets it pass.
 */

void
mod_privacy_add_own_cookie(request_rec *r, mod_privacy_ctx_t *ctx,
    apr_table_t *t, const char *value)
{
    if (ctx->own == NULL) {
        ctx->own = apr_array_make(r->pool, 8, sizeof(const char *));
    }

    *(const char **) apr_array_push(ctx->own) = value;

    apr_table_addn(t, "Set-Cookie", value);
}


/*
 * A configuration error that names the directive, as nginx -t does:
 * Apache prints the file and the line before it.
 */

const char *
mod_privacy_conf_error(cmd_parms *cmd, const char *fmt, ...)
{
    char     *msg;
    va_list   args;

    va_start(args, fmt);
    msg = apr_pvsprintf(cmd->pool, fmt, args);
    va_end(args);

    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", msg, NULL);
}


/*
 * The value of the query argument NAME (ASCII case-insensitive) as it is
 * in the query, not decoded; NULL without one.  nginx's ngx_http_arg().
 */

const char *
mod_privacy_arg(request_rec *r, const char *name)
{
    size_t       len;
    const char  *p, *end;

    len = strlen(name);

    for (p = r->args; p && *p; p = end + (*end == '&')) {
        end = strchr(p, '&');

        if (end == NULL) {
            end = p + strlen(p);
        }

        if ((size_t) (end - p) > len && p[len] == '='
            && strncasecmp(p, name, len) == 0)
        {
            return apr_pstrmemdup(r->pool, p + len + 1, end - p - len - 1);
        }
    }

    return NULL;
}


/*
 * The consent cookie's settings: PrivacyCookie, or privacy_cookie's
 * defaults where none is (the cookie filter, the decision and the
 * endpoint read them)
 */

static const mod_privacy_cookie_conf_t  mod_privacy_cookie_default = {
    "privacy_consent", 180 * 86400, "/", NULL, "Lax", MOD_PRIVACY_SECURE_AUTO
};


const mod_privacy_cookie_conf_t *
mod_privacy_cookie_conf(mod_privacy_dir_conf_t *dcf)
{
    return dcf->cookie ? dcf->cookie : &mod_privacy_cookie_default;
}
