/* gates: the policy lines `git mr init --require-approvals/--require-ci`
   adds: requirements on the targets, and who may attest (SPEC 11) */
#include "gates.h"

#include <string.h>

/* A target as a pattern that matches only itself. */
static int gates_literal(struct buf *out, const char *text)
{
	for (; *text; text++)
		if ((strchr(".^$|()[]{}*+?\\", *text) != NULL &&
		     buf_putc(out, '\\') < 0) ||
		    buf_putc(out, *text) < 0)
			return -1;
	return 0;
}

/* The rules of [apps/attestations] for one kind written by group. */
static int gates_writers(struct buf *out, const char *group, const char *kind,
			 const char *ops)
{
	/* <aa>/<bb>/<rest>/<kind>/<user-id>: the commit id in lower case */
	static const char *const dirs[] = {
		"[0-9a-f]{2}",
		"[0-9a-f]{2}/[0-9a-f]{2}",
		"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}",
	};
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (buf_printf(out, "%s create-directory %s\n", group,
			       dirs[i]) < 0)
			return -1;
	return buf_printf(out,
			  "%s create-directory %s/%s\n"
			  "%s %s %s/%s/${user_id}\n",
			  group, dirs[2], kind, group, ops, dirs[2], kind);
}

int gates_policy(struct buf *refs_conf, struct buf *branches_conf,
		 const struct gates *gates)
{
	size_t i;
	int rc = 0;

	rc |= buf_puts(refs_conf,
		       "# Merge gates (SPEC 11), from git mr init: a target "
		       "moves only to a commit\n# with these attestations "
		       "on refs/apps/attestations.\n");
	for (i = 0; i < gates->ntargets; i++) {
		if (gates->approvals) {
			rc |= buf_printf(refs_conf, "maintainers require %u:approved ",
					 gates->approvals);
			rc |= gates_literal(refs_conf, gates->targets[i]);
			rc |= buf_putc(refs_conf, '\n');
		}
		if (gates->ci) {
			rc |= buf_puts(refs_conf, "ci require 1:ci-pass ");
			rc |= gates_literal(refs_conf, gates->targets[i]);
			rc |= buf_putc(refs_conf, '\n');
		}
	}
	rc |= buf_puts(refs_conf,
		       "\n# Who attests: the hook lets each write only their "
		       "own files there.\n");
	if (gates->approvals)
		rc |= buf_puts(refs_conf, "maintainers create-branch,"
					  "fast-forward apps/attestations\n");
	if (gates->ci)
		rc |= buf_puts(refs_conf,
			       "ci create-branch,fast-forward apps/attestations\n");

	rc |= buf_puts(branches_conf,
		       "# Attestations (SPEC 11): maintainers approve, the CI "
		       "bot attests ci-pass,\n# each only as their own "
		       "file.\n[apps/attestations]\n");
	if (gates->approvals)
		rc |= gates_writers(branches_conf, "maintainers", "approved",
				    "create-file,delete");
	if (gates->ci)
		rc |= gates_writers(branches_conf, "ci", "ci-pass",
				    "create-file");
	return rc < 0 ? -1 : 0;
}
