/* acl_keys: `git acl keys add|list`: the keys/ of the local policy ref */
#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/buf.h"
#include "../common/file.h"
#include "../common/quote.h"
#include "../hooks/keyfile.h"
#include "../hooks/policyref.h"
#include "../policy/policy.h"
#include "../policy/userid.h"
#include "acl.h"
#include "cli.h"

static const struct cli_command keys_add_command = {
	"git acl keys add <file.asc | key>",
	"Commit keys/<ID>.asc onto the local refs/apps/access-control, from\n"
	"an armored key file (a path with a '/' or ending in .asc) or a key\n"
	"of your $GNUPGHOME, ready to push\n"
	"with 'git push --signed <remote> refs/apps/access-control'.",
	NULL,
	0,
};

static const struct cli_command keys_list_command = {
	"git acl keys list [<commit-ish>]",
	"List the key files of the policy (default refs/apps/access-control)\n"
	"as '<ID> TAB <status> TAB <user id>': status is 'ok' or why the key\n"
	"identifies nobody; user ids are the key's unverified claims.",
	NULL,
	0,
};

static int keys_git_error(const char *what)
{
	const git_error *e = git_error_last();

	return cli_fatal("%s: %s", what,
			 e && e->message ? e->message : "unknown error");
}

/* The key from a file or from $GNUPGHOME; an exit code. */
static int keys_load(struct buf *out, const char *arg, bool from_file)
{
	struct err err = {""};
	int error = from_file ? file_read(out, arg, KEYFILE_MAX, &err)
			      : keyfile_export(out, arg, &err);

	return error < 0 ? cli_fatal("%s", err.msg) : 0;
}

/* The key's id, once it proves to be one good key named by its print. */
static int keys_check(char id[USERID_LEN + 1], const struct buf *key,
		      const char *what)
{
	struct keyfile_checker *checker = NULL;
	struct keyfile_info info;
	struct buf problem = BUF_INIT;
	struct err err = {""};
	int status = CLI_EXIT_FATAL;

	if (keyfile_parse(&info, key->ptr, key->len, &problem) < 0) {
		cli_fatal("out of memory");
		goto done;
	}
	if (problem.len == 0) {
		memcpy(id, info.fprs[0], USERID_LEN + 1);
		if (keyfile_checker_new(&checker, &err) < 0 ||
		    keyfile_check(checker, id, key->ptr, key->len, &problem,
				  NULL, &err) < 0) {
			cli_fatal("%s", err.msg);
			goto done;
		}
	}
	if (problem.len > 0) {
		cli_fatal("key '%s' %s", what, buf_cstr(&problem));
		goto done;
	}
	status = 0;
done:
	keyfile_checker_free(checker);
	buf_dispose(&problem);
	return status;
}

/* A new commit of the policy ref with keys/<ID>.asc set to key. */
static int keys_commit(git_repository *repo, const char *id,
		       const struct buf *key)
{
	git_oid tip, blob, keys_tree, root_tree, commit_id;
	git_commit *parent = NULL;
	git_tree *root = NULL, *keys = NULL;
	git_treebuilder *tb_root = NULL, *tb_keys = NULL;
	const git_tree_entry *entry;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	char name[USERID_LEN + 5], message[128];
	int status = CLI_EXIT_FATAL;

	if (git_reference_name_to_id(&tip, repo, POLICY_REF) < 0) {
		cli_fatal("no local " POLICY_REF ": fetch it first with "
			  "'git fetch <remote> " POLICY_REF ":" POLICY_REF "'");
		goto done;
	}
	snprintf(name, sizeof(name), "%s.asc", id);
	if (git_commit_lookup(&parent, repo, &tip) < 0 ||
	    git_commit_tree(&root, parent) < 0 ||
	    git_blob_create_from_buffer(&blob, repo, key->ptr, key->len) < 0) {
		keys_git_error("cannot read " POLICY_REF);
		goto done;
	}
	entry = git_tree_entry_byname(root, "keys");
	if (entry != NULL &&
	    (git_tree_entry_filemode(entry) != GIT_FILEMODE_TREE ||
	     git_tree_lookup(&keys, repo, git_tree_entry_id(entry)) < 0)) {
		cli_fatal("keys in " POLICY_REF " is not a directory");
		goto done;
	}
	if (keys != NULL && (entry = git_tree_entry_byname(keys, name)) &&
	    git_oid_equal(git_tree_entry_id(entry), &blob)) {
		printf("keys/%s is already in " POLICY_REF "\n", name);
		status = 0;
		goto done;
	}
	if (git_treebuilder_new(&tb_keys, repo, keys) < 0 ||
	    git_treebuilder_insert(NULL, tb_keys, name, &blob,
				   GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&keys_tree, tb_keys) < 0 ||
	    git_treebuilder_new(&tb_root, repo, root) < 0 ||
	    git_treebuilder_insert(NULL, tb_root, "keys", &keys_tree,
				   GIT_FILEMODE_TREE) < 0 ||
	    git_treebuilder_write(&root_tree, tb_root) < 0 ||
	    git_tree_lookup(&tree, repo, &root_tree) < 0) {
		keys_git_error("cannot write the policy");
		goto done;
	}
	if (git_signature_default(&sig, repo) < 0) {
		keys_git_error("cannot make a commit (set user.name and "
			       "user.email)");
		goto done;
	}
	snprintf(message, sizeof(message), "Add key %s\n", id);
	/* only if the ref is still where we read it: no lost update */
	if (git_commit_create_v(&commit_id, repo, NULL, sig, sig, NULL,
				message, tree, 1, parent) < 0 ||
	    git_reference_create_matching(NULL, repo, POLICY_REF, &commit_id,
					  1, &tip, "git acl keys add") < 0) {
		keys_git_error("cannot update " POLICY_REF);
		goto done;
	}
	printf("added keys/%s to " POLICY_REF "\n"
	       "push it with: git push --signed <remote> " POLICY_REF "\n",
	       name);
	status = 0;
done:
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb_root);
	git_treebuilder_free(tb_keys);
	git_tree_free(keys);
	git_tree_free(root);
	git_commit_free(parent);
	return status;
}

