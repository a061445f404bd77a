# tools/prove.sh runs the files it runs one at a time (the serial suites,
# or files named on its command line) on TEST_NGINX_PORT: a free port is
# picked when the variable is unset, and a taken one fails the run at once
# instead of sending the suite's requests to someone else's server.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Test::More;

my $top   = abs_path(dirname(__FILE__) . '/../..');
my $prove = "$top/tools/prove.sh";
my $free  = "$top/tools/free-port.pl";
my $tmp   = tempdir('prove-port-t-XXXXXX', TMPDIR => 1, CLEANUP => 1);

# a suite that only reports the port it was given
my $suite = "$tmp/port.t";
open my $fh, '>', $suite or die "$suite: $!\n";
print {$fh} <<'T';
print "1..1\n";
print "ok 1 - TEST_NGINX_PORT=", ($ENV{TEST_NGINX_PORT} // ''), "\n";
T
close $fh;


# run(ENV): exit status and output of prove.sh on that suite
sub run {
    my ($env) = @_;
    local %ENV = %ENV;
    delete $ENV{TEST_NGINX_PORT};
    @ENV{keys %$env} = values %$env;
    my $out = `$prove /usr/sbin/nginx /dev/null -v $suite 2>&1`;
    return ($? >> 8, $out);
}


# 1. unset: a free port, not the runner's default 1984

my ($rc, $out) = run({});
is($rc, 0, 'prove.sh runs the suite') or diag($out);
my ($port) = $out =~ /TEST_NGINX_PORT=(\d+)/;
ok($port && $port != 1984, "a port was picked ($port)") or diag($out);
is(system($free, $port), 0, 'and nothing listens there');

# 2. set and free: used as given

my $want;
chomp($want = `$free`);
($rc, $out) = run({ TEST_NGINX_PORT => $want });
is($rc, 0, 'a free TEST_NGINX_PORT is accepted');
like($out, qr/TEST_NGINX_PORT=$want\b/, 'and used as given');

# 3. set and taken: the run fails before any suite runs

my $server;
for (1 .. 50) {
    chomp($want = `$free`);
    $server = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                    LocalPort => $want, Listen => 5,
                                    Proto => 'tcp', ReuseAddr => 1)
        and last;
}
die "cannot listen: $!\n" unless $server;

($rc, $out) = run({ TEST_NGINX_PORT => $want });
isnt($rc, 0, 'a taken TEST_NGINX_PORT fails the run');
like($out, qr/port $want \(TEST_NGINX_PORT\)/,
     'the message names the port and the variable');
unlike($out, qr/TEST_NGINX_PORT=\d/, 'no suite ran');

done_testing();
