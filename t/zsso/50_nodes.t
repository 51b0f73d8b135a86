# Several httpd nodes sharing sessions through a real store, for redis
# (mod_socache_redis) and memcached (mod_socache_memcache): sign in through
# node A and be signed in on node B; a due refresh happens once when both
# nodes get requests at that moment; sign out on B and A refuses the cookie;
# stop the store and both nodes answer 503 at once (nobody gets in); start
# it again and sign-in works without restarting httpd.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use POSIX ();
use Time::HiRes qw(time sleep);
use ZssoTest qw(ua env_of dump_res is_provider_redirect zsso_lines
                fake_stats fake_reset);
use ZssoNodes qw(:all);

my @kinds = ('redis', 'memcache');
my $per_kind = 15;
my $have = !system('sh', '-c', 'command -v redis-server && command -v memcached'
                               . ' >/dev/null');

plan tests => 1 + $per_kind * @kinds,
    need need_lwp, { 'redis-server and memcached' => $have };

my ($pa, $pb) = ($ENV{ZSSO_NODE_PORT}, $ENV{ZSSO_NODE_PORT} + 1);

# A failure of the set-up (a store or node that does not start) is told
# in the TAP output, where the harness shows it.
$SIG{__DIE__} = sub { print "# died: $_[0]" unless $^S };

# Whatever happens, leave no node or store running.
END {
    node_stop('a', $pa);
    node_stop('b', $pb);
    eval { store_stop($_) } for @kinds;
}

# get(UA, PORT, PATH[, HEADERS]): one request to one node, timed.
sub get {
    my ($ua, $port, $path, @h) = @_;
    my $t0 = time;
    my $res = $ua->request(HTTP::Request->new(GET => node_url($port, $path),
                                              [@h]));
    t_debug(sprintf '%s (%.2f s)', dump_res($res), time - $t0);
    return ($res, time - $t0);
}

# A shared store without ZSSOCryptoPassphrase: start-up refuses.
{
    my $spec = store_start('redis');
    my $conf = ZssoNodes::node_conf('check', $pa, $spec);
    $conf =~ s/^ZSSOCryptoPassphrase.*$//m;
    my $dir = Apache::Test::vars('t_logs') . '/nodes/node-check';
    system('mkdir', '-p', $dir);
    open my $fh, '>', "$dir/httpd.conf" or die $!;
    print $fh $conf;
    close $fh;
    my $out = `'${\ ZssoNodes::httpd()}' -t -f '$dir/httpd.conf' 2>&1`;
    t_debug("configtest: $out");
    ok t_cmp($out, qr/ZSSO00008:.*ZSSOCryptoPassphrase/,
             'a shared store without ZSSOCryptoPassphrase stops start-up');
    store_stop('redis');
}

for my $kind (@kinds) {
    my $spec = store_start($kind);
    node_start('a', $pa, $spec);
    node_start('b', $pb, $spec);

    my $ua = ua();
    my $res = node_login($ua, $pa, 'alice@example.com', 'alice-pw',
                         '/console/env');
    ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com',
             "$kind: alice signs in through node A");
    ($res) = get($ua, $pb, '/console/env');
    ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com',
             "$kind: ... and node B knows her session");
    ok t_cmp(env_of($res)->{ZSSO_ROLE}, 'Console Admin',
             "$kind: ... with her role");

    # A refresh due while both nodes serve the session: done once.
    fake_reset();
    my $rua = ua();
    my $signed = node_login($rua, $pa, 'x', 'y', '/refresh/env');
    my $t0 = time;
    my $a1 = env_of($signed)->{ZSSO_ACCESS_TOKEN} // '';
    ok t_cmp(length $a1 > 20 ? 1 : 0, 1, "$kind: signed in where tokens refresh");
    sleep $t0 + 16 - time if $t0 + 16 > time;
    my @kids;
    for my $i (1 .. 10) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            my ($r) = get($rua, $i % 2 ? $pa : $pb, '/refresh/env');
            POSIX::_exit(env_of($r)->{REMOTE_USER} ? 0 : 1);   # no END
        }
        push @kids, $pid;
    }
    my $served = 0;
    for (@kids) { waitpid $_, 0; $served++ if $? == 0 }
    ok t_cmp($served . ' served, ' . fake_stats()->{refreshes} . ' refresh',
             '10 served, 1 refresh',
             "$kind: ten requests on both nodes when it is due: one refresh");
    my $a2 = env_of((get($rua, $pb, '/refresh/env'))[0])->{ZSSO_ACCESS_TOKEN};
    ok t_cmp(($a2 // $a1) ne $a1 ? 1 : 0, 1,
             "$kind: ... and node B hands out the new access token");

    $res = $ua->request(HTTP::Request->new(
        POST => node_url($pb, '/console/zsso/logout')));
    t_debug('logout on B: ' . dump_res($res));
    ok t_cmp($res->code, 302, "$kind: she signs out on node B");
    ($res) = get($ua, $pa, '/console/env');
    ok t_cmp(is_provider_redirect($res), 1,
             "$kind: ... and node A no longer accepts the session");

    # Stop the store with a session in hand: 503 at once, nobody gets in.
    node_login($ua, $pa, 'alice@example.com', 'alice-pw', '/console/env');
    ($res) = get($ua, $pb, '/console/env');
    ok t_cmp($res->code, 200, "$kind: signed in again");
    store_stop($kind);
    my %off = map { $_ => node_log_size($_) } qw(a b);
    for my $n (['a', $pa], ['b', $pb]) {
        my ($r, $took) = get($ua, $n->[1], '/console/env');
        ok t_cmp($r->code . ($took < 5 ? ' promptly' : " after $took s"),
                 '503 promptly',
                 "$kind: store down: node " . uc($n->[0]) . ' answers 503');
        ok t_cmp(scalar(grep { /ZSSO00105:.*session store unavailable/ }
                        zsso_lines(node_log($n->[0], $off{$n->[0]}))) >= 1
                 ? 1 : 0, 1, "$kind: ... and says why in its log");
    }
    my ($r) = get($ua, $pa, '/console/env');
    ok t_cmp($r->decoded_content // '', qr/Temporarily unavailable/,
             "$kind: ... on a page that says so");

    # Back again: a new sign-in works with no restart of httpd (the
    # store's client may wait a few seconds before it tries a dead
    # server again).
    store_start($kind);
    my ($on_b, $on_a) = (0, 0);
    my $fresh = ua();
    for (1 .. 30) {
        $on_b ||= (env_of(node_login($fresh, $pb, 'bob@example.com', 'bob-pw',
                                     '/console/env'))->{REMOTE_USER} // '')
                  eq 'bob@example.com';
        $on_a = $on_b && (env_of((get($fresh, $pa, '/console/env'))[0])
                              ->{REMOTE_USER} // '') eq 'bob@example.com';
        last if $on_a;
        sleep 1;
    }
    my $ok = $on_a;
    ok t_cmp($ok ? 1 : 0, 1,
             "$kind: store back: bob signs in on B and A knows him");

    node_stop('a', $pa);
    node_stop('b', $pb);
    store_stop($kind);
}
