/* mr_export: a revision's files, exported for the CI bot to test */
#ifndef CLI_MR_EXPORT_H
#define CLI_MR_EXPORT_H

#include <git2.h>
#include <stddef.h>

#include "../common/buf.h"

/*
 * Export commit's tree into dir (empty, existing) with git archive and
 * tar, never a checkout.  The revision is hostile and this runs outside
 * the sandbox, so: git runs on a throwaway bare repository under tmp that
 * borrows repo's objects (alternates) and whose info/attributes turns off
 * everything a revision's .gitattributes could ask of git archive
 * (export-subst, which runs gpg and prints ref names; filter drivers from
 * the bot's config; export-ignore), with no system or global config; and
 * the archive is cut off past max bytes or timeout seconds (a tiny pack
 * can hold a terabyte of files).  Returns 0, or -1 with a line in why
 * (size bytes) and git's or tar's messages appended to log.
 */
int export_revision(git_repository *repo, const git_oid *commit,
		    const char *tmp, const char *dir, size_t max,
		    unsigned timeout, struct buf *log, char *why, size_t size);

#endif
