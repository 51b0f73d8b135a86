# A real browser (Chromium, headless) signs in: what the other tests check
# with a cookie jar must also hold for a browser's rules on cookies
# (SameSite, HttpOnly) and navigation (Sec-Fetch-*).  Leaves a screenshot in
# t/logs/browser-login.png.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use JSON::PP ();
use ZssoTest qw(:all);

my $top = Apache::Test::vars('top_dir');
my $chromium = $ENV{ZSSO_CHROMIUM} || '/usr/bin/chromium';
my $have = -x $chromium && -d "$top/node_modules/playwright-core";

# scripts/test.sh installs Chromium and says so: then a missing browser is a
# failure, not a reason to skip.
plan tests => 7,
    $ENV{ZSSO_BROWSER_REQUIRED} ? need_lwp
    : (need_lwp, need({ 'Chromium and playwright-core' => $have }));

my $shot = Apache::Test::vars('t_logs') . '/browser-login.png';
my $start = rp_url('/console/env');
my $cmd = "node '$top/t/lib/browser-login.mjs' '$start'"
          . " alice\@example.com alice-pw '$shot' 2>&1";
my $out = `$cmd`;
t_debug("browser: $out");
my ($json) = $out =~ /^(\{.*\})\s*$/m;
my $r = eval { JSON::PP::decode_json($json // '') } // { ok => 0 };
t_debug("step: $_") for @{ $r->{steps} // [] };

ok t_cmp($r->{ok} ? 1 : 0, 1, 'Chromium completes the sign-in');
ok t_cmp($r->{url} // '', rp_url('/console/env'),
         '... and is back at /console/env');
my %env = map { /^([A-Z_]+)=(.*)$/ ? ($1, $2) : () }
          split /\n/, $r->{body} // '';
ok t_cmp($env{REMOTE_USER}, 'alice@example.com', '... as alice');
ok t_cmp($env{ZSSO_ROLE}, 'Console Admin', '... with her role');
ok t_cmp($env{HTTP_SEC_FETCH_MODE} // '', 'navigate',
         '... (a real navigation: Sec-Fetch-Mode navigate)');
my ($session) = grep { $_->{name} eq 'zsso_session' } @{ $r->{cookies} // [] };
ok t_cmp($session && $session->{httpOnly} ? 1 : 0, 1,
         'the browser keeps zsso_session as HttpOnly');
ok t_cmp(-s $shot ? 1 : 0, 1, "a screenshot was saved ($shot)");
