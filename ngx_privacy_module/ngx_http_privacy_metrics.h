
/*
 * Counters of what the module does, summed over workers in one shared
 * memory zone and served by "privacy_status" in the Prometheus text
 * exposition format.
 *
 * Every counting call is an atomic add and nothing else: no allocation,
 * no lock, safe to call when the zone does not exist (nginx -t, a module
 * loaded without an http block).
 */


#ifndef _NGX_HTTP_PRIVACY_METRICS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_METRICS_H_INCLUDED_


#include "ngx_http_privacy.h"


#define NGX_HTTP_PRIVACY_DIR_REQUEST   0
#define NGX_HTTP_PRIVACY_DIR_RESPONSE  1

/* the elements privacy_script holds back, for their counters */
#define NGX_HTTP_PRIVACY_ELEMENT_SCRIPT  0
#define NGX_HTTP_PRIVACY_ELEMENT_IFRAME  1
#define NGX_HTTP_PRIVACY_ELEMENT_IMG     2
#define NGX_HTTP_PRIVACY_ELEMENT_LINK    3
#define NGX_HTTP_PRIVACY_ELEMENTS        4

/* privacy_script_pages_total{answer} */
#define NGX_HTTP_PRIVACY_PAGE_SAME       0
#define NGX_HTTP_PRIVACY_PAGE_DIFFERED   1
#define NGX_HTTP_PRIVACY_PAGE_NEW        2
#define NGX_HTTP_PRIVACY_PAGES           3

/*
 * At most this many distinct category names, the union over every
 * category list of the configuration, are counted by name; the others
 * are not counted (nginx -t warns).
 */
#define NGX_HTTP_PRIVACY_METRICS_NAMES  64

/* cats->metric[i] of a category that is not counted */
#define NGX_HTTP_PRIVACY_METRICS_NONE   ((ngx_uint_t) -1)


/* postconfiguration: adds the shared zone */
ngx_int_t ngx_http_privacy_metrics_init(ngx_conf_t *cf);

/*
 * Registers the names of a finalized category list and fills
 * cats->metric[]; the values are meaningful only to the calls below.
 */
ngx_int_t ngx_http_privacy_metrics_categories(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats);

/* "privacy_status" directive */
char *ngx_http_privacy_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

void ngx_http_privacy_metric_banner(void);
/* a third-party element of category held back; see privacy_script.h */
void ngx_http_privacy_metric_held(ngx_http_privacy_categories_t *cats,
    ngx_int_t category, ngx_uint_t element);
/* category: the index in cats, -1 for a cookie no category names */
void ngx_http_privacy_metric_blocked(ngx_http_privacy_categories_t *cats,
    ngx_int_t category, ngx_uint_t direction);
void ngx_http_privacy_metric_expired(ngx_uint_t n);
/* a page the rewriter held elements back in: NGX_HTTP_PRIVACY_PAGE_* */
void ngx_http_privacy_metric_page(ngx_uint_t answer);
void ngx_http_privacy_metric_page_kept(void);
/* 0 accept_all, 1 reject_all, 2 save, 3 withdraw */
void ngx_http_privacy_metric_consent(ngx_uint_t action);
/* a privacy_token_status_e other than PRIVACY_TOKEN_OK */
void ngx_http_privacy_metric_token_rejected(ngx_uint_t reason);
void ngx_http_privacy_metric_redis_error(void);
void ngx_http_privacy_metric_redis_rtt(uint64_t usec);

/* a monotonic clock in microseconds, for ngx_http_privacy_metric_redis_rtt */
uint64_t ngx_http_privacy_metrics_usec(void);


#endif /* _NGX_HTTP_PRIVACY_METRICS_H_INCLUDED_ */
