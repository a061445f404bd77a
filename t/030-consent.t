# The consent endpoint with a real Redis: a record with every field after
# each action, the 303 and JSON answers, withdrawal expiring trackers,
# cross-site refusals, bad input, and the visitor's own access to the
# records.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Test::More;
use Digest::SHA qw(sha256_hex);

our $prefix = "t030:$$:";
$ENV{TEST_NGINX_T030_PREFIX} = $prefix;
# the records of clients whose address is given by X-Real-IP
$ENV{TEST_NGINX_T030_ADDR_PREFIX} = "${prefix}addr:";

# the records of the Host blocks, apart from the others
our $host_prefix = "t030h:$$:";
$ENV{TEST_NGINX_T030H_PREFIX} = $host_prefix;

# and of the limit_req block
our $limit_prefix = "t030l:$$:";
$ENV{TEST_NGINX_T030L_PREFIX} = $limit_prefix;

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

# The banner's form as a browser posts it (TEST 31 and later), with its
# records under a prefix of their own: the count of records below is the
# other blocks'.
our $rprefix = "t030r:$$:";
$ENV{TEST_NGINX_T030R_PREFIX} = $rprefix;

our $ReturnHttp = <<'CONF';
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030R_PREFIX;
CONF

our $ReturnConf = privacy_std_config() . <<'CONF';
    location /privacy/consent {
        privacy_consent_endpoint;
    }

    location /long/ {
        default_type text/html;
        return 200 "<html><body>page</body></html>\n";
    }

    location = / {
        default_type text/html;
        return 200 "<html><body>home</body></html>\n";
    }
CONF

sub html_unescape {
    my ($s) = @_;
    my %e = (amp => '&', lt => '<', gt => '>', quot => '"', '#39' => "'");
    $s =~ s/&(amp|lt|gt|quot|#39);/$e{$1}/g;
    return $s;
}

# application/x-www-form-urlencoded as browsers serialize it: letters,
# digits and *-._ stay, a space is '+', any other byte %XX
sub form_encode {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9*\-._ ])/sprintf('%%%02X', ord $1)/ge;
    $s =~ tr/ /+/;
    return $s;
}

# What a browser does on the page at TARGET (the request target, any
# bytes): takes the banner's form fields from the page, every category
# ticked and Accept all pressed (the longest body the form makes), posts
# them form-encoded to the form's action; the decision must be a 303 to
# WANT, recorded with the hash of the banner the page showed.
sub decide_on {
    my ($target, $want) = @_;
    my $name = 'decision on ' . length($target) . ' bytes '
             . substr($target, 0, 24);

    my ($status, $h, $page) = http_raw("GET $target HTTP/1.1\r\n"
                                       . "Host: localhost\r\n"
                                       . "Connection: close\r\n\r\n");
    is($status, 200, "$name: the page");

    my ($banner) = $page =~ m{(<div id="privacy-banner".*?</form>(?:<p class="privacy-banner__saved" hidden>.*?</p>)?</div>)}s;
    ok(defined $banner, "$name: the page has the banner") or return;

    my ($action) = $banner =~ m{<form [^>]*action="([^"]*)"};
    my @fields;

    while ($banner =~ m{<(input|button)\b([^>]*)>}g) {
        my ($tag, $attrs, %a) = ($1, $2);
        $a{$1} = html_unescape($2) while $attrs =~ /([a-z]+)="([^"]*)"/g;
        next unless defined $a{name};
        next if $tag eq 'button' && $a{value} ne 'accept_all';
        push @fields, [$a{name}, $a{value}];
    }

    my $body = join '&', map { form_encode($_->[0]) . '=' . form_encode($_->[1]) }
                         @fields;

    cmp_ok(length $body, '<=', 4096, "$name: the form body fits");

    ($status, $h, my $answer) = http_raw(
        "POST " . html_unescape($action) . " HTTP/1.1\r\n"
        . "Host: localhost\r\n"
        . "Origin: http://localhost\r\n"
        . "Content-Type: application/x-www-form-urlencoded\r\n"
        . "Content-Length: " . length($body) . "\r\n"
        . "Connection: close\r\n\r\n" . $body);

    is($status, 303, "$name: the decision is taken")
        or diag("answer: $answer");
    is($h->{location}, $want, "$name: back to the page");

    my $last = redis('XREVRANGE', "${rprefix}log", '+', '-', 'COUNT', 1);
    my %rec = @{ $last->[0][1] || [] };
    is($rec{banner_sha256}, sha256_hex($banner),
       "$name: the record hashes the banner shown");
}

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
                source host addr ua replaces edge gpc);

