/* require: require lines, the requirements on a ref, counting attesters
   and lint's warnings (SPEC 5, 11) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/require.h"

/* ascending: OWNER < ALICE < CIBOT < BOB */
#define OWNER "0123456789ABCDEF0123456789ABCDEF01234567"
#define ALICE "89ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define CIBOT "C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1"
#define BOB "FEDCBA9876543210FEDCBA9876543210FEDCBA98"
#define CAROL "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

#define FILES_MAX 16

/*
 * The groups every test starts from, nested:
 *
 *	maintainers = ALICE + @reviewers
 *	reviewers   = BOB + @owner
 *	ci          = CIBOT
 */
static const char groups_conf[] = "[maintainers]\n"
				  "member = " ALICE "\n"
				  "member = @reviewers\n"
				  "[reviewers]\n"
				  "member = " BOB "\n"
				  "member = @owner\n"
				  "[ci]\n"
				  "member = " CIBOT "\n";

/* who may write which attestations, and move main */
static const char attest_conf[] = "[apps/attestations]\n"
				  "maintainers create-directory,create-file "
				  ".*/approved/.*\n"
				  "ci create-file .*/ci-pass/.*\n";
static const char main_conf[] = "base heads/main\n"
				"maintainers fast-forward heads/.*\n";

struct fx {
	struct policy_file files[FILES_MAX];
	size_t nfiles;
	struct policy *policy;
	struct diag_list diags;
	struct buf text;	/* the diagnostics, one a line */
	struct err err;
	struct policy_requirement *reqs;
	size_t nreqs;
	struct policy_require_result result;
	/* the ban callback's answers and what it was asked */
	const char *banned;
	bool ban_fails;
	unsigned asked;
	bool asked_owner;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	*state = fx;
	return 0;
}

/* Drop the files, policy and diagnostics: a fresh policy follows. */
static void reset(struct fx *fx)
{
	size_t i;

	for (i = 0; i < fx->nfiles; i++) {
		free((char *)fx->files[i].path);
		free((char *)fx->files[i].data);
	}
	fx->nfiles = 0;
	policy_free(fx->policy);
	fx->policy = NULL;
	diag_list_dispose(&fx->diags);
	free(fx->reqs);
	fx->reqs = NULL;
	fx->nreqs = 0;
	policy_require_result_dispose(&fx->result);
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	reset(fx);
	buf_dispose(&fx->text);
	free(fx);
	return 0;
}

static void add_file(struct fx *fx, const char *path, const char *data)
{
	assert_true(fx->nfiles < FILES_MAX);
	fx->files[fx->nfiles].path = strdup(path);
	fx->files[fx->nfiles].data = strdup(data);
	assert_non_null(fx->files[fx->nfiles].path);
	assert_non_null(fx->files[fx->nfiles].data);
	fx->files[fx->nfiles].len = strlen(data);
	fx->nfiles++;
}

