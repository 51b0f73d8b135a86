# ZSSOSessionMaxAge: a session ends on the server when its time is up, even
# if the browser still sends the cookie.  (The shortest allowed age is 60 s,
# so this test waits a minute; it is numbered last so that the minute does
# not fall between the other tests, 10_token_validation.t's key rotation
# needs keys fetched moments before.)
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use ZssoTest qw(:all);

plan tests => 3, need_lwp;

my $ua = ua();
my ($res, $hops) = browse($ua, rp_url('/dir/session-age/env'));
t_debug(dump_res($_)) for @$hops;
ok t_cmp(env_of($res)->{REMOTE_USER}, 'good@fake.example',
         'signed in at a location with ZSSOSessionMaxAge 60');
my $value = cookie_value($ua, 'zsso_session') // '';

sleep 62;

# The cookie is sent as it was, whatever the browser would have done.
my $req = HTTP::Request->new(GET => rp_url('/dir/session-age/env'),
                             [Cookie => "zsso_session=$value"]);
$res = ua()->request($req);
t_debug(dump_res($res));
ok t_cmp(is_provider_redirect($res, $ENV{ZSSO_FAKE_PORT}), 1,
         'after 62 s the session is over: sign in again');
ok t_cmp(env_of($res)->{REMOTE_USER}, undef, '... and nothing of it is served');
