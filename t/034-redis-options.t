# privacy_redis's options for several servers and edges: sentinel= and
# master=, wait= and wait_timeout=, user= (ACL), edge=, tls=: what nginx -t
# refuses and why; WAIT failing closed against a Redis without replicas; a
# least-privilege ACL user, and a wrong password; the record's edge; all
# sentinels down.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Test::More;
use Sys::Hostname;
use FakeSentinel;

$ENV{TEST_NGINX_DEAD_REDIS_PORT} ||= $ENV{TEST_NGINX_REDIS_PORT} + 1;

our $prefix = "t033:$$:";
$ENV{TEST_NGINX_T033_PREFIX} = $prefix;

# the least-privilege user docs/redis.md describes, for this suite's prefix
our $acl_user = "t033-$$";
our $acl_pass = 'right-' . $$;
$ENV{TEST_NGINX_T033_USER} = $acl_user;

redis('ACL', 'SETUSER', $acl_user, 'reset', 'on', ">$acl_pass",
      "~${prefix}*", 'resetchannels', '-@all',
      qw(+multi +exec +xadd +hset +pexpire +hgetall +wait +ping +select
         +role));

# two fake sentinels that name themselves as the primary, for -READONLY
# and +switch-master (t/inc/FakeSentinel.pm): then they name the real one
my @fakes;
for my $name (qw(READONLY SWITCH)) {
    my $port = `tools/free-port.pl`;
    chomp $port;
    die "no free port\n" unless $port =~ /^\d+$/;
    $ENV{"TEST_NGINX_FAKE_${name}_PORT"} = $port;
    push @fakes, FakeSentinel::start(port => $port,
                                     real => $ENV{TEST_NGINX_REDIS_PORT});
}

# local: waitpid's status must not become the suite's
END { local $?; FakeSentinel::stop($_) for @fakes }

our $Base = q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga;

    location /privacy/consent { privacy_consent_endpoint; }
    location = /page {
        default_type text/html;
        return 200 "<html><body>page</body></html>\n";
    }
};

add_block_preprocessor(sub {
    my $block = shift;
    # a block without http_config asks the nginx of the block before
    $block->set_value('config', $::Base)
        unless defined $block->config || !defined $block->http_config;
});

repeat_each(1);
no_shuffle();
run_tests();

# The records the blocks wrote: the edge says which nginx wrote each

my $log = redis('XRANGE', "${prefix}log", '-', '+');
my %by_ua;
for my $entry (@$log) {
    my %f = @{ $entry->[1] };
    $by_ua{$f{ua}} = \%f;
}

is($by_ua{'t033-edge'}{edge}, 'edge-a.example_1:2',
   'edge= names the nginx in the stream');
is({ @{ redis('HGETALL', "${prefix}consent:$by_ua{'t033-edge'}{id}") } }
   ->{edge}, 'edge-a.example_1:2', 'and in the hash');
is($by_ua{'t033-default'}{edge}, lc(substr(hostname(), 0, 64)),
   'without edge=, the host name');
ok($by_ua{'t033-acl'}, 'the least-privilege ACL user records');
ok($by_ua{'t033-wait'},
   'a grant WAIT refused was still written to the primary');
ok($by_ua{'t034-after-readonly'},
   'after -READONLY, the primary the sentinels name now records');
ok($by_ua{'t034-after-switch'},
   'after +switch-master, the new primary records');

redis('DEL', "${prefix}log", map { "${prefix}consent:$_->{id}" } values %by_ua);
redis('ACL', 'DELUSER', $acl_user);

__DATA__

=== TEST 1: sentinel= needs master=
--- http_config
    privacy_redis sentinel=127.0.0.1:26379;
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis" with sentinel= needs master=NAME/



=== TEST 2: master= goes with sentinel= only
--- http_config
    privacy_redis 127.0.0.1:6379 master=mymaster;
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis": master= goes with sentinel= only/



=== TEST 3: a sentinel's host name is refused: resolving it would block
--- http_config
    privacy_redis sentinel=127.0.0.1:26379,sentinel.example.com:26379 master=m;
--- must_die
--- error_log eval
qr/\[emerg\] .*host name "sentinel\.example\.com" in the "privacy_redis" directive is not supported/



=== TEST 4: an empty sentinel list
--- http_config
    privacy_redis sentinel= master=m;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "sentinel=" of the "privacy_redis" directive: one to 16 addresses/



