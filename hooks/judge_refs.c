/* judge_refs: the refs a push names twice, and the base refs (SPEC 3, 4) */
#include "judge_refs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"

void judge__refs_dispose(struct judge_refs *refs)
{
	size_t i;

	if (refs == NULL)
		return;
	for (i = 0; i < refs->seen_alloc; i++)
		free(refs->seen[i]);
	free(refs->seen);
	for (i = 0; i < refs->nbases; i++)
		free(refs->bases[i].ref);
	free(refs->bases);
	free(refs->exist);
	memset(refs, 0, sizeof(*refs));
}

/* FNV-1a: a push names each ref once, so any spread hash will do. */
static size_t judge_refs_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

/* The slot of ref in an open-addressed table of alloc (a power of 2). */
static size_t judge_refs_slot(char **table, size_t alloc, const char *ref)
{
	size_t i = judge_refs_hash(ref) & (alloc - 1);

	while (table[i] != NULL && strcmp(table[i], ref) != 0)
		i = (i + 1) & (alloc - 1);
	return i;
}

static int judge_refs_grow(struct judge_refs *refs)
{
	size_t alloc = refs->seen_alloc ? 2 * refs->seen_alloc : 64, i;
	char **table;

	if (alloc > SIZE_MAX / sizeof(*table) ||
	    (table = calloc(alloc, sizeof(*table))) == NULL)
		return -1;
	for (i = 0; i < refs->seen_alloc; i++)
		if (refs->seen[i] != NULL)
			table[judge_refs_slot(table, alloc, refs->seen[i])] =
				refs->seen[i];
	free(refs->seen);
	refs->seen = table;
	refs->seen_alloc = alloc;
	return 0;
}

int judge__refs_seen(struct judge_refs *refs, bool *seen, const char *ref,
		     struct err *err)
{
	size_t slot;

	*seen = true;
	/* at most half full, so a probe always ends at an empty slot */
	if (refs->nseen >= refs->seen_alloc / 2 && judge_refs_grow(refs) < 0)
		return err_set(err, "out of memory");
	slot = judge_refs_slot(refs->seen, refs->seen_alloc, ref);
	if (refs->seen[slot] != NULL)
		return 0;
	if ((refs->seen[slot] = strdup(ref)) == NULL)
		return err_set(err, "out of memory");
	refs->nseen++;
	*seen = false;
	return 0;
}

static int judge_refs_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

/*
 * Keep ref (its server name) as a base at the commit the ref peels to.  A
 * ref that peels to no commit lends nothing: fewer commits exist, so more
 * are charged, never fewer.
 */
static int judge_refs_keep(struct judge_refs *refs, const char *name,
			   git_reference *ref, struct err *err)
{
	git_object *peeled = NULL;
	struct judge_base *b;

	if (git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) < 0)
		return 0;
	if (refs->nbases == refs->bases_alloc) {
		size_t n = refs->bases_alloc ? 2 * refs->bases_alloc : 8;

		if (n > SIZE_MAX / sizeof(*b) ||
		    (b = realloc(refs->bases, n * sizeof(*b))) == NULL)
			goto oom;
		refs->bases = b;
		refs->bases_alloc = n;
	}
	b = &refs->bases[refs->nbases];
	if ((b->ref = strdup(name)) == NULL)
		goto oom;
	git_oid_cpy(&b->commit, git_object_id(peeled));
	refs->nbases++;
	git_object_free(peeled);
	return 0;
oom:
	git_object_free(peeled);
	return err_set(err, "out of memory");
}

/*
 * The server's name of a ref we list: itself in the hook; with a remote,
 * refs/remotes/<remote>/<x> is refs/heads/<x> (NULL for any other ref,
 * and for <remote>/HEAD, which names a branch rather than being one).
 */
static const char *judge_refs_server_name(struct buf *out, const char *name,
					  const char *remote)
{
	size_t rlen;

	if (remote == NULL)
		return name;
	rlen = strlen(remote);
	if (strncmp(name, "refs/remotes/", 13) != 0 ||
	    strncmp(name + 13, remote, rlen) != 0 || name[13 + rlen] != '/' ||
	    strcmp(name + 14 + rlen, "HEAD") == 0)
		return NULL;
	buf_clear(out);
	if (buf_printf(out, "refs/heads/%s", name + 14 + rlen) < 0)
		return NULL;
	return buf_cstr(out);
}

