# A sign-in always makes a new session id, and a session the browser still
# had at that location ends with it (no fixation, no forgotten sessions).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use URI ();
use ZssoTest qw(:all);

plan tests => 5, need_lwp;

sub works {
    my $cookie = shift;
    my $res = ua()->request(HTTP::Request->new(GET => rp_url('/console/env'),
                                               [Cookie => "zsso_session=$cookie"]));
    return env_of($res)->{REMOTE_USER} // '-';
}

my $ua = ua();
# A first tab starts a sign-in and waits on the provider ...
my $pending = $ua->get(rp_url('/console/env?tab=1'));
ok t_cmp(is_provider_redirect($pending), 1, 'a sign-in is pending');
# ... while a second tab signs in.
my ($res) = login('alice@example.com', 'alice-pw', '/console/env?tab=2',
                  ua => $ua);
my $first = cookie_value($ua, 'zsso_session');
ok t_cmp(works($first), 'alice@example.com', 'signed in: session one');
# The first tab's sign-in completes (the provider knows alice by now).
my ($end) = browse($ua, URI->new_abs($pending->header('Location'),
                                     rp_url('/'))->as_string);
my $second = cookie_value($ua, 'zsso_session');
ok t_cmp(($second // '') ne $first ? 1 : 0, 1,
         'the second sign-in made a new session id');
ok t_cmp(works($second), 'alice@example.com', '... which works');
ok t_cmp(works($first), '-', '... and the old session is gone');
