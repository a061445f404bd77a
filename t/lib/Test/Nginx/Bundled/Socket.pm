package Test::Nginx::Bundled::Socket;

# The clean-room Test::Nginx::Socket runner: reads the __DATA__ blocks
# through Test::Base, runs nginx for them and reports TAP through
# Test::More.  Loaded (and subclassed) by t/lib/Test/Nginx/Socket.pm; the
# format is upstream Test::Nginx::Socket's (t/README.md), what this runner
# implements of it is in the POD below.

use strict;
use warnings;

use File::Path qw(remove_tree);
use File::Spec ();
use IO::Socket::INET ();
use List::Util qw(shuffle);
use Test::Base ();    # no import: keep Spiffy's source filter off this file
use Test::More ();
use Time::HiRes qw(sleep);
use Time::Local ();

use Test::Nginx::Bundled::HTTP ();
use Test::Nginx::Bundled::Server ();

our @ISA = ('Test::Base');

# Test::Base's import (inherited) exports these to the suite, as upstream.
our @EXPORT = qw(
    run_tests repeat_each no_shuffle workers master_on log_level
    server_name server_port server_root html_dir no_root_location
    env_to_nginx add_block_preprocessor check_accum_error_log timeout
    no_long_string worker_connections
);

my %Opt = (
    repeat_each        => 1,
    shuffle            => !$ENV{TEST_NGINX_NO_SHUFFLE},
    workers            => 1,
    master             => 0,
    log_level          => $ENV{TEST_NGINX_LOG_LEVEL} || 'debug',
    server_name        => 'localhost',
    root_location      => 1,
    env                => [],
    preprocessors      => [],
    accum_error_log    => 0,
    timeout            => 3,
    long_string        => 1,
    worker_connections => 64,
);

my $Valgrind  = $ENV{TEST_NGINX_USE_VALGRIND};
my $UseHup    = $ENV{TEST_NGINX_USE_HUP} && !$Valgrind;
my $Verbose   = $ENV{TEST_NGINX_VERBOSE};
my $NoClean   = $ENV{TEST_NGINX_NO_CLEAN};
my $Randomize = $ENV{TEST_NGINX_RANDOMIZE};

my ($Port, $ServRoot) = choose_port_and_servroot();
export_server_env();

# Ctrl-C or a harness timeout: exit normally so END stops nginx.
for my $signal (qw(INT TERM)) {
    $SIG{$signal} ||= sub { Test::More::diag("caught SIG$signal"); exit 1 };
}

# The harness stopped reading (another file bailed out under prove -j):
# the same, writing no more.
$SIG{PIPE} ||= sub { $SIG{PIPE} = 'IGNORE'; exit 1 };

my $Server;             # created by run_tests
my $RunTestsCalled = 0;
my @BlocksOnNginx;      # names of blocks served by the running nginx

# Error log bookkeeping: where the current block starts and where the
# previous check ended.
my %Log = (block_start => 0, checked => 0);


# ---- functions for the suites ------------------------------------------

sub repeat_each {
    $Opt{repeat_each} = shift if @_;
    return $Opt{repeat_each};
}

sub no_shuffle { $Opt{shuffle} = 0 }

sub workers {
    $Opt{workers} = shift if @_;
    return $Opt{workers};
}

sub master_on { $Opt{master} = 1 }

sub log_level {
    $Opt{log_level} = shift if @_;
    return $Opt{log_level};
}

sub server_name {
    $Opt{server_name} = shift if @_;
    return $Opt{server_name};
}

sub server_port {
    if (@_) {
        $Port = shift;
        export_server_env();
    }
    return $Port;
}

sub server_root {
    if (@_) {
        $ServRoot = File::Spec->rel2abs(shift);
        export_server_env();
    }
    return $ServRoot;
}

sub html_dir { "$ServRoot/html" }

sub no_root_location { $Opt{root_location} = 0 }

sub env_to_nginx { push @{ $Opt{env} }, @_ }

sub add_block_preprocessor { push @{ $Opt{preprocessors} }, @_ }

sub check_accum_error_log { $Opt{accum_error_log} = 1 }

sub timeout {
    $Opt{timeout} = shift if @_;
    return $Opt{timeout};
}

sub no_long_string { $Opt{long_string} = 0 }

sub worker_connections {
    $Opt{worker_connections} = shift if @_;
    return $Opt{worker_connections};
}

sub run_tests {
    $RunTestsCalled = 1;

    my @blocks = Test::Base::blocks();
    for my $block (@blocks) {
        $_->($block) for @{ $Opt{preprocessors} };
    }
    @blocks = shuffle(@blocks) if $Opt{shuffle};

    $Server ||= new_server();
    run_block($Server, $_) for @blocks;
}


# ---- settings ----------------------------------------------------------

