# Roles: a per-user file the console rewrites (applied to existing sessions,
# without a restart), Require zsso-claim alone and in Require containers,
# and a signed-in user whom authorization refuses: 403 with a page (the
# module's or the administrator's ErrorDocument), never a new login.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use ZssoTest qw(:all);

my $file = "$ENV{ZSSO_RUN_DIR}/roles.txt";

plan tests => 9 + 6 + 9 + 3 + 2, need_lwp;

# write_roles(TEXT): what the console does when an administrator changes a
# role (a new file renamed into place, as editors and consoles do).
sub write_roles {
    my $text = shift;
    open my $fh, '>', "$file.new" or die "$file.new: $!";
    print $fh $text;
    close $fh;
    rename "$file.new", $file or die "rename: $!";
}

sub role_at {
    my ($ua, $path) = @_;
    return env_of($ua->get(rp_url($path)))->{ZSSO_ROLE} // '(none)';
}

# ------------------------------------------------------------ role file
unlink $file;
write_roles("# roles set in the console\n"
            . "alice\@example.com: Auditor\n"
            . "this line has no colon\n"
            . "\n"
            . "  BOB\@example.com :  Console Operator  \n");
my $log_start = error_log_size();
my ($res, $alice) = login('alice@example.com', 'alice-pw', '/console/rf/env');
ok t_cmp(env_of($res)->{ZSSO_ROLE}, 'Auditor',
         'ZSSORoleFile: alice\'s line overrides her group\'s role');
ok t_cmp(role_at($alice, '/console/env'), 'Console Admin',
         '... only where the file applies (/console: her group\'s role)');
ok t_cmp($alice->get(rp_url('/console/rf/auditors/env'))->code, 200,
         '... and Require zsso-role Auditor lets her in');
my @lines = zsso_lines(error_log_since($log_start));
my @bad = grep { /ZSSO00041:/ } @lines;
ok t_cmp(@bad && !grep({ !/roles\.txt line 3 / } @bad) ? 1 : 0, 1,
         'the malformed line is logged with its number (once per process)');
my ($bob_res, $bob) = login('bob@example.com', 'bob-pw', '/console/rf/env');
ok t_cmp(env_of($bob_res)->{ZSSO_ROLE}, 'Console Operator',
         '... and the rest stays in force (bob, name without case)');

write_roles("alice\@example.com: Read Only\n");
ok t_cmp(role_at($alice, '/console/rf/env'), 'Read Only',
         'a rewritten file applies to alice\'s existing session at once');
ok t_cmp($alice->get(rp_url('/console/rf/auditors/env'))->code, 403,
         '... Auditor is gone: 403');
ok t_cmp(role_at($bob, '/console/rf/env'), 'Organization Member',
         '... bob, no longer listed, is back to his groups\' role');
$log_start = error_log_size();
unlink $file;
ok t_cmp(role_at($alice, '/console/rf/env'), 'Console Admin',
         'the file removed: her group\'s role again');
@lines = zsso_lines(error_log_since($log_start));
t_debug("log: $_") for @lines;

# ------------------------------------------------------------ zsso-claim
ok t_cmp($alice->get(rp_url('/console/claim-email/env'))->code, 200,
         'Require zsso-claim email (in RequireAll with a RequireNone): alice');
ok t_cmp($bob->get(rp_url('/console/claim-email/env'))->code, 403,
         '... bob has the email but the RequireNone group: 403');
ok t_cmp($alice->get(rp_url('/console/claim-array/env'))->code, 200,
         'zsso-claim on an array claim (groups) in RequireAny: alice');
ok t_cmp($bob->get(rp_url('/console/claim-array/env'))->code, 403,
         '... not bob');
ok t_cmp($alice->get(rp_url('/console/claim-bool/env'))->code, 200,
         'zsso-claim email_verified true (a boolean claim)');
ok t_cmp(ua()->get(rp_url('/console/claim-bool/env'),
                   Accept => 'application/json')->code, 401,
         '... and without a session: 401, not 403');

# ------------------------------------------------------------ 403
$log_start = error_log_size();
$res = $alice->get(rp_url('/console/nobody/env'));
my $body = $res->decoded_content // '';
ok t_cmp($res->code, 403, 'signed in but refused by Require: 403');
ok t_cmp(is_provider_redirect($res), 0, '... not a new sign-in');
ok t_cmp($res->header('WWW-Authenticate') // '', '',
         '... and no challenge');
ok t_cmp($body, qr/signed in as alice\@example\.com with the role Console Admin/i,
         '... the page says who and with which role');
my ($ref) = $body =~ /Reference: ([A-Za-z0-9_-]+)/;
$ref //= 'none';
@lines = zsso_lines(error_log_since($log_start));
ok t_cmp(scalar(grep { /ZSSO00108:.*\(ref \Q$ref\E\)/ } @lines), 1,
         '... with a reference that is also in the log line');
$res = $alice->get(rp_url('/console/nobody-text/env'));
ok t_cmp($res->code, 403, 'ErrorDocument 403 "text": still 403');
ok t_cmp($res->decoded_content // '', qr/^Custom refusal text/,
         '... with the administrator\'s text');
$res = $alice->get(rp_url('/console/nobody-url/env'));
ok t_cmp($res->code, 403, 'ErrorDocument 403 /local/url: 403');
ok t_cmp($res->decoded_content // '', qr/The administrator's own page/,
         '... with the administrator\'s page');

# ------------------------------------------------------------ module pages
($res) = login('x', 'y', '/fake-custom/denied/env');
ok t_cmp($res->code, 403, 'an ErrorDocument replaces the "not allowed" page');
ok t_cmp($res->decoded_content // '', qr/Custom not-assigned text/,
         '... with the administrator\'s text');
ok t_cmp($res->decoded_content // '', qr/^(?!.*Okta signed you in)/s,
         '... instead of the module\'s');

# ------------------------------------------------------------ /console/admin
$res = $bob->get(rp_url('/console/admin/'));
ok t_cmp($res->code, 403, 'bob at /console/admin (Console Admin only): 403');
ok t_cmp($alice->get(rp_url('/console/admin/'))->code, 200, '... alice: 200');
