# bash completion for git acl (installed as completions/git-acl).
#
# git's own completion calls _git_acl for "git acl <TAB>", loading this
# file on demand through bash-completion's loader.

_git_acl ()
{
	local subcommands="init upgrade doctor keys ban unban lint check explain"
	local subcommand
	subcommand="$(__git_find_on_cmdline "$subcommands")"
	if [ -z "$subcommand" ]; then
		__gitcomp "$subcommands --help"
		return
	fi
	case "$subcommand,$cur" in
	init,--*)
		__gitcomp "--owner= --owner-key= --branch= --slop= --force --help" ;;
	doctor,--*)
		__gitcomp "--all= --fix --help" ;;
	upgrade,--*|unban,--*)
		__gitcomp "--help" ;;
	ban,--*)
		__gitcomp "--message= --help" ;;
	keys,*)
		case "$(__git_find_on_cmdline "add list migrate")" in
		"") __gitcomp "add list migrate" ;;
		esac ;;
	check,--*|explain,--*)
		__gitcomp "--owner= --as= --help" ;;
	explain,*)
		__gitcomp "create-branch create-tag fast-forward force delete
			create-directory create-file create-symlink
			create-gitlink modify delete-file" ;;
	lint,*)
		__git_complete_refs ;;
	esac
}
