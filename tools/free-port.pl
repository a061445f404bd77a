#!/usr/bin/perl
# Free TCP ports for the test servers.
#
#   free-port.pl          prints a port where nothing listens, between 10000
#                         and 29999 (below the kernel's ephemeral range, so
#                         client sockets cannot take it meanwhile)
#   free-port.pl PORT     exits 0 when nothing listens on PORT, 1 otherwise
#
# A port is free when a listening socket can be bound to it on every
# address (0.0.0.0): that fails when a server listens on any of them.

use strict;
use warnings;

use IO::Socket::INET;


sub is_free {
    my ($port) = @_;

    my $sock = IO::Socket::INET->new(
        LocalAddr => '0.0.0.0',
        LocalPort => $port,
        Proto     => 'tcp',
        Listen    => 1,
        ReuseAddr => 1,
    ) or return 0;

    close $sock;
    return 1;
}


if (@ARGV) {
    my $port = $ARGV[0];
    die "free-port: '$port' is not a port\n"
        unless $port =~ /^[0-9]+$/ && $port > 0 && $port < 65536;
    exit(is_free($port) ? 0 : 1);
}

for (1 .. 200) {
    my $port = 10000 + int rand 20000;
    if (is_free($port)) {
        print "$port\n";
        exit 0;
    }
}

die "free-port: found no free port\n";
