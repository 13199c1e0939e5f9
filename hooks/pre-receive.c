/* pre-receive: who pushed (SPEC 2), and may they (SPEC 3-5)?  Exit 0 only
   when every command of the push is proven allowed */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <git2.h>
#include <gpgme.h>
#include <dirent.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/buf.h"
#include "../common/err.h"
#include "../common/leave.h"
#include "../common/notls.h"
#include "../common/quote.h"
#include "../policy/policy.h"
#include "../policy/userid.h"
#include "../adapters/cert.h"
#include "gate.h"
#include "judge.h"
#include "../adapters/backsig.h"
#include "identify.h"
#include "../adapters/keylookup.h"
#include "../adapters/packodb.h"
#include "../adapters/policyref.h"
#include "settings.h"
#include "../adapters/treediff.h"

/* More input than this on stdin never came from one sane push. */
#define HOOK_STDIN_MAX (64u * 1024u * 1024u)

struct hook_command {
	git_oid old, new;
	char *ref;
	char *line;		/* "<old> <new> <ref>" for the multiset check */
};

struct hook {
	git_repository *repo;
	struct settings settings;
	char dir[4096];				/* <common dir>/gitapps */
	struct hook_command *commands;
	size_t ncommands;
	/* the policy as it was before the push (SPEC 5) */
	bool have_policy;
	git_oid policy_commit;
	struct policyref *policy_files;
	struct policy *policy;
	char policy_error[512];
	/* identity */
	struct cert *cert;
	git_oid cert_id;
	char user[USERID_LEN + 1];
	struct judge *judge;
	size_t judged;
	git_tree *policy_tree;	/* for bans of attesters, read on demand */
};

static int hook_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

static void hook_dispose(struct hook *hook)
{
	size_t i;

	for (i = 0; i < hook->ncommands; i++) {
		free(hook->commands[i].ref);
		free(hook->commands[i].line);
	}
	free(hook->commands);
	judge_free(hook->judge);
	git_tree_free(hook->policy_tree);
	cert_free(hook->cert);
	policy_free(hook->policy);
	policyref_free(hook->policy_files);
	git_repository_free(hook->repo);
}

static int hook_read_stdin(struct buf *in, struct err *err)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (in->len + n > HOOK_STDIN_MAX)
			return err_set(err, "too many ref updates");
		if (buf_put(in, chunk, n) < 0)
			return err_set(err, "out of memory");
	}
	if (ferror(stdin))
		return err_set(err, "cannot read the ref updates");
	return 0;
}

/* "<old> <new> <ref>" lines from receive-pack. */
static int hook_parse_commands(struct hook *hook, const struct buf *in,
			       struct err *err)
{
	const char *p = buf_cstr(in), *end = p + in->len;
	size_t alloc = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		struct hook_command *c;

		if (len < 83 || p[40] != ' ' || p[81] != ' ' ||
		    memchr(p, '\0', len) != NULL)
			return err_set(err, "bad ref update line from git");
		if (hook->ncommands == alloc) {
			size_t n = alloc ? alloc * 2 : 16;
			struct hook_command *cs =
				realloc(hook->commands, n * sizeof(*cs));

			if (cs == NULL)
				return err_set(err, "out of memory");
			hook->commands = cs;
			alloc = n;
		}
		c = &hook->commands[hook->ncommands];
		memset(c, 0, sizeof(*c));
		hook->ncommands++;
		if (git_oid_fromstrn(&c->old, p, 40) < 0 ||
		    git_oid_fromstrn(&c->new, p + 41, 40) < 0)
			return err_set(err, "bad object id from git");
		if ((c->ref = strndup(p + 82, len - 82)) == NULL ||
		    (c->line = strndup(p, len)) == NULL)
			return err_set(err, "out of memory");
		p = nl ? nl + 1 : end;
	}
	if (hook->ncommands == 0)
		return err_set(err, "no ref updates");
	return 0;
}

/* SIGALRM: only async-signal-safe calls; any non-zero exit rejects. */
static void hook_timeout(int sig)
{
	static const char msg[] =
		"error: time limit reached (gitapps.timeout): push less at "
		"once\n";
	ssize_t ignored;

	(void)sig;
	ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)ignored;
	_exit(1);
}

