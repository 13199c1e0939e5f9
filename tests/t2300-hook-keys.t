#!/bin/sh

test_description='pre-receive: the key files behind an identity (SPEC 2)

A revoked key identifies nobody; a signature that does not verify is
refused; a key file that copies another user'\''s key as its subkey
neither takes that user'\''s identity nor stops them.  Every rejected push
is checked for its exit status, the ref left where it was and the exact
error: line; every attack has a twin that gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-raw.sh"
. "$SRC/tests/lib-keys.sh"

# signature_of <cert>: the armored signature that ends a certificate
signature_of () {
	sed -n "/^-----BEGIN PGP SIGNATURE-----\$/,\$p" "$1"
}

# work <branch> <message>: in the client, a new commit on <branch>
work () {
	(
		cd client &&
		git checkout -q "$1" &&
		echo "$2" >>"$1.txt" &&
		git add "$1.txt" &&
		test_tick &&
		git commit -q -m "$2"
	)
}

test_expect_success 'setup: users, a server whose users push their own branches' '
	test_when_finished stop_gpg_agent &&
	# the holders of copied keys are made first: a subkey is never
	# older than its primary key
	MALLORY=$(make_key "Mallory <mallory@example.com>") &&
	EVE=$(make_key "Eve <eve@example.com>") &&
	FRANK=$(make_key "Frank <frank@example.com>") &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	CAROL=$(make_key "Carol <carol@example.com>") &&
	DAVE=$(make_key "Dave <dave@example.com>") &&
	for u in MALLORY EVE FRANK OWNER ALICE CAROL DAVE
	do
		eval "echo \$$u" >$u.id || return 1
	done &&
	setup_server server.git "$OWNER" &&
	git clone -q --no-checkout server.git policy 2>/dev/null &&
	(
		cd policy &&
		fresh_acl &&
		echo "anyone create-branch,fast-forward heads/users/\${user_id}/.*" \
			>refs/users.conf &&
		{
			echo "[heads/users/\${user_id}/.*]" &&
			echo "anyone create-directory,create-file,modify,delete .*"
		} >branches/users.conf &&
		git add refs branches &&
		test_tick &&
		git commit -q -m "users push their own branches" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	git init -q client &&
	(
		cd client &&
		git remote add origin ../server.git &&
		echo hello >README &&
		git add README &&
		test_tick &&
		git commit -q -m first &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'setup: Alice and Carol register their keys' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat ALICE.id) CAROL=$(cat CAROL.id) &&
	for id in $ALICE $CAROL
	do
		gpg --armor --export $id >$id.asc &&
		register $id $id.asc || return 1
	done &&
	git -C client branch alice main &&
	git -C client branch carol main
'

# --- a revoked key -----------------------------------------------------

test_expect_success 'Carol pushes to her branch: accepted (the twin of the revoked push)' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(cat CAROL.id) &&
	work carol "before the revocation" &&
	(
		cd client &&
		push_ok "$CAROL" origin carol:refs/heads/users/$CAROL/work
	) &&
	ref_is server.git refs/heads/users/$CAROL/work \
		$(git -C client rev-parse carol) &&
	# its keyring is cached now, by the blob id of the key file: the
	# revoked file, a new blob, must not be served from it
	blob=$(git -C server.git rev-parse refs/apps/access-control:$(keypath $CAROL)) &&
	test -d server.git/gitapps/keyrings/$blob
'

# The revoked export is made in a throwaway home: in $GNUPGHOME Carol's
# secret key stays usable, as it does for whoever stole it, and gpg would
# refuse to sign with a key it knows is revoked.
test_expect_success 'Carol revokes her key with the certificate gpg made' '
	CAROL=$(cat CAROL.id) &&
	sed "s/^:-----BEGIN/-----BEGIN/" \
		"$GNUPGHOME/openpgp-revocs.d/$CAROL.rev" >carol.rev &&
	gpg --export $CAROL >carol.pub &&
	GNUPGHOME=$(gpg_home revoke-home) gpg --batch --quiet --import carol.pub &&
	GNUPGHOME=$(gpg_home revoke-home) gpg --batch --quiet --import carol.rev &&
	GNUPGHOME=$(gpg_home revoke-home) gpg --armor --export $CAROL >carol-revoked.asc &&
	GNUPGHOME=$(gpg_home revoke-home) gpgconf --kill all &&
	gpg --with-colons --show-keys carol-revoked.asc >revoked.list &&
	grep "^pub:r:" revoked.list
'

# SPEC 2's rules for a pushed key file are about its form; a key file
# that is later revoked "identifies nobody ... it never stops the policy
# loading", so an owner can record the revocation.
test_expect_success 'the owner publishes the revoked key file: accepted' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) CAROL=$(cat CAROL.id) &&
	(
		cd policy &&
		fresh_acl &&
		cp ../carol-revoked.asc $(keypath $CAROL) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Carol revoked her key" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD)
'

test_expect_success 'the revoked key file is in the policy' '
	CAROL=$(cat CAROL.id) &&
	if ! git -C server.git show refs/apps/access-control:$(keypath $CAROL) |
		cmp -s - carol-revoked.asc
	then
		(
			cd server.git &&
			blob=$(git hash-object -w ../carol-revoked.asc) &&
			tree=$(tree_with refs/apps/access-control^{tree} \
				100644 $(keypath $CAROL) $blob) &&
			test_tick &&
			commit=$(git commit-tree -p refs/apps/access-control \
				-m "Carol revoked her key" $tree) &&
			git update-ref refs/apps/access-control $commit
		)
	fi &&
	git -C server.git show refs/apps/access-control:$(keypath $CAROL) >acl.asc &&
	test_cmp carol-revoked.asc acl.asc
'

test_expect_success 'a revoked key identifies nobody: the same push is rejected' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(cat CAROL.id) &&
	before=$(git -C client rev-parse carol) &&
	work carol "after the revocation" &&
	(
		cd client &&
		push_denied "$CAROL" origin carol:refs/heads/users/$CAROL/work
	) &&
	ref_is server.git refs/heads/users/$CAROL/work $before &&
	said "error: the push certificate'\''s signature does not verify under the key file of its key (a revoked or expired key identifies nobody: see '\''git acl keys list'\'')"
'

# --- a signature that does not verify ----------------------------------

test_expect_success 'a certificate whose signature is over another payload is rejected' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat ALICE.id) &&
	work alice "signed badly" &&
	new=$(git -C client rev-parse alice) &&
	nonce=$(now_nonce) &&
	make_cert $ALICE "$nonce" "$ZERO $new refs/heads/users/$ALICE/other" \
		>other.cert &&
	make_cert $ALICE "$nonce" "$ZERO $new refs/heads/users/$ALICE/b" \
		>/dev/null &&
	# the payload of this one, the signature of the other
	{ cat payload && signature_of other.cert; } >cert &&
	raw_denied refs/heads/users/$ALICE/b --stateless --cert cert \
		--pack-from client/.git server.git &&
	ref_is server.git refs/heads/users/$ALICE/b none &&
	grep -x "error: the push certificate'\''s signature does not verify under the key file of its key (a revoked or expired key identifies nobody: see '\''git acl keys list'\'')" raw.err
