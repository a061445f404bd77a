# Global Privacy Control: privacy_gpc refuses the categories it lists for
# a request with Sec-GPC: 1, unless the visitor's decision was made while
# the browser sent the signal (the token's flag, the record's gpc field);
# cookies both ways, $privacy_consent and Tk follow; $privacy_gpc;
# /.well-known/gpc.json; nginx -t errors.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Test::More;

our $prefix = "t035:$$:";
$ENV{TEST_NGINX_T035_PREFIX} = $prefix;

our $HttpConfig = backend_http_config() . <<'CONF';
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T035_PREFIX;
CONF

our $Std = privacy_std_config();

# decisions made without the signal, and with it
our $T_ALL       = mint(grant => 'analytics,marketing');
our $T_MARKETING = mint(grant => 'marketing');
our $T_ALL_GPC   = mint(grant => 'analytics,marketing', gpc => 1);
our $T_NONE_GPC  = mint(grant => 'none', gpc => 1);

our $Vars = q{
    location = /t {
        return 200 "consent=[$privacy_consent] gpc=[$privacy_gpc]\n";
    }

    location = /echo {
        proxy_pass http://backend/echo;
    }

    location = /set {
        proxy_pass http://backend/set;
    }

    location /privacy/consent {
        privacy_consent_endpoint;
    }
};

our $Gpc = $Std . "    privacy_gpc marketing;\n" . $Vars;

# A browser accepts all, with the signal or without, then comes back with
# the signal and the cookie it was given: what is granted then.
sub round_trip {
    my ($gpc, $want) = @_;
    my $body = 'action=accept_all';
    my ($status, $h, $answer) = http_raw(
        "POST /privacy/consent HTTP/1.1\r\n"
        . "Host: localhost\r\n"
        . "Origin: http://localhost\r\n"
        . "Accept: application/json\r\n"
        . ($gpc ? "Sec-GPC: 1\r\n" : '')
        . "Content-Type: application/x-www-form-urlencoded\r\n"
        . "Content-Length: " . length($body) . "\r\n"
        . "Connection: close\r\n\r\n" . $body);
    is($status, 200, "accept_all with gpc=$gpc");
    my ($token) = ($h->{'set-cookie'} || '') =~ /privacy_consent=([^;]+)/;
    ok(defined $token, "accept_all with gpc=$gpc: a cookie") or return;

    ($status, $h, $answer) = http_raw(
        "GET /t HTTP/1.1\r\nHost: localhost\r\n"
        . "Cookie: privacy_consent=$token\r\nSec-GPC: 1\r\n"
        . "Connection: close\r\n\r\n");
    is($answer, "$want\n", "decided with gpc=$gpc, back with the signal");
}

default_http_config($HttpConfig);

repeat_each(1);
no_shuffle();
run_tests();

# The decisions of TESTs 19 (two in its init) and 20: the record says whether the browser
# sent the signal.

my $log = redis('XRANGE', "${prefix}log", '-', '+');
my @records = map { +{ @{ $_->[1] } } } @$log;

is_deeply([map { $_->{gpc} } @records], ['1', '0', '1', '0'],
          'the record of a decision made with Sec-GPC: 1 says gpc 1');
is($records[0]{granted}, 'analytics,marketing',
   'a decision under the signal may grant what it refuses');

redis('DEL', "${prefix}log", map { "${prefix}consent:$_->{id}" } @records);

__DATA__

=== TEST 1: no signal: a decision's grants stand
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body
consent=[analytics,marketing] gpc=[]
--- no_error_log
[error]



=== TEST 2: Sec-GPC: 1 refuses marketing that a decision without it granted
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 1"
--- response_body
consent=[analytics] gpc=[1]
--- no_error_log
[error]



=== TEST 3: a decision made with the signal grants marketing anyway
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL_GPC\r\nSec-GPC: 1"
--- response_body
consent=[analytics,marketing] gpc=[1]



