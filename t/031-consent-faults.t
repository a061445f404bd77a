# Fail toward privacy: when Redis cannot record a grant, the consent
# endpoint answers 503 with Retry-After and sets no cookie; a refusal or a
# withdrawal takes effect all the same (refusal cookie, trackers expired),
# the answer says it was not recorded and the error log holds its record,
# which tools/replay-unrecorded.pl writes to Redis later.  Pages are served
# with enforcement as before, and recording resumes once Redis is back,
# without an nginx reload.  Redis is stopped, paused past the timeout
# (SIGSTOP), made to refuse nginx's (missing) password and filled
# (maxmemory 1, noeviction: every write is refused with OOM).

# serial: stops, locks and fills the shared Redis
use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Test::More;
use POSIX ();

$ENV{TEST_NGINX_DEAD_REDIS_PORT} ||= $ENV{TEST_NGINX_REDIS_PORT} + 1;

our $password = "t031-$$";

# decisions the visitor already holds
our $old_id = 'aa' x 16;
our $analytics_token = mint(grant => 'analytics', id => $old_id);
our $both_token = mint(grant => 'analytics,marketing');
our $none_token = mint(grant => 'none');
# for the blocks that configure analytics alone
our $one_category_token = mint(grant => 'analytics',
                               categories => 'analytics');

# whatever happens to the blocks, the shared Redis is given back as it was
END {
    if (my $pid = redis_pid()) {
        kill 'CONT', $pid;
    }
    system("redis-cli -p $ENV{TEST_NGINX_REDIS_PORT} -a $password"
           . " --no-auth-warning CONFIG SET requirepass '' >/dev/null 2>&1");
    system("redis-cli -p $ENV{TEST_NGINX_REDIS_PORT}"
           . " CONFIG SET maxmemory 0 >/dev/null 2>&1");
}

# a full Redis that evicts nothing: every write is refused with OOM, as
# docs/redis.md's recommended noeviction does once maxmemory is reached
sub fill_redis {
    redis('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    redis('CONFIG', 'SET', 'maxmemory', '1');
}

sub empty_redis {
    redis('CONFIG', 'SET', 'maxmemory', '0');
}

# After an unrecorded withdrawal, with Redis still full: the visitor's next
# page says Tk: N and its trackers stay blocked and expired.
our %after;

sub withdraw_then_page {
    my $res = http('POST', '/privacy/consent', <<"HDR", 'action=withdraw');
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Cookie: _ga=GA1.2; privacy_consent=$analytics_token
HDR
    my ($cookie) = grep { /^privacy_consent=/ }
                   header_values($res, 'Set-Cookie');
    $cookie =~ s/;.*//s if defined $cookie;
    $after{withdraw} = $res;
    $after{page} = http('GET', '/page', "Cookie: _ga=GA1.2; $cookie")
        if defined $cookie;
}

# The records the error log holds, written to Redis by the replay tool
# (twice: the second run must add nothing); empties Redis first.
our @replayed;

sub replay {
    empty_redis();
    my $log = "$ENV{TEST_NGINX_SERVER_ROOT}/logs/error.log";
    my $tool = "$ENV{TEST_NGINX_PRIVACY_ROOT}/tools/replay-unrecorded.pl";
    my (@out, @said);
    for my $run (1, 2) {
        my $out = `perl $tool --prefix t031: --retention 3y $log 2>$log.said`;
        die "replay-unrecorded.pl failed: $?\n" if $?;
        open my $fh, '<', "$log.said" or die "$log.said: $!\n";
        push @said, CORE::join '', <$fh>;
        open my $cli, '|-', "redis-cli -p $ENV{TEST_NGINX_REDIS_PORT}"
                            . " >/dev/null"
            or die "cannot run redis-cli: $!\n";
        print $cli $out;
        close $cli or die "redis-cli failed: $?\n";
        push @out, $out;
    }
    push @replayed, { first => $out[0], second => $out[1], said => \@said,
                      ids => [$out[0] =~ /"t031:consent:([0-9a-f]{32})"/g] };
}

sub set_password {
    my ($new, $old) = @_;
    my $auth = $old ? "-a $old --no-auth-warning" : '';
    system("redis-cli -p $ENV{TEST_NGINX_REDIS_PORT} $auth"
           . " CONFIG SET requirepass '$new' >/dev/null") == 0
        or die "cannot set the Redis password\n";
    # nginx's connection stays authenticated: make it connect again
    $auth = $new ? "-a $new --no-auth-warning" : '';
    system("redis-cli -p $ENV{TEST_NGINX_REDIS_PORT} $auth"
           . " CLIENT KILL TYPE normal >/dev/null");
}

add_block_preprocessor(sub {
    my $block = shift;

    return unless defined $block->config;

    $block->set_value('request', <<'REQ') unless $block->request;
POST /privacy/consent
action=accept_all
REQ
    $block->set_value('more_headers', <<'HDR') unless $block->more_headers;
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
HDR
});

repeat_each(1);
no_shuffle();
run_tests();

# The visitor's next page after an unrecorded withdrawal (TEST 19)

is($after{withdraw}{status}, 200, 'unrecorded withdrawal: 200');
like($after{withdraw}{body}, qr/"granted":\[\],.*"recorded":false\}$/,
     'unrecorded withdrawal: says so');
