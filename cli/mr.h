/* mr: what the git mr subcommands share */
#ifndef CLI_MR_H
#define CLI_MR_H

#include <git2.h>
#include <stdbool.h>
#include <stdio.h>

#include "../apps/attestations/attest.h"
#include "../apps/merge-reqs/names.h"
#include "../apps/merge-reqs/store.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../adapters/policyref.h"
#include "../policy/policy.h"
#include "cli.h"

/* How many times a write is rebuilt on a data branch that moved. */
#define MR_PUBLISH_TRIES 6

struct mr_ctx {
	git_repository *repo;
	const char *remote;	/* NULL until mr_remote() */
	char remote_buf[256];
	bool has_policy, has_data;
	git_oid policy, data;	/* local refs/apps/... as last fetched */
	bool has_attest;
	git_oid attest;		/* local refs/apps/attestations */
	struct names names;
	struct buf warnings;	/* printed by mr_warnings_flush() */
	char me[USERID_LEN + 1];	/* "" until mr_whoami() */
	bool fresh;		/* fetched, and nothing pushed since */
	/*
	 * For a write that pushes more than the data branch (merge moves
	 * its target): after a failed push, whether that other ref moved on
	 * the remote too, so that mr_publish() rebuilds rather than gives
	 * up.  1 moved, 0 not, -1 cannot tell.  NULL: only the data branch.
	 */
	int (*other_moved)(struct mr_ctx *ctx, void *data);
};

/* Open the repository around the current directory and read the local
 * refs/apps/ refs.  Returns 0, or an exit code after printing why. */
int mr_open(struct mr_ctx *ctx, const char *remote);
void mr_close(struct mr_ctx *ctx);

/* The remote: --remote, else mr.remote, else origin (asked once). */
const char *mr_remote(struct mr_ctx *ctx);

/* Re-read the local refs after a fetch. */
int mr_reload(struct mr_ctx *ctx);

/* Print every collected warning as "warning: ..." on stderr. */
void mr_warnings_flush(struct mr_ctx *ctx);

/* Our own user id, from the signing key; 0 or an exit code. */
int mr_whoami(struct mr_ctx *ctx);

/*
 * Resolve "<user>/<n>" (user a fingerprint, a unique prefix of one, or a
 * name or email exactly one key carries) or "<n>" (one of our own) to a
 * request's name.  Returns 0, or an exit code after printing why.
 */
int mr_resolve(struct mr_ctx *ctx, struct store *store, const char *spec,
	       struct store_id *out);

/* Fetch every refs/apps/ ref of the remote to the same name, then
 * mr_reload(). */
int mr_fetch(struct mr_ctx *ctx, bool quiet);

/* One ref a write pushes: <id>:<name>. */
struct mr_push_ref {
	git_oid id;
	char name[256];
};

#define MR_PUSH_REFS_MAX 4

/*
 * Build a write on top of the data branch's tip (store is open on it):
 * fill refs (refs[0] is normally refs/apps/merge-reqs/data) and *nrefs.
 * Returns 0, or an exit code after printing why (no retry then).
 */
typedef int (*mr_build_fn)(struct mr_ctx *ctx, struct store *store,
			   const git_oid *tip, struct mr_push_ref *refs,
			   size_t *nrefs, void *data);

/*
 * Fetch, build, and push everything in one `git push --signed --atomic`.
 * When the push fails and the data branch moved meanwhile (someone else
 * pushed first), fetch and build again, up to MR_PUBLISH_TRIES times; so
 * two people commenting at once both land.  On success the local refs are
 * moved too.  Returns 0, or an exit code after printing git's output.
 */
int mr_publish(struct mr_ctx *ctx, mr_build_fn build, void *data);

/* A committer signature for data-branch commits; 0 or an exit code. */
int mr_signature(git_signature **out);

/*
 * The text of a message: -m's value, -F's file ("-": stdin), or what the
 * user writes in $EDITOR starting from template (lines starting with '#'
 * dropped).  Trailing blank space is trimmed; an empty message is an
 * error.  Returns 0, or an exit code after printing why.
 */
int mr_message(struct buf *out, const char *message, const char *file,
	       const char *template);

/* Print text with control characters escaped. */
void mr_print(FILE *out, const char *text);

/* Print "<16 hex digits>/<n>" for a request. */
void mr_print_id(FILE *out, const struct store_id *id);

/* A target as stored: main, heads/main, refs/heads/main -> heads/main.
 * Returns 0, or -1 with err set for anything not under heads/. */
int mr_target_normalize(struct buf *out, const char *spec, struct err *err);

/* "fatal: <what>: <libgit2 message>"; returns CLI_EXIT_FATAL. */
int mr_git_error(const char *what);

/*
 * The roles the current policy gives (SPEC 7, 8): only members of the ci
 * group post CI results.  The client does not know the server's
 * gitapps.owner, so @owner members count as nobody here.  A policy that
 * does not load gives nobody a role (and a warning).
 */
struct mr_roles {
	struct policyref *files;
	struct policy *policy;
};

void mr_roles_load(struct mr_ctx *ctx, struct mr_roles *roles);
void mr_roles_free(struct mr_roles *roles);
/* Whether rc is a CI result: a Result: header by a ci member. */
bool mr_roles_is_ci(struct mr_roles *roles,
		    const struct request_comment *rc);

/*
 * Before merge pushes: may ref (refs/heads/...) move from old to new under
 * the policy's require rules, by the hook's own decision (gate_check())
 * on the local refs/apps/attestations?  Prints each requirement (missing
 * ones in the hook's words, met ones with who counted); what names the
 * revision for the refusal.  Returns 0 when all are met, CLI_EXIT_FAILED
 * when one is not, or an exit code after printing why it cannot tell.
 */
int mr_gate_check(struct mr_ctx *ctx, const char *ref, const git_oid *old,
		  const git_oid *new, const char *what);

/*
 * For show: the same decision for moving ref from old to new (revision
 * k's commit), as a "gate:" block of met: and missing: lines; nothing
 * when ref has no requirement.  Returns 0, or an exit code after printing
 * why it cannot tell.
 */
int mr_gate_show(struct mr_ctx *ctx, const char *ref, const git_oid *old,
		 const git_oid *new, unsigned long k);

int cmd_mr_init(int argc, char **argv);
int cmd_mr_create(int argc, char **argv);
int cmd_mr_update(int argc, char **argv);
int cmd_mr_comment(int argc, char **argv);
int cmd_mr_label(int argc, char **argv);
int cmd_mr_close(int argc, char **argv);
int cmd_mr_reopen(int argc, char **argv);
int cmd_mr_merge(int argc, char **argv);
int cmd_mr_list(int argc, char **argv);
int cmd_mr_show(int argc, char **argv);
int cmd_mr_diff(int argc, char **argv);
int cmd_mr_checkout(int argc, char **argv);
int cmd_mr_search(int argc, char **argv);
int cmd_mr_fetch(int argc, char **argv);
int cmd_mr_ci(int argc, char **argv);
int cmd_mr_approve(int argc, char **argv);
int cmd_mr_unapprove(int argc, char **argv);

#endif
