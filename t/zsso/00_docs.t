# The documentation keeps up with the code: every directive in the command
# table has its entry in docs/directives.md, and every log tag the code
# writes is registered in docs/log-tags.md, and every XXX(ZI-n) mark in
# the code is listed in docs/KNOWN_ISSUES.md.
use strict;
use warnings FATAL => 'all';

use Apache::Test;
use Apache::TestUtil;
use File::Spec;

my $top = Apache::Test::vars('top_dir');

sub slurp {
    my $path = File::Spec->catfile($top, @_);
    open my $fh, '<', $path or die "$path: $!";
    local $/;
    return <$fh>;
}

my $config = slurp('src', 'config.c');
my @directives = $config =~ /AP_INIT_\w+\(\s*"(\w+)"/g;
my $ref = slurp('docs', 'directives.md');

my %src;
for my $dir ('src', '.') {
    opendir my $dh, File::Spec->catdir($top, $dir) or die $!;
    for my $f (grep { /\.c$/ } readdir $dh) {
        $src{"$dir/$f"} = slurp($dir, $f);
    }
}
my %tags = map { $_ => 1 }
           map { /ZSSO_LOGNO\((\d{5})\)/g } values %src;
my $registry = slurp('docs', 'log-tags.md');

# Every shortcoming marked in the code is listed, by number.
my %marks = map { $_ => 1 } map { /XXX\((ZI-\d+)\)/g } values %src;
my $known = slurp('docs', 'KNOWN_ISSUES.md');

plan tests => 2 + @directives + keys(%tags) + keys(%marks);

ok t_cmp(scalar @directives >= 10, 1, 'directives found in src/config.c');
ok t_cmp(scalar keys %tags >= 10, 1, 'log tags found in the sources');
for my $d (@directives) {
    ok t_cmp($ref =~ /^## \Q$d\E$/m ? 1 : 0, 1,
             "docs/directives.md documents $d");
}
for my $t (sort keys %tags) {
    ok t_cmp($registry =~ /\| ZSSO$t \|/ ? 1 : 0, 1,
             "docs/log-tags.md registers ZSSO$t");
}
for my $m (sort keys %marks) {
    ok t_cmp($known =~ /^## \Q$m\E:/m ? 1 : 0, 1,
             "docs/KNOWN_ISSUES.md lists $m");
}
