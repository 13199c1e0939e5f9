/* treediff: pruned compare of a new tree with its bases' trees (SPEC 4) */
#ifndef ADAPTERS_TREEDIFF_H
#define ADAPTERS_TREEDIFF_H

#include <git2.h>
#include <stddef.h>
#include <time.h>

#include "../common/err.h"

/* SPEC 4: gitapps.maxTreeEntries when the caller says nothing. */
#define TREEDIFF_MAX_ENTRIES_DEFAULT 1000000u
/* Memory the tree cache may hold before it is emptied (see below). */
#define TREEDIFF_CACHE_MAX_DEFAULT (256u * 1024u * 1024u)

struct treediff_options {
	/* cap on changed tree entries for the whole context; 0: default */
	size_t max_entries;
	/* CLOCK_MONOTONIC time after which work stops (copied); NULL: none */
	const struct timespec *deadline;
	/* bytes of parsed trees kept between compares; 0: default */
	size_t cache_max;
};

/*
 * One context per push: it borrows the object database, caches every tree
 * it parses (so each tree is read and parsed once per push, whatever the
 * number of commits and paths that reach it) and counts the changed tree
 * entries against the cap across all its treediff_compare() calls.  A
 * history of many commits over big trees could pin them all: when the
 * cache holds more than cache_max bytes at the start of a compare, it is
 * emptied (trees are then read again as needed; never during a compare).
 */
struct treediff;

/*
 * Create a context reading trees from odb, which must outlive it.  opts
 * may be NULL (defaults, no deadline).  Returns 0 and a context the caller
 * frees with treediff_free(), or -1 with err set (out of memory).
 */
int treediff_new(struct treediff **out, git_odb *odb,
		 const struct treediff_options *opts, struct err *err);

/* Free the context and its cache; NULL-safe. */
void treediff_free(struct treediff *td);

/*
 * Called once per charged path that has at least one tree op: ops is a
 * mask of enum op (policy/op.h), the union of the ops computed against
 * each base.  path is path_len raw bytes (not necessarily UTF-8, possibly
 * longer than 4096), '/'-joined, without a leading or trailing '/', and
 * NUL-terminated for convenience (tree entry names hold no NUL).  It is
 * borrowed for the duration of the call.  Return 0 to go on, or a negative
 * value to stop.  A NULL callback only counts and validates.
 */
typedef int (*treediff_cb)(unsigned ops, const char *path, size_t path_len,
			   void *payload);

/*
 * Report the tree ops that new_tree is charged with against the nbases
 * trees in bases (SPEC 4, "Several bases"): a path equal in any base is
 * not charged (a subtree equal by id in any base is skipped unread); a
 * charged path gets the union of its ops against each base in turn;
 * create-directory only when no base has a directory there.  nbases 0
 * means the empty tree (a root commit); bases may then be NULL.
 *
 * Ops, per path: create-file (100644 or 100755), create-symlink, create-
 * gitlink when the entry appears; modify when a file's content or mode
 * (644/755), a symlink's target or a gitlink's commit changes; delete-file
 * when a file, symlink or gitlink disappears; a change of type is
 * delete-file plus the create; a removed directory is the deletion of
 * every file under it (nothing for the directory itself).
 *
 * Order: names in bytewise order, depth first; a directory's own ops
 * come before its contents, except for a directory replaced by a
 * non-directory, whose inner deletions come before the path's own ops.
 *
 * Every tree read is validated (SPEC 4), whichever side it is on, and
 * one bad tree fails the call: entry names that are empty, ".", "..",
 * hold '/', or mean ".git" to git, HFS+ or NTFS (git's is_hfs_dotgit()
 * and is_ntfs_dotgit(), also after each backslash, as git's fsck does);
 * a mode whose text is not exactly 40000, 100644, 100755, 120000 or
 * 160000 (so 040000 too); unsorted or duplicate entries (a file and a
 * directory of one name included); a truncated entry or trailing bytes.
 *
 * Returns 0 when every charged path was reported; the callback's negative
 * value, unchanged and with err untouched, when it stopped (so a callback
 * keeps its own message); or -1 with err set: an object that cannot be
 * read or is not a tree, an invalid tree ("invalid tree <id>: ..." with
 * the entry name escaped as git quotes paths), more changed entries than
 * the cap ("too many changed tree entries (gitapps.maxTreeEntries = N)"),
 * the deadline passed ("time limit reached while comparing trees
 * (gitapps.timeout)", checked on entry and every 1024 entries looked at),
 * or out of memory.  After the cap or the deadline every later call fails
 * the same way.
 */
int treediff_compare(struct treediff *td, const git_oid *new_tree,
		     const git_oid *bases, size_t nbases, treediff_cb cb,
		     void *payload, struct err *err);

/*
 * During a callback: the mode of the reported path's entry in the new tree
 * (0100644, 0100755, 0120000, 0160000 or 040000), or 0 when the new tree
 * has nothing there.  For a caller whose rule depends on more than the op
 * (an executable where only a regular file may be).
 */
unsigned treediff_reported_mode(const struct treediff *td);

/*
 * Changed tree entries counted so far against the cap: each charged path,
 * directories included (a directory changed in place counts even when it
 * has no op of its own); entries of skipped identical subtrees never do.
 */
size_t treediff_entries_counted(const struct treediff *td);

/*
 * Count n more changed entries, found by a worker judging part of the same
 * push, against the cap.  Returns 0, or -1 with err set as
 * treediff_compare() sets it once the cap is passed (every later call then
 * fails too).
 */
int treediff_count_more(struct treediff *td, size_t n, struct err *err);

/*
 * Tree objects read from the object database so far: once per tree id,
 * unless the cache was emptied in between.
 */
size_t treediff_trees_read(const struct treediff *td);

#endif
