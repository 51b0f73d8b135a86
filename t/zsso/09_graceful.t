# A graceful restart (what Debian's daily log rotation does) keeps people
# signed in: the session store and the keys outlive it.  So do the
# provider's discovery document and keys (src/docstore.c): the children of
# the new generation, whose own copies are empty, sign people in without
# asking the provider for either again.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use File::Spec;
use Time::HiRes qw(sleep);
use ZssoTest qw(:all);

plan tests => 6, need_lwp;

my ($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env');
ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com', 'alice signs in');
my ($fake) = browse(ua(), rp_url('/fake/good/env'));
ok t_cmp($fake->code, 200, 'a sign-in at the fake provider (documents '
         . 'fetched)');

my $logs = Apache::Test::vars('t_logs');
open my $fh, '<', File::Spec->catfile($logs, 'httpd.pid') or die $!;
chomp(my $pid = <$fh>);
close $fh;

sub generations {
    my $log = error_log_since(0);
    my @g = $log =~ /resuming normal operations/g;
    return scalar @g;
}

my $before = generations();
kill 'USR1', $pid or die "cannot signal httpd $pid: $!";
my $after = $before;
for (1 .. 100) {
    sleep 0.2;
    $after = generations();
    last if $after > $before;
}
ok t_cmp($after > $before, 1, 'httpd restarted gracefully');
sleep 1;    # the new generation's children take over

$res = $ua->get(rp_url('/console/env'));
t_debug('after graceful: ' . dump_res($res));
ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com',
         'alice is still signed in after the graceful restart');

# Every child of this generation is new: none holds the documents itself.
fake_reset();
($fake) = browse(ua(), rp_url('/fake/good/env'));
ok t_cmp($fake->code, 200, 'a sign-in at the fake provider after the '
         . 'graceful restart');
my $stats = fake_stats();
t_debug("after graceful: discovery $stats->{discovery_fetches}, keys "
        . "$stats->{jwks_fetches} fetches");
ok t_cmp($stats->{discovery_fetches} + $stats->{jwks_fetches}, 0,
         '... with the discovery document and keys from the store, not '
         . 'fetched again');