static int keys_add(int argc, char **argv)
{
	git_repository *repo = NULL;
	struct buf key = BUF_INIT;
	char id[USERID_LEN + 1];
	struct stat st;
	int nargs, status;

	if ((status = cli_parse(&keys_add_command, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1) {
		cli_usage(stderr, &keys_add_command);
		return CLI_EXIT_USAGE;
	}
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) < 0) {
		status = cli_fatal("not a git repository");
		goto done;
	}
	/* a path names a file; anything else a key of $GNUPGHOME */
	status = keys_load(&key, argv[0],
			   (strchr(argv[0], '/') != NULL ||
			    (strlen(argv[0]) > 4 &&
			     strcmp(argv[0] + strlen(argv[0]) - 4, ".asc") ==
				     0)) &&
				   stat(argv[0], &st) == 0);
	if (status == 0 && (status = keys_check(id, &key, argv[0])) == 0)
		status = keys_commit(repo, id, &key);
done:
	buf_dispose(&key);
	git_repository_free(repo);
	return status;
}

static int keys_list(int argc, char **argv)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct keyfile_checker *checker = NULL;
	struct policyref *files = NULL;
	git_repository *repo = NULL;
	struct buf problem = BUF_INIT, uids = BUF_INIT, line = BUF_INIT;
	struct err err = {""};
	git_oid commit;
	size_t i;
	int nargs, status;

	if ((status = cli_parse(&keys_list_command, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs > 1) {
		cli_usage(stderr, &keys_list_command);
		return CLI_EXIT_USAGE;
	}
	status = CLI_EXIT_FATAL;
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) < 0) {
		cli_fatal("not a git repository");
		goto done;
	}
	if (policyref_resolve(&commit, repo, nargs ? argv[0] : POLICY_REF,
			      &err) != 0 ||
	    policyref_read(&files, repo, &commit, &diags, &err) < 0 ||
	    keyfile_checker_new(&checker, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	for (i = 0; i < files->count; i++) {
		const char *path = files->files[i].path;
		char id[USERID_LEN + 1];

		if (strncmp(path, "keys/", 5) != 0 ||
		    strlen(path) != 5 + USERID_LEN + 4 ||
		    strcmp(path + 5 + USERID_LEN, ".asc") != 0 ||
		    !userid_is_valid(path + 5, USERID_LEN))
			continue;
		memcpy(id, path + 5, USERID_LEN);
		id[USERID_LEN] = '\0';
		buf_clear(&problem);
		buf_clear(&uids);
		buf_clear(&line);
		if (keyfile_check(checker, id, files->files[i].data,
				  files->files[i].len, &problem, &uids,
				  &err) < 0) {
			cli_fatal("%s", err.msg);
			goto done;
		}
		/* user ids are the key's claims: never print them raw */
		if (buf_printf(&line, "%s\t%s\t", id,
			       problem.len ? buf_cstr(&problem) : "ok") < 0 ||
		    quote_controls(&line, buf_cstr(&uids),
				   strcspn(buf_cstr(&uids), "\n")) < 0) {
			cli_fatal("out of memory");
			goto done;
		}
		printf("%s\n", buf_cstr(&line));
	}
	status = 0;
done:
	buf_dispose(&problem);
	buf_dispose(&uids);
	buf_dispose(&line);
	keyfile_checker_free(checker);
	policyref_free(files);
	diag_list_dispose(&diags);
	git_repository_free(repo);
	return status;
}

int cmd_acl_keys(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return keys_add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return keys_list(argc - 1, argv + 1);
	fprintf(stderr, "usage: git acl keys add <file.asc | key>\n"
			"   or: git acl keys list [<commit-ish>]\n");
	return CLI_EXIT_USAGE;
}
