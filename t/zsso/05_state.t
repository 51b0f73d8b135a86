# The callback only accepts the answer to a login this browser started, and
# only once: without state, with a state nobody issued, with someone else's
# state, or a second time, it answers 400 and sets no session.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use URI ();
use ZssoTest qw(:all);

my $cb_re = qr{/console/zsso/callback\?};

plan tests => 4 + 6 + 2 + 3 + 3, need_lwp;

# ------------------------------------------------------------ no login started
for my $q ('', '?code=abc', '?code=abc&state=made-up-state',
           '?state=made-up-state') {
    my $res = ua()->get(rp_url("/console/zsso/callback$q"));
    t_debug(dump_res($res));
    ok t_cmp($res->code, 400, "callback$q without a login in progress: 400");
}

# ------------------------------------------------------------ a real login
# Sign in at the provider, but stop before the browser returns.
my ($res, $ua, $hops) = login('alice@example.com', 'alice-pw',
                              '/console/env', stop_at => $cb_re);
my $cb_url = URI->new_abs($res->header('Location') // '',
                          $res->request->uri)->as_string;
t_debug("callback URL withheld: $cb_url");
ok t_cmp($cb_url, $cb_re, 'the provider sends the browser to the callback');
my ($state_name, $state_value);
$ua->cookie_jar->scan(sub {
    ($state_name, $state_value) = @_[1, 2] if $_[1] =~ /^zsso_state_/;
});
ok t_cmp(defined $state_name ? 1 : 0, 1, 'the browser holds a state cookie');
$state_name //= 'zsso_state_missing';
$state_value //= '';

# Someone else's browser (login CSRF): no state cookie for that state.
my $other = ua();
$res = $other->get($cb_url);
ok t_cmp($res->code, 400, 'the callback URL in another browser: 400');
ok t_cmp(session_cookie($res), undef, '... no session cookie');

# The browser that started the login: accepted, once.
$res = $ua->get($cb_url);
t_debug(dump_res($res));
ok t_cmp($res->code, 302, 'the callback in the right browser: 302');
ok t_cmp(session_cookie($res) // '', qr/^zsso_session=/,
         '... with a session cookie');

# Replayed: the same URL again, with the jar as it is now ...
$res = $ua->get($cb_url);
t_debug(dump_res($res));
ok t_cmp($res->code, 400, 'the same callback URL a second time: 400');
# ... and with the original state cookie put back.
$res = ua()->request(HTTP::Request->new(GET => $cb_url,
    [Cookie => "$state_name=$state_value"]));
t_debug(dump_res($res));
ok t_cmp($res->code, 400,
         'the same callback with the used state cookie resent: 400');

# ------------------------------------------------------------ two tabs
# Two logins pending at once in one browser (two tabs): each has its own
# state, and both complete, in either order.
{
    my ($r1, $tab) = login('bob@example.com', 'bob-pw', '/console/env?tab=1',
                           stop_at => $cb_re);
    # The provider remembers bob now: the second login needs no form.
    my ($r2) = login('bob@example.com', 'bob-pw', '/console/env?tab=2',
                     ua => $tab, stop_at => $cb_re);
    my @cb = map { URI->new_abs($_->header('Location') // '',
                                $_->request->uri)->as_string } $r1, $r2;
    t_debug("pending callbacks: @cb");
    my $second = $tab->get($cb[1]);
    my $first = $tab->get($cb[0]);
    t_debug(dump_res($_)) for $second, $first;
    ok t_cmp($second->code, 302, 'two pending logins: the later one completes');
    ok t_cmp($first->code, 302, '... and so does the earlier one');
    ok t_cmp($first->header('Location') // '', qr{/console/env\?tab=1$},
             '... each returning to its own page');
}

# ------------------------------------------------------------ tampered state
($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env',
                    stop_at => $cb_re);
$cb_url = URI->new_abs($res->header('Location') // '',
                       $res->request->uri);
my $tampered = $cb_url->clone;
my $s = $tampered->query_param('state') // '';
$s = 'x' x 43 if length($s) < 6;
substr($s, 5, 1) = substr($s, 5, 1) eq 'x' ? 'y' : 'x';
$tampered->query_param(state => $s);
$res = $ua->get($tampered->as_string);
ok t_cmp($res->code, 400, 'a callback whose state was changed: 400');
ok t_cmp(session_cookie($res), undef, '... no session cookie');
$res = $ua->get($cb_url->as_string);
t_debug(dump_res($res));
ok t_cmp($res->code == 302 || $res->code == 400, 1,
         'the untouched callback afterwards: 302, or 400 if the failed try '
         . 'consumed the state (got ' . $res->code . ')');
