
/*
 * ngx_http_privacy_module: the request helpers every feature file uses
 * (the request context, small answers, request headers, the client's
 * address, files named in directives, a directive's enumerated values).
 * It calls nothing of the feature files, only nginx and the core.
 */


#include "ngx_http_privacy.h"
#include "privacy_addr.h"


static void ngx_http_privacy_ctx_cleanup(void *data);
static ngx_int_t ngx_http_privacy_accepts(ngx_http_request_t *r,
    ngx_str_t *type);


ngx_str_t  ngx_http_privacy_cache_control = ngx_string("Cache-Control");
ngx_str_t  ngx_http_privacy_no_store = ngx_string("no-store");
ngx_str_t  ngx_http_privacy_retry_after = ngx_string("Retry-After");


/*
 * The request context lives in a pool cleanup as well as in r->ctx:
 * an internal redirect zeroes r->ctx, and the decision and the cookie
 * filtering must not be redone, or done differently, after one.
 */

ngx_http_privacy_ctx_t *
ngx_http_privacy_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t      *cln;
    ngx_http_request_t      *mr;
    ngx_http_privacy_ctx_t  *ctx;

    mr = r->main;

    ctx = ngx_http_get_module_ctx(mr, ngx_http_privacy_module);
    if (ctx) {
        return ctx;
    }

    for (cln = mr->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_privacy_ctx_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(mr, ctx, ngx_http_privacy_module);
            return ctx;
        }
    }

    cln = ngx_pool_cleanup_add(mr->pool, sizeof(ngx_http_privacy_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_http_privacy_ctx_t));

    cln->handler = ngx_http_privacy_ctx_cleanup;

    ngx_http_set_ctx(mr, ctx, ngx_http_privacy_module);

    return ctx;
}


static void
ngx_http_privacy_ctx_cleanup(void *data)
{
    /* nothing to free: the handler only marks the pool cleanup as ours */
}


/*
 * A whole small answer of the module's own: the status, the type and the
 * body, which stays in memory the request owns.
 */

ngx_int_t
ngx_http_privacy_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_str_t *body)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    r->headers_out.status = status;
    r->headers_out.content_length_n = body->len;

    if (type) {
        r->headers_out.content_type = *type;
        r->headers_out.content_type_len = type->len;
        r->headers_out.content_type_lowcase = NULL;
    }

    if (body->len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = body->data;
    b->last = body->data + body->len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * Reads a small file named in a directive (relative to the configuration
 * prefix), with a clear nginx -t message when it cannot.
 */

ngx_int_t
ngx_http_privacy_conf_read_file(ngx_conf_t *cf, ngx_str_t *directive,
    ngx_str_t *name, size_t max, ngx_str_t *content, ngx_file_info_t *info)
{
    ssize_t          n;
    ngx_str_t        path;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    path = *name;

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = path;
    file.log = cf->log;

    file.fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"%V\": cannot open \"%s\"", directive,
                           path.data);
        return NGX_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"%V\": cannot stat \"%s\"", directive,
                           path.data);
        goto failed;
    }

    if ((size_t) ngx_file_size(&fi) > max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": \"%s\" is over %uz bytes", directive,
                           path.data, max);
        goto failed;
    }

    content->data = ngx_pnalloc(cf->pool, ngx_file_size(&fi) + 1);
    if (content->data == NULL) {
        goto failed;
    }

    n = ngx_read_file(&file, content->data, ngx_file_size(&fi), 0);
    if (n == NGX_ERROR) {
        goto failed;
    }

    content->len = n;

    if (info) {
        *info = fi;
    }

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%s\" failed", path.data);
    }

    return NGX_OK;

failed:

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%s\" failed", path.data);
    }

    return NGX_ERROR;
}


/* white space around a value read from a file goes */

void
ngx_http_privacy_trim(ngx_str_t *s)
{
    while (s->len && isspace(s->data[0])) {
        s->data++;
        s->len--;
    }

    while (s->len && isspace(s->data[s->len - 1])) {
        s->len--;
    }
}


/* a request header by name, for those r->headers_in has no field for */

ngx_table_elt_t *
ngx_http_privacy_find_header(ngx_http_request_t *r, u_char *name,
    size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, name, len) == 0)
        {
            return &h[i];
        }
    }
}


/* whether the Accept header names TYPE */

