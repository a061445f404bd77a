# privacy_status: the counters in the Prometheus text format, summed in a
# shared zone.  One nginx runs every block: the first ones make the module
# inject banners, block and expire cookies in both directions, reject
# tokens for each reason and record consents; the later ones read the
# counters back.  Redis is paused at the end for a failed recording.

# serial: stops, locks and fills the shared Redis
use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use MIME::Base64 qw(encode_base64url decode_base64url);
use POSIX ();

our $prefix = "t060:$$:";
$ENV{TEST_NGINX_T060_PREFIX} = $prefix;

our $HttpConfig = <<'_EOC_' . backend_http_config();
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T060_PREFIX timeout=200ms;
_EOC_

# one token per reason a token is rejected for
our %T;

$T{expired} = mint(grant => 'analytics', issued => time - 7200,
                   expires => time - 3600);
$T{unknown_key} = mint(grant => 'analytics', key => 'unknown');
$T{policy} = mint(grant => 'analytics', policy => '2017-01');
$T{categories} = mint(grant => 'analytics',
                      categories => 'necessary:essential,analytics');

# a character of the MAC changed: the signature no longer matches
$T{bad_signature} = mint(grant => 'analytics');
{
    my $i = length($T{bad_signature}) - 10;
    my $c = substr($T{bad_signature}, $i, 1);
    substr($T{bad_signature}, $i, 1) = $c eq 'A' ? 'B' : 'A';
}

# a token format this module does not know (the version byte is checked
# before the signature)
{
    my $raw = decode_base64url(mint(grant => 'analytics'));
    substr($raw, 0, 1) = chr(2);
    $T{version} = encode_base64url($raw);
}

$T{malformed} = 'not-a-token!';

# the shared Redis is given back running, whatever happens to the blocks
END {
    if (my $pid = redis_pid()) {
        kill 'CONT', $pid;
    }
}

# a regular expression for these lines of the text, whole and in this
# order, others between them; a qr// line is a pattern
sub lines_like {
    my $re = join '.*', map { ref $_ ? "^$_\$" : '^' . quotemeta($_) . '$' }
                            @_;
    return qr/$re/ms;
}

sub blocked {
    my ($category, $request, $response) = @_;
    return ("privacy_cookies_blocked_total{category=\"$category\","
            . "direction=\"request\"} $request",
            "privacy_cookies_blocked_total{category=\"$category\","
            . "direction=\"response\"} $response");
}

add_block_preprocessor(sub {
    my $block = shift;

    if (defined $block->config && !defined $block->http_config) {
        $block->set_value('http_config', $HttpConfig);
    }
});

repeat_each(1);
no_shuffle();
run_tests();

# the records the consent blocks left in Redis
my $log = eval { redis('XRANGE', "${prefix}log", '-', '+') } || [];
my @ids = map { +{ @{ $_->[1] } }->{id} } @$log;
redis('DEL', "${prefix}log", map { "${prefix}consent:$_" } @ids);

__DATA__

=== TEST 1: every series is there from the start, at zero
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;

    location = /page {
        default_type text/html;
        return 200 "<html><body>page</body></html>\n";
    }

    location = /plain {
        return 200 "plain\n";
    }

    location = /set {
        privacy_unknown_cookies block;
        proxy_pass http://backend/set;
    }

    # another list: the names are the union, "necessary" once
    location = /other {
        privacy_category necessary essential session;
        privacy_category social _tw;
        return 200 "other\n";
    }

    location /privacy/consent {
        privacy_consent_endpoint;
    }

    location = /metrics {
        privacy off;
        privacy_status;
    }
