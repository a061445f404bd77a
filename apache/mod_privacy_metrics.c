
/*
 * Metrics: the counters of the nginx module's privacy_status, summed over
 * every child process, served by "SetHandler privacy-status" in the
 * Prometheus text format (version 0.0.4).
 *
 * The counters live in one anonymous shared memory segment (apr_shm, no
 * file, no scoreboard slot) that the parent makes once, in its process
 * pool, so that it survives graceful and plain restarts like nginx's zone
 * survives reloads; children inherit it by fork.  Every count is one
 * apr_atomic_add64: no lock, no allocation.
 *
 * Category names are counted by slot, at most MOD_PRIVACY_METRICS_NAMES
 * over every PrivacyCategory of the configuration.  The names are kept in
 * the segment too: a name keeps its slot over restarts, a new one takes a
 * free slot starting at zero, one no longer configured is not shown.
 */


#include "mod_privacy.h"

#include <apr_atomic.h>
#include <apr_shm.h>


#define MOD_PRIVACY_METRICS_NAMES    64
#define MOD_PRIVACY_METRICS_UNKNOWN  MOD_PRIVACY_METRICS_NAMES
#define MOD_PRIVACY_METRICS_NAME_LEN 64
#define MOD_PRIVACY_METRICS_ACTIONS  4
#define MOD_PRIVACY_METRICS_REASONS  (PRIVACY_TOKEN_CATEGORIES + 1)
#define MOD_PRIVACY_METRICS_BUCKETS  12

#define MOD_PRIVACY_METRICS_KEY      "mod_privacy_metrics"


typedef struct {
    volatile apr_uint64_t           banners;
    volatile apr_uint64_t           expired;
    volatile apr_uint64_t           redis_errors;
    volatile apr_uint64_t           consents[MOD_PRIVACY_METRICS_ACTIONS];
    volatile apr_uint64_t           tokens[MOD_PRIVACY_METRICS_REASONS];

    /* per bucket, not cumulative */
    volatile apr_uint64_t           rtt[MOD_PRIVACY_METRICS_BUCKETS];
    volatile apr_uint64_t           rtt_usec;

    volatile apr_uint64_t           blocked[MOD_PRIVACY_METRICS_NAMES + 1][2];

    /* written by the parent only, while no child runs this configuration */
    char                            names[MOD_PRIVACY_METRICS_NAMES]
                                         [MOD_PRIVACY_METRICS_NAME_LEN + 1];
} mod_privacy_metrics_sh_t;


static mod_privacy_metrics_sh_t  *mod_privacy_metrics_sh;

/* the names of this configuration, as PrivacyCategory reads them */
static apr_array_header_t        *mod_privacy_metrics_conf_names;

/* their slots, in the same order; -1: over the limit */
static int                        mod_privacy_metrics_slot[
                                      MOD_PRIVACY_METRICS_NAMES];
static int                        mod_privacy_metrics_nslots;


static const char  *mod_privacy_metrics_actions[] = {
    "accept_all", "reject_all", "save", "withdraw"
};

static const apr_uint64_t  mod_privacy_metrics_bounds[] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
    1000000
};

static const char  *mod_privacy_metrics_le[] = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "0.5", "1", "+Inf"
};


void
mod_privacy_metrics_pre_config(apr_pool_t *pconf)
{
    mod_privacy_metrics_conf_names = apr_array_make(pconf, 8,
                                                    sizeof(const char *));
}


/* a category name, once per configuration */

void
mod_privacy_metrics_name(const char *name)
{
    int           i;
    const char  **n;

    if (mod_privacy_metrics_conf_names == NULL) {
        return;
    }

    n = (const char **) mod_privacy_metrics_conf_names->elts;

    for (i = 0; i < mod_privacy_metrics_conf_names->nelts; i++) {
        if (strcmp(n[i], name) == 0) {
            return;
        }
    }

    *(const char **) apr_array_push(mod_privacy_metrics_conf_names) = name;
}


/*
 * post_config: the segment, made on the first configuration and kept in
 * the process pool, and the slots of this configuration's names.
 */

