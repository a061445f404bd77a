
/*
 * Cookies in both directions: PrivacyCategory and the consent cookie's
 * settings, the request side (cookies of categories not granted leave the
 * Cookie header before a handler sees it) and the response side
 * (Set-Cookie of categories not granted go, whoever set them; the blocked
 * cookies the browser sent are deleted).  Parsing, matching and the
 * deletions' text are the core's.
 */


#include "mod_privacy.h"

#include <apr_lib.h>


static apr_status_t mod_privacy_regex_cleanup(void *data);
static int mod_privacy_regex_match(void *regex, const unsigned char *s,
    size_t len);
static const char *mod_privacy_categories_finalize(cmd_parms *cmd,
    mod_privacy_categories_t *cats);
static int mod_privacy_block(request_rec *r, mod_privacy_ctx_t *ctx,
    const unsigned char *name, size_t len, int category);
static mod_privacy_blocked_t *mod_privacy_blocked_find(mod_privacy_ctx_t *ctx,
    int n, const unsigned char *name, size_t len);
static int mod_privacy_collect(void *data, const char *key,
    const char *value);
static int mod_privacy_filter_set_cookies(request_rec *r,
    mod_privacy_dir_conf_t *dcf, mod_privacy_ctx_t *ctx, apr_table_t *t,
    int expire, int known);
static void mod_privacy_expire_cookies(request_rec *r,
    mod_privacy_dir_conf_t *dcf, mod_privacy_ctx_t *ctx);
static const char *mod_privacy_expiry(request_rec *r, mod_privacy_ctx_t *ctx,
    mod_privacy_blocked_t *b, const char *domain);


/* PrivacyCategory NAME [essential] PATTERN ... */

const char *
mod_privacy_category(cmd_parms *cmd, void *conf, int argc,
    char *const argv[])
{
    mod_privacy_dir_conf_t  *dcf = conf;

    int                          i, n, first, flags, rc;
    char                         errbuf[256];
    const char                  *p, *pattern;
    ap_regex_t                  *re;
    privacy_match_name_t        *exact;
    privacy_match_regex_t       *regex;
    mod_privacy_category_t      *cat;
    mod_privacy_categories_t    *cats;
    privacy_template_pattern_t  *text;

    if (argc < 1) {
        return mod_privacy_conf_error(cmd,
                                      "needs a category name and cookie names "
                                      "or patterns");
    }

    n = (int) strlen(argv[0]);

    if (n == 0 || n > 32) {
        goto bad_name;
    }

    for (p = argv[0]; *p; p++) {
        if (!(apr_isalnum(*p) || *p == '_' || *p == '-')) {
            goto bad_name;
        }
    }

    cats = dcf->categories;

    if (cats == NULL) {
        cats = apr_pcalloc(cmd->pool, sizeof(mod_privacy_categories_t));
        cats->categories = apr_array_make(cmd->pool, 4,
                                          sizeof(mod_privacy_category_t));
        cats->exact = apr_array_make(cmd->pool, 8,
                                     sizeof(privacy_match_name_t));
        cats->regex = apr_array_make(cmd->pool, 4,
                                     sizeof(privacy_match_regex_t));
        cats->patterns = apr_array_make(cmd->pool, 4,
                                        sizeof(privacy_template_pattern_t));
        dcf->categories = cats;
    }

    cat = (mod_privacy_category_t *) cats->categories->elts;
    n = cats->categories->nelts;

    for (i = 0; i < n; i++) {
        if (strcmp(cat[i].name, argv[0]) == 0) {
            return mod_privacy_conf_error(cmd, "duplicate category \"%s\"",
                                          argv[0]);
        }
    }

    if (n == PRIVACY_MAX_CATEGORIES) {
        return mod_privacy_conf_error(cmd, "too many categories, at most %d",
                                      PRIVACY_MAX_CATEGORIES);
    }

    first = 1;

    if (argc > 1 && strcmp(argv[1], "essential") == 0) {
        first = 2;
    }

    if (first == argc) {
        return mod_privacy_conf_error(cmd,
                                      "category \"%s\" has no cookie name or "
                                      "pattern", argv[0]);
    }

    cat = apr_array_push(cats->categories);
    cat->name = argv[0];

    mod_privacy_metrics_name(cat->name);
    cat->essential = (first == 2);

    for (i = first; i < argc; i++) {

        if (argv[i][0] == '\0') {
            return mod_privacy_conf_error(cmd, "empty cookie name");
        }

        if (argv[i][0] != '~') {
            exact = apr_array_push(cats->exact);
            exact->name = (const unsigned char *) argv[i];
            exact->name_len = strlen(argv[i]);
            exact->category = n;
            continue;
        }

        pattern = argv[i] + 1;
        flags = 0;

        if (pattern[0] == '*') {
            pattern++;
            flags = AP_REG_ICASE;
        }

        if (pattern[0] == '\0') {
            return mod_privacy_conf_error(cmd,
                                          "empty regular expression \"%s\"",
                                          argv[i]);
        }

        re = apr_pcalloc(cmd->pool, sizeof(ap_regex_t));

        rc = ap_regcomp(re, pattern, flags);
        if (rc != 0) {
            ap_regerror(rc, re, errbuf, sizeof(errbuf));
            return mod_privacy_conf_error(cmd,
                                          "invalid regular expression \"%s\": "
                                          "%s", argv[i], errbuf);
        }

        apr_pool_cleanup_register(cmd->pool, re, mod_privacy_regex_cleanup,
                                  apr_pool_cleanup_null);

        regex = apr_array_push(cats->regex);
        regex->regex = re;
        regex->category = n;

        /* the banner's details list it as written, "~^_ga" */
        text = apr_array_push(cats->patterns);
        text->text.data = (const unsigned char *) argv[i];
        text->text.len = strlen(argv[i]);
        text->category = n;
    }

    return mod_privacy_categories_finalize(cmd, cats);

bad_name:

    return mod_privacy_conf_error(cmd,
                                  "invalid category name \"%s\", use 1 to 32 "
                                  "letters, digits, \"_\" or \"-\"", argv[0]);
}