static int hook_open(struct hook *hook, struct err *err)
{
	struct buf in = BUF_INIT;
	const char *common;
	int n, error = -1;

	/* pushed objects are in the quarantine, which only the env names */
	if (git_repository_open_ext(&hook->repo, NULL,
				    GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		hook_git_error(err, "cannot open the repository");
		goto done;
	}
	/*
	 * Objects are not hashed again on reading, from here on (as in
	 * judge_new(); docs/design.md): the pack reader never does, and the
	 * key-registration check reads trees before the judge exists.
	 */
	if (packodb_install(hook->repo, err) < 0)
		goto done;
	if (git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0) < 0) {
		hook_git_error(err, "cannot set up libgit2");
		goto done;
	}
	common = git_repository_commondir(hook->repo);
	n = snprintf(hook->dir, sizeof(hook->dir), "%sgitapps", common);
	if (n < 0 || (size_t)n >= sizeof(hook->dir)) {
		err_set(err, "repository path too long");
		goto done;
	}
	if (settings_read(&hook->settings, hook->repo, true, err) < 0)
		goto done;
	/*
	 * The checks watch gitapps.timeout themselves; this hard stop, a
	 * little later, also covers gpg and the history walk (SPEC 4).
	 */
	signal(SIGALRM, hook_timeout);
	alarm(hook->settings.timeout + 5);
	/*
	 * SPEC 2: git reads the nonce settings from every config level, the
	 * hook from the repository's only; both must be there, so that git
	 * and the hook agree on the window.  Checked before the certificate:
	 * without a seed git takes no signed push at all.
	 */
	if (!hook->settings.have_nonce_seed) {
		err_set(err, "receive.certNonceSeed is not set in the "
			     "repository's config, so this server cannot take "
			     "signed pushes: every push is rejected (ask the "
			     "admin to run 'git acl upgrade')");
		goto done;
	}
	if (!hook->settings.have_nonce_slop) {
		err_set(err, "receive.certNonceSlop is not set in the "
			     "repository's config: every push is rejected "
			     "(ask the admin to run 'git acl upgrade')");
		goto done;
	}
	/* SPEC 4: the fast path leaves tree-entry checks to git's fsck */
	if (hook->settings.unpinned_fsck != NULL) {
		err_set(err, "receive.fsck.%s is not 'error' in the "
			     "repository's config: every push is rejected "
			     "(ask the admin to run 'git acl upgrade')",
			hook->settings.unpinned_fsck);
		goto done;
	}
	if (!hook->settings.fsck_objects) {
		err_set(err, "receive.fsckObjects is not true in the "
			     "repository's config: every push is rejected "
			     "(run 'git acl init' or set it)");
		goto done;
	}
	/*
	 * On a case-insensitive file system refs/Apps/access-control is the
	 * policy ref too, but rules and built-ins compare names exactly.
	 */
	if (hook->settings.ignore_case) {
		err_set(err, "core.ignorecase is true: ref names that differ "
			     "only in case would alias protected refs; serve "
			     "the repository from a case-sensitive file "
			     "system");
		goto done;
	}
	if (hook_read_stdin(&in, err) < 0 ||
	    hook_parse_commands(hook, &in, err) < 0)
		goto done;
	error = 0;
done:
	buf_dispose(&in);
	return error;
}

/*
 * The policy, resolved once (SPEC 5).  Its keys/ count even when the rule
 * files fail to load; then every push but the owner's repair is denied
 * with the first load error.
 */
static int hook_load_policy(struct hook *hook, struct err *err)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct policy_options opts = {.match_limit = hook->settings.match_limit,
				      .no_lint = true};
	struct err why = {""};
	int rc;

	rc = git_reference_name_to_id(&hook->policy_commit, hook->repo,
				      POLICY_REF);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return hook_git_error(err, "cannot read " POLICY_REF);
	hook->have_policy = true;
	/* rules only: keys/ and banned/ are looked up by path (SPEC 2) */
	rc = policyref_read_rules(&hook->policy_files, hook->repo,
				  &hook->policy_commit, &diags, err);
	if (rc == 0 && policy_load(&hook->policy, hook->policy_files->files,
				   hook->policy_files->count, &opts, &diags,
				   &why) < 0)
		snprintf(hook->policy_error, sizeof(hook->policy_error), "%s",
			 why.msg);
	diag_list_dispose(&diags);
	return rc;
}

