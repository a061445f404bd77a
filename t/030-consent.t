# The consent endpoint with a real Redis: a record with every field after
# each action, the 303 and JSON answers, withdrawal expiring trackers,
# cross-site refusals, bad input, and the visitor's own access to the
# records.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Test::More;

our $prefix = "t030:$$:";
$ENV{TEST_NGINX_T030_PREFIX} = $prefix;
# the records of clients whose address is given by X-Real-IP
$ENV{TEST_NGINX_T030_ADDR_PREFIX} = "${prefix}addr:";

# a decision the visitor already holds, and its record with the one before
our $old_id  = 'aa' x 16;
our $prev_id = 'bb' x 16;
our $old_token = mint(grant => 'analytics', id => $old_id);

sub seed_history {
    redis('HSET', "${prefix}consent:$prev_id", id => $prev_id,
          action => 'accept_all', granted => 'analytics,marketing',
          replaces => '');
    redis('HSET', "${prefix}consent:$old_id", id => $old_id,
          action => 'save', granted => 'analytics', replaces => $prev_id);
}

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value('http_config', <<'CONF') unless defined $block->http_config;
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030_PREFIX;
CONF

    $block->set_value('config', <<'CONF') unless defined $block->config;
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;

    location /privacy/consent {
        privacy_consent_endpoint;
    }

    location = /page {
        default_type text/html;
        return 200 "<html><body>page</body></html>\n";
    }
CONF
});

repeat_each(1);
no_shuffle();
run_tests();

# What Redis holds after the blocks: one record per decision, each with
# every field, in the log stream and as a hash that expires.

my $log = redis('XRANGE', "${prefix}log", '-', '+');
my @records = map { +{ @{ $_->[1] } } } @$log;

is(scalar @records, 7, 'one record per decision taken by the blocks')
    or diag(explain(\@records));

my @fields = qw(id action granted refused policy time_ms banner_sha256
                source host addr ua replaces);

for my $rec (@records) {
    is_deeply([sort keys %$rec], [sort @fields],
              "record $rec->{id} has every field");
    like($rec->{id}, qr/^[0-9a-f]{32}$/, 'id is 128 bits in hex');
    is($rec->{policy}, '2018-04', 'policy version');
    like($rec->{time_ms}, qr/^\d{13}$/, 'time in milliseconds');
    like($rec->{banner_sha256}, qr/^[0-9a-f]{64}$/, 'banner hash');
    is($rec->{addr}, '127.0.0.0', 'address with the host part zeroed');
    is($rec->{host}, 'localhost', 'host');

    my $hash = redis('HGETALL', "${prefix}consent:$rec->{id}");
    is_deeply({ @$hash }, $rec, 'the hash holds the same record');

    my $ttl = redis('PTTL', "${prefix}consent:$rec->{id}");
    cmp_ok($ttl, '>', 3 * 365 * 86400 * 1000 - 60_000,
           'the hash expires after the retention (3y)');
}

my %by_action;
push @{ $by_action{$_->{action}} }, $_ for @records;

is($by_action{accept_all}[0]{granted}, 'analytics,marketing',
   'accept_all grants every optional category');
is($by_action{accept_all}[0]{refused}, '', 'accept_all refuses none');
is($by_action{accept_all}[0]{source}, 'script', 'asked for JSON: script');
is($by_action{reject_all}[0]{granted}, '', 'reject_all grants none');
is($by_action{reject_all}[0]{refused}, 'analytics,marketing',
   'reject_all refuses both');
is($by_action{reject_all}[0]{source}, 'form', 'the plain form');
is($by_action{save}[0]{granted}, 'analytics', 'save grants the ticked one');
is($by_action{save}[0]{refused}, 'marketing', 'save refuses the others');
is(length $by_action{save}[0]{ua}, 256, 'user agent cut to 256 bytes');
is($by_action{withdraw}[0]{replaces}, $old_id,
   'withdraw replaces the decision the visitor held');
is($by_action{withdraw}[0]{granted}, '', 'withdraw grants nothing');
is(scalar @{ $by_action{withdraw} }, 2, 'POST and DELETE withdraw');
is($by_action{reject_all}[0]{replaces}, '', 'a first decision replaces none');

# the banner served for a given page is what the record hashes
isnt($by_action{reject_all}[0]{banner_sha256},
     $by_action{accept_all}[0]{banner_sha256},
     'the banner hash covers the page it was shown on');

redis('DEL', "${prefix}log", map { "${prefix}consent:$_->{id}" } @records);
redis('DEL', "${prefix}consent:$old_id", "${prefix}consent:$prev_id");

# the records of the 6to4 and the Teredo client hold their IPv4 networks