is($after{page}{status}, 200, 'the next page with the refusal cookie');
is_deeply([header_values($after{page}, 'Tk')], ['N'],
          'the next page says Tk: N, not C');
is($after{page}{body}, "app saw [privacy_consent="
   . (join '', map { /^privacy_consent=([^;]+)/ ? $1 : () }
                   header_values($after{withdraw}, 'Set-Cookie'))
   . "]\n", 'the application no longer gets _ga');
ok((grep { /^_ga=; Max-Age=0/ } header_values($after{page}, 'Set-Cookie')),
   'the next page expires _ga again');

# What the replays wrote: every logged record once, whole, with its expiry

is(scalar @replayed, 3, 'three replays ran');

my @fields = qw(id action granted refused policy time_ms banner_sha256
                source host addr ua replaces edge gpc);
my %count;
my $stream = redis('XRANGE', 't031:log', '-', '+');
for my $entry (@$stream) {
    my %f = @{ $entry->[1] };
    $count{$f{id}}++;
}

my %rec;
for my $replay (@replayed) {
    is($replay->{second}, $replay->{first}, 'a second run prints the same');
    my $n = @{ $replay->{ids} };
    is_deeply($replay->{said}, [("$n records to replay, 0 skipped\n") x 2],
              'the tool counts what it prints');
    for my $id (@{ $replay->{ids} }) {
        my %h = @{ redis('HGETALL', "t031:consent:$id") };
        $rec{$id} = \%h;
        is_deeply([sort keys %h], [sort @fields], "record $id: every field");
        is($h{id}, $id, "record $id: its id");
        is($count{$id}, 1, "record $id: in the stream once");
        cmp_ok(redis('PTTL', "t031:consent:$id"), '>',
               3 * 365 * 86400 * 1000 - 600_000, "record $id: expires in 3y");
    }
}

# after the password (TEST 8) and the timeout that Redis ran late (TEST 5)
my ($first, $second, $third) = map { $_->{ids} } @replayed;
is_deeply([map { $rec{$_}{action} } @$first], ['withdraw', 'reject_all'],
          'replay 1: the timed-out withdrawal and the refused reject_all');

# Redis full (TESTs 11, 14, 15, 17, 18 and 19's own withdrawal)
is_deeply([map { $rec{$_}{action} } @$second],
          [qw(withdraw save save reject_all withdraw withdraw)],
          'replay 2: every unrecorded refusal, in order');
my $w = $rec{$second->[0]};
is($w->{ua}, 't031-withdraw', 'replay 2: the user agent');
is($w->{replaces}, $old_id, 'replay 2: the decision it replaces');
is($w->{refused}, 'analytics,marketing', 'replay 2: refused');
is($w->{host}, 'localhost', 'replay 2: host');

# the record split between two lines (TEST 21)
is(scalar @$third, 1, 'replay 3: one record');
my $long = $rec{$third->[0]} || {};
is($long->{ua}, "\"\\" . ("\x01" x 254), 'replay 3: the user agent, bytes');
is($long->{host}, ('h' x 250) . ':8080', 'replay 3: the host');
is($long->{policy}, 'v' x 64, 'replay 3: the policy');
is($long->{refused}, join(',', map { $_ x 32 } qw(a b c d e)),
   'replay 3: refused');

redis('DEL', 't031:log', map { "t031:consent:$_" } keys %rec);

__DATA__

=== TEST 1: Redis down: 503, Retry-After, no cookie
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_DEAD_REDIS_PORT connect_timeout=200ms;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category analytics ~^_ga;
    location /privacy/consent { privacy_consent_endpoint; }
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- response_headers
Retry-After: 5
Tk: U
Cache-Control: no-store
! Set-Cookie
--- response_body
{"error":"the decision could not be recorded, nothing was changed"}
--- no_error_log
[alert]
[crit]



=== TEST 2: Redis down: pages are still served, trackers still blocked
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_DEAD_REDIS_PORT connect_timeout=200ms;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category analytics ~^_ga;
    location /privacy/consent { privacy_consent_endpoint; }
    location = /page {
        add_header Set-Cookie "_ga=GA1; Path=/";
        return 200 "app saw [$http_cookie]\n";
    }