/* The nonce must be OK: everything else may be a replay (SPEC 2). */
static int hook_check_nonce(struct err *err)
{
	const char *status = getenv("GIT_PUSH_CERT_NONCE_STATUS");

	if (status == NULL || *status == '\0')
		return err_set(err, "the server issued no nonce "
				    "(receive.certNonceSeed is not set): "
				    "ask the admin to run 'git acl init'");
	if (strcmp(status, "OK") == 0)
		return 0;
	if (strcmp(status, "SLOP") == 0)
		return err_set(err, "the push certificate's nonce is too old "
				    "(SLOP): push again");
	return err_set(err, "the push certificate's nonce is %.16s, not OK: "
			    "push again with 'git push --signed'",
		       status);
}

static int hook_line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SPEC 2: stdin's commands, as a multiset, equal the certificate's. */
static int hook_check_coverage(struct hook *hook, struct err *err)
{
	char **have = NULL, **want = NULL;
	size_t i, n = hook->ncommands;
	int error = -1;

	if (hook->cert->ncommands != n)
		goto mismatch;
	if ((have = calloc(n, sizeof(*have))) == NULL ||
	    (want = calloc(n, sizeof(*want))) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		const struct cert_command *c = &hook->cert->commands[i];
		struct buf line = BUF_INIT;

		have[i] = hook->commands[i].line;
		if (buf_printf(&line, "%s %s %s", c->old_hex, c->new_hex,
			       c->ref) < 0 ||
		    (want[i] = buf_detach(&line)) == NULL) {
			buf_dispose(&line);
			err_set(err, "out of memory");
			goto done;
		}
	}
	qsort(have, n, sizeof(*have), hook_line_cmp);
	qsort(want, n, sizeof(*want), hook_line_cmp);
	for (i = 0; i < n; i++)
		if (strcmp(have[i], want[i]) != 0)
			goto mismatch;
	error = 0;
	goto done;
mismatch:
	err_set(err, "the push certificate does not cover this push: "
		     "push again with 'git push --signed'");
done:
	if (want != NULL)
		for (i = 0; i < n; i++)
			free(want[i]);
	free(want);
	free(have);
	return error;
}

static int hook_read_cert(struct hook *hook, struct err *err)
{
	const char *hex = getenv("GIT_PUSH_CERT");
	git_blob *blob = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	size_t size;
	int error = -1;

	if (hex == NULL || *hex == '\0') {
		err_set(err, "unsigned push: push with 'git push --signed' "
			     "(register your key first: see 'man git-acl')");
		goto done;
	}
	if (git_oid_fromstr(&hook->cert_id, hex) < 0 ||
	    git_repository_odb(&odb, hook->repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, &hook->cert_id) < 0) {
		hook_git_error(err, "cannot read the push certificate");
		goto done;
	}
	/* the size before the content: the pusher chose it */
	if (type != GIT_OBJECT_BLOB || size > CERT_MAX) {
		err_set(err, "push certificate larger than %u bytes",
			CERT_MAX);
		goto done;
	}
	if (git_blob_lookup(&blob, hook->repo, &hook->cert_id) < 0) {
		hook_git_error(err, "cannot read the push certificate");
		goto done;
	}
	if (cert_parse(&hook->cert, git_blob_rawcontent(blob),
		       (size_t)git_blob_rawsize(blob), err) < 0) {
		struct err why = *err;

		err_set(err, "bad push certificate: %s", why.msg);
		goto done;
	}
	error = 0;
done:
	git_odb_free(odb);
	git_blob_free(blob);
	return error;
}

/* The push's command on the policy ref: where a key may come with it. */
static const struct hook_command *hook_policy_command(const struct hook *hook)
{
	size_t i;

	for (i = 0; i < hook->ncommands; i++)
		if (strcmp(hook->commands[i].ref, POLICY_REF) == 0)
			return &hook->commands[i];
	return NULL;
}

/*
 * SPEC 2: the certificate first (nothing per registered user is read for
 * an unsigned or malformed push), then the key files that may have made
 * its signature, found by path and through the key index.
 */
static int hook_identify(struct hook *hook, struct err *err)
{
	const struct hook_command *c = hook_policy_command(hook);
	struct identify_input in = {0};

	in.repo = hook->repo;
	in.dir = hook->dir;
	in.policy = hook->have_policy ? &hook->policy_commit : NULL;
	in.cert = hook->cert;
	in.policy_old = c != NULL ? &c->old : NULL;
	in.policy_new = c != NULL ? &c->new : NULL;
	in.policy_only = c != NULL && hook->ncommands == 1;
	in.owners = hook->settings.owner_ptrs;
	in.nowners = hook->settings.nowners;
	return identify_pusher(hook->user, &in, err);
}