'

test_expect_success 'a real certificate with one byte of its payload changed is rejected' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat ALICE.id) &&
	new=$(git -C client rev-parse alice) &&
	make_cert $ALICE "$(now_nonce)" "$ZERO $new refs/heads/users/$ALICE/b" \
		>good.cert &&
	# b -> c in the ref name: one byte, and the push goes elsewhere
	sed "s|^\($ZERO $new refs/heads/users/$ALICE/\)b\$|\1c|" good.cert >cert &&
	test $(cmp -l good.cert cert | wc -l) = 1 &&
	raw_denied refs/heads/users/$ALICE/c --stateless --cert cert \
		--pack-from client/.git server.git &&
	ref_is server.git refs/heads/users/$ALICE/c none &&
	grep -x "error: the push certificate'\''s signature does not verify under the key file of its key (a revoked or expired key identifies nobody: see '\''git acl keys list'\'')" raw.err
'

test_expect_success '... their twin: the certificate as signed is accepted' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat ALICE.id) &&
	raw_ok --stateless --cert good.cert --pack-from client/.git server.git &&
	grep "^ok refs/heads/users/$ALICE/b$" raw.out &&
	ref_is server.git refs/heads/users/$ALICE/b $(git -C client rev-parse alice)
'

# --- a key file holding a copy of another user's key ---------------------

