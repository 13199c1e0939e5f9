/* policy: policy_load() and policy_check(), the one decision (SPEC 3-5) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../policy/policy.h"

#define OWNER "0123456789ABCDEF0123456789ABCDEF01234567"
#define ALICE "89ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define BOB "FEDCBA9876543210FEDCBA9876543210FEDCBA98"
/* their key files in the fan-out layout (SPEC 2) */
#define KEY_ALICE "keys/89/" ALICE ".asc"
#define KEY_BOB "keys/FE/" BOB ".asc"
#define MAINT "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define CIBOT "C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1"
#define NOKEY "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"

#define ACCESS_CONTROL "apps/access-control/policy"
#define MERGE_REQS "apps/merge-reqs/policy"
#define MR_DATA "refs/apps/merge-reqs/data"

#define FILES_MAX 64

/*
 * One test's policy: files as policy_load() takes them (names and contents
 * owned here), the loaded policy, its diagnostics and the last error.
 */
struct fx {
	struct policy_file files[FILES_MAX];
	size_t nfiles;
	struct policy *policy;
	struct diag_list diags;
	struct buf text;	/* the diagnostics, one a line */
	struct err err;
	const char *owners[2];
	size_t nowners;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->owners[0] = OWNER;
	fx->nowners = 1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	size_t i;

	for (i = 0; i < fx->nfiles; i++) {
		free((char *)fx->files[i].path);
		free((char *)fx->files[i].data);
	}
	policy_free(fx->policy);
	diag_list_dispose(&fx->diags);
	buf_dispose(&fx->text);
	free(fx);
	return 0;
}

static void add_file_len(struct fx *fx, const char *path, const char *data,
			 size_t len)
{
	char *copy = malloc(len + 1);

	assert_true(fx->nfiles < FILES_MAX);
	assert_non_null(copy);
	memcpy(copy, data, len);
	copy[len] = '\0';
	fx->files[fx->nfiles].path = strdup(path);
	assert_non_null(fx->files[fx->nfiles].path);
	fx->files[fx->nfiles].data = copy;
	fx->files[fx->nfiles].len = len;
	fx->nfiles++;
}

static void add_file(struct fx *fx, const char *path, const char *data)
{
	add_file_len(fx, path, data, strlen(data));
}

/* The contents of the policy file at path, or NULL. */
static struct policy_file *file_named(struct fx *fx, const char *path)
{
	size_t i;

	for (i = 0; i < fx->nfiles; i++)
		if (strcmp(fx->files[i].path, path) == 0)
			return &fx->files[i];
	return NULL;
}

/* Replace the first `from` in an added file with `to`. */
static void edit_file(struct fx *fx, const char *path, const char *from,
		      const char *to)
{
	struct policy_file *f = file_named(fx, path);
	struct buf edited = BUF_INIT;
	const char *at;

	assert_non_null(f);
	if ((at = strstr(f->data, from)) == NULL)
		fail_msg("%s no longer holds '%s'", path, from);
	assert_int_equal(buf_put(&edited, f->data, (size_t)(at - f->data)),
			 0);
	assert_int_equal(buf_puts(&edited, to), 0);
	assert_int_equal(buf_puts(&edited, at + strlen(from)), 0);
	free((char *)f->data);
	f->len = edited.len;
	f->data = buf_detach(&edited);
}

static void add_key(struct fx *fx, const char *id)
{
	char path[64];

	snprintf(path, sizeof(path), "keys/%.2s/%s.asc", id, id);
	/* only the name counts here; the hook checks the contents */
	add_file(fx, path, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n");
}

/* Add every file under dir (relative to `prefix`) as prefix-less paths. */
static void add_tree(struct fx *fx, const char *dir, const char *rel)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		char path[512], name[512];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" : "",
			 de->d_name);
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			add_tree(fx, path, name);
		} else {
			FILE *fp = fopen(path, "rb");
			struct buf data = BUF_INIT;
			char chunk[4096];
			size_t n;

			assert_non_null(fp);
			while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
				assert_int_equal(buf_put(&data, chunk, n), 0);
			fclose(fp);
			add_file_len(fx, name, buf_cstr(&data), data.len);
			buf_dispose(&data);
		}
	}
	closedir(d);
}

/* A policy shipped in the source tree, e.g. apps/access-control/policy. */
static void add_shipped(struct fx *fx, const char *policy_dir)
{
	const char *root = getenv("GITAPPS_SOURCE");
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/%s", root && *root ? root : ".",
		 policy_dir);
	add_tree(fx, dir, "");
}

/* The default policy of `git acl init` with the owner's key. */
static void add_default(struct fx *fx)
{
	add_shipped(fx, ACCESS_CONTROL);
	add_key(fx, OWNER);
}

/* Load; return policy_load()'s result, the diagnostics in fx->text. */
static int load(struct fx *fx)
{
	size_t i;
	int rc;

	policy_free(fx->policy);
	fx->policy = (struct policy *)&fx->policy;	/* must be reset */
	rc = policy_load(&fx->policy, fx->files, fx->nfiles, NULL, &fx->diags,
			 &fx->err);
	buf_clear(&fx->text);
	for (i = 0; i < fx->diags.count; i++) {
		assert_int_equal(diag_format(&fx->text, &fx->diags.items[i]),
				 0);
		assert_int_equal(buf_putc(&fx->text, '\n'), 0);
	}
	if (rc == 0)
		assert_non_null(fx->policy);
	else
		assert_null(fx->policy);
	return rc;
}

/* Load what must load, with exactly these diagnostics. */
static void load_ok(struct fx *fx, const char *diags)
{
	if (load(fx) < 0)
		fail_msg("policy does not load: %s", fx->err.msg);
	assert_string_equal(buf_cstr(&fx->text), diags);
	assert_int_equal(fx->diags.errors, 0);
}

/* Load what must not load: first error in err, every problem in diags. */
static void load_fails(struct fx *fx, const char *first, const char *diags)
{
	assert_int_equal(load(fx), -1);
	assert_string_equal(fx->err.msg, first);
	assert_string_equal(buf_cstr(&fx->text), diags);
	assert_true(fx->diags.errors > 0);
}

static struct policy_request request(const struct fx *fx, const char *user,
				     const char *ref, enum op op,
				     const char *path)
{
	struct policy_request req = {user, fx->owners, fx->nowners, ref, op,
				     path, path ? strlen(path) : 0};

	return req;
}

/* policy_check() must decide; returns the verdict. */
static struct policy_verdict verdict(struct fx *fx, const char *user,
				     const char *ref, enum op op,
				     const char *path)
{
	struct policy_request req = request(fx, user, ref, op, path);
	struct policy_verdict v;

	if (policy_check(fx->policy, &req, &v, &fx->err) < 0)
		fail_msg("%s %s %s %s: error: %s", user, op_name(op), ref,
			 path ? path : "", fx->err.msg);
	return v;
}

static bool allowed(struct fx *fx, const char *user, const char *ref,
		    enum op op, const char *path)
{
	return verdict(fx, user, ref, op, path).allowed;
}

/* policy_check() must fail with exactly msg. */
static void check_error(struct fx *fx, const struct policy_request *req,
			const char *msg)
{
	struct policy_verdict v;

	assert_int_equal(policy_check(fx->policy, req, &v, &fx->err), -1);
	assert_string_equal(fx->err.msg, msg);
	assert_false(v.allowed);
}

static bool all_tree_ops(struct fx *fx, const char *user, const char *ref)
{
	struct policy_request req = request(fx, user, ref, OP_CREATE_FILE, "");
	bool out = true;

	if (policy_allows_all_tree_ops(fx->policy, &req, &out, &fx->err) < 0)
		fail_msg("all tree ops on %s: error: %s", ref, fx->err.msg);
	return out;
}

