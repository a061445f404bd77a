
/*
 * The tracking status: the W3C Tracking Preference Expression's Tk response
 * header and the site-wide tracking status resource /.well-known/dnt/
 * (SetHandler privacy-tracking-status).
 *
 * The privacy notice says that the site does not respond to Do Not Track
 * signals; these tell the truth about what is done instead.  A request's
 * DNT header never changes the answer, except in report mode, where
 * tracking happens and "D" says it happens despite the signal.
 */


#include "mod_privacy.h"


const char *
mod_privacy_tracking_status(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    if (strcmp(arg, "auto") == 0) {
        dcf->tracking_status = MOD_PRIVACY_TK_AUTO;
        return NULL;
    }

    if (arg[0] != '\0' && arg[1] == '\0' && strchr("!?GNTCPDU", arg[0])) {
        dcf->tracking_status = (unsigned char) arg[0];
        return NULL;
    }

    return mod_privacy_conf_error(cmd,
                                  "invalid value \"%s\", it must be \"auto\" "
                                  "or one of the tracking status values "
                                  "\"!\", \"?\", \"G\", \"N\", \"T\", \"C\", "
                                  "\"P\", \"D\", \"U\"", arg);
}


/* 1 for "DNT: 1", 0 for "DNT: 0", -1 when absent or anything else */

int
mod_privacy_dnt(request_rec *r)
{
    const char  *v;

    v = apr_table_get(r->headers_in, "DNT");

    if (v == NULL || (v[0] != '0' && v[0] != '1') || v[1] != '\0') {
        return -1;
    }

    return v[0] - '0';
}


char
mod_privacy_tracking_value(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx)
{
    if (dcf->tracking_status > MOD_PRIVACY_TK_AUTO) {
        return (char) dcf->tracking_status;
    }

    if (ctx->endpoint) {
        /* the consent endpoint's answers depend on the visitor's consent */
        return 'U';
    }

    if (dcf->mode == MOD_PRIVACY_MODE_REPORT) {
        return mod_privacy_dnt(r) == 1 ? 'D' : 'T';
    }

    return mod_privacy_grants_optional(dcf, ctx) ? 'C' : 'N';
}


int
mod_privacy_tk_handler(request_rec *r)
{
    int                      rc;
    char                     tk;
    size_t                   len;
    unsigned char           *json;
    mod_privacy_ctx_t       *ctx;
    mod_privacy_dir_conf_t  *dcf;

    rc = mod_privacy_resource_start(r, MOD_PRIVACY_TK_HANDLER);
    if (rc != OK) {
        return rc;
    }

    dcf = mod_privacy_dir_conf(r);
    ctx = mod_privacy_get_ctx(r);

    mod_privacy_read_decision(r, dcf, ctx);

    /* the resource never sets a cookie: the response side drops them all */
    ctx->tk_resource = 1;

    tk = mod_privacy_tracking_value(r, dcf, ctx);

    ap_set_content_type(r, "application/tracking-status+json");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");

    if (dcf->policy_url == NULL) {
        ap_rprintf(r, "{\"tracking\":\"%c\"}\n", tk);
        return OK;
    }

    len = privacy_json_escape(NULL, (const unsigned char *) dcf->policy_url,
                              strlen(dcf->policy_url));

    json = apr_palloc(r->pool, len + 1);

    (void) privacy_json_escape(json, (const unsigned char *) dcf->policy_url,
                               strlen(dcf->policy_url));
    json[len] = '\0';

    ap_rprintf(r, "{\"tracking\":\"%c\",\"policy\":\"%s\"}\n", tk,
               (char *) json);

    return OK;
}
