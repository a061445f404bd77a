package PrivacyTest;

# Shared set-up of the ngx_privacy_module suites: paths, test keys and a
# token minting helper that runs the module's own core code
# (build/unit/privacy-mint), so suites never re-implement the token format.
# Works with both the bundled and the upstream Test::Nginx.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use IO::Socket::INET;
use POSIX ();
use File::Temp ();
use Digest::SHA ();

use Exporter 'import';
our @EXPORT = qw(mint mint_cmd categories_arg redis redis_pid pause_redis
                 default_http_config script_placeholder script_lines);

my $top = abs_path(dirname(__FILE__) . '/../..');

$ENV{TEST_NGINX_PRIVACY_ROOT}  ||= $top;
$ENV{TEST_NGINX_PRIVACY_MINT}  ||= "$top/build/unit/privacy-mint";
$ENV{TEST_NGINX_REDIS_PORT}    ||= 6379;

# The module warns about a key file others can read; git does not keep
# modes, so the keys are made private here.
for my $name (qw(primary retired unknown short)) {
    my $file = "$top/t/keys/$name.key";
    chmod 0600, $file if -e $file;
    $ENV{'TEST_NGINX_KEY_' . uc $name} ||= $file;
}

# A page of privacy_script's suites, line by line: each line as the page
# has it and as an undecided visitor gets it where the configuration holds
# back www.googletagmanager.com and ~^https://stats\.example\.org/ as
# analytics, .facebook.net and https://www.youtube.com/embed/ as marketing
# (t/040-script.t, and some of them t/043-script-memo.t)
sub script_lines {
    return (
        [q{<script async src="https://www.googletagmanager.com/gtag/js?id=G-1&amp;l=dl"></script>},
         q{<script type="text/plain" data-privacy-category="analytics" async data-privacy-src="https://www.googletagmanager.com/gtag/js?id=G-1&amp;l=dl"></script>}],
        [q{<script>window.dataLayer=[];</script>},
         q{<script>window.dataLayer=[];</script>}],
        [q{<script>(function(){var s=document.createElement('script');s.src='https://connect.facebook.net/en_US/fbevents.js';})();</script>},
         q{<script type="text/plain" data-privacy-category="marketing">(function(){var s=document.createElement('script');s.src='https://connect.facebook.net/en_US/fbevents.js';})();</script>}],
        [q{<link rel=preconnect href='https://www.googletagmanager.com'>},
         q{<link data-privacy-category="analytics" rel=preconnect data-privacy-href='https://www.googletagmanager.com'>}],
        [q{<link rel=stylesheet href="https://www.googletagmanager.com/x.css">},
         q{<link rel=stylesheet href="https://www.googletagmanager.com/x.css">}],
        [q{</head><body><p>text</p>}, q{</head><body><p>text</p>}],
        [q{<IFRAME SRC="https://www.youtube.com/embed/xyz?rel=0" allowfullscreen></IFRAME>},
         q{<IFRAME data-privacy-category="marketing" data-privacy-SRC="https://www.youtube.com/embed/xyz?rel=0" allowfullscreen></IFRAME>}],
        [q{<iframe src="https://www.youtube.com/watch?v=1"></iframe>},
         q{<iframe src="https://www.youtube.com/watch?v=1"></iframe>}],
        [q{<img src=https://px.facebook.net/tr?id=1&amp;ev=PageView width=1>},
         q{<img data-privacy-category="marketing" data-privacy-src=https://px.facebook.net/tr?id=1&amp;ev=PageView width=1>}],
        [q{<img srcset="/a.png 1x, //cdn.facebook.net/b.png 2x" alt=''>},
         q{<img data-privacy-category="marketing" data-privacy-srcset="/a.png 1x, //cdn.facebook.net/b.png 2x" alt=''>}],
        [q{<img src="/local.png"><img src="https://notfacebook.net/x.png">},
         q{<img src="/local.png"><img src="https://notfacebook.net/x.png">}],
        [q{<script src="https://stats.example.org/s.js" defer></script>},
         q{<script type="text/plain" data-privacy-category="analytics" data-privacy-src="https://stats.example.org/s.js" defer></script>}],
        [q{<!-- <script src="https://www.googletagmanager.com/c.js"></script> -->},
         q{<!-- <script src="https://www.googletagmanager.com/c.js"></script> -->}],
        [q{<script>var a = "<img src='https://px.facebook.net/in-text'>";</script>},
         q{<script type="text/plain" data-privacy-category="marketing">var a = "<img src='https://px.facebook.net/in-text'>";</script>}],
        [q{<script>var b = "</script><script src='https://www.googletagmanager.com/after.js'></script>},
         q{<script>var b = "</script><script type="text/plain" data-privacy-category="analytics" data-privacy-src='https://www.googletagmanager.com/after.js'></script>}],
        [q{<noscript><img src="https://px.facebook.net/tr?noscript=1"></noscript>},
         q{<noscript><img data-privacy-category="marketing" data-privacy-src="https://px.facebook.net/tr?noscript=1"></noscript>}],
        [q{<textarea><img src="https://px.facebook.net/not-a-tag"></textarea>},
         q{<textarea><img src="https://px.facebook.net/not-a-tag"></textarea>}],
        [q{<script type="text/plain" data-privacy-category="analytics">ga('send')</script>},
         q{<script type="text/plain" data-privacy-category="analytics">ga('send')</script>}],
        [q{</body></html>}, q{</body></html>}],
    );
}

# What privacy_script's rewriter links before the first frame it holds back
# on a page without the banner: the banner's stylesheet and script, their
# names hashed from ngx_privacy_module/assets/, with the optional
# categories the visitor GRANTED (space-separated names)
sub script_placeholder {
    my ($granted) = @_;
    my %hash;
    for my $name (qw(css js)) {
        open my $fh, '<:raw', "$top/ngx_privacy_module/assets/banner.$name"
            or die "ngx_privacy_module/assets/banner.$name: $!\n";
        local $/;
        $hash{$name} = substr(Digest::SHA::sha256_hex(<$fh>), 0, 12);
    }
    qq{<link rel="stylesheet" href="/privacy/consent/banner.$hash{css}.css">}
    . qq{<script src="/privacy/consent/banner.$hash{js}.js" data-privacy-granted="}
    . ($granted // '') . q{" defer></script>};
}

# the category list the suites configure, in privacy-mint's notation
our $CATEGORIES = 'necessary:essential,analytics,marketing';

sub categories_arg { $CATEGORIES }

# mint(grant => 'analytics,marketing' | 'none', key => 'primary',
#      policy => '2018-04', categories => $CATEGORIES, ttl => SECONDS,
#      issued => UNIX, expires => UNIX, id => HEX32, gpc => 1)
sub mint {
    my %o = @_;
    my @cmd = mint_cmd(%o);
    open my $fh, '-|', @cmd or die "cannot run @cmd: $!";
    my $token = <$fh>;
    close $fh or die "@cmd failed: exit " . ($? >> 8) . "\n";
    die "@cmd printed nothing\n" unless defined $token;
    chomp $token;
    return $token;
}

sub mint_cmd {
    my %o = @_;
    my $key = $o{key} || 'primary';
    my @cmd = ($ENV{TEST_NGINX_PRIVACY_MINT},
               '--key-file', $ENV{'TEST_NGINX_KEY_' . uc $key},
               '--policy', $o{policy} || '2018-04',
               '--categories', $o{categories} || $CATEGORIES,
               '--grant', $o{grant} || 'none');
    push @cmd, '--ttl', $o{ttl} if defined $o{ttl};
    push @cmd, '--issued', $o{issued} if defined $o{issued};
    push @cmd, '--expires', $o{expires} if defined $o{expires};
    push @cmd, '--id', $o{id} if defined $o{id};
    push @cmd, '--gpc' if $o{gpc};
    return @cmd;
}

# redis(COMMAND, ARGS...): one command to the suites' Redis, in RESP; the
# reply as a scalar, an array ref for arrays, undef for nil; dies on an
# error reply.  Port: $TEST_NGINX_REDIS_PORT, or redis(port => N, ...).
sub redis {
    my @args = @_;
    my $port = $ENV{TEST_NGINX_REDIS_PORT};
    if (@args > 2 && $args[0] eq 'port') {
        (undef, $port, @args) = @args;
    }
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Timeout => 5)
        or die "cannot connect to Redis on $port: $!\n";
    my $req = '*' . @args . "\r\n";
    $req .= '$' . length($_) . "\r\n$_\r\n" for @args;
    print $sock $req;
    my $reply = _resp($sock);
    close $sock;
    return $reply;
}

sub _resp {
    my ($sock) = @_;
    my $line = <$sock>;
    die "Redis closed the connection\n" unless defined $line;
    $line =~ s/\r\n\z//;
    my ($type, $rest) = (substr($line, 0, 1), substr($line, 1));
    return $rest if $type eq '+' || $type eq ':';
    die "Redis: $rest\n" if $type eq '-';
    if ($type eq '$') {
        return undef if $rest < 0;
        my $data = '';
        read($sock, $data, $rest + 2) == $rest + 2 or die "short read\n";
        return substr($data, 0, $rest);
    }
    if ($type eq '*') {
        return undef if $rest < 0;
        return [map { _resp($sock) } 1 .. $rest];
    }
    die "Redis: unexpected reply '$line'\n";
}

# default_http_config(TEXT): the http_config of every block that names
# none; the suite has imported Test::Nginx::Socket's functions into main
sub default_http_config {
    my ($config) = @_;
    main::add_block_preprocessor(sub {
        my $block = shift;
        $block->set_value('http_config', $config)
            unless defined $block->http_config;
    });
}

# pause_redis(SECONDS): SIGSTOP the suites' Redis, SIGCONT after SECONDS
sub pause_redis {
    my ($seconds) = @_;
    my $pid = redis_pid() or die "no Redis pid file (tools/with-redis.sh)\n";
    kill 'STOP', $pid or die "cannot stop Redis $pid: $!\n";
    # resumed by a child even if the block fails; _exit: the child must
    # not run the runner's END blocks, which stop nginx
    if (fork() == 0) {
        select(undef, undef, undef, $seconds);
        kill 'CONT', $pid;
        POSIX::_exit(0);
    }
}


# http(METHOD, PATH, HEADERS, BODY): one HTTP/1.0 request to the nginx of
# the block that runs now, for checks that need the answer of an earlier
# request (a cookie it set); HEADERS are "Name: value" lines.  Returns
# { status => N, headers => [[name, value], ...], body => TEXT }.
sub http {
    my ($method, $path, $headers, $body) = @_;
    $headers = '' unless defined $headers;
    $body = '' unless defined $body;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $ENV{TEST_NGINX_SERVER_PORT},
                                     Timeout => 5)
        or die "cannot connect to nginx: $!\n";
    my $req = "$method $path HTTP/1.0\r\nHost: localhost\r\n";
    $req .= "$_\r\n" for grep { length } split /\n/, $headers;
    $req .= 'Content-Length: ' . length($body) . "\r\n" if length $body;
    print $sock "$req\r\n$body";
    local $/;
    my $raw = <$sock>;
    close $sock;
    my ($head, $content) = split /\r\n\r\n/, $raw // '', 2;
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my ($status) = ($status_line // '') =~ m{^HTTP/\S+ (\d+)};
    return { status => $status, body => $content,
             headers => [map { [split /: ?/, $_, 2] } @lines] };
}

# the values of one header of an http() answer, by name
sub header_values {
    my ($res, $name) = @_;
    return map { $_->[1] }
           grep { lc $_->[0] eq lc $name } @{ $res->{headers} };
}

push @EXPORT, qw(http header_values);


# the pid of the suites' Redis (tools/with-redis.sh), for SIGSTOP tests
sub redis_pid {
    my $dir = $ENV{TEST_NGINX_REDIS_DIR} or return undef;
    open my $fh, '<', "$dir/redis.pid" or return undef;
    my $pid = <$fh>;
    chomp $pid;
    return $pid;
}


# http_raw(BYTES): BYTES sent as they are on a connection of their own to
# the test server; the answer as (status, {lower-case name => value}, body,
# [[Name, value], ...] in order), a chunked body joined.  For what the
# blocks cannot say: a request made from an earlier answer, or two answers
# compared.
sub http_raw {
    my ($req) = @_;
    my $port = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Timeout => 5)
        or die "cannot connect to nginx on $port: $!\n";
    binmode $sock;
    print $sock $req;
    # an answer that never ends (a HEAD waiting for its body) fails in 5 s
    my $res = eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 5;
        my $all = do { local $/; <$sock> };
        alarm 0;
        $all;
    };
    alarm 0;
    close $sock;
    die "no complete answer from nginx in 5 s\n" unless defined $res;
    die "nginx closed the connection without an answer\n"
        unless defined $res && length $res;

    my ($head, $body) = split /\r\n\r\n/, $res, 2;
    $body = '' unless defined $body;
    my ($status_line, @lines) = split /\r\n/, $head;
    my ($status) = $status_line =~ m{^HTTP/\d\.\d (\d{3})}
        or die "not an HTTP answer: $status_line\n";
    my (%h, @list);
    for (@lines) {
        my ($name, $value) = /^([^:]+):[ \t]*(.*)$/ or next;
        push @list, [$name, $value];
        $h{lc $name} = $value;
    }

    if (($h{'transfer-encoding'} || '') =~ /chunked/i) {
        my $joined = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r]*\r\n//) {
            my $size = hex $1;
            last if $size == 0;
            $joined .= substr($body, 0, $size, '');
            $body =~ s/^\r\n//;
        }
        $body = $joined;
    }

    return ($status, \%h, $body, \@list);
}

push @EXPORT, 'http_raw';

# head_like_get(PATH, MORE): HEAD, then GET, of PATH with the header lines
# MORE ("Name: value\r\n"...): HEAD has no body and GET's header lines
# in the same order, Date aside, and Transfer-Encoding, which nginx never
# sends on HEAD.  Test::More assertions.
sub head_like_get {
    my ($path, $more) = @_;
    my %lines;

    for my $method (qw(HEAD GET)) {
        my (undef, undef, $body, $list) = http_raw(
            "$method $path HTTP/1.1\r\nHost: localhost\r\n"
            . (defined $more ? $more : '') . "Connection: close\r\n\r\n");
        $lines{$method} = [map { "$_->[0]: $_->[1]" }
                           grep { $_->[0] !~ /^(date|transfer-encoding)$/i }
                           @$list];
        Test::More::is($body, '', "HEAD $path: no body")
            if $method eq 'HEAD';
    }

    Test::More::is_deeply($lines{HEAD}, $lines{GET},
                          "HEAD $path: the header of GET")
        or Test::More::diag(Test::More::explain(\%lines));
}

push @EXPORT, 'head_like_get';


# ---- helpers of the enforcement suites (t/020-*.t and later) ----------

push @EXPORT, qw(backend_http_config privacy_std_config);

# A key file that other users can read, for the nginx -t warning (git
# keeps no modes and user_files follow the umask, so it is made here).
{
    my $file = ($ENV{TMPDIR} || '/tmp') . "/ngx-privacy-test-world-$<.key";
    if (open my $fh, '>', $file) {
        print {$fh} "0123456789abcdef" x 4, "\n";
        close $fh;
        chmod 0644, $file;
        $ENV{TEST_NGINX_KEY_WORLD} ||= $file;
    }
}

# The category configuration matching $CATEGORIES, with privacy on.
sub privacy_std_config {
    return <<'_EOC_';
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;
_EOC_
}

# The application behind the module, for http_config: a server on a unix
# socket (no port to collide with) with stock nginx only.  Reach it with
# proxy_pass http://backend/...;
#
#   /echo       "cookie: <the Cookie headers it got, joined by '; '>",
#               or "cookie: (none)" when it got no Cookie header at all
#               (SSI tells an absent variable from an empty one)
#   /echo2      the same and "after: <its X-After header>"
#   /set        the same, and sets an essential (session), two analytics
#               (_ga, _gid), a marketing (_fbp) and an unknown (theme)
#               cookie
#   /slow/NAME  the file html/NAME as text/html, written a byte at a time
#   /html/NAME  the file html/NAME as "text/html; charset=utf-8",
#               gzip-compressed for a request that accepts it
sub backend_http_config {
    my ($extra) = @_;
    $extra = '' unless defined $extra;
    return <<'_EOC_' . $extra . "    }\n";
    upstream backend {
        server unix:$TEST_NGINX_SERVER_ROOT/logs/backend.sock;
    }

    server {
        listen unix:$TEST_NGINX_SERVER_ROOT/logs/backend.sock;
        server_name backend;
        default_type text/plain;
        ssi on;
        ssi_types text/plain;

        location = /echo {
            return 200 'cookie: <!--# echo var="http_cookie" default="(none)" encoding="none" -->\n';
        }

        location = /echo2 {
            return 200 'cookie: <!--# echo var="http_cookie" default="(none)" encoding="none" -->\nafter: <!--# echo var="http_x_after" default="(none)" encoding="none" -->\n';
        }

        location = /set {
            add_header Set-Cookie "session=s1; Path=/; HttpOnly";
            add_header Set-Cookie "_ga=GA1.2.3; Path=/; Max-Age=63072000";
            add_header Set-Cookie "_gid=GA1.2.4; Path=/";
            add_header Set-Cookie "_fbp=fb.1.2; Path=/; Domain=.example.com";
            add_header Set-Cookie "theme=dark; Path=/";
            return 200 'cookie: <!--# echo var="http_cookie" default="(none)" encoding="none" -->\n';
        }

        location /slow/ {
            alias $TEST_NGINX_SERVER_ROOT/html/;
            default_type text/html;
            sendfile off;
            output_buffers 1 1;
            postpone_output 0;
            tcp_nodelay on;
        }

        location /html/ {
            alias $TEST_NGINX_SERVER_ROOT/html/;
            default_type text/html;
            charset utf-8;
            ssi off;
            gzip on;
            gzip_http_version 1.0;
            gzip_min_length 0;
        }
_EOC_
}

# raw_backend(RESPONSE): an upstream that stock nginx cannot be, for
# answers such as an empty header value: a server on a unix socket that
# answers every request with RESPONSE, bytes as they are.  Its path is
# returned and is $TEST_NGINX_RAW_BACKEND; it stops when the suite ends.
push @EXPORT, qw(raw_backend);

my ($raw_pid, $raw_parent, $raw_path);

sub raw_backend {
    my ($response) = @_;

    require IO::Socket::UNIX;

    $raw_path = ($ENV{TMPDIR} || '/tmp') . "/ngx-privacy-raw-$<-$$.sock";
    unlink $raw_path;

    my $listen = IO::Socket::UNIX->new(Local => $raw_path, Listen => 16)
        or die "cannot listen on $raw_path: $!\n";

    $raw_parent = $$;
    $raw_pid = fork();
    die "fork failed: $!\n" unless defined $raw_pid;

    if ($raw_pid == 0) {
        # neither the runner's signal handlers nor its END blocks: the
        # child only serves, a signal ends it and it ends with _exit
        $SIG{$_} = 'DEFAULT' for qw(INT TERM);
        while (my $c = $listen->accept) {
            my $request = '';
            while ($request !~ /\r\n\r\n/) {
                last unless sysread($c, $request, 4096, length $request);
            }
            print {$c} $response;
            close $c;
        }
        POSIX::_exit(0);
    }

    close $listen;
    $ENV{TEST_NGINX_RAW_BACKEND} = $raw_path;

    return $raw_path;
}

END {
    local $?;       # the suite's exit status, not the server's

    if ($raw_pid && $raw_parent && $$ == $raw_parent) {
        kill 'TERM', $raw_pid;
        waitpid($raw_pid, 0);
        unlink $raw_path;
    }
}


# redis_tls_built(): whether the module under test has TLS to Redis
# (hiredis_ssl found when it was built; make test-compat's build has it,
# one against Debian 12's hiredis 0.14 has not).  nginx -t says, once.
my $tls_built;

sub redis_tls_built {
    return $tls_built if defined $tls_built;

    my $dir = File::Temp::tempdir(CLEANUP => 1);
    mkdir "$dir/logs";
    open my $fh, '>', "$dir/nginx.conf" or die "$dir/nginx.conf: $!\n";
    print $fh "load_module $_;\n"
        for grep { length } split ' ', $ENV{TEST_NGINX_LOAD_MODULES} || '';
    print $fh "error_log $dir/logs/error.log;\npid $dir/logs/nginx.pid;\n"
        . "events {}\nhttp { privacy_redis 127.0.0.1:1 tls=on; }\n";
    close $fh;

    my $binary = $ENV{TEST_NGINX_BINARY} || 'nginx';
    my $out = `$binary -t -p $dir/ -c $dir/nginx.conf 2>&1`;

    die "nginx -t with tls=on neither passed nor said TLS is missing:\n$out"
        unless $? == 0 || $out =~ /tls=on needs hiredis 1\.x/;

    return $tls_built = $? == 0 ? 1 : 0;
}

push @EXPORT, 'redis_tls_built';

1;
