# tools/with-redis.sh uses and stops only the Redis it started: a server
# already on the requested port (another run's, a person's) is neither
# used nor stopped; a port is picked when none is given; its own server is
# checked to be the one answering, and stopped by its pid.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use POSIX ();
use Test::More;

my $top  = abs_path(dirname(__FILE__) . '/../..');
my $wr   = "$top/tools/with-redis.sh";
my $free = "$top/tools/free-port.pl";
my $tmp  = tempdir('with-redis-t-XXXXXX', TMPDIR => 1, CLEANUP => 1);

plan skip_all => 'redis-server is not installed (make deps)'
    unless grep { -x "$_/redis-server" } split /:/, $ENV{PATH};

delete @ENV{qw(TEST_NGINX_REDIS_PORT TEST_NGINX_DEAD_REDIS_PORT
               TEST_NGINX_REDIS_DIR)};


sub free_port {
    chomp(my $port = `$free`);
    die "no free port\n" unless $port =~ /^\d+$/;
    return $port;
}


sub port_free { system($free, $_[0]) == 0 }


# run(ENV, COMMAND...): exit status and all output of with-redis.sh
sub run {
    my ($env, @cmd) = @_;
    local %ENV = (%ENV, %$env);
    my $out = `$wr @cmd 2>&1`;
    return ($? >> 8, $out);
}


sub redis_info_pid {
    my ($port) = @_;
    my $info = `redis-cli -p $port INFO server 2>/dev/null`;
    return $info =~ /^process_id:(\d+)/m ? $1 : undef;
}


sub alive {
    my ($pid) = @_;
    return 0 unless kill 0, $pid;
    # our own children are zombies until reaped
    return waitpid($pid, POSIX::WNOHANG()) == 0;
}


# a Redis this test starts itself, as a person or another run would
sub start_foreign {
    my ($port) = @_;
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', '/dev/null';
        exec 'redis-server', '--port', $port, '--bind', '127.0.0.1',
             '--save', '', '--appendonly', 'no', '--dir', $tmp,
             '--logfile', "$tmp/foreign-$port.log"
            or POSIX::_exit(127);
    }
    for (1 .. 100) {
        my $id = redis_info_pid($port);
        return $pid if defined $id && $id == $pid;
        select(undef, undef, undef, 0.05);
    }
    kill 'KILL', $pid;
    die "the foreign Redis did not start on $port\n";
}


my @foreign;
END { kill 'TERM', $_ for @foreign; waitpid($_, 0) for @foreign; }

# 1. a Redis already listens on TEST_NGINX_REDIS_PORT

my $port = free_port();
my $foreign = start_foreign($port);
push @foreign, $foreign;
system("redis-cli -p $port SET with-redis-t kept >/dev/null");

my ($rc, $out) = run({ TEST_NGINX_REDIS_PORT => $port },
                     "touch $tmp/ran");
isnt($rc, 0, 'a taken TEST_NGINX_REDIS_PORT fails the run');
like($out, qr/port $port \(TEST_NGINX_REDIS_PORT\)/,
     'the message names the port and the variable');
ok(!-e "$tmp/ran", 'the command did not run against the foreign Redis');
ok(alive($foreign), 'the foreign Redis is still running');
is(redis_info_pid($port), $foreign, 'and still answers on its port');
is(`redis-cli -p $port GET with-redis-t`, "kept\n",
   'with its data');

# 2. no port given: one is picked, and the command gets our own server

($rc, $out) = run({}, 'sh', '-c', q{'
    echo "port=$TEST_NGINX_REDIS_PORT dead=$TEST_NGINX_DEAD_REDIS_PORT"
    echo "pidfile=$(cat "$TEST_NGINX_REDIS_DIR/redis.pid")"
    redis-cli -p "$TEST_NGINX_REDIS_PORT" INFO server | grep process_id
    exit 7'});
is($rc, 7, "the command's exit status is returned");
my ($p2, $dead) = $out =~ /^port=(\d+) dead=(\d+)$/m;
my ($pidfile)   = $out =~ /^pidfile=(\d+)$/m;
my ($answered)  = $out =~ /^process_id:(\d+)/m;
ok($p2 && $p2 != $port, 'a free port was picked') or diag($out);
ok($dead && $dead != $p2 && port_free($dead),
   'and a port where no Redis listens (TEST_NGINX_DEAD_REDIS_PORT)');
ok($pidfile && $answered && $pidfile == $answered,
   'the Redis that answers is the one of the pid file');
ok($pidfile && !kill(0, $pidfile), 'that Redis is stopped afterwards');
ok(port_free($p2), 'and its port is free again');
ok(alive($foreign), 'the foreign Redis is untouched');
ok($p2 && -s "$top/build/redis-test-$p2/redis.log",
   'its log is kept when the command failed');
system('rm', '-rf', "$top/build/redis-test-$p2") if $p2;

# 3. a server of ours that was paused by the command is stopped too

($rc, $out) = run({}, 'sh', '-c', q{'
    pid=$(cat "$TEST_NGINX_REDIS_DIR/redis.pid"); echo "pid=$pid"
    kill -STOP "$pid"'});
my ($paused) = $out =~ /^pid=(\d+)$/m;
is($rc, 0, 'a command that pauses the Redis (SIGSTOP) ends');
ok($paused && !kill(0, $paused), 'and the paused Redis is stopped');

# 4. our own redis-server does not start: the command is not run

mkdir "$tmp/bin";
open my $fh, '>', "$tmp/bin/redis-server" or die $!;
print {$fh} "#!/bin/sh\necho 'fake: cannot bind' >&2\nexit 1\n";
close $fh;
chmod 0755, "$tmp/bin/redis-server";

for my $env ({}, { TEST_NGINX_REDIS_PORT => free_port() }) {
    my $how = %$env ? 'TEST_NGINX_REDIS_PORT set' : 'a picked port';
    ($rc, $out) = run({ %$env, PATH => "$tmp/bin:$ENV{PATH}" },
                      "touch $tmp/ran");
    isnt($rc, 0, "Redis did not start ($how): the run fails");
    like($out, qr/Redis did not start/, "and says so ($how)");
    ok(!-e "$tmp/ran", "the command did not run ($how)");
}

# 5. a taken TEST_NGINX_DEAD_REDIS_PORT fails too

($rc, $out) = run({ TEST_NGINX_DEAD_REDIS_PORT => $port },
                  "touch $tmp/ran");
isnt($rc, 0, 'a taken TEST_NGINX_DEAD_REDIS_PORT fails the run');
like($out, qr/port $port \(TEST_NGINX_DEAD_REDIS_PORT\)/,
     'naming the port and the variable');
ok(!-e "$tmp/ran", 'the command did not run');
ok(alive($foreign), 'the foreign Redis is still running at the end');

done_testing();