--- request
GET /page
--- more_headers
Cookie: _ga=old; session=1
--- response_headers
Tk: N
Set-Cookie: _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/
--- response_body
app saw [session=1]



=== TEST 3: Redis up: recorded
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT timeout=300ms prefix=t031:;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category analytics ~^_ga;
    location /privacy/consent { privacy_consent_endpoint; }
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*



=== TEST 4: Redis paused past the timeout: a withdrawal applies, unrecorded
--- init
PrivacyTest::pause_redis(1.5);
--- request
DELETE /privacy/consent
--- more_headers eval
"Origin: http://localhost
Cookie: _ga=GA1; privacy_consent=$::one_category_token"
--- error_code: 200
--- raw_response_headers_like eval
qr/(?=.*\r\nSet-Cookie: privacy_consent=[A-Za-z0-9_-]+;)(?=.*\r\nSet-Cookie: _ga=; Max-Age=0)/s
--- response_body_like chomp
"granted":\[\],"refused":\["analytics"\],.*"recorded":false\}$
--- error_log
not acknowledged by Redis (timeout), a refusal, applied anyway; record: id "
action "withdraw"



=== TEST 5: Redis paused (SIGSTOP) past the timeout: 503, no cookie
--- init
PrivacyTest::pause_redis(1.5);
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- response_headers
! Set-Cookie
--- error_log
not acknowledged by Redis



=== TEST 6: Redis resumed: recording resumes without a reload
--- init
select(undef, undef, undef, 2.5);
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*



=== TEST 7: Redis asks for a password nginx does not have: a grant gets 503
--- init
main::set_password($main::password, undef);
select(undef, undef, undef, 0.5);
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- response_headers
! Set-Cookie



=== TEST 8: Redis asks for a password: a refusal applies, not recorded
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- response_body_like chomp
"refused":\["analytics"\],.*"recorded":false\}$
--- error_log
not acknowledged by Redis (error), a refusal, applied anyway; record: id "



=== TEST 9: the password is gone again: recording resumes without a reload
--- init
main::set_password('', $main::password);
select(undef, undef, undef, 2.5);
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*



=== TEST 10: the logged refusals are replayed, the one Redis ran late is not
--- init
main::replay();
--- request
GET /privacy/consent
--- response_body
{"decision":null}



=== TEST 11: Redis full (OOM): a withdrawal takes effect, not recorded
--- init
main::fill_redis();
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT timeout=300ms prefix=t031:;
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;
    location /privacy/consent { privacy_consent_endpoint; }
    location = /page { return 200 "app saw [$http_cookie]\n"; }
--- request
POST /privacy/consent
action=withdraw
--- more_headers eval
"Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
User-Agent: t031-withdraw
Cookie: _ga=GA1.2; session=s1; privacy_consent=$::analytics_token"
--- error_code: 200
--- response_headers
Content-Type: application/json
Cache-Control: no-store
Tk: U
! Retry-After
--- raw_response_headers_like eval
qr/(?=.*\r\nSet-Cookie: privacy_consent=[A-Za-z0-9_-]{100,}; Max-Age=15552000; Path=\/; SameSite=Lax; HttpOnly\r\n)(?=.*\r\nSet-Cookie: _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=\/\r\n)/s
--- raw_response_headers_unlike eval
qr/Set-Cookie: session=/
--- response_body_like chomp
^\{"decision":\{"id":"[0-9a-f]{32}","granted":\[\],"refused":\["analytics","marketing"\],"time":\d+,"policy":"2018-04"\},"recorded":false\}$
--- error_log eval
[
    "OOM command not allowed",
    qr/\[error\] .*privacy: consent ([0-9a-f]{32}) not acknowledged by Redis \(error\), a refusal, applied anyway; record: id "\1" action "withdraw" granted "" refused "analytics,marketing" policy "2018-04" time_ms "\d{13}" banner_sha256 "[0-9a-f]{64}" source "script" host "localhost" addr "127\.0\.0\.0" ua "t031-withdraw" replaces "a{32}" edge "[^"]+" gpc "0", client: /,
]
--- no_error_log
[alert]
[crit]
--- grep_error_log eval
qr/\[error\] .*redis replied with an error/
--- grep_error_log_out eval
qr/\A[^\n]*redis replied with an error\n\z/



=== TEST 12: Redis full: a grant fails closed, 503 and nothing changed
--- request
POST /privacy/consent
action=accept_all
--- more_headers eval
"Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Cookie: privacy_consent=$::none_token"
--- error_code: 503
--- response_headers
Retry-After: 5
Tk: U
! Set-Cookie
--- response_body
{"error":"the decision could not be recorded, nothing was changed"}
--- error_log
answering 503 and granting nothing
--- no_error_log
a refusal, applied anyway



