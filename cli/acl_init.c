/* acl_init: `git acl init`: make a bare repository a gitapps server */
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/buf.h"
#include "../common/file.h"
#include "../adapters/keyfile.h"
#include "../policy/keypath.h"
#include "../policy/policy.h"
#include "../policy/userid.h"
#include "acl.h"
#include "acl_setup.h"
#include "cli.h"

/*
 * receive.maxInputSize: a push larger than this is refused by git before
 * the hook runs.  Large enough for real projects, small enough that one
 * push cannot fill the disk; documented in git-acl(1).
 */
#define INIT_MAX_INPUT_SIZE "512m"
/* the base branch without --branch (SPEC 5) */
#define INIT_BRANCH "main"

static struct cli_list init_owners, init_owner_keys;
static bool init_force;
static const char *init_branch, *init_slop;

static const struct cli_opt init_opts[] = {
	{"owner", 0, CLI_OPT_LIST, &init_owners, "<ID>",
	 "an owner: export key <ID> from $GNUPGHOME"},
	{"owner-key", 0, CLI_OPT_LIST, &init_owner_keys, "<file.asc>",
	 "an owner: the armored public key in <file.asc>"},
	{"branch", 0, CLI_OPT_STRING, &init_branch, "<name>",
	 "the base branch of the policy (default: main)"},
	{"slop", 0, CLI_OPT_STRING, &init_slop, "<seconds>",
	 "how long a push nonce stays good (default 30, at most 300)"},
	{"force", 'f', CLI_OPT_FLAG, &init_force, NULL,
	 "replace an existing policy or pre-receive hook"},
};

static const struct cli_command init_command = {
	"git acl init [--owner <ID>]... [--owner-key <file.asc>]... "
	"[--branch <name>] [--slop <seconds>] [--force] [<bare-repo>]",
	"Install the pre-receive hook in <bare-repo> (default: the current\n"
	"repository; created when missing), configure it, and commit the\n"
	"default policy with the owners' keys to refs/apps/access-control.",
	init_opts,
	sizeof(init_opts) / sizeof(init_opts[0]),
};

struct init_owner {
	char id[USERID_LEN + 1];
	struct buf key;		/* armored */
};

static int init_git_error(const char *what)
{
	const git_error *e = git_error_last();

	return cli_fatal("%s: %s", what,
			 e && e->message ? e->message : "unknown error");
}

/* Read a file of at most max bytes; an exit code. */
static int init_read_file(struct buf *out, const char *path, size_t max)
{
	struct err err = {""};

	return file_read(out, path, max, &err) < 0 ? cli_fatal("%s", err.msg)
						   : 0;
}

/* Export <ID> from the caller's keyring; an exit code. */
static int init_export_key(struct init_owner *owner, const char *id)
{
	struct err err = {""};

	return keyfile_export(&owner->key, id, &err) < 0
		       ? cli_fatal("%s", err.msg)
		       : 0;
}

/* The key must be one good key named by its fingerprint (SPEC 2). */
static int init_check_key(struct init_owner *owner, const char *what,
			  struct keyfile_checker *checker)
{
	struct keyfile_info info;
	struct buf problem = BUF_INIT;
	struct err err = {""};
	int status = CLI_EXIT_FATAL;

	if (keyfile_parse(&info, owner->key.ptr, owner->key.len, &problem) <
	    0) {
		cli_fatal("out of memory");
		goto done;
	}
	if (problem.len == 0) {
		memcpy(owner->id, info.fprs[0], sizeof(owner->id));
		if (keyfile_check(checker, owner->id, owner->key.ptr,
				  owner->key.len, &problem, NULL, &err) < 0) {
			cli_fatal("%s", err.msg);
			goto done;
		}
	}
	if (problem.len > 0) {
		cli_fatal("key of %s %s", what, buf_cstr(&problem));
		goto done;
	}
	status = 0;
done:
	buf_dispose(&problem);
	return status;
}

/*
 * --slop: plain digits, 0 to ACL_SETUP_MAX_SLOP.  0 is git's own default
 * and fails smart HTTP whenever its two requests fall in different
 * seconds; it is for ssh-only servers.
 */
static int init_slop_seconds(unsigned *out)
{
	size_t i, len;

	*out = ACL_SETUP_NONCE_SLOP;
	if (init_slop == NULL)
		return 0;
	len = strlen(init_slop);
	for (i = 0; i < len; i++)
		if (init_slop[i] < '0' || init_slop[i] > '9')
			break;
	if (len == 0 || len > 3 || i < len ||
	    strtoul(init_slop, NULL, 10) > ACL_SETUP_MAX_SLOP) {
		fprintf(stderr, "error: --slop wants whole seconds from 0 to "
				"%d, not '%s'\n", ACL_SETUP_MAX_SLOP,
			init_slop);
		cli_usage(stderr, &init_command);
		return CLI_EXIT_USAGE;
	}
	*out = (unsigned)strtoul(init_slop, NULL, 10);
	return 0;
}

