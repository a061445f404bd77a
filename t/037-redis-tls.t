# privacy_redis over TLS (tls=on, tls_ca=, tls_cert=, tls_key=,
# tls_server_name=) to Redis and to a sentinel, and the sentinels'
# password (sentinel_password_file=, sentinel_user=).
#
# The suite makes a throwaway CA and certificates with openssl, and starts
# its own servers on free ports, stopped by their pids at the end: a Redis
# with a plain port (for the suite's own checks) and a TLS port that wants
# a client certificate, a sentinel that wants a password, and on a build
# with TLS a sentinel that speaks TLS.  The blocks that speak TLS run only
# on a build with TLS (make test-compat); on one without (hiredis 0.14)
# the nginx -t blocks check the message that says how to build it.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';
use Test::More;
use File::Temp ();
use IO::Socket::INET;
use POSIX ();

our $tls = redis_tls_built();

our $prefix = "t037:$$:";
$ENV{TEST_NGINX_T037_PREFIX} = $prefix;

my $tmp = File::Temp::tempdir('t037-XXXXXX', TMPDIR => 1, CLEANUP => 1);
$ENV{TEST_NGINX_T037_DIR} = $tmp;

my @servers;

END {
    # local: waitpid's status must not become the suite's
    local $?;
    for my $pid (@servers) {
        kill 'TERM', $pid;
        waitpid $pid, 0;
    }
}

sub free_port {
    my $port = `tools/free-port.pl`;
    chomp $port;
    die "no free port\n" unless $port =~ /^\d+$/;
    return $port;
}

sub run_quiet {
    my @cmd = @_;
    system("@cmd >>$tmp/openssl.log 2>&1") == 0
        or die "@cmd failed, see $tmp/openssl.log\n";
}

# a server of ours, as a child; waits until its port takes connections
sub start_server {
    my ($port, @cmd) = @_;
    my $pid = fork();
    die "fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        exec @cmd or POSIX::_exit(1);
    }
    push @servers, $pid;
    for (1 .. 200) {
        my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                         PeerPort => $port);
        return if $sock;
        die "@cmd exited\n" if waitpid($pid, POSIX::WNOHANG()) == $pid;
        select(undef, undef, undef, 0.05);
    }
    die "@cmd does not listen on $port\n";
}

# the certificates: one CA for the servers and the client, another CA
# that signed none of them, the server's names redis.test and 127.0.0.1
my $ec = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
for my $ca (qw(ca other-ca)) {
    run_quiet("openssl req -x509 $ec -keyout $tmp/$ca.key -out $tmp/$ca.crt"
              . " -days 2 -subj /CN=t037-$ca");
}
open my $ext, '>', "$tmp/server.ext" or die "$tmp/server.ext: $!\n";
print $ext "subjectAltName=DNS:redis.test,IP:127.0.0.1\n";
close $ext;
for my $name (qw(server client)) {
    run_quiet("openssl req $ec -keyout $tmp/$name.key -out $tmp/$name.csr"
              . " -subj /CN=t037-$name");
    run_quiet("openssl x509 -req -in $tmp/$name.csr -CA $tmp/ca.crt"
              . " -CAkey $tmp/ca.key -CAcreateserial -days 2"
              . " -out $tmp/$name.crt"
              . ($name eq 'server' ? " -extfile $tmp/server.ext" : ''));
}
chmod 0600, glob "$tmp/*.key";
open my $junk, '>', "$tmp/junk.pem" or die "$tmp/junk.pem: $!\n";
print $junk "not a certificate\n";
close $junk;

my @tls_files = ('--tls-cert-file', "$tmp/server.crt",
                 '--tls-key-file', "$tmp/server.key",
                 '--tls-ca-cert-file', "$tmp/ca.crt");

# Redis: the plain port for the checks below, TLS for nginx
my $plain_port = free_port();
my $tls_port = free_port();
$ENV{TEST_NGINX_T037_TLS_PORT} = $tls_port;

start_server($plain_port, 'redis-server', '--port', $plain_port,
             '--tls-port', $tls_port, '--bind', '127.0.0.1', @tls_files,
             '--save', '', '--appendonly', 'no', '--dir', $tmp,
             '--logfile', "$tmp/redis.log", '--daemonize', 'no');

