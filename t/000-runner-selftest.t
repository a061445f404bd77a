# Proves the bundled Test::Nginx runner (t/lib) works and can fail: runs
# the suites in t/runner-selftest/ as subprocesses, side by side, each on
# its own random port and server root, and checks their TAP and exit
# status.  Always the bundled runner, even where an upstream Test::Nginx
# is installed.  With TEST_NGINX_UPSTREAM_LIB (the lib/ directory of an
# openresty/test-nginx checkout), the cases marked "upstream" also run on
# that runner and must come out the same: the behaviour the bundled
# runner copies from upstream is checked against upstream itself.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use POSIX ();
use Test::More;
use Time::HiRes qw(sleep time);

my $root   = abs_path(dirname(__FILE__) . '/..');
my $lib    = "$root/t/lib";
my $suites = "$root/t/runner-selftest";
my $nginx  = find_nginx();

plan skip_all => 'nginx not found (set TEST_NGINX_BINARY)' unless $nginx;

my $work = tempdir('runner-selftest-XXXXXX', TMPDIR => 1, CLEANUP => 1);

my $ndk = '/usr/lib/nginx/modules/ndk_http_module.so';

my $upstream_lib = $ENV{TEST_NGINX_UPSTREAM_LIB};
undef $upstream_lib
    unless $upstream_lib && -f "$upstream_lib/Test/Nginx/Socket.pm";