static const enum op ref_ops[] = {OP_CREATE_BRANCH, OP_CREATE_TAG,
				  OP_FAST_FORWARD, OP_FORCE, OP_DELETE};
static const enum op tree_ops[] = {OP_CREATE_DIRECTORY, OP_CREATE_FILE,
				   OP_CREATE_SYMLINK, OP_CREATE_GITLINK,
				   OP_MODIFY, OP_DELETE_FILE};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* lint's word for a policy where refs may be created but none is a base */
#define NO_BASE                                                                \
	"refs/*.conf: warning: no base line: created refs find existing only " \
	"the commits of the branch HEAD names (add 'base heads/main' or the "  \
	"like)\n"

static void policy__default_policy_loads_clean(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	assert_non_null(file_named(fx, "refs/owner.conf"));
	assert_non_null(file_named(fx, "refs/keys.conf"));
	assert_non_null(file_named(fx, "branches/owner.conf"));
	assert_non_null(file_named(fx, "branches/keys.conf"));
	load_ok(fx, "");
}

static void policy__owner_may_do_everything_on_main(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;
	size_t i;

	add_default(fx);
	load_ok(fx, "");
	for (i = 0; i < COUNT(ref_ops); i++) {
		v = verdict(fx, OWNER, "refs/heads/main", ref_ops[i], NULL);
		assert_true(v.allowed);
		assert_string_equal(v.file, "refs/owner.conf");
		assert_int_equal(v.line, 2);	/* after the base line */
		assert_string_equal(v.pattern, ".*");
		assert_null(v.builtin);
	}
	for (i = 0; i < COUNT(tree_ops); i++) {
		v = verdict(fx, OWNER, "refs/heads/main", tree_ops[i],
			    "src/main.c");
		assert_true(v.allowed);
		assert_string_equal(v.file, "branches/owner.conf");
		assert_int_equal(v.line, 1);
	}
	assert_true(all_tree_ops(fx, OWNER, "refs/heads/main"));
	/* and nobody else may */
	for (i = 0; i < COUNT(ref_ops); i++)
		assert_false(allowed(fx, ALICE, "refs/heads/main", ref_ops[i],
				     NULL));
	for (i = 0; i < COUNT(tree_ops); i++)
		assert_false(allowed(fx, ALICE, "refs/heads/main", tree_ops[i],
				     "src/main.c"));
	assert_false(all_tree_ops(fx, ALICE, "refs/heads/main"));
}

static void policy__anyone_may_register_their_own_key(void **state)
{
	struct fx *fx = *state;
	const char *ref = POLICY_REF;
	struct policy_verdict v;

	add_default(fx);
	load_ok(fx, "");
	v = verdict(fx, ALICE, ref, OP_FAST_FORWARD, NULL);
	assert_true(v.allowed);
	assert_string_equal(v.file, "refs/keys.conf");
	assert_int_equal(v.line, 1);
	v = verdict(fx, ALICE, ref, OP_CREATE_FILE, KEY_ALICE);
	assert_true(v.allowed);
	assert_string_equal(v.file, "branches/keys.conf");
	assert_int_equal(v.line, 4);
	assert_string_equal(v.pattern, "keys/[0-9A-F]{2}/${user_id}\\.asc");
	v = verdict(fx, ALICE, ref, OP_CREATE_DIRECTORY, "keys");
	assert_true(v.allowed);
	assert_int_equal(v.line, 2);
	v = verdict(fx, ALICE, ref, OP_CREATE_DIRECTORY, "keys/AB");
	assert_true(v.allowed);
	assert_int_equal(v.line, 3);
	/* a refresh: the file only grows, which the hook checks */
	assert_true(allowed(fx, ALICE, ref, OP_MODIFY, KEY_ALICE));
	/* but not someone else's key, not the flat layout, not a delete */
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_FILE, KEY_BOB));
	assert_false(allowed(fx, ALICE, ref, OP_MODIFY, KEY_BOB));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_FILE,
			     "keys/" ALICE ".asc"));
	assert_false(allowed(fx, ALICE, ref, OP_DELETE_FILE, KEY_ALICE));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_SYMLINK, KEY_ALICE));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_FILE,
			     KEY_ALICE "\n"));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_DIRECTORY, "keys/ab"));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_FILE,
			     "refs/owner.conf"));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_DIRECTORY, "refs"));
	assert_false(allowed(fx, ALICE, ref, OP_FORCE, NULL));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_BRANCH, NULL));
	/* the same path elsewhere is not the policy's */
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			     KEY_ALICE));
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_FAST_FORWARD,
			     NULL));
}

static void policy__nobody_may_delete_the_policy_ref(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_default(fx);
	add_file(fx, "refs/delete.conf",
		 "anyone delete apps/access-control\n"
		 "owner delete .*\n");
	load_ok(fx, "refs/delete.conf:2: warning: rule is shadowed by the "
		    "identical rule at refs/owner.conf:2\n");
	v = verdict(fx, OWNER, POLICY_REF, OP_DELETE, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.builtin,
			    "nobody may delete refs/apps/access-control");
	assert_null(v.file);
	v = verdict(fx, ALICE, POLICY_REF, OP_DELETE, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.builtin,
			    "nobody may delete refs/apps/access-control");
	/* the rules themselves work on other refs */
	assert_true(allowed(fx, OWNER, "refs/heads/main", OP_DELETE, NULL));
	assert_true(allowed(fx, ALICE, "refs/apps/access-control-2",
			    OP_DELETE, NULL) == false);
}

static void policy__only_the_owner_may_force_the_policy_ref(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_default(fx);
	add_file(fx, "refs/broad.conf", "anyone force .*\n");
	load_ok(fx, "refs/broad.conf:1: warning: pattern '.*' no longer "
		    "reaches apps/access-control: ref rules reach refs/apps/ "
		    "only with a pattern starting with 'apps/'\n");
	v = verdict(fx, ALICE, POLICY_REF, OP_FORCE, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.builtin,
			    "only an owner may force refs/apps/access-control");
	v = verdict(fx, OWNER, POLICY_REF, OP_FORCE, NULL);
	assert_true(v.allowed);
	assert_string_equal(v.builtin, "an owner may always repair the policy");
	/* the broad rule reaches every other ref */
	v = verdict(fx, ALICE, "refs/heads/main", OP_FORCE, NULL);
	assert_true(v.allowed);
	assert_string_equal(v.file, "refs/broad.conf");
}

static void policy__owner_repairs_a_policy_that_does_not_load(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;
	size_t i;

	/* fx->policy stays NULL: the current policy failed to load */
	v = verdict(fx, OWNER, POLICY_REF, OP_FAST_FORWARD, NULL);
	assert_true(v.allowed);
	assert_string_equal(v.builtin, "an owner may always repair the policy");
	assert_true(allowed(fx, OWNER, POLICY_REF, OP_FORCE, NULL));
	for (i = 0; i < COUNT(tree_ops); i++)
		assert_true(allowed(fx, OWNER, POLICY_REF, tree_ops[i],
				    "refs/owner.conf"));
	/* delete stays nobody's; creating the ref is no repair */
	assert_false(allowed(fx, OWNER, POLICY_REF, OP_DELETE, NULL));
	assert_false(allowed(fx, OWNER, POLICY_REF, OP_CREATE_BRANCH, NULL));
	/* everything else is denied */
	v = verdict(fx, OWNER, "refs/heads/main", OP_FAST_FORWARD, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.builtin, "the policy does not load");
	assert_false(allowed(fx, OWNER, "refs/heads/main", OP_CREATE_FILE,
			     "a"));
	assert_false(allowed(fx, ALICE, POLICY_REF, OP_FAST_FORWARD, NULL));
	assert_false(allowed(fx, ALICE, POLICY_REF, OP_CREATE_FILE,
			     "keys/" ALICE ".asc"));
	assert_false(all_tree_ops(fx, OWNER, "refs/heads/main"));
}

