/* acl: the subcommands of git-acl, the access-control admin command */
#ifndef CLI_ACL_H
#define CLI_ACL_H

/* Each takes argv with argv[0] the subcommand's name; returns an exit code. */
int cmd_acl_lint(int argc, char **argv);
int cmd_acl_init(int argc, char **argv);
int cmd_acl_check(int argc, char **argv);
int cmd_acl_explain(int argc, char **argv);
int cmd_acl_keys(int argc, char **argv);
int cmd_acl_ban(int argc, char **argv);
int cmd_acl_unban(int argc, char **argv);
int cmd_acl_upgrade(int argc, char **argv);
int cmd_acl_doctor(int argc, char **argv);

#endif
