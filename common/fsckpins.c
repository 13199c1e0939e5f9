/* fsckpins: the fsck checks a server pins to "error" (SPEC 5, git-acl(1)) */
#include "fsckpins.h"

const char *const fsckpins_messages[] = {
	"hasDotgit",	      /* a ".git" entry: a checkout runs its hooks */
	"hasDot",	      /* "." and ".." confuse every path check */
	"hasDotdot",
	"emptyName",
	"fullPathname",	      /* a '/' in a name: one path, two entries */
	"duplicateEntries",   /* two entries of one name: which is judged? */
	"treeNotSorted",      /* the hook's compares assume git's order */
	"badTree",
	"badFilemode",
	"zeroPaddedFilemode", /* another id for the same tree */
};

const size_t fsckpins_count =
	sizeof(fsckpins_messages) / sizeof(fsckpins_messages[0]);
