# Google Consent Mode v2: privacy_consent_mode TYPE=CATEGORY puts one
# external script, consent-mode.HASH.js, first in every HTML page that
# passes the banner's filter: just after <head>, or before the first
# <script>, or at body start; its data-privacy-consent attribute carries
# each type's category and the visitor's state (denied until a decision).
# Placements in one buffer and cut across buffers at every offset, the
# three states, GPC, the length, HEAD, pages without it untouched, the
# script file, and nginx -t errors.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Digest::SHA qw(sha256_hex);

sub asset {
    my ($name) = @_;
    my $file = "$ENV{TEST_NGINX_PRIVACY_ROOT}/ngx_privacy_module/assets/$name";
    open my $fh, '<:raw', $file or die "cannot read $file: $!\n";
    local $/;
    my $bytes = <$fh>;
    close $fh;
    return $bytes;
}

our $Js     = asset('consent-mode.js');
our $JsHash = substr(sha256_hex($Js), 0, 12);
our $JsUrl  = "/privacy/consent/consent-mode.$JsHash.js";

our $Std = privacy_std_config();

our $T_ANALYTICS = mint(grant => 'analytics');
our $T_ALL       = mint(grant => 'analytics,marketing');
our $T_NONE      = mint(grant => 'none');

our $Map = 'analytics_storage=analytics ad_storage=marketing '
         . 'ad_user_data=marketing ad_personalization=marketing';

# the tag for the states of analytics and marketing
sub tag {
    my ($analytics, $marketing) = @_;
    return qq{<script src="$JsUrl" data-privacy-consent="}
        . "analytics_storage=analytics:$analytics "
        . "ad_storage=marketing:$marketing "
        . "ad_user_data=marketing:$marketing "
        . qq{ad_personalization=marketing:$marketing"></script>};
}

our $Denied  = tag('denied', 'denied');
our $Granted = tag('granted', 'granted');

our $HeadPage   = "<!DOCTYPE html><html><head><title>t</title>"
                . "<script src=\"/gtm.js\"></script></head>"
                . "<body><p>x</p></body></html>\n";
our $ScriptPage = "<!-- <head> --><p title='<script>'>x</p>"
                . "<script>gtag()</script><body>y</body>\n";
our $BodyPage   = "<html><title><head><script></title>"
                . "<body class=\"a\"><p>z</p></body>\n";
our $NonePage   = "<p>no head, no script, no body</p>\n";

sub with_tag {
    my ($page, $tag) = @_;
    $page =~ s{(<head>)}{$1$tag} and return $page
        if $page =~ /^<!DOCTYPE/;
    $page =~ s{(<body class="a">)}{$1$tag} and return $page
        if $page =~ /^<html><title>/;
    $page =~ s{(<script>gtag)}{$tag$1};
    return $page;
}

# the head tag, and a first <script>, cut by buffers at every offset
our $MaxPad = 12;
sub padded_head   { ('.' x $_[0]) . "<html><head><p>x</p>\n" }
sub padded_script { ('.' x $_[0]) . "<p>x</p><script>1</script>\n" }

our $Files = [
    ['head.html', $HeadPage],
    ['script.html', $ScriptPage],
    ['body.html', $BodyPage],
    ['none.html', $NonePage],
    ['plain.txt', "<head>not html\n"],
    (map { ["h$_.html", padded_head($_)] } 0 .. $MaxPad),
    (map { ["s$_.html", padded_script($_)] } 0 .. $MaxPad),
];

our $Config = $Std . qq{
    privacy_consent_mode $Map;
    default_type text/html;
    location /privacy/consent {
        privacy_consent_endpoint;
    }
    location /b/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
    }
} . join('', map { my $n = $_; qq{
    location /o$n/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
        sendfile off;
        output_buffers 1 $n;
    }
    location /f$n/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
        sendfile on;
        output_buffers 1 $n;
    }
} } 1, 3, 5) . q{
    location /off/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        privacy_consent_mode off;
    }
    location /txt/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        default_type text/plain;
    }
    location /p/ {
        proxy_pass http://backend/html/;
    }
};

our $HttpConfig = backend_http_config() . <<'CONF';
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
CONF

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $HttpConfig)
        unless defined $block->http_config;
    $block->set_value('config', $Config)
        unless defined $block->config;
    $block->set_value('user_files', $Files)
        unless defined $block->user_files;
});

repeat_each(1);
no_shuffle();
no_long_string();
run_tests();

__DATA__

=== TEST 1: undecided: the tag first inside <head>, every type denied, the banner too
--- request
GET /b/head.html
--- response_body_like eval
'^' . quotemeta(substr(::with_tag($::HeadPage, $::Denied), 0, 160))
. '.*<div id="privacy-banner"'
--- response_headers
Vary: Cookie, Accept-Language
! Content-Length
--- no_error_log
[error]