# sentinels with a password and an ACL user, monitoring that Redis:
# get-master-addr-by-name answers with the monitored address at once
sub sentinel_conf {
    my ($file, $port, $master_port, @more) = @_;
    open my $fh, '>', $file or die "$file: $!\n";
    print $fh join "\n", "bind 127.0.0.1", "dir $tmp",
        "logfile $file.log", 'requirepass sentinel-pass',
        # the least-privilege user docs/redis.md describes
        'user t037 on >user-pass resetchannels &+switch-master -@all +auth'
        . ' +sentinel|get-master-addr-by-name +subscribe', @more,
        "sentinel monitor t037 127.0.0.1 $master_port 1", '';
    close $fh;
}

my $sentinel_port = free_port();
$ENV{TEST_NGINX_T037_SENTINEL_PORT} = $sentinel_port;
sentinel_conf("$tmp/sentinel.conf", $sentinel_port, $plain_port,
              "port $sentinel_port");
start_server($sentinel_port, 'redis-server', "$tmp/sentinel.conf",
             '--sentinel', '--daemonize', 'no');

if ($tls) {
    my $port = free_port();
    $ENV{TEST_NGINX_T037_TLS_SENTINEL_PORT} = $port;
    sentinel_conf("$tmp/tls-sentinel.conf", $port, $tls_port, 'port 0',
                  "tls-port $port", 'tls-replication yes',
                  "tls-cert-file $tmp/server.crt",
                  "tls-key-file $tmp/server.key",
                  "tls-ca-cert-file $tmp/ca.crt");
    start_server($port, 'redis-server', "$tmp/tls-sentinel.conf",
                 '--sentinel', '--daemonize', 'no');
} else {
    $ENV{TEST_NGINX_T037_TLS_SENTINEL_PORT} = 1;
}

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

# the message of a build without TLS, for the nginx -t blocks
our $no_tls = qr/\[emerg\] .*"privacy_redis": tls=on needs hiredis 1\.x with hiredis_ssl, and this module is built against hiredis \d+\.\d+(?:, which has no TLS| without it): build hiredis (?:1\.x )?with "make static USE_SSL=1" .*tools\/compat\.sh \(make test-compat\)/;

add_block_preprocessor(sub {
    my $block = shift;
    # a block without http_config asks the nginx of the block before
    $block->set_value('config', $::Base)
        unless defined $block->config || !defined $block->http_config;
});

repeat_each(1);
no_shuffle();
run_tests();

# what the blocks recorded, read on the plain port

my %by_ua;
for my $port ($plain_port, $ENV{TEST_NGINX_REDIS_PORT}) {
    my $log = redis(port => $port, 'XRANGE', "${prefix}log", '-', '+');
    for my $entry (@$log) {
        my %f = @{ $entry->[1] };
        $by_ua{$f{ua}} = { %f, port => $port };
    }
    redis(port => $port, 'DEL', "${prefix}log");
}

SKIP: {
    skip 'no TLS in this build', 2 unless $tls;
    is($by_ua{'t037-tls'}{port}, $plain_port,
       'the decision over TLS is in the TLS Redis');
    is($by_ua{'t037-tls-sentinel'}{port}, $plain_port,
       'and the one whose primary a TLS sentinel named');
}
ok(!exists $by_ua{'t037-wrong-ca'}, 'nothing recorded with a wrong CA');
is($by_ua{'t037-sentinel'}{port}, $plain_port,
   'a sentinel with a password names the primary');
is($by_ua{'t037-sentinel-user'}{port}, $plain_port,
   'and one with an ACL user');

__DATA__

=== TEST 1: a decision recorded over TLS, the server's name checked
--- skip_eval: 3: !$::tls
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_T037_TLS_PORT prefix=$TEST_NGINX_T037_PREFIX tls=on tls_ca=$TEST_NGINX_T037_DIR/ca.crt tls_cert=$TEST_NGINX_T037_DIR/client.crt tls_key=$TEST_NGINX_T037_DIR/client.key tls_server_name=redis.test;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t037-tls
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- no_error_log
[error]



=== TEST 2: a CA that did not sign the server's certificate: fails closed, says why
--- skip_eval: 4: !$::tls
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_T037_TLS_PORT prefix=$TEST_NGINX_T037_PREFIX tls=on tls_ca=$TEST_NGINX_T037_DIR/other-ca.crt tls_cert=$TEST_NGINX_T037_DIR/client.crt tls_key=$TEST_NGINX_T037_DIR/client.key;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
User-Agent: t037-wrong-ca
--- error_code: 503
--- response_headers
Retry-After: 5
! Set-Cookie
--- error_log eval
qr/\[error\] .*redis connect to 127\.0\.0\.1:\d+ failed: TLS handshake failed: certificate verify failed \((?:unable to get local issuer certificate|self-signed certificate in certificate chain)\)/