for my $rec (@records) {
    is_deeply([sort keys %$rec], [sort @fields],
              "record $rec->{id} has every field");
    like($rec->{id}, qr/^[0-9a-f]{32}$/, 'id is 128 bits in hex');
    is($rec->{policy}, '2018-04', 'policy version');
    like($rec->{time_ms}, qr/^\d{13}$/, 'time in milliseconds');
    like($rec->{banner_sha256}, qr/^[0-9a-f]{64}$/, 'banner hash');
    is($rec->{addr}, '127.0.0.0', 'address with the host part zeroed');
    is($rec->{host}, 'localhost', 'host');
    is($rec->{gpc}, '0', 'no Sec-GPC: gpc 0');

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

my $keys = redis('KEYS', "${rprefix}*");
redis('DEL', @$keys) if @$keys;

# The Host blocks: a host[:port] of at most 255 bytes as it came, anything
# else as "invalid"; no record is larger than docs/redis.md says (1,877
# bytes of field names and values with the largest configuration, 854
# with this one: 782 and the edge field, its name and a host name of at
# most 64 bytes, and the gpc field, 4 bytes with its name).

my %host_by_ua;
my $host_log = redis('XRANGE', "${host_prefix}log", '-', '+');
for my $entry (@$host_log) {
    my %rec = @{ $entry->[1] };
    $host_by_ua{$rec{ua}} = $rec{host};
    my $size = 0;
    $size += length($_) for @{ $entry->[1] };
    cmp_ok($size, '<=', 854, "record $rec{ua}: at most 854 bytes");
    redis('DEL', "${host_prefix}consent:$rec{id}");
}

is_deeply(\%host_by_ua, {
    't030-host-long'  => 'invalid',
    't030-host-255'   => ('b' x 250) . ':8080',
    't030-host-256'   => 'invalid',
    't030-host-chars' => 'invalid',
    't030-host-v6'    => '[2001:DB8::1]:8080',
}, 'the Host of each record');

redis('DEL', "${host_prefix}log");

# limit_req let the first decision and a burst through, no more: three
# per address (TEST 36), two per network (TEST 37)
my $limited = redis('XRANGE', "${limit_prefix}log", '-', '+');
is(scalar @$limited, 5, 'limit_req: five decisions recorded');
redis('DEL', "${limit_prefix}log",
      map { "${limit_prefix}consent:" . { @{ $_->[1] } }->{id} } @$limited);

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
<h1>Privacy settings</h1>.*<p>You have not made a choice yet.</p>.*<form class="privacy-banner__form" method="post" action="/privacy/consent">.*value="analytics"> Analytics</label>.*value="marketing"> Marketing</label>.*name="return" value="/privacy/consent\?saved=1".*value="save".*value="accept_all".*value="reject_all"
--- response_body_unlike chomp
withdraw|checked|role="status"



=== TEST 25: the settings page shows the current choice, ticked, and withdrawal
--- request
GET /privacy/consent
--- more_headers eval
"Accept: text/html
Cookie: privacy_consent=$::old_token"
--- response_body_like chomp
<dt>Allowed</dt><dd>Analytics</dd><dt>Refused</dt><dd>Marketing</dd><dt>Made on</dt><dd><time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">.*value="analytics" checked> Analytics.*value="marketing"> Marketing.*value="withdraw"



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
--- error_log eval
qr/"privacy_consent_endpoint" in \S+nginx\.conf:\d+ needs "privacy_redis"/



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



=== TEST 31: a 3.5 KB page URL whose form encoding is longer than a form body: the banner returns to its path, and the decision is taken
--- http_config eval: $::ReturnHttp
--- config eval: $::ReturnConf
--- init
main::decide_on('/long/page?' . ('x%2Fy&' x 580), '/long/page');
--- request eval
'GET /long/page?' . ('x%2Fy&' x 580)
--- response_body_like chomp
<input type="hidden" name="return" value="/long/page">
--- no_error_log
[error]



=== TEST 32: a 2.5 KB page URL with a long query: the banner returns to its path
--- http_config eval: $::ReturnHttp
--- config eval: $::ReturnConf
--- init
main::decide_on('/long/page?q=' . ('a' x 2500), '/long/page');
--- request eval
'GET /long/page?q=' . ('a' x 2500)
--- response_body_like chomp
<input type="hidden" name="return" value="/long/page">



=== TEST 33: a 2.5 KB page path: the banner returns to /
--- http_config eval: $::ReturnHttp
--- config eval: $::ReturnConf
--- init
main::decide_on('/long/' . ('p' x 2500) . '?q=1', '/');
--- request eval
'GET /long/' . ('p' x 2500) . '?q=1'
--- response_body_like chomp
<input type="hidden" name="return" value="/">



=== TEST 34: a 1.9 KB page URL that fits is kept whole
--- http_config eval: $::ReturnHttp
--- config eval: $::ReturnConf
--- init
main::decide_on('/long/page?q=' . ('a' x 1900), '/long/page?q=' . ('a' x 1900));
--- request eval
'GET /long/page?q=' . ('a' x 1900)
--- response_body_like eval
qr{<input type="hidden" name="return" value="/long/page\?q=a{1900}">}



=== TEST 35: a URL of characters that triple in a form body: kept while it fits, its path when not
--- http_config eval: $::ReturnHttp
--- config eval: $::ReturnConf
--- init
main::decide_on('/long/page?q=' . ('/' x 1000), '/long/page?q=' . ('/' x 1000));
main::decide_on('/long/page?q=' . ('/' x 1500), '/long/page');
--- request eval
'GET /long/page?q=' . ('/' x 1500)
--- response_body_like chomp
<input type="hidden" name="return" value="/long/page">



=== TEST 36: bytes the endpoint refuses in a return path are %-escaped; HTML specials round-trip
--- http_config eval: $::ReturnHttp
--- config eval: $::ReturnConf
--- init
main::decide_on(qq{/long/caf\xc3\xa9/a\\b?x="<'>&y=%41+z;},
                q{/long/caf%C3%A9/a%5Cb?x="<'>&y=%41+z;});
--- request eval
qq{GET /long/caf\xc3\xa9/a\\b?x="<'>&y=%41+z;}
--- response_body_like chomp
<input type="hidden" name="return" value="/long/caf%C3%A9/a%5Cb\?x=&quot;&lt;&#39;&gt;&amp;y=%41\+z;">



=== TEST 37: an empty query, a query of only "?", leading slashes made one, an absolute target
--- http_config eval: $::ReturnHttp
--- config eval: $::ReturnConf
--- init
main::decide_on('/long/page?', '/long/page?');
main::decide_on('/?', '/?');
main::decide_on('/', '/');
main::decide_on('//long/page?a=1', '/long/page?a=1');
main::decide_on('///long/page', '/long/page');
main::decide_on('http://localhost/long/page?a=2', '/long/page?a=2');
--- request
GET //long/page
--- response_body_like chomp
<input type="hidden" name="return" value="/long/page">



=== TEST 38: an 8,000-byte Host is recorded as "invalid", not as it came
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030H_PREFIX;
--- request
POST /privacy/consent
action=reject_all
--- more_headers eval
"Sec-Fetch-Site: same-origin
Accept: application/json
Content-Type: application/x-www-form-urlencoded
User-Agent: t030-host-long
Host: " . ('a' x 8000)
--- error_code: 200
--- response_body_like chomp
"refused":\["analytics","marketing"\]



=== TEST 39: a host:port of 255 bytes is recorded as it is
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030H_PREFIX;
--- request
POST /privacy/consent
action=reject_all
--- more_headers eval
"Sec-Fetch-Site: same-origin
Accept: application/json
Content-Type: application/x-www-form-urlencoded
User-Agent: t030-host-255
Host: " . ('b' x 250) . ':8080'
--- error_code: 200



=== TEST 40: a host:port of 256 bytes is "invalid"
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030H_PREFIX;
--- request
POST /privacy/consent
action=reject_all
--- more_headers eval
"Sec-Fetch-Site: same-origin
Accept: application/json
Content-Type: application/x-www-form-urlencoded
User-Agent: t030-host-256
Host: " . ('c' x 251) . ':8080'
--- error_code: 200



=== TEST 41: a Host with characters no host has is "invalid"
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030H_PREFIX;
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Sec-Fetch-Site: same-origin
Accept: application/json
Content-Type: application/x-www-form-urlencoded
User-Agent: t030-host-chars
Host: a"b<c>{d}|e^f`g%zz
--- error_code: 200



=== TEST 42: an IPv6 literal with a port is recorded as it is
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030H_PREFIX;
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Sec-Fetch-Site: same-origin
Accept: application/json
Content-Type: application/x-www-form-urlencoded
User-Agent: t030-host-v6
Host: [2001:DB8::1]:8080
--- error_code: 200



=== TEST 43: the README's limit_req: decisions past the burst get 429, GETs pass
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030L_PREFIX;

    map $request_method $consent_limit_key {
        POST    $binary_remote_addr;
        DELETE  $binary_remote_addr;
        default "";
    }
    limit_req_zone $consent_limit_key zone=consent:1m rate=10r/m;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category analytics ~^_ga;

    location /privacy/consent {
        limit_req zone=consent burst=2 nodelay;
        limit_req_status 429;
        limit_req_log_level info;
        privacy_consent_endpoint;
    }
--- request eval
[
    "POST /privacy/consent\naction=reject_all",
    "POST /privacy/consent\naction=reject_all",
    "POST /privacy/consent\naction=reject_all",
    "DELETE /privacy/consent",
    "POST /privacy/consent\naction=reject_all",
    "GET /privacy/consent/banner.css",
    "GET /privacy/consent/banner.js",
    "GET /privacy/consent",
    "GET /privacy/consent/banner.css",
]
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- error_code eval
[200, 200, 200, 429, 429, 200, 200, 200, 200]
--- no_error_log
[error]



=== TEST 44: deployment.md's limit per network, by $privacy_remote_addr
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T030L_PREFIX;

    map $request_method $consent_limit_net {
        POST    $privacy_remote_addr;
        DELETE  $privacy_remote_addr;
        default "";
    }
    limit_req_zone $consent_limit_net zone=consent_net:1m rate=60r/m;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category analytics ~^_ga;

    location /privacy/consent {
        limit_req zone=consent_net burst=1 nodelay;
        limit_req_status 429;
        privacy_consent_endpoint;
    }
--- request eval
[
    "POST /privacy/consent\naction=reject_all",
    "POST /privacy/consent\naction=reject_all",
    "POST /privacy/consent\naction=reject_all",
    "GET /privacy/consent/banner.css",
]
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- error_code eval
[200, 200, 429, 200]



=== TEST 45: a 6to4 client's record: its IPv4 network, not its address
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



=== TEST 46: a Teredo client's record: its public IPv4 network, no server, no port
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



=== TEST 47: back on the settings page after a decision without script: it says the choice is saved, and links back to the site
The settings form returns to the page with ?saved=1; only then does the
page say so, in a status the screen reader announces.
--- request eval
["GET /privacy/consent?saved=1", "GET /privacy/consent?history=0&saved=1",
 "GET /privacy/consent?saved=2"]
--- more_headers eval
"Accept: text/html
Accept-Language: de
Cookie: privacy_consent=$::old_token"
--- response_body_like eval
[qr{<h2 id="privacy-current">[^<]+</h2><p class="privacy-settings__saved" role="status">Ihre Wahl ist gespeichert\..*<p class="privacy-settings__back"><a href="/">Zurück zur Website</a></p>},
 qr{role="status">Ihre Wahl ist gespeichert\.},
 qr{^(?!.*role="status").*<a href="/">Zurück zur Website</a>}s]
