/* mr_ci: git mr ci: the CI bot of SPEC 8, a client of the data branch */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../apps/merge-reqs/revs.h"
#include "mr.h"
#include "mr_ci.h"
#include "mr_git.h"
#include "mr_export.h"
#include "mr_sandbox.h"

static bool ci_once, ci_loop, ci_accept_risk;
static const char *ci_interval, *ci_command, *ci_timeout, *ci_max_output,
	*ci_memory, *ci_bwrap, *ci_max_export;

static const struct cli_opt ci_opts[] = {
	{"once", 0, CLI_OPT_FLAG, &ci_once, NULL,
	 "test every revision without a result, then exit (the default)"},
	{"loop", 0, CLI_OPT_FLAG, &ci_loop, NULL,
	 "keep doing that, every --interval seconds"},
	{"interval", 0, CLI_OPT_STRING, &ci_interval, "<seconds>",
	 "the pause between rounds of --loop (default 60)"},
	{"command", 0, CLI_OPT_STRING, &ci_command, "<command>",
	 "the test, run by sh -c in the revision's files (mr.ci.command)"},
	{"timeout", 0, CLI_OPT_STRING, &ci_timeout, "<seconds>",
	 "the time limit of one test (mr.ci.timeout, default 600)"},
	{"max-output", 0, CLI_OPT_STRING, &ci_max_output, "<bytes>",
	 "kill a test that prints more (mr.ci.maxOutput, default 10485760)"},
	{"max-export", 0, CLI_OPT_STRING, &ci_max_export, "<bytes>",
	 "refuse a revision whose files are larger (mr.ci.maxExport, 1 GiB)"},
	{"memory", 0, CLI_OPT_STRING, &ci_memory, "<MiB>",
	 "its address space limit (mr.ci.memory, default 4096)"},
	{"bwrap", 0, CLI_OPT_STRING, &ci_bwrap, "<program>",
	 "the bubblewrap program (mr.ci.bwrap, default bwrap)"},
	{"accept-no-sandbox", 0, CLI_OPT_FLAG, &ci_accept_risk, NULL,
	 "run revision code WITHOUT a sandbox where bubblewrap cannot run"},
};

static const struct cli_command ci_cmd = {
	"git mr ci [--once | --loop [--interval <seconds>]] "
	"[--command <command>] [--timeout <seconds>] [--max-output <bytes>] "
	"[--max-export <bytes>] [--memory <MiB>] [--bwrap <program>] "
	"[--accept-no-sandbox]",
	"the CI bot: test every revision that has no result of ours yet, in "
	"a sandbox, and post each result as a comment with ci-pass/ci-fail",
	ci_opts, sizeof(ci_opts) / sizeof(ci_opts[0]),
};

/* The result file is the bot's comment numbered like the revision. */
#define CI_LOG_TAIL 16384u

struct ci_settings {
	char *command, *bwrap;	/* bwrap NULL: no sandbox (accepted) */
	struct sandbox_limits limits;
	size_t max_export;	/* bytes of the revision's exported files */
	int not_applicable_exit;	/* the command's "nothing to test" */
	unsigned interval;
};

static volatile sig_atomic_t ci_stop;

static void ci_on_signal(int sig)
{
	(void)sig;
	ci_stop = 1;
}

/* An option, else git config key, else def; a positive number. */
static int ci_number(const char *opt, const char *key, unsigned long long def,
		     unsigned long long max, unsigned long long *out)
{
	struct buf value = BUF_INIT;
	struct err err = {{0}};
	const char *text = opt;
	char *end;
	int found = 0;

	*out = def;
	if (text == NULL) {
		if ((found = mr_git_config(key, 0, &value, &err)) < 0)
			return cli_fatal("%s", err.msg);
		text = found ? buf_cstr(&value) : NULL;
	}
	if (text != NULL) {
		errno = 0;
		*out = strtoull(text, &end, 10);
		if (errno || end == text || *end || *out == 0 || *out > max) {
			/* text may be value's: print before disposing it */
			int status = cli_fatal("%s wants a number from 1 to "
					       "%llu, not '%s'",
					       key, max, text);

			buf_dispose(&value);
			return status;
		}
	}
	buf_dispose(&value);
	return 0;
}