=== TEST 3: a wrong CA: pages are served
--- skip_eval: 2: !$::tls
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_T037_TLS_PORT prefix=$TEST_NGINX_T037_PREFIX tls=on tls_ca=$TEST_NGINX_T037_DIR/other-ca.crt tls_cert=$TEST_NGINX_T037_DIR/client.crt tls_key=$TEST_NGINX_T037_DIR/client.key;
--- request
GET /page
--- error_code: 200
--- response_body_like chomp
page</body>



=== TEST 4: tls_server_name that the certificate does not name: fails closed
--- skip_eval: 4: !$::tls
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_T037_TLS_PORT prefix=$TEST_NGINX_T037_PREFIX tls=on tls_ca=$TEST_NGINX_T037_DIR/ca.crt tls_cert=$TEST_NGINX_T037_DIR/client.crt tls_key=$TEST_NGINX_T037_DIR/client.key tls_server_name=other.test;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
User-Agent: t037-wrong-ca
--- error_code: 503
--- response_headers
Retry-After: 5
! Set-Cookie
--- error_log eval
qr/\[error\] .*redis connect to 127\.0\.0\.1:\d+ failed: TLS handshake failed: certificate verify failed \(hostname mismatch\)/



=== TEST 5: no client certificate for a Redis that wants one: fails closed (its alert, or a reset when Redis closes before it is read)
--- skip_eval: 3: !$::tls
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_T037_TLS_PORT prefix=$TEST_NGINX_T037_PREFIX tls=on tls_ca=$TEST_NGINX_T037_DIR/ca.crt;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
User-Agent: t037-wrong-ca
--- error_code: 503
--- response_headers
! Set-Cookie
--- error_log eval
qr/\[error\] .*redis connect to 127\.0\.0\.1:\d+ failed: (?:TLS (?:handshake|connection) failed: tlsv13 alert certificate required|Connection reset by peer)/



=== TEST 6: a sentinel over TLS, with a password: the worker finds the primary
--- skip_eval: 2: !$::tls
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_T037_TLS_SENTINEL_PORT master=t037 sentinel_password_file=../html/sentinel.pass prefix=$TEST_NGINX_T037_PREFIX tls=on tls_ca=$TEST_NGINX_T037_DIR/ca.crt tls_cert=$TEST_NGINX_T037_DIR/client.crt tls_key=$TEST_NGINX_T037_DIR/client.key tls_server_name=redis.test;
--- user_files
>>> sentinel.pass
sentinel-pass
--- request
GET /page
--- wait: 1
--- error_log eval
qr/\[info\] .*redis connected to 127\.0\.0\.1:\d+/



=== TEST 7: a sentinel over TLS, with a password: a decision recorded there
--- skip_eval: 3: !$::tls
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t037-tls-sentinel
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- no_error_log
[error]



=== TEST 8: tls_ca= names no file
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_ca=$TEST_NGINX_T037_DIR/none.crt;
--- must_die
--- error_log eval
$::tls ? qr/\[emerg\] .*"privacy_redis": cannot open tls_ca= "[^"]+\/none\.crt" \(2: No such file or directory\) in \S+nginx\.conf:\d+/ : $::no_tls



=== TEST 9: tls_ca= that holds no certificate
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_ca=$TEST_NGINX_T037_DIR/junk.pem;
--- must_die
--- error_log eval
$::tls ? qr/\[emerg\] .*"privacy_redis": cannot load tls_ca= "[^"]+\/junk\.pem": no certificate or crl found in \S+nginx\.conf:\d+/ : $::no_tls



=== TEST 10: tls_cert= that is no certificate
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_cert=$TEST_NGINX_T037_DIR/junk.pem tls_key=$TEST_NGINX_T037_DIR/client.key;
--- must_die
--- error_log eval
$::tls ? qr/\[emerg\] .*"privacy_redis": cannot load tls_cert= "[^"]+\/junk\.pem": (?:no start line|PEM lib) in \S+nginx\.conf:\d+/ : $::no_tls



=== TEST 11: tls_key= of another certificate
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_cert=$TEST_NGINX_T037_DIR/client.crt tls_key=$TEST_NGINX_T037_DIR/server.key;
--- must_die
--- error_log eval
$::tls ? qr/\[emerg\] .*"privacy_redis": cannot load tls_key= "[^"]+\/server\.key": key values mismatch in \S+nginx\.conf:\d+/ : $::no_tls



