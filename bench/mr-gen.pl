#!/usr/bin/perl
# mr-gen.pl <repo> <users> <requests per user> <comments per request>:
# a refs/apps/merge-reqs/data shaped like SPEC 7 (titles, targets, label
# symlinks both ways, comments by several users), written with one
# git fast-import so that 100,000 comments take seconds, not hours.
# Deterministic: the same arguments give the same commit.
use strict;
use warnings;

my ($repo, $users, $per_user, $per_req) = @ARGV;
die "usage: mr-gen.pl <repo> <users> <requests/user> <comments/request>\n"
	unless defined $per_req;

my @ids = map { uc(sprintf("%040x", 0xA1B2C3D4 * ($_ + 1) + $_ * 7919)) }
	0 .. $users - 1;
open(my $fi, '|-', 'git', '-C', $repo, 'fast-import', '--quiet')
	or die "cannot run git fast-import: $!\n";
binmode $fi;

my $mark = 0;
my @entries;	# [mode, mark, path]
sub blob {
	my ($data) = @_;
	$mark++;
	print $fi "blob\nmark :$mark\ndata ", length($data), "\n$data\n";
	return $mark;
}

my %label_blob;
for my $label (qw(open needs-review closed merged ci-pass ci-fail)) {
	push @entries, ['100644', blob("The $label label.\n"),
		"labels/$label/description"];
	$label_blob{$label} = blob("/labels/$label");
}
my $target = blob("heads/main\n");
my $t = 1764000000;
for my $u (0 .. $users - 1) {
	my $id = $ids[$u];
	for my $n (1 .. $per_user) {
		my $dir = "merge-reqs/$id/$n";
		push @entries, ['100644', blob("Request $n of user $u: fix " .
			"the frobnicator\n"), "$dir/title"];
		push @entries, ['100644', $target, "$dir/target"];
		my @labels = $n % 3 ? ('open', 'needs-review') : ('merged');
		my $back = blob("/merge-reqs/$id/$n");
		for my $label (@labels) {
			push @entries, ['120000', $label_blob{$label},
				"$dir/labels/$label"];
			push @entries, ['120000', $back,
				"labels/$label/$id/$n"];
		}
		my %k;
		for my $c (1 .. $per_req) {
			# the author writes the first comment, others reply
			my $by = $c == 1 ? $u : ($u + $c) % $users;
			my $k = ++$k{$by};
			my $date = $t + $u * 100000 + $n * 100 + $c;
			my @tm = gmtime($date);
			my $text = sprintf("Date: %04d-%02d-%02dT%02d:%02d:%02dZ\n" .
				"Revision: 1\n\nComment %d on request %d.\n",
				$tm[5] + 1900, $tm[4] + 1, @tm[3, 2, 1, 0],
				$c, $n);
			push @entries, ['100644', blob($text),
				"$dir/comments/$ids[$by]/$k"];
		}
	}
}
print $fi "commit refs/apps/merge-reqs/data\n",
	"committer Bench <bench\@example.com> $t +0000\n",
	"data 10\nGenerated\n";
for my $e (@entries) {
	print $fi "M $e->[0] :$e->[1] $e->[2]\n";
}
print $fi "\n";
close($fi) or die "git fast-import failed\n";