my $addr_log = redis('XRANGE', "${prefix}addr:log", '-', '+');
my @addr_records = map { +{ @{ $_->[1] } } } @$addr_log;

is_deeply([map { $_->{addr} } @addr_records], ['203.0.113.0', '192.0.2.0'],
          'a 6to4 and a Teredo client are recorded as their IPv4 /24');

redis('DEL', "${prefix}addr:log",
      map { "${prefix}addr:consent:$_->{id}" } @addr_records);

__DATA__

=== TEST 1: accept_all from the script: recorded, cookie set, JSON
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- response_headers
Content-Type: application/json
Cache-Control: no-store
Tk: U
--- response_headers_like
Set-Cookie: privacy_consent=[A-Za-z0-9_-]{100,}; Max-Age=15552000; Path=/; SameSite=Lax; HttpOnly
--- response_body_like chomp
^\{"decision":\{"id":"[0-9a-f]{32}","granted":\["analytics","marketing"\],"refused":\[\],"time":\d+,"policy":"2018-04"\}\}$
--- no_error_log
[error]



=== TEST 2: reject_all from the form: 303 to the page it came from
--- request
POST /privacy/consent
action=reject_all&return=%2Fpage%3Fa%3D1
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 303
--- response_headers
Location: /page?a=1
Tk: U
Cache-Control: no-store
--- response_headers_like
Set-Cookie: privacy_consent=[A-Za-z0-9_-]+; .*HttpOnly
--- no_error_log
[error]



=== TEST 3: save with one category ticked
--- request
POST /privacy/consent
action=save&category=analytics&return=/page
--- more_headers eval
"Referer: http://localhost/page
Content-Type: application/x-www-form-urlencoded; charset=UTF-8
User-Agent: " . ("x" x 300)
--- error_code: 303
--- response_headers
Location: /page



=== TEST 4: withdraw replaces the decision with a refusal and expires trackers
--- request
POST /privacy/consent
action=withdraw
--- more_headers eval
"Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Cookie: _ga=GA1.2; session=s1; privacy_consent=$::old_token"
--- response_body_like chomp
"granted":\[\],"refused":\["analytics","marketing"\]
--- raw_response_headers_like chomp
Set-Cookie: _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/\r\n
--- raw_response_headers_unlike chomp
Set-Cookie: session=



=== TEST 5: DELETE withdraws too
--- request
DELETE /privacy/consent
--- more_headers eval
"Origin: http://localhost
Cookie: _fbp=fb.1; privacy_consent=$::old_token"
--- response_body_like chomp
"granted":\[\]
--- raw_response_headers_like chomp
Set-Cookie: _fbp=; Max-Age=0



=== TEST 6: a return that leaves the site is ignored: JSON, no redirect
--- request
POST /privacy/consent
action=save&return=//evil.example/
--- more_headers
Sec-Fetch-Site: same-origin
Content-Type: application/x-www-form-urlencoded
--- error_code: 200
--- response_headers
! Location
--- response_body_like chomp
"granted":\[\],"refused":\["analytics","marketing"\]



=== TEST 7: the form works without a return field (JSON answer)
--- request
POST /privacy/consent
action=save&category=marketing&category=analytics
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- response_body_like chomp
"granted":\["analytics","marketing"\]



=== TEST 8: another site cannot consent: Origin
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://evil.example
Content-Type: application/x-www-form-urlencoded
--- error_code: 403
--- response_headers
! Set-Cookie
Tk: U
--- response_body
{"error":"cross-site request"}



=== TEST 9: another site cannot consent: Sec-Fetch-Site wins over Origin
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Sec-Fetch-Site: cross-site
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 403
--- response_headers
! Set-Cookie



=== TEST 10: another site cannot consent: a look-alike Referer
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Referer: http://localhost.evil.example/page
Content-Type: application/x-www-form-urlencoded
--- error_code: 403



=== TEST 11: a POST with no Sec-Fetch-Site, Origin or Referer is refused
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- error_code: 403



=== TEST 12: a body over 4 KB: 413
--- request eval
"POST /privacy/consent\n" . "action=accept_all&x=" . ("y" x 4100)
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 413
--- response_headers
! Set-Cookie



=== TEST 13: another content type: 415
--- request
POST /privacy/consent
{"action":"accept_all"}
--- more_headers
Origin: http://localhost
Content-Type: application/json
--- error_code: 415



=== TEST 14: malformed percent-encoding: 400
--- request
POST /privacy/consent
action=accept%zzall
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 400
--- response_body
{"error":"malformed form encoding"}



=== TEST 15: an unknown action: 400
--- request
POST /privacy/consent
action=accept_some
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 400
--- response_body
{"error":"unknown action"}



=== TEST 16: an unknown category: 400, nothing recorded
--- request
POST /privacy/consent
action=save&category=analytics&category=telemetry
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 400
--- response_body
{"error":"unknown category"}