sub choose_port_and_servroot {
    my $servroot = File::Spec->rel2abs($ENV{TEST_NGINX_SERVROOT} || 't/servroot');
    my $port = $ENV{TEST_NGINX_PORT} || 1984;
    return ($port, $servroot) unless $Randomize;

    # One port and server root per test file, so `prove -j` can run files
    # side by side.
    $port = find_free_port();
    return ($port, "${servroot}_$port");
}

# Below the kernel's ephemeral range, so our own client sockets cannot
# take it.
sub find_free_port {
    for (1 .. 100) {
        my $port = 10000 + int rand 20000;
        my $probe = IO::Socket::INET->new(
            LocalAddr => '0.0.0.0', LocalPort => $port,
            Proto     => 'tcp',     Listen    => 1,
            ReuseAddr => 1,
        ) or next;
        close $probe;
        return $port;
    }
    die "TEST_NGINX_RANDOMIZE: found no free port\n";
}

sub export_server_env {
    $ENV{TEST_NGINX_SERVER_PORT} = $Port;
    $ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;
    $ENV{TEST_NGINX_HTML_DIR}    = "$ServRoot/html";
}

sub nginx_binary {
    return $ENV{TEST_NGINX_BINARY} if $ENV{TEST_NGINX_BINARY};
    for my $dir (File::Spec->path, '/usr/sbin', '/usr/local/nginx/sbin') {
        my $path = "$dir/nginx";
        return $path if -x $path && !-d _;
    }
    die "nginx not found on PATH: set TEST_NGINX_BINARY\n";
}

