
/*
 * ngx_http_privacy_module: privacy_csp_report_endpoint.  Browsers POST
 * their CSP violation reports here; a GET answers which third-party
 * hosts real pages load, how often, for which directive, and the category
 * privacy_script puts each in.  The hosts live in shared memory, in a
 * red-black tree by name and a queue by last report (as limit_req keeps
 * its states), at most hosts=N of them: the least recently reported goes
 * when a new one comes.  No Redis: nothing here is a consent record.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_csp_report.h"
#include "ngx_http_privacy_script.h"
#include "privacy_csp.h"


/* the largest report body taken; a larger one is answered 413 */
#define NGX_HTTP_PRIVACY_CSP_BODY_MAX    65536
#define NGX_HTTP_PRIVACY_CSP_HOSTS       1000
#define NGX_HTTP_PRIVACY_CSP_HOSTS_MAX   100000

/* a node's worst size rounded up to the slab's chunk, per host */
#define NGX_HTTP_PRIVACY_CSP_NODE_ROOM   1024


typedef struct {
    ngx_str_node_t                  sn;          /* sn.str: the host */
    ngx_queue_t                     queue;
    time_t                          last;
    uint32_t                        count[PRIVACY_CSP_DIRECTIVES];
    uint32_t                        total;
    u_short                         path_len;
    u_char                          secure;
    u_char                          data[1];     /* host, then path */
} ngx_http_privacy_csp_node_t;


typedef struct {
    ngx_rbtree_t                    rbtree;
    ngx_rbtree_node_t               sentinel;
    ngx_queue_t                     queue;       /* most recent first */
    ngx_uint_t                      nhosts;
    uint64_t                        reports;
    uint64_t                        ignored;     /* no third-party host */
    uint64_t                        evicted;
} ngx_http_privacy_csp_shctx_t;


typedef struct {
    ngx_http_privacy_csp_shctx_t   *sh;
    ngx_slab_pool_t                *shpool;
    ngx_uint_t                      hosts;       /* the bound */
} ngx_http_privacy_csp_zone_t;


typedef struct {
    ngx_http_request_t             *r;
    ngx_http_privacy_csp_zone_t    *zone;
} ngx_http_privacy_csp_post_t;


static ngx_int_t ngx_http_privacy_csp_report_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static ngx_int_t ngx_http_privacy_csp_report_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_csp_report_type(ngx_http_request_t *r);
static void ngx_http_privacy_csp_report_body(ngx_http_request_t *r);
static u_char *ngx_http_privacy_csp_report_read(ngx_http_request_t *r,
    size_t *len);
static void ngx_http_privacy_csp_report_one(void *data,
    const privacy_csp_report_t *report);
static void ngx_http_privacy_csp_report_evict(
    ngx_http_privacy_csp_zone_t *zone);
static ngx_int_t ngx_http_privacy_csp_report_get(ngx_http_request_t *r,
    ngx_http_privacy_csp_zone_t *zone);
static u_char *ngx_http_privacy_csp_report_category(ngx_http_request_t *r,
    u_char *p, ngx_http_privacy_csp_node_t *node, u_char *work);


static ngx_str_t  ngx_http_privacy_csp_json_type =
    ngx_string("application/json");
static ngx_str_t  ngx_http_privacy_csp_allow_name = ngx_string("Allow");
static ngx_str_t  ngx_http_privacy_csp_allow_value =
    ngx_string("GET, HEAD, POST");


/* privacy_csp_report_endpoint [hosts=N]; */

