/* judge_refs: refs named twice, and which refs are bases */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch.h"
#include "../../hooks/judge_refs.h"

/*
 * Each test gets a fresh bare repository with one commit, C, that refs
 * point at as the test says, and a policy of the refs/ file it loads.
 */
struct fixture {
	char dir[32];
	git_repository *repo;
	git_oid commit;
	struct policy *policy;
	struct judge_refs refs;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	git_treebuilder *bld = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tree_id;

	if (f == NULL)
		return -1;
	git_libgit2_init();
	strcpy(f->dir, "/tmp/jrefs-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    git_repository_init(&f->repo, f->dir, 1) < 0 ||
	    git_treebuilder_new(&bld, f->repo, NULL) < 0 ||
	    git_treebuilder_write(&tree_id, bld) < 0 ||
	    git_tree_lookup(&tree, f->repo, &tree_id) < 0 ||
	    git_signature_new(&sig, "A U Thor", "author@example.com",
			      1764000000, 0) < 0 ||
	    git_commit_create(&f->commit, f->repo, NULL, sig, sig, NULL, "C",
			      tree, 0, NULL) < 0)
		return -1;
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(bld);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	judge__refs_dispose(&f->refs);
	policy_free(f->policy);
	git_repository_free(f->repo);
	scratch_remove(f->dir);
	free(f);
	git_libgit2_shutdown();
	return 0;
}

/* Load a policy of one file, refs/t.conf. */
static void load(struct fixture *f, const char *refs_conf)
{
	struct policy_file file = {"refs/t.conf", refs_conf,
				   strlen(refs_conf)};
	struct diag_list diags = DIAG_LIST_INIT;
	struct err err = {""};

	if (policy_load(&f->policy, &file, 1, NULL, &diags, &err) < 0)
		fail_msg("policy_load: %s", err.msg);
	diag_list_dispose(&diags);
}

static void ref(struct fixture *f, const char *name)
{
	git_reference *r = NULL;

	assert_int_equal(git_reference_create(&r, f->repo, name, &f->commit,
					      1, NULL),
			 0);
	git_reference_free(r);
}

static void symref(struct fixture *f, const char *name, const char *target)
{
	git_reference *r = NULL;

	assert_int_equal(git_reference_symbolic_create(&r, f->repo, name,
						       target, 1, NULL),
			 0);
	git_reference_free(r);
}

/* The base refs read, by server name, sorted, space-separated. */
static const char *bases(struct fixture *f, const char *remote, char *out,
			 size_t size)
{
	struct err err = {""};
	size_t i, j, len = 0;

	judge__refs_dispose(&f->refs);
	if (judge__refs_read_bases(&f->refs, f->repo, f->policy, remote,
				   &err) < 0)
		fail_msg("judge__refs_read_bases: %s", err.msg);
	/* a sort by hand: a few names */
	for (i = 0; i < f->refs.nbases; i++)
		for (j = i + 1; j < f->refs.nbases; j++)
			if (strcmp(f->refs.bases[i].ref,
				   f->refs.bases[j].ref) > 0) {
				struct judge_base t = f->refs.bases[i];

				f->refs.bases[i] = f->refs.bases[j];
				f->refs.bases[j] = t;
			}
	out[0] = '\0';
	for (i = 0; i < f->refs.nbases; i++) {
		assert_true(git_oid_equal(&f->refs.bases[i].commit,
					  &f->commit));
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? " " : "", f->refs.bases[i].ref);
		assert_true(len < size);
	}
	return out;
}

static void judge_refs__a_ref_seen_twice(void **state)
{
	struct fixture *f = *state;
	struct err err = {""};
	char name[64];
	bool seen;
	int i;

	/* enough refs to grow the table a few times */
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "refs/heads/b%d", i);
		assert_int_equal(judge__refs_seen(&f->refs, &seen, name, &err),
				 0);
		assert_false(seen);
	}
	for (i = 0; i < 1000; i += 37) {
		snprintf(name, sizeof(name), "refs/heads/b%d", i);
		assert_int_equal(judge__refs_seen(&f->refs, &seen, name, &err),
				 0);
		assert_true(seen);
	}
	assert_int_equal(judge__refs_seen(&f->refs, &seen, "refs/heads/b",
					  &err),
			 0);
	assert_false(seen);
	assert_int_equal(f->refs.nseen, 1001);
}

