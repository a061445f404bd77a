package PrivacyTest;

# Shared set-up of the ngx_privacy_module suites: paths, test keys and a
# token minting helper that runs the module's own core code
# (build/unit/privacy-mint), so suites never re-implement the token format.
# Works with both the bundled and the upstream Test::Nginx.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);

use Exporter 'import';
our @EXPORT = qw(mint mint_cmd categories_arg);

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

# the category list the suites configure, in privacy-mint's notation
our $CATEGORIES = 'necessary:essential,analytics,marketing';

sub categories_arg { $CATEGORIES }

# mint(grant => 'analytics,marketing' | 'none', key => 'primary',
#      policy => '2018-04', categories => $CATEGORIES, ttl => SECONDS,
#      issued => UNIX, expires => UNIX, id => HEX32)
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
    return @cmd;
}

1;
