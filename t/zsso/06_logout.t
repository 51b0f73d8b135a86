# B/zsso/logout ends the session: the cookie is cleared in the browser and,
# what matters, the session is gone on the server, so a copy of the old
# cookie no longer opens anything.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use URI ();
use ZssoTest qw(:all);

my $op_port = $ENV{ZSSO_OP_PORT};

plan tests => 8, need_lwp;

my ($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env');
ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com', 'alice signs in');
my $value = cookie_value($ua, 'zsso_session') // '';

# A GET (a link, or a cross-site <img>) only shows the sign-out button: it
# must not end the session by itself.
$res = $ua->get(rp_url('/console/zsso/logout'));
t_debug('logout page: ' . dump_res($res));
ok t_cmp($res->code == 200
         && $res->decoded_content =~ m{<form method="post" action="/console/zsso/logout"}
         ? 1 : 0, 1, 'GET logout shows a sign-out form that POSTs');
ok t_cmp(session_cookie($res) // '', '', '... and clears nothing');

$res = $ua->post(rp_url('/console/zsso/logout'));
t_debug('logout: ' . dump_res($res));
my $cleared = session_cookie($res) // '';
t_debug("logout Set-Cookie: $cleared");
ok t_cmp($cleared,
         qr/^zsso_session=[^;]*;.*
            (?:Max-Age=0|Expires=[^;]*(?:19[0-9]{2}|1970))/xi,
         'POST logout clears the session cookie');
ok t_cmp($res->code == 302
         && ($res->header('Location') // '') =~
            m{^https://127\.0\.0\.1:\Q$op_port\E/oauth2/v1/logout\?id_token_hint=[^&]+&post_logout_redirect_uri=}
         ? 1 : 0, 1, '... and sends the browser to Okta\'s logout with id_token_hint');

# Follow the rest of the logout (the provider's confirmation, if any).
if ($res->is_redirect) {
    my ($end, $hops) = browse($ua, URI->new_abs($res->header('Location'),
                                                $res->request->uri)->as_string);
    $end = submit_forms($ua, $end, $hops, logout => 'yes');
    t_debug('after logout: ' . dump_res($_)) for @$hops;
}

$res = ua()->request(HTTP::Request->new(GET => rp_url('/console/env'),
                                        [Cookie => "zsso_session=$value"]));
t_debug('old cookie: ' . dump_res($res));
ok t_cmp(is_provider_redirect($res, $op_port), 1,
         'the old session cookie no longer opens /console');
ok t_cmp(env_of($res)->{REMOTE_USER}, undef, '... nothing of alice\'s leaks');

$res = $ua->get(rp_url('/console/env'));
ok t_cmp(is_provider_redirect($res, $op_port), 1,
         'the same browser must sign in again');
