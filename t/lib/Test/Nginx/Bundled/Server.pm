package Test::Nginx::Bundled::Server;

# The nginx side of the bundled Test::Nginx runner: the server root, the
# generated nginx.conf, and starting, reloading and stopping nginx.

use strict;
use warnings;

use Config ();
use File::Path qw(make_path remove_tree);
use File::Basename qw(dirname);
use File::Spec ();
use IO::Socket::INET ();
use POSIX qw(WNOHANG);
use Test::More ();
use Time::HiRes qw(sleep time);

my $PR_SET_CHILD_SUBREAPER = 36;

# prctl(2) syscall numbers by architecture.
my %PRCTL_BY_ARCH = (
    x86_64  => 157, aarch64 => 167, riscv64 => 167, i386 => 172,
    i486    => 172, i586    => 172, i686    => 172, arm     => 172,
    s390x   => 172, ppc64   => 171, ppc64le => 171,
);

my $VALGRIND_ERROR_EXIT = 42;

# Known nginx-core leak reports, shipped next to this module.
my $CORE_SUPPRESSIONS =
    File::Spec->rel2abs(dirname(__FILE__) . '/nginx-core.supp');

sub new {
    my ($class, %args) = @_;

    my $self = bless {
        binary       => $args{binary},
        servroot     => $args{servroot},
        port         => $args{port},
        load_modules => $args{load_modules} || [],
        valgrind     => $args{valgrind},
        verbose      => $args{verbose},
        pid          => undef,
        conf         => undef,
    }, $class;

    # With a subreaper the daemonised nginx stays our child, so waitpid()
    # tells exactly when it is gone; without one, run it with daemon off.
    $self->{daemon} = !$self->{valgrind} && become_child_subreaper();

    return $self;
}

sub servroot       { $_[0]{servroot} }
sub port           { $_[0]{port} }
sub html_dir       { "$_[0]{servroot}/html" }
sub error_log_path { "$_[0]{servroot}/logs/error.log" }
sub pid_file       { "$_[0]{servroot}/logs/nginx.pid" }
sub conf_file      { "$_[0]{servroot}/conf/nginx.conf" }
sub is_running     { defined $_[0]{pid} }
sub running_conf   { $_[0]{conf} }

