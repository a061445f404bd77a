# Hostile input: every case gets a clear status and leaves no [alert],
# [crit] or [emerg] line.  Tokens changed at every character, cut at every
# length, signed by a key that is not configured, expired, for another
# policy or category list; Cookie headers of 8 KB and of 1000 cookies,
# cookies without "=", with empty names, quoted values, bytes over 0x7f,
# the consent cookie twice; a body tag that never closes.
#
# Tokens go in the query string: the front proxies to a server with the
# module that gets them as its consent cookie, so one block sends them all.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Std = privacy_std_config();
our $Token = mint(grant => 'analytics');

# every character changed to another of the base64url alphabet
our @Flipped = map {
    my $t = $Token;
    my $c = substr($t, $_, 1);
    substr($t, $_, 1) = $c eq 'A' ? 'B' : 'A';
    $t
} 0 .. length($Token) - 1;

our @Truncated = map { substr($Token, 0, $_) } 0 .. length($Token) - 1;

our $HttpConfig = $Std . q{
    server {
        listen unix:$TEST_NGINX_SERVER_ROOT/logs/verify.sock;
        location / { return 200 "consent=[$privacy_consent] tk=[$sent_http_tk]\n"; }
    }
};

our $Front = q{
    privacy off;
    location /v {
        proxy_pass http://unix:$TEST_NGINX_SERVER_ROOT/logs/verify.sock:/;
        proxy_set_header Cookie "privacy_consent=$arg_t";
    }
};

sub verify_requests { [map { "GET /v?t=$_" } @_] }

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $HttpConfig)
        unless defined $block->http_config;
    $block->set_value('no_error_log', "[alert]\n[crit]\n[emerg]\n")
        unless defined $block->no_error_log;
});

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the valid token, for reference
--- config eval: $::Front
--- request eval: "GET /v?t=$::Token"
--- response_body
consent=[analytics] tk=[]



=== TEST 2: a token changed at any one character is no decision
--- config eval: $::Front
--- request eval: ::verify_requests(@::Flipped)
--- response_body eval: [("consent=[] tk=[]\n") x @::Flipped]



=== TEST 3: a token cut at any length is no decision
--- config eval: $::Front
--- request eval: ::verify_requests(@::Truncated)
--- response_body eval: [("consent=[] tk=[]\n") x @::Truncated]



=== TEST 4: signed by a key that is not configured, expired, another policy, other categories
--- config eval: $::Front
--- request eval
::verify_requests(
    ::mint(grant => 'analytics', key => 'retired'),
    ::mint(grant => 'analytics', issued => time - 7200, expires => time - 3600),
    ::mint(grant => 'analytics', policy => '2017-01'),
    ::mint(grant => 'analytics', categories => 'necessary:essential,analytics'))
--- response_body eval: [("consent=[] tk=[]\n") x 4]



=== TEST 5: a Cookie header of 8 KB with trackers in it
--- config eval
$::Std . q{ location = /t { return 200 "[$http_cookie]\n"; } }
--- request
GET /t
--- more_headers eval
"Cookie: " . CORE::join('; ', map { "c$_=" . ('v' x 60) } 1 .. 100) . "; _ga=1; _fbp=2"
--- response_body eval
"[" . CORE::join('; ', map { "c$_=" . ('v' x 60) } 1 .. 100) . "]\n"



=== TEST 6: a Cookie header of 1000 cookies
--- config eval
$::Std . q{ location = /t { return 200 "[$http_cookie]\n"; } }
--- request
GET /t
--- more_headers eval
"Cookie: " . CORE::join('; ', map { "c$_=1" } 1 .. 500) . "; _ga=x; "
    . CORE::join('; ', map { "d$_=1" } 1 .. 499)
--- response_body eval
"[" . CORE::join('; ', (map { "c$_=1" } 1 .. 500), (map { "d$_=1" } 1 .. 499)) . "]\n"