static apr_status_t
mod_privacy_regex_cleanup(void *data)
{
    ap_regfree(data);

    return APR_SUCCESS;
}


/*
 * Sorts the names, builds the matcher and the token fingerprint.  Apache
 * has no end-of-section callback, so this runs after each PrivacyCategory
 * of a section: the last one leaves the whole list ready, and a cookie
 * named twice is reported at the directive that names it the second time.
 */

static const char *
mod_privacy_categories_finalize(cmd_parms *cmd,
    mod_privacy_categories_t *cats)
{
    int                       i;
    size_t                    dup;
    privacy_match_name_t     *exact;
    privacy_category_desc_t  *desc;
    mod_privacy_category_t   *cat;

    exact = (privacy_match_name_t *) cats->exact->elts;

    if (privacy_match_sort(exact, cats->exact->nelts, &dup) != 0) {
        return mod_privacy_conf_error(cmd, "cookie \"%.*s\" is named in two "
                                      "\"PrivacyCategory\" directives",
                                      (int) exact[dup].name_len,
                                      exact[dup].name);
    }

    cats->matcher.names = exact;
    cats->matcher.nnames = cats->exact->nelts;
    cats->matcher.regexes = (privacy_match_regex_t *) cats->regex->elts;
    cats->matcher.nregexes = cats->regex->nelts;
    cats->matcher.match = mod_privacy_regex_match;

    desc = apr_palloc(cmd->pool, cats->categories->nelts
                                 * sizeof(privacy_category_desc_t));
    cats->desc = desc;

    cat = (mod_privacy_category_t *) cats->categories->elts;

    cats->essential = 0;
    cats->optional = 0;

    for (i = 0; i < cats->categories->nelts; i++) {
        desc[i].name = (const unsigned char *) cat[i].name;
        desc[i].name_len = strlen(cat[i].name);
        desc[i].essential = cat[i].essential;

        if (cat[i].essential) {
            cats->essential |= 1u << i;

        } else {
            cats->optional |= 1u << i;
        }
    }

    cats->fingerprint = privacy_categories_fingerprint(desc,
                                                   cats->categories->nelts);
    if (cats->fingerprint == 0) {
        return mod_privacy_conf_error(cmd, "cannot compute the categories' "
                                      "fingerprint");
    }

    return NULL;
}


static int
mod_privacy_regex_match(void *regex, const unsigned char *s, size_t len)
{
    int  rc;

    rc = ap_regexec_len(regex, (const char *) s, len, 0, NULL, 0);

    if (rc == 0) {
        return 1;
    }

    return rc == AP_REG_NOMATCH ? 0 : -1;
}


