/* acl_gate: the requirements of a ref (SPEC 11) as check and explain
   print them */
#ifndef CLI_ACL_GATE_H
#define CLI_ACL_GATE_H

#include <stdbool.h>
#include <stdio.h>

#include "../hooks/gate.h"

/*
 * One line per requirement of report, "met: <what> (<file>:<line>)" or
 * (unless met_only) "missing: <what> (<file>:<line>)", <what> as the
 * hook's denial says it.  Returns 0, or -1 when memory runs out.
 */
int acl_gate_print(FILE *out, const struct gate_report *report,
		   bool met_only);

#endif
