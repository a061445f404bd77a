package Test::Nginx::Socket;

# Test::Nginx::Socket as the project's suites use it:
#
#     use Test::Nginx::Socket 'no_plan';
#     repeat_each(2);
#     run_tests();
#
# An installed upstream Test::Nginx is preferred when one is found further
# down @INC; otherwise, or when TEST_NGINX_USE_BUNDLED is set, the
# clean-room runner bundled under t/lib (Test::Nginx::Bundled::*) runs the
# suites.  The format and how the suites run: t/README.md.

use strict;
use warnings;

{
    package Test::Nginx::Bundled::Locate;

    use Cwd ();
    use File::Spec ();

    # A constant: the BEGIN block below runs before any run-time assignment.
    use constant MODULE => 'Test/Nginx/Socket.pm';

    sub own_lib_dir {
        my ($file) = @_;
        my $path = Cwd::abs_path($file) // return undef;
        my $suffix = MODULE;
        $path =~ s{/\Q$suffix\E\z}{} or return undef;
        return $path;
    }

    # Another Test/Nginx/Socket.pm in @INC that is not this file.
    sub upstream_lib_dir {
        my ($own) = @_;
        for my $dir (grep { !ref } @INC) {
            my $abs = Cwd::abs_path($dir) // next;
            next if defined $own && $abs eq $own;
            return $dir if -f File::Spec->catfile($dir, MODULE);
        }
        return undef;
    }

    sub load_upstream {
        my ($own) = @_;
        local @INC = grep {
            ref || (Cwd::abs_path($_) // '') ne ($own // '')
        } @INC;
        delete $INC{+MODULE};
        require Test::Nginx::Socket;
    }
}

BEGIN {
    my $own = Test::Nginx::Bundled::Locate::own_lib_dir(__FILE__);
    if (!$ENV{TEST_NGINX_USE_BUNDLED}
        && Test::Nginx::Bundled::Locate::upstream_lib_dir($own))
    {
        Test::Nginx::Bundled::Locate::load_upstream($own);
    }
    else {
        require Test::Nginx::Bundled::Socket;
        @Test::Nginx::Socket::ISA = ('Test::Nginx::Bundled::Socket');
    }
}

1;
