# Categories a visitor can understand: labels and descriptions per banner
# language (builtin for the common names, privacy_category_text for any),
# a <details> per category with its description and cookies, on the
# banner and the settings page; GPC said where it is honoured; nginx -t
# errors of privacy_category_text.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $HttpConfig = backend_http_config() . <<'CONF';
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
CONF

our $Std = privacy_std_config();

our $T_ANALYTICS = mint(grant => 'analytics');

our $Page = q{
    location = /t { default_type text/html; return 200 "<body>x"; }

    location /privacy/consent {
        privacy_consent_endpoint;
    }
};

our $Text = $Std . q{
    privacy_category_text analytics en "Statistics <&>" "Counts \\"visits\\"; nothing else.";
    privacy_category_text analytics de "Besucherzählung" "Zählt Besuche.";
};

default_http_config($HttpConfig);

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: English: labels, one <details> per category, the essential one always on
--- http_config eval: $::HttpConfig
--- config eval: $::Std . $::Page
--- request
GET /t
--- response_body_like eval
qr{<div class="privacy-banner__essential"><div class="privacy-banner__category"><span class="privacy-banner__choice">Necessary</span><details class="privacy-banner__details"><summary>Details<span class="privacy-banner__about"> \(Necessary\)</span></summary><p>Cookies the site needs to work, such as your session and this choice.</p><p>Always on: the site needs these to work.</p><dl><dt>Cookies</dt><dd>session</dd></dl></details></div></div><fieldset}
--- response_body_unlike
> analytics<



=== TEST 2: three categories, three disclosures, three summaries
--- http_config eval: $::HttpConfig
--- config eval: $::Std . $::Page
--- request
GET /t
--- response_body_like eval
qr{^(?:(?!<details).)*(?:<details class="privacy-banner__details"><summary>(?:(?!<details).)*){3}$}s



=== TEST 3: German: the category names are German too
--- http_config eval: $::HttpConfig
--- config eval: $::Std . $::Page
--- request
GET /t
--- more_headers
Accept-Language: de
--- response_body_like eval
qr{<span class="privacy-banner__choice">Notwendig</span><details class="privacy-banner__details"><summary>Details<span class="privacy-banner__about"> \(Notwendig\)</span></summary><p>Cookies, die die Website.*<p>Immer aktiv: .*value="analytics"> Statistik</label>.*<p>Messen, wie die Website genutzt wird.*value="marketing"> Marketing</label>.*<p>Erlauben Werbepartnern}s
--- response_body_unlike
> analytics<|>Necessary<|>Analytics<



=== TEST 4: French, escaped
--- http_config eval: $::HttpConfig
--- config eval: $::Std . $::Page
--- request
GET /t
--- more_headers
Accept-Language: fr
--- response_body_like eval
qr{<span class="privacy-banner__choice">Nécessaires</span><details class="privacy-banner__details"><summary>Détails<span class="privacy-banner__about"> \(Nécessaires\)</span></summary>.*value="analytics"> Mesure d&#39;audience</label>.*<p>Permettent à des partenaires}s
--- response_body_unlike
> analytics<|>Necessary<



=== TEST 5: privacy_category_text replaces the builtin words, HTML-escaped
--- http_config eval: $::HttpConfig
--- config eval: $::Text . $::Page
--- request
GET /t
--- response_body_like eval
qr{value="analytics"> Statistics &lt;&amp;&gt;</label>.*<p>Counts &quot;visits&quot;; nothing else.</p>.*value="marketing"> Marketing</label>}s



=== TEST 5a: in German its German words; marketing keeps the builtin ones
--- http_config eval: $::HttpConfig
--- config eval: $::Text . $::Page
--- request
GET /t
--- more_headers
Accept-Language: de
--- response_body_like eval
qr{value="analytics"> Besucherzählung</label>.*<p>Zählt Besuche.</p>.*value="marketing"> Marketing</label>.*<p>Erlauben Werbepartnern}s



=== TEST 6: a category without builtin words is named by its name, in English words from privacy_category_text otherwise
--- http_config eval: $::HttpConfig
--- config eval
q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    privacy_category stats ~^_pk;
    privacy_category video yt1 yt2;
    privacy_category_text video en "Embedded videos" "Video players of other sites.";
} . $::Page
--- request
GET /t
--- more_headers
Accept-Language: fr
--- response_body_like eval
qr{value="stats"> stats</label>.*<dd>~\^_pk</dd>.*value="video"> Embedded videos</label>.*<p>Video players of other sites.</p><dl><dt>Cookies</dt><dd>yt1, yt2</dd>}s



=== TEST 7: a file banner in another language gets that language's words through {{category_details}}; {{category_inputs}} stays as it was
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text analytics es "Analítica" "Mide el uso del sitio.";
    privacy_banner_language es $TEST_NGINX_SERVER_ROOT/html/es.html;
} . $::Page
--- user_files eval
[['es.html', '<div id="privacy-banner">{{category_details}}|{{category_inputs}}|{{category_essential}}</div>']]
--- request
GET /t
--- more_headers
Accept-Language: es
--- response_body_like eval
qr{value="analytics"> Analítica</label>.*<p>Mide el uso del sitio.</p>.*value="marketing"> Marketing</label>.*\|<label class="privacy-banner__choice"><input type="checkbox" name="category" value="analytics"> analytics</label>.*\|<div class="privacy-banner__category"><span class="privacy-banner__choice">Necessary</span>}s