/*
 * PrivacyCookie name=NAME [max_age=TIME] [path=PATH] [domain=DOMAIN]
 *     [samesite=strict|lax|none] [secure=auto|on|off]
 */

const char *
mod_privacy_cookie(cmd_parms *cmd, void *conf, int argc, char *const argv[])
{
    mod_privacy_dir_conf_t  *dcf = conf;

    int                         i;
    const char                 *v, *p, *err;
    mod_privacy_cookie_conf_t  *cc;

    if (dcf->cookie) {
        return mod_privacy_conf_error(cmd, "is duplicate");
    }

    cc = apr_palloc(cmd->pool, sizeof(mod_privacy_cookie_conf_t));
    *cc = *mod_privacy_cookie_conf(dcf);     /* the defaults */
    cc->name = NULL;

    for (i = 0; i < argc; i++) {

        v = strchr(argv[i], '=');
        if (v == NULL) {
            goto invalid;
        }

        v++;

        if (strncmp(argv[i], "name=", 5) == 0) {

            for (p = v; *p; p++) {
                if ((unsigned char) *p <= ' ' || (unsigned char) *p >= 0x7f
                    || strchr("()<>@,;:\\\"/[]?={}", *p))
                {
                    goto invalid;
                }
            }

            if (*v == '\0') {
                goto invalid;
            }

            cc->name = v;

        } else if (strncmp(argv[i], "max_age=", 8) == 0) {
            err = mod_privacy_parse_time(v, &cc->max_age);
            if (err || cc->max_age == 0) {
                goto invalid;
            }

        } else if (strncmp(argv[i], "path=", 5) == 0) {
            if (v[0] != '/' || strchr(v, ';')) {
                goto invalid;
            }

            cc->path = v;

        } else if (strncmp(argv[i], "domain=", 7) == 0) {
            if (v[0] == '\0' || strchr(v, ';')) {
                goto invalid;
            }

            cc->domain = v;

        } else if (strncmp(argv[i], "samesite=", 9) == 0) {
            if (strcasecmp(v, "strict") == 0) {
                cc->samesite = "Strict";

            } else if (strcasecmp(v, "lax") == 0) {
                cc->samesite = "Lax";

            } else if (strcasecmp(v, "none") == 0) {
                cc->samesite = "None";

            } else {
                goto invalid;
            }

        } else if (strncmp(argv[i], "secure=", 7) == 0) {
            if (strcmp(v, "auto") == 0) {
                cc->secure = MOD_PRIVACY_SECURE_AUTO;

            } else if (strcmp(v, "on") == 0) {
                cc->secure = 1;

            } else if (strcmp(v, "off") == 0) {
                cc->secure = 0;

            } else {
                goto invalid;
            }

        } else {
            return mod_privacy_conf_error(cmd,
                                          "unknown option \"%s\", expected "
                                          "name=, max_age=, path=, domain=, "
                                          "samesite= or secure=", argv[i]);
        }
    }

    if (cc->name == NULL) {
        return mod_privacy_conf_error(cmd, "needs name=NAME");
    }

    if (strcmp(cc->samesite, "None") == 0 && cc->secure == 0) {
        return mod_privacy_conf_error(cmd,
                                      "samesite=none needs secure=on or "
                                      "secure=auto, browsers drop it "
                                      "otherwise");
    }

    dcf->cookie = cc;

    return NULL;

invalid:

    return mod_privacy_conf_error(cmd, "invalid value \"%s\"", argv[i]);
}


/*
 * PrivacyCookieDomains DOMAIN ...: repeatable, the list adds up in a
 * section and is inherited whole.
 */

const char *
mod_privacy_cookie_domains(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    if (arg[0] == '\0' || strchr(arg, ';') || strchr(arg, ' ')) {
        return mod_privacy_conf_error(cmd, "invalid domain \"%s\"", arg);
    }

    if (dcf->cookie_domains == NULL) {
        dcf->cookie_domains = apr_array_make(cmd->pool, 2,
                                             sizeof(const char *));
    }

    *(const char **) apr_array_push(dcf->cookie_domains) = arg;

    return NULL;
}


/*
 * What decides a cookie's fate whatever the visitor chose: its category
 * index, -1 when no category names it, MOD_PRIVACY_NAME_CONSENT for the
 * consent cookie.  A matcher error counts as no category (logged by no
 * one: ap_regexec_len() fails only out of memory).
 */

