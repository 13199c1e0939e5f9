/* acl_ban: `git acl ban` and `git acl unban`: banned/<ID> of the policy */
#include <ctype.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/access-control/keytree.h"
#include "../common/buf.h"
#include "../hooks/settings.h"
#include "../policy/keypath.h"
#include "../policy/policy.h"
#include "../policy/userid.h"
#include "acl.h"
#include "acl_edit.h"
#include "cli.h"

/* A reason is a short note for people, not a document. */
#define BAN_REASON_MAX 1000
#define BAN_REASON_DEFAULT "banned"

static const char *ban_reason;

static const struct cli_opt ban_opts[] = {
	{"message", 'm', CLI_OPT_STRING, &ban_reason, "<reason>",
	 "the text of banned/<ID> (default: \"banned\")"},
};

static const struct cli_command ban_command = {
	"git acl ban <ID> [-m <reason>]",
	"Commit banned/<ID> onto the local refs/apps/access-control, ready\n"
	"to push with 'git push --signed <remote> refs/apps/access-control':\n"
	"<ID> then identifies nobody, is a member of no group and cannot\n"
	"register.  <ID> is a full fingerprint (lower case is taken as upper\n"
	"case); an owner (gitapps.owner of this repository) is never banned.",
	ban_opts,
	sizeof(ban_opts) / sizeof(ban_opts[0]),
};

static const struct cli_command unban_command = {
	"git acl unban <ID>",
	"Commit the removal of banned/<ID> onto the local\n"
	"refs/apps/access-control, ready to push with\n"
	"'git push --signed <remote> refs/apps/access-control'.",
	NULL,
	0,
};

/*
 * arg as a user id: 40 hex digits, upper-cased (SPEC 2 names are upper
 * case; accepting lower case spares a user gpg's --with-colons output).
 */
static bool ban_id(char id[USERID_LEN + 1], const char *arg)
{
	size_t i;

	if (strlen(arg) != USERID_LEN)
		return false;
	for (i = 0; i < USERID_LEN; i++) {
		if (!isxdigit((unsigned char)arg[i]))
			return false;
		id[i] = (char)toupper((unsigned char)arg[i]);
	}
	id[USERID_LEN] = '\0';
	return userid_is_valid(id, USERID_LEN);
}

/* SPEC 2: a ban never applies to an owner, and the hook rejects one. */
static int ban_refuse_owner(git_repository *repo, const char *id)
{
	struct settings settings;
	struct err err = {""};
	size_t i;

	if (settings_read(&settings, repo, false, &err) < 0)
		return cli_fatal("%s", err.msg);
	for (i = 0; i < settings.nowners; i++)
		if (strcmp(settings.owners[i], id) == 0)
			return cli_fatal("%s is an owner (gitapps.owner): "
					 "owners cannot be banned",
					 id);
	return 0;
}

static int ban_check_reason(struct buf *out, const char *reason)
{
	const char *c;

	if (strlen(reason) > BAN_REASON_MAX)
		return cli_fatal("the reason is longer than %d bytes",
				 BAN_REASON_MAX);
	/* it is printed on terminals: no escapes, no CR */
	for (c = reason; *c; c++)
		if (iscntrl((unsigned char)*c) && *c != '\n' && *c != '\t')
			return cli_fatal("the reason has a control character");
	if (buf_puts(out, reason) < 0 ||
	    (out->len == 0 || out->ptr[out->len - 1] != '\n'
		     ? buf_putc(out, '\n')
		     : 0) < 0)
		return cli_fatal("out of memory");
	return 0;
}

/* ban or unban id on the local policy ref; an exit code */
static int ban_commit(git_repository *repo, const char *id, bool ban,
		      const char *reason)
{
	struct acl_edit edit;
	struct keytree_lookup found;
	git_tree_update update = {0};
	struct buf text = BUF_INIT, message = BUF_INIT;
	struct err err = {""};
	char path[KEYPATH_SIZE];
	git_oid commit;
	int status;

	if ((status = acl_edit_open(&edit, repo)) != 0)
		goto done;
	status = CLI_EXIT_FATAL;
	if (keytree_lookup(&found, edit.root, id, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	keypath_banned(path, id);
	if (ban && found.banned) {
		cli_fatal("%s is banned already (%s)", id, path);
		goto done;
	}
	if (!ban && !found.banned) {
		cli_fatal("%s is not banned (no %s in " POLICY_REF ")", id,
			  path);
		goto done;
	}
	update.path = path;
	if (ban) {
		if (ban_check_reason(&text, reason) != 0 ||
		    acl_edit_blob(&update.id, &edit, text.ptr, text.len) != 0)
			goto done;
		update.action = GIT_TREE_UPDATE_UPSERT;
		update.filemode = GIT_FILEMODE_BLOB;
	} else {
		update.action = GIT_TREE_UPDATE_REMOVE;
	}
	if ((ban ? buf_printf(&message, "Ban %s\n\n%s", id, buf_cstr(&text))
		 : buf_printf(&message, "Unban %s\n", id)) < 0) {
		cli_fatal("out of memory");
		goto done;
	}
	if (acl_edit_commit(&commit, NULL, &edit, &update, 1,
			    buf_cstr(&message), POLICY_REF, false) != 0)
		goto done;
	printf("%s %s in " POLICY_REF "\n"
	       "push it with: git push --signed <remote> " POLICY_REF "\n",
	       ban ? "added" : "removed", path);
	status = 0;
done:
	buf_dispose(&message);
	buf_dispose(&text);
	acl_edit_dispose(&edit);
	return status;
}

static int ban_run(const struct cli_command *cmd, bool ban, int argc,
		   char **argv)
{
	git_repository *repo = NULL;
	char id[USERID_LEN + 1];
	int nargs, status;

	ban_reason = NULL;
	if ((status = cli_parse(cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1) {
		cli_usage(stderr, cmd);
		return CLI_EXIT_USAGE;
	}
	if (!ban_id(id, argv[0])) {
		fprintf(stderr, "error: '%s' is not a user id (40 hex "
				"digits)\n",
			argv[0]);
		cli_usage(stderr, cmd);
		return CLI_EXIT_USAGE;
	}
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) < 0) {
		status = cli_fatal("not a git repository");
		goto done;
	}
	if (ban && (status = ban_refuse_owner(repo, id)) != 0)
		goto done;
	status = ban_commit(repo, id, ban,
			    ban_reason ? ban_reason : BAN_REASON_DEFAULT);
done:
	git_repository_free(repo);
	return status;
}

int cmd_acl_ban(int argc, char **argv)
{
	return ban_run(&ban_command, true, argc, argv);
}

int cmd_acl_unban(int argc, char **argv)
{
	return ban_run(&unban_command, false, argc, argv);
}