static void policy__owner_tree_ops_on_the_policy_ignore_rules(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	/* a policy that grants the owner nothing at all */
	add_file(fx, "refs/keys.conf", "anyone fast-forward apps/x\n");
	load_ok(fx, "");
	v = verdict(fx, OWNER, POLICY_REF, OP_MODIFY, "refs/keys.conf");
	assert_true(v.allowed);
	assert_string_equal(v.builtin, "an owner may always repair the policy");
	assert_true(allowed(fx, OWNER, POLICY_REF, OP_FAST_FORWARD, NULL));
	assert_false(allowed(fx, OWNER, "refs/heads/main", OP_FAST_FORWARD,
			     NULL));
	/* but the fast path never applies to the policy */
	assert_false(all_tree_ops(fx, OWNER, POLICY_REF));
}

static void policy__fast_path_never_for_the_policy_ref(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "branches/all.conf",
		 "[apps/access-control]\n"
		 "anyone create-directory,create-file,create-symlink,"
		 "create-gitlink,modify,delete .*\n");
	load_ok(fx, "");
	assert_false(all_tree_ops(fx, OWNER, POLICY_REF));
	assert_false(all_tree_ops(fx, ALICE, POLICY_REF));
	assert_true(allowed(fx, ALICE, POLICY_REF, OP_MODIFY, "x"));
	/* owner's [apps/.*] section reaches the other app refs */
	assert_true(all_tree_ops(fx, OWNER, MR_DATA));
}

/* The merge-request app's policy on top of the default one. */
static void add_merge_reqs(struct fx *fx)
{
	add_default(fx);
	add_shipped(fx, MERGE_REQS);
	add_key(fx, ALICE);
	add_key(fx, BOB);
}

/* ... with MAINT a maintainer and CIBOT the ci group's bot. */
static void add_merge_reqs_team(struct fx *fx)
{
	add_merge_reqs(fx);
	add_key(fx, MAINT);
	add_key(fx, CIBOT);
	edit_file(fx, "groups/merge-reqs.conf", "member = @owner\n",
		  "member = @owner\nmember = @reviewers\n");
	edit_file(fx, "groups/merge-reqs.conf", "[ci]\n",
		  "[ci]\nmember = " CIBOT "\n");
	add_file(fx, "groups/people.conf", "[reviewers]\nmember = " MAINT "\n");
}

static void policy__merge_request_policy_loads(void **state)
{
	struct fx *fx = *state;

	add_merge_reqs(fx);
	load_ok(fx, "groups/merge-reqs.conf:7: warning: group 'ci' has no "
		    "members\n");
}

static void policy__contributor_writes_only_their_own_request(void **state)
{
	struct fx *fx = *state;
	const char *mine = "merge-reqs/" ALICE "/1";
	char path[256];

	add_merge_reqs_team(fx);
	load_ok(fx, "");
	assert_true(allowed(fx, ALICE, MR_DATA, OP_FAST_FORWARD, NULL));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_FORCE, NULL));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_DELETE, NULL));
	assert_true(allowed(fx, ALICE, MR_DATA, OP_CREATE_DIRECTORY,
			    "merge-reqs"));
	assert_true(allowed(fx, ALICE, MR_DATA, OP_CREATE_DIRECTORY,
			    "merge-reqs/" ALICE));
	assert_true(allowed(fx, ALICE, MR_DATA, OP_CREATE_DIRECTORY, mine));
	snprintf(path, sizeof(path), "%s/title", mine);
	assert_true(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE, path));
	assert_true(allowed(fx, ALICE, MR_DATA, OP_MODIFY, path));
	assert_string_equal(verdict(fx, ALICE, MR_DATA, OP_CREATE_FILE, path)
				    .file,
			    "branches/merge-reqs.conf");
	assert_true(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE,
			    "merge-reqs/" ALICE "/123456789/target"));
	/* not in another user's directory */
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_DIRECTORY,
			     "merge-reqs/" BOB));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE,
			     "merge-reqs/" BOB "/1/title"));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_MODIFY,
			     "merge-reqs/" BOB "/1/title"));
	/* and not anywhere else */
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE,
			     "merge-reqs/" ALICE "/0/title"));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE,
			     "merge-reqs/" ALICE "/1/title/x"));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_DELETE_FILE, path));
	/* the same path on a code branch is not the app's */
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			     path));
}

static void policy__reserved_labels(void **state)
{
	struct fx *fx = *state;
	static const char *const reserved[] = {"merged", "ci-pass", "ci-fail"};
	char path[256];
	size_t i;

	add_merge_reqs_team(fx);
	load_ok(fx, "");
	for (i = 0; i < COUNT(reserved); i++) {
		snprintf(path, sizeof(path), "merge-reqs/%s/1/labels/%s",
			 ALICE, reserved[i]);
		assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_SYMLINK,
				     path));
		snprintf(path, sizeof(path), "labels/%s/%s/1", reserved[i],
			 ALICE);
		assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_SYMLINK,
				     path));
	}
	assert_true(allowed(fx, ALICE, MR_DATA, OP_CREATE_SYMLINK,
			    "merge-reqs/" ALICE "/1/labels/needs-review"));
	assert_true(allowed(fx, ALICE, MR_DATA, OP_CREATE_SYMLINK,
			    "labels/needs-review/" ALICE "/1"));
	assert_true(allowed(fx, ALICE, MR_DATA, OP_DELETE_FILE,
			    "merge-reqs/" ALICE "/1/labels/needs-review"));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_SYMLINK,
			     "merge-reqs/" BOB "/1/labels/needs-review"));
	/* a maintainer (through a nested group) may merge */
	assert_true(allowed(fx, MAINT, MR_DATA, OP_CREATE_SYMLINK,
			    "merge-reqs/" ALICE "/1/labels/merged"));
	assert_true(allowed(fx, MAINT, MR_DATA, OP_CREATE_SYMLINK,
			    "labels/merged/" ALICE "/1"));
	assert_true(allowed(fx, MAINT, MR_DATA, OP_CREATE_FILE,
			    "labels/merged/description"));
	/* the owner is a maintainer through @owner */
	assert_true(allowed(fx, OWNER, MR_DATA, OP_CREATE_SYMLINK,
			    "merge-reqs/" ALICE "/1/labels/merged"));
	/* ci sets ci-pass and ci-fail, nothing else reserved */
	assert_true(allowed(fx, CIBOT, MR_DATA, OP_CREATE_SYMLINK,
			    "merge-reqs/" ALICE "/1/labels/ci-pass"));
	assert_true(allowed(fx, CIBOT, MR_DATA, OP_CREATE_SYMLINK,
			    "labels/ci-fail/" ALICE "/1"));
	assert_false(allowed(fx, CIBOT, MR_DATA, OP_CREATE_SYMLINK,
			     "merge-reqs/" ALICE "/1/labels/merged"));
	assert_false(allowed(fx, CIBOT, MR_DATA, OP_CREATE_FILE,
			     "labels/merged/description"));
	/* and a contributor is neither */
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE,
			     "labels/merged/description"));
}

