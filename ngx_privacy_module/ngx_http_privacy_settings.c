
/*
 * The settings page: GET on the consent endpoint from a browser.  It shows
 * the current choice and when it was made, with the same form to change or
 * withdraw it, so that withdrawing is as easy as consenting.  A site links
 * to it from its footer ("Privacy settings").
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_assets.h"
#include "ngx_http_privacy_banner_text.h"
#include "ngx_http_privacy_template.h"
#include "ngx_http_privacy_words.h"
#include "ngx_http_privacy_settings.h"


#define NGX_HTTP_PRIVACY_SETTINGS_SIZE  6144


static u_char *ngx_http_privacy_settings_labels(u_char *p, u_char *last,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang, uint32_t mask,
    ngx_http_privacy_strings_t *s);
static u_char *ngx_http_privacy_settings_table(u_char *p, u_char *last,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *s, uint32_t checked, ngx_uint_t flags);


ngx_int_t
ngx_http_privacy_settings_page(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_str_t *out)
{
    u_char                          *p, *last;
    size_t                           size;
    ngx_str_t                       *lang;
    uint32_t                         optional, granted;
    ngx_tm_t                         tm;
    ngx_str_t                        consent_url, policy_url, arg;
    ngx_http_privacy_strings_t      *s;
    ngx_http_privacy_banner_lang_t  *bl;

    bl = ngx_http_privacy_banner_pick(r, plcf);
    s = bl->strings;
    lang = bl->lang.len ? &bl->lang : &s->lang;

    optional = plcf->categories ? plcf->categories->optional : 0;
    granted = ctx->decided ? ctx->token.granted & optional : 0;

    consent_url.len = privacy_html_escape(NULL, plcf->consent_url.data,
                                          plcf->consent_url.len);
    policy_url.len = privacy_html_escape(NULL, plcf->policy_url.data,
                                         plcf->policy_url.len);

    /* the page's own text is bounded; the URLs and names are added */
    size = NGX_HTTP_PRIVACY_SETTINGS_SIZE + 4 * consent_url.len
           + policy_url.len
           + 3 * ngx_http_privacy_category_labels(NULL, plcf, lang, optional)
           + ngx_http_privacy_category_table(NULL, plcf, lang, s, granted,
                                             NGX_HTTP_PRIVACY_TABLE_INPUTS)
           + ngx_http_privacy_category_table(NULL, plcf, lang, s, 0,
                                           NGX_HTTP_PRIVACY_TABLE_ESSENTIAL);

    p = ngx_pnalloc(r->pool, size + consent_url.len + policy_url.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    consent_url.data = p;
    (void) privacy_html_escape(consent_url.data, plcf->consent_url.data,
                               plcf->consent_url.len);

    policy_url.data = p + consent_url.len;
    (void) privacy_html_escape(policy_url.data, plcf->policy_url.data,
                               plcf->policy_url.len);

    p += consent_url.len + policy_url.len;
    out->data = p;
    last = p + size;

    p = ngx_slprintf(p, last,
            "<!doctype html>\n<html lang=\"%V\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" "
            "content=\"width=device-width, initial-scale=1\">"
            "<title>%V</title>"
            "<link rel=\"stylesheet\" href=\"%V%V\"></head>\n"
            "<body class=\"privacy-settings\">"
            "<main class=\"privacy-settings__main\">"
            "<h1>%V</h1>"
            "<section aria-labelledby=\"privacy-current\">"
            "<h2 id=\"privacy-current\">%V</h2>",
            bl->lang.len ? &bl->lang : &s->lang, &s->settings, &consent_url,
            ngx_http_privacy_asset_path(NGX_HTTP_PRIVACY_ASSET_CSS),
            &s->settings, &s->current);

    /* back from a decision taken on this page without script */
    if (ngx_http_arg(r, (u_char *) "saved", sizeof("saved") - 1, &arg)
        == NGX_OK
        && arg.len == 1 && arg.data[0] == '1')
    {
        p = ngx_slprintf(p, last, "<p class=\"privacy-settings__saved\" "
                                  "role=\"status\">%V</p>", &s->saved);
    }

    if (ctx->decided) {
        ngx_gmtime((time_t) ctx->token.issued, &tm);

        p = ngx_slprintf(p, last, "<dl class=\"privacy-settings__current\">"
                                  "<dt>%V</dt><dd>", &s->granted);
        p = ngx_http_privacy_settings_labels(p, last, plcf, lang, granted, s);
        p = ngx_slprintf(p, last, "</dd><dt>%V</dt><dd>", &s->refused);
        p = ngx_http_privacy_settings_labels(p, last, plcf, lang,
                                             optional & ~granted, s);
        p = ngx_slprintf(p, last,
                         "</dd><dt>%V</dt><dd><time datetime=\"%4d-%02d-%02dT"
                         "%02d:%02d:%02dZ\">%4d-%02d-%02d %02d:%02d UTC"
                         "</time></dd></dl>",
                         &s->made_on, tm.ngx_tm_year, tm.ngx_tm_mon,
                         tm.ngx_tm_mday, tm.ngx_tm_hour, tm.ngx_tm_min,
                         tm.ngx_tm_sec, tm.ngx_tm_year, tm.ngx_tm_mon,
                         tm.ngx_tm_mday, tm.ngx_tm_hour, tm.ngx_tm_min);

    } else {
        p = ngx_slprintf(p, last, "<p>%V</p>", &s->undecided);
    }

    /* the signal refuses these now, whatever the decision above was */
    if (ctx->gpc_refused) {
        p = ngx_slprintf(p, last, "<p class=\"privacy-settings__gpc\">%V ",
                         &s->gpc_sent);
        p = ngx_http_privacy_settings_labels(p, last, plcf, lang,
                                             ctx->gpc_refused, s);
        p = ngx_slprintf(p, last, "</p>");
    }

    p = ngx_http_privacy_settings_table(p, last, plcf, lang, s, 0,
                                        NGX_HTTP_PRIVACY_TABLE_ESSENTIAL);

    p = ngx_slprintf(p, last,
            "</section>"
            "<form class=\"privacy-banner__form\" method=\"post\" "
            "action=\"%V\">"
            "<fieldset class=\"privacy-banner__choices\">"
            "<legend>%V</legend>", &consent_url, &s->legend);

    p = ngx_http_privacy_settings_table(p, last, plcf, lang, s, granted,
                                        NGX_HTTP_PRIVACY_TABLE_INPUTS);

    p = ngx_slprintf(p, last,
            "</fieldset>"
            "<input type=\"hidden\" name=\"return\" value=\"%V?saved=1\">"
            "<div class=\"privacy-banner__actions\">"
            "<button type=\"submit\" name=\"action\" value=\"save\" "
            "class=\"privacy-banner__button privacy-banner__button--save\">"
            "%V</button>"
            "<button type=\"submit\" name=\"action\" value=\"accept_all\" "
            "class=\"privacy-banner__button\">%V</button>"
            "<button type=\"submit\" name=\"action\" value=\"reject_all\" "
            "class=\"privacy-banner__button\">%V</button>",
            &consent_url, &s->save, &s->accept, &s->reject);

    if (ctx->decided) {
        p = ngx_slprintf(p, last,
                "<button type=\"submit\" name=\"action\" value=\"withdraw\" "
                "class=\"privacy-banner__button "
                "privacy-banner__button--save\">%V</button>", &s->withdraw);
    }

    p = ngx_slprintf(p, last, "</div></form>");

    if (policy_url.len) {
        p = ngx_slprintf(p, last, "<p><a href=\"%V\">%V</a></p>",
                         &policy_url, &s->policy);
    }

    /* the visitor goes back to the site, not only to the last page */
    p = ngx_slprintf(p, last, "<p class=\"privacy-settings__back\">"
                              "<a href=\"/\">%V</a></p>", &s->back);

    p = ngx_slprintf(p, last, "</main></body></html>\n");

    if (p == last) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "privacy: the settings page does not fit in %uz bytes",
                      size);
        return NGX_ERROR;
    }

    out->len = p - out->data;

    return NGX_OK;
}


/* the labels of the categories in mask, or "none" */

static u_char *
ngx_http_privacy_settings_labels(u_char *p, u_char *last,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang, uint32_t mask,
    ngx_http_privacy_strings_t *s)
{
    size_t  n;

    n = ngx_http_privacy_category_labels(NULL, plcf, lang, mask);

    if (n == 0) {
        return ngx_slprintf(p, last, "%V", &s->none);
    }

    /* no room: the page is cut, and the caller finds p at last */
    if ((size_t) (last - p) <= n) {
        return last;
    }

    return p + ngx_http_privacy_category_labels(p, plcf, lang, mask);
}


/* the category table (ngx_http_privacy_category_table()) into the page */

static u_char *
ngx_http_privacy_settings_table(u_char *p, u_char *last,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *s, uint32_t checked, ngx_uint_t flags)
{
    size_t  n;

    n = ngx_http_privacy_category_table(NULL, plcf, lang, s, checked, flags);

    if ((size_t) (last - p) <= n) {
        return last;
    }

    return p + ngx_http_privacy_category_table(p, plcf, lang, s, checked,
                                               flags);
}
