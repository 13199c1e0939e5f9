/* refop: `<old> <new> <ref>` to a ref op (SPEC 4) */
#include "refop.h"

#include <string.h>

bool refop_is_tag_ref(const char *ref)
{
	return strncmp(ref, "refs/tags/", 10) == 0;
}

static int refop_type(git_object_t *type, git_odb *odb, const git_oid *id,
		      struct err *err)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t len;

	if (git_odb_read_header(&len, type, odb, id) < 0)
		return err_set(err, "cannot read object %s",
			       git_oid_tostr(hex, sizeof(hex), id));
	return 0;
}

int refop_classify_shallow(enum op *op, bool *unsure, git_repository *repo,
			   const git_oid *old, const git_oid *new,
			   const char *ref, struct err *err)
{
	git_object_t old_type, new_type;
	git_odb *odb = NULL;
	int error = -1;

	*unsure = false;
	if (git_oid_is_zero(new)) {
		*op = OP_DELETE;
		return 0;
	}
	if (git_repository_odb(&odb, repo) < 0) {
		err_set(err, "cannot open the object database");
		goto done;
	}
	if (refop_type(&new_type, odb, new, err) < 0)
		goto done;
	if (git_oid_is_zero(old)) {
		*op = refop_is_tag_ref(ref) || new_type == GIT_OBJECT_TAG
			      ? OP_CREATE_TAG
			      : OP_CREATE_BRANCH;
		error = 0;
		goto done;
	}
	*op = OP_FORCE;
	if (refop_is_tag_ref(ref) || new_type != GIT_OBJECT_COMMIT) {
		error = 0;
		goto done;
	}
	if (refop_type(&old_type, odb, old, err) < 0)
		goto done;
	if (old_type != GIT_OBJECT_COMMIT) {
		error = 0;
		goto done;
	}
	if (git_oid_equal(old, new))
		*op = OP_FAST_FORWARD;
	else
		*unsure = true;
	error = 0;
done:
	git_odb_free(odb);
	return error;
}

int refop_is_ancestor(bool *out, git_repository *repo, const git_oid *old,
		      const git_oid *new, const char *ref, struct err *err)
{
	int rc;

	*out = false;
	if (git_oid_equal(old, new)) {
		*out = true;
		return 0;
	}
	if ((rc = git_graph_descendant_of(repo, new, old)) < 0)
		return err_set(err, "cannot compare history of '%s'", ref);
	*out = rc == 1;
	return 0;
}

int refop_classify(enum op *op, git_repository *repo, const git_oid *old,
		   const git_oid *new, const char *ref, struct err *err)
{
	bool unsure, ancestor;

	if (refop_classify_shallow(op, &unsure, repo, old, new, ref, err) < 0)
		return -1;
	if (!unsure)
		return 0;
	if (refop_is_ancestor(&ancestor, repo, old, new, ref, err) < 0)
		return -1;
	*op = ancestor ? OP_FAST_FORWARD : OP_FORCE;
	return 0;
}