static void policy__ci_group_as_shipped_is_empty(void **state)
{
	struct fx *fx = *state;

	add_merge_reqs(fx);
	load_ok(fx, "groups/merge-reqs.conf:7: warning: group 'ci' has no "
		    "members\n");
	assert_false(allowed(fx, BOB, MR_DATA, OP_CREATE_SYMLINK,
			     "merge-reqs/" ALICE "/1/labels/ci-pass"));
}

static void policy__revision_tags_in_own_namespace(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_merge_reqs(fx);
	load_ok(fx, "groups/merge-reqs.conf:7: warning: group 'ci' has no "
		    "members\n");
	v = verdict(fx, ALICE, "refs/apps/merge-reqs/" ALICE "/1-v1",
		    OP_CREATE_TAG, NULL);
	assert_true(v.allowed);
	assert_string_equal(v.file, "refs/merge-reqs.conf");
	assert_int_equal(v.line, 8);
	assert_false(allowed(fx, ALICE, "refs/apps/merge-reqs/" BOB "/1-v1",
			     OP_CREATE_TAG, NULL));
	assert_false(allowed(fx, ALICE, "refs/apps/merge-reqs/" ALICE "/1-v1",
			     OP_CREATE_BRANCH, NULL));
	assert_false(allowed(fx, ALICE, "refs/apps/merge-reqs/" ALICE "/1-v1",
			     OP_FORCE, NULL));
	assert_false(allowed(fx, ALICE, "refs/apps/merge-reqs/" ALICE "/0-v1",
			     OP_CREATE_TAG, NULL));
	assert_false(allowed(fx, ALICE, "refs/apps/merge-reqs/" ALICE "/1-v1x",
			     OP_CREATE_TAG, NULL));
	/* every tree op, through the fast path, on one's own tags only */
	assert_true(all_tree_ops(fx, ALICE,
				 "refs/apps/merge-reqs/" ALICE "/1-v1"));
	assert_true(allowed(fx, ALICE, "refs/apps/merge-reqs/" ALICE "/1-v1",
			    OP_CREATE_GITLINK, "vendor/lib"));
	assert_false(all_tree_ops(fx, ALICE,
				  "refs/apps/merge-reqs/" BOB "/1-v1"));
	assert_false(allowed(fx, ALICE, "refs/apps/merge-reqs/" BOB "/1-v1",
			     OP_CREATE_FILE, "src/a.c"));
	assert_false(all_tree_ops(fx, ALICE, MR_DATA));
	assert_false(all_tree_ops(fx, BOB, "refs/apps/merge-reqs/" ALICE
					   "/1-v1"));
	assert_true(all_tree_ops(fx, BOB, "refs/apps/merge-reqs/" BOB "/2-v3"));
}

static void policy__unsectioned_rules_never_reach_apps(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_merge_reqs(fx);
	add_file(fx, "branches/broad.conf",
		 "anyone create-file .*\n"
		 "anyone create-directory,create-file,create-symlink,"
		 "create-gitlink,modify,delete .*\n");
	assert_int_equal(load(fx), 0);
	assert_false(allowed(fx, ALICE, POLICY_REF, OP_CREATE_FILE, "x"));
	assert_false(allowed(fx, ALICE, POLICY_REF, OP_CREATE_FILE,
			     "keys/" BOB ".asc"));
	assert_false(allowed(fx, ALICE, POLICY_REF, OP_MODIFY,
			     "refs/owner.conf"));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE, "x"));
	assert_false(allowed(fx, ALICE, MR_DATA, OP_CREATE_FILE,
			     "merge-reqs/" BOB "/1/title"));
	assert_false(all_tree_ops(fx, ALICE, MR_DATA));
	v = verdict(fx, ALICE, "refs/heads/x", OP_CREATE_FILE, "x");
	assert_true(v.allowed);
	assert_string_equal(v.file, "branches/broad.conf");
	assert_int_equal(v.line, 1);
	assert_true(all_tree_ops(fx, ALICE, "refs/heads/x"));
	/* refs/apps is a prefix of a directory, not of a name */
	assert_true(allowed(fx, ALICE, "refs/appsx", OP_CREATE_FILE, "x"));
	assert_true(allowed(fx, ALICE, "refs/tags/apps/x", OP_CREATE_FILE,
			    "x"));
}

static void policy__replace_refs_need_a_replace_rule(void **state)
{
	struct fx *fx = *state;
	const char *ref =
		"refs/replace/0123456789abcdef0123456789abcdef01234567";
	struct policy_verdict v;

	add_default(fx);
	add_file(fx, "refs/replace.conf",
		 "anyone create-branch (replace)/.*\n"
		 "anyone create-branch (?:replace/).*\n"
		 "anyone force replace/.*\n");
	load_ok(fx, "");
	/* the owner's `.*` does not reach refs/replace/ */
	assert_false(allowed(fx, OWNER, ref, OP_CREATE_BRANCH, NULL));
	assert_false(allowed(fx, OWNER, ref, OP_DELETE, NULL));
	assert_false(allowed(fx, ALICE, ref, OP_CREATE_BRANCH, NULL));
	v = verdict(fx, ALICE, ref, OP_FORCE, NULL);
	assert_true(v.allowed);
	assert_string_equal(v.file, "refs/replace.conf");
	assert_int_equal(v.line, 3);
	/* elsewhere `.*` still works */
	assert_true(allowed(fx, OWNER, "refs/heads/replace/x", OP_CREATE_BRANCH,
			    NULL));
}

static void policy__post_owner_line_fails_to_load(void **state)
{
	struct fx *fx = *state;

	add_file(fx, "refs/owner.conf",
		 "owner create-branch,create-tag,fast-foward,force,delete "
		 "^.*$\n");
	add_key(fx, OWNER);
	load_fails(fx, "refs/owner.conf:1: unknown op 'fast-foward'",
		   "refs/owner.conf:1: unknown op 'fast-foward'\n");
}

static void policy__bad_regex_fails_to_load(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "branches/bad.conf", "\nanyone create-file a(\n");
	load_fails(fx,
		   "branches/bad.conf:2: bad regex: missing closing "
		   "parenthesis at offset 2 in 'a('",
		   "branches/bad.conf:2: bad regex: missing closing "
		   "parenthesis at offset 2 in 'a('\n");
}

static void policy__unknown_group_fails_to_load(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "branches/team.conf",
		 "maintainers create-file .*\n"
		 "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef modify .*\n");
	load_fails(fx, "branches/team.conf:1: unknown group 'maintainers'",
		   "branches/team.conf:1: unknown group 'maintainers'\n"
		   "branches/team.conf:2: invalid user id "
		   "'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef': user ids are "
		   "40 upper-case hex digits\n");
}

static void policy__group_errors_fail_to_load(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "groups/a.conf", "[a]\nmember = @b\n");
	add_file(fx, "groups/b.conf", "[b]\nmember = @a\n[a]\n");
	load_fails(fx,
		   "groups/b.conf:2: group cycle: 'b' contains '@a', which "
		   "contains 'b'",
		   "groups/b.conf:2: group cycle: 'b' contains '@a', which "
		   "contains 'b'\n"
		   "groups/b.conf:3: group 'a' already defined at "
		   "groups/a.conf:1\n");
}

static void policy__caller_errors_fail_the_load(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	assert_int_equal(diag_add(&fx->diags, DIAG_ERROR, "keys/" OWNER ".asc",
				  0, "not one armored public key"),
			 0);
	load_fails(fx, "keys/" OWNER ".asc: not one armored public key",
		   "keys/" OWNER ".asc: not one armored public key\n");
}

