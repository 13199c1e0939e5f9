/* rule: refs/ and branches/ files into rules and [sections] (SPEC 5) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../policy/rule.h"

#define ID_A "0123456789ABCDEF0123456789ABCDEF01234567"

/* What one test parsed: the rules, and every diagnostic as text. */
struct parsed {
	struct rule_set set;
	struct diag_list diags;
	struct buf text;	/* the diagnostics, one line each */
};

static int setup(void **state)
{
	struct parsed *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	rule_set_init(&p->set);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct parsed *p = *state;

	rule_set_dispose(&p->set);
	diag_list_dispose(&p->diags);
	buf_dispose(&p->text);
	free(p);
	return 0;
}

/* Parse len bytes as file; return every diagnostic so far, one a line. */
static const char *parse_len(struct parsed *p, const char *file,
			     const char *buf, size_t len, enum op_kind kind)
{
	size_t i;

	assert_int_equal(rule_parse(&p->set, file, buf, len, kind, &p->diags),
			 0);
	buf_clear(&p->text);
	for (i = 0; i < p->diags.count; i++) {
		assert_int_equal(diag_format(&p->text, &p->diags.items[i]), 0);
		assert_int_equal(buf_putc(&p->text, '\n'), 0);
	}
	return buf_cstr(&p->text);
}

static const char *parse(struct parsed *p, const char *file, const char *buf,
			 enum op_kind kind)
{
	return parse_len(p, file, buf, strlen(buf), kind);
}

static const char *pattern_of(const struct parsed *p, size_t i)
{
	assert_true(i < p->set.count);
	return match_pattern_text(p->set.rules[i].pattern);
}

static void rule__fields_split_on_runs_of_blanks(void **state)
{
	struct parsed *p = *state;
	const struct rule *r;

	assert_string_equal(parse(p, "branches/a.conf",
				  "anyone \t create-file\t\t  foo\n",
				  OP_KIND_TREE),
			    "");
	assert_int_equal(p->set.count, 1);
	r = &p->set.rules[0];
	assert_string_equal(r->file, "branches/a.conf");
	assert_int_equal(r->line, 1);
	assert_int_equal(r->kind, OP_KIND_TREE);
	assert_int_equal(r->who_kind, RULE_WHO_ANYONE);
	assert_string_equal(r->who, "anyone");
	assert_int_equal(r->ops, OP_CREATE_FILE);
	assert_string_equal(pattern_of(p, 0), "foo");
	assert_int_equal(r->section, RULE_NO_SECTION);
}

static void rule__regex_is_the_rest_of_the_line(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "anyone create-file foo  bar\tbaz \t \n"
				  "  \towner modify,delete a \t b\n"
				  "anyone create-file with\\x20\t\n"
				  "owner create-file x y z",
				  OP_KIND_TREE),
			    "");
	assert_int_equal(p->set.count, 4);
	assert_string_equal(pattern_of(p, 0), "foo  bar\tbaz");
	assert_string_equal(pattern_of(p, 1), "a \t b");
	assert_int_equal(p->set.rules[1].ops, OP_MODIFY | OP_DELETE_FILE);
	assert_int_equal(p->set.rules[1].who_kind, RULE_WHO_OWNER);
	/* a trailing space is written \x20 */
	assert_string_equal(pattern_of(p, 2), "with\\x20");
	/* the last line needs no newline */
	assert_string_equal(pattern_of(p, 3), "x y z");
	assert_int_equal(p->set.rules[3].line, 4);
}

static void rule__comments_and_blank_lines(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "# a comment\n"
				  " \t# an indented comment\n"
				  "\n"
				  " \t \n"
				  "anyone create-file a#b # not a comment\n"
				  "#anyone create-file commented-out\n",
				  OP_KIND_TREE),
			    "");
	assert_int_equal(p->set.count, 1);
	assert_int_equal(p->set.rules[0].line, 5);
	/* `#` after the first non-blank byte is part of the regex */
	assert_string_equal(pattern_of(p, 0), "a#b # not a comment");
}

