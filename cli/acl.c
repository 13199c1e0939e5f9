/* acl: main of git-acl: dispatch to one subcommand per file */
#include "../common/notls.h"
#include "acl.h"
#include "cli.h"

static const struct cli_subcommand acl_subcommands[] = {
	{"init", cmd_acl_init, "make a bare repository a gitapps server"},
	{"upgrade", cmd_acl_upgrade, "update a server set up by an older version"},
	{"doctor", cmd_acl_doctor, "check served repositories, one line a problem"},
	{"keys", cmd_acl_keys, "add, list or migrate the policy's keys"},
	{"ban", cmd_acl_ban, "make a user id identify nobody"},
	{"unban", cmd_acl_unban, "lift a ban"},
	{"lint", cmd_acl_lint, "check a policy and report every problem"},
	{"check", cmd_acl_check, "judge one ref update as the hook would"},
	{"explain", cmd_acl_explain, "say which rule allows an op, or why none"},
};

int main(int argc, char **argv)
{
	return cli_main("acl", acl_subcommands,
			sizeof(acl_subcommands) / sizeof(acl_subcommands[0]),
			NULL, argc, argv);
}
