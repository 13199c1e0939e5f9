#!/bin/sh

test_description='git mr: names come from key files of both layouts (SPEC 2, 7)

Local only: a policy ref with keys/<aa>/<ID>.asc and the older flat
keys/<ID>.asc; a name resolves to its id ("no merge request <ID>/1") or
to nobody ("no user").'

. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a policy with one key of each layout' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	echo "$OWNER" >owner.id && echo "$BOB" >bob.id &&
	git init -q repo &&
	mkdir -p p/keys/$(echo $BOB | cut -c1-2) &&
	gpg --armor --export "$OWNER" >p/keys/$OWNER.asc &&
	gpg --armor --export "$BOB" >p/keys/$(echo $BOB | cut -c1-2)/$BOB.asc &&
	(cd repo && commit_policy refs/apps/access-control ../p >/dev/null)
'

test_expect_success 'a name in either layout resolves to its id' '
	OWNER=$(cat owner.id) BOB=$(cat bob.id) &&
	for who in "Bob:$BOB" "bob@example.com:$BOB" "Owner:$OWNER"
	do
		(cd repo && test_must_fail git mr show "${who%%:*}/1" 2>../err) &&
		echo "fatal: no merge request ${who#*:}/1" >expect &&
		test_cmp expect err || return 1
	done &&
	(cd repo && test_must_fail git mr show Nobody/1 2>../err) &&
	grep -x "fatal: no user '\''Nobody'\'' (neither a fingerprint nor a name in a key file)" err
'

test_expect_success 'an id with a file in both layouts is one key, not two' '
	OWNER=$(cat owner.id) &&
	mkdir -p p/keys/$(echo $OWNER | cut -c1-2) &&
	cp p/keys/$OWNER.asc p/keys/$(echo $OWNER | cut -c1-2)/$OWNER.asc &&
	(cd repo && commit_policy refs/apps/access-control ../p >/dev/null &&
		test_must_fail git mr show Owner/1 2>../err) &&
	echo "fatal: no merge request $OWNER/1" >expect &&
	test_cmp expect err
'

test_done
