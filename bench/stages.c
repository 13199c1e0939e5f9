/* stages: time the parts of one pre-receive run, in the hook's order */
/*
 * bench/run runs this in a server repository with GIT_DIR and
 * GIT_PUSH_CERT set as receive-pack sets them, and one "<old> <new> <ref>"
 * command as its argument.  With --as <ID> first there is no certificate:
 * only the decision is made (start, policy-load, tree-checks), as the hook
 * makes it for that pusher; bench/run times that whole process against
 * git diff-tree.  It calls the modules the hook is built from, in
 * the hook's order (pre-receive.c: open, policy, certificate, identity,
 * judge), and prints "<stage> <seconds>" per stage.  The figures are what
 * the hook spends there; the glue (stdin, replay record) is left out.
 * gpg-setup is the first gpgme context of the process (gpgme asks gpg for
 * its version and directories once); verify is keyring_identify() with
 * the keyring cached, as on every push after a key's first; verify-cold
 * builds the keyring in a fresh cache directory first.
 */
#include <git2.h>
#include <gpgme.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/leave.h"
#include "../adapters/cert.h"
#include "../adapters/gpghome.h"
#include "../hooks/judge.h"
#include "../adapters/keyring.h"
#include "../adapters/packodb.h"
#include "../adapters/policyref.h"
#include "../hooks/settings.h"
#include "../policy/keypath.h"
#include "../policy/policy.h"
#include "../policy/userid.h"

/* As the hook does (pre-receive.c): no CA bundle, no gpgconf. */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

static double stages_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double stages_t0;

static void stages_mark(const char *name)
{
	double t = stages_now();

	printf("%s %.6f\n", name, t - stages_t0);
	stages_t0 = t;
}

static int stages_fail(const char *what, const struct err *err)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "stages: %s: %s\n", what,
		err && err->msg[0] ? err->msg
		: e && e->message  ? e->message
				   : "failed");
	return 1;
}

/*
 * The key files of the policy (either layout, SPEC 2), as the hook hands
 * them to the keyring.
 */
