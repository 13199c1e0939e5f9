# bash completion for git mr (installed as completions/git-mr).
#
# git's own completion calls _git_mr for "git mr <TAB>", loading this file
# on demand through bash-completion's loader.

__git_mr_ids ()
{
	# "<16 hex>/<n>" of every request the local refs know
	git mr list --state all --format '%u/%n' 2>/dev/null
}

_git_mr ()
{
	local subcommands="init create update comment label close reopen approve
		unapprove merge list show diff checkout search fetch ci"
	local subcommand
	subcommand="$(__git_find_on_cmdline "$subcommands")"
	if [ -z "$subcommand" ]; then
		__gitcomp "$subcommands --help"
		return
	fi
	case "$subcommand,$cur" in
	init,--*)
		__gitcomp "--ci= --maintainer= --force --require-approvals=
			--require-ci --target= --help" ;;
	create,--*)
		__gitcomp "--target= --message= --file= --help" ;;
	create,*)
		__git_complete_refs ;;
	update,--*)
		__gitcomp "--message= --file= --help" ;;
	comment,--*)
		__gitcomp "--message= --file= --reply-to= --path= --line= --rev= --help" ;;
	label,*)
		case "$(__git_find_on_cmdline "add remove")" in
		"") __gitcomp "add remove" ;;
		*) __gitcomp "$(__git_mr_ids) open needs-review closed merged ci-pass ci-fail" ;;
		esac ;;
	merge,--*)
		__gitcomp "--rev= --not-latest --ff-only --no-ff --message= --help" ;;
	list,--state=*)
		__gitcomp "open closed merged all" "" "${cur##--state=}" ;;
	list,--sort=*)
		__gitcomp "number updated" "" "${cur##--sort=}" ;;
	list,--*)
		__gitcomp "--label= --author= --state= --target= --sort= --format= --porcelain --help" ;;
	diff,--*)
		__gitcomp "--rev= --range= --help" ;;
	checkout,--*|approve,--*|unapprove,--*)
		__gitcomp "--rev= --help" ;;
	fetch,--*)
		__gitcomp "--quiet --remote= --help" ;;
	ci,--*)
		__gitcomp "--once --loop --interval= --command= --timeout=
			--max-output= --memory= --bwrap= --accept-no-sandbox --help" ;;
	update,*|comment,*|close,*|reopen,*|merge,*|show,*|diff,*|checkout,*|\
	approve,*|unapprove,*)
		__gitcomp "$(__git_mr_ids)" ;;
	esac
}
