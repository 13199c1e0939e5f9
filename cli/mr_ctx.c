/* mr_ctx: opening the repository, naming requests, publishing writes */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/file.h"
#include "../common/quote.h"
#include "../policy/policy.h"
#include "mr.h"
#include "mr_git.h"

int mr_git_error(const char *what)
{
	const git_error *e = git_error_last();

	return cli_fatal("%s: %s", what, e ? e->message : "unknown error");
}

static int mr_ref_id(git_repository *repo, const char *name, git_oid *out,
		     bool *has)
{
	int rc = git_reference_name_to_id(out, repo, name);

	*has = rc == 0;
	if (rc == 0 || rc == GIT_ENOTFOUND)
		return 0;
	return mr_git_error(name);
}

int mr_reload(struct mr_ctx *ctx)
{
	struct err err = {{0}};
	int status;

	names_dispose(&ctx->names);
	if ((status = mr_ref_id(ctx->repo, POLICY_REF, &ctx->policy,
				&ctx->has_policy)) ||
	    (status = mr_ref_id(ctx->repo, STORE_DATA_REF, &ctx->data,
				&ctx->has_data)) ||
	    (status = mr_ref_id(ctx->repo, ATTEST_REF, &ctx->attest,
				&ctx->has_attest)))
		return status;
	if (names_load(&ctx->names, ctx->repo,
		       ctx->has_policy ? &ctx->policy : NULL, &err) < 0)
		return cli_fatal("%s", err.msg);
	return 0;
}

int mr_open(struct mr_ctx *ctx, const char *remote)
{
	memset(ctx, 0, sizeof(*ctx));
	buf_init(&ctx->warnings);
	if (git_repository_open_ext(&ctx->repo, ".", 0, NULL) < 0)
		return mr_git_error("not a git repository");
	if (remote != NULL) {
		snprintf(ctx->remote_buf, sizeof(ctx->remote_buf), "%s", remote);
		ctx->remote = ctx->remote_buf;
	}
	return mr_reload(ctx);
}

const char *mr_remote(struct mr_ctx *ctx)
{
	struct err err = {{0}};
	struct buf value = BUF_INIT;
	int found;

	/* asked only by commands that talk to it: a reader forks no git */
	if (ctx->remote != NULL)
		return ctx->remote;
	found = mr_git_config("mr.remote", 0, &value, &err);
	if (found < 0)
		fprintf(stderr, "warning: %s; using origin\n", err.msg);
	snprintf(ctx->remote_buf, sizeof(ctx->remote_buf), "%s",
		 found > 0 ? buf_cstr(&value) : "origin");
	buf_dispose(&value);
	ctx->remote = ctx->remote_buf;
	return ctx->remote;
}

void mr_close(struct mr_ctx *ctx)
{
	mr_warnings_flush(ctx);
	buf_dispose(&ctx->warnings);
	names_dispose(&ctx->names);
	git_repository_free(ctx->repo);
	ctx->repo = NULL;
}

void mr_warnings_flush(struct mr_ctx *ctx)
{
	const char *p = buf_cstr(&ctx->warnings), *nl;

	/* the store escaped every line already */
	while (*p && (nl = strchr(p, '\n')) != NULL) {
		fprintf(stderr, "warning: %.*s\n", (int)(nl - p), p);
		p = nl + 1;
	}
	buf_clear(&ctx->warnings);
}

int mr_whoami(struct mr_ctx *ctx)
{
	struct err err = {{0}};

	if (ctx->me[0])
		return 0;
	if (mr_git_whoami(ctx->me, &err) < 0)
		return cli_fatal("%s", err.msg);
	return 0;
}

int mr_resolve(struct mr_ctx *ctx, struct store *store, const char *spec,
	       struct store_id *out)
{
	char (*authors)[USERID_LEN + 1] = NULL;
	struct err err = {{0}};
	const char *slash = strrchr(spec, '/'), *num;
	char user[256];
	size_t count = 0;
	int status;