int
mod_privacy_metrics_init(apr_pool_t *pconf, server_rec *s)
{
    int                        i, k, nnames;
    void                      *data;
    const char               **n;
    apr_shm_t                 *shm;
    apr_status_t               rv;
    mod_privacy_metrics_sh_t  *sh;
    int                        used[MOD_PRIVACY_METRICS_NAMES];

    apr_pool_userdata_get(&data, MOD_PRIVACY_METRICS_KEY,
                          s->process->pool);

    if (data == NULL) {
        rv = apr_shm_create(&shm, sizeof(mod_privacy_metrics_sh_t), NULL,
                            s->process->pool);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                         "mod_privacy: cannot create the metrics' shared "
                         "memory");
            return !OK;
        }

        data = apr_shm_baseaddr_get(shm);
        memset(data, 0, sizeof(mod_privacy_metrics_sh_t));

        apr_pool_userdata_set(data, MOD_PRIVACY_METRICS_KEY,
                              apr_pool_cleanup_null, s->process->pool);
    }

    sh = data;
    mod_privacy_metrics_sh = sh;

    n = (const char **) mod_privacy_metrics_conf_names->elts;
    nnames = mod_privacy_metrics_conf_names->nelts;

    if (nnames > MOD_PRIVACY_METRICS_NAMES) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "mod_privacy: %d category names, only the first %d "
                     "are counted in the metrics", nnames,
                     MOD_PRIVACY_METRICS_NAMES);
        nnames = MOD_PRIVACY_METRICS_NAMES;
    }

    memset(used, 0, sizeof(used));

    /* the names the segment knows keep their slots */
    for (i = 0; i < nnames; i++) {
        mod_privacy_metrics_slot[i] = -1;

        for (k = 0; k < MOD_PRIVACY_METRICS_NAMES; k++) {
            if (strcmp(sh->names[k], n[i]) == 0) {
                mod_privacy_metrics_slot[i] = k;
                used[k] = 1;
                break;
            }
        }
    }

    /* a new name takes a slot no name of this configuration keeps */
    for (i = 0; i < nnames; i++) {
        if (mod_privacy_metrics_slot[i] != -1) {
            continue;
        }

        for (k = 0; k < MOD_PRIVACY_METRICS_NAMES && used[k]; k++) {
            /* void */
        }

        used[k] = 1;
        mod_privacy_metrics_slot[i] = k;
        apr_cpystrn(sh->names[k], n[i], MOD_PRIVACY_METRICS_NAME_LEN + 1);
        sh->blocked[k][0] = 0;
        sh->blocked[k][1] = 0;
    }

    mod_privacy_metrics_nslots = nnames;

    return OK;
}


static int
mod_privacy_metrics_find(const char *name)
{
    int           i;
    const char  **n;

    n = (const char **) mod_privacy_metrics_conf_names->elts;

    for (i = 0; i < mod_privacy_metrics_nslots; i++) {
        if (strcmp(n[i], name) == 0) {
            return mod_privacy_metrics_slot[i];
        }
    }

    return -1;
}


/*
 * SetHandler privacy-status: GET and HEAD, no-store.  Every series is
 * written, zeros included.
 */

int
mod_privacy_status_handler(request_rec *r)
{
    int                        i, slot;
    const char               **n, *label;
    apr_uint64_t               count, usec;
    mod_privacy_metrics_sh_t  *sh;

    if (r->handler == NULL || strcmp(r->handler, MOD_PRIVACY_STATUS_HANDLER))
    {
        return DECLINED;
    }

    r->allowed = (AP_METHOD_BIT << M_GET);

    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }

    sh = mod_privacy_metrics_sh;

    if (sh == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ALERT, 0, r,
                      "mod_privacy: no metrics segment");
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ap_discard_request_body(r) != OK) {
        return HTTP_BAD_REQUEST;
    }

    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_type(r, "text/plain; version=0.0.4");

    if (r->header_only) {
        return OK;
    }

    ap_rprintf(r,
               "# HELP privacy_banners_injected_total Consent banners "
               "inserted into pages.\n"
               "# TYPE privacy_banners_injected_total counter\n"
               "privacy_banners_injected_total %" APR_UINT64_T_FMT "\n",
               apr_atomic_read64(&sh->banners));

    ap_rputs("# HELP privacy_cookies_blocked_total Cookies blocked, by "
             "category and direction.\n"
             "# TYPE privacy_cookies_blocked_total counter\n", r);

    n = (const char **) mod_privacy_metrics_conf_names->elts;

    for (i = 0; i <= mod_privacy_metrics_nslots; i++) {

        if (i < mod_privacy_metrics_nslots) {
            slot = mod_privacy_metrics_slot[i];
            label = n[i];

        } else {
            slot = MOD_PRIVACY_METRICS_UNKNOWN;
            label = "unknown";
        }

        ap_rprintf(r,
                   "privacy_cookies_blocked_total{category=\"%s\","
                   "direction=\"request\"} %" APR_UINT64_T_FMT "\n"
                   "privacy_cookies_blocked_total{category=\"%s\","
                   "direction=\"response\"} %" APR_UINT64_T_FMT "\n",
                   label, apr_atomic_read64(&sh->blocked[slot][0]),
                   label, apr_atomic_read64(&sh->blocked[slot][1]));
    }

    ap_rprintf(r,
               "# HELP privacy_cookies_expired_total Cookies the browser "
               "held that were expired with a Set-Cookie.\n"
               "# TYPE privacy_cookies_expired_total counter\n"
               "privacy_cookies_expired_total %" APR_UINT64_T_FMT "\n",
               apr_atomic_read64(&sh->expired));

    ap_rputs("# HELP privacy_consents_total Consent decisions recorded, "
             "by action.\n"
             "# TYPE privacy_consents_total counter\n", r);

    for (i = 0; i < MOD_PRIVACY_METRICS_ACTIONS; i++) {
        ap_rprintf(r, "privacy_consents_total{action=\"%s\"} %"
                   APR_UINT64_T_FMT "\n", mod_privacy_metrics_actions[i],
                   apr_atomic_read64(&sh->consents[i]));
    }

    ap_rputs("# HELP privacy_tokens_rejected_total Consent cookies that "
             "did not verify, by reason.\n"
             "# TYPE privacy_tokens_rejected_total counter\n", r);

    for (i = PRIVACY_TOKEN_OK + 1; i < MOD_PRIVACY_METRICS_REASONS; i++) {
        ap_rprintf(r, "privacy_tokens_rejected_total{reason=\"%s\"} %"
                   APR_UINT64_T_FMT "\n",
                   privacy_token_status_text((privacy_token_status_e) i),
                   apr_atomic_read64(&sh->tokens[i]));
    }

    ap_rprintf(r,
               "# HELP privacy_redis_errors_total Redis requests that "
               "failed: not connected, timed out or an error reply.\n"
               "# TYPE privacy_redis_errors_total counter\n"
               "privacy_redis_errors_total %" APR_UINT64_T_FMT "\n",
               apr_atomic_read64(&sh->redis_errors));

    ap_rputs("# HELP privacy_redis_rtt_seconds Round trip times of Redis "
             "requests.\n"
             "# TYPE privacy_redis_rtt_seconds histogram\n", r);

    count = 0;

    for (i = 0; i < MOD_PRIVACY_METRICS_BUCKETS; i++) {
        count += apr_atomic_read64(&sh->rtt[i]);

        ap_rprintf(r, "privacy_redis_rtt_seconds_bucket{le=\"%s\"} %"
                   APR_UINT64_T_FMT "\n", mod_privacy_metrics_le[i], count);
    }

    usec = apr_atomic_read64(&sh->rtt_usec);

    ap_rprintf(r, "privacy_redis_rtt_seconds_sum %" APR_UINT64_T_FMT ".%06"
               APR_UINT64_T_FMT "\n"
               "privacy_redis_rtt_seconds_count %" APR_UINT64_T_FMT "\n",
               usec / 1000000, usec % 1000000, count);

    return OK;
}


