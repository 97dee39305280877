// Package activities holds what runs on a host: the steps of the runbooks as
// Temporal activities, executed by the host's agent on its own task queue.
//
// Every activity here is idempotent like a reconciler: it reads the host's
// state first, does only what is missing, and verifies the result, so that a
// retry after a crash, a timeout or a killed agent never repeats a side
// effect. Commands are argv lists built by code and run without a shell;
// every file is read and written under the agent's root directory (/ in
// production, a lab host's directory in rehearsals), so the same code runs
// against real hosts and emulated ones.
//
// Before anything runs, an input is checked twice: against the name rules
// of package names, which the runbook loader applies too (a refusal is
// BadInput), and against the agent's own policy in policy.go: only the
// config files, packages, kernel modules, services, devices and mount
// points the procedures use (a refusal is Forbidden). Both are permanent
// and touch nothing.
package activities