static int init_owner_list(struct init_owner **out, size_t *n)
{
	struct keyfile_checker *checker = NULL;
	struct init_owner *owners;
	struct err err = {""};
	size_t i, total = init_owners.count + init_owner_keys.count;
	int status = CLI_EXIT_FATAL;

	*out = NULL;
	*n = 0;
	if (total == 0) {
		fprintf(stderr, "error: at least one --owner or --owner-key "
				"is needed\n");
		cli_usage(stderr, &init_command);
		return CLI_EXIT_USAGE;
	}
	if ((owners = calloc(total, sizeof(*owners))) == NULL)
		return cli_fatal("out of memory");
	*out = owners;
	*n = total;	/* all zeroed: init_owners_free() takes them all */
	if (keyfile_checker_new(&checker, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	for (i = 0; i < total; i++) {
		const char *arg = i < init_owners.count
					  ? init_owners.items[i]
					  : init_owner_keys.items[i - init_owners.count];

		if (i < init_owners.count
			    ? init_export_key(&owners[i], arg)
			    : init_read_file(&owners[i].key, arg, KEYFILE_MAX))
			goto done;
		if (init_check_key(&owners[i], arg, checker))
			goto done;
		if (i < init_owners.count &&
		    strcasecmp(owners[i].id, arg) != 0 &&
		    !userid_is_valid(arg, strlen(arg))) {
			/* a name or short id: say which key it picked */
			fprintf(stderr, "owner '%s' is %s\n", arg,
				owners[i].id);
		}
	}
	status = 0;
done:
	keyfile_checker_free(checker);
	return status;
}

static void init_owners_free(struct init_owner *owners, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_dispose(&owners[i].key);
	free(owners);
}

/* Run git with argv (never a shell); returns its exit status, or -1. */
static int init_run_git(char *const argv[])
{
	pid_t pid = fork();
	int wstatus;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp("git", argv);
		_exit(127);
	}
	if (waitpid(pid, &wstatus, 0) < 0)
		return -1;
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

static int init_open(git_repository **repo, const char *path)
{
	bool fresh = access(path, F_OK) != 0;
	char *fsck[] = {"git", "--git-dir", (char *)path, "fsck", "--no-progress",
			NULL};

	if (fresh) {
		char head[256];

		/* HEAD names the base branch, as clones will expect */
		snprintf(head, sizeof(head), "refs/heads/%s", init_branch);
		if (git_repository_init(repo, path, 1) < 0 ||
		    git_repository_set_head(*repo, head) < 0)
			return init_git_error("cannot create the repository");
		return 0;
	}
	if (git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0)
		return init_git_error("not a git repository");
	if (!git_repository_is_bare(*repo))
		return cli_fatal("'%s' is not a bare repository", path);
	/* an existing repository may hold objects the hook never saw */
	if (init_run_git(fsck) != 0)
		return cli_fatal("'git fsck' found problems in '%s': fix them "
				 "first",
				 path);
	return 0;
}

static int init_install_hook(git_repository *repo, const char *target)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	int rc;

	/* git would run the hooks of another directory, not ours */
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return init_git_error("cannot read config");
	rc = git_config_get_string_buf(&value, cfg, "core.hooksPath");
	git_buf_dispose(&value);
	git_config_free(cfg);
	if (rc == 0)
		return cli_fatal("core.hooksPath is set: git would not run "
				 "the hook in hooks/; unset it first");
	return acl_setup_link_hook(repo, target, init_force);
}

/*
 * Issue 15: init run as root on a repository another account serves
 * leaves files that account does not own, and git, run by the pushers
 * as that account, refuses the repository ("dubious ownership").  A
 * repository to be created is compared by the directory it goes in.
 */
static void init_warn_owner(const char *path)
{
	struct buf dir = BUF_INIT, note = BUF_INIT;
	const char *slash;

	if (access(path, F_OK) != 0) {
		slash = strrchr(path, '/');
		if (slash == NULL)
			buf_puts(&dir, ".");
		else
			buf_put(&dir, path,
				slash == path ? 1 : (size_t)(slash - path));
		path = buf_cstr(&dir);
	}
	if (acl_setup_foreign_owner(&note, path) > 0)
		fprintf(stderr, "warning: '%s' is %s: the pushers, running "
				"git as that account, would be refused "
				"('dubious ownership'): run 'git acl init' as "
				"that account\n",
			path, buf_cstr(&note));
	buf_dispose(&note);
	buf_dispose(&dir);
}

/* git config <how> gitapps.owner [<value>] in the repository; its status */
static int init_git_config(git_repository *repo, const char *how,
			   const char *value)
{
	char *argv[] = {"git",		"--git-dir",	   NULL, "config",
			(char *)how,	"gitapps.owner", (char *)value,
			NULL};

	argv[2] = (char *)git_repository_path(repo);
	return init_run_git(argv);
}

static int init_configure(git_repository *repo, const struct init_owner *owners,
			  size_t n, unsigned slop)
{
	git_config *cfg = NULL, *local = NULL;
	size_t i;
	int rc, status = CLI_EXIT_FATAL;

	if (git_repository_config(&cfg, repo) < 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0) {
		init_git_error("cannot open the repository's config");
		goto done;
	}
	/*
	 * Multi-valued gitapps.owner through git itself: libgit2 1.5 leaks
	 * its regex match data in delete_multivar and set_multivar.
	 */
	rc = init_git_config(repo, "--unset-all", NULL);
	if (rc != 0 && rc != 5) {	/* 5: there was none */
		cli_fatal("cannot reset gitapps.owner");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (init_git_config(repo, "--add", owners[i].id) != 0) {
			cli_fatal("cannot set gitapps.owner");
			goto done;
		}
	if ((status = acl_setup_nonce(local, slop, true, false)) != 0 ||
	    (status = acl_setup_pins(local, false)) != 0)
		goto done;
	status = CLI_EXIT_FATAL;
	if (git_config_set_string(local, "receive.maxInputSize",
				  INIT_MAX_INPUT_SIZE) < 0) {
		init_git_error("cannot write the repository's config");
		goto done;
	}
	status = 0;
done:
	git_config_free(local);
	git_config_free(cfg);
	return status;
}

/* Insert file at path (one level deep: "dir/name") into the builders. */
static int init_add_blob(git_repository *repo, git_treebuilder *dir,
			 const char *name, const void *data, size_t len)
{
	git_oid blob;

	if (git_blob_create_from_buffer(&blob, repo, data, len) < 0 ||
	    git_treebuilder_insert(NULL, dir, name, &blob,
				   GIT_FILEMODE_BLOB) < 0)
		return init_git_error("cannot write the policy");
	return 0;
}

static int init_add_dir(git_repository *repo, git_treebuilder *root,
			const char *srcdir, const char *name)
{
	char path[PATH_MAX];
	git_treebuilder *dir = NULL;
	struct buf data = BUF_INIT, based = BUF_INIT;
	const char *const *files;
	static const char *const refs[] = {"owner.conf", "keys.conf", NULL};
	git_oid tree;
	int status = CLI_EXIT_FATAL;

	files = refs;	/* the default policy: the same names in both */
	if (git_treebuilder_new(&dir, repo, NULL) < 0) {
		init_git_error("cannot write the policy");
		goto done;
	}
	for (; *files; files++) {
		buf_clear(&data);
		buf_clear(&based);
		snprintf(path, sizeof(path), "%s/%s/%s", srcdir, name, *files);
		if (init_read_file(&data, path, 65536))
			goto done;
		/* SPEC 4: the base ref is the branch init was given */
		if (strcmp(name, "refs") == 0 &&
		    strcmp(*files, "owner.conf") == 0) {
			if (acl_setup_base(&based, data.ptr, data.len,
					   init_branch) < 0) {
				cli_fatal("out of memory");
				goto done;
			}
			buf_clear(&data);
			if (buf_put(&data, based.ptr, based.len) < 0) {
				cli_fatal("out of memory");
				goto done;
			}
		}
		if (init_add_blob(repo, dir, *files, data.ptr, data.len))
			goto done;
	}
	if (git_treebuilder_write(&tree, dir) < 0 ||
	    git_treebuilder_insert(NULL, root, name, &tree,
				   GIT_FILEMODE_TREE) < 0) {
		init_git_error("cannot write the policy");
		goto done;
	}
	status = 0;
done:
	buf_dispose(&based);
	buf_dispose(&data);
	git_treebuilder_free(dir);
	return status;
}

/* Before anything of the repository changes: an existing policy stays. */
static int init_refuse_overwrite(git_repository *repo)
{
	git_oid old;

	if (!init_force &&
	    git_reference_name_to_id(&old, repo, POLICY_REF) == 0)
		return cli_fatal(POLICY_REF " exists: use --force to replace "
					    "the policy");
	return 0;
}

static int init_policy(git_repository *repo, const struct init_owner *owners,
		       size_t n)
{
	char srcdir[PATH_MAX];
	char (*paths)[KEYPATH_SIZE] = NULL;
	git_tree_update *updates = NULL;
	git_treebuilder *root = NULL;
	git_tree *base = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, commit_id, old;
	size_t i, nupdates = 0;
	int status = CLI_EXIT_FATAL, exists;

	exists = git_reference_name_to_id(&old, repo, POLICY_REF) == 0;
	if (cli_beside_exe(srcdir, sizeof(srcdir),
			    "../share/gitapps/access-control") < 0)
		return cli_fatal("cannot find the default policy");
	if ((updates = calloc(n, sizeof(*updates))) == NULL ||
	    (paths = calloc(n, sizeof(*paths))) == NULL) {
		cli_fatal("out of memory");
		goto done;
	}
	if (git_treebuilder_new(&root, repo, NULL) < 0) {
		init_git_error("cannot write the policy");
		goto done;
	}
	if (init_add_dir(repo, root, srcdir, "refs") ||
	    init_add_dir(repo, root, srcdir, "branches"))
		goto done;
	/* the owners' keys as keys/<aa>/<ID>.asc (SPEC 2) */
	for (i = 0; i < n; i++) {
		git_tree_update *update = &updates[nupdates];
		size_t j;

		/* an owner given twice is one key file: the last one given */
		for (j = i + 1; j < n; j++)
			if (strcmp(owners[i].id, owners[j].id) == 0)
				break;
		if (j < n)
			continue;
		keypath_fanout(paths[nupdates], owners[i].id);
		update->action = GIT_TREE_UPDATE_UPSERT;
		update->filemode = GIT_FILEMODE_BLOB;
		update->path = paths[nupdates++];
		if (git_blob_create_from_buffer(&update->id, repo,
						owners[i].key.ptr,
						owners[i].key.len) < 0) {
			init_git_error("cannot write the policy");
			goto done;
		}
	}
	if (git_treebuilder_write(&tree_id, root) < 0 ||
	    git_tree_lookup(&base, repo, &tree_id) < 0 ||
	    git_tree_create_updated(&tree_id, repo, base, nupdates,
				    updates) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) < 0) {
		init_git_error("cannot write the policy");
		goto done;
	}
	if (git_signature_default(&sig, repo) < 0 &&
	    git_signature_now(&sig, "git acl", "git-acl@localhost") < 0) {
		init_git_error("cannot make a signature");
		goto done;
	}
	if (exists && git_commit_lookup(&parent, repo, &old) < 0)
		parent = NULL;
	if (git_commit_create_v(&commit_id, repo, NULL, sig, sig, NULL,
				"Default access-control policy\n", tree,
				parent ? 1 : 0, parent) < 0 ||
	    git_reference_create(NULL, repo, POLICY_REF, &commit_id, 1,
				 "git acl init") < 0) {
		init_git_error("cannot write " POLICY_REF);
		goto done;
	}
	status = 0;
done:
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_treebuilder_free(root);
	free(updates);
	free(paths);
	return status;
}

int cmd_acl_init(int argc, char **argv)
{
	struct init_owner *owners = NULL;
	git_repository *repo = NULL;
	char hook[PATH_MAX];
	const char *path = ".";
	size_t nowners = 0, i;
	unsigned slop;
	int nargs, status;

	if ((status = cli_parse(&init_command, argc, argv, &nargs)) >= 0)
		goto done;
	if (nargs > 1) {
		cli_usage(stderr, &init_command);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (nargs == 1)
		path = argv[0];
	if (init_branch == NULL)
		init_branch = INIT_BRANCH;
	if (!acl_setup_branch_ok(init_branch)) {
		fprintf(stderr, "error: '%s' is not a valid branch name\n",
			init_branch);
		cli_usage(stderr, &init_command);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	/* everything that can be checked first is, before anything is made */
	if ((status = init_slop_seconds(&slop)) != 0 ||
	    (status = init_owner_list(&owners, &nowners)) != 0 ||
	    (status = acl_setup_find_hook(hook)) != 0)
		goto done;
	init_warn_owner(path);
	if ((status = init_open(&repo, path)) != 0 ||
	    (status = init_refuse_overwrite(repo)) != 0 ||
	    (status = init_install_hook(repo, hook)) != 0 ||
	    (status = init_configure(repo, owners, nowners, slop)) != 0 ||
	    (status = init_policy(repo, owners, nowners)) != 0)
		goto done;
	printf("Initialized gitapps in %s\n", git_repository_path(repo));
	for (i = 0; i < nowners; i++)
		printf("owner %s\n", owners[i].id);
done:
	init_owners_free(owners, nowners);
	git_repository_free(repo);
	cli_list_dispose(&init_owners);
	cli_list_dispose(&init_owner_keys);
	return status;
}