=== TEST 13: Redis full: a save that adds a category to those held is a grant
--- request
POST /privacy/consent
action=save&category=analytics&category=marketing
--- more_headers eval
"Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Cookie: privacy_consent=$::analytics_token"
--- error_code: 503
--- response_headers
Retry-After: 5
! Set-Cookie
--- no_error_log
a refusal, applied anyway



=== TEST 14: Redis full: a save that keeps some of the grants held applies
--- request
POST /privacy/consent
action=save&category=analytics
--- more_headers eval
"Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Cookie: _fbp=fb.1; _ga=GA1; privacy_consent=$::both_token"
--- error_code: 200
--- raw_response_headers_like eval
qr/(?=.*\r\nSet-Cookie: privacy_consent=[A-Za-z0-9_-]+;)(?=.*\r\nSet-Cookie: _fbp=; Max-Age=0)/s
--- raw_response_headers_unlike eval
qr/Set-Cookie: _ga=/
--- response_body_like chomp
"granted":\["analytics"\],"refused":\["marketing"\],.*"recorded":false\}$
--- error_log
a refusal, applied anyway; record: id "



=== TEST 15: Redis full: a save of the grants held, no more, applies
--- request
POST /privacy/consent
action=save&category=analytics
--- more_headers eval
"Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Cookie: privacy_consent=$::analytics_token"
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- response_body_like chomp
"granted":\["analytics"\],.*"recorded":false\}$



=== TEST 16: Redis full: a grant without a decision held fails closed
--- request
POST /privacy/consent
action=save&category=marketing
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- response_headers
! Set-Cookie



=== TEST 17: Redis full: the form without script gets a page that says so
--- request
POST /privacy/consent
action=reject_all&return=%2Fpage%3Fa%3D1%26b%3D%22%3E%3Cscript%3E
--- more_headers
Origin: http://localhost
Accept: text/html,*/*;q=0.8
Content-Type: application/x-www-form-urlencoded
--- error_code: 200
--- response_headers
Content-Type: text/html; charset=utf-8
! Location
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- response_body_like chomp
<h1>Your choice applies</h1><p>It is in effect in this browser now, but the site could not record it.</p><p><a href="/page\?a=1&amp;b=&quot;&gt;&lt;script&gt;">Back to the site</a>
--- error_log
source "form"



=== TEST 18: Redis full: DELETE withdraws, not recorded
--- request
DELETE /privacy/consent
--- more_headers eval
"Origin: http://localhost
Cookie: _fbp=fb.1; privacy_consent=$::both_token"
--- error_code: 200
--- raw_response_headers_like eval
qr/\r\nSet-Cookie: _fbp=; Max-Age=0/
--- response_body_like chomp
"granted":\[\],.*"recorded":false\}$



=== TEST 19: after an unrecorded withdrawal the next page says Tk: N
--- init
main::withdraw_then_page();
--- request
GET /page
--- response_body
app saw []



=== TEST 20: the logged records are replayed once Redis has room again
--- init
main::replay();
--- request
GET /page
--- response_body
app saw []



=== TEST 21: a record too long for one log line is split at a field
--- init
main::fill_redis();
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT timeout=300ms prefix=t031:;
--- config eval
my $cats = CORE::join '', map { "    privacy_category " . ($_ x 32) . " $_;\n" }
                    qw(a b c d e);
"    privacy on;
    privacy_policy_version " . ('v' x 64) . ";
    privacy_secret \$TEST_NGINX_KEY_PRIMARY;
$cats
    location /privacy/consent { privacy_consent_endpoint; }
    location = /page { return 200 \"page\\n\"; }
"
--- request
POST /privacy/consent
action=reject_all
--- more_headers eval
"Sec-Fetch-Site: same-origin
Accept: application/json
Content-Type: application/x-www-form-urlencoded
Host: " . ('h' x 250) . ":8080
User-Agent: \"\\" . ("\x01" x 300)
--- error_code: 200
--- response_body_like chomp
"recorded":false\}$
--- error_log eval
[
    qr/a refusal, applied anyway; record 1\/2: id "[0-9a-f]{32}" action "reject_all" granted "" refused "a{32},b{32},c{32},d{32},e{32}" policy "v{64}" time_ms "\d{13}" banner_sha256 "[0-9a-f]{64}" source "script" host "h{250}:8080" addr "127\.0\.0\.0", client: /,
    qr/a refusal, applied anyway; record 2\/2: ua "\\"\\\\(?:\\x01){254}" replaces "" edge "[^"]+" gpc "0", client: /,
]



=== TEST 22: the split record is replayed whole
--- init
main::replay();
--- request
GET /page
--- response_body
page