static void policy__diags_are_sorted_by_file_and_line(void **state)
{
	struct fx *fx = *state;

	add_file(fx, "refs/z.conf", "owner frobnicate .*\n");
	add_file(fx, "branches/b.conf",
		 "\n\nanyone create-file (\n"
		 "[refs/heads/.*]\n");
	add_file(fx, "branches/a.conf", "anyone fast-forward .*\n");
	load_fails(fx,
		   "branches/a.conf:1: 'fast-forward' is a ref op, not "
		   "allowed in branches/",
		   "branches/a.conf:1: 'fast-forward' is a ref op, not "
		   "allowed in branches/\n"
		   "branches/b.conf:3: bad regex: missing closing parenthesis "
		   "at offset 1 in '('\n"
		   "branches/b.conf:4: warning: pattern 'refs/heads/.*' starts "
		   "with 'refs/', but ref names are matched without it\n"
		   "refs/z.conf:1: unknown op 'frobnicate'\n");
}

static void policy__unexpected_files_are_errors(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "refs/x.txt", "anyone create .*\n");
	add_file(fx, "keys/foo.asc", "");
	add_file(fx, "keys/0123456789abcdef0123456789abcdef01234567.asc", "");
	add_file(fx, "groups/team.ini", "[team]\n");
	add_file(fx, "refs/sub/a.conf", "anyone create .*\n");
	add_file(fx, "docs/README", "");
	load_fails(fx,
		   "docs/README: unexpected file (rule files are "
		   "refs/*.conf, branches/*.conf and groups/*.conf)",
		   "docs/README: unexpected file (rule files are "
		   "refs/*.conf, branches/*.conf and groups/*.conf)\n"
		   "groups/team.ini: unexpected file (rule files are "
		   "refs/*.conf, branches/*.conf and groups/*.conf)\n"
		   "keys/0123456789abcdef0123456789abcdef01234567.asc: key "
		   "files are named keys/<aa>/<ID>.asc, <ID> the key's 40 "
		   "upper-case hex fingerprint and <aa> its first two "
		   "digits\n"
		   "keys/foo.asc: key files are named keys/<aa>/<ID>.asc, <ID> "
		   "the key's 40 upper-case hex fingerprint and <aa> its "
		   "first two digits\n"
		   "refs/sub/a.conf: unexpected file (rule files are "
		   "refs/*.conf, branches/*.conf and groups/*.conf)\n"
		   "refs/x.txt: unexpected file (rule files are "
		   "refs/*.conf, branches/*.conf and groups/*.conf)\n");
}

static void policy__top_level_files_are_ignored(void **state)
{
	struct fx *fx = *state;
	static const char junk[] = "owner frobnicate (\r\n\0[x";

	add_default(fx);
	add_file_len(fx, "README", junk, sizeof(junk) - 1);
	add_file(fx, "LICENSE.conf", "anyone force .*\n");
	load_ok(fx, "");
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_FORCE, NULL));
}

static void policy__verdict_on_allow_names_the_rule(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_default(fx);
	add_key(fx, ALICE);
	add_file(fx, "branches/docs.conf",
		 "# documentation is everyone's\n"
		 "\n"
		 "anyone create-file,modify docs/.*\n"
		 "[heads/.*]\n"
		 ALICE " delete src/.*\\.c\n");
	load_ok(fx, "");
	v = verdict(fx, ALICE, "refs/heads/main", OP_MODIFY, "docs/a.md");
	assert_true(v.allowed);
	assert_string_equal(v.file, "branches/docs.conf");
	assert_int_equal(v.line, 3);
	assert_string_equal(v.pattern, "docs/.*");
	assert_null(v.builtin);
	assert_int_equal(v.nscopes, 0);
	v = verdict(fx, ALICE, "refs/heads/main", OP_DELETE_FILE, "src/a.c");
	assert_true(v.allowed);
	assert_int_equal(v.line, 5);
	assert_false(allowed(fx, BOB, "refs/heads/main", OP_DELETE_FILE,
			     "src/a.c"));
}

static void policy__verdict_on_deny_lists_the_scopes(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_default(fx);
	load_ok(fx, "");
	/* the policy ref: two sections, the unsectioned rule does not count */
	v = verdict(fx, ALICE, POLICY_REF, OP_CREATE_FILE, "x");
	assert_false(v.allowed);
	assert_null(v.file);
	assert_null(v.builtin);
	assert_int_equal(v.nscopes, 2);
	assert_int_equal(v.scopes_total, 2);
	assert_string_equal(v.scopes[0].file, "branches/owner.conf");
	assert_int_equal(v.scopes[0].line, 2);
	assert_string_equal(v.scopes[0].section, "apps/.*");
	assert_string_equal(v.scopes[1].file, "branches/keys.conf");
	assert_int_equal(v.scopes[1].line, 1);
	assert_string_equal(v.scopes[1].section, "apps/access-control");
	/* a code branch: only the unsectioned part of owner.conf */
	v = verdict(fx, ALICE, "refs/heads/main", OP_CREATE_FILE, "x");
	assert_false(v.allowed);
	assert_int_equal(v.nscopes, 1);
	assert_int_equal(v.scopes_total, 1);
	assert_string_equal(v.scopes[0].file, "branches/owner.conf");
	assert_int_equal(v.scopes[0].line, 0);
	assert_null(v.scopes[0].section);
	/* a ref op: every refs/ file */
	v = verdict(fx, ALICE, "refs/heads/main", OP_CREATE_BRANCH, NULL);
	assert_false(v.allowed);
	assert_int_equal(v.nscopes, 2);
	assert_string_equal(v.scopes[0].file, "refs/owner.conf");
	assert_string_equal(v.scopes[1].file, "refs/keys.conf");
}

static void policy__scopes_total_counts_each_scope_once(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;
	char path[64], rules[64];
	int i;

	/* ten files of two rules each: ten scopes, eight of them listed */
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "branches/f%d.conf", i);
		snprintf(rules, sizeof(rules),
			 "owner create-file a%d\nowner modify b%d\n", i, i);
		add_file(fx, path, rules);
	}
	load_ok(fx, "");
	v = verdict(fx, ALICE, "refs/heads/main", OP_CREATE_FILE, "x");
	assert_false(v.allowed);
	assert_int_equal(v.nscopes, POLICY_VERDICT_SCOPES);
	assert_int_equal(v.scopes_total, 10);
	assert_string_equal(v.scopes[7].file, "branches/f7.conf");
}

static void policy__hostile_rule_regex_is_an_error(void **state)
{
	struct fx *fx = *state;
	struct policy_request req;
	struct buf path = BUF_INIT;
	size_t i;

	add_file(fx, "branches/slow.conf",
		 "# looks harmless\n"
		 "anyone create-file fast/.*\n"
		 "anyone create-file slow/(a|aa)+b\n");
	load_ok(fx, "");
	assert_int_equal(buf_puts(&path, "slow/"), 0);
	for (i = 0; i < 3000; i++)
		assert_int_equal(buf_putc(&path, 'a'), 0);
	assert_int_equal(buf_puts(&path, "cb"), 0);
	req = request(fx, ALICE, "refs/heads/main", OP_CREATE_FILE, path.ptr);
	check_error(fx, &req,
		    "branches/slow.conf:3: regex 'slow/(a|aa)+b' failed: "
		    "match limit exceeded");
	/* an ordinary path is still decided */
	assert_true(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			    "slow/aab"));
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			     "slow/aac"));
	buf_dispose(&path);
}