--- request
GET /metrics
--- response_headers
Content-Type: text/plain; version=0.0.4
Cache-Control: no-store
--- response_body
# HELP privacy_banners_injected_total Consent banners inserted into pages.
# TYPE privacy_banners_injected_total counter
privacy_banners_injected_total 0
# HELP privacy_cookies_blocked_total Cookies blocked, by category and direction.
# TYPE privacy_cookies_blocked_total counter
privacy_cookies_blocked_total{category="necessary",direction="request"} 0
privacy_cookies_blocked_total{category="necessary",direction="response"} 0
privacy_cookies_blocked_total{category="analytics",direction="request"} 0
privacy_cookies_blocked_total{category="analytics",direction="response"} 0
privacy_cookies_blocked_total{category="marketing",direction="request"} 0
privacy_cookies_blocked_total{category="marketing",direction="response"} 0
privacy_cookies_blocked_total{category="social",direction="request"} 0
privacy_cookies_blocked_total{category="social",direction="response"} 0
privacy_cookies_blocked_total{category="unknown",direction="request"} 0
privacy_cookies_blocked_total{category="unknown",direction="response"} 0
# HELP privacy_elements_held_total Third-party scripts, frames, images and links held back, by category and element.
# TYPE privacy_elements_held_total counter
privacy_elements_held_total{category="necessary",element="script"} 0
privacy_elements_held_total{category="necessary",element="iframe"} 0
privacy_elements_held_total{category="necessary",element="img"} 0
privacy_elements_held_total{category="necessary",element="link"} 0
privacy_elements_held_total{category="analytics",element="script"} 0
privacy_elements_held_total{category="analytics",element="iframe"} 0
privacy_elements_held_total{category="analytics",element="img"} 0
privacy_elements_held_total{category="analytics",element="link"} 0
privacy_elements_held_total{category="marketing",element="script"} 0
privacy_elements_held_total{category="marketing",element="iframe"} 0
privacy_elements_held_total{category="marketing",element="img"} 0
privacy_elements_held_total{category="marketing",element="link"} 0
privacy_elements_held_total{category="social",element="script"} 0
privacy_elements_held_total{category="social",element="iframe"} 0
privacy_elements_held_total{category="social",element="img"} 0
privacy_elements_held_total{category="social",element="link"} 0
# HELP privacy_script_pages_total Pages through the rewriter of privacy_script: given again as the page of the same bytes was (same), read by the rewriter after the bytes found the same (differed), or whole (new).
# TYPE privacy_script_pages_total counter
privacy_script_pages_total{answer="same"} 0
privacy_script_pages_total{answer="differed"} 0
privacy_script_pages_total{answer="new"} 0
# HELP privacy_script_pages_kept_total Pages remembered with their rewrite, per worker.
# TYPE privacy_script_pages_kept_total counter
privacy_script_pages_kept_total 0
# HELP privacy_cookies_expired_total Cookies the browser held that were expired with a Set-Cookie.
# TYPE privacy_cookies_expired_total counter
privacy_cookies_expired_total 0
# HELP privacy_consents_total Consent decisions recorded, by action.
# TYPE privacy_consents_total counter
privacy_consents_total{action="accept_all"} 0
privacy_consents_total{action="reject_all"} 0
privacy_consents_total{action="save"} 0
privacy_consents_total{action="withdraw"} 0
# HELP privacy_tokens_rejected_total Consent cookies that did not verify, by reason.
# TYPE privacy_tokens_rejected_total counter
privacy_tokens_rejected_total{reason="malformed"} 0
privacy_tokens_rejected_total{reason="version"} 0
privacy_tokens_rejected_total{reason="unknown_key"} 0
privacy_tokens_rejected_total{reason="bad_signature"} 0
privacy_tokens_rejected_total{reason="expired"} 0
privacy_tokens_rejected_total{reason="policy"} 0
privacy_tokens_rejected_total{reason="categories"} 0
# HELP privacy_redis_errors_total Redis requests that failed: not connected, timed out or an error reply.
# TYPE privacy_redis_errors_total counter
privacy_redis_errors_total 0
# HELP privacy_redis_rtt_seconds Round trip times of Redis requests.
# TYPE privacy_redis_rtt_seconds histogram
privacy_redis_rtt_seconds_bucket{le="0.0005"} 0
privacy_redis_rtt_seconds_bucket{le="0.001"} 0
privacy_redis_rtt_seconds_bucket{le="0.0025"} 0
privacy_redis_rtt_seconds_bucket{le="0.005"} 0
privacy_redis_rtt_seconds_bucket{le="0.01"} 0
privacy_redis_rtt_seconds_bucket{le="0.025"} 0
privacy_redis_rtt_seconds_bucket{le="0.05"} 0
privacy_redis_rtt_seconds_bucket{le="0.1"} 0
privacy_redis_rtt_seconds_bucket{le="0.25"} 0
privacy_redis_rtt_seconds_bucket{le="0.5"} 0
privacy_redis_rtt_seconds_bucket{le="1"} 0
privacy_redis_rtt_seconds_bucket{le="+Inf"} 0
privacy_redis_rtt_seconds_sum 0.000000
privacy_redis_rtt_seconds_count 0
--- no_error_log
[error]
[alert]



=== TEST 2: HEAD: the headers only
--- request
HEAD /metrics
--- response_headers
Content-Type: text/plain; version=0.0.4
Cache-Control: no-store
--- response_body chomp



=== TEST 3: other methods are not allowed
--- request
POST /metrics
x=1
--- error_code: 405



=== TEST 4: an undecided visitor gets the banner
--- request
GET /page
--- response_body_like chomp
id="privacy-banner"



=== TEST 5: the banner again; request cookies of two categories blocked and expired
--- request
GET /page
--- more_headers
Cookie: _ga=GA1.2; _fbp=fb.1; session=s1
--- response_body_like chomp
id="privacy-banner"
--- raw_response_headers_like chomp
Set-Cookie: _ga=; Max-Age=0.*Set-Cookie: _fbp=; Max-Age=0



=== TEST 6: both directions, unknown cookies blocked (strict mode)
--- request
GET /set
--- more_headers
Cookie: tz=1; _gat=1; session=s1
--- response_body
cookie: session=s1
--- raw_response_headers_like chomp
Set-Cookie: session=s1.*Set-Cookie: tz=; Max-Age=0.*Set-Cookie: _gat=; Max-Age=0
--- raw_response_headers_unlike chomp
Set-Cookie: (_ga|_gid|_fbp|theme)=[^;]



