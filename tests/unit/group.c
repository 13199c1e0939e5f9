/* group: groups/<name>.conf via inih: nesting, cycles, pitfalls (SPEC 5) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../policy/group.h"

#define ID_A "0123456789ABCDEF0123456789ABCDEF01234567"
#define ID_B "89ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define ID_C "FEDCBA9876543210FEDCBA9876543210FEDCBA98"
#define A32 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct parsed {
	struct group_set set;
	struct diag_list diags;
	struct buf text;
};

static int setup(void **state)
{
	struct parsed *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	group_set_init(&p->set);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct parsed *p = *state;

	group_set_dispose(&p->set);
	diag_list_dispose(&p->diags);
	buf_dispose(&p->text);
	free(p);
	return 0;
}

/* Every diagnostic so far, one a line. */
static const char *diags_text(struct parsed *p)
{
	size_t i;

	buf_clear(&p->text);
	for (i = 0; i < p->diags.count; i++) {
		assert_int_equal(diag_format(&p->text, &p->diags.items[i]), 0);
		assert_int_equal(buf_putc(&p->text, '\n'), 0);
	}
	return buf_cstr(&p->text);
}

static void parse_len(struct parsed *p, const char *file, const char *buf,
		      size_t len)
{
	assert_int_equal(group_parse(&p->set, file, buf, len, &p->diags), 0);
}

static void parse(struct parsed *p, const char *file, const char *buf)
{
	parse_len(p, file, buf, strlen(buf));
}

/* Resolve, then return every diagnostic. */
static const char *resolve(struct parsed *p)
{
	assert_int_equal(group_resolve(&p->set, &p->diags), 0);
	return diags_text(p);
}

static const struct group *group_named(const struct parsed *p,
				       const char *name)
{
	size_t g = group_find(&p->set, name, strlen(name));

	if (g == GROUP_NONE)
		fail_msg("no group '%s'", name);
	return &p->set.groups[g];
}

/* Whether user is in the group called name. */
static bool is_member(const struct parsed *p, const char *user, bool owner,
		      const char *name)
{
	bool *in = calloc(p->set.count + 1, sizeof(*in));
	size_t g = group_find(&p->set, name, strlen(name));
	bool result;

	assert_non_null(in);
	assert_int_not_equal(g, GROUP_NONE);
	group_memberships(&p->set, user, owner, in);
	result = in[g];
	free(in);
	return result;
}

/* Whether any member line of any group names id. */
static bool anywhere(const struct parsed *p, const char *id)
{
	size_t g, i;

	for (g = 0; g < p->set.count; g++)
		for (i = 0; i < p->set.groups[g].count; i++)
			if (strcmp(p->set.groups[g].members[i].name, id) == 0)
				return true;
	return false;
}

static void group__members(void **state)
{
	struct parsed *p = *state;
	const struct group *g;

	parse(p, "groups/team.conf",
	      "# the team\n"
	      "[team]\n"
	      "member = " ID_A "\n"
	      "member=" ID_B "\n"
	      "\n"
	      "; another comment\n"
	      "[other]\n"
	      "member = " ID_C "\n");
	assert_string_equal(resolve(p), "");
	assert_int_equal(p->set.count, 2);
	g = group_named(p, "team");
	assert_string_equal(g->file, "groups/team.conf");
	assert_int_equal(g->line, 2);
	assert_int_equal(g->count, 2);
	assert_int_equal(g->members[0].kind, GROUP_MEMBER_USER);
	assert_string_equal(g->members[0].name, ID_A);
	assert_int_equal(g->members[0].line, 3);
	assert_string_equal(g->members[1].name, ID_B);
	assert_int_equal(g->members[1].line, 4);
	assert_true(is_member(p, ID_A, false, "team"));
	assert_true(is_member(p, ID_B, false, "team"));
	assert_false(is_member(p, ID_C, false, "team"));
	assert_true(is_member(p, ID_C, false, "other"));
	assert_false(is_member(p, ID_A, true, "other"));
}