static void policy__hostile_section_regex_is_an_error(void **state)
{
	struct fx *fx = *state;
	struct policy_request req;
	struct buf ref = BUF_INIT;
	size_t i;

	add_file(fx, "branches/slow.conf",
		 "[heads/(a|aa)+b]\n"
		 "anyone create-file .*\n");
	load_ok(fx, "");
	assert_int_equal(buf_puts(&ref, "refs/heads/"), 0);
	for (i = 0; i < 3000; i++)
		assert_int_equal(buf_putc(&ref, 'a'), 0);
	assert_int_equal(buf_puts(&ref, "cb"), 0);
	req = request(fx, ALICE, ref.ptr, OP_CREATE_FILE, "x");
	check_error(fx, &req,
		    "branches/slow.conf:1: regex 'heads/(a|aa)+b' failed: "
		    "match limit exceeded");
	assert_true(allowed(fx, ALICE, "refs/heads/aab", OP_CREATE_FILE, "x"));
	buf_dispose(&ref);
}

static void policy__match_limit_is_an_option(void **state)
{
	struct fx *fx = *state;
	struct policy_options opts = {.match_limit = 100};
	struct policy_request req;
	struct policy_verdict v;

	add_file(fx, "branches/slow.conf", "anyone create-file (a|aa)+b\n");
	assert_int_equal(policy_load(&fx->policy, fx->files, fx->nfiles, &opts,
				     &fx->diags, &fx->err),
			 0);
	req = request(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
		      "aaaaaaaaaaaaaaaaaaaacb");
	assert_int_equal(policy_check(fx->policy, &req, &v, &fx->err), -1);
	assert_string_equal(fx->err.msg,
			    "branches/slow.conf:1: regex '(a|aa)+b' failed: "
			    "match limit exceeded");
}

static void policy__warnings_do_not_stop_the_load(void **state)
{
	struct fx *fx = *state;

	add_key(fx, OWNER);
	add_file(fx, "groups/g.conf",
		 "[empty]\n"
		 "[team]\n"
		 "member = " NOKEY "\n");
	add_file(fx, "refs/a.conf",
		 "owner create-branch refs/heads/.*\n"
		 NOKEY " create-branch heads/x\n"
		 "owner create-branch,create-tag ^refs/tags/.*\n"
		 "owner create-branch refs/heads/.*\n");
	add_file(fx, "branches/a.conf",
		 "team create-file keys/[$user_id]\n"
		 "[refs/heads/.*]\n"
		 "owner modify $user_id+\n");
	load_ok(fx,
		"branches/a.conf:1: warning: $user_id inside a character class "
		"matches single characters, not the id\n"
		"branches/a.conf:2: warning: pattern 'refs/heads/.*' starts "
		"with 'refs/', but ref names are matched without it\n"
		"branches/a.conf:3: warning: $user_id followed by a quantifier "
		"repeats only its last character\n"
		"groups/g.conf:1: warning: group 'empty' has no members\n"
		"groups/g.conf:3: warning: user id " NOKEY " has no key in "
		"keys/, so it can never push\n" NO_BASE
		"refs/a.conf:1: warning: pattern 'refs/heads/.*' starts with "
		"'refs/', but ref names are matched without it\n"
		"refs/a.conf:2: warning: user id " NOKEY " has no key in "
		"keys/, so it can never push\n"
		"refs/a.conf:3: warning: pattern '^refs/tags/.*' starts with "
		"'refs/', but ref names are matched without it\n"
		"refs/a.conf:4: warning: pattern 'refs/heads/.*' starts with "
		"'refs/', but ref names are matched without it\n"
		"refs/a.conf:4: warning: rule is shadowed by the identical "
		"rule at refs/a.conf:1\n");
	/* and the rules work as written: refs/heads/... is not heads/... */
	assert_false(allowed(fx, OWNER, "refs/heads/main", OP_CREATE_BRANCH,
			     NULL));
	assert_true(allowed(fx, OWNER, "refs/refs/heads/x", OP_CREATE_BRANCH,
			    NULL));
}

static void policy__tree_paths_may_start_with_refs(void **state)
{
	struct fx *fx = *state;

	/* the policy's own refs/ directory is a path, not a ref name */
	add_key(fx, OWNER);
	add_file(fx, "branches/policy.conf",
		 "[apps/access-control]\n"
		 "owner modify refs/.*\\.conf\n");
	load_ok(fx, "");
}

static void policy__empty_policy_denies_all_but_builtins(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_file(fx, "README", "nothing here\n");
	load_ok(fx, "");
	v = verdict(fx, OWNER, "refs/heads/main", OP_CREATE_BRANCH, NULL);
	assert_false(v.allowed);
	assert_null(v.builtin);
	assert_int_equal(v.nscopes, 0);
	assert_int_equal(v.scopes_total, 0);
	assert_false(allowed(fx, OWNER, "refs/heads/main", OP_CREATE_FILE,
			     "a"));
	assert_false(all_tree_ops(fx, OWNER, "refs/heads/main"));
	assert_true(allowed(fx, OWNER, POLICY_REF, OP_FAST_FORWARD, NULL));
	assert_true(allowed(fx, OWNER, POLICY_REF, OP_CREATE_FILE, "a"));
	assert_false(allowed(fx, ALICE, POLICY_REF, OP_FAST_FORWARD, NULL));
}

static void policy__shadowing_needs_the_same_scope(void **state)
{
	struct fx *fx = *state;

	add_key(fx, OWNER);
	add_file(fx, "branches/a.conf",
		 "owner create-file,modify a\n"
		 "owner modify a\n"
		 "anyone modify a\n"
		 "owner modify,delete a\n"
		 "[heads/x]\n"
		 "owner modify a\n"
		 "[heads/y]\n"
		 "owner modify a\n");
	add_file(fx, "branches/b.conf",
		 "owner create-file a\n"
		 "[heads/x]\n"
		 "owner modify a\n");
	load_ok(fx, "branches/a.conf:2: warning: rule is shadowed by the "
		    "identical rule at branches/a.conf:1\n"
		    "branches/b.conf:1: warning: rule is shadowed by the "
		    "identical rule at branches/a.conf:1\n"
		    "branches/b.conf:3: warning: rule is shadowed by the "
		    "identical rule at branches/a.conf:6\n");
}

static void policy__invalid_request_is_an_error(void **state)
{
	struct fx *fx = *state;
	const char *bad_owner[] = {OWNER, "0123456789abcdef0123456789abcdef0123"
					  "4567"};
	struct policy_request req;
	bool all = true;

	add_default(fx);
	load_ok(fx, "");
	req = request(fx, "alice", "refs/heads/main", OP_FORCE, NULL);
	check_error(fx, &req, "invalid user id 'alice'");
	req.user = "89abcdef0123456789abcdef0123456789abcdef";
	check_error(fx, &req,
		    "invalid user id "
		    "'89abcdef0123456789abcdef0123456789abcdef'");
	req.user = NULL;
	check_error(fx, &req, "invalid user id ''");
	req = request(fx, ALICE, "refs/heads/main", OP_FORCE, NULL);
	req.owners = bad_owner;
	req.nowners = 2;
	check_error(fx, &req,
		    "invalid owner id "
		    "'0123456789abcdef0123456789abcdef01234567'");
	req = request(fx, OWNER, "heads/main", OP_FORCE, NULL);
	check_error(fx, &req, "ref name must start with 'refs/'");
	req = request(fx, OWNER, "refs/heads/main",
		      OP_CREATE_BRANCH | OP_CREATE_TAG, NULL);
	check_error(fx, &req, "not a single op: 0x3");
	req = request(fx, OWNER, POLICY_REF, OP_FAST_FORWARD | OP_DELETE,
		      NULL);
	check_error(fx, &req, "not a single op: 0x14");
	req = request(fx, OWNER, "refs/heads/main", OP_MODIFY, NULL);
	check_error(fx, &req, "a tree op needs a path");
	/* the same checks come before the built-ins and without a policy */
	policy_free(fx->policy);
	fx->policy = NULL;
	req = request(fx, "alice", POLICY_REF, OP_FAST_FORWARD, NULL);
	check_error(fx, &req, "invalid user id 'alice'");
	assert_int_equal(policy_allows_all_tree_ops(NULL, &req, &all, &fx->err),
			 -1);
	assert_false(all);
	assert_string_equal(fx->err.msg, "invalid user id 'alice'");
}

