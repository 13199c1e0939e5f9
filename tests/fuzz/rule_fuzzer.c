/* rule_fuzzer: refs/ and branches/ rule files, alone and as a policy */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../policy/diag.h"
#include "../../policy/policy.h"
#include "../../policy/rule.h"

/*
 * The input is one rule file.  It is parsed on its own as a refs/ file and
 * as a branches/ file, then loaded as part of a small policy; when that
 * policy loads, a few questions are put to policy_check().  The parsers
 * take (pointer, length) and the input is passed as libFuzzer gives it, not
 * NUL-terminated, so that reading one byte too far is caught by ASan.
 */

#define FUZZ_OWNER "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define FUZZ_MEMBER "0123456789ABCDEF0123456789ABCDEF01234567"
#define FUZZ_STRANGER "FEDCBA9876543210FEDCBA9876543210FEDCBA98"

/* A match limit far below the default, so that slow patterns stay quick. */
#define FUZZ_MATCH_LIMIT 100000u

static const char fuzz_groups[] = "[maintainers]\n"
				  "member = " FUZZ_MEMBER "\n"
				  "member = @release\n"
				  "[release]\n"
				  "member = @owner\n"
				  "[ci]\n";

static const char fuzz_refs[] =
	"owner create-branch,create-tag,fast-forward,force,delete .*\n"
	"maintainers fast-forward heads/.*\n";

struct fuzz_question {
	const char *ref;
	enum op op;
	const char *path;	/* NULL: the input itself (tree ops) */
};

static const struct fuzz_question fuzz_questions[] = {
	{"refs/heads/main", OP_FAST_FORWARD, ""},
	{"refs/tags/v1.0", OP_CREATE_TAG, ""},
	{"refs/replace/0123", OP_CREATE_BRANCH, ""},
	{"refs/heads/main", OP_CREATE_FILE, "src/main.c"},
	{"refs/heads/main", OP_MODIFY, NULL},
	{"refs/apps/access-control", OP_CREATE_FILE,
	 "keys/" FUZZ_MEMBER ".asc"},
	{"refs/apps/merge-reqs/data", OP_CREATE_DIRECTORY,
	 "merge-reqs/" FUZZ_MEMBER "/1"},
	{"refs/apps/merge-reqs/data", OP_CREATE_SYMLINK, NULL},
	{"refs/apps/merge-reqs/" FUZZ_MEMBER "/1-v1", OP_DELETE_FILE, "a/b"},
};

static void fuzz_parse(const uint8_t *data, size_t size, const char *file,
		       enum op_kind kind)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct rule_set set;

	rule_set_init(&set);
	rule_parse(&set, file, (const char *)data, size, kind, &diags);
	rule_set_dispose(&set);
	diag_list_dispose(&diags);
}

static void fuzz_ask(struct policy *policy, const uint8_t *data, size_t size)
{
	static const char *const owners[] = {FUZZ_OWNER};
	static const char *const users[] = {FUZZ_OWNER, FUZZ_MEMBER,
					    FUZZ_STRANGER};
	struct policy_verdict verdict;
	struct err err;
	size_t nusers = sizeof(users) / sizeof(users[0]);
	size_t nquestions = sizeof(fuzz_questions) / sizeof(fuzz_questions[0]);
	size_t u, q;
	bool all;

	for (u = 0; u < nusers; u++) {
		for (q = 0; q < nquestions; q++) {
			const struct fuzz_question *fq = &fuzz_questions[q];
			struct policy_request req = {
				.user = users[u],
				.owners = owners,
				.nowners = 1,
				.ref = fq->ref,
				.op = fq->op,
			};

			if (op_kind_of(fq->op) == OP_KIND_TREE) {
				req.path = fq->path ? fq->path
						    : (const char *)data;
				req.path_len = fq->path ? strlen(fq->path)
							: size;
			}
			policy_check(policy, &req, &verdict, &err);
			if (q == 0)
				policy_allows_all_tree_ops(policy, &req, &all,
							   &err);
		}
	}
}

static void fuzz_load(const uint8_t *data, size_t size, const char *file,
		      bool with_refs)
{
	struct policy_file files[] = {
		{"README", "not read", 8},
		{"groups/base.conf", fuzz_groups, sizeof(fuzz_groups) - 1},
		{"keys/" FUZZ_MEMBER ".asc", "", 0},
		{file, (const char *)data, size},
		{"refs/base.conf", fuzz_refs, sizeof(fuzz_refs) - 1},
	};
	struct policy_options opts = {.match_limit = FUZZ_MATCH_LIMIT};
	struct diag_list diags = DIAG_LIST_INIT;
	struct policy *policy = NULL;
	struct buf line = BUF_INIT;
	struct err err;
	size_t i;

	policy_load(&policy, files, with_refs ? 5 : 4, &opts, &diags, &err);
	/* lint prints every diagnostic: format them as it would */
	for (i = 0; i < diags.count; i++) {
		buf_clear(&line);
		diag_format(&line, &diags.items[i]);
	}
	/* a policy that does not load still decides through the built-ins */
	fuzz_ask(policy, data, size);
	buf_dispose(&line);
	policy_free(policy);
	diag_list_dispose(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_parse(data, size, "refs/f.conf", OP_KIND_REF);
	fuzz_parse(data, size, "branches/f.conf", OP_KIND_TREE);
	fuzz_load(data, size, "branches/f.conf", true);
	fuzz_load(data, size, "refs/f.conf", false);
	return 0;
}