static void rule__who_kinds(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "refs/a.conf",
				  "anyone create .*\n"
				  "owner force .*\n" ID_A " delete .*\n"
				  "release-team create-tag tags/.*\n",
				  OP_KIND_REF),
			    "");
	assert_int_equal(p->set.count, 4);
	assert_int_equal(p->set.rules[0].who_kind, RULE_WHO_ANYONE);
	assert_int_equal(p->set.rules[0].ops, OP_CREATE_BRANCH | OP_CREATE_TAG);
	assert_int_equal(p->set.rules[1].who_kind, RULE_WHO_OWNER);
	assert_int_equal(p->set.rules[2].who_kind, RULE_WHO_USER);
	assert_string_equal(p->set.rules[2].who, ID_A);
	assert_int_equal(p->set.rules[3].who_kind, RULE_WHO_GROUP);
	assert_string_equal(p->set.rules[3].who, "release-team");
	assert_int_equal(p->set.rules[3].kind, OP_KIND_REF);
}

static void rule__cr_is_an_error(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "anyone create-file a\r\n"
				  "anyone create-file b\n"
				  "# a comment\r\n"
				  "anyone create-file c\rd\n",
				  OP_KIND_TREE),
			    "branches/a.conf:1: CR byte in line\n"
			    "branches/a.conf:3: CR byte in line\n"
			    "branches/a.conf:4: CR byte in line\n");
	assert_int_equal(p->set.count, 1);
	assert_string_equal(pattern_of(p, 0), "b");
	assert_int_equal(p->diags.errors, 3);
}

static void rule__nul_is_an_error(void **state)
{
	struct parsed *p = *state;
	static const char file[] = "anyone create-file b\n"
				   "anyone create-file a\0b\n"
				   "# \0\n";

	assert_string_equal(parse_len(p, "branches/a.conf", file,
				      sizeof(file) - 1, OP_KIND_TREE),
			    "branches/a.conf:2: NUL byte in line\n"
			    "branches/a.conf:3: NUL byte in line\n");
	assert_int_equal(p->set.count, 1);
}

static void rule__long_line_is_an_error(void **state)
{
	struct parsed *p = *state;
	const char *head = "anyone create-file ";
	size_t hl = strlen(head);
	struct buf file = BUF_INIT;
	size_t i;

	/* line 1: exactly 4096 bytes; line 2: 4097; line 3: a long comment */
	assert_int_equal(buf_puts(&file, head), 0);
	for (i = hl; i < RULE_LINE_MAX; i++)
		assert_int_equal(buf_putc(&file, 'a'), 0);
	assert_int_equal(buf_putc(&file, '\n'), 0);
	assert_int_equal(buf_puts(&file, head), 0);
	for (i = hl; i < RULE_LINE_MAX + 1; i++)
		assert_int_equal(buf_putc(&file, 'b'), 0);
	assert_int_equal(buf_puts(&file, "\n#"), 0);
	for (i = 1; i < 5000; i++)
		assert_int_equal(buf_putc(&file, 'c'), 0);
	assert_int_equal(buf_puts(&file, "\nanyone modify d\n"), 0);
	assert_string_equal(parse_len(p, "branches/long.conf", file.ptr,
				      file.len, OP_KIND_TREE),
			    "branches/long.conf:2: line longer than 4096 "
			    "bytes\n"
			    "branches/long.conf:3: line longer than 4096 "
			    "bytes\n");
	assert_int_equal(p->set.count, 2);
	assert_int_equal(strlen(pattern_of(p, 0)), RULE_LINE_MAX - hl);
	assert_int_equal(p->set.rules[1].line, 4);
	buf_dispose(&file);
}

static void rule__too_few_fields(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "anyone create-file\n"
				  "anyone\n"
				  "anyone create-file \t \n"
				  "  owner\t\n",
				  OP_KIND_TREE),
			    "branches/a.conf:1: rule needs three fields: WHO "
			    "OPS REGEX\n"
			    "branches/a.conf:2: rule needs three fields: WHO "
			    "OPS REGEX\n"
			    "branches/a.conf:3: rule needs three fields: WHO "
			    "OPS REGEX\n"
			    "branches/a.conf:4: rule needs three fields: WHO "
			    "OPS REGEX\n");
	assert_int_equal(p->set.count, 0);
}

static void rule__invalid_who(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "refs/a.conf",
				  "Anyone create .*\n"
				  "@team create .*\n"
				  "OWNER create .*\n",
				  OP_KIND_REF),
			    "refs/a.conf:1: invalid WHO 'Anyone': expected "
			    "anyone, owner, a group name or a user id\n"
			    "refs/a.conf:2: invalid WHO '@team': expected "
			    "anyone, owner, a group name or a user id\n"
			    "refs/a.conf:3: invalid WHO 'OWNER': expected "
			    "anyone, owner, a group name or a user id\n");
	assert_int_equal(p->set.count, 0);
}