int
mod_privacy_name_category(mod_privacy_dir_conf_t *dcf,
    const unsigned char *name, size_t len)
{
    int                               n;
    const mod_privacy_cookie_conf_t  *cc;

    cc = mod_privacy_cookie_conf(dcf);

    if (len == strlen(cc->name) && memcmp(name, cc->name, len) == 0) {
        return MOD_PRIVACY_NAME_CONSENT;
    }

    if (dcf->categories == NULL) {
        return -1;
    }

    n = privacy_match_category(&dcf->categories->matcher, name, len);

    return n >= 0 ? n : -1;
}


/* the verdict on a cookie of CATEGORY for a visitor who granted GRANTED */

int
mod_privacy_allowed(mod_privacy_dir_conf_t *dcf, uint32_t granted,
    int category)
{
    mod_privacy_categories_t  *cats;

    if (category >= 0) {
        return (granted >> category) & 1;
    }

    if (category == MOD_PRIVACY_NAME_CONSENT || dcf->unknown_cookies != 1) {
        return 1;
    }

    /* strict mode: an unknown cookie needs every optional category */
    cats = dcf->categories;

    return cats != NULL && (granted & cats->optional) == cats->optional;
}


/*
 * Request side: cookies of categories the visitor has not granted leave
 * the Cookie header before a handler (mod_proxy, CGI, SSI) sees it; a
 * header left empty goes.  Runs once per request, whatever internal
 * redirects follow.
 *
 * Apache joins repeated Cookie headers of an HTTP/1 request with ", "
 * when it reads them (mod_http2 joins HTTP/2's with "; "): the value is
 * one header here.
 */

int
mod_privacy_request_cookies(request_rec *r)
{
    int                      report, *categories, consent, read;
    char                    *out;
    size_t                   i, n, kept, blocked, len;
    const char              *value;
    privacy_cookie_t        *pairs;
    mod_privacy_ctx_t       *ctx;
    mod_privacy_dir_conf_t  *dcf;

    ctx = mod_privacy_get_ctx(r);

    if (ctx->request_filtered) {
        return OK;
    }

    ctx->request_filtered = 1;

    dcf = mod_privacy_dir_conf(r);

    ctx->filtered_by = dcf;

    read = mod_privacy_decision_start(r, dcf, ctx);

    value = apr_table_get(r->headers_in, "Cookie");

    if (value == NULL) {
        return OK;
    }

    len = strlen(value);

    /* at most one pair per two bytes */
    n = privacy_cookie_parse((const unsigned char *) value, len, NULL, 0);

    pairs = apr_palloc(r->pool, (n + 1) * sizeof(privacy_cookie_t));
    categories = apr_palloc(r->pool, (n + 1) * sizeof(int));

    n = privacy_cookie_parse((const unsigned char *) value, len, pairs, n);

    consent = 0;

    for (i = 0; i < n; i++) {
        categories[i] = mod_privacy_name_category(dcf, pairs[i].name,
                                                  pairs[i].name_len);
        consent |= (categories[i] == MOD_PRIVACY_NAME_CONSENT);
    }

    for (i = 0; read && consent && i < n; i++) {
        if (categories[i] == MOD_PRIVACY_NAME_CONSENT
            && mod_privacy_decision_token(r, dcf, ctx, &pairs[i]))
        {
            read = 0;
        }
    }

    report = (dcf->mode == MOD_PRIVACY_MODE_REPORT);
    kept = 0;
    blocked = 0;

    for (i = 0; i < n; i++) {

        if (mod_privacy_allowed(dcf, ctx->granted, categories[i])) {
            pairs[kept++] = pairs[i];
            continue;
        }

        blocked++;

        mod_privacy_block(r, ctx, pairs[i].name, pairs[i].name_len,
                          categories[i]);

        mod_privacy_metric_blocked(dcf, categories[i],
                                   MOD_PRIVACY_DIR_REQUEST);

        if (report) {
            kept++;
        }
    }

    ctx->request_blocked = ctx->blocked ? ctx->blocked->nelts : 0;

    if (blocked == 0 || report) {
        return OK;
    }

    if (kept == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                      "mod_privacy: cookie header \"%s\" removed", value);
        apr_table_unset(r->headers_in, "Cookie");
        return OK;
    }

    out = apr_palloc(r->pool, len + 1);

    len = privacy_cookie_join(pairs, kept, len, (unsigned char *) out);
    out[len] = '\0';

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "mod_privacy: cookie header \"%s\" -> \"%s\"", value, out);

    apr_table_setn(r->headers_in, "Cookie", out);

    return OK;
}


