
/*
 * Global Privacy Control (https://privacycg.github.io/gpc-spec/): the
 * Sec-GPC request header, PrivacyGPC, and the site's support resource
 * /.well-known/gpc.json (SetHandler privacy-gpc).  What a header value
 * says and what the resource answers are the core's (privacy_gpc.c), as
 * for the nginx module's ngx_http_privacy_gpc.c.
 *
 * GPC is not DNT: the signal refuses the categories the operator lists,
 * unless the visitor's decision was made while the browser sent it (the
 * consent token's PRIVACY_TOKEN_FLAG_GPC, the record's gpc field).
 */


#include "mod_privacy.h"

#include <apr_time.h>

#include "privacy_gpc.h"


/* the day the configuration was read: gpc.json's default lastUpdate */
static char  mod_privacy_gpc_today[PRIVACY_GPC_DATE_LEN + 1];


static int mod_privacy_gpc_header(void *rec, const char *key,
    const char *value);


/*
 * PrivacyGPC off | CATEGORY ...: the names are resolved against the
 * section's categories when they are known, per request; the
 * configuration check reports unknown and essential ones
 */

const char *
mod_privacy_gpc(cmd_parms *cmd, void *conf, int argc, char *const argv[])
{
    mod_privacy_dir_conf_t  *dcf = conf;

    int  i, k;

    if (dcf->gpc_names) {
        return mod_privacy_conf_error(cmd, "is duplicate in this section");
    }

    if (argc == 0) {
        return mod_privacy_conf_error(cmd, "takes \"off\" or one or more "
                                      "categories");
    }

    dcf->gpc_names = apr_array_make(cmd->pool, argc, sizeof(const char *));
    dcf->gpc_file = cmd->directive->filename;
    dcf->gpc_line = cmd->directive->line_num;

    if (argc == 1 && strcasecmp(argv[0], "off") == 0) {
        /* an empty list: off, which cancels an inherited one */
        return NULL;
    }

    for (i = 0; i < argc; i++) {

        if (strcasecmp(argv[i], "off") == 0) {
            return mod_privacy_conf_error(cmd, "\"off\" goes alone, not "
                                          "with categories");
        }

        for (k = 0; k < i; k++) {
            if (strcmp(argv[k], argv[i]) == 0) {
                return mod_privacy_conf_error(cmd, "duplicate category "
                                              "\"%s\"", argv[i]);
            }
        }

        *(const char **) apr_array_push(dcf->gpc_names) = argv[i];
    }

    return NULL;
}


/* PrivacyGPCLastUpdate YYYY-MM-DD: gpc.json's lastUpdate */

const char *
mod_privacy_gpc_last_update(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    if (!privacy_gpc_date_valid((const unsigned char *) arg, strlen(arg))) {
        return mod_privacy_conf_error(cmd, "invalid date \"%s\", use "
                                      "YYYY-MM-DD", arg);
    }

    dcf->gpc_last_update = arg;

    return NULL;
}


void
mod_privacy_gpc_pre_config(apr_pool_t *pconf)
{
    apr_size_t      len;
    apr_time_exp_t  tm;

    apr_time_exp_gmt(&tm, apr_time_now());

    (void) apr_strftime(mod_privacy_gpc_today, &len,
                        sizeof(mod_privacy_gpc_today), "%Y-%m-%d", &tm);
}


/*
 * The categories PrivacyGPC names, as a mask of the section's list: each
 * must be one of its optional categories.  With err, the first that is
 * not is reported there; without, it is left out.
 */

