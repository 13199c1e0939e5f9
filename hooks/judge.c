/* judge: the decision on each command of a push (SPEC 3-6) */
#include "judge.h"
#include "judge_int.h"

#include <stdlib.h>
#include <string.h>

#include "../adapters/packodb.h"
#include "../adapters/policyref.h"
#include "../adapters/treediff.h"
#include "../common/buf.h"
#include "../common/quote.h"
#include "../policy/attestpath.h"
#include "../policy/userid.h"
#include "gate.h"
#include "judge_denials.h"
#include "judge_fanout.h"
#include "judge_gate.h"
#include "judge_history.h"
#include "judge_refs.h"
#include "keychange.h"
#include "refop.h"
#include "walk.h"

static const char judge_data_ref[] = "refs/apps/merge-reqs/data";

static int judge_git_error(struct err *err, const char *what);

int judge_new(struct judge **out, git_repository *repo,
	      struct policy *policy, const char *policy_error,
	      const struct judge_config *config, struct err *err)
{
	struct judge *judge;

	*out = NULL;
	/*
	 * Every object judged got its id from its content when it entered
	 * the repository: index-pack and unpack-objects hash what the
	 * pusher sends (a pack cannot claim an id), and the rest was
	 * checked the same way when it was pushed or fetched.  libgit2's
	 * default re-hashes each object on every read, a third of a large
	 * push's time for nothing git itself would do (docs/design.md).
	 * Trees are kept parsed by treediff's own cache, so libgit2's object
	 * cache holding each raw tree again only costs a copy and a lock
	 * per read (15-20% of a 10,000-commit push).
	 */
	if (git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0) < 0 ||
	    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
			     (size_t)0) < 0)
		return judge_git_error(err, "cannot set up libgit2");
	/* packed objects through one zlib stream and a cache of bases */
	if (packodb_install(repo, err) < 0)
		return -1;
	if ((judge = calloc(1, sizeof(*judge))) == NULL)
		return err_set(err, "out of memory");
	judge->repo = repo;
	judge->policy = policy;
	judge->policy_error = policy_error;
	judge->config = *config;
	if (judge->config.max_commits == 0)
		judge->config.max_commits = JUDGE_DEFAULT_MAX_COMMITS;
	if (judge->config.max_tree_entries == 0)
		judge->config.max_tree_entries = JUDGE_DEFAULT_MAX_TREE_ENTRIES;
	if (judge->config.max_denials == 0)
		judge->config.max_denials = JUDGE_DEFAULT_MAX_DENIALS;
	judge->commit_budget = judge->config.max_commits;
	judge->workers_used = 1;
	*out = judge;
	return 0;
}

void judge_free(struct judge *judge)
{
	if (judge == NULL)
		return;
	judge__denials_dispose(judge);
	judge__refs_dispose(&judge->refs);
	treediff_free(judge->treediff);
	git_odb_free(judge->odb);
	free(judge);
}

size_t judge_denials(const struct judge *judge)
{
	return judge->ndenials;
}

void judge_stats(const struct judge *judge, struct judge_stats *out)
{
	out->commits = judge->config.max_commits - judge->commit_budget;
	out->tree_entries = judge__counted(judge);
	out->processes = judge->workers_used;
}

static void judge_short(char out[13], const git_oid *id)
{
	git_oid_tostr(out, 13, id);
}

/*
 * What a denial calls the pushed object: its type ("commit", "tag",
 * "tree", "blob"), so that a tree pushed to refs/apps/ is not called a
 * commit; "object" when even its header cannot be read.
 */
static const char *judge_kind(struct judge *judge, const git_oid *id)
{
	git_object_t type = GIT_OBJECT_INVALID;
	git_odb *odb = NULL;
	size_t len;

	if (git_repository_odb(&odb, judge->repo) < 0 ||
	    git_odb_read_header(&len, &type, odb, id) < 0)
		type = GIT_OBJECT_INVALID;
	git_odb_free(odb);
	return type == GIT_OBJECT_INVALID ? "object"
					  : git_object_type2string(type);
}

/*
 * Record a denial that no rule could lift (SPEC 3, 4, 5).  Like a policy
 * denial it names the pusher, the op ("update" when it is not known yet),
 * the ref and the object pushed (SPEC 6), then what is wrong.
 */