static int ci_string(const char *opt, const char *key, const char *def,
		     char **out)
{
	struct buf value = BUF_INIT;
	struct err err = {{0}};
	int found;

	if (opt != NULL) {
		*out = strdup(opt);
		return 0;
	}
	if ((found = mr_git_config(key, 0, &value, &err)) < 0)
		return cli_fatal("%s", err.msg);
	*out = found ? buf_detach(&value) : def ? strdup(def) : NULL;
	buf_dispose(&value);
	return 0;
}

static int ci_settings_read(struct ci_settings *s)
{
	unsigned long long timeout, output, memory, interval, export_max,
		not_applicable;
	int status;

	memset(s, 0, sizeof(*s));
	if ((status = ci_string(ci_command, "mr.ci.command", NULL,
				&s->command)) ||
	    (status = ci_string(ci_bwrap, "mr.ci.bwrap", "bwrap", &s->bwrap)) ||
	    (status = ci_number(ci_timeout, "mr.ci.timeout", 600, 86400,
				&timeout)) ||
	    (status = ci_number(ci_max_output, "mr.ci.maxOutput",
				10ull << 20, 1ull << 34, &output)) ||
	    (status = ci_number(ci_memory, "mr.ci.memory", 4096, 1ull << 20,
				&memory)) ||
	    (status = ci_number(ci_interval, "mr.ci.interval", 60, 86400,
				&interval)) ||
	    (status = ci_number(ci_max_export, "mr.ci.maxExport", 1ull << 30,
				1ull << 40, &export_max)) ||
	    (status = ci_number(NULL, "mr.ci.notApplicableExit", 77, 255,
				&not_applicable)))
		return status;
	if (s->command == NULL || !*s->command)
		return cli_fatal("no test command: set mr.ci.command or use "
				 "--command");
	s->limits.timeout = (unsigned)timeout;
	s->limits.max_output = (size_t)output;
	s->limits.memory = (size_t)(memory << 20);
	s->limits.tail = CI_LOG_TAIL;
	s->interval = (unsigned)interval;
	s->max_export = (size_t)export_max;
	s->not_applicable_exit = (int)not_applicable;
	return 0;
}

static void ci_settings_free(struct ci_settings *s)
{
	free(s->command);
	free(s->bwrap);
}

/*
 * SPEC 8: probe once; without a sandbox, refuse unless the risk was
 * accepted, and then say so on every run.
 */
static int ci_sandbox(struct ci_settings *s)
{
	struct err err = {{0}};

	if (sandbox_probe(s->bwrap, &err) == 0)
		return 0;
	if (!ci_accept_risk)
		return cli_fatal("cannot sandbox revision code here (%s); "
				 "refusing to run it.  --accept-no-sandbox "
				 "runs it unsandboxed, with your files, keys "
				 "and network in reach",
				 err.msg);
	fprintf(stderr, "warning: no sandbox (%s): revision code runs "
			"UNSANDBOXED, as you, because --accept-no-sandbox "
			"was given\n",
		err.msg);
	free(s->bwrap);
	s->bwrap = NULL;
	return 0;
}

/* Parse "<user>/<n>-v<k>" after refs/apps/merge-reqs/. */
static bool ci_parse_ref(const char *name, struct ci_pending *p)
{
	return revs_parse_ref(name, &p->id, &p->k);
}

