/* group_fuzzer: groups/ files through inih, alone and as a policy */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../policy/diag.h"
#include "../../policy/group.h"
#include "../../policy/policy.h"

/*
 * The input is one groups/<name>.conf file.  It is parsed and resolved on
 * its own (memberships asked for afterwards, since cycles must not make
 * them loop), then loaded as part of a policy twice: once with rules that
 * name only built-ins, so that it loads whenever the groups do, and once
 * with rules that name groups the seeds define.  The input is passed as
 * libFuzzer gives it, not NUL-terminated.
 */

#define FUZZ_OWNER "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define FUZZ_MEMBER "0123456789ABCDEF0123456789ABCDEF01234567"

static const char fuzz_builtin_rules[] =
	"anyone create-file,modify,delete docs/.*\n"
	"owner create-directory,create-file .*\n";

static const char fuzz_group_rules[] = "maintainers fast-forward heads/.*\n"
				       "[apps/.*]\n"
				       "maintainers create-file .*\n";

static void fuzz_groups_alone(const uint8_t *data, size_t size)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct group_set set;
	bool *in_group = NULL;

	group_set_init(&set);
	if (group_parse(&set, "groups/f.conf", (const char *)data, size,
			&diags) < 0 ||
	    group_resolve(&set, &diags) < 0)
		goto done;
	group_find(&set, "maintainers", 11);
	if ((in_group = calloc(set.count ? set.count : 1, 1)) == NULL)
		goto done;
	group_memberships(&set, FUZZ_MEMBER, false, in_group);
	group_memberships(&set, FUZZ_OWNER, true, in_group);
done:
	free(in_group);
	group_set_dispose(&set);
	diag_list_dispose(&diags);
}

static void fuzz_load(const uint8_t *data, size_t size, const char *rules,
		      size_t rules_len, const char *rules_file)
{
	static const char *const owners[] = {FUZZ_OWNER};
	struct policy_file files[] = {
		{"groups/f.conf", (const char *)data, size},
		{"keys/" FUZZ_MEMBER ".asc", "", 0},
		{rules_file, rules, rules_len},
	};
	struct diag_list diags = DIAG_LIST_INIT;
	struct policy *policy = NULL;
	struct policy_verdict verdict;
	struct buf line = BUF_INIT;
	struct err err;
	size_t i;

	policy_load(&policy, files, 3, NULL, &diags, &err);
	for (i = 0; i < diags.count; i++) {
		buf_clear(&line);
		diag_format(&line, &diags.items[i]);
	}
	if (policy != NULL) {
		struct policy_request req = {
			.user = FUZZ_MEMBER,
			.owners = owners,
			.nowners = 1,
			.ref = "refs/heads/main",
			.op = OP_FAST_FORWARD,
		};

		policy_check(policy, &req, &verdict, &err);
		req.ref = "refs/apps/merge-reqs/data";
		req.op = OP_CREATE_FILE;
		req.path = "docs/x";
		req.path_len = 6;
		policy_check(policy, &req, &verdict, &err);
		req.user = FUZZ_OWNER;
		req.ref = "refs/heads/main";
		policy_check(policy, &req, &verdict, &err);
	}
	buf_dispose(&line);
	policy_free(policy);
	diag_list_dispose(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_groups_alone(data, size);
	fuzz_load(data, size, fuzz_builtin_rules,
		  sizeof(fuzz_builtin_rules) - 1, "branches/b.conf");
	fuzz_load(data, size, fuzz_group_rules, sizeof(fuzz_group_rules) - 1,
		  "branches/a.conf");
	return 0;
}