static int judge_deny_text(struct judge *judge, const char *user,
			   const char *op, const char *ref, const git_oid *new,
			   const char *text, const char *hint, struct err *err)
{
	struct buf line = BUF_INIT, why = BUF_INIT;
	char id[13];
	int error;

	if (!git_oid_is_zero(new))
		judge_short(id, new);
	if (buf_printf(&line, "denied: %s may not %s ", user, op) < 0 ||
	    judge__put_ref(&line, ref) < 0 ||
	    (!git_oid_is_zero(new) &&
	     buf_printf(&line, " (%s %s)", judge_kind(judge, new), id) < 0) ||
	    buf_printf(&line, ": %s", text) < 0 ||
	    buf_printf(&why, "hint: %s", hint) < 0)
		error = err_set(err, "out of memory");
	else
		error = judge__add(judge, &line, &why,
				   judge__counted(judge), err);
	buf_dispose(&line);
	buf_dispose(&why);
	return error;
}

static int judge_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

static int judge_need_treediff(struct judge *judge, struct err *err)
{
	struct treediff_options opts = {judge->config.max_tree_entries,
					&judge->config.deadline, 0};
	if (judge->treediff != NULL)
		return 0;
	/*
	 * The treediff borrows the odb and holds objects of its pack reader
	 * until it is freed: the judge keeps a reference of its own, so that
	 * both outlive the treediff whatever the caller frees first.
	 */
	if (judge->odb == NULL &&
	    git_repository_odb(&judge->odb, judge->repo) < 0)
		return judge_git_error(err, "cannot open the object database");
	return treediff_new(&judge->treediff, judge->odb, &opts, err);
}

/*
 * One new commit, the tip, whose parents are exactly the bases: its own
 * change is the net change, so comparing it twice would only repeat work
 * on the hook's hot path (the common one-commit push).
 */
static bool judge_net_is_history(const struct walk *walk,
				 const git_object *new_commit)
{
	const git_commit *commit = (const git_commit *)new_commit;
	size_t i;

	if (walk->ncommits != 1 ||
	    !git_oid_equal(&walk->commits[0], git_object_id(new_commit)) ||
	    git_commit_parentcount(commit) != walk->nbases)
		return false;
	for (i = 0; i < walk->nbases; i++)
		if (!git_oid_equal(git_commit_parent_id(commit, (unsigned)i),
				   &walk->bases[i]))
			return false;
	return true;
}

/*
 * What exists for a creation of ref (SPEC 4): the commits of the base
 * refs, read once per push; nothing for a ref under refs/apps/, which is
 * charged from the empty tree.
 */
static int judge_existing(struct judge *judge, struct walk_options *wopts,
			  const char *ref, struct err *err)
{
	wopts->exist = NULL;
	wopts->nexist = 0;
	if (strncmp(ref, "refs/apps/", 10) == 0)
		return 0;
	if (judge__refs_read_bases(&judge->refs, judge->repo, judge->policy,
				   judge->config.base_remote, err) < 0)
		return -1;
	return judge__refs_exist(&judge->refs, &wopts->exist, &wopts->nexist,
				 ref, err);
}

/*
 * The tree ops of a created or updated ref, tags included: its net change
 * and the changes of every commit new to it (SPEC 4).
 */