# expect => 'pass', or the one failing test's name (a regex), or for an
# aborted run the message on the output; bails => the message of the
# run's "Bail out!" line.  upstream => 1: the case also runs on the
# upstream runner, where upstream_bails replaces bails.
my @cases = (
    { suite => 'pass.suite', expect => 'pass', min_ok => 100 },
    { suite => 'pass.suite', expect => 'pass', min_ok => 100,
      env => { TEST_NGINX_USE_HUP => 1 }, label => 'pass.suite (HUP)' },
    { suite => 'fail-body.suite',
      expect => qr/TEST 1: wrong body - response_body - response is expected/ },
    { suite => 'fail-header.suite',
      expect => qr/TEST 1: wrong header - header X-Foo ok/ },
    { suite => 'fail-absent-header.suite',
      expect => qr/header X-Foo not present/ },
    { suite => 'fail-status.suite',
      expect => qr/TEST 1: wrong status - status code ok/ },
    { suite => 'fail-error-log.suite',
      expect => qr/pattern "this line is never logged" matches a line/ },
    { suite => 'fail-no-error-log.suite',
      expect => qr/pattern "\[error\]" should not match any line/ },
    { suite => 'fail-must-die.suite',
      expect => qr/nginx should have failed to start/ },
    { suite => 'fail-timeout.suite',
      expect => qr/ERROR: client socket timed out - TEST 1: timeout/ },
    { suite => 'fail-start.suite',
      expect => qr/TEST 1: bad config - nginx started/ },
    { suite => 'fail-unset-env.suite',
      aborts => qr/TEST_NGINX_SELFTEST_UNSET_VAR is not set \(used in --- config\)/ },

    # where upstream's behaviour is the reference
    { suite => 'parity.suite', expect => 'pass', min_ok => 38, upstream => 1 },
    { suite => 'fail-grep-per-request.suite', upstream => 1,
      expect => qr/per request - grep_error_log_out \(req 0\)/ },
    { suite => 'fail-need-array.suite', upstream => 1,
      bails => qr/two requests - You asked for many requests, the expected/ },
    { suite => 'fail-user-files-epoch.suite', upstream => 1,
      bails => qr/epoch seconds - user_files: bad mtime '1514764800' for/,
      upstream_bails => qr/touch -t '1514764800'/ },
    { suite => 'fail-init-package.suite', upstream => 1,
      bails => qr/init failed: Undefined subroutine &Test::Nginx::Util::helper/ },
);
push @cases, map {
    +{ %$_, runner => 'upstream', label => "$_->{suite} (upstream)",
       bails => $_->{upstream_bails} || $_->{bails} }
} grep { $_->{upstream} } @cases if $upstream_lib;
push @cases, { suite => 'valgrind-report.suite',
               expect => qr/valgrind: 1 memory error\(s\) in nginx \(TEST 1/,
               output => qr/^# Invalid read of size 1$/m,
               env => { TEST_NGINX_USE_VALGRIND => 1,
                        PATH => fake_valgrind_dir() . ":$ENV{PATH}" } };
# Debian's module loads into Debian's nginx only, whatever binary the
# suites are run against (make test-compat, make test-asan)
push @cases, { suite => 'load-modules.suite', expect => 'pass', min_ok => 3,
               env => { TEST_NGINX_LOAD_MODULES => $ndk,
                        TEST_NGINX_BINARY => '/usr/sbin/nginx' } }
    if -f $ndk && -x '/usr/sbin/nginx';

my @runs = map { start_suite($_) } @cases;
check_run($_) for @runs;

check_harness_gone();
check_servroots_removed();
check_upstream_is_preferred();

done_testing();


sub find_nginx {
    return $ENV{TEST_NGINX_BINARY} if $ENV{TEST_NGINX_BINARY};
    for my $dir (split(/:/, $ENV{PATH} // ''), '/usr/sbin') {
        return "$dir/nginx" if -x "$dir/nginx";
    }
    return undef;
}

# The child's environment: only our own TEST_NGINX_ settings, so the
# caller's (NO_CLEAN, USE_VALGRIND, LOAD_MODULES ...) cannot leak in.
sub suite_env {
    my ($extra, $upstream) = @_;

    my %env = map { $_ => $ENV{$_} } grep { !/^TEST_NGINX_/ } keys %ENV;
    return (
        %env,
        TEST_NGINX_BINARY    => $nginx,
        TEST_NGINX_RANDOMIZE => 1,
        TEST_NGINX_SERVROOT  => "$work/servroot",
        $upstream ? () : (TEST_NGINX_USE_BUNDLED => 1),
        %{ $extra || {} },
    );
}

sub start_suite {
    my ($case) = @_;

    my $label = $case->{label} || $case->{suite};
    (my $out = "$work/$label.out") =~ s/[ ()]+/_/g;

    # upstream puts a random server root under ./t: in $work, not here
    my $upstream = ($case->{runner} // '') eq 'upstream';
    my ($inc, $dir) = $upstream ? ($upstream_lib, $work) : ($lib, $root);
    make_path("$dir/t");

    my $pid = fork // die "fork: $!";
    unless ($pid) {
        %ENV = suite_env($case->{env}, $upstream);
        chdir $dir or POSIX::_exit(126);
        open STDOUT, '>', $out or POSIX::_exit(126);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(126);
        { exec $^X, "-I$inc", "$suites/$case->{suite}" }
        POSIX::_exit(127);
    }
    return { %$case, label => $label, pid => $pid, out => $out };
}

sub check_run {
    my ($run) = @_;

    waitpid $run->{pid}, 0;
    my $status = $? >> 8;
    my $output = slurp($run->{out});
    my @not_ok = grep { /^not ok/ } split /\n/, $output;
    my $label = $run->{label};

    if ($run->{bails}) {
        # upstream's bail-out can exit 0; prove stops on the line itself
        isnt($status, 0, "$label: exits non-zero")
            unless ($run->{runner} // '') eq 'upstream';
        like($output, qr/^Bail out!\s.*$run->{bails}/m,
             "$label: bails out, saying why");
    }
    elsif ($run->{aborts}) {
        isnt($status, 0, "$label: aborts");
        like($output, $run->{aborts}, "$label: says why");
    }
    elsif (!ref $run->{expect}) {
        is($status, 0, "$label: passes") or diag($output);
        is(scalar @not_ok, 0, "$label: no failing test");
        my $ok = () = $output =~ /^ok \d+/mg;
        cmp_ok($ok, '>=', $run->{min_ok}, "$label: ran its tests");
    }
    else {
        isnt($status, 0, "$label: exits non-zero");
        is(scalar @not_ok, 1, "$label: exactly one failing test")
            or diag($output);
        like($not_ok[0] // '', $run->{expect}, "$label: the expected one");
    }
    like($output, $run->{output}, "$label: shows the report")
        if $run->{output};
}

# A stand-in for valgrind: writes a canned memcheck report with an invalid
# read to --log-file, then runs nginx itself.
sub fake_valgrind_dir {
    my $dir = "$work/fakebin";
    make_path($dir);
    open my $fh, '>', "$dir/valgrind" or die $!;
    print {$fh} <<'SCRIPT';
#!/usr/bin/env perl
my ($log) = map { /^--log-file=(.*)/ ? $1 : () } @ARGV;
my @nginx = grep { !/^--/ } @ARGV;
open my $fh, '>', $log or die "$log: $!";
print {$fh} "==1== Memcheck, a memory error detector\n==1== \n",
    "==1== Invalid read of size 1\n==1==    at 0x1: ngx_fake (fake.c:1)\n",
    "==1== \n==1== ERROR SUMMARY: 1 errors from 1 contexts\n";
close $fh;
exec @nginx;
SCRIPT
    close $fh;
    chmod 0755, "$dir/valgrind";
    return $dir;
}

# The harness closes the pipe after the first line of TAP (prove does so
# when another file bails out under -j): the runner ends, and ends its
# nginx (checked by check_servroots_removed).
sub check_harness_gone {
    pipe my $reader, my $writer or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    unless ($pid) {
        close $reader;
        %ENV = suite_env();
        chdir $root or POSIX::_exit(126);
        open STDOUT, '>&', $writer or POSIX::_exit(126);
        open STDERR, '>', "$work/harness-gone.err" or POSIX::_exit(126);
        { exec $^X, "-I$lib", "$suites/harness-gone.suite" }
        POSIX::_exit(127);
    }
    close $writer;
    my $first = <$reader>;
    close $reader;

    # a whole run takes over 10 s
    my ($start, $ended) = (time, 0);
    while (!$ended && time - $start < 5) {
        sleep 0.05;
        $ended = waitpid($pid, POSIX::WNOHANG()) == $pid;
    }
    like($first // '', qr/^ok 1 /, 'harness-gone.suite: ran');
    ok($ended, 'harness-gone.suite: ends when the harness stops reading');
    unless ($ended) {
        kill 'TERM', $pid;
        waitpid $pid, 0;
    }
}

# TEST_NGINX_RANDOMIZE server roots go away with their nginx at exit.
sub check_servroots_removed {
    my @left = glob "$work/servroot_*";
    is("@left", '', 'randomized server roots removed');

    my @running = grep { (slurp("/proc/$_/cmdline") // '') =~ /\Q$work\E/ }
                  grep { /^\d+$/ } map { s{^/proc/}{}r } glob '/proc/[0-9]*';
    is("@running", '', 'no nginx left running');
}

# With another Test::Nginx::Socket further down @INC, that one is loaded,
# unless TEST_NGINX_USE_BUNDLED is set.
sub check_upstream_is_preferred {
    my $fake = "$work/upstream";
    make_path("$fake/Test/Nginx");
    open my $fh, '>', "$fake/Test/Nginx/Socket.pm" or die $!;
    print {$fh} "package Test::Nginx::Socket;\n"
              . "sub import { print qq{upstream\\n} }\n1;\n";
    close $fh;

    # A file, not -e: Test::Base's import filters the caller's source.
    my $probe = "$work/probe.pl";
    open $fh, '>', $probe or die $!;
    print {$fh} "use Test::Nginx::Socket;\n"
              . "print qq{bundled\\n} if \$INC{q{Test/Nginx/Bundled/Socket.pm}};\n";
    close $fh;

    local $ENV{TEST_NGINX_USE_BUNDLED};
    delete $ENV{TEST_NGINX_USE_BUNDLED};
    my $out = `'$^X' -I'$lib' -I'$fake' '$probe' 2>&1`;
    is($out, "upstream\n", 'an installed upstream runner is preferred');

    $ENV{TEST_NGINX_USE_BUNDLED} = 1;
    $out = `'$^X' -I'$lib' -I'$fake' '$probe' 2>&1`;
    like($out, qr/^bundled$/m, 'TEST_NGINX_USE_BUNDLED forces the bundled runner');
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<', $path or return undef;
    local $/;
    return scalar <$fh>;
}