=== TEST 4: the signal refuses the request's marketing cookie before the application
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /echo
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL; _ga=1; _fbp=2; session=3\r\nSec-GPC: 1"
--- response_body_like chomp
^cookie: privacy_consent=[A-Za-z0-9_-]+; _ga=1; session=3$



=== TEST 5: without the signal the same request keeps _fbp
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /echo
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL; _ga=1; _fbp=2; session=3"
--- response_body_like chomp
^cookie: privacy_consent=[A-Za-z0-9_-]+; _ga=1; _fbp=2; session=3$



=== TEST 6: the application's marketing cookie is not set under the signal
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /set
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 1"
--- raw_response_headers_like eval
qr/Set-Cookie: _ga=GA1/
--- raw_response_headers_unlike eval
qr/_fbp/



=== TEST 7: Tk says no tracking when the signal refused the only grant
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_MARKETING\r\nSec-GPC: 1"
--- response_headers
Tk: N
--- response_body
consent=[none] gpc=[1]



=== TEST 8: and consent without it
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_MARKETING"
--- response_headers
Tk: C
--- response_body
consent=[marketing] gpc=[]



=== TEST 9: privacy_gpc off (the default): the signal is only reported
--- http_config eval: $::HttpConfig
--- config eval: $::Std . $::Vars
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 1"
--- response_body
consent=[analytics,marketing] gpc=[1]



=== TEST 10: a location turns it off again
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing;

    location = /t {
        privacy_gpc off;
        return 200 "consent=[$privacy_consent]\n";
    }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 1"
--- response_body
consent=[analytics,marketing]



=== TEST 11: Sec-GPC: 0 is no signal
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 0"
--- response_body
consent=[analytics,marketing] gpc=[]



=== TEST 11a: nor Sec-GPC: 11
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 11"
--- response_body
consent=[analytics,marketing] gpc=[]



=== TEST 11b: nor Sec-GPC: true
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: true"
--- response_body
consent=[analytics,marketing] gpc=[]



=== TEST 11c: nor Sec-GPC: empty
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: "
--- response_body
consent=[analytics,marketing] gpc=[]



=== TEST 11d: nor a header whose name starts the same
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC-X: 1\r\nX-Sec-GPC: 1"
--- response_body
consent=[analytics,marketing] gpc=[]



=== TEST 12: a second Sec-GPC header does not take the signal back
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nsec-gpc: 0\r\nSEC-GPC: 1\r\nSec-GPC: 0"
--- response_body
consent=[analytics] gpc=[1]



=== TEST 12a: one header of a list a proxy joined: a "1" in it is the signal
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 0, 1"
--- response_body
consent=[analytics] gpc=[1]



=== TEST 12b: nor a list without an element "1"
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL\r\nSec-GPC: 0, 11, 1 x, ,"
--- response_body
consent=[analytics,marketing] gpc=[]



=== TEST 13: gpc.json with privacy_gpc: true, cacheable, no cookie
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing;

    location = /.well-known/gpc.json {
        privacy_gpc_resource 2026-11-30;
    }
}
--- request
GET /.well-known/gpc.json
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL; _fbp=1"
--- response_headers
Content-Type: application/json
Cache-Control: public, max-age=86400
! Set-Cookie
--- response_body
{"gpc": true, "lastUpdate": "2026-11-30"}



=== TEST 14: gpc.json without privacy_gpc: false; the date nginx read the configuration
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    location = /.well-known/gpc.json {
        privacy_gpc_resource;
    }
}
--- request
GET /.well-known/gpc.json
--- response_body_like eval
my @t = gmtime;
sprintf '^\{"gpc": false, "lastUpdate": "%04d-%02d-%02d"\}$',
        $t[5] + 1900, $t[4] + 1, $t[3];



=== TEST 15: gpc.json answers GET and HEAD only
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    location = /.well-known/gpc.json {
        privacy_gpc_resource;
    }
}
--- request
POST /.well-known/gpc.json
x
--- error_code: 405



=== TEST 16: an unknown category: nginx -t names it and where
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing advertising;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown category "advertising" in "privacy_gpc" in \S+nginx\.conf:\d+/