test_expect_success 'Mallory registers a key whose subkey is a copy of Alice'\''s key' '
	test_when_finished stop_gpg_agent &&
	MALLORY=$(cat MALLORY.id) ALICE=$(cat ALICE.id) &&
	copy_as_subkey $MALLORY $ALICE --no-backsig >mallory.asc &&
	subkey_fprs mallory.asc >subkeys &&
	echo $ALICE >expect &&
	test_cmp expect subkeys &&
	register $MALLORY mallory.asc &&
	git -C server.git show refs/apps/access-control:$(keypath $MALLORY) >acl.asc &&
	test_cmp mallory.asc acl.asc &&
	git -C server.git show refs/apps/access-control:$(keypath $ALICE) >acl.asc &&
	test_cmp $ALICE.asc acl.asc
'

test_expect_success 'Alice is still identified: her push is accepted' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat ALICE.id) MALLORY=$(cat MALLORY.id) &&
	blob=$(git -C server.git rev-parse refs/apps/access-control:$(keypath $MALLORY)) &&
	! test -d server.git/gitapps/keyrings/$blob &&
	work alice "with a copy of my key about" &&
	(
		cd client &&
		push_ok "$ALICE" origin alice:refs/heads/users/$ALICE/b
	) &&
	ref_is server.git refs/heads/users/$ALICE/b $(git -C client rev-parse alice) &&
	# a copy without a back-signature is no candidate (SPEC 2): gpg is
	# never even asked about Mallory'\''s key file
	! test -d server.git/gitapps/keyrings/$blob
'

test_expect_success 'Mallory is identified as Mallory, not Alice: denied on Alice'\''s branch' '
	test_when_finished stop_gpg_agent &&
	MALLORY=$(cat MALLORY.id) ALICE=$(cat ALICE.id) &&
	git -C client branch mallory alice &&
	work mallory "by Mallory" &&
	(
		cd client &&
		push_denied "$MALLORY" origin mallory:refs/heads/users/$ALICE/b
	) &&
	ref_is server.git refs/heads/users/$ALICE/b $(git -C client rev-parse alice) &&
	said "denied: $MALLORY may not fast-forward heads/users/$ALICE/b (commit $(short client mallory))"
'

test_expect_success '... its twin: Mallory pushes to her own branch' '
	test_when_finished stop_gpg_agent &&
	MALLORY=$(cat MALLORY.id) &&
	(
		cd client &&
		push_ok "$MALLORY" origin mallory:refs/heads/users/$MALLORY/b
	) &&
	ref_is server.git refs/heads/users/$MALLORY/b \
		$(git -C client rev-parse mallory)
'

test_expect_success 'a copy of Dave'\''s key registered before him does not stop Dave registering' '
	test_when_finished stop_gpg_agent &&
	EVE=$(cat EVE.id) DAVE=$(cat DAVE.id) &&
	copy_as_subkey $EVE $DAVE --no-backsig >eve.asc &&
	register $EVE eve.asc &&
	gpg --armor --export $DAVE >dave.asc &&
	register $DAVE dave.asc &&
	git -C client branch dave main &&
	work dave "by Dave" &&
	(
		cd client &&
		push_ok "$DAVE" origin dave:refs/heads/users/$DAVE/b
	) &&
	ref_is server.git refs/heads/users/$DAVE/b $(git -C client rev-parse dave)
'