static ngx_int_t
ngx_http_privacy_accepts(ngx_http_request_t *r, ngx_str_t *type)
{
    ngx_table_elt_t  *h;

    h = ngx_http_privacy_find_header(r, (u_char *) "Accept",
                                     sizeof("Accept") - 1);

    return h != NULL
           && ngx_strlcasestrn(h->value.data, h->value.data + h->value.len,
                               type->data, type->len - 1)
              != NULL;
}


/* the banner's script and API clients ask for JSON */

ngx_int_t
ngx_http_privacy_wants_json(ngx_http_request_t *r)
{
    static ngx_str_t  json = ngx_string("application/json");

    return ngx_http_privacy_accepts(r, &json);
}


/* a browser navigating to the consent endpoint */

ngx_int_t
ngx_http_privacy_wants_html(ngx_http_request_t *r)
{
    static ngx_str_t  html = ngx_string("text/html");

    return ngx_http_privacy_accepts(r, &html);
}


/*
 * The client address with the host part zeroed (/24, /48): what access
 * logs and consent records keep instead of personal data.  Empty for a
 * unix socket.
 */

ngx_int_t
ngx_http_privacy_remote_addr(ngx_http_request_t *r, ngx_str_t *addr)
{
    struct sockaddr      *sa;
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    sa = r->connection->sockaddr;

    addr->len = 0;
    addr->data = ngx_pnalloc(r->pool, NGX_INET6_ADDRSTRLEN);
    if (addr->data == NULL) {
        return NGX_ERROR;
    }

    switch (sa->sa_family) {

    case AF_INET:
        sin = (struct sockaddr_in *) sa;
        addr->len = privacy_addr_anonymize(addr->data, NGX_INET6_ADDRSTRLEN,
                                           AF_INET,
                                           (u_char *) &sin->sin_addr);
        break;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) sa;
        addr->len = privacy_addr_anonymize(addr->data, NGX_INET6_ADDRSTRLEN,
                                           AF_INET6,
                                           (u_char *) &sin6->sin6_addr);
        break;
#endif

    default:
        break;
    }

    return NGX_OK;
}


/* grants of a decision, with the essential categories always in */

ngx_int_t
ngx_http_privacy_grants_optional(ngx_http_privacy_loc_conf_t *plcf,
    ngx_http_privacy_ctx_t *ctx)
{
    if (!ctx->decided || plcf->categories == NULL) {
        return 0;
    }

    return (ctx->granted & plcf->categories->optional) != 0;
}


/*
 * Takes the request header h out of r->headers_in.headers the way
 * headers-more does: no element moves, so every pointer nginx keeps to the
 * other headers stays good; the part that holds h starts after it, ends
 * before it, or is cut in two around it.  What points to h itself (a field
 * of r->headers_in, the chain or array of the Cookie headers) is the
 * caller's to clear.  Two rules of ngx_list_t hold after it: nginx's loops
 * read the first element of every part after the first without a check,
 * so no such part is left empty; and ngx_list_push() writes into the last
 * part up to list->nalloc elements from its start, so nalloc follows the
 * room the last part has.
 */

ngx_int_t
ngx_http_privacy_remove_header(ngx_http_request_t *r, ngx_table_elt_t *h)
{
    ngx_uint_t        i;
    ngx_list_t       *list;
    ngx_list_part_t  *part, *prev, *rest;

    list = &r->headers_in.headers;
    prev = NULL;

    for (part = &list->part; part; part = part->next) {
        if (h >= (ngx_table_elt_t *) part->elts
            && h < (ngx_table_elt_t *) part->elts + part->nelts)
        {
            break;
        }

        prev = part;
    }

    if (part == NULL) {
        return NGX_OK;
    }

    i = h - (ngx_table_elt_t *) part->elts;

    if (i > 0 && i < part->nelts - 1) {
        /* in the middle: the elements after it become a part of their own */

        rest = ngx_palloc(r->pool, sizeof(ngx_list_part_t));
        if (rest == NULL) {
            return NGX_ERROR;
        }

        rest->elts = h + 1;
        rest->nelts = part->nelts - i - 1;
        rest->next = part->next;

        part->nelts = i;
        part->next = rest;

        if (list->last == part) {
            list->last = rest;
            list->nalloc -= i + 1;
        }

        return NGX_OK;
    }

    if (part->nelts > 1) {
        /* the first or the last of its part */

        if (i == 0) {
            part->elts = h + 1;

            if (list->last == part) {
                list->nalloc--;
            }
        }

        part->nelts--;

        return NGX_OK;
    }

    /* the only one of its part */

    part->nelts = 0;

    if (prev == NULL) {
        /* the first part may be empty, and keeps its room */
        return NGX_OK;
    }

    prev->next = part->next;

    if (list->last == part) {
        /*
         * the room after the elements of prev is not known: it counts as
         * full, and the next push makes a part (the first part, when
         * empty, has the room of the element it held)
         */
        list->last = prev;
        list->nalloc = prev->nelts ? prev->nelts : 1;
    }

    return NGX_OK;
}