=== TEST 5: an empty address between commas
--- http_config
    privacy_redis sentinel=127.0.0.1:26379,,127.0.0.1:26380 master=m;
--- must_die
--- error_log eval
qr/\[emerg\] .*empty address in "sentinel=127\.0\.0\.1:26379,,127\.0\.0\.1:26380"/



=== TEST 6: seventeen sentinels are too many
--- http_config eval
"privacy_redis sentinel="
. CORE::join(',', map { "127.0.0.1:" . (26000 + $_) } 1 .. 17) . " master=m;"
--- must_die
--- error_log eval
qr/\[emerg\] .*one to 16 addresses separated by commas/



=== TEST 7: a master name with a control character, and one too long
--- http_config eval
"privacy_redis sentinel=127.0.0.1:26379 master=" . ('m' x 129) . ";"
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "master=m{129}"/



=== TEST 8: wait=0 is no wait: refused, as is a count past 64
--- http_config
    privacy_redis 127.0.0.1:6379 wait=0;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "wait=0"/



=== TEST 9: wait=65
--- http_config
    privacy_redis 127.0.0.1:6379 wait=65;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "wait=65"/



=== TEST 10: wait_timeout= without wait=
--- http_config
    privacy_redis 127.0.0.1:6379 wait_timeout=100ms;
--- must_die
--- error_log eval
qr/\[emerg\] .*wait_timeout= goes with wait=N only/



=== TEST 11: wait_timeout=0
--- http_config
    privacy_redis 127.0.0.1:6379 wait=1 wait_timeout=0;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "wait_timeout=0"/



=== TEST 12: user= needs password_file=
--- http_config
    privacy_redis 127.0.0.1:6379 user=edge;
--- must_die
--- error_log eval
qr/\[emerg\] .*user= needs password_file=/



=== TEST 13: an empty user=
--- http_config
    privacy_redis 127.0.0.1:6379 user= password_file=../html/pass;
--- user_files
>>> pass
secret
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "user="/



=== TEST 14: edge= of letters, digits and "-._:" only
--- http_config
    privacy_redis 127.0.0.1:6379 "edge=a b";
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "edge=a b"/



=== TEST 15: an empty edge=, and one of 65 bytes
--- http_config eval
"privacy_redis 127.0.0.1:6379 edge=" . ('e' x 65) . ";"
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "edge=e{65}"/



=== TEST 16: edge= empty
--- http_config
    privacy_redis 127.0.0.1:6379 edge=;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "edge="/



=== TEST 17: tls=on on a build without TLS: how to build with it (t/037)
--- skip_eval: 2: redis_tls_built()
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on;
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis": tls=on needs hiredis 1\.x with hiredis_ssl, and this module is built against hiredis \d+\.\d+(?:, which has no TLS| without it): build hiredis (?:1\.x )?with "make static USE_SSL=1" .*tools\/compat\.sh \(make test-compat\)/



=== TEST 18: tls_ca= without tls=on
--- http_config
    privacy_redis 127.0.0.1:6379 tls_ca=/etc/ssl/certs/ca-certificates.crt;
--- must_die
--- error_log eval
qr/\[emerg\] .*tls_ca=, tls_cert=, tls_key= and tls_server_name= go with tls=on only/



=== TEST 19: tls_cert= without tls_key=
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_cert=/tmp/c.pem;
--- must_die
--- error_log eval
qr/\[emerg\] .*tls_cert= and tls_key= go together/



=== TEST 20: an unknown option names the new ones
--- http_config
    privacy_redis 127.0.0.1:6379 sentinels=1;
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown option "sentinels=1" in "privacy_redis" directive, use db=, user=, password_file=, prefix=, edge=, connect_timeout=, timeout=, wait=, wait_timeout=, retention=, master=, sentinel_user=, sentinel_password_file=, tls=/



=== TEST 21: edge= names this nginx in the record
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T033_PREFIX edge=edge-a.example_1:2;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t033-edge
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- no_error_log
[error]



=== TEST 22: without edge=, the host name
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T033_PREFIX;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t033-default
--- error_code: 200
--- no_error_log
[error]



=== TEST 23: wait=1 and no replica: a grant is not acknowledged, 503 and no cookie
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T033_PREFIX wait=1 wait_timeout=50ms;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t033-wait
--- error_code: 503
--- response_headers
Retry-After: 5
! Set-Cookie
--- error_log eval
[
    qr/\[error\] .*redis WAIT: 0 of 1 replicas acknowledged within 50 ms/,
    qr/\[error\] .*privacy: consent [0-9a-f]{32} not acknowledged by Redis \(error\), answering 503/,
]



