# Fail closed: when Redis cannot record a decision, the consent endpoint
# answers 503 with Retry-After and sets no cookie, pages are served with
# enforcement as before, and recording resumes once Redis is back, without
# an nginx reload.  Redis is stopped, paused past the timeout (SIGSTOP) and
# made to refuse nginx's (missing) password.

# serial: stops, locks and fills the shared Redis
use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use POSIX ();

$ENV{TEST_NGINX_DEAD_REDIS_PORT} ||= $ENV{TEST_NGINX_REDIS_PORT} + 1;

our $password = "t031-$$";

# whatever happens to the blocks, the shared Redis is given back as it was
END {
    if (my $pid = redis_pid()) {
        kill 'CONT', $pid;
    }
    system("redis-cli -p $ENV{TEST_NGINX_REDIS_PORT} -a $password"
           . " --no-auth-warning CONFIG SET requirepass '' >/dev/null 2>&1");
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



=== TEST 4: Redis paused (SIGSTOP) past the timeout: 503, no cookie
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



=== TEST 5: Redis resumed: recording resumes without a reload
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



=== TEST 6: Redis asks for a password nginx does not have: 503
--- init
main::set_password($main::password, undef);
select(undef, undef, undef, 0.5);
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- response_headers
! Set-Cookie



=== TEST 7: the password is gone again: recording resumes without a reload
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
