
/*
 * Cookie categories: the privacy_category directive, the category of a
 * cookie name (exact names in a table built at configuration time, regular
 * expressions on a miss), the verdict on it for a visitor's grant, and the
 * names a request blocked.  The matching itself is the core's
 * (privacy_match.c).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_category.h"


/*
 * A pattern of the core matcher.  "~^literal", the most common kind (the
 * prefix of a tracker's cookies), is compared as a prefix, which is what
 * PCRE would answer, without running PCRE.
 */

typedef struct {
    ngx_regex_t                    *regex;
    ngx_str_t                       prefix;       /* or empty */
    ngx_uint_t                      caseless;     /* unsigned: 1 */
} ngx_http_privacy_pattern_t;


#define ngx_http_privacy_starts(cats, c)                                     \
    (cats)->starts[(u_char) (c) >> 3] |= (u_char) (1 << ((c) & 7))


static ngx_int_t ngx_http_privacy_names_table(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats);
static ngx_int_t ngx_http_privacy_name_pattern(
    ngx_http_privacy_categories_t *cats, const u_char *name, size_t len);
static int ngx_http_privacy_regex_match(void *regex, const unsigned char *s,
    size_t len);
static ngx_int_t ngx_http_privacy_blocked_room(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_uint_t n);


/* privacy_category NAME [essential] PATTERN ... */

char *
ngx_http_privacy_category(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char                         *p;
    ngx_str_t                      *value;
    ngx_uint_t                      i, k, n, first;
    ngx_regex_compile_t             rc;
    privacy_match_name_t           *exact;
    privacy_match_regex_t          *regex;
    ngx_http_privacy_pattern_t     *pattern;
    ngx_http_privacy_category_t    *cat;
    ngx_http_privacy_categories_t  *cats;
    privacy_template_pattern_t     *text;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 32) {
        goto bad_name;
    }

    for (p = value[1].data; p < value[1].data + value[1].len; p++) {
        if (!(isalnum(*p) || *p == '_' || *p == '-')) {
            goto bad_name;
        }
    }

    cats = plcf->categories;

    if (cats == NULL) {
        cats = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_categories_t));
        if (cats == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_array_init(&cats->categories, cf->pool, 4,
                           sizeof(ngx_http_privacy_category_t))
            != NGX_OK
            || ngx_array_init(&cats->exact, cf->pool, 8,
                              sizeof(privacy_match_name_t))
               != NGX_OK
            || ngx_array_init(&cats->regex, cf->pool, 4,
                              sizeof(privacy_match_regex_t))
               != NGX_OK
            || ngx_array_init(&cats->patterns, cf->pool, 4,
                              sizeof(privacy_template_pattern_t))
               != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        plcf->categories = cats;
    }

    cat = cats->categories.elts;
    n = cats->categories.nelts;

    for (i = 0; i < n; i++) {
        if (cat[i].name.len == value[1].len
            && ngx_strncmp(cat[i].name.data, value[1].data, value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate category \"%V\" in \"%V\"",
                               &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }
    }

    if (n == PRIVACY_MAX_CATEGORIES) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "too many categories in \"%V\", at most %d",
                           &cmd->name, PRIVACY_MAX_CATEGORIES);
        return NGX_CONF_ERROR;
    }

    cat = ngx_array_push(&cats->categories);
    if (cat == NULL) {
        return NGX_CONF_ERROR;
    }

    cat->name = value[1];
    cat->essential = 0;

    first = 2;

    if (value[2].len == 9 && ngx_strncmp(value[2].data, "essential", 9) == 0)
    {
        cat->essential = 1;
        first = 3;
    }

    if (first == cf->args->nelts) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "category \"%V\" in \"%V\" has no cookie name "
                           "or pattern", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    for (i = first; i < cf->args->nelts; i++) {

        if (value[i].len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty cookie name in \"%V\"", &cmd->name);
            return NGX_CONF_ERROR;
        }

        if (value[i].data[0] != '~') {

            /* here, not at merge time: the message names this directive */
            exact = cats->exact.elts;

            for (k = 0; k < cats->exact.nelts; k++) {
                if (exact[k].name_len == value[i].len
                    && ngx_memcmp(exact[k].name, value[i].data,
                                  value[i].len)
                       == 0)
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "cookie \"%V\" is named %s",
                                       &value[i],
                                       (exact[k].category == (int) n)
                                       ? "twice in this \"privacy_category\""
                                       : "in two \"privacy_category\" "
                                         "directives");
                    return NGX_CONF_ERROR;
                }
            }

            exact = ngx_array_push(&cats->exact);
            if (exact == NULL) {
                return NGX_CONF_ERROR;
            }

            exact->name = value[i].data;
            exact->name_len = value[i].len;
            exact->category = n;

            ngx_http_privacy_starts(cats, value[i].data[0]);
            continue;
        }

        if (ngx_http_privacy_conf_regex(cf, cmd, &value[i], &rc) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        pattern = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_pattern_t));
        regex = ngx_array_push(&cats->regex);
        text = ngx_array_push(&cats->patterns);
        if (pattern == NULL || regex == NULL || text == NULL) {
            return NGX_CONF_ERROR;
        }

        /* the banner's details list it as written, "~^_ga" */
        text->text.data = value[i].data;
        text->text.len = value[i].len;
        text->category = (int) n;

        pattern->regex = rc.regex;
        pattern->caseless = (rc.options == NGX_REGEX_CASELESS);

        if (rc.pattern.data[0] == '^') {
            for (p = rc.pattern.data + 1;
                 p < rc.pattern.data + rc.pattern.len
                 && ngx_strchr("\\^$.[]|()?*+{}", *p) == NULL;
                 p++)
            {
                /* void */
            }

            if (p == rc.pattern.data + rc.pattern.len && rc.pattern.len > 1) {
                pattern->prefix.data = rc.pattern.data + 1;
                pattern->prefix.len = rc.pattern.len - 1;
            }
        }

        if (pattern->prefix.len == 0) {
            cats->pcre = 1;

        } else if (pattern->caseless) {
            ngx_http_privacy_starts(cats, ngx_tolower(pattern->prefix.data[0]));
            ngx_http_privacy_starts(cats, ngx_toupper(pattern->prefix.data[0]));

        } else {
            ngx_http_privacy_starts(cats, pattern->prefix.data[0]);
        }

        regex->regex = pattern;
        regex->category = n;
    }

    return NGX_CONF_OK;