char *
ngx_http_privacy_csp_report_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_int_t                     n;
    ngx_str_t                    *value, name;
    ngx_uint_t                    hosts;
    ngx_shm_zone_t               *shm_zone;
    ngx_http_core_loc_conf_t     *clcf;
    ngx_http_privacy_srv_conf_t  *pscf;
    ngx_http_privacy_csp_zone_t  *zone;

    if (plcf->csp_report) {
        return "is duplicate";
    }

    value = cf->args->elts;
    hosts = NGX_HTTP_PRIVACY_CSP_HOSTS;

    if (cf->args->nelts == 2) {
        if (value[1].len <= 6
            || ngx_strncmp(value[1].data, "hosts=", 6) != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\" in \"%V\", "
                               "expected \"hosts=N\"", &value[1],
                               &cmd->name);
            return NGX_CONF_ERROR;
        }

        n = ngx_atoi(value[1].data + 6, value[1].len - 6);

        if (n < 1 || n > NGX_HTTP_PRIVACY_CSP_HOSTS_MAX) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid \"%V\" in \"%V\": from 1 to %d "
                               "hosts", &value[1], &cmd->name,
                               NGX_HTTP_PRIVACY_CSP_HOSTS_MAX);
            return NGX_CONF_ERROR;
        }

        hosts = (ngx_uint_t) n;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    clcf->handler = ngx_http_privacy_csp_report_handler;

    /* reports are small: refused above the bound before they are read,
     * and kept in memory up to it */
    if (clcf->client_max_body_size == NGX_CONF_UNSET) {
        clcf->client_max_body_size = NGX_HTTP_PRIVACY_CSP_BODY_MAX;
    }

    if (clcf->client_body_buffer_size == NGX_CONF_UNSET_SIZE) {
        clcf->client_body_buffer_size = NGX_HTTP_PRIVACY_CSP_BODY_MAX;
    }

    /*
     * one table per endpoint URI: endpoints at the same URI in several
     * servers share it; its name keeps it across reloads
     */

    name.len = sizeof("privacy_csp_report ") - 1 + clcf->name.len;
    name.data = ngx_pnalloc(cf->pool, name.len);
    if (name.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(name.data, "privacy_csp_report %V", &clcf->name);

    shm_zone = ngx_shared_memory_add(cf, &name,
                                     hosts * NGX_HTTP_PRIVACY_CSP_NODE_ROOM
                                     + 16 * ngx_pagesize,
                                     &ngx_http_privacy_module);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    zone = shm_zone->data;

    if (zone == NULL) {
        zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_csp_zone_t));
        if (zone == NULL) {
            return NGX_CONF_ERROR;
        }

        zone->hosts = hosts;
        shm_zone->init = ngx_http_privacy_csp_report_init_zone;
        shm_zone->data = zone;

    } else if (zone->hosts != hosts) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" at \"%V\" with hosts=%ui, and elsewhere "
                           "at the same URI with hosts=%ui: endpoints at "
                           "one URI share one table", &cmd->name,
                           &clcf->name, hosts, zone->hosts);
        return NGX_CONF_ERROR;
    }

    plcf->csp_report = zone;

    /* the server's pages report here (a regex or named location has no
     * URI to give) */

    pscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_privacy_module);

    if (pscf->csp_report_uri.len == 0
#if (NGX_PCRE)
        && clcf->regex == NULL
#endif
        && !clcf->named)
    {
        pscf->csp_report_uri = clcf->name;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_csp_report_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_privacy_csp_zone_t  *ozone = data;

    size_t                        len;
    ngx_http_privacy_csp_zone_t  *zone;

    zone = shm_zone->data;

    if (ozone) {
        /* a reload: the same name and size, the hosts seen so far */
        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;
        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        return NGX_OK;
    }

    zone->sh = ngx_slab_alloc(zone->shpool,
                              sizeof(ngx_http_privacy_csp_shctx_t));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;

    ngx_rbtree_init(&zone->sh->rbtree, &zone->sh->sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&zone->sh->queue);

    len = sizeof(" in privacy_csp_report zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in privacy_csp_report zone \"%V\"%Z",
                &shm_zone->shm.name);

    zone->shpool->log_nomem = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_csp_report_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_privacy_csp_report_get(r, plcf->csp_report);
    }

    if (!(r->method & NGX_HTTP_POST)) {
        if (ngx_http_privacy_add_header(r, &ngx_http_privacy_csp_allow_name,
                                        &ngx_http_privacy_csp_allow_value)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    if (!ngx_http_privacy_csp_report_type(r)) {
        return NGX_HTTP_UNSUPPORTED_MEDIA_TYPE;
    }

    if (r->headers_in.content_length_n > NGX_HTTP_PRIVACY_CSP_BODY_MAX) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r,
                                           ngx_http_privacy_csp_report_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


/* application/csp-report, application/reports+json or application/json */

static ngx_int_t
ngx_http_privacy_csp_report_type(ngx_http_request_t *r)
{
    size_t       len;
    u_char      *p, *last;
    ngx_str_t   *t;
    ngx_uint_t   i;

    static ngx_str_t  types[] = {
        ngx_string("application/csp-report"),
        ngx_string("application/reports+json"),
        ngx_string("application/json")
    };

    if (r->headers_in.content_type == NULL) {
        return 0;
    }

    p = r->headers_in.content_type->value.data;
    last = p + r->headers_in.content_type->value.len;

    len = 0;

    while (p + len < last && p[len] != ';' && p[len] != ' '
           && p[len] != '\t')
    {
        len++;
    }

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        t = &types[i];

        if (t->len == len && ngx_strncasecmp(p, t->data, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static void
ngx_http_privacy_csp_report_body(ngx_http_request_t *r)
{
    int                           n;
    u_char                       *body;
    size_t                        len;
    ngx_http_privacy_csp_post_t   post;
    privacy_csp_report_t         *work;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    body = ngx_http_privacy_csp_report_read(r, &len);

    if (body == NULL) {
        ngx_http_finalize_request(r, len > NGX_HTTP_PRIVACY_CSP_BODY_MAX
                                     ? NGX_HTTP_REQUEST_ENTITY_TOO_LARGE
                                     : NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    work = ngx_palloc(r->pool, sizeof(privacy_csp_report_t));
    if (work == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    post.r = r;
    post.zone = plcf->csp_report;

    n = privacy_csp_reports(body, len, work, ngx_http_privacy_csp_report_one,
                            &post);

    if (n == PRIVACY_CSP_REPORT_BAD) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "privacy csp report: the body is not a JSON value");
        ngx_http_finalize_request(r, NGX_HTTP_BAD_REQUEST);
        return;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy csp report: %d reports", n);

    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    r->header_only = 1;
    ngx_http_clear_content_length(r);

    ngx_http_finalize_request(r, ngx_http_send_header(r));
}


/*
 * The body in one piece, from memory or from the temporary file it went
 * to (a client_body_buffer_size set smaller); NULL with *len over the
 * bound, or on an error.
 */

static u_char *
ngx_http_privacy_csp_report_read(ngx_http_request_t *r, size_t *len)
{
    u_char       *body, *p;
    size_t        size;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    *len = 0;

    if (r->request_body == NULL) {
        return (u_char *) "";
    }

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;
        *len += b->in_file ? (size_t) (b->file_last - b->file_pos)
                           : (size_t) (b->last - b->pos);
    }

    if (*len > NGX_HTTP_PRIVACY_CSP_BODY_MAX) {
        return NULL;
    }

    body = ngx_pnalloc(r->pool, *len + 1);
    if (body == NULL) {
        return NULL;
    }

    p = body;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (!b->in_file) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
            continue;
        }

        size = (size_t) (b->file_last - b->file_pos);

        n = ngx_read_file(b->file, p, size, b->file_pos);

        if (n != (ssize_t) size) {
            return NULL;
        }

        p += size;
    }

    return body;
}


/* one report: its blocked host counted, unless it is first-party */

static void
ngx_http_privacy_csp_report_one(void *data, const privacy_csp_report_t *report)
{
    ngx_http_privacy_csp_post_t  *post = data;

    int                           directive;
    size_t                        size;
    uint32_t                      hash;
    ngx_str_t                     key;
    ngx_uint_t                    retried;
    privacy_csp_host_t            host, document;
    ngx_http_privacy_csp_node_t  *node;
    ngx_http_privacy_csp_zone_t  *zone;
    ngx_http_privacy_csp_shctx_t *sh;

    zone = post->zone;
    sh = zone->sh;

    if (!report->blocked.set
        || privacy_csp_host(report->blocked.value, report->blocked.len,
                            report->blocked.truncated, &host)
           != 0
        || (report->document.set
            && privacy_csp_host(report->document.value, report->document.len,
                                report->document.truncated, &document)
               == 0
            && document.host_len == host.host_len
            && ngx_memcmp(document.host, host.host, host.host_len) == 0))
    {
        ngx_shmtx_lock(&zone->shpool->mutex);
        sh->reports++;
        sh->ignored++;
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return;
    }

    if (report->effective.set) {
        directive = privacy_csp_directive(report->effective.value,
                                          report->effective.len);

    } else if (report->violated.set) {
        directive = privacy_csp_directive(report->violated.value,
                                          report->violated.len);

    } else {
        directive = PRIVACY_CSP_OTHER;
    }

    key.data = host.host;
    key.len = host.host_len;
    hash = ngx_crc32_short(key.data, key.len);

    ngx_shmtx_lock(&zone->shpool->mutex);

    sh->reports++;

    node = (ngx_http_privacy_csp_node_t *)
               ngx_str_rbtree_lookup(&sh->rbtree, &key, hash);

    if (node) {
        ngx_queue_remove(&node->queue);
        goto count;
    }

    if (sh->nhosts >= zone->hosts) {
        ngx_http_privacy_csp_report_evict(zone);
    }

    size = offsetof(ngx_http_privacy_csp_node_t, data) + key.len
           + host.path_len;

    for (retried = 0; /* void */ ; retried++) {
        node = ngx_slab_alloc_locked(zone->shpool, size);

        if (node || retried || sh->nhosts == 0) {
            break;
        }

        /* fragmented: one more goes */
        ngx_http_privacy_csp_report_evict(zone);
    }

    if (node == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        ngx_log_error(NGX_LOG_WARN, post->r->connection->log, 0,
                      "privacy csp report: no room for host \"%V\"", &key);
        return;
    }

    ngx_memzero(node, offsetof(ngx_http_privacy_csp_node_t, data));

    ngx_memcpy(node->data, key.data, key.len);
    ngx_memcpy(node->data + key.len, host.path, host.path_len);

    node->sn.node.key = hash;
    node->sn.str.data = node->data;
    node->sn.str.len = key.len;
    node->path_len = (u_short) host.path_len;
    node->secure = (u_char) host.secure;

    ngx_rbtree_insert(&sh->rbtree, &node->sn.node);
    sh->nhosts++;

count:

    ngx_queue_insert_head(&sh->queue, &node->queue);

    node->last = ngx_time();
    node->total++;
    node->count[directive]++;

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* the least recently reported host goes; the zone is locked */

static void
ngx_http_privacy_csp_report_evict(ngx_http_privacy_csp_zone_t *zone)
{
    ngx_queue_t                  *q;
    ngx_http_privacy_csp_node_t  *node;

    if (ngx_queue_empty(&zone->sh->queue)) {
        return;
    }

    q = ngx_queue_last(&zone->sh->queue);
    node = ngx_queue_data(q, ngx_http_privacy_csp_node_t, queue);

    ngx_queue_remove(q);
    ngx_rbtree_delete(&zone->sh->rbtree, &node->sn.node);
    ngx_slab_free_locked(zone->shpool, node);

    zone->sh->nhosts--;
    zone->sh->evicted++;
}


/*
 * GET: {"hosts": [{"host": H, "category": C or null, "count": N,
 * "last_seen": T, "directives": {D: N, ...}}, ...], ...}, most recently
 * reported first.  The hosts are copied out under the lock, then
 * classified and written without it.
 */

static ngx_int_t
ngx_http_privacy_csp_report_get(ngx_http_request_t *r,
    ngx_http_privacy_csp_zone_t *zone)
{
    u_char                        *p, *work;
    size_t                         len, node_size, name_max;
    ngx_tm_t                       tm;
    uint64_t                       reports, ignored, evicted;
    ngx_str_t                      body;
    ngx_uint_t                     i, n, d, max;
    ngx_queue_t                   *q;
    ngx_http_privacy_csp_node_t   *node, *copies, *c;
    ngx_http_privacy_category_t   *category;
    ngx_http_privacy_loc_conf_t   *plcf;

    node_size = offsetof(ngx_http_privacy_csp_node_t, data)
                + PRIVACY_CSP_HOST_MAX + PRIVACY_CSP_PATH_MAX;
    node_size = ngx_align(node_size, sizeof(void *));

    /* room for the hosts there are now, taken without the lock; more may
     * come meanwhile, and wait for the next GET */

    ngx_shmtx_lock(&zone->shpool->mutex);
    max = zone->sh->nhosts;
    ngx_shmtx_unlock(&zone->shpool->mutex);

    copies = ngx_palloc(r->pool, (max ? max : 1) * node_size);
    if (copies == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    n = 0;

    for (q = ngx_queue_head(&zone->sh->queue);
         q != ngx_queue_sentinel(&zone->sh->queue) && n < max;
         q = ngx_queue_next(q))
    {
        node = ngx_queue_data(q, ngx_http_privacy_csp_node_t, queue);
        c = (ngx_http_privacy_csp_node_t *) ((u_char *) copies
                                             + n * node_size);

        ngx_memcpy(c, node, offsetof(ngx_http_privacy_csp_node_t, data)
                            + node->sn.str.len + node->path_len);
        c->sn.str.data = c->data;
        n++;
    }

    reports = zone->sh->reports;
    ignored = zone->sh->ignored;
    evicted = zone->sh->evicted;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    /* a host is letters, digits, '.', '-', ':', '[' and ']': no escaping;
     * a category name may need it (6 bytes a byte at most) */

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    name_max = sizeof("null");

    if (plcf->categories) {
        category = plcf->categories->categories.elts;

        for (i = 0; i < plcf->categories->categories.nelts; i++) {
            name_max = ngx_max(name_max, 2 + 6 * category[i].name.len);
        }
    }

    len = sizeof("{\"hosts\":[],\"reports\":,\"ignored\":,\"evicted\":,"
                 "\"bound\":}\n") + 4 * NGX_INT64_LEN;

    for (i = 0; i < n; i++) {
        c = (ngx_http_privacy_csp_node_t *) ((u_char *) copies
                                             + i * node_size);

        len += sizeof(",{\"host\":\"\",\"category\":,\"count\":,"
                      "\"last_seen\":\"\",\"directives\":{}}")
               + c->sn.str.len + NGX_INT_T_LEN
               + sizeof("1970-01-01T00:00:00Z") + name_max;

        for (d = 0; d < PRIVACY_CSP_DIRECTIVES; d++) {
            if (c->count[d]) {
                len += sizeof(",\"\":") + ngx_strlen(
                           privacy_csp_directive_names[d]) + NGX_INT32_LEN;
            }
        }
    }

    body.data = ngx_pnalloc(r->pool, len);
    /* the URL a host is classified by, and the matcher's room after it */
    work = ngx_pnalloc(r->pool, 2 * (sizeof("https://") + PRIVACY_CSP_HOST_MAX
                                     + PRIVACY_CSP_PATH_MAX));
    if (body.data == NULL || work == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(body.data, "{\"hosts\":[", sizeof("{\"hosts\":[") - 1);

    for (i = 0; i < n; i++) {
        c = (ngx_http_privacy_csp_node_t *) ((u_char *) copies
                                             + i * node_size);

        p = ngx_sprintf(p, "%s{\"host\":\"%V\",\"category\":",
                        i ? "," : "", &c->sn.str);
        p = ngx_http_privacy_csp_report_category(r, p, c, work);
        /* ISO 8601: what tools read */
        ngx_gmtime(c->last, &tm);

        p = ngx_sprintf(p, ",\"count\":%uD,\"last_seen\":"
                        "\"%4d-%02d-%02dT%02d:%02d:%02dZ", c->total,
                        tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                        tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);

        p = ngx_cpymem(p, "\",\"directives\":{",
                       sizeof("\",\"directives\":{") - 1);

        for (d = 0; d < PRIVACY_CSP_DIRECTIVES; d++) {
            if (c->count[d]) {
                p = ngx_sprintf(p, "%s\"%s\":%uD",
                                p[-1] == '{' ? "" : ",",
                                privacy_csp_directive_names[d], c->count[d]);
            }
        }

        *p++ = '}';
        *p++ = '}';
    }

    p = ngx_sprintf(p, "],\"reports\":%uL,\"ignored\":%uL,\"evicted\":%uL,"
                    "\"bound\":%ui}\n", reports, ignored, evicted,
                    zone->hosts);

    body.len = p - body.data;

    return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                 &ngx_http_privacy_csp_json_type, &body);
}


/* the category privacy_script gives the host's first URL, or null */

static u_char *
ngx_http_privacy_csp_report_category(ngx_http_request_t *r, u_char *p,
    ngx_http_privacy_csp_node_t *node, u_char *work)
{
    int                            c;
    u_char                        *u;
    size_t                         len;
    ngx_http_privacy_category_t   *category;
    ngx_http_privacy_loc_conf_t   *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (plcf->scripts == NULL || plcf->categories == NULL) {
        return ngx_cpymem(p, "null", 4);
    }

    u = work;
    u = node->secure ? ngx_cpymem(u, "https://", 8)
                     : ngx_cpymem(u, "http://", 7);
    u = ngx_cpymem(u, node->sn.str.data, node->sn.str.len);
    u = ngx_cpymem(u, node->data + node->sn.str.len, node->path_len);

    len = u - work;

    c = privacy_script_url(&plcf->scripts->set, work, len, u);

    if (c < 0 || (ngx_uint_t) c >= plcf->categories->categories.nelts) {
        return ngx_cpymem(p, "null", 4);
    }

    category = plcf->categories->categories.elts;

    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, category[c].name.data,
                                   category[c].name.len);
    *p++ = '"';

    return p;
}