=== TEST 2: decided, analytics granted: its type granted, the others denied; no banner; the length with the tag
--- request
GET /b/head.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_body eval: ::with_tag($::HeadPage, ::tag('granted', 'denied'))
--- response_headers eval
"Content-Length: " . length(::with_tag($::HeadPage, ::tag('granted', 'denied'))) . "
Vary: Cookie, Accept-Language
! ETag
! Last-Modified
! Accept-Ranges"
--- no_error_log
[error]



=== TEST 3: decided, everything granted
--- request
GET /b/head.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval: ::with_tag($::HeadPage, $::Granted)



=== TEST 4: decided, everything refused: every type denied, no banner
--- request
GET /b/head.html
--- more_headers eval
"Cookie: privacy_consent=$::T_NONE"
--- response_body eval: ::with_tag($::HeadPage, $::Denied)



=== TEST 5: no head: before the first script, not the one in an attribute or a comment
--- request
GET /b/script.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval: ::with_tag($::ScriptPage, $::Granted)



=== TEST 6: no head, no script outside raw text: at body start
--- request
GET /b/body.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval: ::with_tag($::BodyPage, $::Granted)



=== TEST 7: no place at all: the page as it is, with its length
--- request
GET /b/none.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval: $::NonePage
--- response_headers eval
"Content-Length: " . length($::NonePage)



=== TEST 8: one-byte buffers, the head tag cut at every offset
--- request eval
[map { "GET /o1/h$_.html" } 0 .. 7]
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval
[map { my $p = ::padded_head($_); $p =~ s/<head>/<head>$::Granted/; $p } 0 .. 7]
--- no_error_log
[error]
[alert]



=== TEST 9: three- and five-byte buffers, sendfile off and on: <head> at every offset
--- request eval
[map { my $n = $_; map { ("GET /o$n/h$_.html", "GET /f$n/h$_.html") } 0 .. $n } 3, 5]
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval
[map { my $n = $_; map { my $p = ::padded_head($_); $p =~ s/<head>/<head>$::Granted/; ($p, $p) } 0 .. $n } 3, 5]
--- no_error_log
[error]
[alert]



=== TEST 10: "<script" cut at every offset: held, then before it
--- request eval
[map { my $n = $_; map { ("GET /o$n/s$_.html", "GET /f$n/s$_.html") } 0 .. $n + 7 } 1, 3, 5]
--- more_headers eval
"Cookie: privacy_consent=$::T_NONE"
--- response_body eval
[map { my $n = $_; map { my $p = ::padded_script($_); $p =~ s/<script>/$::Denied<script>/; ($p, $p) } 0 .. $n + 7 } 1, 3, 5]
--- no_error_log
[error]
[alert]



=== TEST 11: undecided, one-byte buffers: the tag and the banner both, once each
--- request
GET /o1/head.html
--- response_body_like eval
'^' . quotemeta("<!DOCTYPE html><html><head>$::Denied<title>t</title>")
. '(?:(?!data-privacy-consent).)*<body><div id="privacy-banner"(?:(?!data-privacy-consent).)*$'
--- no_error_log
[error]



=== TEST 12: a proxied page
--- request
GET /p/head.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_body eval: ::with_tag($::HeadPage, ::tag('granted', 'denied'))
--- no_error_log
[error]



=== TEST 13: privacy_consent_mode off: the page untouched, with its length and validators
--- request
GET /off/head.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval: $::HeadPage
--- response_headers_like eval
"Content-Length: " . length($::HeadPage) . "
ETag: \".+\"
Last-Modified: .+"



=== TEST 14: not HTML: untouched
--- request
GET /txt/plain.txt
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body
<head>not html



=== TEST 15: HEAD: no body, no length
--- request
HEAD /b/head.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_headers
! Content-Length
Vary: Cookie, Accept-Language
--- response_body



=== TEST 16: the script: the file's bytes, kept a year, immutable
--- request eval
"GET $::JsUrl"
--- response_headers eval
"Content-Type: text/javascript
Content-Length: " . length($::Js) . "
Cache-Control: public, max-age=31536000, immutable
ETag: \"$::JsHash\""
--- response_body eval: $::Js



=== TEST 17: GPC refuses marketing: its types denied although granted
--- config eval
$::Std . qq{
    privacy_gpc marketing;
    privacy_consent_mode $::Map;
    location /b/ {
        default_type text/html;
        alias \$TEST_NGINX_SERVER_ROOT/html/;
    }
}
--- request
GET /b/head.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 1"
--- response_body eval: ::with_tag($::HeadPage, ::tag('granted', 'denied'))