# Only with Alice's secret key can a key file carry her back-signature.
# The file named by the signature's issuer is tried first, and the first
# good signature identifies (SPEC 2): Frank's copy costs Alice nothing.
test_expect_success 'a back-signed copy of Alice'\''s key in Frank'\''s file does not stop her' '
	test_when_finished stop_gpg_agent &&
	FRANK=$(cat FRANK.id) ALICE=$(cat ALICE.id) &&
	copy_as_subkey $FRANK $ALICE >frank.asc &&
	register $FRANK frank.asc &&
	work alice "while Frank holds my key" &&
	(
		cd client &&
		push_ok "$ALICE" origin alice:refs/heads/users/$ALICE/b
	) &&
	ref_is server.git refs/heads/users/$ALICE/b $(git -C client rev-parse alice)
'

test_expect_success '... its twin: once the owner removes the copy, Alice gets in' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) FRANK=$(cat FRANK.id) ALICE=$(cat ALICE.id) &&
	(
		cd policy &&
		fresh_acl &&
		git rm -q $(keypath $FRANK) &&
		test_tick &&
		git commit -q -m "remove Frank'\''s copy of Alice'\''s key" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	(
		cd client &&
		push_ok "$ALICE" origin alice:refs/heads/users/$ALICE/b
	) &&
	ref_is server.git refs/heads/users/$ALICE/b $(git -C client rev-parse alice)
'


# --- a signing subkey under a revoked primary key ----------------------
# gpg reports a good signature by a subkey of a revoked primary key as
# REVKEYSIG; the hook checks the signing key from the verify result
# alone, so this is what keeps the subkey from identifying anyone.

test_expect_success 'Gina signs with her subkey: accepted (the twin)' '
	test_when_finished stop_gpg_agent &&
	GINA=$(make_key "Gina <gina@example.com>") &&
	echo $GINA >GINA.id &&
	gpg --batch --quiet --passphrase "" --quick-add-key $GINA ed25519 \
		sign never 2>/dev/null &&
	gpg --with-colons --list-keys $GINA |
		awk -F: "/^sub:/ { s = 1 } s && /^fpr:/ { print \$10; exit }" \
		>GINA.sub &&
	test -s GINA.sub &&
	gpg --armor --export $GINA >gina.asc &&
	register $GINA gina.asc &&
	git -C client branch gina main &&
	work gina "signed by the subkey" &&
	(
		cd client &&
		push_ok "$(cat ../GINA.sub)!" origin gina:refs/heads/users/$GINA/work
	) &&
	ref_is server.git refs/heads/users/$GINA/work $(git -C client rev-parse gina)
'

test_expect_success 'once her primary key is revoked, her subkey identifies nobody' '
	test_when_finished stop_gpg_agent &&
	GINA=$(cat GINA.id) OWNER=$(cat OWNER.id) &&
	sed "s/^:-----BEGIN/-----BEGIN/" \
		"$GNUPGHOME/openpgp-revocs.d/$GINA.rev" >gina.rev &&
	GNUPGHOME=$(gpg_home gina-home) gpg --batch --quiet --import gina.asc &&
	GNUPGHOME=$(gpg_home gina-home) gpg --batch --quiet --import gina.rev &&
	GNUPGHOME=$(gpg_home gina-home) gpg --armor --export $GINA >gina-revoked.asc &&
	GNUPGHOME=$(gpg_home gina-home) gpgconf --kill all &&
	(
		cd policy &&
		fresh_acl &&
		cp ../gina-revoked.asc $(keypath $GINA) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Gina revoked her key" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	before=$(git -C client rev-parse gina) &&
	work gina "after the revocation" &&
	(
		cd client &&
		push_denied "$(cat ../GINA.sub)!" origin gina:refs/heads/users/$GINA/work
	) &&
	ref_is server.git refs/heads/users/$GINA/work $before &&
	said "error: the push certificate'"'"'s signature does not verify under the key file of its key (a revoked or expired key identifies nobody: see '"'"'git acl keys list'"'"')"
'

test_done