static size_t stages_keys(struct keyring_key *keys, char (*blobs)[41],
			  char (*ids)[41], const struct policyref *files)
{
	size_t i, n = 0;

	for (i = 0; i < files->count; i++) {
		const char *path = files->files[i].path;
		enum keypath_kind kind = keypath_parse(path, strlen(path),
						       ids[n]);

		if (kind != KEYPATH_FANOUT && kind != KEYPATH_FLAT)
			continue;
		git_oid_tostr(blobs[n], 41, &files->ids[i]);
		keys[n].id = ids[n];
		keys[n].blob_id = blobs[n];
		keys[n].data = files->files[i].data;
		keys[n].len = files->files[i].len;
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	git_repository *repo = NULL;
	struct settings settings;
	struct policyref *files = NULL;
	struct policy *policy = NULL;
	struct diag_list diags = DIAG_LIST_INIT;
	struct policy_options popts = {0};
	struct cert *cert = NULL;
	git_blob *blob = NULL;
	git_oid policy_commit, cert_id, old, new;
	struct keyring_key *keys = NULL;
	char (*blobs)[41] = NULL, (*ids)[41] = NULL;
	char user[41], home[4096], cache[4096], ref[4096];
	struct keyring_options kopts = {NULL, NULL};
	enum keyring_result result;
	struct judge_config config = {0};
	struct judge *judge = NULL;
	gpgme_ctx_t ctx = NULL;
	struct err err = {""};
	const char *as = NULL;
	size_t nkeys;
	int status = 1;

	if (argc == 4 && strcmp(argv[1], "--as") == 0 &&
	    userid_is_valid(argv[2], strlen(argv[2]))) {
		as = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || strlen(argv[1]) < 83 ||
	    git_oid_fromstrn(&old, argv[1], 40) < 0 ||
	    git_oid_fromstrn(&new, argv[1] + 41, 40) < 0) {
		fputs("usage: stages [--as <ID>] '<old> <new> <ref>'\n",
		      stderr);
		return 129;
	}
	snprintf(ref, sizeof(ref), "%s", argv[1] + 82);
	stages_t0 = stages_now();
	gpgme_set_global_flag("disable-gpgconf", "1");
	git_libgit2_init();
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) < 0 ||
	    packodb_install(repo, &err) < 0 ||
	    settings_read(&settings, repo, true, &err) < 0) {
		status = stages_fail("open", &err);
		goto done;
	}
	stages_mark("start");

	popts.match_limit = settings.match_limit;
	if (git_reference_name_to_id(&policy_commit, repo, POLICY_REF) < 0 ||
	    policyref_read(&files, repo, &policy_commit, &diags, &err) < 0 ||
	    policy_load(&policy, files->files, files->count, &popts, &diags,
			&err) < 0) {
		status = stages_fail("policy", &err);
		goto done;
	}
	stages_mark("policy-load");
	if (as != NULL) {
		snprintf(user, sizeof(user), "%s", as);
		goto judge;
	}

	if (getenv("GIT_PUSH_CERT") == NULL ||
	    git_oid_fromstr(&cert_id, getenv("GIT_PUSH_CERT")) < 0 ||
	    git_blob_lookup(&blob, repo, &cert_id) < 0 ||
	    cert_parse(&cert, git_blob_rawcontent(blob),
		       (size_t)git_blob_rawsize(blob), &err) < 0) {
		status = stages_fail("certificate", &err);
		goto done;
	}
	stages_mark("cert-parse");

	snprintf(home, sizeof(home), "%sgitapps/keyrings",
		 git_repository_commondir(repo));
	if (gpghome_ctx(&ctx, home, &err) < 0) {
		status = stages_fail("gpg", &err);
		goto done;
	}
	gpgme_release(ctx);
	stages_mark("gpg-setup");

	{
		struct keyring_signature sig = {
			cert->issuer_fpr,
			cert->issuer_keyid,
			cert->payload,
			cert->payload_len,
			(const char *)cert->sig_packet,
			cert->sig_packet_len,
		};

		if ((keys = calloc(files->count + 1, sizeof(*keys))) == NULL ||
		    (blobs = calloc(files->count + 1, sizeof(*blobs))) ==
			    NULL ||
		    (ids = calloc(files->count + 1, sizeof(*ids))) == NULL) {
			fputs("stages: out of memory\n", stderr);
			goto done;
		}
		nkeys = stages_keys(keys, blobs, ids, files);
		kopts.cache_dir = home;
		if (keyring_identify(&result, user, keys, nkeys, &sig, &kopts,
				     &err) < 0 ||
		    result != KEYRING_IDENTIFIED) {
			status = stages_fail("verify", &err);
			goto done;
		}
		stages_mark("verify");

		snprintf(cache, sizeof(cache), "%sgitapps/bench-keyrings.XXXXXX",
			 git_repository_commondir(repo));
		if (mkdtemp(cache) == NULL) {
			fputs("stages: cannot make a cache\n", stderr);
			goto done;
		}
		stages_t0 = stages_now();
		kopts.cache_dir = cache;
		if (keyring_identify(&result, user, keys, nkeys, &sig, &kopts,
				     &err) < 0 ||
		    result != KEYRING_IDENTIFIED) {
			status = stages_fail("verify-cold", &err);
			goto done;
		}
		stages_mark("verify-cold");
		gpghome_remove(cache);
		stages_t0 = stages_now();
	}

judge:
	config.owners = settings.owner_ptrs;
	config.nowners = settings.nowners;
	config.max_commits = settings.max_commits;
	config.max_tree_entries = settings.max_tree_entries;
	config.max_denials = settings.max_denials;
	config.workers = settings.workers;
	config.match_limit = settings.match_limit;
	clock_gettime(CLOCK_MONOTONIC, &config.deadline);
	config.deadline.tv_sec += settings.timeout;
	if (judge_new(&judge, repo, policy, NULL, &config, &err) < 0 ||
	    judge_command(judge, user, &old, &new, ref, &err) < 0 ||
	    judge_denials(judge) != 0) {
		if (judge != NULL)
			judge_report(judge, stderr);
		status = stages_fail("judge", &err);
		goto done;
	}
	stages_mark("tree-checks");
	status = 0;
done:
	/* as the hook: memory is left to the kernel (common/leave.h) */
	if (!LEAVE_FREES)
		return status;
	judge_free(judge);
	free(keys);
	free(blobs);
	free(ids);
	cert_free(cert);
	git_blob_free(blob);
	policy_free(policy);
	policyref_free(files);
	diag_list_dispose(&diags);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return status;
}