sub new_server {
    my $server = Test::Nginx::Bundled::Server->new(
        binary       => nginx_binary(),
        servroot     => $ServRoot,
        port         => $Port,
        load_modules => [split ' ', $ENV{TEST_NGINX_LOAD_MODULES} // ''],
        valgrind     => $Valgrind,
        verbose      => $Verbose,
    );
    $server->kill_stale;
    return $server;
}


# ---- one block ---------------------------------------------------------

sub run_block {
    my ($server, $block) = @_;

    return if skip_block($server, $block);

    my $conf = block_conf($server, $block);
    my $user_files = block_user_files($block);

    if (exists $block->{must_die}) {
        run_must_die_block($server, $block, $conf, $user_files);
        return;
    }

    return unless ensure_nginx($server, $block, $conf, $user_files);
    push @BlocksOnNginx, $block->name;

    run_init_code($block);

    for my $rep (0 .. $Opt{repeat_each} - 1) {
        run_repeat($server, $block, $rep);
    }

    if (exists $block->{shutdown_error_log}
        || exists $block->{no_shutdown_error_log})
    {
        stop_nginx($server);
        check_log_patterns($block, new_log_text($server), '(shutdown)',
                           'shutdown_error_log', 'no_shutdown_error_log');
    }
}

# One round of the block's requests.  As upstream: a block of several
# requests (a request eval array, pipelined_requests) wants an array of
# expectations, one per request, and its error log is checked after each
# response, every check on the lines logged since the previous one.
sub run_repeat {
    my ($server, $block, $rep) = @_;

    my @exchanges = block_exchanges($block);
    my $need_array = exists $block->{pipelined_requests} || @exchanges > 1;
    my $count = 0;
    $count += @{ $_->{methods} } for @exchanges;

    my ($i, $kept_alive) = (0, 0);
    for my $exchange (@exchanges) {
        my $responses;
        ($responses, $kept_alive) = send_exchange($server, $block, $exchange);

        for my $resp (@$responses) {
            check_response($block, $resp, $i, $rep, $need_array)
                unless exists $block->{ignore_response};
            check_error_log($server, $block, $rep, 1) if ++$i < $count;
        }
    }
    check_error_log($server, $block, $rep, $kept_alive);
}

# error_log, no_error_log and grep_error_log on the lines logged since the
# previous check, after the block's wait; $settle: the connection may
# still be logging, so wait until error.log stops growing.
sub check_error_log {
    my ($server, $block, $rep, $settle) = @_;

    my $wait = section($block, 'wait');
    sleep parse_seconds($wait) if defined $wait;
    wait_for_quiet_log($server) if $settle;

    my $log = new_log_text($server);
    diag_verbose("error.log since the last check:\n$log");
    check_log_patterns($block, $log, "(req $rep)",
                       'error_log', 'no_error_log');
    check_grep_error_log($block, $log, $rep);
}

# must_die: nginx has to refuse the configuration; one assertion, plus
# the error log patterns.
sub run_must_die_block {
    my ($server, $block, $conf, $user_files) = @_;

    my $name = $block->name;
    stop_nginx($server);
    $server->rebuild_servroot($user_files);
    mark_log_fresh();

    my $error = $server->start($conf);
    if ($error) {
        Test::More::pass("$name - nginx failed to start as expected");
    }
    else {
        Test::More::fail("$name - nginx should have failed to start");
        stop_nginx($server);
    }

    check_log_patterns($block, new_log_text($server), '(req 0)',
                       'error_log', 'no_error_log');
}

# A block with a config section gets a fresh nginx (a HUP reload under
# TEST_NGINX_USE_HUP); others reuse the running one, unless they bring
# other server sections of their own.  False when nginx could not start.
sub ensure_nginx {
    my ($server, $block, $conf, $user_files) = @_;

    my $own_sections = grep { exists $block->{$_} }
        qw(main_config http_config post_main_config user_files log_level);
    my $fresh = exists $block->{config}
             || !$server->is_running
             || ($own_sections && $server->running_conf ne $conf)
             || @$user_files;

    unless ($fresh) {
        mark_log_block_start($server);
        return 1;
    }

    my $error;
    if ($UseHup && $server->is_running) {
        mark_log_block_start($server);
        $server->write_user_files($user_files);
        $error = $server->reload($conf);
    }
    else {
        stop_nginx($server);
        $server->rebuild_servroot($user_files);
        mark_log_fresh();
        diag_verbose("nginx.conf:\n$conf");
        $error = $server->start($conf);
    }
    return 1 unless $error;

    Test::More::fail($block->name . " - nginx started");
    Test::More::diag("$error\nerror.log:\n" . log_tail($server, 40));
    stop_nginx($server);
    return 0;
}

sub stop_nginx {
    my ($server) = @_;

    return unless $server->is_running;
    my $valgrind_log = $server->stop;
    report_valgrind($valgrind_log, \@BlocksOnNginx) if defined $valgrind_log;
    @BlocksOnNginx = ();
}

# init: Perl code run once per block, before its first request (not once
# per repeat), compiled in package Test::Nginx::Util as upstream compiles
# it: a suite's own functions need their full name there (main::f,
# PrivacyTest::f).  An error stops the run, as upstream.
sub run_init_code {
    my ($block) = @_;

    my $code = section($block, 'init');
    return unless $code;

    my $name = $block->name;
    bail_out("$name - init failed: the section is Perl code text, not a "
             . ref($code)) if ref $code;

    eval "package Test::Nginx::Util;\n$code\n;1"
        or bail_out("$name - init failed: $@");
}

# Stops the whole run (prove's "Bail out!"), as upstream does for a
# malformed block; END stops nginx.
sub bail_out {
    my ($message) = @_;
    Test::More::BAIL_OUT($message);
}


# ---- skipping ----------------------------------------------------------

# skip_nginx: "N: < 1.23.0" (also "and"/"or" of such) and skip_eval:
# "N: perl code" skip the block, counting N skipped tests.
sub skip_block {
    my ($server, $block) = @_;

    my $name = $block->name;
    for my $key (qw(skip_nginx skip_nginx2)) {
        my $spec = section($block, $key) // next;
        my ($count, $cond) = parse_skip_spec($spec, $name, $key);
        my $version = $server->version;
        if (version_condition_holds($version, $cond)) {
            skip_tests($count, "$name - tests skipped due to nginx $version $cond");
            return 1;
        }
    }

    my $spec = section($block, 'skip_eval') // return 0;
    my ($count, $code) = parse_skip_spec($spec, $name, 'skip_eval');
    my $skip = eval "package main; $code";
    die "$name - skip_eval failed: $@" if $@;
    return 0 unless $skip;

    skip_tests($count, "$name - tests skipped due to skip_eval");
    return 1;
}

sub parse_skip_spec {
    my ($spec, $name, $key) = @_;

    $spec =~ /^\s*(\d+)\s*:\s*(.*?)\s*\z/s
        or die "$name - bad $key section '$spec': want 'N: condition'\n";
    return ($1, $2);
}

sub skip_tests {
    my ($count, $reason) = @_;
    Test::More->builder->skip($reason) for 1 .. $count;
}

sub version_condition_holds {
    my ($version, $cond) = @_;

    my @parts = split /\s+(and|or)\s+/, $cond;
    my $result = version_test_holds($version, shift @parts);
    while (@parts) {
        my ($op, $test) = splice @parts, 0, 2;
        my $holds = version_test_holds($version, $test);
        $result = $op eq 'and' ? $result && $holds : $result || $holds;
    }
    return $result;
}

sub version_test_holds {
    my ($version, $test) = @_;

    $test =~ /^\s*(<=|>=|==|!=|=|<|>|lt|le|gt|ge|eq|ne)\s*v?([\d.]+)\s*$/
        or die "bad nginx version condition '$test'\n";
    my ($op, $want) = ($1, $2);
    my $cmp = compare_versions($version, $want);

    my %holds = (
        '<' => $cmp < 0, '<=' => $cmp <= 0, '>' => $cmp > 0, '>=' => $cmp >= 0,
        '==' => $cmp == 0, '=' => $cmp == 0, '!=' => $cmp != 0,
        lt => $cmp < 0, le => $cmp <= 0, gt => $cmp > 0, ge => $cmp >= 0,
        eq => $cmp == 0, ne => $cmp != 0,
    );
    return $holds{$op};
}

sub compare_versions {
    my @a = split /\./, shift;
    my @b = split /\./, shift;
    while (@a || @b) {
        my $cmp = (shift(@a) // 0) <=> (shift(@b) // 0);
        return $cmp if $cmp;
    }
    return 0;
}


# ---- sections ----------------------------------------------------------

# A section's value (the first when an eval returned a list), or undef.
sub section {
    my ($block, $key) = @_;

    my $values = $block->{$key};
    return ref $values eq 'ARRAY' ? $values->[0] : $values;
}

sub section_is_eval {
    my ($block, $key) = @_;

    my $map = section($block, '_section_map') || {};
    my $filters = $map->{$key}{filters} // '';
    return $filters =~ /\beval\b/;
}

# Replaces $TEST_NGINX_* from the environment; an unset one aborts.
sub substitute_env {
    my ($text, $block, $key) = @_;

    return $text unless defined $text && !ref $text;
    $text =~ s{\$(TEST_NGINX_[A-Z0-9_]+)}{ env_value($1, $block, $key) }ge;
    return $text;
}

sub env_value {
    my ($var, $block, $key) = @_;

    return $ENV{$var} if defined $ENV{$var};
    die $block->name . ": environment variable $var is not set"
        . " (used in --- $key)\n";
}

sub block_conf {
    my ($server, $block) = @_;

    my %parts = map {
        ($_ => substitute_env(section($block, $_), $block, $_))
    } qw(main_config http_config config post_main_config);

    my $level = section($block, 'log_level') // $Opt{log_level};
    $level =~ s/^\s+|\s+$//g;

    return $server->render_conf(
        %parts,
        log_level          => $level,
        workers            => $Opt{workers},
        master             => $Opt{master} || $UseHup,
        server_name        => $Opt{server_name},
        root_location      => $Opt{root_location},
        worker_connections => $Opt{worker_connections},
        env                => $Opt{env},
    );
}

# user_files: ">>> name [mtime]" lines, each followed by the file's
# content; or under eval, [[name, content, mtime?], ...].  As upstream
# reads them: ">>> " anywhere on a line starts a file and the rest of the
# line after the name is its mtime, in the format of `TZ=GMT touch -t`.
sub block_user_files {
    my ($block) = @_;

    my $spec = section($block, 'user_files');
    return [] unless defined $spec;

    my $name = $block->name;
    my @files;
    if (ref $spec eq 'ARRAY') {
        @files = map { [@$_] } @$spec;
    }
    elsif (ref $spec) {
        bail_out("$name - user_files: an eval gave a " . ref($spec)
                 . ", not text or an array");
    }
    else {
        for my $line (split /^/m, $spec) {
            if ($line =~ />>> (\S+)(?:\s+(.+))?/) {
                push @files, [$1, '', $2];
                next;
            }
            die "$name: user_files must start with '>>> name'\n"
                unless @files;
            $files[-1][1] .= $line;
        }
    }

    for my $file (@files) {
        $file->[1] = substitute_env($file->[1] // '', $block, 'user_files');
        $file->[2] = user_file_mtime($block, $file->[0], $file->[2]);
    }
    return \@files;
}

# A user file's mtime in epoch seconds, from the text `touch -t` takes
# (read in GMT); undef for none (a false value, as upstream); anything
# else, epoch seconds among them, stops the run as upstream's touch does.
sub user_file_mtime {
    my ($block, $file, $stamp) = @_;

    return undef unless $stamp;

    my $time = parse_touch_time("$stamp");
    return $time if defined $time;

    bail_out($block->name . " - user_files: bad mtime '$stamp' for $file:"
             . " want [[CC]YY]MMDDhhmm[.ss] in GMT, as touch -t takes it"
             . " (201801010000 for 2018-01-01 00:00), not epoch seconds");
}

# [[CC]YY]MMDDhhmm[.ss] as GNU touch -t reads it: YY 69-99 is 19YY,
# 00-68 20YY; no year is this year; seconds 60 are the next minute's 00.
sub parse_touch_time {
    my ($stamp) = @_;

    my ($digits, $sec) = $stamp =~ /^([0-9]{8}|[0-9]{10}|[0-9]{12})
                                     (?:\.([0-9]{2}))?\z/x
        or return undef;
    $sec //= 0;
    return undef if $sec > 60;

    my @pairs = $digits =~ /(..)/g;
    my $year = (gmtime)[5] + 1900;
    if (@pairs == 6) {
        $year = shift(@pairs) . shift(@pairs);
    }
    elsif (@pairs == 5) {
        my $yy = shift @pairs;
        $year = ($yy >= 69 ? 1900 : 2000) + $yy;
    }
    my ($mon, $day, $hour, $min) = @pairs;

    my $time = eval {
        Time::Local::timegm_modern($sec == 60 ? 59 : $sec, $min, $hour,
                                   $day, $mon - 1, $year);
    };
    return undef unless defined $time;
    return $sec == 60 ? $time + 1 : $time;
}

# "3", "0.5", "3s" or "200ms" as seconds.
sub parse_seconds {
    my ($text) = @_;

    return 0 unless defined $text;
    $text =~ /^\s*([\d.]+)\s*(ms|s)?\s*$/ or die "bad time value '$text'\n";
    return $2 && $2 eq 'ms' ? $1 / 1000 : $1;
}

sub block_timeout {
    my ($block) = @_;

    my $timeout = section($block, 'timeout');
    my $seconds = defined $timeout ? parse_seconds($timeout) : $Opt{timeout};
    return $Valgrind ? $seconds * 5 : $seconds;
}


# ---- requests ----------------------------------------------------------

# Each exchange is one connection: { pieces, methods, delay }.
sub block_exchanges {
    my ($block) = @_;

    my $more_headers = section($block, 'more_headers');

    my $raw = section($block, 'raw_request');
    if (defined $raw) {
        my @pieces = ref $raw eq 'ARRAY' ? @$raw : ($raw);
        return {
            pieces  => \@pieces,
            methods => [Test::Nginx::Bundled::HTTP::raw_method($pieces[0])],
            delay   => parse_seconds(section($block, 'raw_request_middle_delay')),
        };
    }

    my $pipelined = section($block, 'pipelined_requests');
    if (defined $pipelined) {
        my @texts = ref $pipelined eq 'ARRAY' ? @$pipelined : ($pipelined);
        my ($bytes, @methods) = ('');
        for my $i (0 .. $#texts) {
            my ($request, $method) = Test::Nginx::Bundled::HTTP::build_request(
                text         => $texts[$i],
                more_headers => $more_headers,
                keepalive    => $i < $#texts,
            );
            $bytes .= $request;
            push @methods, $method;
        }
        return { pieces => [$bytes], methods => \@methods };
    }

    my $request = section($block, 'request');
    return () unless defined $request;

    my $is_eval = section_is_eval($block, 'request');
    my @texts = ref $request eq 'ARRAY' ? @$request : ($request);
    return map {
        # A plain section ends in a newline that is not part of the body.
        my $text = $_;
        $text =~ s/\n\z// unless $is_eval;
        my ($bytes, $method) = Test::Nginx::Bundled::HTTP::build_request(
            text => $text, more_headers => $more_headers);
        +{ pieces => [$bytes], methods => [$method] };
    } @texts;
}

# Sends one exchange (one connection): its responses in request order
# (undef where none arrived), and whether the server left the connection
# open.
sub send_exchange {
    my ($server, $block, $exchange) = @_;

    my $name = $block->name;
    diag_verbose("request:\n" . join '', @{ $exchange->{pieces} });

    my $result = Test::Nginx::Bundled::HTTP::exchange(
        %$exchange, port => $server->port, timeout => block_timeout($block));

    if ($result->{error}) {
        Test::More::fail("$name - $result->{error}");
    }
    elsif ($result->{timed_out} && !exists $block->{abort}) {
        Test::More::fail("ERROR: client socket timed out - $name");
    }
    diag_verbose("response:\n" . ($result->{raw} // ''));

    my @got = @{ $result->{responses} || [] };
    my @responses = map { $got[$_] } 0 .. $#{ $exchange->{methods} };
    return (\@responses, !$result->{eof} && !$result->{error});
}


# ---- response checks ---------------------------------------------------

sub check_response {
    my ($block, $resp, $i, $rep, $need_array) = @_;

    $resp ||= { status => undef, headers => [], raw_headers => '', body => '' };
    my $label = "(repeated req $rep, req $i)";
    my $expect = sub { expected_for($block, $_[0], $i, $need_array) };

    check_status($block, $resp, $expect);
    check_headers($block, $resp, $expect);
    check_raw_headers($block, $resp, $expect);
    check_body($block, $resp, $expect, $label);
}

# The expectation of section $key for request $i: with several requests
# ($need_array) element $i of an eval'd array, and anything but an array
# stops the run, as upstream; with one, the value or its first element.
sub expected_for {
    my ($block, $key, $i, $need_array) = @_;

    my $value = section($block, $key);
    return $value->[$need_array ? $i : 0] if ref $value eq 'ARRAY';
    return $value unless defined $value && $need_array;

    bail_out($block->name . " - You asked for many requests, the expected"
             . " results should be arrays as well (--- $key)");
}

sub check_status {
    my ($block, $resp, $expect) = @_;

    my $name = $block->name;
    my $like = $expect->('error_code_like');
    if (defined $like) {
        Test::More::like($resp->{status}, as_regex($like),
                         "$name - status code ok");
        return;
    }

    my $expected = $expect->('error_code');
    $expected = 200 unless defined $expected && $expected =~ /\S/;
    $expected =~ s/^\s+|\s+$//g;
    Test::More::is($resp->{status}, $expected, "$name - status code ok");
}

sub check_headers {
    my ($block, $resp, $expect) = @_;

    my $name = $block->name;
    for my $check (header_expectations($block, 'response_headers', $expect)) {
        my ($header, $want, $absent) = @$check;
        my $got = Test::Nginx::Bundled::HTTP::header_value($resp, $header);
        if ($absent) {
            Test::More::ok(!defined $got, "$name - header $header not present")
                or Test::More::diag("got $header: $got");
        }
        else {
            Test::More::is($got // '', $want, "$name - header $header ok");
        }
    }

    for my $check (header_expectations($block, 'response_headers_like',
                                       $expect))
    {
        my ($header, $pattern) = @$check;
        my $got = Test::Nginx::Bundled::HTTP::header_value($resp, $header);
        Test::More::like($got // '', qr/^(?:$pattern)$/,
                         "$name - header $header like ok");
    }
}

# [name, value, absent] triples from "Name: value" / "! Name" lines, or
# from an eval'd hash.
sub header_expectations {
    my ($block, $key, $expect) = @_;

    my $spec = $expect->($key);
    return () unless defined $spec;
    return map { [$_, $spec->{$_}, 0] } sort keys %$spec if ref $spec eq 'HASH';

    my @checks;
    for my $line (split /\n/, $spec) {
        next unless $line =~ /\S/;
        if ($line =~ /^\s*!\s*(\S+)\s*$/) {
            push @checks, [$1, undef, 1];
        }
        elsif ($line =~ /^\s*([^:]+?)\s*:\s*(.*?)\s*$/) {
            push @checks, [$1, $2, 0];
        }
        else {
            die $block->name . ": bad $key line '$line'\n";
        }
    }
    return @checks;
}

sub check_raw_headers {
    my ($block, $resp, $expect) = @_;

    my $name = $block->name;
    my $like = $expect->('raw_response_headers_like');
    Test::More::like($resp->{raw_headers}, as_regex($like),
                     "$name - raw resp headers like") if defined $like;

    my $unlike = $expect->('raw_response_headers_unlike');
    Test::More::unlike($resp->{raw_headers}, as_regex($unlike),
                       "$name - raw resp headers unlike") if defined $unlike;
}

sub check_body {
    my ($block, $resp, $expect, $label) = @_;

    my $name = $block->name;
    my $body = $resp->{body};

    if (exists $block->{response_body}) {
        my $expected = $expect->('response_body');
        if (ref $expected eq 'Regexp') {
            Test::More::like($body, $expected,
                             "$name - response_body - like $label");
        }
        elsif (defined $expected) {
            $expected = substitute_env($expected, $block, 'response_body')
                unless section_is_eval($block, 'response_body');
            is_string($body, $expected,
                      "$name - response_body - response is expected $label");
        }
    }

    my $like = $expect->('response_body_like');
    Test::More::like($body, as_regex($like),
                     "$name - response_body_like - response is expected $label")
        if defined $like;

    my $unlike = $expect->('response_body_unlike');
    Test::More::unlike($body, as_regex($unlike),
                       "$name - response_body_unlike - response is expected $label")
        if defined $unlike;
}

sub as_regex {
    my ($pattern) = @_;
    return ref $pattern eq 'Regexp' ? $pattern : qr/$pattern/s;
}

# Long strings: say where they first differ instead of dumping both.
sub is_string {
    my ($got, $expected, $name) = @_;

    my $long = defined $got && defined $expected
            && (length $got > 80 || length $expected > 80);
    return Test::More::is($got, $expected, $name)
        unless $Opt{long_string} && $long;

    return 1 if Test::More::ok($got eq $expected, $name);
    Test::More::diag(describe_difference($got, $expected));
    return 0;
}

sub describe_difference {
    my ($got, $expected) = @_;

    my $at = 0;
    $at++ while $at < length $got && $at < length $expected
             && substr($got, $at, 1) eq substr($expected, $at, 1);
    my $from = $at > 30 ? $at - 30 : 0;
    my $excerpt = sub {
        my $s = substr($_[0], $from, 60);
        $s =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
        return "\"$s\"";
    };
    return sprintf "strings differ at offset %d (lengths: got %d, expected %d)\n"
                 . "     got: %s\nexpected: %s",
        $at, length $got, length $expected,
        $excerpt->($got), $excerpt->($expected);
}


# ---- error log checks --------------------------------------------------

sub mark_log_fresh { %Log = (block_start => 0, checked => 0) }

sub mark_log_block_start {
    my ($server) = @_;
    my $size = -s $server->error_log_path || 0;
    %Log = (block_start => $size, checked => $size);
}

# Lines written since the previous check (since the block started, with
# check_accum_error_log).
sub new_log_text {
    my ($server) = @_;

    my $from = $Opt{accum_error_log} ? $Log{block_start} : $Log{checked};
    my $text = Test::Nginx::Bundled::Server::slurp($server->error_log_path, $from)
            // '';
    $Log{checked} = $from + length $text;
    return $text;
}

# A response on a kept-alive connection can arrive before nginx has
# finished logging the request: wait until error.log stops growing.
sub wait_for_quiet_log {
    my ($server) = @_;

    my $path = $server->error_log_path;
    my $size = -s $path || 0;
    my $start = Time::HiRes::time();
    my $quiet_since = $start;
    while (Time::HiRes::time() - $start < 0.2) {
        sleep 0.002;
        my $now = -s $path || 0;
        if ($now != $size) {
            ($size, $quiet_since) = ($now, Time::HiRes::time());
        }
        elsif (Time::HiRes::time() - $quiet_since >= 0.01) {
            return;
        }
    }
}

sub log_tail {
    my ($server, $count) = @_;

    my $text = Test::Nginx::Bundled::Server::slurp($server->error_log_path) // '';
    my @lines = split /\n/, $text;
    splice @lines, 0, @lines - $count if @lines > $count;
    return join "\n", @lines;
}

# One assertion per pattern of the $want_key and $deny_key sections.
sub check_log_patterns {
    my ($block, $text, $label, $want_key, $deny_key) = @_;

    my $name = $block->name;
    my @lines = split /\n/, $text;

    for my $pattern (log_patterns(section($block, $want_key))) {
        my $line = first_matching_line(\@lines, $pattern);
        Test::More::ok(defined $line,
            "$name - pattern \"$pattern\" matches a line in error.log $label")
            or Test::More::diag("error.log excerpt:\n" . tail_lines(\@lines, 20));
    }

    for my $pattern (log_patterns(section($block, $deny_key))) {
        my $line = first_matching_line(\@lines, $pattern);
        Test::More::ok(!defined $line,
            "$name - pattern \"$pattern\" should not match any line in error.log $label")
            or Test::More::diag("matching line: $line");
    }
}

# Plain text: one substring pattern per line; eval: a qr// or an array
# of strings and qr//s.
sub log_patterns {
    my ($spec) = @_;

    return () unless defined $spec;
    return ($spec) if ref $spec eq 'Regexp';
    return map { log_patterns($_) } @$spec if ref $spec eq 'ARRAY';
    return grep { length } split /\n/, $spec;
}

sub first_matching_line {
    my ($lines, $pattern) = @_;

    for my $line (@$lines) {
        return $line if ref $pattern eq 'Regexp'
                      ? $line =~ $pattern
                      : index($line, $pattern) >= 0;
    }
    return undef;
}

sub tail_lines {
    my ($lines, $count) = @_;
    my $from = @$lines > $count ? @$lines - $count : 0;
    return join "\n", @$lines[$from .. $#$lines];
}

# grep_error_log: the first match of the pattern on each line of the log
# text (a match running into the line's end is dropped, so a plain pattern
# wants chop), one per line, compared with grep_error_log_out.  As
# upstream, an eval'd array in either holds one value per repeat, not per
# request, and one without the other stops the run.
sub check_grep_error_log {
    my ($block, $text, $rep) = @_;

    my $name = $block->name;
    my $pattern = section($block, 'grep_error_log');
    my $expected = section($block, 'grep_error_log_out');
    return unless defined $pattern || defined $expected;

    bail_out("$name - No --- grep_error_log defined but"
             . " --- grep_error_log_out is defined") unless defined $pattern;
    $pattern = $pattern->[$rep] if ref $pattern eq 'ARRAY';
    return unless defined $pattern;
    bail_out("$name - No --- grep_error_log_out defined but"
             . " --- grep_error_log is defined") unless defined $expected;

    $expected = substitute_env($expected, $block, 'grep_error_log_out');
    $expected = $expected->[$rep] if ref $expected eq 'ARRAY';

    my $found = '';
    for my $line (split /^/m, $text) {
        my $hit = ref $pattern eq 'Regexp' ? $line =~ $pattern
                                           : $line =~ /\Q$pattern\E/;
        next unless $hit;
        my $match = substr $line, $-[0], $+[0] - $-[0];
        $found .= "$match\n" unless $match =~ /\n/;
    }

    my $test_name = "$name - grep_error_log_out (req $rep)";
    if (ref $expected eq 'Regexp') {
        Test::More::like($found, $expected, $test_name);
    }
    else {
        is_string($found, $expected, $test_name);
    }
}


# ---- valgrind ----------------------------------------------------------

my $SERIOUS_VALGRIND_ERROR = qr/
    ^(?: Invalid\ (?:read|write|free)
       | Mismatched\ free
       | \S+\ bytes\ in\ \S+\ blocks\ are\ definitely\ lost )
/x;

my $VALGRIND_REPORT = qr/
    ^(?: Invalid | Mismatched | Conditional\ jump | Use\ of\ uninitialised
       | Syscall\ param | Source\ and\ destination | Argument | Process\ terminating
       | \S+\ bytes\ in\ \S+\ blocks\ are\ (?:definitely|indirectly)\ lost )
/x;

# Shows valgrind's reports; invalid accesses and definite leaks fail.
sub report_valgrind {
    my ($log, $blocks) = @_;

    (my $text = $log) =~ s/^==\d+==\s?//mg;
    my @reports = grep { /$VALGRIND_REPORT/ } split /\n\s*\n/, $text;
    return unless @reports;

    my $context = @$blocks ? join(', ', @$blocks) : 'nginx startup';
    Test::More::diag("valgrind reports for $context:\n"
                     . join "\n\n", @reports);

    my $serious = grep { /$SERIOUS_VALGRIND_ERROR/ } @reports;
    Test::More::fail("valgrind: $serious memory error(s) in nginx ($context)")
        if $serious;
}


# ---- misc --------------------------------------------------------------

sub diag_verbose {
    Test::More::diag(@_) if $Verbose;
}

END {
    # Keep the exit status Test::Builder is about to set.
    my $exit_status = $?;
    local $?;

    if ($Server && !$NoClean) {
        stop_nginx($Server);
        remove_tree($ServRoot) if $Randomize;
    }

    # A suite without a plan gets a trailing one, as with 'no_plan'.
    my $tb = Test::More->builder;
    Test::More::plan('no_plan')
        if $RunTestsCalled && !$exit_status && !$tb->has_plan
           && $tb->current_test;
}

1;

__END__

=head1 NAME

Test::Nginx::Bundled::Socket - clean-room Test::Nginx::Socket runner

=head1 SYNOPSIS

    use Test::Nginx::Socket 'no_plan';   # loads this unless upstream exists
    repeat_each(2);
    run_tests();

=head1 SUPPORTED

Sections: config http_config main_config post_main_config user_files
log_level must_die init request (eval) raw_request (eval array: pieces,
raw_request_middle_delay) pipelined_requests more_headers timeout abort
wait ignore_response error_code error_code_like response_body (eval qr//)
response_body_like response_body_unlike response_headers
response_headers_like raw_response_headers_like
raw_response_headers_unlike error_log no_error_log grep_error_log
grep_error_log_out shutdown_error_log no_shutdown_error_log ONLY SKIP
LAST skip_nginx skip_nginx2 skip_eval.

Functions: run_tests repeat_each plan blocks no_shuffle workers master_on
log_level server_name server_port server_root html_dir no_root_location
env_to_nginx add_block_preprocessor check_accum_error_log timeout
no_long_string worker_connections.

Environment: TEST_NGINX_BINARY TEST_NGINX_PORT TEST_NGINX_SERVROOT
TEST_NGINX_LOAD_MODULES TEST_NGINX_NO_SHUFFLE TEST_NGINX_RANDOMIZE
TEST_NGINX_USE_VALGRIND TEST_NGINX_USE_HUP TEST_NGINX_LOG_LEVEL
TEST_NGINX_NO_CLEAN TEST_NGINX_VERBOSE, and TEST_NGINX_USE_BUNDLED to
force this runner where an upstream Test::Nginx is installed.  Exported
to the suites: TEST_NGINX_SERVER_PORT TEST_NGINX_SERVER_ROOT
TEST_NGINX_HTML_DIR.

=head1 AS UPSTREAM

Where a suite could pass on one runner and not on the other, this one
does what the upstream Test::Nginx (openresty/test-nginx) does, and bails
out where it does: a user_files mtime is C<[[CC]YY]MMDDhhmm[.ss]> in GMT
(touch -t), not epoch seconds; init runs once per block, compiled in
package Test::Nginx::Util; a block of several requests needs an array
of expectations and has its error log checked after each response
(grep_error_log_out included, an eval'd array of it holding one text per
repeat); grep_error_log keeps the first match of each line.

The self-test is t/000-runner-selftest.t; t/runner-selftest/parity.suite
and the cases marked "upstream" there also run on an upstream runner
given by TEST_NGINX_UPSTREAM_LIB.

=cut
