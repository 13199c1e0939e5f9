/* acl_setup: what both init and upgrade write into a server repository */
#include "acl_setup.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/fsckpins.h"
#include "../adapters/keyindex.h"
#include "../policy/policy.h"
#include "acl_edit.h"
#include "cli.h"

/* Set name to value unless it is that already; an exit code. */
static int setup_set(git_config *local, const char *name, const char *value,
		     const char *shown, bool replace, bool report)
{
	git_buf have = GIT_BUF_INIT;
	int rc = git_config_get_string_buf(&have, local, name);
	bool same;

	if (rc < 0 && rc != GIT_ENOTFOUND) {
		git_buf_dispose(&have);
		return acl_edit_git_error("cannot read the repository's "
					  "config");
	}
	same = rc == 0 && (!replace || strcmp(have.ptr, value) == 0);
	git_buf_dispose(&have);
	if (same)
		return 0;
	if (git_config_set_string(local, name, value) < 0)
		return acl_edit_git_error("cannot write the repository's "
					  "config");
	if (report)
		printf("set %s = %s\n", name, shown ? shown : value);
	return 0;
}

int acl_setup_pins(git_config *local, bool report)
{
	char name[64];
	size_t i;
	int value = 0, rc, status;

	/* a bool: "true", "yes" and "1" are all right as they are */
	rc = git_config_get_bool(&value, local, "receive.fsckObjects");
	if (rc < 0 || !value) {
		if (git_config_set_bool(local, "receive.fsckObjects", 1) < 0)
			return acl_edit_git_error("cannot write the "
						  "repository's config");
		if (report)
			printf("set receive.fsckObjects = true\n");
	}
	for (i = 0; i < fsckpins_count; i++) {
		snprintf(name, sizeof(name), "receive.fsck.%s",
			 fsckpins_messages[i]);
		if ((status = setup_set(local, name, FSCKPINS_LEVEL, NULL,
					true, report)) != 0)
			return status;
	}
	return 0;
}

int acl_setup_nonce(git_config *local, unsigned slop_seconds, bool replace,
		    bool report)
{
	unsigned char seed[32];
	char hex[2 * sizeof(seed) + 1], slop[16];
	size_t i;
	int status;

	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return cli_fatal("cannot get random bytes for the nonce seed");
	for (i = 0; i < sizeof(seed); i++)
		snprintf(hex + 2 * i, 3, "%02x", seed[i]);
	snprintf(slop, sizeof(slop), "%u", slop_seconds);
	/* a fresh seed also on a copied repository: old nonces die */
	if ((status = setup_set(local, "receive.certNonceSeed", hex,
				"(random)", replace, report)) == 0)
		status = setup_set(local, "receive.certNonceSlop", slop, NULL,
				   replace, report);
	explicit_bzero(seed, sizeof(seed));
	explicit_bzero(hex, sizeof(hex));
	return status;
}

/* The length of the first field of line (bytes before a space or tab). */
static size_t setup_field(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] != ' ' && line[i] != '\t')
		i++;
	return i;
}

/* Where the first base line of text starts, or len when there is none. */
static size_t setup_find_base(const char *text, size_t len, size_t *line_len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, skip = pos;

		/* rule files split at runs of blanks: leading ones too */
		while (skip < end && (text[skip] == ' ' || text[skip] == '\t'))
			skip++;
		if (setup_field(text + skip, end - skip) == 4 &&
		    memcmp(text + skip, "base", 4) == 0 && end - skip > 4) {
			*line_len = end - pos;
			return pos;
		}
		pos = nl ? end + 1 : len;
	}
	*line_len = 0;
	return len;
}

bool acl_setup_has_base(const char *text, size_t len)
{
	size_t line_len;

	return setup_find_base(text, len, &line_len) < len;
}

bool acl_setup_branch_ok(const char *branch)
{
	char ref[256];
	int valid = 0, n = snprintf(ref, sizeof(ref), "refs/heads/%s", branch);

	if (n < 0 || (size_t)n >= sizeof(ref))
		return false;
	return git_reference_name_is_valid(&valid, ref) == 0 && valid;
}

int acl_setup_base(struct buf *out, const char *text, size_t len,
		   const char *branch)
{
	size_t line_len, at = setup_find_base(text, len, &line_len);
	const char *c;
	int error = 0;

	error |= buf_put(out, text, at < len ? at : 0);
	error |= buf_puts(out, "base heads/");
	/* a pattern matching the whole name and nothing else (SPEC 5) */
	for (c = branch; *c; c++) {
		if (strchr("\\^$.|?*+()[]{}", *c) != NULL)
			error |= buf_putc(out, '\\');
		error |= buf_putc(out, *c);
	}
	error |= buf_putc(out, '\n');
	if (at < len) {
		at += line_len;
		if (at < len && text[at] == '\n')
			at++;
		error |= buf_put(out, text + at, len - at);
	} else {
		error |= buf_put(out, text, len);
	}
	return error ? -1 : 0;
}

