
/*
 * The settings page: GET on the consent endpoint from a browser.  It shows
 * the current choice and when it was made, with the same form to change or
 * withdraw it, so that withdrawing is as easy as consenting.  The nginx
 * module's ngx_http_privacy_settings.c, byte for byte in its English
 * words (privacy_template.h) and the core's category table.
 */


#include "mod_privacy.h"


static const char *mod_privacy_settings_labels(apr_pool_t *p,
    mod_privacy_dir_conf_t *dcf, uint32_t mask);
static const char *mod_privacy_settings_table(apr_pool_t *p,
    mod_privacy_dir_conf_t *dcf, uint32_t checked, int flags);


/* URL: the endpoint's, which the form posts to */

const char *
mod_privacy_settings_page(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx, const char *url)
{
    uint32_t         optional, granted;
    const char      *page, *v, *consent_url;
    apr_time_exp_t   tm;

    optional = dcf->categories ? dcf->categories->optional : 0;
    granted = ctx->decided ? ctx->token.granted & optional : 0;

    consent_url = ap_escape_html(r->pool, url);

    page = apr_pstrcat(r->pool,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" "
            "content=\"width=device-width, initial-scale=1\">"
            "<title>" PRIVACY_WORDS_EN_SETTINGS "</title>"
            "<link rel=\"stylesheet\" href=\"", consent_url,
            mod_privacy_asset_path(MOD_PRIVACY_ASSET_CSS), "\"></head>\n"
            "<body class=\"privacy-settings\">"
            "<main class=\"privacy-settings__main\">"
            "<h1>" PRIVACY_WORDS_EN_SETTINGS "</h1>"
            "<section aria-labelledby=\"privacy-current\">"
            "<h2 id=\"privacy-current\">" PRIVACY_WORDS_EN_CURRENT "</h2>",
            NULL);

    /* back from a decision taken on this page without script */
    v = mod_privacy_arg(r, "saved");

    if (v && strcmp(v, "1") == 0) {
        page = apr_pstrcat(r->pool, page,
                           "<p class=\"privacy-settings__saved\" "
                           "role=\"status\">" PRIVACY_WORDS_EN_SAVED "</p>",
                           NULL);
    }

    if (ctx->decided) {
        (void) apr_time_exp_gmt(&tm,
                                apr_time_from_sec((apr_time_t)
                                                  ctx->token.issued));

        page = apr_pstrcat(r->pool, page,
                "<dl class=\"privacy-settings__current\">"
                "<dt>" PRIVACY_WORDS_EN_GRANTED "</dt><dd>",
                mod_privacy_settings_labels(r->pool, dcf, granted),
                "</dd><dt>" PRIVACY_WORDS_EN_REFUSED "</dt><dd>",
                mod_privacy_settings_labels(r->pool, dcf,
                                            optional & ~granted),
                apr_psprintf(r->pool,
                             "</dd><dt>" PRIVACY_WORDS_EN_MADE_ON "</dt><dd>"
                             "<time datetime=\"%04d-%02d-%02dT%02d:%02d:%02dZ"
                             "\">%04d-%02d-%02d %02d:%02d UTC</time></dd>"
                             "</dl>",
                             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                             tm.tm_hour, tm.tm_min, tm.tm_sec,
                             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                             tm.tm_hour, tm.tm_min),
                NULL);

    } else {
        page = apr_pstrcat(r->pool, page,
                           "<p>" PRIVACY_WORDS_EN_UNDECIDED "</p>", NULL);
    }

    page = apr_pstrcat(r->pool, page,
            mod_privacy_settings_table(r->pool, dcf, 0,
                                       MOD_PRIVACY_TABLE_ESSENTIAL),
            "</section>"
            "<form class=\"privacy-banner__form\" method=\"post\" "
            "action=\"", consent_url, "\">"
            "<fieldset class=\"privacy-banner__choices\">"
            "<legend>" PRIVACY_WORDS_EN_LEGEND "</legend>",
            mod_privacy_settings_table(r->pool, dcf, granted,
                                       MOD_PRIVACY_TABLE_INPUTS),
            "</fieldset>"
            "<input type=\"hidden\" name=\"return\" value=\"", consent_url,
            "?saved=1\">"
            "<div class=\"privacy-banner__actions\">"
            "<button type=\"submit\" name=\"action\" value=\"save\" "
            "class=\"privacy-banner__button privacy-banner__button--save\">"
            PRIVACY_WORDS_EN_SAVE "</button>"
            "<button type=\"submit\" name=\"action\" value=\"accept_all\" "
            "class=\"privacy-banner__button\">" PRIVACY_WORDS_EN_ACCEPT
            "</button>"
            "<button type=\"submit\" name=\"action\" value=\"reject_all\" "
            "class=\"privacy-banner__button\">" PRIVACY_WORDS_EN_REJECT
            "</button>",
            ctx->decided
            ? "<button type=\"submit\" name=\"action\" value=\"withdraw\" "
              "class=\"privacy-banner__button "
              "privacy-banner__button--save\">" PRIVACY_WORDS_EN_WITHDRAW
              "</button>"
            : "",
            "</div></form>",
            NULL);

    if (dcf->policy_url && dcf->policy_url[0]) {
        page = apr_pstrcat(r->pool, page, "<p><a href=\"",
                           ap_escape_html(r->pool, dcf->policy_url), "\">"
                           PRIVACY_WORDS_EN_POLICY "</a></p>", NULL);
    }

    /* the visitor goes back to the site, not only to the last page */
    return apr_pstrcat(r->pool, page,
                       "<p class=\"privacy-settings__back\">"
                       "<a href=\"/\">" PRIVACY_WORDS_EN_BACK "</a></p>"
                       "</main></body></html>\n", NULL);
}


/* the labels of the categories in mask, or "none" */

static const char *
mod_privacy_settings_labels(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    uint32_t mask)
{
    size_t          n;
    unsigned char  *buf;

    n = mod_privacy_words_labels(NULL, dcf, NULL, mask);

    if (n == 0) {
        return PRIVACY_WORDS_EN_NONE;
    }

    buf = apr_palloc(p, n + 1);
    buf[mod_privacy_words_labels(buf, dcf, NULL, mask)] = '\0';

    return (const char *) buf;
}


/* the category table (mod_privacy_category_table()) as a string */

static const char *
mod_privacy_settings_table(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    uint32_t checked, int flags)
{
    unsigned char  *buf;

    buf = apr_palloc(p, mod_privacy_category_table(NULL, dcf, checked, flags)
                        + 1);
    buf[mod_privacy_category_table(buf, dcf, checked, flags)] = '\0';

    return (const char *) buf;
}