static void group__sixty_four_byte_name_keeps_its_members(void **state)
{
	struct parsed *p = *state;
	static const char name[] =
		"a123456789b123456789c123456789d123456789e123456789f12345678912"
		"34";
	struct buf text = BUF_INIT;

	/* inih keeps 49 bytes of a section name; SPEC 5 allows 64 */
	assert_int_equal(strlen(name), 64);
	assert_int_equal(buf_printf(&text, "[%s]\nmember = " ID_A "\n", name),
			 0);
	parse(p, "groups/long.conf", buf_cstr(&text));
	buf_dispose(&text);
	assert_string_equal(resolve(p), "");
	assert_int_equal(group_named(p, name)->count, 1);
	assert_true(is_member(p, ID_A, false, name));
}

static void group__nesting(void **state)
{
	struct parsed *p = *state;

	/* maintainers > release > ci, over two files, used before defined */
	parse(p, "groups/a.conf",
	      "[maintainers]\n"
	      "member = " ID_A "\n"
	      "member = @release\n");
	parse(p, "groups/b.conf",
	      "[release]\n"
	      "member = @ci\n"
	      "[ci]\n"
	      "member = " ID_C "\n");
	assert_string_equal(resolve(p), "");
	assert_int_equal(group_named(p, "maintainers")->members[1].kind,
			 GROUP_MEMBER_GROUP);
	assert_string_equal(group_named(p, "maintainers")->members[1].name,
			    "release");
	assert_true(is_member(p, ID_C, false, "ci"));
	assert_true(is_member(p, ID_C, false, "release"));
	assert_true(is_member(p, ID_C, false, "maintainers"));
	assert_true(is_member(p, ID_A, false, "maintainers"));
	assert_false(is_member(p, ID_A, false, "release"));
	assert_false(is_member(p, ID_A, false, "ci"));
	assert_false(is_member(p, ID_B, true, "maintainers"));
}

static void group__owner_member(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[maintainers]\n"
	      "member = @owner\n"
	      "[reviewers]\n"
	      "member = @maintainers\n");
	assert_string_equal(resolve(p), "");
	assert_int_equal(group_named(p, "maintainers")->members[0].kind,
			 GROUP_MEMBER_OWNER);
	assert_true(is_member(p, ID_A, true, "maintainers"));
	assert_true(is_member(p, ID_A, true, "reviewers"));
	assert_false(is_member(p, ID_A, false, "maintainers"));
	assert_false(is_member(p, ID_A, false, "reviewers"));
}

static void group__anyone_member_is_an_error(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[everybody]\n"
	      "member = @anyone\n");
	/* the member line failed: no "has no members" warning on top */
	assert_string_equal(resolve(p), "groups/a.conf:2: '@anyone' cannot be "
					"a member of a group\n");
	assert_int_equal(group_named(p, "everybody")->count, 0);
}

static void group__unknown_group(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[team]\n"
	      "member = " ID_A "\n"
	      "member = @nobody\n");
	assert_string_equal(resolve(p),
			    "groups/a.conf:3: unknown group '@nobody'\n");
	assert_true(is_member(p, ID_A, false, "team"));
	assert_false(is_member(p, ID_B, true, "team"));
}

static void group__defined_twice(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[team]\n"
	      "member = " ID_A "\n"
	      "[team]\n"
	      "member = " ID_B "\n");
	parse(p, "groups/b.conf",
	      "# again\n"
	      "[team]\n");
	assert_string_equal(resolve(p),
			    "groups/a.conf:3: group 'team' already defined at "
			    "groups/a.conf:1\n"
			    "groups/b.conf:2: group 'team' already defined at "
			    "groups/a.conf:1\n");
	assert_int_equal(p->set.count, 1);
	/* the second definition's members go nowhere */
	assert_false(anywhere(p, ID_B));
}

static void group__cycle_is_an_error(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[a]\n"
	      "member = @b\n");
	parse(p, "groups/b.conf",
	      "[b]\n"
	      "member = " ID_A "\n"
	      "member = @a\n");
	assert_string_equal(resolve(p), "groups/b.conf:3: group cycle: 'b' "
					"contains '@a', which contains 'b'\n");
	assert_int_equal(p->diags.errors, 1);
	/* memberships still terminate */
	assert_true(is_member(p, ID_A, false, "a"));
	assert_true(is_member(p, ID_A, false, "b"));
}