static int judge_tree(struct judge *judge, const char *user, enum op op,
		      const git_oid *old, const git_oid *new, const char *ref,
		      const struct walk *walked, struct err *err)
{
	struct judge_charge charge = {judge, user, ref, "", err};
	struct walk_options wopts = {NULL, 0, &judge->commit_budget};
	git_object *obj = NULL, *new_commit = NULL, *old_commit = NULL;
	struct walk own = {0};
	const struct walk *walk = walked != NULL ? walked : &own;
	struct judge_team team = {0};
	struct policy_request request = {user, judge->config.owners,
					 judge->config.nowners, ref,
					 OP_CREATE_FILE, "", 0};
	git_oid new_tree;
	bool all = false;
	int error = -1;

	if (git_object_lookup(&obj, judge->repo, new, GIT_OBJECT_ANY) < 0) {
		judge_git_error(err, "cannot read pushed object");
		goto done;
	}
	if (git_object_peel(&new_commit, obj, GIT_OBJECT_COMMIT) < 0) {
		/* a tag of a tree would publish content nobody judged */
		error = judge_deny_text(judge, user, op_name(op), ref, new,
					"it is not a commit",
					"refs hold commits (or tags of "
					"commits)",
					err);
		goto done;
	}
	/* the app refs hold a commit object itself, never a tag (SPEC 4, 11) */
	if (git_object_type(obj) != GIT_OBJECT_COMMIT &&
	    (strcmp(ref, POLICY_REF) == 0 || strcmp(ref, judge_data_ref) == 0 ||
	     strcmp(ref, GATE_REF) == 0)) {
		error = judge_deny_text(judge, user, op_name(op), ref, new,
					"it must hold a commit, not a tag",
					"push the commit itself", err);
		goto done;
	}
	if (policy_allows_all_tree_ops(judge->policy, &request, &all, err) < 0)
		goto done;
	/* SPEC 11: authorship on the attestations is checked path by path */
	if (all && !judge->config.no_fast_path && strcmp(ref, GATE_REF) != 0) {
		error = 0;	/* the allow-all fast path (SPEC 4) */
		goto done;
	}
	if (!git_oid_is_zero(old)) {
		git_object *o = NULL;

		if (git_object_lookup(&o, judge->repo, old, GIT_OBJECT_ANY) ==
			    0 &&
		    git_object_peel(&old_commit, o, GIT_OBJECT_COMMIT) < 0)
			old_commit = NULL;
		git_object_free(o);
	}
	if (walked == NULL && old_commit == NULL &&
	    judge_existing(judge, &wopts, ref, err) < 0)
		goto done;
	if (judge_need_treediff(judge, err) < 0 ||
	    (walked == NULL &&
	     walk_charges(&own, judge->repo, git_object_id(new_commit),
			  old_commit ? git_object_id(old_commit) : NULL, &wopts,
			  err) < 0) ||
	    judge__tree_of(&new_tree, judge->repo, git_object_id(new_commit),
			   err) < 0)
		goto done;
	/* the net change is labelled with the new tip (SPEC 6) */
	judge_short(charge.commit, git_object_id(new_commit));
	/* workers take later runs of the history while we do the rest */
	if (judge__fan_out(judge, &team, &charge, walk, err) < 0)
		goto done;
	if (!judge_net_is_history(walk, new_commit) &&
	    judge__compare(judge, &charge, &new_tree, walk->bases,
			   walk->nbases, err) < 0)
		goto done;
	if (judge__history(judge, &charge, walk, 0, team.first_end, err) < 0 ||
	    judge__gather(judge, &team, err) < 0)
		goto done;
	error = 0;
done:
	judge__team_dispose(&team);
	walk_dispose(&own);
	git_object_free(old_commit);
	git_object_free(new_commit);
	git_object_free(obj);
	return error;
}

/*
 * What the push does to keys/ and banned/, checked on the tree difference
 * alone (SPEC 2); a key file that was already there is judged when it is
 * used, not now.
 */
static int judge_key_files(struct judge *judge, const char *user,
			   enum op op, const git_oid *old, const git_oid *new,
			   const char *ref, struct err *err)
{
	struct keychange_options opts = {judge->config.owners,
					 judge->config.nowners,
					 judge->config.max_tree_entries,
					 &judge->config.deadline};
	struct keychange_problems problems = {{0}, 0};
	size_t i;
	int error = -1;

	if (keychange_check(&problems, judge->repo, old, new, &opts, err) < 0)
		goto done;
	for (i = 0; i < problems.n; i++)
		if (judge_deny_text(judge, user, op_name(op), ref, new,
				    problems.items[i],
				    "a key file is one armored public key at "
				    "keys/<aa>/<ID>.asc, and only grows (see "
				    "git-acl(1))",
				    err) < 0)
			goto done;
	error = 0;
done:
	keychange_problems_dispose(&problems);
	return error;
}

/* A push to the policy must leave one that loads (SPEC 5). */
static int judge_policy_update(struct judge *judge, const char *user,
			       enum op op, const git_oid *old,
			       const git_oid *new, const char *ref,
			       struct err *err)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct policyref *files = NULL;
	struct policy *next = NULL;
	struct policy_options opts = {.match_limit = judge->config.match_limit,
				      .no_lint = true};
	struct err why = {""};
	struct buf text = BUF_INIT;
	int error = -1;

	/* keys/ and banned/ are never listed: see judge_key_files() */
	if (policyref_read_rules(&files, judge->repo, new, &diags, err) < 0)
		goto done;
	if (policy_load(&next, files->files, files->count, &opts, &diags,
			&why) < 0) {
		/* policy_load() quotes its message already (diag_format()) */
		if (buf_printf(&text, "the new policy does not load: %s",
			       why.msg) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
		error = judge_deny_text(judge, user, op_name(op), ref, new,
					buf_cstr(&text),
					"'git acl lint' lists every problem",
					err);
		goto done;
	}
	error = judge_key_files(judge, user, op, old, new, ref, err);
done:
	buf_dispose(&text);
	policy_free(next);
	policyref_free(files);
	diag_list_dispose(&diags);
	return error;
}