static void rule__invalid_user_id(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(
		parse(p, "refs/a.conf",
		      /* lower-case */
		      "0123456789abcdef0123456789abcdef01234567 create .*\n"
		      /* 39 digits */
		      "0123456789ABCDEF0123456789ABCDEF0123456 create .*\n"
		      /* 41 digits */
		      "0123456789ABCDEF0123456789ABCDEF012345678 create .*\n"
		      /* a short (64-bit) key id */
		      "89ABCDEF01234567 create .*\n",
		      OP_KIND_REF),
		"refs/a.conf:1: invalid user id "
		"'0123456789abcdef0123456789abcdef01234567': user ids are 40 "
		"upper-case hex digits\n"
		"refs/a.conf:2: invalid user id "
		"'0123456789ABCDEF0123456789ABCDEF0123456': user ids are 40 "
		"upper-case hex digits\n"
		"refs/a.conf:3: invalid user id "
		"'0123456789ABCDEF0123456789ABCDEF012345678': user ids are 40 "
		"upper-case hex digits\n"
		"refs/a.conf:4: invalid user id '89ABCDEF01234567': user ids "
		"are 40 upper-case hex digits\n");
	assert_int_equal(p->set.count, 0);
}

static void rule__unknown_op_names_file_and_line(void **state)
{
	struct parsed *p = *state;

	/* the post's own line, misspelling and all */
	assert_string_equal(
		parse(p, "refs/owner.conf",
		      "owner create-branch,create-tag,fast-foward,force,delete "
		      "^.*$\n",
		      OP_KIND_REF),
		"refs/owner.conf:1: unknown op 'fast-foward'\n");
	assert_int_equal(p->set.count, 0);
}

static void rule__op_of_the_other_kind_names_file_and_line(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "refs/a.conf",
				  "# ref rules\n"
				  "owner create-file .*\n",
				  OP_KIND_REF),
			    "refs/a.conf:2: 'create-file' is a tree op, not "
			    "allowed in refs/\n");
	assert_string_equal(parse(p, "branches/b.conf",
				  "owner fast-forward,modify .*\n"
				  "owner create-file,,modify .*\n",
				  OP_KIND_TREE),
			    "refs/a.conf:2: 'create-file' is a tree op, not "
			    "allowed in refs/\n"
			    "branches/b.conf:1: 'fast-forward' is a ref op, "
			    "not allowed in branches/\n"
			    "branches/b.conf:2: empty op in list "
			    "'create-file,,modify'\n");
	assert_int_equal(p->set.count, 0);
}

static void rule__sections_only_in_branches(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "refs/a.conf",
				  "[heads/.*]\n"
				  "owner force .*\n",
				  OP_KIND_REF),
			    "refs/a.conf:1: sections are not allowed in "
			    "refs/\n");
	assert_int_equal(p->set.nsections, 0);
	assert_int_equal(p->set.count, 1);
	assert_int_equal(p->set.rules[0].section, RULE_NO_SECTION);
}

static void rule__section_line_must_end_with_bracket(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "[apps/x\n"
				  "[apps/y] # a comment is no comment here\n"
				  "[apps/z]  \t\n",
				  OP_KIND_TREE),
			    "branches/a.conf:1: section line must end with "
			    "']'\n"
			    "branches/a.conf:2: section line must end with "
			    "']'\n");
	/* trailing blanks are not part of the line */
	assert_int_equal(p->set.nsections, 1);
	assert_string_equal(match_pattern_text(p->set.sections[0].pattern),
			    "apps/z");
	assert_int_equal(p->set.sections[0].line, 3);
}

static void rule__empty_section_is_an_error(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf", "[]\n", OP_KIND_TREE),
			    "branches/a.conf:1: empty section pattern\n");
	assert_int_equal(p->set.nsections, 0);
}

static void rule__bad_section_regex_names_file_and_line(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "# sections\n"
				  "[apps/(]\n",
				  OP_KIND_TREE),
			    "branches/a.conf:2: section 'apps/(': bad regex: "
			    "missing closing parenthesis at offset 6\n");
	assert_int_equal(p->set.nsections, 0);
}

