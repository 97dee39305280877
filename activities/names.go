package activities

// Activity names are protocol: recorded histories refer to them, so they are
// constants and never derived from Go identifiers.
const (
	ProbeName             = "Probe"
	EnsurePackagesName    = "EnsurePackages"
	RemovePackagesName    = "RemovePackages"
	CreateClusterConfName = "CreateClusterConf"
	WriteBootstrapName    = "WriteBootstrapConf"
	AddNodeName           = "AddNode"
	RemoveNodeName        = "RemoveNode"
	StartCmanName         = "StartCman"
	StopCmanName          = "StopCman"
	MembershipName        = "Membership"
	RestoreFileName       = "RestoreFile"
	LoadRunbookName       = "LoadRunbook"
)

// HostQueuePrefix starts the name of every host agent's task queue.
const HostQueuePrefix = "host-"

// HostQueue is the task queue of the agent on the host with this FQDN.
// Pinning a step to a host is choosing this queue.
func HostQueue(fqdn string) string { return HostQueuePrefix + fqdn }