static int ci_pending_cmp(const void *a, const void *b)
{
	const struct ci_pending *x = a, *y = b;
	int c = strcmp(x->id.user, y->id.user);

	if (c)
		return c;
	if (x->id.n != y->id.n)
		return x->id.n < y->id.n ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static int ci_turn_cmp(const void *a, const void *b)
{
	const struct ci_pending *x = a, *y = b;

	if (x->turn != y->turn)
		return x->turn < y->turn ? -1 : 1;
	return ci_pending_cmp(a, b);
}

/* Every revision of an existing request without a result of ours. */
static int ci_find(struct mr_ctx *ctx, struct ci_pending **out, size_t *count)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	struct store store;
	struct err err = {{0}};
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (store_open(&store, ctx->repo, ctx->has_data ? &ctx->data : NULL,
		       NULL, &err) < 0)
		return cli_fatal("%s", err.msg);
	if (git_reference_iterator_glob_new(&it, ctx->repo,
					    "refs/apps/merge-reqs/*") < 0) {
		store_close(&store);
		return mr_git_error("cannot list the revision tags");
	}
	while ((rc = git_reference_next(&ref, it)) == 0) {
		struct ci_pending p;
		struct request req;
		git_tag *tag = NULL;
		const char *name = git_reference_name(ref) +
				   strlen("refs/apps/merge-reqs/");
		bool keep = ci_parse_ref(name, &p) &&
			    git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
			    git_tag_lookup(&tag, ctx->repo,
					   git_reference_target(ref)) == 0 &&
			    git_tag_target_type(tag) == GIT_OBJECT_COMMIT;

		if (keep) {
			git_oid_cpy(&p.commit, git_tag_target_id(tag));
			/* a tag without its request has nowhere to post */
			keep = store_read(&store, &p.id, 0, &req, &err) == 0;
			/* SPEC 8: nobody waits for a closed or merged one */
			if (keep) {
				keep = strcmp(request_state(&req), "open") == 0;
				request_dispose(&req);
			}
			keep = keep && !ci_has_result(&store, &p, ctx->me);
		}
		git_tag_free(tag);
		git_reference_free(ref);
		if (!keep)
			continue;
		if (*count == alloc) {
			struct ci_pending *more;

			alloc = alloc ? alloc * 2 : 16;
			if ((more = realloc(*out, alloc * sizeof(*more))) ==
			    NULL) {
				rc = -1;
				break;
			}
			*out = more;
		}
		(*out)[(*count)++] = p;
	}
	git_reference_iterator_free(it);
	store_close(&store);
	if (rc != GIT_ITEROVER) {
		free(*out);
		*out = NULL;
		*count = 0;
		return cli_fatal("cannot list the revision tags");
	}
	if (*count > 1) {	/* *out is NULL when nothing waits */
		size_t i;

		qsort(*out, *count, sizeof(**out), ci_pending_cmp);
		/*
		 * Authors take turns: everyone's first untested revision,
		 * then everyone's second, so that one author's pile of tags
		 * does not hold everyone else's tests back.
		 */
		for (i = 0; i < *count; i++)
			(*out)[i].turn =
				i > 0 && strcmp((*out)[i].id.user,
						(*out)[i - 1].id.user) == 0
					? (*out)[i - 1].turn + 1
					: 0;
		qsort(*out, *count, sizeof(**out), ci_turn_cmp);
	}
	return 0;
}

/*
 * The sandbox's outcome as a result.  The not-applicable exit status is
 * the command saying it had nothing to test (automake's SKIP is 77): no
 * label, no attestation, so a required ci-pass still blocks (SPEC 8).
 */
static enum ci_result ci_outcome(const struct ci_settings *s,
				 const struct sandbox_result *run)
{
	switch (run->outcome) {
	case SANDBOX_PASS:
		return CI_PASS;
	case SANDBOX_FAIL:
		return run->exit_status == s->not_applicable_exit
			       ? CI_NOT_APPLICABLE
			       : CI_FAIL;
	case SANDBOX_TIMEOUT:
		return CI_TIMEOUT;
	case SANDBOX_ERROR:
		break;
	}
	return CI_ERROR;
}