static void rule__rules_after_a_section_belong_to_it(void **state)
{
	struct parsed *p = *state;
	const struct rule_set *set = &p->set;

	assert_string_equal(parse(p, "branches/a.conf",
				  "anyone create-file a\n"
				  "[apps/x]\n"
				  "anyone create-file b\n"
				  "\n"
				  "anyone modify c\n"
				  "  [heads/$user_id/.*]  \n"
				  "owner delete d\n",
				  OP_KIND_TREE),
			    "");
	assert_int_equal(set->count, 4);
	assert_int_equal(set->nsections, 2);
	assert_string_equal(set->sections[0].file, "branches/a.conf");
	assert_int_equal(set->sections[0].line, 2);
	assert_string_equal(match_pattern_text(set->sections[0].pattern),
			    "apps/x");
	assert_int_equal(set->sections[1].line, 6);
	assert_string_equal(match_pattern_text(set->sections[1].pattern),
			    "heads/$user_id/.*");
	assert_int_equal(set->rules[0].section, RULE_NO_SECTION);
	assert_int_equal(set->rules[1].section, 0);
	assert_int_equal(set->rules[2].section, 0);
	assert_int_equal(set->rules[3].section, 1);
	assert_string_equal(pattern_of(p, 3), "d");
}

static void rule__each_file_starts_unsectioned(void **state)
{
	struct parsed *p = *state;
	const struct rule_set *set = &p->set;

	assert_string_equal(parse(p, "branches/a.conf",
				  "[apps/x]\n"
				  "anyone create-file a\n",
				  OP_KIND_TREE),
			    "");
	assert_string_equal(parse(p, "branches/b.conf",
				  "anyone create-file b\n"
				  "[apps/y]\n"
				  "anyone create-file c\n",
				  OP_KIND_TREE),
			    "");
	assert_int_equal(set->count, 3);
	assert_int_equal(set->rules[0].section, 0);
	assert_string_equal(set->rules[1].file, "branches/b.conf");
	assert_int_equal(set->rules[1].section, RULE_NO_SECTION);
	assert_int_equal(set->rules[2].section, 1);
	assert_string_equal(set->sections[1].file, "branches/b.conf");
}

static void rule__bad_regex_names_file_and_line(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "\n"
				  "anyone create-file ok\n"
				  "anyone create-file a(\n",
				  OP_KIND_TREE),
			    "branches/a.conf:3: bad regex: missing closing "
			    "parenthesis at offset 2 in 'a('\n");
	assert_string_equal(parse(p, "refs/b.conf", "anyone create (*UTF)x\n",
				  OP_KIND_REF),
			    "branches/a.conf:3: bad regex: missing closing "
			    "parenthesis at offset 2 in 'a('\n"
			    "refs/b.conf:1: bad regex: using UTF is disabled "
			    "by the application at offset 6 in '(*UTF)x'\n");
	assert_int_equal(p->set.count, 1);
}

static void rule__messages_escape_control_bytes(void **state)
{
	struct parsed *p = *state;

	/* what the policy's author wrote never reaches a terminal raw */
	assert_string_equal(parse(p, "branches/a.conf",
				  "any\x1b[2Jone create-file x\n"
				  "anyone create-file \x1b]0;x\a(\n",
				  OP_KIND_TREE),
			    "branches/a.conf:1: invalid WHO 'any\\033[2Jone': "
			    "expected anyone, owner, a group name or a user "
			    "id\n"
			    "branches/a.conf:2: bad regex: missing closing "
			    "parenthesis at offset 7 in '\\033]0;x\\a('\n");
}

static void rule__parsing_goes_on_after_errors(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf",
				  "anyone create-fil a\n"
				  "anyone create-file good-1\n"
				  "anyone create-file (\n"
				  "Nobody create-file c\n"
				  "[apps/x\n"
				  "anyone\n"
				  "[apps/(]\n"
				  "owner modify good-2\n",
				  OP_KIND_TREE),
			    "branches/a.conf:1: unknown op 'create-fil'\n"
			    "branches/a.conf:3: bad regex: missing closing "
			    "parenthesis at offset 1 in '('\n"
			    "branches/a.conf:4: invalid WHO 'Nobody': expected "
			    "anyone, owner, a group name or a user id\n"
			    "branches/a.conf:5: section line must end with "
			    "']'\n"
			    "branches/a.conf:6: rule needs three fields: WHO "
			    "OPS REGEX\n"
			    "branches/a.conf:7: section 'apps/(': bad regex: "
			    "missing closing parenthesis at offset 6\n");
	assert_int_equal(p->diags.errors, 6);
	assert_int_equal(p->set.count, 2);
	assert_string_equal(pattern_of(p, 0), "good-1");
	assert_string_equal(pattern_of(p, 1), "good-2");
	assert_int_equal(p->set.rules[1].line, 8);
}