/* the first of the N blocked names that is NAME */

static mod_privacy_blocked_t *
mod_privacy_blocked_find(mod_privacy_ctx_t *ctx, int n,
    const unsigned char *name, size_t len)
{
    int                     i;
    mod_privacy_blocked_t  *b;

    if (ctx->blocked == NULL) {
        return NULL;
    }

    b = (mod_privacy_blocked_t *) ctx->blocked->elts;

    for (i = 0; i < n; i++) {
        if (b[i].len == len && memcmp(b[i].name, name, len) == 0) {
            return &b[i];
        }
    }

    return NULL;
}


/* records a blocked cookie name once, for the deletions */

static int
mod_privacy_block(request_rec *r, mod_privacy_ctx_t *ctx,
    const unsigned char *name, size_t len, int category)
{
    mod_privacy_blocked_t  *b;

    if (mod_privacy_blocked_find(ctx, ctx->blocked ? ctx->blocked->nelts : 0,
                                 name, len))
    {
        return OK;
    }

    if (ctx->blocked == NULL) {
        ctx->blocked = apr_array_make(r->pool, 8,
                                      sizeof(mod_privacy_blocked_t));
    }

    b = apr_array_push(ctx->blocked);

    b->name = apr_pstrmemdup(r->pool, (const char *) name, len);
    b->len = len;
    b->category = category;
    b->replaced = 0;

    return OK;
}


/*
 * Response side: Set-Cookie headers of categories not granted go, whoever
 * set them, from headers_out (mod_proxy, mod_headers) and err_headers_out
 * (CGI, "Header always") alike; essential categories pass.  The consent
 * cookie passes when the module set it (known by its value's address) and
 * goes in any mode when anyone else did.  Then the blocked cookies the
 * browser sent are deleted.
 */

int
mod_privacy_response_cookies(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx)
{
    int  expire, known;

    /* the request side ran in header_parser, unless the request failed
     * before it (a 400, a failed translation) */
    if (!ctx->request_filtered && mod_privacy_request_cookies(r) != OK) {
        return !OK;
    }

    expire = ctx->request_blocked
             && !ctx->expired_sent
             && !ctx->tk_resource
             && !ctx->shared
             && dcf->expire_blocked != 0
             && dcf->mode != MOD_PRIVACY_MODE_REPORT;

    /* the same section blocked the request's names: no need to ask again
     * when the application sets one of them */
    known = (ctx->filtered_by == dcf) ? ctx->request_blocked : 0;

    if (mod_privacy_filter_set_cookies(r, dcf, ctx, r->headers_out, expire,
                                       known)
        != OK
        || mod_privacy_filter_set_cookies(r, dcf, ctx, r->err_headers_out,
                                          expire, known)
           != OK)
    {
        return !OK;
    }

    if (expire) {
        ctx->expired_sent = 1;
        mod_privacy_expire_cookies(r, dcf, ctx);
    }

    return OK;
}


static int
mod_privacy_collect(void *data, const char *key, const char *value)
{
    *(const char **) apr_array_push(data) = value;

    return 1;
}