static void add_key(struct fx *fx, const char *id)
{
	char path[64];

	snprintf(path, sizeof(path), "keys/%.2s/%s.asc", id, id);
	add_file(fx, path, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n");
}

/* The groups, keys and rules above, with require lines in refs/req.conf. */
static void add_policy(struct fx *fx, const char *require_conf)
{
	add_file(fx, "groups/team.conf", groups_conf);
	add_file(fx, "branches/attest.conf", attest_conf);
	add_file(fx, "refs/main.conf", main_conf);
	add_file(fx, "refs/req.conf", require_conf);
	add_key(fx, OWNER);
	add_key(fx, ALICE);
	add_key(fx, BOB);
	add_key(fx, CIBOT);
}

static int load(struct fx *fx)
{
	size_t i;
	int rc;

	rc = policy_load(&fx->policy, fx->files, fx->nfiles, NULL, &fx->diags,
			 &fx->err);
	buf_clear(&fx->text);
	for (i = 0; i < fx->diags.count; i++) {
		assert_int_equal(diag_format(&fx->text, &fx->diags.items[i]),
				 0);
		assert_int_equal(buf_putc(&fx->text, '\n'), 0);
	}
	return rc;
}

static void load_ok(struct fx *fx, const char *diags)
{
	if (load(fx) < 0)
		fail_msg("policy does not load: %s", fx->err.msg);
	assert_string_equal(buf_cstr(&fx->text), diags);
}

static void load_fails(struct fx *fx, const char *first, const char *diags)
{
	assert_int_equal(load(fx), -1);
	assert_null(fx->policy);
	assert_string_equal(fx->err.msg, first);
	assert_string_equal(buf_cstr(&fx->text), diags);
}

/* The requirements on ref, which must be decided, as "file:line N:kind". */
static const char *reqs_of(struct fx *fx, const char *ref)
{
	size_t i;

	free(fx->reqs);
	if (policy_requirements(fx->policy, ref, &fx->reqs, &fx->nreqs,
				&fx->err) < 0)
		fail_msg("requirements of %s: %s", ref, fx->err.msg);
	if (fx->nreqs == 0)
		assert_null(fx->reqs);
	buf_clear(&fx->text);
	for (i = 0; i < fx->nreqs; i++) {
		const struct policy_requirement *r = &fx->reqs[i];

		assert_int_equal(buf_printf(&fx->text, "%s:%u %s %u:%s%s\n",
					    r->file, r->line, r->group,
					    r->count, r->kind,
					    r->not_self ? "!self" : ""),
				 0);
	}
	return buf_cstr(&fx->text);
}

static int ban(const char *id, void *payload, struct err *err)
{
	struct fx *fx = payload;

	fx->asked++;
	if (strcmp(id, OWNER) == 0)
		fx->asked_owner = true;
	if (fx->ban_fails)
		return err_set(err, "cannot read banned/%s", id);
	return fx->banned != NULL && strcmp(id, fx->banned) == 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const owners[] = {OWNER};

/* Count fx->reqs[i] (must decide); the ids that counted, one a line. */
static const char *counted(struct fx *fx, size_t i, const char *pusher,
			   const char *const *ids, size_t nids,
			   const char *const *excluded, size_t nexcluded,
			   size_t nowners, bool callback)
{
	size_t j;

	assert_true(i < fx->nreqs);
	policy_require_result_dispose(&fx->result);
	if (policy_require_count(fx->policy, &fx->reqs[i], pusher, owners,
				 nowners, ids, nids, excluded, nexcluded,
				 callback ? ban : NULL, fx, &fx->result,
				 &fx->err) < 0)
		fail_msg("count: %s", fx->err.msg);
	assert_int_equal(fx->result.met,
			 fx->result.have >= fx->reqs[i].count);
	if (fx->result.have == 0)
		assert_null(fx->result.counted);
	buf_clear(&fx->text);
	for (j = 0; j < fx->result.have; j++)
		assert_int_equal(buf_printf(&fx->text, "%s\n",
					    fx->result.counted[j]),
				 0);
	return buf_cstr(&fx->text);
}

/* a kind of 65 bytes: one too many */
#define KIND65                                                                 \
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"

static void require__parse_errors_name_file_and_line(void **state)
{
	struct fx *fx = *state;

	add_policy(fx,
		   "maintainers require 2:approved heads/main\n"
		   "anyone require 1:approved heads/a\n"
		   "owner require 1:approved heads/a\n"
		   ALICE " require 1:approved heads/a\n"
		   "nobody require 1:approved heads/a\n"
		   "Team require 1:approved heads/a\n"
		   "maintainers require 0:approved heads/a\n"
		   "maintainers require 1000:approved heads/a\n"
		   "maintainers require 01:approved heads/a\n"
		   "maintainers require +1:approved heads/a\n"
		   "maintainers require -1:approved heads/a\n"
		   "maintainers require 1:Approved heads/a\n"
		   "maintainers require 1:approved,,2:ci-pass heads/a\n"
		   "maintainers require 1:approved!me heads/a\n"
		   "maintainers require 1:approved!self!self heads/a\n"
		   "maintainers require approved heads/a\n"
		   "maintainers require 1:approved, heads/a\n"
		   "maintainers require 1:approved heads/u/$user_id\n"
		   "maintainers require 1:approved heads/u/${user_id}/x\n"
		   "maintainers require 1:approved apps/.*\n"
		   "maintainers require 1:approved ^apps/attestations\n"
		   "maintainers require 1:approved apps/au(dit|thors)\n"
		   "maintainers require 1:approved heads/(\n"
		   "maintainers require 1:approved\n"
		   "owner require x:y!z,1:a-b  heads/(\n"
		   "maintainers require 1:" KIND65 " heads/a\n");
	add_file(fx, "branches/x.conf",
		 "maintainers require 1:approved heads/a\n");
	load_fails(fx, "branches/x.conf:1: require lines belong in refs/*.conf",
		   "branches/x.conf:1: require lines belong in "
		   "refs/*.conf\n"
		   "refs/req.conf:2: require needs a group of "
		   "groups/*.conf, not 'anyone'\n"
		   "refs/req.conf:3: require needs a group of "
		   "groups/*.conf, not 'owner'\n"
		   "refs/req.conf:4: require needs a group of "
		   "groups/*.conf, not "
		   "'89ABCDEF0123456789ABCDEF0123456789ABCDEF'\n"
		   "refs/req.conf:5: unknown group 'nobody'\n"
		   "refs/req.conf:6: invalid group name 'Team': names "
		   "match [a-z][a-z0-9_-]{0,63}\n"
		   "refs/req.conf:7: invalid count '0' in "
		   "'0:approved': N runs from 1 to 999\n"
		   "refs/req.conf:8: invalid count '1000' in "
		   "'1000:approved': N runs from 1 to 999\n"
		   "refs/req.conf:9: invalid count '01' in "
		   "'01:approved': N runs from 1 to 999\n"
		   "refs/req.conf:10: invalid count '+1' in "
		   "'+1:approved': N runs from 1 to 999\n"
		   "refs/req.conf:11: invalid count '-1' in "
		   "'-1:approved': N runs from 1 to 999\n"
		   "refs/req.conf:12: invalid kind 'Approved' in "
		   "'1:Approved': kinds match [a-z][a-z0-9-]{0,63}\n"
		   "refs/req.conf:13: empty item in "
		   "'1:approved,,2:ci-pass'\n"
		   "refs/req.conf:14: unknown suffix '!me' in "
		   "'1:approved!me': only !self may follow a kind\n"
		   "refs/req.conf:15: unknown suffix '!self!self' in "
		   "'1:approved!self!self': only !self may follow a "
		   "kind\n"
		   "refs/req.conf:16: invalid item 'approved': "
		   "expected N:kind or N:kind!self\n"
		   "refs/req.conf:17: empty item in '1:approved,'\n"
		   "refs/req.conf:18: $user_id in require pattern "
		   "'heads/u/$user_id': a requirement is the same for "
		   "every pusher\n"
		   "refs/req.conf:19: $user_id in require pattern "
		   "'heads/u/${user_id}/x': a requirement is the same "
		   "for every pusher\n"
		   "refs/req.conf:20: require pattern 'apps/.*' "
		   "matches apps/access-control: requirements never "
		   "gate refs/apps/access-control, "
		   "refs/apps/attestations or refs/apps/audit\n"
		   "refs/req.conf:21: require pattern "
		   "'^apps/attestations' matches apps/attestations: "
		   "requirements never gate refs/apps/access-control, "
		   "refs/apps/attestations or refs/apps/audit\n"
		   "refs/req.conf:22: require pattern "
		   "'apps/au(dit|thors)' matches apps/audit: "
		   "requirements never gate refs/apps/access-control, "
		   "refs/apps/attestations or refs/apps/audit\n"
		   "refs/req.conf:23: bad regex: missing closing "
		   "parenthesis at offset 7 in 'heads/('\n"
		   "refs/req.conf:24: require line needs GROUP require "
		   "N:kind[!self][,...] REF-REGEX\n"
		   "refs/req.conf:25: require needs a group of "
		   "groups/*.conf, not 'owner'\n"
		   "refs/req.conf:25: invalid count 'x' in 'x:y!z': N "
		   "runs from 1 to 999\n"
		   "refs/req.conf:25: bad regex: missing closing "
		   "parenthesis at offset 7 in 'heads/('\n"
		   "refs/req.conf:26: invalid kind '" KIND65 "' in '1:"
		   KIND65 "': kinds match [a-z][a-z0-9-]{0,63}\n");
}

static void require__counts_from_one_to_999(void **state)
{
	struct fx *fx = *state;
	const char *ids[] = {ALICE};

	add_policy(fx, "maintainers require 1:approved,999:approved heads/a\n"
		       "maintainers require 1:ci-pass!self heads/b\n");
	load_ok(fx, "");
	assert_true(policy_has_requirements(fx->policy));
	assert_string_equal(reqs_of(fx, "refs/heads/a"),
			    "refs/req.conf:1 maintainers 1:approved\n"
			    "refs/req.conf:1 maintainers 999:approved\n");
	assert_string_equal(counted(fx, 0, BOB, ids, 1, NULL, 0, 1, false),
			    ALICE "\n");
	assert_true(fx->result.met);
	assert_string_equal(counted(fx, 1, BOB, ids, 1, NULL, 0, 1, false),
			    ALICE "\n");
	assert_int_equal(fx->result.have, 1);
	assert_false(fx->result.met);
	assert_string_equal(reqs_of(fx, "refs/heads/b"),
			    "refs/req.conf:2 maintainers 1:ci-pass!self\n");
}

/*
 * Ref rules and require lines reach refs/apps/ and refs/replace/ alike:
 * only through patterns written for them (SPEC 5).
 */
static void require__reach_as_ref_rules(void **state)
{
	struct fx *fx = *state;
	char ref[128];

	add_policy(fx, "maintainers require 2:approved,1:ci-pass!self "
		       "heads/main\n"
		       "ci require 1:ci-pass heads/.*\n"
		       "maintainers require 1:approved apps/merge-reqs/.*\n"
		       "maintainers require 1:approved ^replace/.*\n"
		       "reviewers require 1:approved .*\n");
	load_ok(fx, "");
	assert_string_equal(reqs_of(fx, "refs/heads/main"),
			    "refs/req.conf:1 maintainers 2:approved\n"
			    "refs/req.conf:1 maintainers 1:ci-pass!self\n"
			    "refs/req.conf:2 ci 1:ci-pass\n"
			    "refs/req.conf:5 reviewers 1:approved\n");
	assert_string_equal(reqs_of(fx, "refs/heads/dev"),
			    "refs/req.conf:2 ci 1:ci-pass\n"
			    "refs/req.conf:5 reviewers 1:approved\n");
	assert_string_equal(reqs_of(fx, "refs/tags/v1"),
			    "refs/req.conf:5 reviewers 1:approved\n");
	assert_string_equal(reqs_of(fx, "refs/apps/merge-reqs/data"),
			    "refs/req.conf:3 maintainers 1:approved\n");
	assert_string_equal(reqs_of(fx, "refs/replace/" OWNER),
			    "refs/req.conf:4 maintainers 1:approved\n");
	/* `.*` reaches no app ref, and nothing gates the reserved ones */
	assert_string_equal(reqs_of(fx, "refs/apps/attestations"), "");
	assert_string_equal(reqs_of(fx, "refs/apps/access-control"), "");
	assert_string_equal(reqs_of(fx, "refs/apps/audit"), "");
	assert_string_equal(reqs_of(fx, "refs/apps/other"), "");
	/* a full name only */
	assert_int_equal(policy_requirements(fx->policy, "heads/main",
					     &fx->reqs, &fx->nreqs, &fx->err),
			 -1);
	assert_string_equal(fx->err.msg, "ref name must start with 'refs/'");
	assert_null(fx->reqs);
	assert_int_equal(fx->nreqs, 0);
	/* the entries stay valid while the policy does */
	snprintf(ref, sizeof(ref), "%s", reqs_of(fx, "refs/heads/main"));
	assert_string_equal(fx->reqs[0].kind, "approved");
	assert_string_equal(fx->reqs[0].group, "maintainers");
}

static void require__no_policy_no_requirements(void **state)
{
	struct fx *fx = *state;

	assert_false(policy_has_requirements(NULL));
	assert_string_equal(reqs_of(fx, "refs/heads/main"), "");
	add_policy(fx, "# none yet\n");
	load_ok(fx, "");
	assert_false(policy_has_requirements(fx->policy));
	assert_string_equal(reqs_of(fx, "refs/heads/main"), "");
}

static void require__hostile_pattern_is_an_error(void **state)
{
	struct fx *fx = *state;
	char ref[4096];
	size_t n;

	add_policy(fx, "maintainers require 1:approved heads/(a|aa)+b\n");
	load_ok(fx, "");
	n = (size_t)snprintf(ref, sizeof(ref), "refs/heads/");
	memset(ref + n, 'a', 3000);
	snprintf(ref + n + 3000, sizeof(ref) - n - 3000, "cb");
	assert_int_equal(policy_requirements(fx->policy, ref, &fx->reqs,
					     &fx->nreqs, &fx->err),
			 -1);
	assert_string_equal(fx->err.msg,
			    "refs/req.conf:1: regex 'heads/(a|aa)+b' failed: "
			    "match limit exceeded");
	assert_null(fx->reqs);
	assert_int_equal(fx->nreqs, 0);
	/* an ordinary ref is still decided */
	assert_string_equal(reqs_of(fx, "refs/heads/aab"),
			    "refs/req.conf:1 maintainers 1:approved\n");
}

/* Members directly, through a nested group and through @owner. */
static void require__counts_distinct_members(void **state)
{
	struct fx *fx = *state;
	const char *ids[] = {BOB,
			     CIBOT,		/* in ci only */
			     ALICE,
			     "89abcdef0123456789abcdef0123456789abcdef",
			     ALICE "0",
			     "89ABCDEF0123456789ABCDEF0123456789ABCDE",
			     "",
			     NULL,
			     ALICE,		/* counted once */
			     OWNER,
			     CAROL};		/* in no group */

	add_policy(fx, "maintainers require 3:approved heads/main\n"
		       "reviewers require 2:approved heads/main\n");
	load_ok(fx, "");
	reqs_of(fx, "refs/heads/main");
	assert_int_equal(fx->nreqs, 2);
	/* sorted ascending, whatever order the caller gathered them in */
	assert_string_equal(counted(fx, 0, CAROL, ids, COUNT(ids), NULL, 0, 1,
				    false),
			    OWNER "\n" ALICE "\n" BOB "\n");
	assert_int_equal(fx->result.have, 3);
	assert_true(fx->result.met);
	/* nested: BOB and the owner are maintainers through reviewers */
	assert_string_equal(counted(fx, 1, CAROL, ids, COUNT(ids), NULL, 0, 1,
				    false),
			    OWNER "\n" BOB "\n");
	assert_true(fx->result.met);
	/* without gitapps.owner there is no @owner */
	assert_string_equal(counted(fx, 0, CAROL, ids, COUNT(ids), NULL, 0, 0,
				    false),
			    ALICE "\n" BOB "\n");
	assert_false(fx->result.met);
	/* nobody attested */
	assert_string_equal(counted(fx, 0, CAROL, NULL, 0, NULL, 0, 1, false),
			    "");
	assert_false(fx->result.met);
}

/* !self leaves out the pusher and the authors, and only under !self. */
static void require__self_excludes_pusher_and_authors(void **state)
{
	struct fx *fx = *state;
	const char *ids[] = {ALICE, BOB, OWNER};
	const char *authors[] = {BOB, NULL};

	add_policy(fx, "maintainers require 1:approved!self heads/main\n"
		       "maintainers require 1:approved heads/main\n");
	load_ok(fx, "");
	reqs_of(fx, "refs/heads/main");
	assert_string_equal(counted(fx, 0, ALICE, ids, COUNT(ids), authors,
				    COUNT(authors), 1, false),
			    OWNER "\n");
	assert_string_equal(counted(fx, 0, OWNER, ids, COUNT(ids), NULL, 0, 1,
				    false),
			    ALICE "\n" BOB "\n");
	assert_string_equal(counted(fx, 0, NULL, ids, COUNT(ids), authors,
				    COUNT(authors), 1, false),
			    OWNER "\n" ALICE "\n");
	/* without !self, everyone counts */
	assert_string_equal(counted(fx, 1, ALICE, ids, COUNT(ids), authors,
				    COUNT(authors), 1, false),
			    OWNER "\n" ALICE "\n" BOB "\n");
}

/* The hook asks about bans through a callback; an owner is never banned. */
static void require__banned_through_the_callback(void **state)
{
	struct fx *fx = *state;
	const char *ids[] = {ALICE, BOB, OWNER};

	add_policy(fx, "maintainers require 2:approved heads/main\n");
	load_ok(fx, "");
	reqs_of(fx, "refs/heads/main");
	fx->banned = BOB;
	assert_string_equal(counted(fx, 0, CAROL, ids, COUNT(ids), NULL, 0, 1,
				    true),
			    OWNER "\n" ALICE "\n");
	assert_int_equal(fx->asked, 2);
	assert_false(fx->asked_owner);
	fx->banned = OWNER;
	assert_string_equal(counted(fx, 0, CAROL, ids, COUNT(ids), NULL, 0, 1,
				    true),
			    OWNER "\n" ALICE "\n" BOB "\n");
	/* a callback that cannot tell fails the count: never "not banned" */
	fx->ban_fails = true;
	policy_require_result_dispose(&fx->result);
	assert_int_equal(policy_require_count(fx->policy, &fx->reqs[0], CAROL,
					      owners, 1, ids, COUNT(ids), NULL,
					      0, ban, fx, &fx->result,
					      &fx->err),
			 -1);
	assert_string_equal(fx->err.msg, "cannot read banned/" ALICE);
	assert_int_equal(fx->result.have, 0);
	assert_false(fx->result.met);
	assert_null(fx->result.counted);
}

static void require__banned_through_the_policy(void **state)
{
	struct fx *fx = *state;
	const char *ids[] = {ALICE, BOB, OWNER};

	add_policy(fx, "maintainers require 2:approved heads/main\n");
	add_file(fx, "banned/" ALICE, "spam\n");
	load_ok(fx, "");
	reqs_of(fx, "refs/heads/main");
	assert_string_equal(counted(fx, 0, CAROL, ids, COUNT(ids), NULL, 0, 1,
				    false),
			    OWNER "\n" BOB "\n");
	/* a ban the policy knows holds with a callback too */
	assert_string_equal(counted(fx, 0, CAROL, ids, COUNT(ids), NULL, 0, 1,
				    true),
			    OWNER "\n" BOB "\n");
}

static void require__count_needs_a_policy(void **state)
{
	struct fx *fx = *state;
	struct policy_requirement req = {"refs/req.conf", 1, "maintainers", 1,
					 "approved", false};
	const char *ids[] = {ALICE};

	assert_int_equal(policy_require_count(NULL, &req, ALICE, owners, 1,
					      ids, 1, NULL, 0, NULL, NULL,
					      &fx->result, &fx->err),
			 -1);
	assert_int_equal(fx->result.have, 0);
	assert_null(fx->result.counted);
	policy_require_result_dispose(NULL);
}

/* Lint on a policy with these rules in refs/x.conf and branches/x.conf. */
static const char *lint(struct fx *fx, const char *require_conf,
			const char *refs_conf, const char *branches_conf)
{
	reset(fx);
	add_policy(fx, require_conf);
	add_file(fx, "refs/x.conf", refs_conf);
	add_file(fx, "branches/x.conf", branches_conf);
	if (load(fx) < 0)
		fail_msg("policy does not load: %s", fx->err.msg);
	return buf_cstr(&fx->text);
}

/* A required kind is written by someone, or lint says it never is. */
static void require__lint_kinds_nobody_writes(void **state)
{
	struct fx *fx = *state;

	assert_string_equal(
		lint(fx, "maintainers require 1:approved,1:ci-pass,1:sign-off "
			 "heads/main\n",
		     "", ""),
		"refs/req.conf:1: warning: required kind 'sign-off': no rule "
		"lets anyone write it (create-file of "
		"<aa>/<bb>/<rest>/sign-off/<user-id> on refs/apps/attestations)"
		"\n");
	/* anyone, $user_id, the owner, a user named in WHO, a member */
	assert_string_equal(
		lint(fx, "maintainers require 1:a,1:b,1:c,1:d,1:e heads/main\n",
		     "",
		     "[apps/attestations]\n"
		     "anyone create-file .*/a/.*\n"
		     "anyone create-file .*/b/${user_id}\n"
		     "owner create-file .*/c/.*\n"
		     CAROL " create-file .*/d/.*\n"
		     "reviewers create-file .*/e/.*\n"),
		"branches/x.conf:5: warning: user id " CAROL " has no key in "
		"keys/, so it can never push\n");
	/* a rule that reaches no attestation, or writes another's file */
	assert_string_equal(
		lint(fx, "maintainers require 1:a,1:b heads/main\n", "",
		     "anyone create-file .*/a/.*\n"
		     "[apps/attestations]\n"
		     "anyone create-file .*/b/" CAROL "\n"),
		"refs/req.conf:1: warning: required kind 'a': no rule lets "
		"anyone write it (create-file of <aa>/<bb>/<rest>/a/<user-id> "
		"on refs/apps/attestations)\n"
		"refs/req.conf:1: warning: required kind 'b': no rule lets "
		"anyone write it (create-file of <aa>/<bb>/<rest>/b/<user-id> "
		"on refs/apps/attestations)\n");
}

/* A literal protected ref that nobody may move: likely misspelled. */
static void require__lint_refs_no_rule_moves(void **state)
{
	struct fx *fx = *state;

	assert_string_equal(
		lint(fx,
		     "maintainers require 1:approved release/main\n"
		     "maintainers require 1:approved ^heads/main$\n"
		     "maintainers require 1:approved tags/v1\n"
		     "maintainers require 1:approved heads/mi.n\n",
		     "", ""),
		"refs/req.conf:1: warning: require pattern 'release/main': "
		"no ref rule lets anyone create or update release/main\n"
		"refs/req.conf:3: warning: require pattern 'tags/v1': no ref "
		"rule lets anyone create or update tags/v1\n");
	/* written with refs/, a pattern protects nothing */
	assert_string_equal(
		lint(fx, "maintainers require 1:approved refs/heads/.*\n", "",
		     ""),
		"refs/req.conf:1: warning: pattern 'refs/heads/.*' starts "
		"with 'refs/', but ref names are matched without it\n");
	assert_string_equal(lint(fx,
				 "maintainers require 1:approved tags/v1\n",
				 CAROL " create-tag tags/.*\n", ""),
			    "refs/x.conf:1: warning: user id " CAROL " has no "
			    "key in keys/, so it can never push\n");
}

/* A protected ref that can be forced or deleted can be rolled back. */
static void require__lint_refs_forced_or_deleted(void **state)
{
	struct fx *fx = *state;

	assert_string_equal(
		lint(fx, "maintainers require 1:approved heads/main\n",
		     "reviewers force heads/.*\n"
		     "owner delete heads/.*\n", ""),
		"refs/req.conf:1: warning: heads/main is protected by require "
		"but reviewers may force it (refs/x.conf:1): a rollback to an "
		"old attested commit needs no new attestation\n"
		"refs/req.conf:1: warning: heads/main is protected by require "
		"but owner may delete it (refs/x.conf:2): a rollback to an old "
		"attested commit needs no new attestation\n");
	/* a banned member writes nothing and forces nothing */
	reset(fx);
	add_policy(fx, "maintainers require 1:approved heads/main\n");
	add_file(fx, "refs/x.conf", BOB " force heads/main\n");
	add_file(fx, "banned/" BOB, "spam\n");
	load_ok(fx, "");
}

/* Errors first: lint's warnings ask policy_check(), which needs a policy. */
static void require__no_warnings_on_a_broken_policy(void **state)
{
	struct fx *fx = *state;

	add_policy(fx, "maintainers require 1:sign-off heads/mian\n"
		       "maintainers create-file .*\n");
	load_fails(fx, "refs/req.conf:2: 'create-file' is a tree op, not "
		       "allowed in refs/",
		   "refs/req.conf:2: 'create-file' is a tree op, not allowed "
		   "in refs/\n");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(require__parse_errors_name_file_and_line),
		T(require__counts_from_one_to_999),
		T(require__reach_as_ref_rules),
		T(require__no_policy_no_requirements),
		T(require__hostile_pattern_is_an_error),
		T(require__counts_distinct_members),
		T(require__self_excludes_pusher_and_authors),
		T(require__banned_through_the_callback),
		T(require__banned_through_the_policy),
		T(require__count_needs_a_policy),
		T(require__lint_kinds_nobody_writes),
		T(require__lint_refs_no_rule_moves),
		T(require__lint_refs_forced_or_deleted),
		T(require__no_warnings_on_a_broken_policy),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