=== TEST 7: a category of another list
--- request
GET /other
--- more_headers
Cookie: _tw=1; session=s1
--- response_body
other
--- raw_response_headers_like chomp
Set-Cookie: _tw=; Max-Age=0



=== TEST 8: token rejected: malformed
--- request
GET /plain
--- more_headers eval
"Cookie: privacy_consent=$::T{malformed}"
--- response_body
plain
--- error_log
privacy consent token rejected: malformed



=== TEST 9: token rejected: version
--- request
GET /plain
--- more_headers eval
"Cookie: privacy_consent=$::T{version}"
--- error_log
privacy consent token rejected: version



=== TEST 10: token rejected: unknown_key
--- request
GET /plain
--- more_headers eval
"Cookie: privacy_consent=$::T{unknown_key}"
--- error_log
privacy consent token rejected: unknown_key



=== TEST 11: token rejected: bad_signature (forged)
--- request
GET /plain
--- more_headers eval
"Cookie: privacy_consent=$::T{bad_signature}"
--- error_log
privacy consent token rejected: bad_signature



=== TEST 12: token rejected: expired
--- request
GET /plain
--- more_headers eval
"Cookie: privacy_consent=$::T{expired}"
--- error_log
privacy consent token rejected: expired



=== TEST 13: token rejected: policy
--- request
GET /plain
--- more_headers eval
"Cookie: privacy_consent=$::T{policy}"
--- error_log
privacy consent token rejected: policy



=== TEST 14: token rejected: categories
--- request
GET /plain
--- more_headers eval
"Cookie: privacy_consent=$::T{categories}"
--- error_log
privacy consent token rejected: categories



=== TEST 15: consent: accept_all
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- response_body_like chomp
"granted":\["analytics","marketing"\]



=== TEST 16: consent: reject_all
--- request
POST /privacy/consent
action=reject_all&return=/page
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 303



=== TEST 17: consent: save
--- request
POST /privacy/consent
action=save&category=analytics&return=/page
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 303



=== TEST 18: consent: withdraw
--- request
POST /privacy/consent
action=withdraw
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- response_body_like chomp
"granted":\[\]



=== TEST 19: consent: DELETE withdraws too
--- request
DELETE /privacy/consent
--- more_headers
Origin: http://localhost
Accept: application/json
--- response_body_like chomp
"granted":\[\]



=== TEST 20: the counters: banners, expired, consents, tokens, Redis errors
--- request
GET /metrics
--- response_body_like eval
main::lines_like(
    'privacy_banners_injected_total 2',
    'privacy_cookies_expired_total 5',
    'privacy_consents_total{action="accept_all"} 1',
    'privacy_consents_total{action="reject_all"} 1',
    'privacy_consents_total{action="save"} 1',
    'privacy_consents_total{action="withdraw"} 2',
    'privacy_tokens_rejected_total{reason="malformed"} 1',
    'privacy_tokens_rejected_total{reason="version"} 1',
    'privacy_tokens_rejected_total{reason="unknown_key"} 1',
    'privacy_tokens_rejected_total{reason="bad_signature"} 1',
    'privacy_tokens_rejected_total{reason="expired"} 1',
    'privacy_tokens_rejected_total{reason="policy"} 1',
    'privacy_tokens_rejected_total{reason="categories"} 1',
    'privacy_redis_errors_total 0',
)
--- no_error_log
[error]
[alert]



=== TEST 21: the counters: cookies blocked per category and direction
--- request
GET /metrics
--- response_body_like eval
main::lines_like(
    main::blocked('necessary', 0, 0),
    main::blocked('analytics', 2, 2),
    main::blocked('marketing', 1, 1),
    main::blocked('social', 1, 0),
    main::blocked('unknown', 1, 1),
)



=== TEST 22: the counters: Redis round trips, one per consent recorded
--- request
GET /metrics
--- response_body_like eval
main::lines_like(
    qr/privacy_redis_rtt_seconds_bucket\{le="0\.0005"\} [0-5]/,
    qr/privacy_redis_rtt_seconds_bucket\{le="1"\} 5/,
    'privacy_redis_rtt_seconds_bucket{le="+Inf"} 5',
    qr/privacy_redis_rtt_seconds_sum (?!0\.000000)\d+\.\d{6}/,
    'privacy_redis_rtt_seconds_count 5',
)



=== TEST 23: Redis paused past the timeout: 503, nothing recorded
--- init
PrivacyTest::pause_redis(0.8);
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- error_log
not acknowledged by Redis



=== TEST 24: the counters: the Redis error, no consent added
--- request
GET /metrics
--- response_body_like eval
main::lines_like(
    'privacy_consents_total{action="accept_all"} 1',
    'privacy_redis_errors_total 1',
)
