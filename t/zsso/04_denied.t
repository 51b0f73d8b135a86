# A person whom Okta has not assigned the application comes back with
# error=access_denied: they get a page that says so plainly (403), with the
# provider's explanation escaped, and no session.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use ZssoTest qw(:all);

plan tests => 6 + 7, need_lwp;

# ------------------------------------------------------------ carol, okta-op
my $log_start = error_log_size();
my ($res, $ua, $hops) = login('carol@example.com', 'carol-pw', '/console/env');
t_debug(dump_res($_)) for @$hops;
my ($cb) = grep { $_->request->uri =~ m{/console/zsso/callback\?} } @$hops;
ok t_cmp(defined $cb ? 1 : 0, 1,
         'carol is sent back to the callback by the provider');
ok t_cmp($res->code, 403, 'carol (not assigned the app) gets 403');
ok t_cmp($res->decoded_content // '', qr/not allowed/i,
         '... on a page that says she is not allowed in');
ok t_cmp($res->header('Content-Type') // '', qr{^text/html}i,
         '... an HTML page');
ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
         '... and no session cookie');
my @lines = zsso_lines(error_log_since($log_start));
t_debug("log: $_") for @lines;
ok t_cmp(scalar(grep { /access_denied|denied|not assigned|not allowed/i }
                @lines) > 0, 1, '... and the refusal is logged once, tagged');

# ------------------------------------------------------------ fake-op denied
# fake-op's error_description carries markup: it must come out escaped.
($res, $ua, $hops) = login('x', 'y', '/fake/denied/env');
t_debug(dump_res($_)) for @$hops;
my $body = $res->decoded_content // '';
t_debug("denied page: $body");
ok t_cmp($res->code, 403, 'fake-op access_denied: 403');
ok t_cmp($body, qr/not allowed/i, '... the page says not allowed');
ok t_cmp(index($body, '<script>') < 0, 1, '... no raw <script> on it');
ok t_cmp($body, qr/&lt;script&gt;/, '... the description is HTML-escaped');
ok t_cmp($body, qr/not assigned/, '... and shown to the user');
ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
         '... no session cookie');
$res = $ua->get(rp_url('/fake/denied/env'));
ok t_cmp(is_provider_redirect($res, $ENV{ZSSO_FAKE_PORT}), 1,
         '... and the next visit starts a new login');
