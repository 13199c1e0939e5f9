/* nogssapi: GSSAPI that refuses everything, for the statically linked hook */

/*
 * The hook and bench/stages link libgit2 statically (Makefile, HOOK_LIBS),
 * to start without loading 20-odd shared libraries.  libgit2 cannot leave
 * out its HTTP transport, whose "Negotiate" (Kerberos) authentication calls
 * GSSAPI, and Debian ships MIT Kerberos only as shared libraries: linking
 * them would bring back seven of the libraries for a feature the hook never
 * uses (it reads objects, refs and config; it never fetches or pushes).
 *
 * These definitions take their place.  Every call fails with GSS_S_FAILURE
 * and hands back empty results, so Negotiate authentication through
 * libgit2 in such a program fails closed: libgit2 reports "could not query
 * mechanisms" and the request errors out; nothing is ever authenticated.
 * Only HOOK_OBJ links this file, never libgitapps.a, so git-acl, git-mr and
 * the tests keep the real library.  The prototypes are RFC 2744's, with the
 * opaque handle types written as void *.
 */

#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;

typedef struct {
	OM_uint32 length;
	void *elements;
} nogss_oid_desc;

typedef struct {
	nogss_oid_desc *elements;
	size_t count;
} nogss_oid_set_desc;

typedef struct {
	size_t length;
	void *value;
} nogss_buffer_desc;

#define NOGSS_FAILURE ((OM_uint32)13 << 16) /* GSS_S_FAILURE */

/* RFC 2744's GSS_C_NT_HOSTBASED_SERVICE, here no name type at all */
extern nogss_oid_desc *GSS_C_NT_HOSTBASED_SERVICE;
nogss_oid_desc *GSS_C_NT_HOSTBASED_SERVICE = NULL;

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, nogss_oid_set_desc **mechs);
OM_uint32 gss_import_name(OM_uint32 *minor, const nogss_buffer_desc *name,
			  const nogss_oid_desc *type, void **out);
OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *cred, void **ctx,
			       void *target, const nogss_oid_desc *mech,
			       OM_uint32 req_flags, OM_uint32 time_req,
			       void *bindings, const nogss_buffer_desc *in,
			       nogss_oid_desc **actual_mech,
			       nogss_buffer_desc *out, OM_uint32 *ret_flags,
			       OM_uint32 *time_rec);
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status,
			     int status_type, const nogss_oid_desc *mech,
			     OM_uint32 *message_context,
			     nogss_buffer_desc *message);
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void **ctx,
				 nogss_buffer_desc *out);
OM_uint32 gss_release_name(OM_uint32 *minor, void **name);
OM_uint32 gss_release_buffer(OM_uint32 *minor, nogss_buffer_desc *buffer);
OM_uint32 gss_release_oid_set(OM_uint32 *minor, nogss_oid_set_desc **set);

static OM_uint32 nogss_fail(OM_uint32 *minor)
{
	if (minor)
		*minor = 0;
	return NOGSS_FAILURE;
}

static void nogss_empty(nogss_buffer_desc *buffer)
{
	if (buffer) {
		buffer->length = 0;
		buffer->value = NULL;
	}
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, nogss_oid_set_desc **mechs)
{
	if (mechs)
		*mechs = NULL;
	return nogss_fail(minor);
}

OM_uint32 gss_import_name(OM_uint32 *minor, const nogss_buffer_desc *name,
			  const nogss_oid_desc *type, void **out)
{
	(void)name;
	(void)type;
	if (out)
		*out = NULL;
	return nogss_fail(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *cred, void **ctx,
			       void *target, const nogss_oid_desc *mech,
			       OM_uint32 req_flags, OM_uint32 time_req,
			       void *bindings, const nogss_buffer_desc *in,
			       nogss_oid_desc **actual_mech,
			       nogss_buffer_desc *out, OM_uint32 *ret_flags,
			       OM_uint32 *time_rec)
{
	(void)cred;
	(void)ctx;
	(void)target;
	(void)mech;
	(void)req_flags;
	(void)time_req;
	(void)bindings;
	(void)in;
	if (actual_mech)
		*actual_mech = NULL;
	nogss_empty(out);
	if (ret_flags)
		*ret_flags = 0;
	if (time_rec)
		*time_rec = 0;
	return nogss_fail(minor);
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status,
			     int status_type, const nogss_oid_desc *mech,
			     OM_uint32 *message_context,
			     nogss_buffer_desc *message)
{
	(void)status;
	(void)status_type;
	(void)mech;
	if (message_context)
		*message_context = 0;
	nogss_empty(message);
	return nogss_fail(minor);
}

/* Nothing was ever created, so there is nothing to release: done. */
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void **ctx,
				 nogss_buffer_desc *out)
{
	if (minor)
		*minor = 0;
	if (ctx)
		*ctx = NULL;
	nogss_empty(out);
	return 0;
}

OM_uint32 gss_release_name(OM_uint32 *minor, void **name)
{
	if (minor)
		*minor = 0;
	if (name)
		*name = NULL;
	return 0;
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, nogss_buffer_desc *buffer)
{
	if (minor)
		*minor = 0;
	nogss_empty(buffer);
	return 0;
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, nogss_oid_set_desc **set)
{
	if (minor)
		*minor = 0;
	if (set)
		*set = NULL;
	return 0;
}
