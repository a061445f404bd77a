package FakeSentinel;

# A sentinel and a primary in one small server, for the blocks that need
# a primary turning read-only or a +switch-master message, which a real
# Redis gives only through a failover (make test-failover).
#
#   my $pid = FakeSentinel::start(port => P, real => R);
#
# On P it answers, from one process, on any number of connections:
#
#   SENTINEL get-master-addr-by-name NAME
#                       127.0.0.1 P (itself) until switched, then
#                       127.0.0.1 R (the suites' real Redis)
#   ROLE                master, with no replicas
#   AUTH, SELECT, PING  +OK, +PONG
#   SUBSCRIBE CHANNEL   the subscription, and the connection kept for
#                       FakeSentinel::switch()
#   anything else       -READONLY, as a replica answers a write: and from
#                       then on it is switched
#
# FakeSentinel::switch(P, NAME) switches it and publishes +switch-master
# for NAME (from P to R) to every subscriber.  stop(PID) ends it.

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;
use POSIX ();


sub start {
    my %o = @_;
    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                       LocalPort => $o{port}, Listen => 16,
                                       ReuseAddr => 1)
        or die "fake sentinel: cannot listen on $o{port}: $!\n";

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;
    if ($pid) {
        close $listen;
        return $pid;
    }

    # the runner's handlers are not the child's: TERM ends it, quietly
    $SIG{$_} = 'DEFAULT' for qw(TERM INT HUP ALRM CHLD);
    serve($listen, $o{port}, $o{real});
    POSIX::_exit(0);
}


sub stop {
    my ($pid) = @_;
    kill 'TERM', $pid;
    waitpid $pid, 0;
}


sub switch {
    my ($port, $name) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Timeout => 5)
        or die "fake sentinel: cannot connect to $port: $!\n";
    print $sock bulk_array('T037-SWITCH', $name);
    my $line = <$sock>;
    close $sock;
    die "fake sentinel: no answer to the switch\n"
        unless defined $line && $line =~ /^\+OK/;
}


sub bulk { '$' . length($_[0]) . "\r\n$_[0]\r\n" }

sub bulk_array { '*' . @_ . "\r\n" . join '', map { bulk($_) } @_ }


# one command of RESP's array of bulk strings, taken off the buffer
sub command {
    my ($buf) = @_;
    return unless $$buf =~ /\A\*(\d+)\r\n/;
    my ($n, $pos) = ($1, $+[0]);
    my @args;
    for (1 .. $n) {
        return unless substr($$buf, $pos) =~ /\A\$(\d+)\r\n/;
        my $len = $1;
        $pos += $+[0];
        return if length($$buf) < $pos + $len + 2;
        push @args, substr($$buf, $pos, $len);
        $pos += $len + 2;
    }
    substr($$buf, 0, $pos, '');
    return \@args;
}


sub serve {
    my ($listen, $port, $real) = @_;
    my $sel = IO::Select->new($listen);
    my (%buf, %subs);
    my $switched = 0;

    for (;;) {
        for my $fh ($sel->can_read) {
            if ($fh == $listen) {
                my $c = $listen->accept or next;
                $c->autoflush(1);
                $sel->add($c);
                $buf{$c} = '';
                next;
            }

            my $n = sysread($fh, my $chunk, 65536);
            if (!$n) {
                $sel->remove($fh);
                delete $buf{$fh};
                delete $subs{$fh};
                close $fh;
                next;
            }

            $buf{$fh} .= $chunk;
            my $out = '';

            while (my $args = command(\$buf{$fh})) {
                my $cmd = uc $args->[0];

                if ($cmd eq 'SENTINEL') {
                    $out .= bulk_array('127.0.0.1',
                                       $switched ? $real : $port);
                } elsif ($cmd eq 'ROLE') {
                    $out .= "*3\r\n" . bulk('master') . ":0\r\n*0\r\n";
                } elsif ($cmd eq 'AUTH' || $cmd eq 'SELECT') {
                    $out .= "+OK\r\n";
                } elsif ($cmd eq 'PING') {
                    $out .= "+PONG\r\n";
                } elsif ($cmd eq 'SUBSCRIBE') {
                    $out .= "*3\r\n" . bulk('subscribe') . bulk($args->[1])
                            . ":1\r\n";
                    $subs{$fh} = $fh;
                } elsif ($cmd eq 'T037-SWITCH') {
                    $switched = 1;
                    my $msg = "$args->[1] 127.0.0.1 $port 127.0.0.1 $real";
                    for my $s (values %subs) {
                        syswrite $s, bulk_array('message', '+switch-master',
                                                $msg);
                    }
                    $out .= "+OK\r\n";
                } else {
                    $switched = 1;
                    $out .= "-READONLY You can't write against a read "
                            . "only replica.\r\n";
                }
            }

            syswrite $fh, $out if length $out;
        }
    }
}

1;