	num = slash ? slash + 1 : spec;
	if (!comment_number_valid(num, strlen(num)))
		return cli_fatal("'%s' is not a merge request: write "
				 "<user>/<number> or <number>",
				 spec);
	out->n = strtoul(num, NULL, 10);
	if (slash == NULL) {
		if ((status = mr_whoami(ctx)) != 0)
			return status;
		memcpy(out->user, ctx->me, USERID_LEN + 1);
		return 0;
	}
	if ((size_t)(slash - spec) >= sizeof(user) || slash == spec)
		return cli_fatal("'%s' is not a merge request", spec);
	memcpy(user, spec, (size_t)(slash - spec));
	user[slash - spec] = '\0';
	if (store_authors(store, &authors, &count, &err) < 0)
		return cli_fatal("%s", err.msg);
	status = names_resolve(&ctx->names, user,
			       (const char(*)[USERID_LEN + 1])authors, count,
			       out->user, &err);
	free(authors);
	if (status < 0)
		return cli_fatal("%s", err.msg);
	return 0;
}

/*
 * The forced fetch must not lose a policy commit that `git acl keys add`
 * made and nobody pushed yet: it stays in the object store, and its id is
 * printed so that it can be pushed or restored.
 */
static int mr_fetch_check_policy(struct mr_ctx *ctx)
{
	bool had = ctx->has_policy;
	git_oid old = ctx->policy;
	int status = mr_reload(ctx);

	char hex[GIT_OID_HEXSZ + 1];

	if (status == 0 && had &&
	    (!ctx->has_policy ||
	     (!git_oid_equal(&old, &ctx->policy) &&
	      git_graph_descendant_of(ctx->repo, &ctx->policy, &old) != 1))) {
		git_oid_tostr(hex, sizeof(hex), &old);
		fprintf(stderr,
			"warning: your local " POLICY_REF " was at %s, which "
			"'%s' does not have; to push it: git push --signed "
			"%s %s:" POLICY_REF "\n",
			hex, mr_remote(ctx), mr_remote(ctx), hex);
	}
	return status;
}

int mr_fetch(struct mr_ctx *ctx, bool quiet)
{
	/*
	 * Forced: the local refs/apps/ mirror the server, which is where
	 * every write lands first.  The owner may force the policy and the
	 * data branch (to remove spam, say); a plain refspec would then
	 * refuse that fetch, and every git mr command with it, for good.
	 */
	const char *argv[] = {"git", "fetch", "--no-write-fetch-head",
			      quiet ? "--quiet" : "--no-auto-gc",
			      mr_remote(ctx), "+refs/apps/*:refs/apps/*", NULL};
	struct err err = {{0}};
	struct buf errout = BUF_INIT;
	int status = mr_git_run(argv, NULL, quiet ? &errout : NULL, &err);

	if (status != 0) {
		fputs(buf_cstr(&errout), stderr);
		buf_dispose(&errout);
		if (status < 0)
			return cli_fatal("%s", err.msg);
		return cli_fatal("cannot fetch refs/apps/ from '%s'",
				 mr_remote(ctx));
	}
	buf_dispose(&errout);
	ctx->fresh = true;
	return mr_fetch_check_policy(ctx);
}

int mr_signature(git_signature **out)
{
	struct err err = {{0}};

	if (mr_git_committer(out, &err) < 0)
		return cli_fatal("%s", err.msg);
	return 0;
}

/* Move the local refs to what the remote now has. */
static int mr_publish_local(struct mr_ctx *ctx, const struct mr_push_ref *refs,
			    size_t nrefs)
{
	size_t i;

	for (i = 0; i < nrefs; i++)
		if (strncmp(refs[i].name, "refs/apps/", 10) == 0 &&
		    git_reference_create(NULL, ctx->repo, refs[i].name,
					 &refs[i].id, 1, "git mr: pushed") < 0)
			return mr_git_error("cannot update the local refs");
	return mr_reload(ctx);
}

/*
 * git push's stderr, as git mr shows it: the hook's "remote:" lines (their
 * sideband padding trimmed) and git's own errors, without git's summary
 * "error: failed to push some refs" (git mr prints its own).
 */
