
/*
 * The consent banner: inserted into HTML responses while the visitor has
 * not decided, in one pass over the body as it streams.  The tag matching
 * is the core's (privacy_banner.c); this file decides which responses get
 * the banner, builds it from its template and splices it into the chain.
 *
 * Untouched bytes are never copied: a buffer is split around the insertion
 * point by a new buffer for the part before it, pointing into the same
 * memory, and the original keeps the part after it, so the original is
 * consumed (and may be reused by its owner) only after both went out.
 */


#include "ngx_http_privacy_module.h"


typedef struct {
    privacy_banner_t              matcher;
    ngx_str_t                     return_path;  /* HTML-escaped */
    ngx_uint_t                    done;         /* unsigned: 1 */
} ngx_http_privacy_banner_ctx_t;


static ngx_int_t ngx_http_privacy_banner_splice(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t *in, ngx_chain_t **out);
static ngx_chain_t **ngx_http_privacy_banner_copy(ngx_http_request_t *r,
    ngx_chain_t **ll, const u_char *data, size_t len);
static ngx_chain_t **ngx_http_privacy_banner_link(ngx_http_request_t *r,
    ngx_chain_t **ll, ngx_buf_t *b);
static ngx_chain_t **ngx_http_privacy_banner_chain(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll);
static ngx_int_t ngx_http_privacy_banner_compile(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *template);
static ngx_int_t ngx_http_privacy_banner_category_inputs(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *out);
static u_char *ngx_http_privacy_banner_escape(ngx_conf_t *cf,
    ngx_str_t *src, ngx_str_t *dst);


static ngx_str_t  ngx_http_privacy_vary = ngx_string("Vary");
static ngx_str_t  ngx_http_privacy_cookie_token = ngx_string("Cookie");


/*
 * The builtin banner (English).  Accept all and Reject all look and sit
 * alike; the choices start unticked; it needs no script and holds nothing
 * a strict Content-Security-Policy blocks: its stylesheet is an external
 * file served by the consent endpoint.
 */

static ngx_str_t  ngx_http_privacy_builtin_banner = ngx_string(
"<div id=\"privacy-banner\" class=\"privacy-banner\" role=\"dialog\" "
"aria-modal=\"false\" aria-labelledby=\"privacy-banner-title\" "
"aria-describedby=\"privacy-banner-text\">"
"<link rel=\"stylesheet\" href=\"{{consent_url}}/banner.css\">"
"<form class=\"privacy-banner__form\" method=\"post\" "
"action=\"{{consent_url}}\">"
"<h2 id=\"privacy-banner-title\" class=\"privacy-banner__title\">"
"Your privacy choices</h2>"
"<p id=\"privacy-banner-text\" class=\"privacy-banner__text\">"
"This site uses cookies it needs to work. With your consent it also uses "
"the cookies below. None of them is set before you choose, and you can "
"change your mind at any time. "
"<a href=\"{{policy_url}}\">Read the privacy notice</a>.</p>"
"<fieldset class=\"privacy-banner__choices\">"
"<legend>Optional cookies</legend>{{category_inputs}}</fieldset>"
"<input type=\"hidden\" name=\"return\" value=\"{{return_path}}\">"
"<div class=\"privacy-banner__actions\">"
"<button type=\"submit\" name=\"action\" value=\"accept_all\" "
"class=\"privacy-banner__button\">Accept all</button>"
"<button type=\"submit\" name=\"action\" value=\"reject_all\" "
"class=\"privacy-banner__button\">Reject all</button>"
"<button type=\"submit\" name=\"action\" value=\"save\" "
"class=\"privacy-banner__button privacy-banner__button--save\">"
"Save my choices</button>"
"</div></form></div>");


ngx_int_t
ngx_http_privacy_banner_init(ngx_conf_t *cf)
{
    return NGX_OK;
}


/*
 * Header filter part: decides whether this response gets the banner.
 * A response that differs with the consent cookie says so with
 * "Vary: Cookie", so that no shared cache serves one visitor's page to
 * another; see docs/deployment.md.
 */