static void group__self_cycle_is_an_error(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[a]\n"
	      "member = @a\n");
	assert_string_equal(resolve(p), "groups/a.conf:2: group cycle: 'a' "
					"contains '@a', which contains 'a'\n");
}

static void group__invalid_names(void **state)
{
	struct parsed *p = *state;
	char long_name[GROUP_NAME_MAX + 2];
	struct buf file = BUF_INIT;

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(buf_printf(&file,
				    "[Team]\n"
				    "[anyone]\n"
				    "[owner]\n"
				    "[%s]\n"
				    "[%.64s]\n"
				    "[9lives]\n"
				    "[a.b]\n"
				    "[team]\n"
				    "member = @Team\n",
				    long_name, long_name),
			 0);
	parse(p, "groups/a.conf", file.ptr);
	assert_string_equal(
		resolve(p),
		"groups/a.conf:1: invalid group name 'Team': names match "
		"[a-z][a-z0-9_-]{0,63} and are not anyone or owner\n"
		"groups/a.conf:2: invalid group name 'anyone': names match "
		"[a-z][a-z0-9_-]{0,63} and are not anyone or owner\n"
		"groups/a.conf:3: invalid group name 'owner': names match "
		"[a-z][a-z0-9_-]{0,63} and are not anyone or owner\n"
		"groups/a.conf:4: invalid group name '" A32 A32 "a': names "
		"match [a-z][a-z0-9_-]{0,63} and are not anyone or owner\n"
		"groups/a.conf:6: invalid group name '9lives': names match "
		"[a-z][a-z0-9_-]{0,63} and are not anyone or owner\n"
		"groups/a.conf:7: invalid group name 'a.b': names match "
		"[a-z][a-z0-9_-]{0,63} and are not anyone or owner\n"
		"groups/a.conf:9: invalid group name '@Team'\n"
		"groups/a.conf:5: warning: group '" A32 A32 "' has no "
		"members\n");
	/* 64 characters is a name */
	assert_int_equal(p->set.count, 2);
	assert_true(group_name_is_valid(long_name, GROUP_NAME_MAX));
	assert_false(group_name_is_valid(long_name, GROUP_NAME_MAX + 1));
	assert_true(group_name_is_valid("a", 1));
	assert_true(group_name_is_valid("a_b-9", 5));
	assert_false(group_name_is_valid("", 0));
	assert_false(group_name_is_valid("-a", 2));
	buf_dispose(&file);
}

static void group__base_and_require_are_reserved(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[base]\n"
	      "member = " ID_A "\n"
	      "[require]\n"
	      "[bases]\n"
	      "member = " ID_A "\n");
	assert_string_equal(resolve(p),
			    "groups/a.conf:1: group name 'base' is reserved "
			    "(base and require lines of refs/*.conf)\n"
			    "groups/a.conf:3: group name 'require' is reserved "
			    "(base and require lines of refs/*.conf)\n");
	assert_int_equal(p->set.count, 1);
}

static void group__invalid_member(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[team]\n"
	      "member = 0123456789abcdef0123456789abcdef01234567\n"
	      "member = 89ABCDEF01234567\n"
	      "member = " ID_A " " ID_B "\n"
	      "member =\n");
	assert_string_equal(
		resolve(p),
		"groups/a.conf:2: invalid member "
		"'0123456789abcdef0123456789abcdef01234567': expected a user "
		"id (40 upper-case hex digits) or @group\n"
		"groups/a.conf:3: invalid member '89ABCDEF01234567': expected "
		"a user id (40 upper-case hex digits) or @group\n"
		"groups/a.conf:4: invalid member '" ID_A " " ID_B
		"': expected a user id (40 upper-case hex digits) or @group\n"
		"groups/a.conf:5: invalid member '': expected a user id (40 "
		"upper-case hex digits) or @group\n");
	assert_int_equal(group_named(p, "team")->count, 0);
}