static void mr_push_stderr(struct buf *out, const char *text)
{
	const char *p = text, *nl;
	size_t len;

	for (; *p; p += len + (nl != NULL)) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (strncmp(p, "error: failed to push some refs", 31) == 0)
			continue;
		if (strncmp(p, "remote: ", 8) == 0)
			while (len > 8 && isspace((unsigned char)p[len - 1]))
				len--;
		buf_put(out, p, len);
		buf_puts(out, "\n");
	}
}

/*
 * git push --porcelain's stdout: "To <url>", a line per ref, "Done".  A
 * ref the hook declined (or that an atomic push dropped with it) is said
 * by the hook's own lines; any other refusal is kept, one line each.
 */
static void mr_push_porcelain(struct buf *out, const char *text)
{
	const char *p = text, *nl, *reason;
	size_t len;

	for (; *p; p += len + (nl != NULL)) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len < 2 || p[0] != '!' || p[1] != '\t')
			continue;
		reason = memchr(p + 2, '\t', len - 2);
		if (reason != NULL &&
		    strncmp(reason + 1, "[remote rejected]", 17) == 0)
			continue;
		buf_puts(out, "error: ");
		buf_put(out, p + 2, len - 2);
		buf_puts(out, "\n");
	}
}

/*
 * git could not sign the certificate (no secret key, no agent, no
 * terminal for the passphrase): then it sent nothing (git's messages in
 * send-pack.c and gpg-interface.c).
 */
static bool mr_push_unsigned(const char *text)
{
	return strstr(text, "failed to sign the push certificate") != NULL ||
	       strstr(text, "gpg failed to sign the data") != NULL;
}

/* Returns git push's status, or MR_PUSH_UNSIGNED when git could not sign. */
#define MR_PUSH_UNSIGNED 1000

static int mr_publish_push(struct mr_ctx *ctx, const struct mr_push_ref *refs,
			   size_t nrefs, struct buf *errout)
{
	const char *argv[8 + MR_PUSH_REFS_MAX];
	char specs[MR_PUSH_REFS_MAX][GIT_OID_HEXSZ + 258];
	struct err err = {{0}};
	struct buf out = BUF_INIT, raw = BUF_INIT;
	size_t i, n = 0;
	int status;

	argv[n++] = "git";
	argv[n++] = "push";
	argv[n++] = "--signed";
	argv[n++] = "--atomic";
	argv[n++] = "--porcelain";
	argv[n++] = mr_remote(ctx);
	for (i = 0; i < nrefs && i < MR_PUSH_REFS_MAX; i++) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &refs[i].id);
		snprintf(specs[i], sizeof(specs[i]), "%s:%s", hex,
			 refs[i].name);
		argv[n++] = specs[i];
	}
	argv[n] = NULL;
	status = mr_git_run(argv, &out, &raw, &err);
	if (status < 0) {
		buf_printf(errout, "fatal: %s\n", err.msg);
	} else if (status != 0 && mr_push_unsigned(buf_cstr(&raw))) {
		/* gpg's own lines say why; git's two add nothing */
		const char *p = buf_cstr(&raw), *nl;
		size_t len;

		for (; *p; p += len + (nl != NULL)) {
			nl = strchr(p, '\n');
			len = nl ? (size_t)(nl - p) : strlen(p);
			if (strncmp(p, "gpg: ", 5) == 0 ||
			    strncmp(p, "error: gpg ", 11) == 0) {
				buf_put(errout, p, len);
				buf_puts(errout, "\n");
			}
		}
		status = MR_PUSH_UNSIGNED;
	} else if (status != 0) {
		mr_push_stderr(errout, buf_cstr(&raw));
		mr_push_porcelain(errout, buf_cstr(&out));
	}
	buf_dispose(&out);
	buf_dispose(&raw);
	return status;
}