static int
mod_privacy_filter_set_cookies(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx, apr_table_t *t, int expire, int known)
{
    int                     i, j, category, own, changed;
    size_t                  len;
    const char            **v, **o;
    const unsigned char    *name;
    apr_array_header_t     *values, *out;
    mod_privacy_blocked_t  *b;

    values = apr_array_make(r->pool, 4, sizeof(const char *));

    apr_table_do(mod_privacy_collect, values, t, "Set-Cookie", NULL);

    if (values->nelts == 0) {
        return OK;
    }

    out = apr_array_make(r->pool, values->nelts, sizeof(const char *));
    v = (const char **) values->elts;
    changed = 0;

    for (i = 0; i < values->nelts; i++) {

        own = 0;

        if (ctx->own) {
            o = (const char **) ctx->own->elts;

            for (j = 0; j < ctx->own->nelts; j++) {
                if (o[j] == v[i]) {
                    own = 1;
                    break;
                }
            }
        }

        if (own) {
            *(const char **) apr_array_push(out) = v[i];
            continue;
        }

        if (ctx->tk_resource || ctx->shared) {
            /* the tracking status resource never sets a cookie, and an
             * answer a shared cache keeps for everyone must not */
            changed = 1;
            continue;
        }

        if (!privacy_set_cookie_name((const unsigned char *) v[i],
                                     strlen(v[i]), &name, &len))
        {
            /* no name and no value: a nameless cookie like another */
            name = (const unsigned char *) "";
            len = 0;
        }

        b = mod_privacy_blocked_find(ctx, known, name, len);

        if (b) {
            category = b->category;

        } else {
            category = mod_privacy_name_category(dcf, name, len);

            if (category == MOD_PRIVACY_NAME_CONSENT) {
                /* only the module sets the consent cookie: whoever else
                 * does would decide for the visitor, with no record */
                ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                              "mod_privacy: removed a Set-Cookie of the "
                              "consent cookie \"%s\" that the module did "
                              "not set", mod_privacy_cookie_conf(dcf)->name);
                changed = 1;
                continue;
            }

            if (mod_privacy_allowed(dcf, ctx->granted, category)) {
                *(const char **) apr_array_push(out) = v[i];
                continue;
            }

            mod_privacy_block(r, ctx, name, len, category);
        }

        mod_privacy_metric_blocked(dcf, category, MOD_PRIVACY_DIR_RESPONSE);

        if (dcf->mode == MOD_PRIVACY_MODE_REPORT) {
            *(const char **) apr_array_push(out) = v[i];
            continue;
        }

        ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                      "mod_privacy: removed \"Set-Cookie: %s\"", v[i]);

        changed = 1;

        if (b && expire && len && !b->replaced) {
            /* the browser holds it: this header becomes its deletion */
            b->replaced = 1;
            *(const char **) apr_array_push(out) =
                                  mod_privacy_expiry(r, ctx, b, NULL);
        }
    }

    if (!changed) {
        return OK;
    }

    apr_table_unset(t, "Set-Cookie");

    v = (const char **) out->elts;

    for (i = 0; i < out->nelts; i++) {
        apr_table_addn(t, "Set-Cookie", v[i]);
    }

    return OK;
}


/*
 * Deletes the cookies the browser sent that were blocked: once host-only
 * and once per PrivacyCookieDomains entry, since a cookie set for a parent
 * domain is only deleted with the same Domain attribute.  A blocked cookie
 * the application set again was deleted in its place (host-only).  The
 * deletions go in err_headers_out, which an error response keeps.
 */

static void
mod_privacy_expire_cookies(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx)
{
    int                     i, d, ndomains;
    const char            **domain;
    mod_privacy_blocked_t  *b;

    b = (mod_privacy_blocked_t *) ctx->blocked->elts;

    domain = dcf->cookie_domains
             ? (const char **) dcf->cookie_domains->elts : NULL;
    ndomains = dcf->cookie_domains ? dcf->cookie_domains->nelts : 0;

    for (i = 0; i < ctx->request_blocked; i++) {

        if (b[i].len == 0) {
            /* a nameless cookie cannot be addressed by a Set-Cookie */
            continue;
        }

        if (!b[i].replaced) {
            apr_table_addn(r->err_headers_out, "Set-Cookie",
                           mod_privacy_expiry(r, ctx, &b[i], NULL));
        }

        mod_privacy_metric_expired(1);

        for (d = 0; d < ndomains; d++) {
            apr_table_addn(r->err_headers_out, "Set-Cookie",
                           mod_privacy_expiry(r, ctx, &b[i], domain[d]));
        }
    }
}


/*
 * The value of a Set-Cookie deleting a blocked cookie, the core's text,
 * known as the module's own from now on.
 */

static const char *
mod_privacy_expiry(request_rec *r, mod_privacy_ctx_t *ctx,
    mod_privacy_blocked_t *b, const char *domain)
{
    char    *p, *last;
    size_t   len, dlen;

    dlen = domain ? strlen(domain) : 0;

    len = privacy_cookie_expire_len((const unsigned char *) b->name, b->len,
                                    (const unsigned char *) domain, dlen);

    p = apr_palloc(r->pool, len + 1);

    last = (char *) privacy_cookie_expire((unsigned char *) p,
                                          (const unsigned char *) b->name,
                                          b->len,
                                          (const unsigned char *) domain,
                                          dlen);
    *last = '\0';

    if (ctx->own == NULL) {
        ctx->own = apr_array_make(r->pool, 8, sizeof(const char *));
    }

    *(const char **) apr_array_push(ctx->own) = p;

    return p;
}