/* SPEC 3: denied before anything else. */
static int judge_early(struct judge *judge, bool *denied, const char *user,
		       const git_oid *old, const git_oid *new, const char *ref,
		       struct err *err)
{
	git_reference *current = NULL;
	char have[13], want[13], text[96];
	bool seen;
	int valid = 0, rc, error = -1;

	*denied = true;
	if (judge__refs_seen(&judge->refs, &seen, ref, err) < 0)
		goto done;
	if (seen) {
		/* git applies the first and fails the second (SPEC 3) */
		error = judge_deny_text(judge, user, "update", ref, new,
					"a second command on this ref in one "
					"push",
					"push one command per ref", err);
		goto done;
	}
	if (strncmp(ref, "refs/", 5) != 0 ||
	    git_reference_name_is_valid(&valid, ref) < 0 || !valid) {
		error = judge_deny_text(judge, user, "update", ref, new,
					"not a valid ref name",
					"see git check-ref-format", err);
		goto done;
	}
	rc = git_reference_lookup(&current, judge->repo, ref);
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		judge_git_error(err, "cannot read ref");
		goto done;
	}
	if (rc == 0 && git_reference_type(current) == GIT_REFERENCE_SYMBOLIC) {
		/* git would move the ref it points to, never judged */
		error = judge_deny_text(judge, user, "update", ref, new,
					"it is a symbolic ref",
					"push to the ref it points to", err);
		goto done;
	}
	if (!judge->config.offline &&
	    !(rc == 0 ? git_oid_equal(git_reference_target(current), old)
		      : git_oid_is_zero(old))) {
		judge_short(want, old);
		if (rc == 0)
			judge_short(have, git_reference_target(current));
		snprintf(text, sizeof(text), "expected at %s but it is at %s",
			 want, rc == 0 ? have : "nothing");
		error = judge_deny_text(judge, user, "update", ref, new, text,
					"fetch and push again", err);
		goto done;
	}
	*denied = false;
	error = 0;
done:
	git_reference_free(current);
	return error;
}

int judge_policy(struct judge *judge, const char *user, const git_oid *old,
		 const git_oid *new, struct err *err)
{
	return judge_policy_update(judge, user, OP_CREATE_BRANCH, old, new,
				   POLICY_REF, err);
}

/* Whether the policy allows op on ref to user, recording nothing. */
static int judge_allowed(struct judge *judge, bool *out, const char *user,
			 enum op op, const char *ref, struct err *err)
{
	struct policy_request request = {user, judge->config.owners,
					 judge->config.nowners, ref, op, NULL,
					 0};
	struct policy_verdict verdict;

	if (policy_check(judge->policy, &request, &verdict, err) < 0)
		return -1;
	*out = verdict.allowed;
	return 0;
}

/*
 * Whether a commit of the walk of new ^old has old as a parent: exactly
 * when old is an ancestor of new (old != new).  The child of old on a path
 * from new down to old is reachable from new, and not from old.  Read from
 * the oldest end, where a fast-forward's answer is; the commits read stay
 * in libgit2's cache for judge__history().
 */
static int judge_walk_reaches(bool *out, struct judge *judge,
			      const struct walk *walk, const git_oid *old,
			      struct err *err)
{
	git_commit *commit = NULL;
	size_t i, j;

	*out = false;
	for (i = walk->ncommits; i-- > 0 && !*out;) {
		if (git_commit_lookup(&commit, judge->repo, &walk->commits[i]) <
		    0)
			return judge_git_error(err, "cannot read commit");
		for (j = 0; j < git_commit_parentcount(commit) && !*out; j++)
			*out = git_oid_equal(git_commit_parent_id(commit,
								  (unsigned)j),
					     old);
		git_commit_free(commit);
		commit = NULL;
	}
	return 0;
}

/*
 * Fast-forward or force, for an update between two different commits
 * outside refs/tags/.  Only ancestry tells them apart, and finding it
 * visits every commit between old and new: the allow-all fast path would
 * grow with the push.  So:
 *  - when the policy gives both ops the same "allowed", the verdict cannot
 *    depend on which it is, and nothing is walked; *op stays OP_FORCE,
 *    which nothing then prints (new is a commit object, so judge_tree()
 *    has no denial naming the ref op).  Not for the policy ref, whose
 *    key-file denials name the op;
 *  - when the tree checks will walk new ^old anyway, that walk is made
 *    now, once, and answers it (*walked: the caller passes it on); a walk
 *    that fails (the commit cap) is left for judge_tree() to report as
 *    before;
 *  - otherwise libgit2's merge-base walk, as refop_classify().
 * A question of these that fails takes the exact path, so that an error
 * arises only where it did before.
 */