int mr_publish(struct mr_ctx *ctx, mr_build_fn build, void *data)
{
	struct mr_push_ref refs[MR_PUSH_REFS_MAX];
	struct buf errout = BUF_INIT;
	int attempt, status;

	/* a command that fetched to name its request need not fetch again */
	if (!ctx->fresh && (status = mr_fetch(ctx, true)) != 0)
		return status;
	ctx->fresh = false;
	for (attempt = 1;; attempt++) {
		struct store store;
		struct err err = {{0}};
		git_oid tip = ctx->data;
		bool had = ctx->has_data;
		size_t nrefs = 0;

		if (store_open(&store, ctx->repo, had ? &tip : NULL,
			       &ctx->warnings, &err) < 0)
			return cli_fatal("%s", err.msg);
		status = build(ctx, &store, had ? &tip : NULL, refs, &nrefs,
			       data);
		store_close(&store);
		/* what the build read was seen once: say it once */
		buf_clear(&ctx->warnings);
		if (status != 0 || nrefs == 0)
			break;
		buf_clear(&errout);
		status = mr_publish_push(ctx, refs, nrefs, &errout);
		if (status == 0) {
			status = mr_publish_local(ctx, refs, nrefs);
			break;
		}
		if (status == MR_PUSH_UNSIGNED) {
			fputs(buf_cstr(&errout), stderr);
			status = cli_fatal("git could not sign the push; "
					   "nothing was sent");
			fputs("hint: user.signingkey must name a secret key "
			      "that 'gpg --list-secret-keys' shows\n"
			      "hint: gpg-agent must be able to start; for a "
			      "passphrase, set GPG_TTY (export "
			      "GPG_TTY=$(tty))\n",
			      stderr);
			break;
		}
		if ((status = mr_fetch(ctx, true)) != 0)
			break;
		/*
		 * git push may fail after the server took the push (the
		 * connection dropped before the report): then the remote
		 * holds our commit, and building it again would post twice.
		 */
		if (ctx->has_data &&
		    strcmp(refs[0].name, STORE_DATA_REF) == 0 &&
		    (git_oid_equal(&ctx->data, &refs[0].id) ||
		     git_graph_descendant_of(ctx->repo, &ctx->data,
					     &refs[0].id) == 1)) {
			status = 0;
			break;
		}
		if (ctx->has_data == had &&
		    (!had || git_oid_equal(&ctx->data, &tip)) &&
		    (ctx->other_moved == NULL ||
		     ctx->other_moved(ctx, data) != 1)) {
			/* nobody raced us: this is the answer */
			fputs(buf_cstr(&errout), stderr);
			status = cli_fatal("the push was rejected; nothing "
					   "changed");
			break;
		}
		if (attempt == MR_PUBLISH_TRIES) {
			fputs(buf_cstr(&errout), stderr);
			status = cli_fatal("the data branch kept moving; "
					   "gave up after %d tries",
					   attempt);
			break;
		}
		fprintf(stderr, "git mr: the remote moved meanwhile; trying "
				"again\n");
	}
	buf_dispose(&errout);
	return status;
}

static int mr_read_stdin(struct buf *out)
{
	char chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_put(out, chunk, n) < 0)
			return -1;
	return ferror(stdin) ? -1 : 0;
}

/* Drop '#' lines (the editor's template) and trailing blank space. */
static void mr_message_clean(struct buf *text, bool strip_comments)
{
	struct buf clean = BUF_INIT;
	const char *p = buf_cstr(text), *nl;

	while (strip_comments && *p) {
		nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (*p != '#')
			buf_put(&clean, p, len);
		p += len;
	}
	if (strip_comments) {
		buf_clear(text);
		buf_put(text, buf_cstr(&clean), clean.len);
	}
	buf_dispose(&clean);
	while (text->len > 0 && isspace((unsigned char)text->ptr[text->len - 1]))
		text->ptr[--text->len] = '\0';
}

