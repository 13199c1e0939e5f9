#!/usr/bin/perl
# attest-gen.pl: refs/apps/attestations by the million (SPEC 11), as a
# git fast-import stream, for section 7 of bench/run (docs/performance.md)
#
#   perl bench/attest-gen.pl --count N [--users U] | git fast-import --quiet
#
# Writes refs/bench/attest: one root commit holding N attestations at
# <aa>/<bb>/<rest>/approved/<ID>.  Everything is derived from fixed
# strings and a fixed date, so the same arguments give the same commit on
# every machine.  (A file of its own, not a mode of bench/gen: the code
# histories' stamps hash bench/gen, and would all be made again.)
use strict;
use warnings;

my %opt = (count => 1000, users => 200);
while (@ARGV) {
	my $k = shift @ARGV;
	$k =~ s/^--// or die "attest-gen: unexpected '$k'\n";
	defined($opt{$k}) or die "attest-gen: unknown option --$k\n";
	$opt{$k} = shift @ARGV // die "attest-gen: --$k needs a value\n";
	$opt{$k} =~ /^[1-9][0-9]*\z/ or die "attest-gen: --$k takes a count\n";
}
binmode STDOUT;
my $time = 1764000000;

sub data { my ($s) = @_; return "data " . length($s) . "\n$s\n"; }

# N attestations as SPEC 11 lays them out, <aa>/<bb>/<rest>/approved/<ID>, for N distinct
# pseudo-random commit ids (SHA-1 of "bench attested <i>"), each approved
# by one of U pseudo-random users (SHA-1 of "bench attester <j>"), every
# file the same blob.  The first N of one sequence: the attestations of
# --count 1000 are among those of --count 1000000.
#
# One blob and U users make only U distinct <rest> trees ("approved/<ID>"
# is the same tree wherever it stands), so the stream builds those first
# (a throwaway commit, u/<j>/approved/<ID>) and then names each <rest>
# directory by its tree id (M 040000): fast-import interns every path
# component in a hash table of fixed size (4451 chains, head-inserted),
# and 1,000,000 <rest>/approved/<ID> paths made it walk a chain of a few
# hundred entries three times a line (still reading after 5.5 minutes,
# nearly all of it in that loop); one component a line is a third of
# that, and no tree below <bb> is built in fast-import's memory.  The same objects either way.
# The paths come sorted, so each directory's entries arrive in the order
# they are written.
sub attest {
	require Digest::SHA;
	my $n = $opt{count};
	my $text = "approved (bench)\n";
	my $blob = Digest::SHA::sha1("blob " . length($text) . "\0$text");
	my @users = map { uc Digest::SHA::sha1_hex("bench attester $_") }
	    0 .. $opt{users} - 1;
	my $obj = sub { my ($type, $body) = @_;
		return Digest::SHA::sha1_hex("$type " . length($body) . "\0$body"); };
	# the tree of <rest>: approved/<ID>, by user
	my @rest = map {
		my $kind = pack('H*', $obj->('tree', "100644 $_\0$blob"));
		$obj->('tree', "40000 approved\0$kind");
	} @users;
	my @paths;
	$#paths = $n - 1;
	for my $i (0 .. $n - 1) {
		my $c = Digest::SHA::sha1_hex("bench attested $i");
		$paths[$i] = substr($c, 0, 2) . '/' . substr($c, 2, 2) . '/'
		    . substr($c, 4) . ' ' . ($i % @users);
	}
	@paths = sort @paths;
	print "blob\nmark :1\n", data($text);
	print "commit refs/bench/attest\n",
	    "committer Bench <bench\@example.com> $time +0000\n",
	    data("bench: the <rest> trees\n");
	print "M 100644 :1 u/$_/approved/$users[$_]\n" for 0 .. $#users;
	print "\nreset refs/bench/attest\n\n";
	print "commit refs/bench/attest\n",
	    "author Bench <bench\@example.com> $time +0000\n",
	    "committer Bench <bench\@example.com> $time +0000\n",
	    data("bench: $n attestations\n");
	# in chunks: one print per line would be much of perl's time
	for (my $i = 0; $i < @paths; $i += 4096) {
		my $e = $i + 4095 < $#paths ? $i + 4095 : $#paths;
		print join('', map {
			my ($p, $u) = split / /;
			"M 040000 $rest[$u] $p\n";
		} @paths[$i .. $e]);
	}
	print "\n";
}

attest();
