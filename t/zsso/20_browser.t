# A real browser (Chromium, headless, through playwright-core) walks the
# administrator's story: open the SSO login URL, land on the provider's
# sign-in page, type alice's credentials, reach the console, read the user
# and role the console page shows; then carol, whom the provider has not
# assigned the app, sees the "not allowed" page.  What the other tests check
# with a cookie jar must also hold for a browser's rules on cookies
# (SameSite, HttpOnly) and navigation (Sec-Fetch-*).  Screenshots of every
# step: t/logs/browser/*.png.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use File::Path ();
use JSON::PP ();
use ZssoTest qw(:all);

my $top = Apache::Test::vars('top_dir');
my $chromium = $ENV{ZSSO_CHROMIUM} || '/usr/bin/chromium';
my $have = -x $chromium && -d "$top/node_modules/playwright-core";

# scripts/test.sh installs Chromium and says so: then a missing browser is a
# failure, not a reason to skip.
plan tests => 11 + 5,
    $ENV{ZSSO_BROWSER_REQUIRED} ? need_lwp
    : (need_lwp, need({ 'Chromium and playwright-core' => $have }));

my $shots = Apache::Test::vars('t_logs') . '/browser';
File::Path::make_path($shots);

# walk(START, LOGIN, PASSWORD, NAME[, THEN]): the browser's result.
sub walk {
    my ($start, $login, $password, $name, $then) = @_;
    my $cmd = "node '$top/t/lib/browser-login.mjs' '$start' '$login'"
              . " '$password' '$shots/$name'" . ($then ? " '$then'" : '')
              . ' 2>&1';
    my $out = `$cmd`;
    t_debug("browser: $out");
    my ($json) = $out =~ /^(\{.*\})\s*$/m;
    my $r = eval { JSON::PP::decode_json($json // '') } // { ok => 0 };
    t_debug("step: $_") for @{ $r->{steps} // [] };
    return $r;
}

# ------------------------------------------------------------ alice
my $r = walk(rp_url('/console/zsso/login'), 'alice@example.com', 'alice-pw',
             'alice', rp_url('/console/home'));
ok t_cmp($r->{ok} ? 1 : 0, 1, 'Chromium completes the sign-in');
ok t_cmp(scalar(grep { m{/oauth2/v1/authorize 302} || m{/interaction/\S+ 200} }
                @{ $r->{steps} // [] }) > 0, 1,
         '... by way of the provider\'s sign-in page');
ok t_cmp(scalar(grep { m{^GET \Q${\ rp_url('/console/')}\E 200} }
                @{ $r->{steps} // [] }), 1,
         '... landing at the console\'s root after the SSO login URL');
ok t_cmp($r->{url} // '', rp_url('/console/home'), '... then its home page');
ok t_cmp($r->{status}, 200, '... served (200)');
ok t_cmp($r->{body} // '', qr/Signed in as alice\@example\.com,\s+role Console Admin\./,
         '... which shows alice and her role');
my ($session) = grep { $_->{name} eq 'zsso_session' } @{ $r->{cookies} // [] };
ok t_cmp($session && $session->{httpOnly} ? 1 : 0, 1,
         'the browser keeps zsso_session as HttpOnly');
ok t_cmp($session ? $session->{sameSite} : '', 'Lax', '... SameSite=Lax');
ok t_cmp(scalar @{ $r->{shots} // [] }, 4, 'four screenshots of alice\'s walk');
ok t_cmp(scalar(grep { -s $_ } @{ $r->{shots} // [] }), 4,
         "... saved under $shots");
my $env = walk(rp_url('/console/env'), 'alice@example.com', 'alice-pw',
               'alice-env');
my %env = map { /^([A-Z_]+)=(.*)$/ ? ($1, $2) : () }
          split /\n/, $env->{body} // '';
ok t_cmp($env{HTTP_SEC_FETCH_MODE} // '', 'navigate',
         'a deep link signs in too, as a real navigation (Sec-Fetch-Mode)');

# ------------------------------------------------------------ carol
$r = walk(rp_url('/console/zsso/login'), 'carol@example.com', 'carol-pw',
          'carol');
ok t_cmp($r->{ok} ? 1 : 0, 1, 'carol completes the provider\'s sign-in');
ok t_cmp($r->{status}, 403, '... and is refused (403)');
ok t_cmp($r->{body} // '', qr/not allowed/i, '... on the "not allowed" page');
ok t_cmp($r->{body} // '', qr/Ask your administrator/,
         '... which says what to do next');
ok t_cmp(scalar(grep { $_->{name} eq 'zsso_session' } @{ $r->{cookies} // [] }),
         0, '... with no session cookie');