static int mr_edit(struct buf *out, const char *template)
{
	const char *var[] = {"git", "var", "GIT_EDITOR", NULL};
	const char *where[] = {"git", "rev-parse", "--absolute-git-dir", NULL};
	struct err err = {{0}};
	struct buf editor = BUF_INIT, path = BUF_INIT, gitdir = BUF_INIT;
	int status = CLI_EXIT_FATAL, fd;

	if (mr_git_run(var, &editor, NULL, &err) != 0) {
		cli_fatal("no editor: use -m or -F");
		goto done;
	}
	mr_message_clean(&editor, false);
	/* like COMMIT_EDITMSG: in the git directory, wherever that is */
	if (mr_git_run(where, &gitdir, NULL, &err) != 0) {
		cli_fatal("cannot find the git directory");
		goto done;
	}
	mr_message_clean(&gitdir, false);
	buf_printf(&path, "%s/MR_EDITMSG", buf_cstr(&gitdir));
	fd = open(buf_cstr(&path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
		  0600);
	if (fd < 0 || write(fd, template, strlen(template)) < 0) {
		if (fd >= 0)
			close(fd);
		cli_fatal("cannot write %s: %s", buf_cstr(&path),
			  strerror(errno));
		goto done;
	}
	close(fd);
	{
		/* as git runs it: through the shell, the file as "$@" */
		struct buf cmd = BUF_INIT;
		const char *argv[] = {"sh", "-c", NULL, "editor",
				      buf_cstr(&path), NULL};
		int rc;

		buf_printf(&cmd, "%s \"$@\"", buf_cstr(&editor));
		argv[2] = buf_cstr(&cmd);
		fflush(stdout);
		rc = fork();
		if (rc == 0) {
			execvp("sh", (char *const *)argv);
			_exit(127);
		}
		if (rc > 0) {
			int ws;

			while (waitpid(rc, &ws, 0) < 0 && errno == EINTR)
				;
			rc = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
		}
		buf_dispose(&cmd);
		if (rc != 0) {
			cli_fatal("the editor failed; nothing done");
			goto done;
		}
	}
	if (file_read(out, buf_cstr(&path), COMMENT_MAX, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	mr_message_clean(out, true);
	status = 0;
done:
	buf_dispose(&editor);
	buf_dispose(&path);
	buf_dispose(&gitdir);
	return status;
}

int mr_message(struct buf *out, const char *message, const char *file,
	       const char *template)
{
	struct err err = {{0}};
	int status;

	if (message && file)
		return cli_fatal("-m and -F cannot be used together");
	if (message) {
		buf_puts(out, message);
	} else if (file && strcmp(file, "-") == 0) {
		if (mr_read_stdin(out) < 0)
			return cli_fatal("cannot read the message from stdin");
	} else if (file) {
		if (file_read(out, file, COMMENT_MAX, &err) < 0)
			return cli_fatal("%s", err.msg);
	} else if ((status = mr_edit(out, template)) != 0) {
		return status;
	}
	mr_message_clean(out, false);
	if (out->len == 0)
		return cli_fatal("empty message; nothing done");
	if (memchr(out->ptr, '\0', out->len) != NULL)
		return cli_fatal("the message holds a NUL byte");
	return 0;
}

void mr_print(FILE *out, const char *text)
{
	static struct buf b;	/* kept: list prints tens of thousands */
	const unsigned char *p;

	if (text == NULL)
		return;
	for (p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			break;
	if (*p == '\0') {	/* printable ASCII: nothing to escape */
		fputs(text, out);
		return;
	}
	buf_clear(&b);
	quote_controls(&b, text, strlen(text));
	fputs(buf_cstr(&b), out);
}

void mr_print_id(FILE *out, const struct store_id *id)
{
	fprintf(out, "%.16s/%lu", id->user, id->n);
}

int mr_target_normalize(struct buf *out, const char *spec, struct err *err)
{
	const char *name = spec;
	struct buf full = BUF_INIT;
	bool valid;

	if (strncmp(name, "refs/", 5) == 0) {
		name += 5;
		if (strncmp(name, "heads/", 6) != 0)
			return err_set(err,
				       "target '%.200s' is not a branch "
				       "(refs/heads/)",
				       spec);
	}
	if (strncmp(name, "heads/", 6) == 0)
		name += 6;
	buf_printf(&full, "refs/heads/%s", name);
	valid = *name && git_reference_is_valid_name(buf_cstr(&full));
	buf_dispose(&full);
	if (!valid)
		return err_set(err, "target '%.200s' is not a valid branch name",
			       spec);
	buf_clear(out);
	return buf_printf(out, "heads/%s", name);
}
