# Several httpd nodes sharing sessions through a real store, for redis
# (mod_socache_redis) and memcached (mod_socache_memcache): sign in through
# node A and be signed in on node B; sign out on B and A refuses the cookie;
# stop the store and both nodes answer 503 at once (nobody gets in); start
# it again and sign-in works without restarting httpd.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use Time::HiRes qw(time sleep);
use ZssoTest qw(ua env_of dump_res is_provider_redirect zsso_lines);
use ZssoNodes qw(:all);

my @kinds = ('redis', 'memcache');
my $per_kind = 12;
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