static void judge_refs__bases_are_what_base_lines_match(void **state)
{
	struct fixture *f = *state;
	char got[256];

	load(f, "base heads/main\nbase heads/release/.*\nbase .*\n");
	ref(f, "refs/heads/main");
	ref(f, "refs/heads/release/1");
	ref(f, "refs/tags/v1");
	ref(f, "refs/apps/merge-reqs/data");
	ref(f, "refs/notes/x");
	symref(f, "refs/heads/alias", "refs/heads/main");
	/* tags and app refs never; a symbolic ref is not listed twice */
	assert_string_equal(bases(f, NULL, got, sizeof(got)),
			    "refs/heads/main refs/heads/release/1 "
			    "refs/notes/x");
}

static void judge_refs__with_no_base_line_head_names_the_base(void **state)
{
	struct fixture *f = *state;
	char got[256];

	load(f, "owner create-branch .*\n");
	ref(f, "refs/heads/main");
	ref(f, "refs/heads/trunk");
	symref(f, "HEAD", "refs/heads/trunk");
	assert_string_equal(bases(f, NULL, got, sizeof(got)),
			    "refs/heads/trunk");
	/* an unborn branch, or HEAD at a tag: no base */
	symref(f, "HEAD", "refs/heads/none");
	assert_string_equal(bases(f, NULL, got, sizeof(got)), "");
	symref(f, "HEAD", "refs/tags/v1");
	ref(f, "refs/tags/v1");
	assert_string_equal(bases(f, NULL, got, sizeof(got)), "");
}

static void judge_refs__in_a_clone_only_the_remote_counts(void **state)
{
	struct fixture *f = *state;
	char got[256];

	load(f, "base heads/.*\n");
	ref(f, "refs/heads/main");		/* the user's own */
	ref(f, "refs/remotes/origin/main");
	ref(f, "refs/remotes/origin/topic");
	ref(f, "refs/remotes/originx/main");
	ref(f, "refs/remotes/up/stable");
	symref(f, "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
	assert_string_equal(bases(f, "origin", got, sizeof(got)),
			    "refs/heads/main refs/heads/topic");
	assert_string_equal(bases(f, "up", got, sizeof(got)),
			    "refs/heads/stable");
	/* with no base line: the remote's HEAD, never the clone's */
	policy_free(f->policy);
	f->policy = NULL;
	load(f, "owner create-branch heads/.*\n");
	symref(f, "HEAD", "refs/heads/main");
	symref(f, "refs/remotes/origin/HEAD", "refs/remotes/origin/topic");
	assert_string_equal(bases(f, "origin", got, sizeof(got)),
			    "refs/heads/topic");
	assert_string_equal(bases(f, "up", got, sizeof(got)), "");
}

static void judge_refs__a_ref_is_never_its_own_base(void **state)
{
	struct fixture *f = *state;
	const git_oid *exist;
	size_t n;
	struct err err = {""};
	char got[256];

	load(f, "base heads/.*\n");
	ref(f, "refs/heads/main");
	ref(f, "refs/heads/topic");
	bases(f, NULL, got, sizeof(got));
	assert_int_equal(judge__refs_exist(&f->refs, &exist, &n,
					   "refs/heads/topic", &err),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(judge__refs_exist(&f->refs, &exist, &n,
					   "refs/heads/other", &err),
			 0);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(judge_refs__a_ref_seen_twice),
		T(judge_refs__bases_are_what_base_lines_match),
		T(judge_refs__with_no_base_line_head_names_the_base),
		T(judge_refs__in_a_clone_only_the_remote_counts),
		T(judge_refs__a_ref_is_never_its_own_base),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