uint32_t
mod_privacy_gpc_mask(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    const char **err)
{
    int                      i, k, n;
    uint32_t                 mask;
    const char             **name;
    mod_privacy_category_t  *cat;

    if (dcf->gpc_names == NULL || dcf->gpc_names->nelts == 0
        || dcf->categories == NULL)
    {
        return 0;
    }

    name = (const char **) dcf->gpc_names->elts;
    cat = (mod_privacy_category_t *) dcf->categories->categories->elts;
    n = dcf->categories->categories->nelts;
    mask = 0;

    for (i = 0; i < dcf->gpc_names->nelts; i++) {

        for (k = 0; k < n; k++) {
            if (strcmp(cat[k].name, name[i]) == 0) {
                break;
            }
        }

        if (k == n || cat[k].essential) {
            if (err && *err == NULL) {
                *err = apr_psprintf(p, (k == n)
                           ? "unknown category \"%s\" in \"PrivacyGPC\" in "
                             "%s:%u"
                           : "category \"%s\" in \"PrivacyGPC\" in %s:%u is "
                             "essential: the signal refuses optional "
                             "categories only",
                           name[i], dcf->gpc_file, dcf->gpc_line);
            }

            continue;
        }

        mask |= 1u << k;
    }

    return mask;
}


/* the configuration check: what nginx -t says at merge */

const char *
mod_privacy_gpc_check(apr_pool_t *p, mod_privacy_dir_conf_t *dcf)
{
    const char  *err;

    err = NULL;

    (void) mod_privacy_gpc_mask(p, dcf, &err);

    return err;
}


static int
mod_privacy_gpc_header(void *rec, const char *key, const char *value)
{
    int  *signal = rec;

    if (privacy_gpc_signal((const unsigned char *) value, strlen(value))) {
        *signal = 1;
        return 0;
    }

    return 1;
}


/*
 * 1 when the request carries the signal.  Apache joins repeated headers
 * with ", " when it reads them: the core reads a "1" in the list as the
 * signal, as nginx reads one among separate headers.
 */

int
mod_privacy_gpc_signal(request_rec *r)
{
    int  signal;

    signal = 0;

    apr_table_do(mod_privacy_gpc_header, &signal, r->headers_in, "Sec-GPC",
                 NULL);

    return signal;
}


/* the categories the request's signal refuses here, 0 without it */

uint32_t
mod_privacy_gpc_refused(request_rec *r, mod_privacy_dir_conf_t *dcf)
{
    uint32_t  mask;

    if (dcf->gpc_names == NULL || dcf->gpc_names->nelts == 0
        || !mod_privacy_gpc_signal(r))
    {
        return 0;
    }

    mask = mod_privacy_gpc_mask(r->pool, dcf, NULL);

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "mod_privacy: the GPC signal refuses 0x%08x",
                  (unsigned) mask);

    return mask;
}


/*
 * SetHandler privacy-gpc: {"gpc": true, "lastUpdate": "YYYY-MM-DD"}, true
 * where PrivacyGPC refuses categories.  The same for every visitor, so
 * cacheable, and never with a cookie.
 */

int
mod_privacy_gpc_handler(request_rec *r)
{
    int                      rc;
    size_t                   len;
    const char              *date;
    unsigned char           *body;
    mod_privacy_ctx_t       *ctx;
    mod_privacy_dir_conf_t  *dcf;

    rc = mod_privacy_resource_start(r, MOD_PRIVACY_GPC_HANDLER);
    if (rc != OK) {
        return rc;
    }

    dcf = mod_privacy_dir_conf(r);
    ctx = mod_privacy_get_ctx(r);

    /* no cookie set, none deleted: a shared cache keeps it for everyone */
    ctx->shared = 1;

    date = dcf->gpc_last_update ? dcf->gpc_last_update
                                : mod_privacy_gpc_today;

    body = apr_palloc(r->pool, PRIVACY_GPC_RESOURCE_MAX);

    len = privacy_gpc_resource(body,
                               mod_privacy_gpc_mask(r->pool, dcf, NULL) != 0,
                               (const unsigned char *) date, strlen(date));

    ap_set_content_type(r, "application/json");
    ap_set_content_length(r, len);
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=86400");

    if (!r->header_only) {
        ap_rwrite(body, (int) len, r);
    }

    return OK;
}
