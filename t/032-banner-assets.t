# The banner's stylesheet and script, served by the consent endpoint:
# byte for byte the files of ngx_privacy_module/assets/ that the build put
# into the module, under their plain names and under names with a hash of
# their bytes in them.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Digest::SHA qw(sha256_hex);

# the files as a designer left them
sub asset {
    my ($name) = @_;
    my $file = "$ENV{TEST_NGINX_PRIVACY_ROOT}/ngx_privacy_module/assets/$name";
    open my $fh, '<:raw', $file or die "cannot read $file: $!\n";
    local $/;
    my $bytes = <$fh>;
    close $fh;
    return $bytes;
}

our $Std = privacy_std_config();
our $Css = asset('banner.css');
our $Js  = asset('banner.js');

# the names the banner links: 12 hex digits of the SHA-256 of the bytes
our $CssHash = substr(sha256_hex($Css), 0, 12);
our $JsHash  = substr(sha256_hex($Js), 0, 12);
our $CssUrl  = "/privacy/consent/banner.$CssHash.css";
our $JsUrl   = "/privacy/consent/banner.$JsHash.js";

our $Year = 'public, max-age=31536000, immutable';

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value('http_config', <<'CONF') unless defined $block->http_config;
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
CONF

    $block->set_value('config', $Std . <<'CONF')
    location /privacy/consent {
        privacy_consent_endpoint;
    }

    location = /page {
        default_type text/html;
        return 200 "<html><body>page</body></html>\n";
    }
CONF
        unless defined $block->config;
});

repeat_each(2);
no_shuffle();
no_long_string();
run_tests();

__DATA__

=== TEST 1: banner.css is the file's bytes, not to be stored
--- request
GET /privacy/consent/banner.css
--- response_headers eval
"Content-Type: text/css
Content-Length: " . length($::Css) . "
Cache-Control: no-store
Tk: U
! ETag"
--- response_body eval: $::Css
--- no_error_log
[error]



=== TEST 2: banner.js is the file's bytes, not to be stored
--- request
GET /privacy/consent/banner.js
--- response_headers eval
"Content-Type: text/javascript
Content-Length: " . length($::Js) . "
Cache-Control: no-store
Tk: U"
--- response_body eval: $::Js
--- no_error_log
[error]



=== TEST 3: HEAD: the headers of GET, no body
--- request
HEAD /privacy/consent/banner.css
--- response_headers eval
"Content-Type: text/css
Content-Length: " . length($::Css) . "
Cache-Control: no-store"
--- response_body chomp



=== TEST 4: below another privacy_consent_url
--- config eval
$::Std . q{
    privacy_consent_url /choices;
    location /choices { privacy_consent_endpoint; }
}
--- request
GET /choices/banner.js
--- response_body eval: $::Js



=== TEST 5: other names below the endpoint: 404, not to be stored
--- request eval
["GET /privacy/consent/banner.cs", "GET /privacy/consent/banner.css/",
 "GET /privacy/consent/banner.CSS", "GET /privacy/consent/",
 "GET /privacy/consent/" . ("a" x 4000), "GET /privacy/consentbanner.css"]
--- error_code eval
[404, 404, 404, 404, 404, 404]
--- response_headers eval
[("Cache-Control: no-store") x 6]



=== TEST 6: methods other than GET and HEAD: 405
--- request eval
["POST /privacy/consent/banner.css\nx", "DELETE /privacy/consent/banner.js"]
--- error_code eval
[405, 405]
--- response_headers eval
[("Cache-Control: no-store") x 2]



=== TEST 7: banner.HASH.css: the file's bytes, kept a year, immutable, with its ETag
--- request eval
"GET $::CssUrl"
--- response_headers eval
"Content-Type: text/css
Content-Length: " . length($::Css) . "
Cache-Control: $::Year
ETag: \"$::CssHash\"
Tk: U
! Vary
! Set-Cookie"
--- response_body eval: $::Css
--- no_error_log
[error]