void
mod_privacy_metric_banner(void)
{
    if (mod_privacy_metrics_sh) {
        apr_atomic_add64(&mod_privacy_metrics_sh->banners, 1);
    }
}


void
mod_privacy_metric_blocked(mod_privacy_dir_conf_t *dcf, int category,
    int direction)
{
    int                      slot;
    mod_privacy_category_t  *cat;

    if (mod_privacy_metrics_sh == NULL || direction < 0 || direction > 1) {
        return;
    }

    if (category >= 0 && dcf->categories
        && category < dcf->categories->categories->nelts)
    {
        cat = (mod_privacy_category_t *) dcf->categories->categories->elts;
        slot = mod_privacy_metrics_find(cat[category].name);

    } else {
        /* no category names it */
        slot = MOD_PRIVACY_METRICS_UNKNOWN;
    }

    if (slot < 0) {
        return;
    }

    apr_atomic_add64(&mod_privacy_metrics_sh->blocked[slot][direction], 1);
}


void
mod_privacy_metric_expired(int n)
{
    if (mod_privacy_metrics_sh && n > 0) {
        apr_atomic_add64(&mod_privacy_metrics_sh->expired, n);
    }
}


void
mod_privacy_metric_consent(int action)
{
    if (mod_privacy_metrics_sh
        && action >= 0 && action < MOD_PRIVACY_METRICS_ACTIONS)
    {
        apr_atomic_add64(&mod_privacy_metrics_sh->consents[action], 1);
    }
}


void
mod_privacy_metric_token_rejected(int reason)
{
    if (mod_privacy_metrics_sh
        && reason > PRIVACY_TOKEN_OK && reason < MOD_PRIVACY_METRICS_REASONS)
    {
        apr_atomic_add64(&mod_privacy_metrics_sh->tokens[reason], 1);
    }
}


void
mod_privacy_metric_redis_error(void)
{
    if (mod_privacy_metrics_sh) {
        apr_atomic_add64(&mod_privacy_metrics_sh->redis_errors, 1);
    }
}


void
mod_privacy_metric_redis_rtt(apr_interval_time_t usec)
{
    int  i;

    if (mod_privacy_metrics_sh == NULL) {
        return;
    }

    for (i = 0; i < MOD_PRIVACY_METRICS_BUCKETS - 1; i++) {
        if ((apr_uint64_t) usec <= mod_privacy_metrics_bounds[i]) {
            break;
        }
    }

    apr_atomic_add64(&mod_privacy_metrics_sh->rtt[i], 1);
    apr_atomic_add64(&mod_privacy_metrics_sh->rtt_usec, (apr_uint64_t) usec);
}