sub become_child_subreaper {
    return 0 unless $^O eq 'linux';

    my $nr = prctl_syscall_number();
    return 0 unless defined $nr;

    my $rc = eval { syscall($nr, $PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    return defined $rc && $rc == 0;
}

# The table first: loading syscall.ph costs tens of milliseconds.
sub prctl_syscall_number {
    my ($arch) = $Config::Config{archname} =~ /^([^-]+)/;
    return $PRCTL_BY_ARCH{$arch} if defined $arch && $PRCTL_BY_ARCH{$arch};

    return eval {
        no strict 'refs';
        no warnings;
        package main;
        require 'syscall.ph';
        &{'main::SYS_prctl'}();
    };
}

# The nginx.conf text, in the order the Test::Nginx format prescribes.
# %$parts: main_config http_config config post_main_config log_level
# workers master server_name root_location worker_connections env.
sub render_conf {
    my ($self, %parts) = @_;

    my $root     = $self->{servroot};
    my $master   = $self->{valgrind} ? 0 : $parts{master};
    my $daemon   = $self->{daemon} ? 'on' : 'off';
    my $level    = $parts{log_level} || 'debug';
    my $workers  = $parts{workers} || 1;
    my $conns    = $parts{worker_connections} || 64;
    my $name     = $parts{server_name} || 'localhost';

    my $conf = '';
    $conf .= "worker_processes  $workers;\n";
    $conf .= "daemon $daemon;\n";
    $conf .= 'master_process ' . ($master ? 'on' : 'off') . ";\n";
    $conf .= "error_log $root/logs/error.log $level;\n";
    $conf .= "pid       $root/logs/nginx.pid;\n";
    $conf .= "load_module $_;\n" for @{ $self->{load_modules} };
    $conf .= "env $_;\n" for @{ $parts{env} || [] };
    $conf .= "\n" . ($parts{main_config} // '') . "\n";
    $conf .= <<"HTTP";
http {
    access_log $root/logs/access.log;
    client_body_temp_path $root/client_body_temp;
    fastcgi_temp_path $root/fastcgi_temp;
    proxy_temp_path $root/proxy_temp;
    uwsgi_temp_path $root/uwsgi_temp;
    scgi_temp_path $root/scgi_temp;

    default_type text/plain;
    keepalive_timeout  68000ms;

HTTP
    $conf .= ($parts{http_config} // '') . "\n";
    $conf .= <<"SERVER";
    server {
        listen          $self->{port};
        server_name     '$name';
        client_max_body_size 30M;

SERVER
    $conf .= ($parts{config} // '') . "\n";
    if ($parts{root_location}) {
        $conf .= <<"LOCATION";
        location / {
            root $root/html;
            index index.html index.htm;
        }
LOCATION
    }
    $conf .= "    }\n}\n\n";
    $conf .= ($parts{post_main_config} // '') . "\n";
    $conf .= <<"EVENTS";
events {
    accept_mutex off;
    worker_connections  $conns;
}
EVENTS
    $conf .= "user root;\n" if $> == 0;

    return $conf;
}

# Wipes the server root and lays out conf/, logs/, html/ and user files.
sub rebuild_servroot {
    my ($self, $user_files) = @_;

    my $root = $self->{servroot};
    remove_tree($root) if -e $root;
    make_path("$root/conf", "$root/logs", "$root/html");
    write_file("$root/html/index.html", "It works!\n");
    $self->write_user_files($user_files);
}

# $files: [[name, content, mtime or undef], ...], written under html/.
sub write_user_files {
    my ($self, $files) = @_;

    for my $file (@{ $files || [] }) {
        my ($name, $content, $mtime) = @$file;
        my $path = $self->html_dir . "/$name";
        make_path(dirname($path));
        write_file($path, $content);
        utime($mtime, $mtime, $path) if defined $mtime;
    }
}

sub write_file {
    my ($path, $content) = @_;

    open my $fh, '>', $path or die "cannot write $path: $!\n";
    binmode $fh;
    print {$fh} $content;
    close $fh or die "cannot write $path: $!\n";
}

# Starts nginx with $conf; returns an error message, or undef on success.
sub start {
    my ($self, $conf) = @_;

    write_file($self->conf_file, $conf);
    unlink $self->pid_file;
    unlink $self->valgrind_log if $self->{valgrind};

    my @cmd = $self->command;
    Test::More::diag("starting nginx: @cmd") if $self->{verbose};

    my $child = $self->spawn(@cmd);
    my $error = $self->{daemon}
        ? $self->await_daemon($child)
        : $self->await_foreground($child);
    return $error if $error;

    $self->{conf} = $conf;
    return undef;
}

sub command {
    my ($self) = @_;

    my $root = $self->{servroot};
    my @nginx = ($self->{binary}, '-p', "$root/", '-c', $self->conf_file);
    return @nginx unless $self->{valgrind};

    my @valgrind = (
        'valgrind', '--tool=memcheck', '--num-callers=30',
        "--error-exitcode=$VALGRIND_ERROR_EXIT", '--leak-check=full',
        '--log-file=' . $self->valgrind_log,
    );
    push @valgrind, "--suppressions=$CORE_SUPPRESSIONS"
        if -f $CORE_SUPPRESSIONS;
    push @valgrind, '--suppressions=valgrind.suppress'
        if -f 'valgrind.suppress';
    return (@valgrind, @nginx);
}

sub valgrind_log { "$_[0]{servroot}/logs/valgrind.log" }

# fork/exec with stderr appended to error.log: nginx reports config errors
# on stderr before it opens its own log, and the suites grep for them there.
sub spawn {
    my ($self, @cmd) = @_;

    my $pid = fork;
    die "fork failed: $!\n" unless defined $pid;
    return $pid if $pid;

    open STDIN, '<', '/dev/null';
    open STDOUT, '>', '/dev/null';
    open STDERR, '>>', $self->error_log_path;
    { exec { $cmd[0] } @cmd }
    print STDERR "cannot exec $cmd[0]: $!\n";
    POSIX::_exit(127);
}

# daemon on: the launcher exits once the config is loaded and the ports
# are bound; the daemon writes the pid file right after.
sub await_daemon {
    my ($self, $launcher) = @_;

    waitpid($launcher, 0);
    return describe_exit('nginx', $?) if $?;

    my $deadline = time + 5;
    until (-s $self->pid_file) {
        return 'nginx did not write its pid file' if time > $deadline;
        sleep 0.001;
    }
    $self->{pid} = read_pid($self->pid_file);

    return $self->await_listening;
}

# daemon off (valgrind, or no subreaper): nginx is our direct child.
sub await_foreground {
    my ($self, $child) = @_;

    $self->{pid} = $child;
    return $self->await_listening;
}

sub await_listening {
    my ($self) = @_;

    my $deadline = time + ($self->{valgrind} ? 60 : 10);
    my $interval = 0.001;
    until (port_is_listening($self->{port})) {
        if ($self->reap_if_exited) {
            return describe_exit('nginx', $self->{exit_status});
        }
        if (time > $deadline) {
            $self->stop;
            return "nginx did not listen on port $self->{port} in time";
        }
        sleep $interval;
        $interval *= 2 if $interval < 0.02;
    }
    return undef;
}

sub describe_exit {
    my ($what, $status) = @_;

    return "$what was killed by signal " . ($status & 127) if $status & 127;
    return "$what exited with status " . ($status >> 8);
}

sub read_pid {
    my ($path) = @_;

    open my $fh, '<', $path or return undef;
    my $pid = <$fh>;
    return undef unless defined $pid && $pid =~ /(\d+)/;
    return $1;
}

# Reads /proc/net/tcp*, so probing does not show up as a connection in
# error.log; falls back to connecting where /proc is not available.
sub port_is_listening {
    my ($port) = @_;

    my $hex = sprintf '%04X', $port;
    my $have_proc;
    for my $table ('/proc/net/tcp', '/proc/net/tcp6') {
        open my $fh, '<', $table or next;
        $have_proc = 1;
        while (my $line = <$fh>) {
            return 1 if $line =~ /^\s*\d+:\s+[0-9A-F]+:$hex\s+\S+\s+0A\s/;
        }
    }
    return 0 if $have_proc;

    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp');
    return $sock ? 1 : 0;
}

# True (and forgets the pid) once nginx has exited.
sub reap_if_exited {
    my ($self) = @_;

    my $pid = $self->{pid};
    return 1 unless defined $pid;

    my $rc = waitpid($pid, WNOHANG);
    if ($rc == $pid || ($rc == -1 && !process_alive($pid))) {
        $self->{exit_status} = $rc == $pid ? $? : 0;
        $self->{pid} = undef;
        $self->{conf} = undef;
        return 1;
    }
    return 0;
}

# For processes that are not our children: a zombie counts as gone.
sub process_alive {
    my ($pid) = @_;

    return 0 unless kill 0, $pid;
    open my $fh, '<', "/proc/$pid/stat" or return 1;
    my $stat = <$fh> // '';
    return $stat !~ /^\d+ \(.*\) Z/s;
}

# Graceful stop (QUIT), escalating to TERM and KILL.  Returns the valgrind
# log text when running under valgrind.
sub stop {
    my ($self) = @_;

    return undef unless defined $self->{pid};

    my $grace = $self->{valgrind} ? 60 : 5;
    for my $step (['QUIT', $grace], ['TERM', 2], ['KILL', 5]) {
        my ($signal, $wait) = @$step;
        kill $signal, $self->{pid};
        last if $self->wait_for_exit($wait);
        Test::More::diag("nginx ignored SIG$signal for ${wait}s");
    }

    return $self->{valgrind} ? slurp($self->valgrind_log) : undef;
}

sub wait_for_exit {
    my ($self, $timeout) = @_;

    my $deadline = time + $timeout;
    my $interval = 0.0005;
    until ($self->reap_if_exited) {
        return 0 if time > $deadline;
        sleep $interval;
        $interval *= 2 if $interval < 0.01;
    }
    return 1;
}

# HUP reload (TEST_NGINX_USE_HUP).  Returns an error message or undef.
sub reload {
    my ($self, $conf) = @_;

    write_file($self->conf_file, $conf);
    my $log_offset = -s $self->error_log_path || 0;
    my %old_workers = map { $_ => 1 } $self->worker_pids;

    kill 'HUP', $self->{pid};

    my $deadline = time + 10;
    while (time < $deadline) {
        my $new_log = slurp($self->error_log_path, $log_offset);
        return "nginx reload failed:\n$new_log" if $new_log =~ /\[emerg\]/;

        my @workers = $self->worker_pids;
        if (@workers && !grep { $old_workers{$_} } @workers) {
            $self->{conf} = $conf;
            return undef;
        }
        return 'nginx exited during reload' if $self->reap_if_exited;
        sleep 0.002;
    }
    return 'nginx reload did not finish in time';
}

# Children of the master, found through /proc/*/stat.
sub worker_pids {
    my ($self) = @_;

    my @pids;
    opendir my $dh, '/proc' or return;
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$pid/stat" or next;
        my $stat = <$fh> // next;
        my ($ppid) = $stat =~ /\) \S+ (\d+)/;
        push @pids, $pid if defined $ppid && $ppid == $self->{pid};
    }
    return @pids;
}

# An nginx left over from an earlier run (TEST_NGINX_NO_CLEAN, a crash)
# in our server root still holds the port: stop it first.
sub kill_stale {
    my ($self) = @_;

    my $pid = read_pid($self->pid_file);
    return unless $pid && process_alive($pid) && is_nginx_process($pid);

    for my $signal (qw(QUIT TERM KILL)) {
        kill $signal, $pid;
        my $deadline = time + 3;
        while (process_alive($pid) && time < $deadline) {
            sleep 0.002;
        }
        return unless process_alive($pid);
    }
}

sub is_nginx_process {
    my ($pid) = @_;

    my $cmdline = slurp("/proc/$pid/cmdline");
    return 1 unless defined $cmdline;    # no /proc: trust the pid file
    return $cmdline =~ /nginx/;
}

# File contents from $offset on, or undef when it cannot be read.
sub slurp {
    my ($path, $offset) = @_;

    open my $fh, '<', $path or return undef;
    binmode $fh;
    seek $fh, $offset, 0 if $offset;
    local $/;
    my $data = <$fh>;
    return $data // '';
}

# `nginx -v` as a version string such as "1.22.1".
sub version {
    my ($self) = @_;

    return $self->{version} if defined $self->{version};

    my $out = `'$self->{binary}' -v 2>&1` // '';
    my ($version) = $out =~ m{/(\d+(?:\.\d+)*)};
    return $self->{version} = $version // '0';
}

1;