ngx_int_t
ngx_http_privacy_banner_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    u_char                         *p;
    ngx_str_t                      *uri;
    ngx_http_privacy_banner_ctx_t  *bctx;

    if (plcf->banner == NGX_HTTP_PRIVACY_BANNER_OFF
        || plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE
        || ctx->endpoint
        || ctx->status_resource
        || r->headers_out.status != NGX_HTTP_OK
        || ngx_http_test_content_type(r, &plcf->banner_types) == NULL)
    {
        return NGX_OK;
    }

    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_vary,
                                    &ngx_http_privacy_cookie_token)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->decided || r->header_only || r->method == NGX_HTTP_HEAD) {
        return NGX_OK;
    }

    if (r->headers_out.content_encoding
        && r->headers_out.content_encoding->value.len)
    {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "privacy banner not inserted: the response has "
                      "\"Content-Encoding: %V\"; let the application send "
                      "identity bodies and compress with gzip in nginx",
                      &r->headers_out.content_encoding->value);
        return NGX_OK;
    }

    bctx = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_banner_ctx_t));
    if (bctx == NULL) {
        return NGX_ERROR;
    }

    privacy_banner_init(&bctx->matcher, (int) plcf->banner_position);

    uri = &r->unparsed_uri;

    bctx->return_path.len = privacy_html_escape(NULL, uri->data, uri->len);

    p = ngx_pnalloc(r->pool, bctx->return_path.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    (void) privacy_html_escape(p, uri->data, uri->len);
    bctx->return_path.data = p;

    ctx->banner = bctx;

    r->filter_need_in_memory = 1;

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_weak_etag(r);

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: will insert");

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_banner_body(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_int_t                       rc;
    ngx_chain_t                    *out;
    ngx_http_privacy_ctx_t         *ctx;
    ngx_http_privacy_banner_ctx_t  *bctx;

    if (r != r->main || in == NULL) {
        return ngx_http_privacy_next_body_filter(r, in);
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_privacy_module);

    if (ctx == NULL || ctx->banner == NULL) {
        return ngx_http_privacy_next_body_filter(r, in);
    }

    bctx = ctx->banner;

    if (bctx->done) {
        return ngx_http_privacy_next_body_filter(r, in);
    }

    rc = ngx_http_privacy_banner_splice(r, bctx, in, &out);
    if (rc != NGX_OK) {
        return rc;
    }

    if (out == NULL) {
        /* everything went into the matcher's held bytes */
        return NGX_OK;
    }

    return ngx_http_privacy_next_body_filter(r, out);
}


/*
 * One pass over the buffers of IN, building OUT: the buffers as they are,
 * split where the banner goes, less the few bytes of a possible "</body"
 * that the matcher holds until the next buffer tells.
 */

static ngx_int_t
ngx_http_privacy_banner_splice(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t *in, ngx_chain_t **out)
{
    size_t                    len, held_len;
    ngx_buf_t                *b, *head;
    ngx_uint_t                last;
    ngx_chain_t             **ll;
    const u_char             *held;
    privacy_banner_result_t   res;

    *out = NULL;
    ll = out;

    for ( /* void */ ; in; in = in->next) {

        b = in->buf;

        if (bctx->done || !ngx_buf_in_memory(b) || ngx_buf_size(b) == 0) {
            last = b->last_buf || b->last_in_chain;

            if (last && !bctx->done) {
                goto finish;
            }

            ll = ngx_http_privacy_banner_link(r, ll, b);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        len = b->last - b->pos;

        privacy_banner_scan(&bctx->matcher, b->pos, len, &res);

        ll = ngx_http_privacy_banner_copy(r, ll, res.pre, res.pre_len);
        if (ll == NULL) {
            return NGX_ERROR;
        }

        if (res.found) {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy banner inserted at %uz", res.pass);

            if (res.pass) {
                /* the part before the banner: same memory, new buffer */
                head = ngx_calloc_buf(r->pool);
                if (head == NULL) {
                    return NGX_ERROR;
                }

                ngx_memcpy(head, b, sizeof(ngx_buf_t));
                head->last = head->pos + res.pass;
                head->shadow = NULL;
                head->recycled = 0;
                head->flush = 0;
                head->last_buf = 0;
                head->last_in_chain = 0;
                head->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

                if (b->in_file) {
                    head->file_last = head->file_pos + res.pass;
                    b->file_pos += res.pass;
                }

                b->pos += res.pass;

                ll = ngx_http_privacy_banner_link(r, ll, head);
                if (ll == NULL) {
                    return NGX_ERROR;
                }
            }

            ll = ngx_http_privacy_banner_chain(r, bctx, ll);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            ll = ngx_http_privacy_banner_copy(r, ll, res.post, res.post_len);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            bctx->done = 1;

            ll = ngx_http_privacy_banner_link(r, ll, b);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        if (res.pass < len) {
            /* the matcher copied the tail it holds back */
            if (b->in_file) {
                b->file_last = b->file_pos + res.pass;
            }

            b->last = b->pos + res.pass;
        }

        last = b->last_buf || b->last_in_chain;

        if (last) {
            goto finish;
        }

        ll = ngx_http_privacy_banner_link(r, ll, b);
        if (ll == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;

finish:

    /* the end of the body came with no insertion point */

    held_len = privacy_banner_finish(&bctx->matcher, &held);
    bctx->done = 1;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: no body tag, nothing inserted");

    if (held_len == 0) {
        ll = ngx_http_privacy_banner_link(r, ll, b);
        return ll ? NGX_OK : NGX_ERROR;
    }

    /*
     * the held bytes come last: they take over the end-of-body flags, and
     * an emptied buffer that only carried those flags is left out
     */

    if (ngx_buf_size(b)) {
        ll = ngx_http_privacy_banner_link(r, ll, b);
        if (ll == NULL) {
            return NGX_ERROR;
        }
    }

    if (ngx_http_privacy_banner_copy(r, ll, held, held_len) == NULL) {
        return NGX_ERROR;
    }

    (*ll)->buf->last_buf = b->last_buf;
    (*ll)->buf->last_in_chain = b->last_in_chain;
    (*ll)->buf->flush = b->flush;

    b->last_buf = 0;
    b->last_in_chain = 0;
    b->flush = 0;

    return NGX_OK;
}


/* a copy of a few held bytes (at most PRIVACY_BANNER_HELD_MAX) */

static ngx_chain_t **
ngx_http_privacy_banner_copy(ngx_http_request_t *r, ngx_chain_t **ll,
    const u_char *data, size_t len)
{
    ngx_buf_t  *b;

    if (len == 0) {
        return ll;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NULL;
    }

    b->last = ngx_cpymem(b->pos, data, len);
    b->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    return ngx_http_privacy_banner_link(r, ll, b);
}


static ngx_chain_t **
ngx_http_privacy_banner_link(ngx_http_request_t *r, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    ngx_chain_t  *cl;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NULL;
    }

    cl->buf = b;
    cl->next = NULL;
    *ll = cl;

    return &cl->next;
}


/* the banner: its compiled parts with the escaped return path between */

static ngx_chain_t **
ngx_http_privacy_banner_chain(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll)
{
    ngx_str_t                    *part, *s;
    ngx_buf_t                    *b;
    ngx_uint_t                    i;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    part = plcf->banner_parts->elts;

    for (i = 0; i < 2 * plcf->banner_parts->nelts - 1; i++) {

        s = (i % 2) ? &bctx->return_path : &part[i / 2];

        if (s->len == 0) {
            continue;
        }

        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NULL;
        }

        b->pos = s->data;
        b->last = s->data + s->len;
        b->memory = 1;
        b->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

        ll = ngx_http_privacy_banner_link(r, ll, b);
        if (ll == NULL) {
            return NULL;
        }
    }

    return ll;
}


/* the exact bytes of the banner served for RETURN_PATH (not escaped) */

ngx_int_t
ngx_http_privacy_banner_text(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *return_path,
    ngx_str_t *text)
{
    u_char      *p;
    size_t       len, escaped;
    ngx_str_t   *part;
    ngx_uint_t   i;

    part = plcf->banner_parts->elts;

    escaped = privacy_html_escape(NULL, return_path->data, return_path->len);
    len = escaped * (plcf->banner_parts->nelts - 1);

    for (i = 0; i < plcf->banner_parts->nelts; i++) {
        len += part[i].len;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    text->data = p;

    for (i = 0; i < plcf->banner_parts->nelts; i++) {
        if (i) {
            p += privacy_html_escape(p, return_path->data, return_path->len);
        }

        p = ngx_cpymem(p, part[i].data, part[i].len);
    }

    text->len = p - text->data;

    return NGX_OK;
}


/* privacy_banner builtin | off | FILE */

char *
ngx_http_privacy_banner(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ssize_t           n;
    ngx_str_t        *value, name;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (plcf->banner != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "builtin") == 0) {
        plcf->banner = NGX_HTTP_PRIVACY_BANNER_BUILTIN;
        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[1].data, "off") == 0) {
        plcf->banner = NGX_HTTP_PRIVACY_BANNER_OFF;
        return NGX_CONF_OK;
    }

    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = name;
    file.log = cf->log;

    file.fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"%V\": cannot open the banner file \"%s\"",
                           &cmd->name, name.data);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > 65536)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": the banner file \"%s\" is unreadable or "
                           "over 64 KB", &cmd->name, name.data);
        ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    plcf->banner_text.data = ngx_pnalloc(cf->pool, ngx_file_size(&fi) + 1);
    if (plcf->banner_text.data == NULL) {
        ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_file(&file, plcf->banner_text.data, ngx_file_size(&fi), 0);

    ngx_close_file(file.fd);

    if (n == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    plcf->banner_text.len = n;
    plcf->banner_file = name;
    plcf->banner = NGX_HTTP_PRIVACY_BANNER_FILE;

    return NGX_CONF_OK;
}


char *
ngx_http_privacy_banner_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    ngx_str_t  *template;

    if (conf->banner == NGX_CONF_UNSET_UINT) {
        conf->banner = prev->banner;
        conf->banner_text = prev->banner_text;
        conf->banner_file = prev->banner_file;
    }

    ngx_conf_merge_uint_value(conf->banner, prev->banner,
                              NGX_HTTP_PRIVACY_BANNER_BUILTIN);
    ngx_conf_merge_uint_value(conf->banner_position, prev->banner_position,
                              PRIVACY_BANNER_BODY_START);

    if (ngx_http_merge_types(cf, &conf->banner_types_keys,
                             &conf->banner_types,
                             &prev->banner_types_keys, &prev->banner_types,
                             ngx_http_html_default_types)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->banner == NGX_HTTP_PRIVACY_BANNER_OFF) {
        return NGX_CONF_OK;
    }

    /* the parent's banner serves when nothing it is made of changed */
    if (prev->banner_parts
        && prev->banner == conf->banner
        && prev->banner_text.data == conf->banner_text.data
        && prev->categories == conf->categories
        && prev->policy_url.data == conf->policy_url.data
        && prev->consent_url.data == conf->consent_url.data)
    {
        conf->banner_parts = prev->banner_parts;
        return NGX_CONF_OK;
    }

    template = (conf->banner == NGX_HTTP_PRIVACY_BANNER_FILE)
               ? &conf->banner_text : &ngx_http_privacy_builtin_banner;

    if (ngx_http_privacy_banner_compile(cf, conf, template) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * Replaces the placeholders known at configuration time and cuts the
 * template at each {{return_path}}, which is filled per request.
 */

static ngx_int_t
ngx_http_privacy_banner_compile(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *template)
{
    u_char       *p, *last, *start, *buf;
    size_t        len;
    ngx_str_t    *part, inputs, policy_url, consent_url, *fill;
    ngx_uint_t    i;

    static ngx_str_t  names[] = {
        ngx_string("{{policy_url}}"),
        ngx_string("{{consent_url}}"),
        ngx_string("{{category_inputs}}"),
        ngx_string("{{return_path}}")
    };

    if (ngx_http_privacy_banner_category_inputs(cf, plcf, &inputs)
        != NGX_OK
        || ngx_http_privacy_banner_escape(cf, &plcf->policy_url, &policy_url)
           == NULL
        || ngx_http_privacy_banner_escape(cf, &plcf->consent_url,
                                          &consent_url)
           == NULL)
    {
        return NGX_ERROR;
    }

    /* every fill is at most this long: enough room for any template */
    len = ngx_max(inputs.len, ngx_max(policy_url.len, consent_url.len));
    len = template->len * (len + 1);

    buf = ngx_pnalloc(cf->pool, len);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    plcf->banner_parts = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
    if (plcf->banner_parts == NULL) {
        return NGX_ERROR;
    }

    p = template->data;
    last = template->data + template->len;
    start = buf;

    while (p < last) {

        for (i = 0; i < 4; i++) {
            if ((size_t) (last - p) >= names[i].len
                && ngx_strncmp(p, names[i].data, names[i].len) == 0)
            {
                break;
            }
        }

        if (i == 4) {
            *buf++ = *p++;
            continue;
        }

        p += names[i].len;

        if (i == 3) {
            part = ngx_array_push(plcf->banner_parts);
            if (part == NULL) {
                return NGX_ERROR;
            }

            part->data = start;
            part->len = buf - start;
            start = buf;
            continue;
        }

        fill = (i == 0) ? &policy_url : (i == 1) ? &consent_url : &inputs;
        buf = ngx_cpymem(buf, fill->data, fill->len);
    }

    part = ngx_array_push(plcf->banner_parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    part->data = start;
    part->len = buf - start;

    return NGX_OK;
}


/* one unticked checkbox per category the visitor may choose */

static ngx_int_t
ngx_http_privacy_banner_category_inputs(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *out)
{
    u_char                       *p;
    size_t                        len;
    ngx_uint_t                    i;
    ngx_http_privacy_category_t  *cat;

    static u_char  open[] = "<label class=\"privacy-banner__choice\">"
                            "<input type=\"checkbox\" name=\"category\" "
                            "value=\"";
    static u_char  middle[] = "\"> ";
    static u_char  close[] = "</label>";

    ngx_str_null(out);

    if (plcf->categories == NULL) {
        return NGX_OK;
    }

    cat = plcf->categories->categories.elts;
    len = 0;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {
        if (!cat[i].essential) {
            /* names are letters, digits, "_" and "-": nothing to escape */
            len += sizeof(open) - 1 + sizeof(middle) - 1 + sizeof(close) - 1
                   + 2 * cat[i].name.len;
        }
    }

    p = ngx_pnalloc(cf->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {
        if (!cat[i].essential) {
            p = ngx_cpymem(p, open, sizeof(open) - 1);
            p = ngx_cpymem(p, cat[i].name.data, cat[i].name.len);
            p = ngx_cpymem(p, middle, sizeof(middle) - 1);
            p = ngx_cpymem(p, cat[i].name.data, cat[i].name.len);
            p = ngx_cpymem(p, close, sizeof(close) - 1);
        }
    }

    out->len = p - out->data;

    return NGX_OK;
}


static u_char *
ngx_http_privacy_banner_escape(ngx_conf_t *cf, ngx_str_t *src,
    ngx_str_t *dst)
{
    dst->len = privacy_html_escape(NULL, src->data, src->len);

    dst->data = ngx_pnalloc(cf->pool, dst->len + 1);
    if (dst->data == NULL) {
        return NULL;
    }

    (void) privacy_html_escape(dst->data, src->data, src->len);

    return dst->data;
}