/* Test one revision and post its result. */
static int ci_test(struct mr_ctx *ctx, const struct ci_settings *s,
		   const struct ci_pending *p, bool may_attest)
{
	struct sandbox_result run;
	struct buf body = BUF_INIT;
	struct err err = {{0}};
	enum ci_result result;
	char tmp[4096], dir[4200];
	const char *skipped;
	int status;

	memset(&run, 0, sizeof(run));
	if (!s->bwrap)
		fprintf(stderr, "warning: testing without a sandbox "
				"(--accept-no-sandbox)\n");
	printf("testing revision %lu of ", p->k);
	mr_print_id(stdout, &p->id);
	printf(" (%s)\n", git_oid_tostr_s(&p->commit));
	if (sandbox_mkdtemp(tmp, sizeof(tmp), "git-mr-ci", &err) < 0)
		return cli_fatal("%s", err.msg);
	snprintf(dir, sizeof(dir), "%s/src", tmp);
	if (mkdir(dir, 0700) < 0) {
		sandbox_remove(tmp);
		return cli_fatal("cannot make %s: %s", dir, strerror(errno));
	}
	if (export_revision(ctx->repo, &p->commit, tmp, dir, s->max_export,
			    s->limits.timeout, &run.log, run.why,
			    sizeof(run.why)) < 0) {
		run.outcome = SANDBOX_ERROR;
	} else if (sandbox_run(s->bwrap, dir, s->command, &s->limits, &run,
			       &err) < 0) {
		run.outcome = SANDBOX_ERROR;
		snprintf(run.why, sizeof(run.why), "%.150s", err.msg);
	}
	sandbox_remove(tmp);
	result = ci_outcome(s, &run);
	if (run.printed == 0)
		buf_printf(&body, "%s (%s): %s, no output\n",
			   ci_result_name(result),
			   s->bwrap ? "sandboxed" : "NOT sandboxed", run.why);
	else
		buf_printf(&body, "%s (%s): %s, %zu bytes of output%s\n\n%s",
			   ci_result_name(result),
			   s->bwrap ? "sandboxed" : "NOT sandboxed", run.why,
			   run.printed,
			   run.printed > run.log.len ? "; the end of it:" : ":",
			   buf_cstr(&run.log));
	buf_dispose(&run.log);
	if ((status = ci_post(ctx, p, result, buf_cstr(&body), may_attest,
			      &skipped)) == 0)
		printf("  %s: %s\n", ci_result_name(result),
		       skipped ? skipped : "posted");
	buf_dispose(&body);
	return status;
}

static int ci_round(struct mr_ctx *ctx, const struct ci_settings *s)
{
	struct ci_pending *pending = NULL;
	struct mr_roles roles;
	size_t i, count = 0;
	bool member, may_attest = false;
	int status;

	if ((status = mr_fetch(ctx, true)) != 0)
		return status;
	mr_roles_load(ctx, &roles);
	member = roles.policy &&
		 policy_in_group(roles.policy, ctx->me, false, "ci");
	if (member)
		status = ci_may_attest(ctx, roles.policy, &may_attest);
	mr_roles_free(&roles);
	mr_warnings_flush(ctx);
	if (!member)
		return cli_fatal("%.16s is not in the ci group of " POLICY_REF
				 ": its results would count for nothing",
				 ctx->me);
	if (status != 0)
		return status;
	/* said every round, as the policy may change between them */
	if (!may_attest)
		fprintf(stderr, "warning: " POLICY_REF " does not let %.16s "
				"write ci-pass on " ATTEST_REF ": passes are "
				"posted unattested, and count for no "
				"requirement\n",
			ctx->me);
	if ((status = ci_find(ctx, &pending, &count)) != 0)
		return status;
	/* one revision that cannot be posted does not starve the rest */
	for (i = 0; i < count && !ci_stop; i++)
		if (ci_test(ctx, s, &pending[i], may_attest) != 0)
			status = CLI_EXIT_FATAL;
	if (count == 0)
		printf("no revision waits for a result\n");
	free(pending);
	return status;
}

int cmd_mr_ci(int argc, char **argv)
{
	struct ci_settings settings;
	struct mr_ctx ctx;
	int nargs, status;

	if ((status = cli_parse(&ci_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 0 || (ci_once && ci_loop)) {
		cli_usage(stderr, &ci_cmd);
		return CLI_EXIT_USAGE;
	}
	memset(&settings, 0, sizeof(settings));
	if ((status = mr_open(&ctx, NULL)) != 0 ||
	    (status = ci_settings_read(&settings)) != 0 ||
	    (status = mr_whoami(&ctx)) != 0 ||
	    (status = ci_sandbox(&settings)) != 0)
		goto done;
	signal(SIGINT, ci_on_signal);
	signal(SIGTERM, ci_on_signal);
	for (;;) {
		status = ci_round(&ctx, &settings);
		if (!ci_loop || ci_stop)
			break;
		/* a failed round (the remote away) is retried next time */
		for (unsigned t = 0; t < settings.interval && !ci_stop; t++)
			sleep(1);
		if (ci_stop)
			break;
		if (!settings.bwrap)
			fprintf(stderr, "warning: no sandbox: revision code "
					"runs UNSANDBOXED (--accept-no-sandbox)\n");
	}
done:
	ci_settings_free(&settings);
	mr_close(&ctx);
	return status;
}