bad_name:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid category name \"%V\" in \"%V\", use 1 to 32 "
                       "letters, digits, \"_\" or \"-\"", &value[1],
                       &cmd->name);

    return NGX_CONF_ERROR;
}


/*
 * Once per list, when the first location using it is merged: a name in two
 * directives is an error, the exact names go into the table, the regular
 * expressions into the core matcher, and the token fingerprint is made.
 */

char *
ngx_http_privacy_categories_finalize(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats)
{
    size_t                        dup;
    ngx_uint_t                    i;
    privacy_match_name_t         *exact;
    privacy_category_desc_t      *desc;
    ngx_http_privacy_category_t  *cat;

    cats->finalized = 1;

    exact = cats->exact.elts;

    if (privacy_match_sort(exact, cats->exact.nelts, &dup) != 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cookie \"%*s\" is named in two \"privacy_category\" "
                      "directives", exact[dup].name_len, exact[dup].name);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_names_table(cf, cats) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    cats->matcher.regexes = cats->regex.elts;
    cats->matcher.nregexes = cats->regex.nelts;
    cats->matcher.match = ngx_http_privacy_regex_match;

    desc = ngx_palloc(cf->pool,
                      cats->categories.nelts * sizeof(privacy_category_desc_t)
                      + 1);
    if (desc == NULL) {
        return NGX_CONF_ERROR;
    }

    cats->desc = desc;

    cat = cats->categories.elts;

    for (i = 0; i < cats->categories.nelts; i++) {
        desc[i].name = cat[i].name.data;
        desc[i].name_len = cat[i].name.len;
        desc[i].essential = cat[i].essential;

        if (cat[i].essential) {
            cats->essential |= 1u << i;

        } else {
            cats->optional |= 1u << i;
        }
    }

    cats->fingerprint = privacy_categories_fingerprint(desc,
                                                       cats->categories.nelts);
    if (cats->fingerprint == 0) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_metrics_categories(cf, cats) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * The exact names, each once, into the core's table (privacy_match.c):
 * compared as they are written, cookie names being case-sensitive.
 */

static ngx_int_t
ngx_http_privacy_names_table(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats)
{
    size_t                 nslots;
    privacy_names_slot_t  *slots;

    if (cats->exact.nelts == 0) {
        return NGX_OK;
    }

    nslots = privacy_names_slots(cats->exact.nelts);

    slots = ngx_palloc(cf->pool, nslots * sizeof(privacy_names_slot_t));
    if (slots == NULL) {
        return NGX_ERROR;
    }

    privacy_names_init(&cats->names, slots, nslots, cats->exact.elts,
                       cats->exact.nelts);

    return NGX_OK;
}


/* the core matcher's callback: 1 on a match, 0 on none, -1 on an error */

static int
ngx_http_privacy_regex_match(void *regex, const unsigned char *s, size_t len)
{
    ngx_int_t                    n;
    ngx_str_t                    name;
    ngx_http_privacy_pattern_t  *pattern;

    pattern = regex;

    if (pattern->prefix.len) {
        if (len < pattern->prefix.len) {
            return 0;
        }

        if (pattern->caseless) {
            return ngx_strncasecmp((u_char *) s, pattern->prefix.data,
                                   pattern->prefix.len)
                   == 0;
        }

        return ngx_memcmp(s, pattern->prefix.data, pattern->prefix.len) == 0;
    }

    name.data = (u_char *) s;
    name.len = len;

    n = ngx_regex_exec(pattern->regex, &name, NULL, 0);

    if (n == NGX_REGEX_NO_MATCHED) {
        return 0;
    }

    return n < 0 ? -1 : 1;
}


/*
 * What decides a cookie's fate whatever the visitor chose: its category
 * index, -1 when no category names it (or a regular expression failed on
 * it), NGX_HTTP_PRIVACY_CONSENT_COOKIE for the consent cookie.  An exact
 * name wins; the patterns are tried in configuration order on a miss.  A
 * name whose first byte starts no exact name and no literal prefix needs
 * neither the table nor, when every pattern is a literal prefix, the
 * matcher.
 */

ngx_int_t
ngx_http_privacy_name_category(ngx_http_privacy_loc_conf_t *plcf,
    const u_char *name, size_t len)
{
    int                             n;
    ngx_http_privacy_categories_t  *cats;

    if (len == plcf->cookie.name.len
        && ngx_memcmp(name, plcf->cookie.name.data, len) == 0)
    {
        return NGX_HTTP_PRIVACY_CONSENT_COOKIE;
    }

    cats = plcf->categories;

    if (cats == NULL) {
        return -1;
    }

    if (len && ngx_http_privacy_may_start(cats, name[0])) {

        if (cats->names.slots) {
            n = privacy_names_find(&cats->names, name, len);
            if (n >= 0) {
                return n;
            }
        }

    } else if (!cats->pcre) {
        /* no exact name, nor literal prefix, starts with its first byte */
        return -1;
    }

    return ngx_http_privacy_name_pattern(cats, name, len);
}


/* the patterns, tried in configuration order: on a miss of the names */

static ngx_int_t
ngx_http_privacy_name_pattern(ngx_http_privacy_categories_t *cats,
    const u_char *name, size_t len)
{
    int  n;

    if (cats->matcher.nregexes == 0) {
        return -1;
    }

    n = privacy_match_category(&cats->matcher, name, len);

    return n >= 0 ? n : -1;
}


/*
 * Whether a cookie may pass for a visitor who granted GRANTED (essential
 * categories included).  The consent cookie always passes.
 */

ngx_int_t
ngx_http_privacy_cookie_allowed(ngx_http_privacy_loc_conf_t *plcf,
    uint32_t granted, u_char *name, size_t len)
{
    return ngx_http_privacy_allowed(plcf, granted,
                           ngx_http_privacy_name_category(plcf, name, len));
}


/*
 * Records a blocked cookie name once, for $privacy_blocked and expiry.
 * The name stays where it is, in a request or a response header.
 */

ngx_int_t
ngx_http_privacy_block(ngx_http_request_t *r, ngx_http_privacy_ctx_t *ctx,
    const u_char *name, size_t len, ngx_int_t category)
{
    ngx_http_privacy_blocked_t  *b;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy blocked cookie \"%*s\"", len, name);

    if (ngx_http_privacy_blocked_find(ctx, ctx->nblocked, name, len)) {
        return NGX_OK;
    }

    if (ngx_http_privacy_blocked_room(r, ctx, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    b = &ctx->blocked[ctx->nblocked++];

    b->name.data = (u_char *) name;
    b->name.len = len;
    b->category = category;
    b->set_cookie = NULL;

    return NGX_OK;
}


/*
 * Room for n more blocked names, from the pool, made at the first one and
 * twice as large each time it is full.
 */

static ngx_int_t
ngx_http_privacy_blocked_room(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_uint_t n)
{
    ngx_uint_t                   room;
    ngx_http_privacy_blocked_t  *b;

    if (ctx->nblocked + n <= ctx->blocked_room) {
        return NGX_OK;
    }

    room = ctx->blocked_room ? ctx->blocked_room : NGX_HTTP_PRIVACY_BLOCKED;

    while (room < ctx->nblocked + n) {
        room *= 2;
    }

    b = ngx_palloc(r->main->pool, room * sizeof(ngx_http_privacy_blocked_t));
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (ctx->nblocked) {
        ngx_memcpy(b, ctx->blocked,
                   ctx->nblocked * sizeof(ngx_http_privacy_blocked_t));
    }

    ctx->blocked = b;
    ctx->blocked_room = room;

    return NGX_OK;
}