=== TEST 17: no action: 400
--- request
POST /privacy/consent
category=analytics
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 400



=== TEST 18: GET without a decision
--- request
GET /privacy/consent
--- response_headers
Content-Type: application/json
Tk: U
--- response_body
{"decision":null}



=== TEST 19: GET with a decision, from the token
--- request
GET /privacy/consent
--- more_headers eval
"Cookie: privacy_consent=$::old_token"
--- response_body_like chomp
^\{"decision":\{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","granted":\["analytics"\],"refused":\["marketing"\],"time":\d+,"policy":"2018-04"\}\}$



=== TEST 20: GET ?history=1: the records of the decision and those it replaced
--- init
main::seed_history();
--- request
GET /privacy/consent?history=1
--- more_headers eval
"Cookie: privacy_consent=$::old_token"
--- response_body_like chomp
"history":\[\{[^]]*"id":"a{32}"[^]]*"replaces":"b{32}"[^]]*\},\{[^]]*"id":"b{32}"[^]]*\}\]\}$



=== TEST 21: the banner's stylesheet is served below the endpoint
--- request
GET /privacy/consent/banner.css
--- response_headers
Content-Type: text/css
Cache-Control: no-store
--- response_body_like chomp
^\.privacy-banner\{



=== TEST 22: other files below the endpoint: 404; other methods: 405
--- request eval
["GET /privacy/consent/other.css", "PUT /privacy/consent\nx"]
--- error_code eval
[404, 405]



=== TEST 23: the settings page gets no banner
--- request
GET /privacy/consent
--- more_headers
Accept: text/html
--- response_headers
Content-Type: text/html; charset=utf-8
Tk: U
Cache-Control: no-store
--- response_body_unlike chomp
id="privacy-banner"



=== TEST 24: the settings page without a decision: the form, nothing ticked
--- request
GET /privacy/consent
--- more_headers
Accept: text/html,application/xhtml+xml,*/*;q=0.8
--- response_body_like chomp
<h1>Privacy settings</h1>.*<p>You have not made a choice yet.</p>.*<form class="privacy-banner__form" method="post" action="/privacy/consent">.*value="analytics"> analytics</label>.*value="marketing"> marketing</label>.*name="return" value="/privacy/consent".*value="save".*value="accept_all".*value="reject_all"
--- response_body_unlike chomp
withdraw|checked



=== TEST 25: the settings page shows the current choice, ticked, and withdrawal
--- request
GET /privacy/consent
--- more_headers eval
"Accept: text/html
Cookie: privacy_consent=$::old_token"
--- response_body_like chomp
<dt>Allowed</dt><dd>analytics</dd><dt>Refused</dt><dd>marketing</dd><dt>Made on</dt><dd><time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">.*value="analytics" checked> analytics.*value="marketing"> marketing.*value="withdraw"



=== TEST 26: the settings page speaks the visitor's language
--- request
GET /privacy/consent
--- more_headers
Accept: text/html
Accept-Language: fr-CA,de;q=0.9
--- response_body_like chomp
<html lang="fr">.*<h1>Paramètres de confidentialité</h1>



=== TEST 27: the banner's script is served below the endpoint
--- request
GET /privacy/consent/banner.js
--- response_headers
Content-Type: text/javascript
Cache-Control: no-store
--- response_body_like chomp
document.getElementById\('privacy-banner'\)



=== TEST 28: the consent endpoint needs privacy_redis
--- http_config
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    location /privacy/consent { privacy_consent_endpoint; }
--- must_die
--- error_log
"privacy_consent_endpoint" needs "privacy_redis"



=== TEST 29: the consent endpoint needs privacy_secret
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location /privacy/consent { privacy_consent_endpoint; }
--- must_die
--- error_log
needs "privacy_secret" to sign consent cookies



=== TEST 30: privacy_redis refuses a host name
--- http_config
    privacy_redis redis.example.com:6379;
--- config
--- must_die
--- error_log eval
qr/privacy_redis.*(host name|IP address)/



=== TEST 31: a 6to4 client's record: its IPv4 network, not its address
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030_ADDR_PREFIX;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category analytics _ga;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Real-IP;
    location /privacy/consent { privacy_consent_endpoint; }
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
X-Real-IP: 2002:cb00:7107:abcd::1
--- error_code: 200
--- no_error_log
[error]



=== TEST 32: a Teredo client's record: its public IPv4 network, no server, no port
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030_ADDR_PREFIX;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category analytics _ga;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Real-IP;
    location /privacy/consent { privacy_consent_endpoint; }
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
X-Real-IP: 2001:0:4136:e378:8000:63bf:3fff:fdd2
--- error_code: 200
--- no_error_log
[error]
