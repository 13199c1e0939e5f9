/* policy: load a policy's files, and policy_check(), the one decision */
#ifndef POLICY_POLICY_H
#define POLICY_POLICY_H

/*
 * The policy engine is a pure library: no git, no gpg, no file I/O.  Its
 * caller reads the files of a commit of refs/apps/access-control (see
 * adapters/policyref.h) and hands over names and contents; per decision it
 * passes the pusher's id and the owners' ids.  The hook, `git acl check`
 * and `git acl explain` and any offline auditor all decide through
 * policy_check(), so they cannot disagree.
 *
 * Three outcomes are kept apart: allowed and denied are a verdict (return
 * 0); an error (a regex over its match limit, bad input, no memory) is a
 * negative return, and callers must treat it as a rejection.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "diag.h"
#include "op.h"

/* SPEC 4: a longer path is denied. */
#define POLICY_PATH_MAX 4096u

/* How many consulted files/sections a verdict lists. */
#define POLICY_VERDICT_SCOPES 8

/* The one ref whose repair is the owner's built-in right (SPEC 5). */
#define POLICY_REF "refs/apps/access-control"

struct policy;

/* One file of the policy tree, e.g. {"refs/owner.conf", data, len}. */
struct policy_file {
	const char *path;
	const char *data;	/* may hold any byte; NUL is an error */
	size_t len;
};

struct policy_options {
	uint32_t match_limit;	/* gitapps.regexMatchLimit; 0: the default */
	/*
	 * Skip the checks that only warn (lint): the hook loads a policy
	 * on every push and prints no warning, and some lints ask the
	 * policy many questions.  Errors are found all the same.
	 */
	bool no_lint;
};

/*
 * Load a policy from its files: refs/<name>.conf, branches/<name>.conf,
 * groups/<name>.conf, keys/<aa>/<ID>.asc or the older keys/<ID>.asc (only
 * their names are used here: both for one id is an error, the flat one a
 * warning), banned/<ID> (a banned id is in no group) and top-level files
 * (ignored).  Any other name is an error.  Every problem
 * is appended to diags (errors, and warnings for rules that can never
 * apply); the whole list, the caller's entries too, ends up sorted by file
 * and line.  opts may be NULL.
 *
 * Returns 0 and a policy the caller frees with policy_free(), or -1 when
 * diags holds any error (including ones the caller added before) or
 * memory ran out; err then has the first problem as `file:line: message`.
 * A policy with an error never loads.
 */
int policy_load(struct policy **out, const struct policy_file *files,
		size_t nfiles, const struct policy_options *opts,
		struct diag_list *diags, struct err *err);

void policy_free(struct policy *policy);

/* One question: may user do op on ref (and, for a tree op, at path)? */
struct policy_request {
	const char *user;		/* the pusher: 40 upper-case hex */
	const char *const *owners;	/* gitapps.owner values */
	size_t nowners;
	const char *ref;		/* full name: "refs/heads/main" */
	enum op op;			/* exactly one op */
	const char *path;		/* tree ops: raw bytes, no NUL needed */
	size_t path_len;
};

/* A file, or a [section] of a branches/ file, that was looked at. */
struct policy_scope {
	const char *file;
	unsigned line;		/* of the section line; 0: unsectioned */
	const char *section;	/* the section pattern, or NULL */
};

struct policy_verdict {
	bool allowed;
	/* allowed by a rule: where it is, and its pattern */
	const char *file;
	unsigned line;
	const char *pattern;
	/* decided by a built-in right or prohibition instead (file NULL) */
	const char *builtin;
	/* denied by no rule: the files/sections consulted for this ref */
	struct policy_scope scopes[POLICY_VERDICT_SCOPES];
	size_t nscopes;		/* how many of scopes are filled */
	size_t scopes_total;	/* how many there were in all */
};

/*
 * The decision.  Fills *verdict and returns 0 when it decided (allowed or
 * denied; see verdict->allowed), or returns -1 with err set when it could
 * not (an invalid user id, ref or op, a regex that hit its match limit).
 *
 * policy may be NULL for a policy that does not load: then only the
 * built-ins decide (the owner's fast-forward, force and tree ops on
 * refs/apps/access-control) and everything else is denied.
 *
 * The built-ins, before any rule (SPEC 5): nobody may delete
 * refs/apps/access-control; only an owner may force it; an owner may always
 * fast-forward it and do every tree op on it.  Ref rules reach a ref under
 * refs/replace/ only when their pattern starts with `replace/` (SPEC 3).
 * Tree rules before any section reach only refs outside refs/apps/.
 *
 * The policy caches per pusher (group memberships, $user_id patterns) and
 * per ref (which sections apply), so asking many paths for one pusher and
 * ref in a row is cheap.  Not safe to call from two threads at once.
 */
int policy_check(struct policy *policy, const struct policy_request *request,
		 struct policy_verdict *verdict, struct err *err);

/*
 * The allow-all fast path (SPEC 4): *out is true when, for each of the six
 * tree ops, a rule that reaches this pusher and ref grants it with the
 * pattern `.*` or `^.*$`.  Never true for refs/apps/access-control.
 * request->op and request->path are ignored.  Returns 0, or -1 on error.
 */
int policy_allows_all_tree_ops(struct policy *policy,
			       const struct policy_request *request, bool *out,
			       struct err *err);

/*
 * Base refs (SPEC 4): *out is true when ref (a full name, "refs/heads/main")
 * is matched by some `base REF-REGEX` line of refs/ files, `refs/` removed.
 * Never for a ref outside refs/ or under refs/tags/ or refs/apps/, whatever
 * the pattern, and never when policy is NULL or has no base line (then the
 * caller takes the branch HEAD names: see policy_has_base_lines()).
 * Returns 0, or -1 with err set when a pattern could not decide (its match
 * limit); the caller must then reject, never guess either way.
 */
int policy_is_base_ref(struct policy *policy, const char *ref, bool *out,
		       struct err *err);

/* Whether the policy has any `base` line (NULL: false). */
bool policy_has_base_lines(const struct policy *policy);

/* Whether user is one of the owners. */
bool policy_is_owner(const struct policy_request *request);

/*
 * Whether user has a banned/<ID> in the files the policy was loaded from
 * (SPEC 2).  The hook loads rules without listing banned/ and looks the
 * pusher's ban up by path instead; lint and the apps see every ban.
 */
bool policy_is_banned(const struct policy *policy, const char *user);

/*
 * Whether user (40 upper-case hex) belongs to the group called group,
 * directly, through nested groups or, when is_owner, through @owner.  An
 * unknown group has no members.  Apps use it for the roles SPEC 7 and 8
 * give groups (only `ci` members post CI results).
 */
bool policy_in_group(struct policy *policy, const char *user, bool is_owner,
		     const char *group);

#endif