static void policy__long_path_is_denied(void **state)
{
	struct fx *fx = *state;
	char *path = malloc(POLICY_PATH_MAX + 2);
	struct policy_verdict v;

	assert_non_null(path);
	memset(path, 'a', POLICY_PATH_MAX + 1);
	path[POLICY_PATH_MAX + 1] = '\0';
	add_default(fx);
	load_ok(fx, "");
	v = verdict(fx, OWNER, "refs/heads/main", OP_CREATE_FILE, path);
	assert_false(v.allowed);
	assert_string_equal(v.builtin,
			    "paths longer than 4096 bytes are denied");
	v = verdict(fx, OWNER, POLICY_REF, OP_CREATE_FILE, path);
	assert_false(v.allowed);
	path[POLICY_PATH_MAX] = '\0';
	assert_true(allowed(fx, OWNER, "refs/heads/main", OP_CREATE_FILE,
			    path));
	free(path);
}

static void policy__paths_are_raw_bytes(void **state)
{
	struct fx *fx = *state;

	add_file(fx, "branches/docs.conf", "anyone create-file docs/[^/]+\n");
	load_ok(fx, "");
	assert_true(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			    "docs/\xff\xfe"));
	assert_true(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			    "docs/a\nb"));
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			     "docs/a/b"));
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			     "x/docs/a"));
}

static void policy__groups_and_user_ids_in_who(void **state)
{
	struct fx *fx = *state;

	add_key(fx, ALICE);
	add_key(fx, BOB);
	add_file(fx, "groups/g.conf",
		 "[devs]\n"
		 "member = @leads\n"
		 "[leads]\n"
		 "member = " BOB "\n"
		 "member = @owner\n");
	add_file(fx, "refs/r.conf",
		 "devs create-branch heads/dev/.*\n" ALICE
		 " fast-forward heads/alice\n");
	load_ok(fx, NO_BASE);
	assert_true(allowed(fx, BOB, "refs/heads/dev/x", OP_CREATE_BRANCH,
			    NULL));
	assert_true(allowed(fx, OWNER, "refs/heads/dev/x", OP_CREATE_BRANCH,
			    NULL));
	assert_false(allowed(fx, ALICE, "refs/heads/dev/x", OP_CREATE_BRANCH,
			     NULL));
	assert_true(allowed(fx, ALICE, "refs/heads/alice", OP_FAST_FORWARD,
			    NULL));
	assert_false(allowed(fx, BOB, "refs/heads/alice", OP_FAST_FORWARD,
			     NULL));
	/* owner only through gitapps.owner: without it, not a dev */
	fx->nowners = 0;
	assert_false(allowed(fx, OWNER, "refs/heads/dev/x", OP_CREATE_BRANCH,
			     NULL));
	fx->nowners = 1;
	assert_true(allowed(fx, OWNER, "refs/heads/dev/x", OP_CREATE_BRANCH,
			    NULL));
}

static void policy__caches_follow_pusher_and_ref(void **state)
{
	struct fx *fx = *state;
	int round;

	add_default(fx);
	add_file(fx, "branches/home.conf",
		 "[heads/$user_id/.*]\n"
		 "anyone create-file .*\n");
	load_ok(fx, "");
	for (round = 0; round < 2; round++) {
		assert_true(allowed(fx, ALICE, POLICY_REF, OP_CREATE_FILE,
				    KEY_ALICE));
		assert_false(allowed(fx, BOB, POLICY_REF, OP_CREATE_FILE,
				     KEY_ALICE));
		assert_true(allowed(fx, BOB, POLICY_REF, OP_CREATE_FILE,
				    KEY_BOB));
		assert_true(allowed(fx, ALICE, "refs/heads/" ALICE "/x",
				    OP_CREATE_FILE, "a"));
		assert_false(allowed(fx, ALICE, "refs/heads/" BOB "/x",
				     OP_CREATE_FILE, "a"));
		assert_true(all_tree_ops(fx, BOB, "refs/heads/" BOB "/x") ==
			    false);
		assert_true(allowed(fx, BOB, "refs/heads/" BOB "/x",
				    OP_CREATE_FILE, "a"));
		assert_false(allowed(fx, BOB, "refs/heads/" ALICE "/x",
				     OP_CREATE_FILE, "a"));
	}
}

/* policy_is_base_ref() must decide; returns its answer. */
static bool is_base(struct fx *fx, const char *ref)
{
	bool out = true;

	if (policy_is_base_ref(fx->policy, ref, &out, &fx->err) < 0)
		fail_msg("is %s a base: error: %s", ref, fx->err.msg);
	return out;
}

static void policy__base_refs(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "refs/bases.conf",
		 "base heads/release/.*\n"
		 "base .*tags/.*\n"
		 "base apps/.*\n");
	load_ok(fx, "");
	assert_true(policy_has_base_lines(fx->policy));
	assert_true(is_base(fx, "refs/heads/main"));
	assert_true(is_base(fx, "refs/heads/release/1.0"));
	assert_false(is_base(fx, "refs/heads/mainline"));
	assert_false(is_base(fx, "refs/heads/u/x/main"));
	/* tags and app refs never, whatever the pattern */
	assert_false(is_base(fx, "refs/tags/v1"));
	assert_false(is_base(fx, "refs/apps/merge-reqs/data"));
	assert_true(is_base(fx, "refs/notags/x"));
	assert_false(is_base(fx, "heads/main"));
}

static void policy__no_base_line(void **state)
{
	struct fx *fx = *state;

	add_key(fx, OWNER);
	add_file(fx, "refs/owner.conf", "owner create-branch heads/.*\n");
	load_ok(fx, NO_BASE);
	assert_false(policy_has_base_lines(fx->policy));
	assert_false(is_base(fx, "refs/heads/main"));
	assert_false(policy_has_base_lines(NULL));
}

static void policy__ref_rules_reach_app_refs_only_through_apps(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;

	add_key(fx, ALICE);
	add_file(fx, "refs/a.conf",
		 "base heads/main\n" ALICE " delete,fast-forward .*\n"
		 ALICE " create-branch ^apps/x\n"
		 ALICE " create-tag replace/.*\n"
		 ALICE " create-branch ^replace/y\n");
	load_ok(fx, "refs/a.conf:2: warning: pattern '.*' no longer reaches "
		    "apps/access-control: ref rules reach refs/apps/ only with "
		    "a pattern starting with 'apps/'\n");
	assert_true(allowed(fx, ALICE, "refs/heads/x", OP_DELETE, NULL));
	v = verdict(fx, ALICE, "refs/apps/merge-reqs/data", OP_DELETE, NULL);
	assert_false(v.allowed);
	assert_null(v.builtin);
	assert_false(allowed(fx, ALICE, "refs/apps/merge-reqs/data",
			     OP_FAST_FORWARD, NULL));
	/* one leading ^ does not hide apps/ or replace/ */
	assert_true(allowed(fx, ALICE, "refs/apps/x", OP_CREATE_BRANCH, NULL));
	assert_true(allowed(fx, ALICE, "refs/replace/y", OP_CREATE_TAG,
			    NULL));
	assert_true(allowed(fx, ALICE, "refs/replace/y", OP_CREATE_BRANCH,
			    NULL));
	assert_false(allowed(fx, ALICE, "refs/replace/z", OP_DELETE, NULL));
}

