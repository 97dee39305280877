// Package names holds the rules for every name, path and small value that
// a runbook puts on a command line or in a configuration file: cluster and
// host names, device paths, DRBD resources, GNBD exports, LVM names, the
// GFS2 lock table, the mount point.
//
// Two sides apply them: the runbook loader, when it reads a file, and the
// agent on each host, before it runs anything for a step. Both call this
// package, so a runbook that loads never carries a name the agent refuses,
// and a hostile workflow input meets the same rules as a file.
//
// A check returns nil or an error whose text says what is wrong with the
// value and what the rule is, without saying where the value came from:
// the loader adds the file, line and field, the agent the step.
//
// Where a rule is tighter than the real tool's, it is so that the name is
// safe unquoted on a command line (no '/', '..', spaces, metacharacters,
// no leading '-' that a tool would read as an option) and compares equal
// to what the tools print. Derivations that both sides need (the path of
// a logical volume, the device of a multipath map, the partition the
// runbooks make on a disk) are here too, so that the two cannot drift.
package names