int acl_setup_find_hook(char target[PATH_MAX])
{
	char hook[PATH_MAX];

	if (cli_beside_exe(hook, sizeof(hook), ACL_SETUP_HOOK_BESIDE) < 0 ||
	    realpath(hook, target) == NULL || access(target, X_OK) != 0)
		return cli_fatal("cannot find the pre-receive hook next to "
				 "git-acl (" ACL_SETUP_HOOK_BESIDE ")");
	return 0;
}

int acl_setup_link_hook(git_repository *repo, const char *target, bool force)
{
	char link[PATH_MAX + 32];
	struct stat st;
	ssize_t n;

	snprintf(link, sizeof(link), "%shooks", git_repository_path(repo));
	if (mkdir(link, 0755) < 0 && errno != EEXIST)
		return cli_fatal("cannot create '%s': %s", link,
				 strerror(errno));
	snprintf(link, sizeof(link), "%shooks/pre-receive",
		 git_repository_path(repo));
	if (lstat(link, &st) == 0) {
		char have[PATH_MAX];

		n = readlink(link, have, sizeof(have) - 1);
		if (n >= 0)
			have[n] = '\0';
		if (n >= 0 && strcmp(have, target) == 0)
			return 0;
		if (!force)
			return cli_fatal("'%s' exists: use --force to replace "
					 "it",
					 link);
		if (unlink(link) < 0)
			return cli_fatal("cannot remove '%s': %s", link,
					 strerror(errno));
	}
	if (symlink(target, link) < 0)
		return cli_fatal("cannot link '%s': %s", link,
				 strerror(errno));
	return 0;
}

/*
 * SPEC 2: the hook builds the key index itself only up to 10,000 key
 * files; here it is built whatever the number, for the policy as it is.
 */
int acl_setup_key_index(git_repository *repo, bool *built)
{
	struct keyindex_options opts = {0};
	struct keyindex *index = NULL;
	struct buf dir = BUF_INIT;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	const git_tree_entry *keys;
	struct err err = {""};
	git_oid id;
	int status = CLI_EXIT_FATAL;

	*built = false;
	if (git_reference_name_to_id(&id, repo, POLICY_REF) < 0) {
		status = CLI_EXIT_OK;	/* nothing to index yet */
		goto done;
	}
	if (git_commit_lookup(&commit, repo, &id) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		cli_fatal("cannot read " POLICY_REF);
		goto done;
	}
	keys = git_tree_entry_byname(tree, "keys");
	if (keys != NULL && git_tree_entry_filemode(keys) != GIT_FILEMODE_TREE)
		keys = NULL;
	if (buf_printf(&dir, "%sgitapps", git_repository_commondir(repo)) <
	    0) {
		cli_fatal("out of memory");
		goto done;
	}
	if (keyindex_open(&index, repo, buf_cstr(&dir),
			  keys ? git_tree_entry_id(keys) : NULL, &opts,
			  &err) < 0) {
		cli_fatal("cannot build the key index: %s", err.msg);
		goto done;
	}
	*built = keyindex_shards_built(index) > 0;
	status = CLI_EXIT_OK;
done:
	keyindex_free(index);
	git_tree_free(tree);
	git_commit_free(commit);
	buf_dispose(&dir);
	return status;
}

char *acl_setup_head_branch(git_repository *repo)
{
	git_reference *head = NULL;
	const char *target;
	char *branch = NULL;

	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    (target = git_reference_symbolic_target(head)) != NULL &&
	    strncmp(target, "refs/heads/", 11) == 0 &&
	    acl_setup_branch_ok(target + 11))
		branch = strdup(target + 11);
	git_reference_free(head);
	return branch;
}

/* "name (uid N)", or "uid N" for an account without a name */
static int setup_user(struct buf *out, uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL)
		return buf_printf(out, "%s (uid %lu)", pw->pw_name,
				  (unsigned long)uid);
	return buf_printf(out, "uid %lu", (unsigned long)uid);
}

int acl_setup_foreign_owner(struct buf *out, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	if (st.st_uid == geteuid())
		return 0;
	if (buf_puts(out, "owned by ") < 0 || setup_user(out, st.st_uid) < 0 ||
	    buf_puts(out, ", not by you, ") < 0 ||
	    setup_user(out, geteuid()) < 0)
		return -1;
	return 1;
}
