
/*
 * ngx_http_privacy_module: third-party scripts, frames and pixels held
 * back until their category is granted: the privacy_script directive and
 * its patterns (ngx_http_privacy_script.c).
 */


#ifndef _NGX_HTTP_PRIVACY_SCRIPT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SCRIPT_H_INCLUDED_


#include "ngx_http_privacy.h"
#include "privacy_script.h"


/*
 * A HOST, DOMAIN or PREFIX pattern as a Content-Security-Policy source
 * expression, for the CSP of a visitor who granted its category:
 *
 *   www.googletagmanager.com           www.googletagmanager.com
 *   .facebook.net                      facebook.net *.facebook.net
 *   https://www.youtube.com/embed/     https://www.youtube.com/embed/
 *   //www.youtube.com/embed/           www.youtube.com/embed/
 *
 * (host lowercased, with its port when the pattern has one).  ~REGEX
 * patterns have no host to allow and are not listed.
 */
typedef struct {
    ngx_uint_t                      type;        /* PRIVACY_SCRIPT_HOST,
                                                    _DOMAIN, _PREFIX */
    ngx_str_t                       host;        /* lowercased, ":port" */
    ngx_str_t                       source;      /* as above, one or two
                                                    CSP sources */
} ngx_http_privacy_script_host_t;


/*
 * The privacy_script directives of a location (inherited whole or replaced
 * whole, like privacy_category's list), resolved against the location's
 * category list: the same directives under another list (a location with
 * its own privacy_category) are resolved again into a copy on next.
 */
struct ngx_http_privacy_scripts_s {
    ngx_array_t                     directives;  /* where each one is */
    ngx_array_t                     patterns;    /* privacy_script_pattern_t
                                                    in directive order */
    privacy_script_set_t            set;         /* for the rewriter */
    ngx_http_privacy_categories_t  *categories;  /* resolved against, or
                                                    NULL: not yet */
    ngx_http_privacy_scripts_t     *next;        /* resolved against others */
    uint32_t                        named;       /* categories with a
                                                    pattern */
    ngx_http_privacy_script_host_t *hosts;       /* by category, then in
                                                    directive order */
    ngx_uint_t                      first[PRIVACY_MAX_CATEGORIES + 1];
    ngx_str_t                       shown[PRIVACY_MAX_CATEGORIES];
                                                 /* the hosts, each once,
                                                    ", " between: what the
                                                    banner's details say */
};


char *ngx_http_privacy_script(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_script_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);

/*
 * The HOST, DOMAIN and PREFIX patterns of CATEGORY (an index in the
 * location's category list) in the location's privacy_script directives:
 * sets *hosts to the first and returns their number (0: none, *hosts is
 * then NULL).  Made at configuration time; the request pays nothing.
 */
ngx_uint_t ngx_http_privacy_script_hosts(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t category, ngx_http_privacy_script_host_t **hosts);

/*
 * The hosts of CATEGORY's trackers as the banner's details list them
 * ("www.googletagmanager.com, facebook.net"), or NULL: none.
 */
ngx_str_t *ngx_http_privacy_script_hosts_shown(
    ngx_http_privacy_loc_conf_t *plcf, ngx_uint_t category);


#endif /* _NGX_HTTP_PRIVACY_SCRIPT_H_INCLUDED_ */