=== TEST 8: banner.HASH.js: the file's bytes, kept a year, immutable, with its ETag
--- request eval
"GET $::JsUrl"
--- response_headers eval
"Content-Type: text/javascript
Content-Length: " . length($::Js) . "
Cache-Control: $::Year
ETag: \"$::JsHash\""
--- response_body eval: $::Js



=== TEST 9: HEAD of a hashed name: the headers of GET, no body
--- request eval
"HEAD $::JsUrl"
--- response_headers eval
"Content-Type: text/javascript
Content-Length: " . length($::Js) . "
Cache-Control: $::Year
ETag: \"$::JsHash\""
--- response_body chomp



=== TEST 10: a revalidation with the ETag: 304, even for a visitor the banner waits for
--- request eval
"GET $::CssUrl"
--- more_headers eval
"If-None-Match: \"$::CssHash\""
--- error_code: 304
--- response_headers eval
"ETag: \"$::CssHash\"
Cache-Control: $::Year"
--- response_body chomp



=== TEST 11: a revalidation with another ETag: the file
--- request eval
"GET $::CssUrl"
--- more_headers
If-None-Match: "000000000000"
--- response_headers eval
"ETag: \"$::CssHash\""
--- response_body eval: $::Css



=== TEST 12: a hashed name sets no cookie and expires none: a shared cache keeps it for everyone
--- request eval
"GET $::CssUrl"
--- more_headers
Cookie: _ga=GA1.2.3; _fbp=fb.1; theme=dark
--- response_headers eval
"Cache-Control: $::Year
! Set-Cookie"
--- response_body eval: $::Css



=== TEST 13: a hash that is not the file's (a page from another version): the file, not to be stored
--- request eval
["GET /privacy/consent/banner.000000000000.css",
 "GET /privacy/consent/banner.$::CssHash.js"]
--- response_headers eval
[("Cache-Control: no-store\n! ETag") x 2]
--- response_body eval
[$::Css, $::Js]



=== TEST 14: names like hashed ones that are not: 404, not to be stored
--- request eval
["GET /privacy/consent/banner." . uc($::CssHash) . ".css",
 "GET /privacy/consent/banner." . substr($::CssHash, 1) . ".css",
 "GET /privacy/consent/banner." . $::CssHash . "0.css",
 "GET /privacy/consent/banner.00000000000g.css",
 "GET /privacy/consent/banner..css",
 "GET /privacy/consent/banner.$::CssHash.css.map",
 "GET /privacy/consent/banner." . $::CssHash . "css",
 "GET /privacy/consent/banner-$::CssHash.css",
 "GET /privacy/consent/banner." . ("0" x 4000) . ".css"]
--- error_code eval
[404, 404, 404, 404, 404, 404, 404, 404, 404]
--- response_headers eval
[("Cache-Control: no-store\n! ETag") x 9]



=== TEST 15: other methods on a hashed name: 405, not to be stored
--- request eval
"POST $::CssUrl\nx"
--- error_code: 405
--- response_headers
Cache-Control: no-store



=== TEST 16: the builtin banner links the hashed names
--- request
GET /page
--- response_body_like eval
qr{<div id="privacy-banner"[^>]*><link rel="stylesheet" href="\Q$::CssUrl\E"><script src="\Q$::JsUrl\E" defer></script><form }



=== TEST 17: the settings page links the hashed stylesheet
--- request
GET /privacy/consent
--- more_headers
Accept: text/html
--- response_body_like eval
qr{<link rel="stylesheet" href="\Q$::CssUrl\E"></head>}



=== TEST 18: a FILE banner: {{banner_css_url}} and {{banner_js_url}}, HTML-escaped
--- config eval
$::Std . q{
    privacy_consent_url /consent<x>;
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- user_files
>>> banner.html
<div id="privacy-banner">{{banner_css_url}} {{banner_js_url}} {{banner_css_url}}</div>
--- request
GET /t
--- response_body eval
"<body><div id=\"privacy-banner\">/consent&lt;x&gt;/banner.$::CssHash.css /consent&lt;x&gt;/banner.$::JsHash.js /consent&lt;x&gt;/banner.$::CssHash.css</div>\nx"