/* The certificate: present, well-formed, fresh, covering the push. */
static int hook_check_cert(struct hook *hook, struct err *err)
{
	return hook_read_cert(hook, err) < 0 || hook_check_nonce(err) < 0 ||
			       hook_check_coverage(hook, err) < 0
		       ? -1
		       : 0;
}

/*
 * SPEC 11: a banned attester counts for nothing.  The rules were loaded
 * without banned/, so bans are looked up by path, in the policy as it was
 * before the push, as the pusher's own is.
 */
static int hook_is_banned(const char *id, void *payload, struct err *err)
{
	struct hook *hook = payload;

	if (hook->policy_tree == NULL &&
	    keylookup_policy_tree(&hook->policy_tree, hook->repo,
				  &hook->policy_commit, err) < 0)
		return -1;
	return keylookup_is_banned(hook->policy_tree, id, err);
}

/* What the push does to refs/apps/attestations, for the gate. */
static const git_oid *hook_attest_new(const struct hook *hook)
{
	size_t i;

	for (i = 0; i < hook->ncommands; i++)
		if (strcmp(hook->commands[i].ref, GATE_REF) == 0)
			return &hook->commands[i].new;
	return NULL;
}

static int hook_judge(struct hook *hook, struct err *err)
{
	struct judge_config config = {0};
	size_t i;

	config.owners = hook->settings.owner_ptrs;
	config.nowners = hook->settings.nowners;
	config.max_commits = hook->settings.max_commits;
	config.max_tree_entries = hook->settings.max_tree_entries;
	config.max_denials = hook->settings.max_denials;
	config.workers = hook->settings.workers;
	/* SPEC 4: a skipList would let git's fsck wave through trees */
	config.no_fast_path = hook->settings.fsck_skiplist;
	config.match_limit = hook->settings.match_limit;
	config.attest_new = hook_attest_new(hook);
	config.banned = hook_is_banned;
	config.banned_payload = hook;
	clock_gettime(CLOCK_MONOTONIC, &config.deadline);
	config.deadline.tv_sec += hook->settings.timeout;
	if (judge_new(&hook->judge, hook->repo, hook->policy,
		      hook->policy_error[0] ? hook->policy_error : NULL,
		      &config, err) < 0)
		return -1;
	if (!hook->have_policy) {
		/* the owner's first policy: nothing to judge it by but itself */
		const struct hook_command *c = &hook->commands[0];

		if (judge_policy(hook->judge, hook->user, &c->old, &c->new,
				 err) < 0)
			return -1;
		hook->judged = 1;
		return 0;
	}
	for (i = 0; i < hook->ncommands; i++) {
		const struct hook_command *c = &hook->commands[i];

		if (judge_command(hook->judge, hook->user, &c->old, &c->new,
				  c->ref, err) < 0)
			return -1;
		hook->judged++;
	}
	return 0;
}

static int hook_mkdir(const char *path, struct err *err)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_set(err, "cannot create '%s': %s", path,
			       strerror(errno));
	return 0;
}

/* Forget accepted certificates older than max(2 x slop, 60 s) (SPEC 2). */
static void hook_expire_records(const char *dir, unsigned slop)
{
	time_t keep = 2 * (time_t)slop > 60 ? 2 * (time_t)slop : 60;
	time_t now = time(NULL);
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (now - st.st_mtime > keep)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/*
 * The record's name: SHA-256 of the signed payload.  Not the certificate's
 * blob id, as SPEC 2 has it: the pusher chooses the blob, and the same
 * signature re-armored (a Comment: header, another packet header format,
 * no checksum line) is a new blob that verifies just as well.  The payload
 * holds the nonce, the pusher's timestamp and the commands, and only the
 * signer can make another one (docs/design.md).
 */
static void hook_record_name(char out[2 * SHA256_DIGEST_SIZE + 1],
			     const struct cert *cert)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, cert->payload_len,
		      (const uint8_t *)cert->payload);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * SHA256_DIGEST_SIZE] = '\0';
}

/*
 * A nonce is valid for every session within its window, so remember each
 * accepted certificate and never accept it twice (SPEC 2).  The record is
 * made last, after every other check, in the repository's own directory.
 */