=== TEST 18: an essential category: "essential", for the script to grant always; the consent URL of the location, escaped
--- config eval
$::Std . q{
    privacy_consent_url "/c&x";
    privacy_consent_mode security_storage=necessary functionality_storage=analytics;
    location /b/ {
        default_type text/html;
        alias $TEST_NGINX_SERVER_ROOT/html/;
    }
}
--- request
GET /b/head.html
--- response_body_like eval
qr{^<!DOCTYPE html><html><head><script src="/c&amp;x/consent-mode\.[0-9a-f]{12}\.js" data-privacy-consent="security_storage=necessary:essential functionality_storage=analytics:denied"></script><title>}



=== TEST 19: inherited from http, turned off in a location, set again in another
--- http_config eval
$::HttpConfig . q{
    privacy_consent_mode analytics_storage=analytics;
}
--- config eval
$::Std . q{
    default_type text/html;
    location /b/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
    }
    location /off/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        privacy_consent_mode off;
    }
    location /ad/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        privacy_consent_mode ad_storage=marketing;
    }
}
--- request eval
["GET /b/head.html", "GET /off/head.html", "GET /ad/head.html"]
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_body_like eval
[qr{<head><script src="[^"]+" data-privacy-consent="analytics_storage=analytics:granted"></script><title>},
 qr{^\Q$::HeadPage\E$},
 qr{<head><script src="[^"]+" data-privacy-consent="ad_storage=marketing:denied"></script><title>}]



=== TEST 19a: the same page again: the place remembered from its first bytes (a head, a body), not a script's place; each right
--- request eval
["GET /b/head.html", "GET /b/head.html", "GET /b/body.html", "GET /b/body.html", "GET /b/script.html", "GET /b/script.html", "GET /o3/head.html", "GET /o3/head.html"]
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval
[(::with_tag($::HeadPage, $::Granted)) x 2, (::with_tag($::BodyPage, $::Granted)) x 2, (::with_tag($::ScriptPage, $::Granted)) x 2, (::with_tag($::HeadPage, $::Granted)) x 2]
--- error_log
privacy consent mode inserted at
--- no_error_log
[error]



=== TEST 20: an unknown consent type
--- config eval
$::Std . q{
    privacy_consent_mode ad_storage=marketing analytics=analytics;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown consent type "analytics" in "privacy_consent_mode": ad_storage, .* expected in \S+nginx\.conf:\d+/



=== TEST 21: an unknown category: nginx -t names it and where
--- config eval
$::Std . q{
    privacy_consent_mode ad_storage=advertising;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown category "advertising" in "privacy_consent_mode" in \S+nginx\.conf:\d+/



=== TEST 22: a server without categories (the backend's here) has nothing to map: no error, no tag
--- http_config eval
$::HttpConfig . q{
    privacy_consent_mode ad_storage=marketing;
}
--- config
    privacy on;
    privacy_policy_version 1;
    default_type text/html;
    location /b/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
    }
--- request
GET /b/head.html
--- response_body_unlike
data-privacy-consent



=== TEST 23: not TYPE=CATEGORY: empty sides, no '='
--- config eval
$::Std . q{
    privacy_consent_mode ad_storage= ;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid "ad_storage=" in "privacy_consent_mode": TYPE=CATEGORY expected in \S+nginx\.conf:\d+/



=== TEST 24: "=" alone, and a type given twice
--- config eval
$::Std . q{
    privacy_consent_mode ad_storage=marketing =;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid "=" in "privacy_consent_mode"/



=== TEST 25: a type given twice
--- config eval
$::Std . q{
    privacy_consent_mode ad_storage=marketing ad_storage=analytics;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*consent type "ad_storage" given twice in "privacy_consent_mode" in \S+nginx\.conf:\d+/



=== TEST 26: privacy_consent_mode twice
--- config eval
$::Std . q{
    privacy_consent_mode ad_storage=marketing;
    privacy_consent_mode ad_storage=marketing;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_consent_mode" directive is duplicate/



=== TEST 27: a very long attribute: every type, long category names
--- config eval
my $c = 'c' x 32;
$::Std . qq{
    privacy_category $c x_$c;
    privacy_consent_mode ad_storage=$c analytics_storage=$c ad_user_data=$c ad_personalization=$c functionality_storage=$c personalization_storage=$c security_storage=necessary;
    location /b/ {
        default_type text/html;
        alias \$TEST_NGINX_SERVER_ROOT/html/;
    }
}
--- request
GET /b/head.html
--- response_body_like eval
qr{<head><script src="[^"]+" data-privacy-consent="ad_storage=c{32}:denied (?:\w+=c{32}:denied ){5}security_storage=necessary:essential"></script><title>}
--- no_error_log
[error]