static void group__unknown_key(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[team]\n"
	      "members = " ID_A "\n"
	      "Member = " ID_B "\n"
	      "member = " ID_C "\n");
	assert_string_equal(resolve(p),
			    "groups/a.conf:2: unknown key 'members' (expected "
			    "'member')\n"
			    "groups/a.conf:3: unknown key 'Member' (expected "
			    "'member')\n");
	assert_int_equal(group_named(p, "team")->count, 1);
	assert_false(anywhere(p, ID_A));
	assert_false(anywhere(p, ID_B));
}

static void group__key_outside_a_section(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "# no section yet\n"
	      "member = " ID_A "\n"
	      "[team]\n"
	      "member = " ID_B "\n");
	assert_string_equal(resolve(p), "groups/a.conf:2: 'member' outside a "
					"[group] section\n");
	assert_false(anywhere(p, ID_A));
	assert_true(is_member(p, ID_B, false, "team"));
}

/* A comment line of exactly len bytes (without its newline). */
static void put_comment(struct buf *file, size_t len, const char *tail)
{
	size_t i;

	assert_int_equal(buf_putc(file, '#'), 0);
	for (i = 1; i < len - strlen(tail); i++)
		assert_int_equal(buf_putc(file, 'x'), 0);
	assert_int_equal(buf_puts(file, tail), 0);
	assert_int_equal(buf_putc(file, '\n'), 0);
}

static void group__line_of_198_bytes_is_fine(void **state)
{
	struct parsed *p = *state;
	struct buf file = BUF_INIT;

	assert_int_equal(buf_puts(&file, "[team]\n"), 0);
	put_comment(&file, GROUP_LINE_MAX, "");
	assert_int_equal(buf_puts(&file, "member = " ID_A "\n"), 0);
	parse(p, "groups/a.conf", file.ptr);
	assert_string_equal(resolve(p), "");
	assert_true(is_member(p, ID_A, false, "team"));
	assert_int_equal(group_named(p, "team")->members[0].line, 3);
	buf_dispose(&file);
}

static void group__line_of_199_bytes_is_an_error(void **state)
{
	struct parsed *p = *state;
	struct buf file = BUF_INIT;

	assert_int_equal(buf_puts(&file, "[team]\n"), 0);
	put_comment(&file, GROUP_LINE_MAX + 1, "");
	assert_int_equal(buf_puts(&file, "member = " ID_A "\n"), 0);
	parse(p, "groups/a.conf", file.ptr);
	assert_string_equal(resolve(p),
			    "groups/a.conf:2: line longer than 198 bytes\n");
	buf_dispose(&file);
}

static void group__long_comment_cannot_smuggle_a_member(void **state)
{
	struct parsed *p = *state;
	struct buf file = BUF_INIT;

	/* inih would read the tail past byte 199 as a line of its own */
	assert_int_equal(buf_puts(&file, "[team]\n"
					 "member = " ID_A "\n"),
			 0);
	put_comment(&file, 250, "member = " ID_B);
	parse(p, "groups/a.conf", file.ptr);
	assert_string_equal(resolve(p),
			    "groups/a.conf:3: line longer than 198 bytes\n");
	assert_true(p->diags.errors > 0);
	assert_false(anywhere(p, ID_B));
	if (group_find(&p->set, "team", 4) != GROUP_NONE)
		assert_false(is_member(p, ID_B, false, "team"));
	buf_dispose(&file);
}

static void group__indented_line_is_an_error(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[team]\n"
	      "member = " ID_A "\n"
	      "  " ID_B "\n"
	      "\tmember = " ID_C "\n"
	      "  # an indented comment is fine\n");
	assert_string_equal(resolve(p),
			    "groups/a.conf:3: indented line (inih would join "
			    "it to the previous value)\n"
			    "groups/a.conf:4: indented line (inih would join "
			    "it to the previous value)\n");
	assert_false(anywhere(p, ID_B));
	assert_false(anywhere(p, ID_C));
}