=== TEST 17: an essential category cannot be refused
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc necessary;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*category "necessary" in "privacy_gpc" in \S+nginx\.conf:\d+ is essential/



=== TEST 18: duplicates and a bad date
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing marketing;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*duplicate category "marketing" in "privacy_gpc"/



=== TEST 18a: privacy_gpc twice
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    privacy_gpc marketing;
    privacy_gpc analytics;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_gpc" directive is duplicate/



=== TEST 18b: a date gpc.json cannot carry
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    location = /.well-known/gpc.json {
        privacy_gpc_resource 2026-13-01;
    }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid date "2026-13-01" in "privacy_gpc_resource", use YYYY-MM-DD/



=== TEST 18c: a date of 9 bytes
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    location = /.well-known/gpc.json {
        privacy_gpc_resource 2026-11-1;
    }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid date "2026-11-1" in "privacy_gpc_resource"/



=== TEST 19: a decision under the signal is recorded with gpc 1 and its token says so
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- init
main::round_trip(1, 'consent=[analytics,marketing] gpc=[1]');
main::round_trip(0, 'consent=[analytics] gpc=[1]');
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Sec-GPC: 1
--- response_body_like chomp
"granted":\["analytics","marketing"\]



=== TEST 20: one without it, gpc 0
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- response_body_like chomp
"granted":\["analytics","marketing"\]



=== TEST 21: a refusal made under the signal stays a refusal
--- http_config eval: $::HttpConfig
--- config eval: $::Gpc
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_NONE_GPC\r\nSec-GPC: 1"
--- response_body
consent=[none] gpc=[1]



=== TEST 22: the banner says the signal is honoured, for the categories privacy_gpc lists, to a visitor who sends it
--- http_config eval: $::HttpConfig
--- config eval
$::Gpc . q{
    location = /page { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /page
--- more_headers
Sec-GPC: 1
--- response_body_like eval
qr{<p id="privacy-banner-text" [^>]*>.*?</p><p class="privacy-banner__gpc-sent">Your browser sends the Global Privacy Control signal\. It is honoured: these stay refused unless you allow them here: Marketing</p><div class="privacy-banner__essential">}s



=== TEST 22a: in German
--- http_config eval: $::HttpConfig
--- config eval
$::Gpc . q{
    location = /page { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /page
--- more_headers
Sec-GPC: 1
Accept-Language: de
--- response_body_like eval
qr{lang="de".*<p class="privacy-banner__gpc-sent">Ihr Browser sendet das Global-Privacy-Control-Signal\. [^<]*: Marketing</p><div}s



=== TEST 22b: another value than 1: no note
--- http_config eval: $::HttpConfig
--- config eval
$::Gpc . q{
    location = /page { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /page
--- more_headers
Sec-GPC: 0
--- response_body_unlike
privacy-banner__gpc-sent



=== TEST 23: privacy_gpc off: no note, signal or not
--- http_config eval: $::HttpConfig
--- config eval
$::Std . q{
    location = /page { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /page
--- more_headers
Sec-GPC: 1
--- response_body_unlike
privacy-banner__gpc-sent



=== TEST 24: where privacy_gpc honours the signal, a page varies with it too
--- http_config eval: $::HttpConfig
--- config eval
$::Gpc . q{
    location = /page { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /page
--- response_headers
Vary: Cookie, Accept-Language, Sec-GPC



=== TEST 25: a banner in one language (a file): the page varies with the cookie and the signal only
--- http_config eval: $::HttpConfig
--- config eval
$::Gpc . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/own.html;
    location = /page { default_type text/html; return 200 "<body>x"; }
}
--- user_files
>>> own.html
<div id="privacy-banner">{{gpc_note}}</div>
--- request
GET /page
--- response_headers
Vary: Cookie, Sec-GPC



=== TEST 26: privacy_gpc off: Vary names no signal
--- http_config eval: $::HttpConfig
--- config eval
$::Std . $::Vars . q{
    location = /page { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /page
--- response_headers
Vary: Cookie, Accept-Language
