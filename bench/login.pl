#!/usr/bin/perl
# login.pl COUNT PATH COOKIE_NAME EXPECTED_BODY_FILE
#
# COUNT full sign-ins as alice, one after the other, each in a fresh
# browser-like agent (keep-alive, cookies, every redirect followed and the
# provider's sign-in form filled in: t/lib/ZssoTest.pm).  Each must end on
# PATH answering 200 with the expected body.  Prints one line per sign-in:
#   <milliseconds> <value of cookie COOKIE_NAME>
# Needs ZSSO_RP_URL (http://localhost:PORT) and ZSSO_TEST_CA.
use strict;
use warnings FATAL => 'all';
use FindBin ();
use lib "$FindBin::Bin/../t/lib";
use Time::HiRes ();
use ZssoTest qw(login ua cookie_value);

my ($count, $path, $cookie, $body_file) = @ARGV;
die "usage: $0 COUNT PATH COOKIE_NAME EXPECTED_BODY_FILE\n"
    unless defined $body_file;
open my $fh, '<', $body_file or die "$body_file: $!\n";
my $expected = do { local $/; <$fh> };
close $fh;
$| = 1;
for my $i (1 .. $count) {
    my $t0 = Time::HiRes::time();
    # A browser's Accept: mod_auth_openidc answers 401 to a request that
    # does not take HTML, as mod_zsso does to one that does not take any.
    my ($res) = my @r = login('alice@example.com', 'alice-pw', $path,
        ua => ua(keep_alive => 1),
        headers => [Accept => 'text/html,application/xhtml+xml,*/*;q=0.8']);
    my $ms = (Time::HiRes::time() - $t0) * 1000;
    my $value = cookie_value($r[1], $cookie);
    if ($res->code != 200 || ($res->decoded_content // '') ne $expected
        || !defined $value) {
        die sprintf "sign-in %d for %s failed: %s %s (cookie %s)\n", $i,
            $path, $res->request->uri, $res->status_line,
            defined $value ? 'set' : 'missing';
    }
    printf "%.3f %s\n", $ms, $value;
}
