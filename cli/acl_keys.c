/* acl_keys: `git acl keys add|list|migrate`: the keys/ of the policy ref */
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
#include "../adapters/keyfile.h"
#include "../adapters/policyref.h"
#include "../policy/policy.h"
#include "../policy/userid.h"
#include "../apps/access-control/keytree.h"
#include "acl.h"
#include "acl_edit.h"
#include "acl_migrate.h"
#include "cli.h"

static const struct cli_command keys_add_command = {
	"git acl keys add <file.asc | key>",
	"Commit keys/<aa>/<ID>.asc onto the local refs/apps/access-control\n"
	"(<aa>: the first two digits of <ID>), from\n"
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

/*
 * A new commit of the policy ref with keys/<aa>/<ID>.asc set to key.  An id
 * with a flat keys/<ID>.asc is refused: the new file could drop packets
 * of the old one, and both together are a policy error (SPEC 2).
 */
static int keys_commit(git_repository *repo, const char *id,
		       const struct buf *key)
{
	struct acl_edit edit;
	struct keytree_lookup found;
	struct buf grown = BUF_INIT;
	git_tree_update update;
	git_oid blob, commit;
	struct err err = {""};
	char path[KEYPATH_SIZE], message[128];
	int status;

	if ((status = acl_edit_open(&edit, repo)) != 0)
		goto done;
	status = CLI_EXIT_FATAL;
	if (keytree_lookup(&found, edit.root, id, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	if (found.banned) {
		cli_fatal("%s is banned in " POLICY_REF " (banned/%s): its "
			  "key identifies nobody",
			  id, id);
		goto done;
	}
	if (found.flat) {
		cli_fatal("keys/%s.asc is in the older flat layout: run 'git "
			  "acl keys migrate' first",
			  id);
		goto done;
	}
	keypath_fanout(path, id);
	/*
	 * SPEC 2: a key file only grows.  gpg's export drops a superseded
	 * self-signature, so a refresh keeps every packet of the file on
	 * the policy and adds the new ones.
	 */
	if (found.fanout) {
		git_blob *old = NULL;
		bool same = false;
		int rc;

		if (git_blob_lookup(&old, repo, &found.fanout_blob) < 0) {
			cli_fatal("cannot read %s", path);
			goto done;
		}
		rc = keyfile_grow(&grown, git_blob_rawcontent(old),
				  (size_t)git_blob_rawsize(old), key->ptr,
				  key->len);
		/* nothing new: keep the file as it is, byte for byte */
		if (rc > 0 && keyfile_grows(&same, grown.ptr, grown.len,
					    git_blob_rawcontent(old),
					    (size_t)git_blob_rawsize(old)) < 0)
			rc = -1;
		git_blob_free(old);
		if (rc < 0) {
			cli_fatal("out of memory");
			goto done;
		}
		if (rc == 0) {
			cli_fatal("%s holds another key, or one that does not "
				  "parse: only its own key may grow it",
				  path);
			goto done;
		}
		if (same) {
			printf("%s is already in " POLICY_REF "\n", path);
			status = 0;
			goto done;
		}
		key = &grown;
	}
	if (acl_edit_blob(&blob, &edit, key->ptr, key->len) != 0)
		goto done;
	if (found.fanout && git_oid_equal(&found.fanout_blob, &blob)) {
		printf("%s is already in " POLICY_REF "\n", path);
		status = 0;
		goto done;
	}
	update.action = GIT_TREE_UPDATE_UPSERT;
	update.id = blob;
	update.filemode = GIT_FILEMODE_BLOB;
	update.path = path;
	snprintf(message, sizeof(message), "Add key %s\n", id);
	if (acl_edit_commit(&commit, NULL, &edit, &update, 1, message,
			    POLICY_REF, false) != 0)
		goto done;
	printf("added %s to " POLICY_REF "\n"
	       "push it with: git push --signed <remote> " POLICY_REF "\n",
	       path);
	status = 0;
done:
	buf_dispose(&grown);
	acl_edit_dispose(&edit);
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

/* The problem of one key file, or none, and its user ids. */
static int keys_list_one(struct buf *problem, struct buf *uids,
			 struct keyfile_checker *checker, git_repository *repo,
			 git_odb *odb, const struct keytree_file *file,
			 struct err *err)
{
	git_blob *blob = NULL;
	git_object_t type;
	size_t size;
	int error = -1;

	/* the size first: a huge key file is never read (SPEC 2) */
	if (git_odb_read_header(&size, &type, odb, &file->blob) < 0 ||
	    type != GIT_OBJECT_BLOB) {
		err_set(err, "cannot read %s", file->path);
		goto done;
	}
	if (size > KEYFILE_MAX) {
		if (buf_printf(problem, "is larger than %u bytes",
			       KEYFILE_MAX) < 0)
			goto oom;
		error = 0;
		goto done;
	}
	if (git_blob_lookup(&blob, repo, &file->blob) < 0) {
		err_set(err, "cannot read %s", file->path);
		goto done;
	}
	error = keyfile_check(checker, file->id, git_blob_rawcontent(blob),
			      size, problem, uids, err);
	goto done;
oom:
	err_set(err, "out of memory");
done:
	git_blob_free(blob);
	return error;
}

static int keys_list(int argc, char **argv)
{
	struct keyfile_checker *checker = NULL;
	struct keytree keys = KEYTREE_INIT;
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	git_tree *root = NULL;
	git_odb *odb = NULL;
	struct buf problem = BUF_INIT, uids = BUF_INIT, line = BUF_INIT;
	struct err err = {""};
	git_oid id;
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
	if (policyref_resolve(&id, repo, nargs ? argv[0] : POLICY_REF,
			      &err) != 0) {
		cli_fatal("%s", err.msg[0] ? err.msg : "no such commit");
		goto done;
	}
	if (git_commit_lookup(&commit, repo, &id) < 0 ||
	    git_commit_tree(&root, commit) < 0 ||
	    git_repository_odb(&odb, repo) < 0) {
		acl_edit_git_error("cannot read the policy");
		goto done;
	}
	if (keytree_list(&keys, repo, root, &err) < 0 ||
	    (keys.count > 0 && keyfile_checker_new(&checker, &err) < 0)) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	for (i = 0; i < keys.count; i++) {
		const struct keytree_file *file = &keys.files[i];
		bool twice = (i > 0 && strcmp(keys.files[i - 1].id,
					      file->id) == 0) ||
			     (i + 1 < keys.count &&
			      strcmp(keys.files[i + 1].id, file->id) == 0);

		buf_clear(&problem);
		buf_clear(&uids);
		buf_clear(&line);
		if (keys_list_one(&problem, &uids, checker, repo, odb, file,
				  &err) < 0) {
			cli_fatal("%s", err.msg);
			goto done;
		}
		/* SPEC 2: one key file an id; the engine calls it an error */
		if (twice && problem.len == 0 &&
		    buf_printf(&problem, "has a key file in both layouts "
					 "(%s)", file->path) < 0)
			goto oom;
		/* user ids are the key's claims: never print them raw */
		if (buf_printf(&line, "%s\t%s\t", file->id,
			       problem.len ? buf_cstr(&problem) : "ok") < 0 ||
		    quote_controls(&line, buf_cstr(&uids),
				   strcspn(buf_cstr(&uids), "\n")) < 0)
			goto oom;
		printf("%s\n", buf_cstr(&line));
	}
	status = 0;
	goto done;
oom:
	cli_fatal("out of memory");
done:
	buf_dispose(&problem);
	buf_dispose(&uids);
	buf_dispose(&line);
	keyfile_checker_free(checker);
	keytree_dispose(&keys);
	git_odb_free(odb);
	git_tree_free(root);
	git_commit_free(commit);
	git_repository_free(repo);
	return status;
}

int cmd_acl_keys(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "migrate") == 0)
		return acl_keys_migrate(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return keys_add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return keys_list(argc - 1, argv + 1);
	fprintf(stderr, "usage: git acl keys add <file.asc | key>\n"
			"   or: git acl keys list [<commit-ish>]\n"
			"   or: git acl keys migrate\n");
	return CLI_EXIT_USAGE;
}
