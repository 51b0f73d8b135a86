# A graceful restart (what Debian's daily log rotation does) keeps people
# signed in: the session store and the keys outlive it.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use File::Spec;
use Time::HiRes qw(sleep);
use ZssoTest qw(:all);

plan tests => 3, need_lwp;

my ($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env');
ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com', 'alice signs in');

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