=== TEST 7: cookies without "=", with empty names, quoted values, bytes over 0x7f
--- config eval
$::Std . q{ location = /t { return 200 "[$http_cookie] blocked=[$privacy_blocked]\n"; } }
--- request
GET /t
--- more_headers eval
"Cookie: lonely; =empty; q=\"a b\"; \xff\xfe=\xc3\xa9; _ga=1; ;; session=s"
--- response_body eval
"[lonely; =empty; q=\"a b\"; \xff\xfe=\xc3\xa9; session=s] blocked=[_ga]\n"



=== TEST 8: strict mode blocks the nameless and the odd ones too
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t { return 200 "[$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: lonely; =empty; \xff\xfe=\xc3\xa9; session=s"
--- response_body
[session=s]



=== TEST 9: the consent cookie twice: a broken one then a valid one
--- config eval
$::Std . q{ location = /t { return 200 "consent=[$privacy_consent]\n"; } }
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=garbage; privacy_consent=$::Token"
--- response_body
consent=[analytics]



=== TEST 10: the consent cookie twice: a valid one then a broken one
--- config eval
$::Std . q{ location = /t { return 200 "consent=[$privacy_consent]\n"; } }
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::Token; privacy_consent=" . ('A' x 5000)
--- response_body
consent=[analytics]



=== TEST 11: a Cookie header over nginx's buffers gets nginx's clear 400
--- config eval
$::Std . q{ location = /t { return 200 "ok\n"; } }
--- request
GET /t
--- more_headers eval
"Cookie: big=" . ('x' x 9000)
--- error_code: 400



=== TEST 12: a body tag that never closes: nothing inserted, the page whole
--- config eval
$::Std . q{ location = /t { default_type text/html; return 200 "<html><body class='x' data-y=\"a>"; } }
--- request
GET /t
--- response_body eval
"<html><body class='x' data-y=\"a>"



=== TEST 13: consent bodies of pieces without "=" (a heap overflow once)
Pieces with no value made the old parser's write cursor outrun the room
after the body; at about 2 KB the worker died.  Each body is refused or
decided, and no worker exits.
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=t050:;
--- config eval
$::Std . q{
    location /privacy/consent { privacy_consent_endpoint; }
}
--- request eval
[
    "POST /privacy/consent\n" . CORE::join('&', ('a') x 1100),
    "POST /privacy/consent\n" . CORE::join('&', ('a') x 2048),
    "POST /privacy/consent\n" . ('&' x 4096),
    "POST /privacy/consent\naction=reject_all&" . CORE::join('&', ('a') x 2039),
    "POST /privacy/consent\naction=reject_all&" . ('a' x 4078),
]
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code eval: [400, 400, 400, 200, 200]
--- response_body eval
[
    qq{{"error":"no action"}\n},
    qq{{"error":"no action"}\n},
    qq{{"error":"no action"}\n},
    qr/^\{"decision":\{"id":"[0-9a-f]{32}",.*"granted":\[\]/,
    qr/^\{"decision":\{"id":"[0-9a-f]{32}",.*"granted":\[\]/,
]
--- no_error_log
[alert]
[crit]
exited on signal



=== TEST 14: the same body chunked, its pieces split across chunks
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=t050:;
--- config eval
$::Std . q{
    location /privacy/consent { privacy_consent_endpoint; }
}
--- raw_request eval
my $body = CORE::join('&', ('a') x 2000);
my $chunks = CORE::join('', map { sprintf("%x\r\n%s\r\n", length $_, $_) }
                      unpack('(A333)*', $body));
"POST /privacy/consent HTTP/1.1\r
Host: localhost\r
Origin: http://localhost\r
Content-Type: application/x-www-form-urlencoded\r
Transfer-Encoding: chunked\r
Connection: close\r
\r
${chunks}0\r
\r
"
--- error_code: 400
--- response_body
{"error":"no action"}
--- no_error_log
[alert]
[crit]
exited on signal
