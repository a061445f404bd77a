
/*
 * ngx_http_privacy_module: the words of the banner and the settings page
 * (ngx_http_privacy_words.c).
 */


#ifndef _NGX_HTTP_PRIVACY_WORDS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_WORDS_H_INCLUDED_


#include "ngx_http_privacy.h"


char *ngx_http_privacy_category_text(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_privacy_category_table() flags */
#define NGX_HTTP_PRIVACY_TABLE_ESSENTIAL  1   /* the essential categories,
                                                 else the optional ones */
#define NGX_HTTP_PRIVACY_TABLE_INPUTS     2   /* checkboxes, ticked for
                                                 checked */

/*
 * The categories as the banner and the settings page show them, in the
 * language lang (NULL: English): each one's label, a checkbox or "always
 * on", and a <details> with its description and cookies.  With buf NULL
 * only the length.
 */
size_t ngx_http_privacy_category_table(u_char *buf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *s, uint32_t checked, ngx_uint_t flags);

/* the labels of the categories in mask, joined by ", ", HTML-escaped */
size_t ngx_http_privacy_category_labels(u_char *buf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang, uint32_t mask);

/* the i-th builtin language's words, English first; NULL past the last */
ngx_http_privacy_strings_t *ngx_http_privacy_builtin_words(ngx_uint_t i);

/* the builtin words of a language, NULL when it has none */
ngx_http_privacy_strings_t *ngx_http_privacy_builtin_strings_of(
    ngx_str_t *lang);

/* nginx -t: privacy_category_text names categories the location has */
ngx_int_t ngx_http_privacy_category_texts_check(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *conf);


#endif /* _NGX_HTTP_PRIVACY_WORDS_H_INCLUDED_ */
