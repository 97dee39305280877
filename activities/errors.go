package activities

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// Error types are protocol too: workflows branch on them with errors.As and
// ApplicationError.Type, and retry policies list the non-retryable ones.
const (
	// ErrCommandFailed is a command that exited non-zero (a *CommandError,
	// whose Go type name the SDK records as the failure type); retryable, since
	// most such failures on a cluster are a peer that is not ready yet.
	ErrCommandFailed = "CommandError"
	// ErrPackageMissing is a package the host's repositories do not carry.
	ErrPackageMissing = "PackageMissing"
	// ErrClusterMismatch is a host that already belongs to another cluster.
	ErrClusterMismatch = "ClusterMismatch"
	// ErrBadConfig is a config file the agent cannot take as it is: a
	// cluster.conf it cannot parse or whose config_version is at its
	// ceiling, a multipath.conf multipathd refuses, a config path that is
	// not a regular file or is over the read limit. A person must look;
	// the type string keeps its first name, which histories record.
	ErrBadConfig = "BadClusterConf"
	// ErrBadInput is a request the agent refuses before touching anything.
	ErrBadInput = "BadInput"
	// ErrNotMember is a host asked to act for a cluster it does not run:
	// its cluster.conf or its running cman names another cluster, or none.
	// Permanent: the runbook sent the step to the wrong host, and no retry
	// changes which cluster a host runs. A host whose cman is not running
	// yet is ErrNotReady instead.
	ErrNotMember = "NotMember"
	// ErrNotReady is a state that is expected to settle: membership still
	// forming, a peer not yet up. Retryable.
	ErrNotReady = "NotReady"
	// ErrVersionConflict is a concurrent cluster.conf change that won the
	// race; the next attempt re-reads and lands on top of it. Retryable.
	ErrVersionConflict = "VersionConflict"
	// ErrNotSpare is a disk the runbook calls spare that holds partitions.
	ErrNotSpare = "DiskNotSpare"
	// ErrUnlabelled is a disk with no partition table that a step would
	// label without the approval to (DiskInput.Label): the whole disk may
	// hold data. Permanent for the attempt; the workflow asks a person and
	// runs the step again with the approval.
	ErrUnlabelled = "UnlabelledDisk"
	// ErrNoDisk is a device a step needs that the host does not have.
	ErrNoDisk = "NoDisk"
	// ErrRejected is a destructive step a person refused.
	ErrRejected = "Rejected"
	// ErrInvalidRunbook is a runbook that does not load.
	ErrInvalidRunbook = "InvalidRunbook"
	// ErrForbidden is a well-formed request that the agent's own policy
	// refuses (policy.go): a file, mode, package, module, service, device
	// or directory outside what the procedures manage. It is told apart
	// from ErrBadInput, a value that breaks a name rule, because it is
	// what a rogue or mistaken client sends rather than a typo in a
	// runbook, and worth an operator's look. Permanent: no retry makes
	// the request allowed.
	ErrForbidden = "Forbidden"
	// ErrUnauthorized is a task the agent did not get from an orchestrator
	// it trusts (package sign): no signature, a key it does not know, or a
	// signature for another host, activity, input, run or time. Refused
	// before the activity runs. Permanent: the same task never becomes
	// authorized, and it is what an attacker with access to the namespace
	// sends, worth an operator's look.
	ErrUnauthorized = "Unauthorized"
)

// NonRetryable lists the error types no retry can fix; workflows put it in
// their retry policies so a permanent failure ends the step at once.
var NonRetryable = []string{ErrPackageMissing, ErrClusterMismatch, ErrBadConfig, ErrBadInput, ErrInvalidRunbook, ErrNotSpare, ErrUnlabelled, ErrRejected, ErrNoDisk, ErrForbidden, ErrUnauthorized}

// badInput is a request that breaks a rule of package names, the rules
// the runbook loader applies too; what names the part of the request.
func badInput(what string, err error) error {
	return permanent(ErrBadInput, "%s: %v", what, err)
}

// rule is one part of a request and what package names says of it.
type rule struct {
	what string
	err  error
}

// broken is the first of the rules that a request breaks, as a BadInput,
// or nil.
func broken(rules ...rule) error {
	for _, r := range rules {
		if r.err != nil {
			return badInput(r.what, r.err)
		}
	}
	return nil
}

func permanent(kind, format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), kind, nil)
}

func transient(kind, format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), kind)
}