/*
 * ngx_conf_set_enum_slot(), whose message names neither the directive nor
 * the values it takes: 'invalid value "deny" in "privacy_unknown_cookies"
 * directive, it must be "allow" or "block"', as nginx says of a flag
 */

char *
ngx_http_privacy_conf_set_enum(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char  *p = conf;

    u_char           *s, *last, list[NGX_MAX_CONF_ERRSTR];
    ngx_str_t        *value;
    ngx_uint_t       *np, i, n;
    ngx_conf_enum_t  *e;

    np = (ngx_uint_t *) (p + cmd->offset);

    if (*np != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    e = cmd->post;

    for (n = 0; e[n].name.len; n++) {
        if (e[n].name.len == value[1].len
            && ngx_strcasecmp(e[n].name.data, value[1].data) == 0)
        {
            *np = e[n].value;
            return NGX_CONF_OK;
        }
    }

    /* "a" or "b"; "a", "b" or "c" */

    s = list;
    last = list + sizeof(list);

    for (i = 0; i < n; i++) {
        s = ngx_slprintf(s, last, "%s\"%V\"",
                         i == 0 ? "" : (i + 1 == n ? " or " : ", "),
                         &e[i].name);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\" directive, "
                       "it must be %*s", &value[1], &cmd->name,
                       (size_t) (s - list), list);

    return NGX_CONF_ERROR;
}


/*
 * A directive's "~REGEX" or "~*REGEX" (caseless) argument VALUE compiled
 * into *rc, as location does; an empty or invalid one is an error that
 * names the directive.
 */

ngx_int_t
ngx_http_privacy_conf_regex(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_str_t *value, ngx_regex_compile_t *rc)
{
    u_char  errstr[NGX_MAX_CONF_ERRSTR];

    ngx_memzero(rc, sizeof(ngx_regex_compile_t));

    rc->pattern.data = value->data + 1;
    rc->pattern.len = value->len - 1;

    if (rc->pattern.len && rc->pattern.data[0] == '*') {
        rc->pattern.data++;
        rc->pattern.len--;
        rc->options = NGX_REGEX_CASELESS;
    }

    if (rc->pattern.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty regular expression \"%V\" in \"%V\"",
                           value, &cmd->name);
        return NGX_ERROR;
    }

    rc->pool = cf->pool;
    rc->err.len = NGX_MAX_CONF_ERRSTR;
    rc->err.data = errstr;

    if (ngx_regex_compile(rc) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid regular expression \"%V\" in \"%V\": %V",
                           value, &cmd->name, &rc->err);
        return NGX_ERROR;
    }

    ngx_str_null(&rc->err);

    return NGX_OK;
}


/*
 * "Vary" for a page that differs with the visitor's decision: the consent
 * cookie, and Accept-Language where the banner (LANGUAGES) is in more
 * than one, and Sec-GPC where privacy_gpc honours it, so that a shared
 * cache serves no visitor another's banner or choice.
 */

ngx_int_t
ngx_http_privacy_add_vary(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_uint_t languages)
{
    ngx_uint_t  n;

    static ngx_str_t  vary = ngx_string("Vary");
    static ngx_str_t  tokens[] = {
        ngx_string("Cookie"),
        ngx_string("Cookie, Accept-Language"),
        ngx_string("Cookie, Sec-GPC"),
        ngx_string("Cookie, Accept-Language, Sec-GPC")
    };

    n = (languages && plcf->banners && plcf->banners->nelts > 1) ? 1 : 0;

    if (plcf->gpc) {
        n += 2;
    }

    return ngx_http_privacy_add_header(r, &vary, &tokens[n]);
}
