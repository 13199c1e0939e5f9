/* settings: the gitapps.* and receive.* settings, from $GIT_DIR/config only */
#include "settings.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../common/buf.h"
#include "../common/fsckpins.h"
#include "../policy/match.h"
#include "../policy/userid.h"
#include "judge.h"

static int settings_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

/*
 * A number between min and max; fallback when absent.  A cap of 0 is an
 * error rather than "the default": an admin who wrote it meant something.
 */
static int settings_number(int64_t *out, git_config *cfg, const char *name,
			   int64_t fallback, int64_t min, int64_t max,
			   struct err *err)
{
	int rc = git_config_get_int64(out, cfg, name);

	if (rc == GIT_ENOTFOUND) {
		*out = fallback;
		return 0;
	}
	if (rc < 0 || *out < min || *out > max)
		return err_set(err, "bad value for '%s' in the repository's "
				    "config", name);
	return 0;
}

static int settings_add_owner(const git_config_entry *entry, void *payload)
{
	struct settings *s = payload;

	if (s->nowners == SETTINGS_MAX_OWNERS ||
	    !userid_is_valid(entry->value, strlen(entry->value)))
		return -1;
	memcpy(s->owners[s->nowners], entry->value, 41);
	s->owner_ptrs[s->nowners] = s->owners[s->nowners];
	s->nowners++;
	return 0;
}

/* Whether a config value is set in this one file. */
static bool settings_is_set(git_config *cfg, const char *name)
{
	git_config_entry *entry = NULL;
	bool set = git_config_get_entry(&entry, cfg, name) == 0;

	git_config_entry_free(entry);
	return set;
}

/* The first pinned fsck message whose value here is not "error". */
static const char *settings_unpinned(git_config *cfg)
{
	char name[64];
	size_t i;

	for (i = 0; i < fsckpins_count; i++) {
		git_buf value = GIT_BUF_INIT;
		bool pinned;

		snprintf(name, sizeof(name), "receive.fsck.%s",
			 fsckpins_messages[i]);
		pinned = git_config_get_string_buf(&value, cfg, name) == 0 &&
			 strcasecmp(value.ptr, FSCKPINS_LEVEL) == 0;
		git_buf_dispose(&value);
		if (!pinned)
			return fsckpins_messages[i];
	}
	return NULL;
}

int settings_open(git_config **out, git_repository *repo, struct err *err)
{
	struct buf path = BUF_INIT;
	int error = -1;

	*out = NULL;
	if (buf_printf(&path, "%sconfig", git_repository_commondir(repo)) < 0)
		err_set(err, "out of memory");
	else if (git_config_open_ondisk(out, buf_cstr(&path)) < 0)
		settings_git_error(err, "cannot read the repository's config");
	else
		error = 0;
	buf_dispose(&path);
	return error;
}

int settings_read_values(struct settings *out, git_config *cfg,
			 struct err *err)
{
	int64_t n;
	int rc, flag = 0;

	if (settings_number(&n, cfg, "gitapps.maxCommits",
			    JUDGE_DEFAULT_MAX_COMMITS, 1, INT64_MAX, err) < 0)
		return -1;
	out->max_commits = (size_t)n;
	if (settings_number(&n, cfg, "gitapps.maxTreeEntries",
			    JUDGE_DEFAULT_MAX_TREE_ENTRIES, 1, INT64_MAX,
			    err) < 0)
		return -1;
	out->max_tree_entries = (size_t)n;
	if (settings_number(&n, cfg, "gitapps.timeout", JUDGE_DEFAULT_TIMEOUT,
			    1, 86400, err) < 0)
		return -1;
	out->timeout = (unsigned)n;
	if (settings_number(&n, cfg, "gitapps.regexMatchLimit",
			    MATCH_DEFAULT_LIMIT, 1, UINT32_MAX, err) < 0)
		return -1;
	out->match_limit = (uint32_t)n;
	if (settings_number(&n, cfg, "gitapps.maxDenials",
			    JUDGE_DEFAULT_MAX_DENIALS, 1, 100000, err) < 0)
		return -1;
	out->max_denials = (size_t)n;
	if (settings_number(&n, cfg, "gitapps.workers", 0, 0,
			    JUDGE_MAX_WORKERS, err) < 0)
		return -1;
	out->workers = (unsigned)n;
	if (settings_number(&n, cfg, "receive.certNonceSlop", 0, 0, 86400,
			    err) < 0)
		return -1;
	out->nonce_slop = (unsigned)n;
	out->have_nonce_slop = settings_is_set(cfg, "receive.certNonceSlop");
	out->have_nonce_seed = settings_is_set(cfg, "receive.certNonceSeed");
	out->unpinned_fsck = settings_unpinned(cfg);
	out->fsck_skiplist = settings_is_set(cfg, "receive.fsck.skipList");
	rc = git_config_get_bool(&flag, cfg, "receive.fsckObjects");
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return err_set(err, "bad value for 'receive.fsckObjects'");
	out->fsck_objects = rc == 0 && flag;
	rc = git_config_get_bool(&flag, cfg, "core.ignorecase");
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return err_set(err, "bad value for 'core.ignorecase'");
	out->ignore_case = rc == 0 && flag;
	return 0;
}

int settings_read(struct settings *out, git_repository *repo,
		  bool require_owner, struct err *err)
{
	git_config *cfg = NULL;
	int rc, error = -1;

	memset(out, 0, sizeof(*out));
	if (settings_open(&cfg, repo, err) < 0)
		goto done;
	rc = git_config_get_multivar_foreach(cfg, "gitapps.owner", NULL,
					     settings_add_owner, out);
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		err_set(err, "gitapps.owner: every value must be one user id "
			     "(40 upper-case hex digits), at most %d of them",
			SETTINGS_MAX_OWNERS);
		goto done;
	}
	if (require_owner && out->nowners == 0) {
		err_set(err, "gitapps.owner is not set in the repository's "
			     "config");
		goto done;
	}
	error = settings_read_values(out, cfg, err);
done:
	git_config_free(cfg);
	return error;
}
