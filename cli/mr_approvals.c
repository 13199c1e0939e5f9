/* mr_approvals: who attested which revision of a request (SPEC 11), as
   git mr show and list print it */
#include "mr_approvals.h"

#include <stdlib.h>
#include <string.h>

int mr_approvals_read(struct mr_ctx *ctx, git_tree *root,
		      const struct revision *revs, size_t nrevs,
		      struct mr_attestation **out, size_t *count)
{
	struct mr_attestation *list = NULL;
	size_t n = 0, alloc = 0, i, j;
	int status = 0;

	*out = NULL;
	*count = 0;
	for (i = 0; root != NULL && i < nrevs && status == 0; i++) {
		struct attest_entry *entries = NULL;
		struct err err = {{0}};
		size_t nentries = 0;

		if (attest_list(&entries, &nentries, ctx->repo, root,
				&revs[i].commit, &err) < 0) {
			status = cli_fatal("%s", err.msg);
			break;
		}
		for (j = 0; j < nentries; j++) {
			if (n == alloc) {
				size_t grow = alloc ? alloc * 2 : 8;
				struct mr_attestation *more =
					realloc(list, grow * sizeof(*more));

				if (more == NULL) {
					status = cli_fatal("out of memory");
					break;
				}
				list = more;
				alloc = grow;
			}
			list[n].k = revs[i].k;
			list[n].entry = entries[j];
			/* bound to the commit: what counts is the latest's */
			list[n].stale = !git_oid_equal(&revs[i].commit,
						       &revs[nrevs - 1].commit);
			n++;
		}
		free(entries);
	}
	if (status != 0) {
		free(list);
		return status;
	}
	*out = list;
	*count = n;
	return 0;
}

void mr_approvals_print(FILE *out, struct mr_ctx *ctx,
			const struct mr_attestation *a)
{
	struct buf name = BUF_INIT;

	/* names_display escapes the key's user id: it is the user's claim */
	names_display(&name, &ctx->names, a->entry.user);
	fprintf(out, "%s by %s", a->entry.kind, buf_cstr(&name));
	buf_dispose(&name);
}