static int hook_record_cert(struct hook *hook, struct err *err)
{
	char dir[4300], path[4400], name[2 * SHA256_DIGEST_SIZE + 1];
	int fd;

	snprintf(dir, sizeof(dir), "%s/accepted-certs", hook->dir);
	if (hook_mkdir(hook->dir, err) < 0 || hook_mkdir(dir, err) < 0)
		return -1;
	hook_record_name(name, hook->cert);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 && errno == EEXIST)
		return err_set(err, "this push certificate was already "
				    "used: push again with 'git push "
				    "--signed'");
	if (fd < 0)
		return err_set(err, "cannot record the push certificate: %s",
			       strerror(errno));
	close(fd);
	return 0;
}

static void hook_print_error(const struct err *err)
{
	struct buf line = BUF_INIT;

	if (buf_puts(&line, "error: ") == 0 &&
	    quote_controls(&line, err->msg, strlen(err->msg)) == 0)
		fprintf(stderr, "%s\n", buf_cstr(&line));
	else
		fputs("error: out of memory\n", stderr);
	buf_dispose(&line);
}

/*
 * gpgme runs `gpg --version` before its first context, a third of a
 * signed push's hook (docs/performance.md), and has no way to be told the
 * version instead.  It keeps the answer for the process, so asking in a
 * thread of its own at the start lets that run beside opening the
 * repository and loading the policy.  The probe only fills gpgme's engine
 * list (under gpgme's lock: a context made meanwhile waits for it); it is
 * joined before identification, the first code that changes the
 * environment (GNUPGHOME), which the probe's fork reads.  Failures are
 * gpgme's to report, later, as without the thread.
 */
struct hook_probe {
	pthread_t thread;
	bool running;
};

static void *hook_probe_run(void *unused)
{
	gpgme_engine_info_t info;

	(void)unused;
	gpgme_get_engine_info(&info);
	return NULL;
}

static void hook_probe_start(struct hook_probe *probe)
{
	gpgme_check_version(NULL);
	/* no certificate, no gpg: the push is refused before identity */
	probe->running = getenv("GIT_PUSH_CERT") != NULL &&
			 pthread_create(&probe->thread, NULL, hook_probe_run,
					NULL) == 0;
}

static void hook_probe_wait(struct hook_probe *probe)
{
	if (probe->running)
		pthread_join(probe->thread, NULL);
	probe->running = false;
}

int main(void)
{
	struct hook hook;
	struct hook_probe probe;
	struct err err = {""};
	int status = 1;	/* reject unless proven otherwise */

	memset(&hook, 0, sizeof(hook));
	/*
	 * Before gpgme's first call: without this it runs gpgconf three
	 * times and gpgsm once to fill in engines the hook never uses (20 ms
	 * a push); gpg is then found on the server's PATH, as gpgconf was.
	 */
	gpgme_set_global_flag("disable-gpgconf", "1");
	/* libgcrypt wants its set-up in the main thread, before any other */
	if (backsig_init(&err) < 0) {
		hook_print_error(&err);
		return 1;
	}
	hook_probe_start(&probe);
	if (git_libgit2_init() < 0) {
		fputs("error: cannot initialize libgit2\n", stderr);
		hook_probe_wait(&probe);
		return 1;
	}
	if (hook_open(&hook, &err) < 0) {
		hook_print_error(&err);
		goto done;
	}
	/* each run forgets what is old, accepted or not (SPEC 2) */
	{
		char dir[4300];

		snprintf(dir, sizeof(dir), "%s/accepted-certs", hook.dir);
		hook_expire_records(dir, hook.settings.nonce_slop);
	}
	if (hook_check_cert(&hook, &err) < 0 ||
	    hook_load_policy(&hook, &err) < 0) {
		hook_print_error(&err);
		goto done;
	}
	hook_probe_wait(&probe);
	if (hook_identify(&hook, &err) < 0) {
		hook_print_error(&err);
		goto done;
	}
	if (hook_judge(&hook, &err) < 0) {
		hook_print_error(&err);
		goto done;
	}
	if (judge_denials(hook.judge) > 0) {
		judge_report(hook.judge, stderr);
		goto done;
	}
	/* every command read must have been judged, or nothing is proven */
	if ((hook.judged != (hook.have_policy ? hook.ncommands : 1) &&
	     err_set(&err, "not every ref update was judged") < 0) ||
	    hook_record_cert(&hook, &err) < 0) {
		hook_print_error(&err);
		goto done;
	}
	status = 0;
done:
	hook_probe_wait(&probe);
	if (LEAVE_FREES) {
		hook_dispose(&hook);
		git_libgit2_shutdown();
	}
	return status;
}
