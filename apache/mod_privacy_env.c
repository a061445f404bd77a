
/*
 * The counterparts of the nginx module's variables ($privacy_gpc,
 * $privacy_dnt, $privacy_consent, $privacy_consent_id, $privacy_blocked,
 * $privacy_remote_addr): environment variables of the request, for
 * mod_log_config's %{PRIVACY_CONSENT}e, SSI, CGI and mod_rewrite.  Each
 * is set with the value the nginx variable has and left unset where it is
 * empty (a log line shows "-", as nginx's does).
 *
 * They are set on the request and on the initial one of its internal
 * redirects, whose environment mod_log_config reads by default.
 */


#include "mod_privacy.h"

#include "privacy_addr.h"


static void mod_privacy_env_set(request_rec *r, const char *name,
    const char *value);


static void
mod_privacy_env_set(request_rec *r, const char *name, const char *value)
{
    request_rec  *first;

    apr_table_setn(r->subprocess_env, name, value);

    for (first = r; first->prev; first = first->prev) {
        /* void */
    }

    if (first != r) {
        apr_table_setn(first->subprocess_env, name, value);
    }
}


/*
 * The client's network, not its address (/24, /48), as the records keep
 * it and $privacy_remote_addr gives it; "" when it has no IP address.
 */

const char *
mod_privacy_remote_net(request_rec *r)
{
    char            *net;
    apr_sockaddr_t  *sa;

    net = apr_pcalloc(r->pool, PRIVACY_ADDR_ANON_MAX + 1);
    sa = r->useragent_addr;

    if (sa && (sa->family == APR_INET
#if APR_HAVE_IPV6
               || sa->family == APR_INET6
#endif
       ))
    {
        (void) privacy_addr_anonymize((unsigned char *) net,
                                      PRIVACY_ADDR_ANON_MAX, sa->family,
                                      sa->ipaddr_ptr);
    }

    return net;
}


/* the request side's: once the decision is read (header_parser) */

void
mod_privacy_env_request(request_rec *r, mod_privacy_ctx_t *ctx)
{
    int                        i, dnt;
    char                      *consent, *id;
    size_t                     len;
    uint32_t                   granted;
    const char                *net;
    mod_privacy_category_t    *cat;
    mod_privacy_categories_t  *cats;

    if (mod_privacy_gpc_signal(r)) {
        mod_privacy_env_set(r, "PRIVACY_GPC", "1");
    }

    dnt = mod_privacy_dnt(r);

    if (dnt != -1) {
        mod_privacy_env_set(r, "PRIVACY_DNT", dnt ? "1" : "0");
    }

    net = mod_privacy_remote_net(r);

    if (net[0]) {
        mod_privacy_env_set(r, "PRIVACY_REMOTE_ADDR", net);
    }

    /* the categories the decision was read for */
    cats = ctx->decided_for;

    if (!ctx->decided || cats == NULL) {
        return;
    }

    /* what the visitor chose: the optional categories granted */
    cat = (mod_privacy_category_t *) cats->categories->elts;
    granted = ctx->token.granted & cats->optional;
    len = 0;

    for (i = 0; i < cats->categories->nelts; i++) {
        if (granted & (1u << i)) {
            len += strlen(cat[i].name) + 1;
        }
    }

    if (len == 0) {
        consent = "none";

    } else {
        consent = apr_palloc(r->pool, len);
        consent[0] = '\0';

        for (i = 0; i < cats->categories->nelts; i++) {
            if (granted & (1u << i)) {
                if (consent[0]) {
                    strcat(consent, ",");
                }

                strcat(consent, cat[i].name);
            }
        }
    }

    mod_privacy_env_set(r, "PRIVACY_CONSENT", consent);

    id = apr_palloc(r->pool, 2 * PRIVACY_CONSENT_ID_LEN + 1);
    privacy_hex((unsigned char *) id, ctx->token.consent_id,
                PRIVACY_CONSENT_ID_LEN);
    id[2 * PRIVACY_CONSENT_ID_LEN] = '\0';

    mod_privacy_env_set(r, "PRIVACY_CONSENT_ID", id);
}


/* the response side's: the names blocked both ways, once they are known */

void
mod_privacy_env_response(request_rec *r, mod_privacy_ctx_t *ctx)
{
    int                     i;
    char                   *p, *names;
    size_t                  len;
    mod_privacy_blocked_t  *b;

    if (ctx->blocked == NULL || ctx->blocked->nelts == 0) {
        return;
    }

    b = (mod_privacy_blocked_t *) ctx->blocked->elts;
    len = 0;

    for (i = 0; i < ctx->blocked->nelts; i++) {
        len += b[i].len + 1;
    }

    names = apr_palloc(r->pool, len);
    p = names;

    for (i = 0; i < ctx->blocked->nelts; i++) {
        if (i) {
            *p++ = ',';
        }

        memcpy(p, b[i].name, b[i].len);
        p += b[i].len;
    }

    *p = '\0';

    mod_privacy_env_set(r, "PRIVACY_BLOCKED", names);
}