static int judge_settle_op(struct judge *judge, enum op *op,
			   struct walk *walk, bool *walked, const char *user,
			   const git_oid *old, const git_oid *new,
			   const char *ref, struct err *err)
{
	struct policy_request request = {user, judge->config.owners,
					 judge->config.nowners, ref,
					 OP_CREATE_FILE, "", 0};
	bool ff_ok = false, force_ok = false, all = true, ancestor;
	size_t budget = judge->commit_budget;
	struct walk_options wopts = {NULL, 0, &budget};
	struct err why = {""};

	/*
	 * These questions are the hook's own: one that fails (a regex over
	 * its match limit on a rule the real op never reaches) must change
	 * nothing, so it only sends us down the exact path.
	 */
	*walked = false;
	if (strcmp(ref, POLICY_REF) != 0 &&
	    (judge_allowed(judge, &ff_ok, user, OP_FAST_FORWARD, ref, &why) <
		     0 ||
	     judge_allowed(judge, &force_ok, user, OP_FORCE, ref, &why) < 0))
		ff_ok = force_ok = false;
	if (ff_ok && force_ok) {
		*op = OP_FORCE;
		return 0;
	}
	if (ff_ok != force_ok &&
	    policy_allows_all_tree_ops(judge->policy, &request, &all, &why) < 0)
		all = true;
	if (ff_ok != force_ok && !all &&
	    walk_charges(walk, judge->repo, new, old, &wopts, &why) == 0) {
		if (judge_walk_reaches(&ancestor, judge, walk, old, err) < 0)
			return -1;
		judge->commit_budget = budget;
		*walked = true;
	} else if (refop_is_ancestor(&ancestor, judge->repo, old, new, ref,
				     err) < 0) {
		return -1;
	}
	*op = ancestor ? OP_FAST_FORWARD : OP_FORCE;
	return 0;
}

int judge_command(struct judge *judge, const char *user, const git_oid *old,
		  const git_oid *new, const char *ref, struct err *err)
{
	char commit[13];
	bool denied, unsure, walked = false;
	enum op op;
	struct walk walk = {0};
	size_t before = judge->ndenials;
	int error = -1;

	if (judge_early(judge, &denied, user, old, new, ref, err) < 0)
		return -1;
	if (denied)
		return 0;
	if (refop_classify_shallow(&op, &unsure, judge->repo, old, new, ref,
				   err) < 0 ||
	    (unsure && judge_settle_op(judge, &op, &walk, &walked, user, old,
				       new, ref, err) < 0))
		goto done;
	if (!git_oid_is_zero(new))
		judge_short(commit, new);
	if (judge__ask(judge, user, op, ref, NULL, 0,
		       git_oid_is_zero(new) ? NULL : judge_kind(judge, new),
		       git_oid_is_zero(new) ? NULL : commit, err) < 0)
		goto done;
	error = 0;
	if (op == OP_DELETE || judge->ndenials > before)
		goto done;	/* no tree ops once the ref op is denied */
	error = -1;
	/* tags too: a tag must not publish what its pusher may not write */
	if (judge_tree(judge, user, op, old, new, ref, walked ? &walk : NULL,
		       err) < 0)
		goto done;
	if (strcmp(ref, POLICY_REF) == 0 && judge->ndenials == before &&
	    judge_policy_update(judge, user, op, old, new, ref, err) < 0)
		goto done;
	/* SPEC 11: after the ref rules, whatever they grant */
	if (judge->ndenials == before &&
	    judge__gate(judge, user, op, old, new, ref, err) < 0)
		goto done;
	error = 0;
done:
	walk_dispose(&walk);
	return error;
}

int judge_report(const struct judge *judge, FILE *out)
{
	size_t i, kept = judge->ndenials < judge->config.max_denials
				 ? judge->ndenials
				 : judge->config.max_denials;
	const char *last_hint = NULL;

	for (i = 0; i < kept; i++) {
		const struct judge_denial *d = &judge->denials[i];

		fprintf(out, "%s\n", d->line);
		if (last_hint == NULL || strcmp(last_hint, d->hint) != 0)
			fprintf(out, "%s\n", d->hint);
		last_hint = d->hint;
	}
	if (judge->ndenials > kept)
		fprintf(out, "denied: and %zu or more\n",
			judge->ndenials - kept);
	return fflush(out) == 0 ? 0 : -1;
}