/* SPEC 2: a banned id is a member of no group, an owner is never banned */
static void policy__banned_ids_are_in_no_group(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "groups/team.conf",
		 "[team]\nmember = " ALICE "\nmember = " BOB
		 "\nmember = @owner\n");
	add_file(fx, "branches/team.conf", "team create-file .*\n");
	add_file(fx, "banned/" ALICE, "spam\n");
	add_file(fx, "banned/" OWNER, "ignored\n");
	add_key(fx, ALICE);
	add_key(fx, BOB);
	load_ok(fx, "");
	assert_true(policy_is_banned(fx->policy, ALICE));
	assert_false(policy_is_banned(fx->policy, BOB));
	assert_false(policy_in_group(fx->policy, ALICE, false, "team"));
	assert_true(policy_in_group(fx->policy, BOB, false, "team"));
	/* an owner is in every group @owner is in, banned or not */
	assert_true(policy_in_group(fx->policy, OWNER, true, "team"));
	assert_false(allowed(fx, ALICE, "refs/heads/main", OP_CREATE_FILE,
			     "a"));
	assert_true(allowed(fx, BOB, "refs/heads/main", OP_CREATE_FILE, "a"));
}

static void policy__reserved_refs(void **state)
{
	struct fx *fx = *state;
	struct policy_verdict v;
	size_t i;

	add_default(fx);
	load_ok(fx, "");
	v = verdict(fx, OWNER, "refs/apps/attestations", OP_DELETE, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.builtin,
			    "nobody may delete refs/apps/attestations");
	v = verdict(fx, OWNER, "refs/apps/audit", OP_DELETE, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.builtin, "nobody may delete refs/apps/audit");
	v = verdict(fx, OWNER, "refs/apps/audit/x", OP_CREATE_BRANCH, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.builtin,
			    "no ref may be created under refs/apps/audit/");
	v = verdict(fx, OWNER, "refs/apps/access-control/x", OP_CREATE_TAG,
		    NULL);
	assert_string_equal(
		v.builtin,
		"no ref may be created under refs/apps/access-control/");
	assert_false(allowed(fx, OWNER, "refs/apps/attestations/x",
			     OP_CREATE_BRANCH, NULL));
	for (i = 0; i < COUNT(ref_ops); i++) {
		v = verdict(fx, OWNER, "refs/audit", ref_ops[i], NULL);
		assert_false(v.allowed);
		assert_string_equal(v.builtin, "no push may change refs/audit");
		assert_false(allowed(fx, OWNER, "refs/audit/kept", ref_ops[i],
				     NULL));
	}
	/* names that merely start the same are rules' business */
	assert_true(allowed(fx, OWNER, "refs/auditor", OP_DELETE, NULL));
	assert_true(allowed(fx, OWNER, "refs/apps/audit-2", OP_DELETE, NULL));
	assert_true(allowed(fx, OWNER, "refs/apps/attestations", OP_FORCE,
			    NULL));
	/* with no policy loaded too */
	policy_free(fx->policy);
	fx->policy = NULL;
	v = verdict(fx, OWNER, "refs/audit/kept", OP_FORCE, NULL);
	assert_string_equal(v.builtin, "no push may change refs/audit");
}

static void policy__lint_bases_and_app_reach(void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_key(fx, ALICE);
	add_file(fx, "refs/t.conf",
		 "base heads/.*\n"
		 "base tags/x\n" ALICE " delete ^.*\n" ALICE
		 " delete apps/(?!access).*\n");
	add_file(fx, "branches/t.conf",
		 "[heads/u/$user_id/.*]\n"
		 "anyone create-directory,create-file,create-symlink .*\n"
		 "anyone create-gitlink,modify,delete ^.*$\n"
		 "[heads/wide]\n"
		 "owner create-directory,create-file,create-symlink,"
		 "create-gitlink,modify,delete .*\n");
	load_ok(fx, "refs/t.conf:1: warning: base pattern 'heads/.*' may "
		    "match refs of section 'heads/u/$user_id/.*' "
		    "(branches/t.conf:1), where users other than the owners "
		    "may write any path\n"
		    "refs/t.conf:3: warning: pattern '^.*' no longer reaches "
		    "apps/access-control: ref rules reach refs/apps/ only with "
		    "a pattern starting with 'apps/'\n");
}

static void policy__lint_unsectioned_allow_all_reaches_every_base(
	void **state)
{
	struct fx *fx = *state;

	add_default(fx);
	add_file(fx, "branches/t.conf",
		 "anyone create-directory,create-file,create-symlink,"
		 "create-gitlink,modify,delete .*\n");
	load_ok(fx, "refs/owner.conf:1: warning: base pattern 'heads/main': "
		    "users other than the owners may write any path on every "
		    "branch, so on base refs too\n");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(policy__default_policy_loads_clean),
		T(policy__owner_may_do_everything_on_main),
		T(policy__anyone_may_register_their_own_key),
		T(policy__nobody_may_delete_the_policy_ref),
		T(policy__only_the_owner_may_force_the_policy_ref),
		T(policy__owner_repairs_a_policy_that_does_not_load),
		T(policy__owner_tree_ops_on_the_policy_ignore_rules),
		T(policy__fast_path_never_for_the_policy_ref),
		T(policy__merge_request_policy_loads),
		T(policy__contributor_writes_only_their_own_request),
		T(policy__reserved_labels),
		T(policy__ci_group_as_shipped_is_empty),
		T(policy__revision_tags_in_own_namespace),
		T(policy__unsectioned_rules_never_reach_apps),
		T(policy__replace_refs_need_a_replace_rule),
		T(policy__post_owner_line_fails_to_load),
		T(policy__bad_regex_fails_to_load),
		T(policy__unknown_group_fails_to_load),
		T(policy__group_errors_fail_to_load),
		T(policy__caller_errors_fail_the_load),
		T(policy__diags_are_sorted_by_file_and_line),
		T(policy__unexpected_files_are_errors),
		T(policy__top_level_files_are_ignored),
		T(policy__verdict_on_allow_names_the_rule),
		T(policy__verdict_on_deny_lists_the_scopes),
		T(policy__scopes_total_counts_each_scope_once),
		T(policy__hostile_rule_regex_is_an_error),
		T(policy__hostile_section_regex_is_an_error),
		T(policy__match_limit_is_an_option),
		T(policy__warnings_do_not_stop_the_load),
		T(policy__tree_paths_may_start_with_refs),
		T(policy__empty_policy_denies_all_but_builtins),
		T(policy__shadowing_needs_the_same_scope),
		T(policy__invalid_request_is_an_error),
		T(policy__long_path_is_denied),
		T(policy__paths_are_raw_bytes),
		T(policy__groups_and_user_ids_in_who),
		T(policy__caches_follow_pusher_and_ref),
		T(policy__base_refs),
		T(policy__no_base_line),
		T(policy__ref_rules_reach_app_refs_only_through_apps),
		T(policy__reserved_refs),
		T(policy__banned_ids_are_in_no_group),
		T(policy__lint_bases_and_app_reach),
		T(policy__lint_unsectioned_allow_all_reaches_every_base),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