static void rule__file_name_is_copied(void **state)
{
	struct parsed *p = *state;
	char name[] = "branches/a.conf";

	assert_string_equal(parse(p, name, "[apps/x]\nanyone modify a\n",
				  OP_KIND_TREE),
			    "");
	memset(name, 'x', sizeof(name) - 1);
	assert_string_equal(p->set.rules[0].file, "branches/a.conf");
	assert_string_equal(p->set.sections[0].file, "branches/a.conf");
}

static void rule__base_lines(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "refs/a.conf",
				  "base heads/main\n"
				  "base\t heads/release/.* \n"
				  "owner create-branch .*\n",
				  OP_KIND_REF),
			    "");
	assert_int_equal(p->set.nbases, 2);
	assert_int_equal(p->set.count, 1);
	assert_string_equal(match_pattern_text(p->set.bases[0].pattern),
			    "heads/main");
	assert_string_equal(p->set.bases[0].file, "refs/a.conf");
	assert_int_equal(p->set.bases[0].line, 1);
	/* the rest after the first run of blanks, trailing blanks off */
	assert_string_equal(match_pattern_text(p->set.bases[1].pattern),
			    "heads/release/.*");
	assert_int_equal(p->set.bases[1].line, 2);
}

static void rule__bad_base_lines(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(
		parse(p, "refs/a.conf",
		      "base\n"
		      "base heads/u/$user_id\n"
		      "base heads/(\n"
		      "basement create-branch .*\n",
		      OP_KIND_REF),
		"refs/a.conf:1: base line needs a REF-REGEX\n"
		"refs/a.conf:2: $user_id in base pattern 'heads/u/$user_id': "
		"a base ref is the same for every pusher\n"
		"refs/a.conf:3: bad regex: missing closing parenthesis at "
		"offset 7 in 'heads/('\n");
	assert_int_equal(p->set.nbases, 0);
	/* a WHO that merely starts with base is a WHO */
	assert_int_equal(p->set.count, 1);
	assert_string_equal(p->set.rules[0].who, "basement");
}

static void rule__base_and_require_only_in_refs(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(
		parse(p, "branches/a.conf",
		      "base heads/main\n"
		      "reviewers require 2:review heads/main\n",
		      OP_KIND_TREE),
		"branches/a.conf:1: base lines belong in refs/*.conf\n"
		"branches/a.conf:2: require lines belong in refs/*.conf\n");
	assert_int_equal(p->set.nbases, 0);
	assert_int_equal(p->set.nrequires, 0);
	assert_int_equal(p->set.count, 0);
}

static void rule__empty_file_has_no_rules(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(parse(p, "branches/a.conf", "", OP_KIND_TREE), "");
	assert_string_equal(parse(p, "branches/b.conf", "\n\n# x\n",
				  OP_KIND_TREE),
			    "");
	assert_int_equal(p->set.count, 0);
	assert_int_equal(p->set.nsections, 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(rule__fields_split_on_runs_of_blanks),
		T(rule__regex_is_the_rest_of_the_line),
		T(rule__comments_and_blank_lines),
		T(rule__who_kinds),
		T(rule__cr_is_an_error),
		T(rule__nul_is_an_error),
		T(rule__long_line_is_an_error),
		T(rule__too_few_fields),
		T(rule__invalid_who),
		T(rule__invalid_user_id),
		T(rule__unknown_op_names_file_and_line),
		T(rule__op_of_the_other_kind_names_file_and_line),
		T(rule__sections_only_in_branches),
		T(rule__section_line_must_end_with_bracket),
		T(rule__empty_section_is_an_error),
		T(rule__bad_section_regex_names_file_and_line),
		T(rule__rules_after_a_section_belong_to_it),
		T(rule__each_file_starts_unsectioned),
		T(rule__bad_regex_names_file_and_line),
		T(rule__messages_escape_control_bytes),
		T(rule__parsing_goes_on_after_errors),
		T(rule__file_name_is_copied),
		T(rule__empty_file_has_no_rules),
		T(rule__base_lines),
		T(rule__bad_base_lines),
		T(rule__base_and_require_only_in_refs),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