/*
 * With no base line (SPEC 4): the branch HEAD names, if it exists.  In a
 * clone that is the server's HEAD as its remote-tracking HEAD records it,
 * never the user's own HEAD.
 */
static int judge_refs_head(struct judge_refs *refs, git_repository *repo,
			   const char *remote, struct err *err)
{
	git_reference *head = NULL, *target = NULL;
	struct buf name = BUF_INIT;
	const char *server;
	int rc, error = -1;

	if (remote != NULL &&
	    buf_printf(&name, "refs/remotes/%s/HEAD", remote) < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	rc = git_reference_lookup(&head, repo,
				  remote != NULL ? buf_cstr(&name) : "HEAD");
	if (rc == GIT_ENOTFOUND ||
	    (rc == 0 && git_reference_type(head) != GIT_REFERENCE_SYMBOLIC)) {
		error = 0;	/* no HEAD, or a detached one: no base */
		goto done;
	}
	if (rc < 0) {
		judge_refs_git_error(err, "cannot read HEAD");
		goto done;
	}
	rc = git_reference_lookup(&target, repo,
				  git_reference_symbolic_target(head));
	if (rc == GIT_ENOTFOUND ||
	    (rc == 0 && git_reference_type(target) != GIT_REFERENCE_DIRECT)) {
		error = 0;	/* an unborn branch is no base */
		goto done;
	}
	if (rc < 0) {
		judge_refs_git_error(err, "cannot read HEAD");
		goto done;
	}
	server = judge_refs_server_name(&name, git_reference_name(target),
					remote);
	if (server == NULL ||
	    strncmp(server, "refs/heads/", 11) != 0) {
		error = 0;	/* HEAD names no branch */
		goto done;
	}
	error = judge_refs_keep(refs, server, target, err);
done:
	buf_dispose(&name);
	git_reference_free(target);
	git_reference_free(head);
	return error;
}

int judge__refs_read_bases(struct judge_refs *refs, git_repository *repo,
			   struct policy *policy, const char *remote,
			   struct err *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	struct buf name = BUF_INIT;
	int rc, error = -1;

	if (refs->bases_read)
		return 0;
	if (!policy_has_base_lines(policy)) {
		if (judge_refs_head(refs, repo, remote, err) < 0)
			goto done;
		goto read;
	}
	if (git_reference_iterator_new(&it, repo) < 0) {
		judge_refs_git_error(err, "cannot list refs");
		goto done;
	}
	while ((rc = git_reference_next(&ref, it)) == 0) {
		const char *server = judge_refs_server_name(
			&name, git_reference_name(ref), remote);
		bool base = false;

		/* a symbolic ref's target is listed on its own */
		if (server != NULL &&
		    git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			if (policy_is_base_ref(policy, server, &base, err) < 0)
				goto done;
			if (base && judge_refs_keep(refs, server, ref, err) < 0)
				goto done;
		}
		git_reference_free(ref);
		ref = NULL;
	}
	if (rc != GIT_ITEROVER) {
		judge_refs_git_error(err, "cannot list refs");
		goto done;
	}
read:
	refs->bases_read = true;
	error = 0;
done:
	buf_dispose(&name);
	git_reference_free(ref);
	git_reference_iterator_free(it);
	return error;
}

int judge__refs_exist(struct judge_refs *refs, const git_oid **out,
		      size_t *count, const char *ref, struct err *err)
{
	size_t i;

	*out = NULL;
	*count = 0;
	if (refs->nbases == 0)
		return 0;
	if (refs->exist == NULL &&
	    (refs->exist = calloc(refs->nbases, sizeof(*refs->exist))) ==
		    NULL)
		return err_set(err, "out of memory");
	/* `git acl check` judges <ref> as if at <old>: never its own base */
	for (i = 0; i < refs->nbases; i++)
		if (strcmp(refs->bases[i].ref, ref) != 0)
			git_oid_cpy(&refs->exist[(*count)++],
				    &refs->bases[i].commit);
	*out = refs->exist;
	return 0;
}