=== TEST 24: wait=1 and no replica: a refusal applies, its record logged
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T033_PREFIX wait=1 wait_timeout=50ms;
--- request
POST /privacy/consent
action=reject_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t033-wait-refusal
--- error_code: 200
--- response_body_like chomp
"recorded":false\}$
--- error_log eval
qr/\[error\] .*not acknowledged by Redis \(error\), a refusal, applied anyway; record: id "[0-9a-f]{32}" action "reject_all" .* edge "[^"]+"/



=== TEST 25: a least-privilege ACL user records
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T033_PREFIX user=$TEST_NGINX_T033_USER password_file=../html/acl.pass;
--- user_files eval
[["acl.pass", "$::acl_pass\n"]]
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t033-acl
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- no_error_log
[error]



=== TEST 26: a wrong ACL password: a clear log line, a grant fails closed
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T033_PREFIX user=$TEST_NGINX_T033_USER password_file=../html/acl.pass;
--- user_files
>>> acl.pass
wrong
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- response_headers
Retry-After: 5
! Set-Cookie
--- error_log eval
qr/\[error\] .*redis AUTH on 127\.0\.0\.1:\d+ failed: "WRONGPASS/



=== TEST 27: all sentinels down: a grant fails closed, the reason logged
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_DEAD_REDIS_PORT,127.0.0.2:$TEST_NGINX_DEAD_REDIS_PORT master=mymaster connect_timeout=100ms;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- error_log eval
[
    qr/\[warn\] .*redis sentinel 127\.0\.0\.1:\d+ failed: Connection refused/,
    qr/\[error\] .*redis sentinels gave no primary of "mymaster"/,
]
--- no_error_log
[alert]
[crit]



=== TEST 28: all sentinels down: pages are served
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_DEAD_REDIS_PORT,127.0.0.2:$TEST_NGINX_DEAD_REDIS_PORT master=mymaster connect_timeout=100ms;
--- request
GET /page
--- error_code: 200
--- no_error_log
[alert]
[crit]



=== TEST 29: a primary that turns read-only: the worker finds it first
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_FAKE_READONLY_PORT master=fake prefix=$TEST_NGINX_T033_PREFIX;
--- request
GET /page
--- wait: 1
--- error_log eval
qr/\[info\] .*redis connected to 127\.0\.0\.1:$ENV{TEST_NGINX_FAKE_READONLY_PORT}$/m



=== TEST 30: -READONLY: the grant fails closed, the sentinels are asked again
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- response_headers
Retry-After: 5
! Set-Cookie
--- error_log eval
qr/\[error\] .*redis 127\.0\.0\.1:$ENV{TEST_NGINX_FAKE_READONLY_PORT} is read-only, asking the sentinels for the primary of "fake"/



=== TEST 31: -READONLY: the primary the sentinels name now, without a reload
--- request
GET /page
--- wait: 1
--- error_log eval
qr/\[notice\] .*redis connection to 127\.0\.0\.1:$ENV{TEST_NGINX_REDIS_PORT} restored/



=== TEST 32: -READONLY: the new primary records
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t034-after-readonly
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*



=== TEST 33: +switch-master: the worker finds the old primary first
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_FAKE_SWITCH_PORT master=fake2 prefix=$TEST_NGINX_T033_PREFIX;
--- request
GET /page
--- wait: 1
--- error_log eval
qr/\[info\] .*redis connected to 127\.0\.0\.1:$ENV{TEST_NGINX_FAKE_SWITCH_PORT}$/m



=== TEST 34: +switch-master for the master: the worker moves at once
--- init
FakeSentinel::switch($ENV{TEST_NGINX_FAKE_SWITCH_PORT}, 'fake2');
--- request
GET /page
--- wait: 1
--- error_log eval
[
    qr/\[notice\] .*redis sentinel 127\.0\.0\.1:\d+: \+switch-master fake2 127\.0\.0\.1 \d+ 127\.0\.0\.1 $ENV{TEST_NGINX_REDIS_PORT}/,
    qr/\[notice\] .*redis connection to 127\.0\.0\.1:$ENV{TEST_NGINX_REDIS_PORT} restored/,
]



=== TEST 35: +switch-master: the new primary records
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t034-after-switch
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