static void group__cr_nul_and_stray_lines_are_errors(void **state)
{
	struct parsed *p = *state;
	static const char file[] = "[team]\r\n"
				   "member = \0\n"
				   "just words\n"
				   "[open\n"
				   "[x] y\n"
				   "[y] \t\n";

	parse_len(p, "groups/a.conf", file, sizeof(file) - 1);
	assert_string_equal(resolve(p),
			    "groups/a.conf:1: CR byte in line\n"
			    "groups/a.conf:2: NUL byte in line\n"
			    "groups/a.conf:3: expected '[group]' or 'member = "
			    "<id>'\n"
			    "groups/a.conf:4: section line must end with ']'\n"
			    "groups/a.conf:5: text after ']' of a section "
			    "line\n");
}

static void group__byte_order_mark_is_an_error(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf", "\xEF\xBB\xBF[team]\nmember = " ID_A "\n");
	assert_string_equal(resolve(p), "groups/a.conf:1: byte order mark at "
					"the start of the file\n");
	assert_false(anywhere(p, ID_A));
}

static void group__empty_group_is_a_warning(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "[ci]\n"
	      "# no bot yet\n"
	      "[team]\n"
	      "member = " ID_A "\n"
	      "[last]\n");
	assert_string_equal(resolve(p),
			    "groups/a.conf:1: warning: group 'ci' has no "
			    "members\n"
			    "groups/a.conf:5: warning: group 'last' has no "
			    "members\n");
	assert_int_equal(p->diags.errors, 0);
	/* an empty group still exists, and holds nobody */
	assert_false(is_member(p, ID_A, true, "ci"));
}

static void group__line_numbers_follow_the_file(void **state)
{
	struct parsed *p = *state;

	parse(p, "groups/a.conf",
	      "\n\n# three\n"
	      "[team]\n"
	      "\n"
	      "member = @ghost\n"
	      "member = " ID_A "\n");
	assert_string_equal(resolve(p),
			    "groups/a.conf:6: unknown group '@ghost'\n");
	assert_int_equal(group_named(p, "team")->line, 4);
	assert_int_equal(group_named(p, "team")->members[1].line, 7);
}

static void group__memberships_of_a_deep_chain(void **state)
{
	struct parsed *p = *state;
	size_t g;
	bool *in;

	/* g5 > g4 > g3 > g2 > g1 > owner, defined deepest last */
	parse(p, "groups/a.conf",
	      "[g5]\nmember = @g4\n"
	      "[g4]\nmember = @g3\n"
	      "[g3]\nmember = @g2\nmember = " ID_B "\n"
	      "[g2]\nmember = @g1\n"
	      "[g1]\nmember = @owner\n");
	assert_string_equal(resolve(p), "");
	in = calloc(p->set.count, sizeof(*in));
	assert_non_null(in);
	group_memberships(&p->set, ID_A, true, in);
	for (g = 0; g < p->set.count; g++)
		assert_true(in[g]);
	group_memberships(&p->set, ID_A, false, in);
	for (g = 0; g < p->set.count; g++)
		assert_false(in[g]);
	group_memberships(&p->set, ID_B, false, in);
	assert_true(in[group_find(&p->set, "g5", 2)]);
	assert_true(in[group_find(&p->set, "g3", 2)]);
	assert_false(in[group_find(&p->set, "g2", 2)]);
	free(in);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(group__members),
		T(group__base_and_require_are_reserved),
		T(group__sixty_four_byte_name_keeps_its_members),
		T(group__nesting),
		T(group__owner_member),
		T(group__anyone_member_is_an_error),
		T(group__unknown_group),
		T(group__defined_twice),
		T(group__cycle_is_an_error),
		T(group__self_cycle_is_an_error),
		T(group__invalid_names),
		T(group__invalid_member),
		T(group__unknown_key),
		T(group__key_outside_a_section),
		T(group__line_of_198_bytes_is_fine),
		T(group__line_of_199_bytes_is_an_error),
		T(group__long_comment_cannot_smuggle_a_member),
		T(group__indented_line_is_an_error),
		T(group__cr_nul_and_stray_lines_are_errors),
		T(group__byte_order_mark_is_an_error),
		T(group__empty_group_is_a_warning),
		T(group__line_numbers_follow_the_file),
		T(group__memberships_of_a_deep_chain),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