=== TEST 8: privacy_gpc: the banner says the signal is honoured, for marketing only
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing;
} . $::Page
--- request
GET /t
--- response_body_like eval
qr{value="analytics"> Analytics</label>(?:(?!privacy-banner__gpc).)*value="marketing"> Marketing</label><details class="privacy-banner__details"><summary>.*?</summary><p>Let advertising.*?</p><p class="privacy-banner__gpc">Your browser&#39;s Global Privacy Control signal refuses this unless you allow it here.</p>}s



=== TEST 9: without privacy_gpc it says nothing of it
--- http_config eval: $::HttpConfig
--- config eval: $::Std . $::Page
--- request
GET /t
--- response_body_unlike
Global Privacy Control



=== TEST 10: the settings page: labels for the current state, the same table with it ticked
--- http_config eval: $::HttpConfig
--- config eval: $::Std . $::Page
--- request
GET /privacy/consent
--- more_headers eval
"Accept: text/html\r\nCookie: privacy_consent=$::T_ANALYTICS"
--- response_body_like eval
qr{<dt>Allowed</dt><dd>Analytics</dd><dt>Refused</dt><dd>Marketing</dd>.*<span class="privacy-banner__choice">Necessary</span><details class="privacy-banner__details">.*<p>Always on: .*value="analytics" checked> Analytics</label><details class="privacy-banner__details"><summary>Details.*<dd>_gid, ~\^_ga</dd>.*value="marketing"> Marketing</label><details class="privacy-banner__details">.*<dd>_fbp</dd>}s



=== TEST 11: the settings page in German, with the signal honoured
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing analytics;
} . $::Page
--- request
GET /privacy/consent
--- more_headers eval
"Accept: text/html\r\nAccept-Language: de\r\nSec-GPC: 1\r\nCookie: privacy_consent=$::T_ANALYTICS"
--- response_body_like eval
qr{<dt>Erlaubt</dt><dd>keine</dd><dt>Abgelehnt</dt><dd>Statistik, Marketing</dd>.*<p class="privacy-settings__gpc">Ihr Browser sendet das Global-Privacy-Control-Signal. Es wird beachtet: Folgendes bleibt abgelehnt, solange Sie es hier nicht erlauben: Statistik, Marketing</p>}s



=== TEST 12: and without the signal no such line
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing analytics;
} . $::Page
--- request
GET /privacy/consent
--- more_headers eval
"Accept: text/html\r\nCookie: privacy_consent=$::T_ANALYTICS"
--- response_body_like eval
qr{<dt>Allowed</dt><dd>Analytics</dd>}
--- response_body_unlike
privacy-settings__gpc



=== TEST 13: an unknown category: nginx -t names it and where
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text advertising en "Ads" "Ads.";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown category "advertising" in "privacy_category_text" in \S+nginx\.conf:\d+/



=== TEST 14: a language that is no language tag
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text analytics en-GB "Analytics" "Counts.";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid language "en-GB" in "privacy_category_text", use a language tag's primary subtag/



=== TEST 15: an empty label
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text analytics en "" "Counts.";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*the label in "privacy_category_text" must be 1 to 64 bytes long/



=== TEST 16: a label of 65 bytes
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text analytics en "} . ('x' x 65) . q{" "Counts.";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*the label in "privacy_category_text" must be 1 to 64 bytes long/



=== TEST 17: a description of 513 bytes; 512 and 64 pass
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text analytics en "A" "} . ('d' x 513) . q{";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*the description in "privacy_category_text" must be at most 512 bytes long/



=== TEST 18: the longest label and description
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text analytics en "} . ('<' x 64) . q{" '} . ('"' x 512) . q{';
} . $::Page
--- request
GET /privacy/consent
--- more_headers
Accept: text/html
--- response_body_like eval
qr{value="analytics"> (?:&lt;){64}</label>.*<p>(?:&quot;){512}</p>}s



=== TEST 19: the same language twice for a category
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_category_text analytics en "A" "a";
    privacy_category_text analytics EN "B" "b";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*duplicate "en" for "analytics" in "privacy_category_text"/



=== TEST 20: the patterns as configured, after the exact names, escaped: on the banner and the settings page
--- http_config eval: $::HttpConfig
--- config eval
q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session ~^sess_;
    privacy_category ads "~*^ad<s>&" exact1 "~^x\"y" exact2;
} . $::Page
--- request eval
["GET /t", "GET /privacy/consent"]
--- more_headers
Accept: text/html
--- response_body_like eval
[qr{<dd>session, ~\^sess_</dd>.*<dd>exact1, exact2, ~\*\^ad&lt;s&gt;&amp;, ~\^x&quot;y</dd>}s,
 qr{<dd>session, ~\^sess_</dd>.*<dd>exact1, exact2, ~\*\^ad&lt;s&gt;&amp;, ~\^x&quot;y</dd>}s]



=== TEST 21: the third parties of a category's trackers (privacy_script's hosts, each once, in order; no regex), on the banner and the settings page, in the banner's language
--- http_config eval: $::HttpConfig
--- config eval
q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    privacy_category analytics _ga;
    privacy_category marketing _fbp;
    privacy_script analytics www.googletagmanager.com .google-analytics.com;
    privacy_script analytics https://www.googletagmanager.com/gtag/
                             "~^https://stats\.example/";
    privacy_script marketing "~^https://ads\.example/";
} . $::Page
--- request eval
["GET /t", "GET /privacy/consent"]
--- more_headers
Accept: text/html
Accept-Language: de
--- response_body_like eval
[qr{<dd>_ga</dd><dt>Drittanbieter</dt><dd>www\.googletagmanager\.com, google-analytics\.com</dd></dl>.*<dd>_fbp</dd></dl>}s,
 qr{<dd>_ga</dd><dt>Drittanbieter</dt><dd>www\.googletagmanager\.com, google-analytics\.com</dd></dl>.*<dd>_fbp</dd></dl>}s]