=== TEST 12: tls_key= without tls_cert=
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_key=$TEST_NGINX_T037_DIR/client.key;
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis": tls_cert= and tls_key= go together/



=== TEST 13: tls_server_name= with a space
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on "tls_server_name=redis test";
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "tls_server_name=redis test"/



=== TEST 14: tls_server_name= with a slash
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_server_name=redis.test/x;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "tls_server_name=redis\.test\/x"/



=== TEST 15: an empty tls_cert=
--- http_config
    privacy_redis 127.0.0.1:6379 tls=on tls_cert= tls_key=k;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "tls_cert="/



=== TEST 16: tls=on on a unix socket
--- http_config
    privacy_redis unix:/tmp/redis.sock tls=on;
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis": tls=on on a unix socket/



=== TEST 17: sentinel_password_file= without sentinel=
--- http_config
    privacy_redis 127.0.0.1:6379 sentinel_password_file=../html/sentinel.pass;
--- user_files
>>> sentinel.pass
sentinel-pass
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis": sentinel_user= and sentinel_password_file= go with sentinel= only/



=== TEST 18: sentinel_user= needs sentinel_password_file=
--- http_config
    privacy_redis sentinel=127.0.0.1:26379 master=m sentinel_user=t037;
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis": sentinel_user= needs sentinel_password_file=/



=== TEST 19: sentinel_password_file= that does not exist
--- http_config
    privacy_redis sentinel=127.0.0.1:26379 master=m sentinel_password_file=../html/none.pass;
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_redis": cannot open "[^"]+none\.pass"/



=== TEST 20: an empty sentinel_password_file=
--- http_config
    privacy_redis sentinel=127.0.0.1:26379 master=m sentinel_password_file=../html/sentinel.pass;
--- user_files
>>> sentinel.pass

--- must_die
--- error_log eval
qr/\[emerg\] .*password_file "[^"]+sentinel\.pass" of the "privacy_redis" directive is empty/



=== TEST 21: sentinel_user= of a control character
--- http_config
    privacy_redis sentinel=127.0.0.1:26379 master=m "sentinel_user=a\tb" sentinel_password_file=../html/sentinel.pass;
--- user_files
>>> sentinel.pass
sentinel-pass
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value of option "sentinel_user=a/



=== TEST 22: a sentinel with a password: the worker finds the primary
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_T037_SENTINEL_PORT master=t037 sentinel_password_file=../html/sentinel.pass prefix=$TEST_NGINX_T037_PREFIX;
--- user_files
>>> sentinel.pass
sentinel-pass
--- request
GET /page
--- wait: 1
--- error_log eval
qr/\[info\] .*redis connected to 127\.0\.0\.1:\d+/



=== TEST 23: a sentinel with a password: a decision recorded there
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t037-sentinel
--- error_code: 200
--- response_headers_like
Set-Cookie: privacy_consent=.*
--- no_error_log
[error]



=== TEST 24: a sentinel's ACL user: the worker finds the primary
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_T037_SENTINEL_PORT master=t037 sentinel_user=t037 sentinel_password_file=../html/sentinel.pass prefix=$TEST_NGINX_T037_PREFIX;
--- user_files
>>> sentinel.pass
user-pass
--- request
GET /page
--- wait: 1
--- error_log eval
qr/\[info\] .*redis connected to 127\.0\.0\.1:\d+/



=== TEST 25: a sentinel's ACL user: a decision recorded there
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
Accept: application/json
User-Agent: t037-sentinel-user
--- error_code: 200
--- no_error_log
[error]



=== TEST 26: a wrong sentinel password: a clear log line, a grant fails closed
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_T037_SENTINEL_PORT master=t037 sentinel_password_file=../html/sentinel.pass prefix=$TEST_NGINX_T037_PREFIX;
--- user_files
>>> sentinel.pass
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
--- wait: 1
--- error_log eval
[
    qr/\[error\] .*redis sentinel 127\.0\.0\.1:\d+: AUTH failed: "WRONGPASS/,
    qr/\[error\] .*redis sentinels gave no primary of "t037"/,
]



=== TEST 27: no sentinel password where the sentinel wants one
--- http_config
    privacy_redis sentinel=127.0.0.1:$TEST_NGINX_T037_SENTINEL_PORT master=t037 prefix=$TEST_NGINX_T037_PREFIX;
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Content-Type: application/x-www-form-urlencoded
--- error_code: 503
--- wait: 1
--- error_log eval
qr/\[warn\] .*redis sentinel 127\.0\.0\.1:\d+ failed: "NOAUTH/
