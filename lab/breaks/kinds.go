package breaks

import "github.com/tetsuzuki/tetsuzuki/findings"

// Kind is one kind of break: what goes wrong, the findings a check must
// report after it, and the repair that mends it.
type Kind struct {
	Name string // as `lab break` takes it
	Args string // its arguments, for usage: "[RESOURCE]", "FILE"
	Doc  string // one line, for `lab break --list`
	// Codes are the findings a check must report, on which hosts, and
	// when only sometimes. Apply's Result lists them for one break.
	Codes []Expect
	// Repair is what mends it: the steps the product's build runs.
	Repair string
	// Examples are ways to apply it on a built stack, for tests that go
	// over every kind.
	Examples []Example

	minArgs, maxArgs int
	apply            func(b *breaker, args []string) error
}

// Expect is a code a check must report after a break of a kind.
type Expect struct {
	Code findings.Code
	On   Where
	// If is the condition, in words, when the code is reported only
	// sometimes; "" is always.
	If string
}

// Where names the hosts a finding is about, from the host broken.
type Where string

// The hosts a finding may be about.
const (
	OnHost    Where = "host"    // the host broken
	OnPeer    Where = "peer"    // its DRBD peer
	OnMembers Where = "members" // the members of its cman cluster still running
	OnClients Where = "clients" // the clients importing its GNBD exports
)

// Role is what a host of the stack does, for Examples.
type Role string

// The roles of the blog's hosts.
const (
	Storage Role = "storage" // a DRBD pair's host, exporting with GNBD
	Client  Role = "client"  // imports, multipaths, runs clvmd, mounts GFS2
)

// Example is one way to apply a kind: on a host of a role, with arguments.
type Example struct {
	Role Role
	Args []string
}

// The config files config-edit edits.
const (
	lvmConf       = "/etc/lvm/lvm.conf"
	drbdConf      = "/etc/drbd.conf"
	multipathConf = "/etc/multipath.conf"
	clusterConf   = "/etc/cluster/cluster.conf"
)

// Kinds are every kind of break, in the stack's order, bottom to top,
// then the ones of any layer.
var Kinds = []Kind{
	{
		Name: "node-crash",
		Doc:  "cman dies on the host as when its node crashes: its peers see it leave",
		Codes: []Expect{
			{Code: findings.CmanNotRunning, On: OnHost},
			{Code: findings.NotQuorate, On: OnMembers, If: "the members left hold too few votes (never with two_node)"},
			{Code: findings.ClvmdDown, On: OnHost, If: "clvmd ran on the host"},
		},
		Repair:   "/etc/init.d/cman start on the host; then /etc/init.d/clvmd start where clvmd ran",
		Examples: []Example{{Role: Storage}, {Role: Client}},
		apply:    nodeCrash,
	},
	{
		Name: "drbd-disconnect", Args: "[RESOURCE]",
		Doc: "drbdadm disconnect: the resource stands alone, its peer waits for it",
		Codes: []Expect{
			{Code: findings.DRBDStandAlone, On: OnHost},
			{Code: findings.DRBDWaiting, On: OnPeer},
		},
		Repair:   "drbdadm connect RESOURCE on the host",
		Examples: []Example{{Role: Storage}},
		maxArgs:  1, apply: drbdDisconnect,
	},
	{
		Name: "split-brain", Args: "[RESOURCE]",
		Doc: "both sides wrote while apart: both stand alone, and say so in dmesg",
		Codes: []Expect{
			{Code: findings.DRBDSplitBrain, On: OnHost},
			{Code: findings.DRBDSplitBrain, On: OnPeer},
		},
		Repair: "on the side whose changes go: drbdadm secondary RESOURCE; drbdadm -- --discard-my-data connect RESOURCE; " +
			"on the other: drbdadm connect RESOURCE; once resynced, drbdadm primary RESOURCE on the first",
		Examples: []Example{{Role: Storage}},
		maxArgs:  1, apply: splitBrain,
	},
	{
		Name: "drbd-down", Args: "[RESOURCE]",
		Doc: "drbdadm down: /proc/drbd shows the resource Unconfigured, its peer waits",
		Codes: []Expect{
			{Code: findings.DRBDDown, On: OnHost},
			{Code: findings.DRBDWaiting, On: OnPeer},
		},
		Repair:   "drbdadm up RESOURCE; drbdadm primary RESOURCE",
		Examples: []Example{{Role: Storage}},
		maxArgs:  1, apply: drbdDown,
	},
	{
		Name: "drbd-secondary", Args: "[RESOURCE]",
		Doc:      "drbdadm secondary: the resource is demoted on the host",
		Codes:    []Expect{{Code: findings.DRBDNotPrimary, On: OnHost}},
		Repair:   "drbdadm primary RESOURCE",
		Examples: []Example{{Role: Storage}},
		maxArgs:  1, apply: drbdSecondary,
	},
	{
		Name: "gnbd-serv-dies",
		Doc:  "gnbd_serv dies: its exports go, the clients' imports of them disconnect",
		Codes: []Expect{
			{Code: findings.GNBDServDown, On: OnHost},
			{Code: findings.GNBDExportMissing, On: OnHost, If: "for each export it had"},
			{Code: findings.GNBDImportDown, On: OnClients, If: "for each import of its exports"},
			{Code: findings.PathFailed, On: OnClients, If: "for each such import that is a path of a multipath map"},
		},
		Repair:   "gnbd_serv; gnbd_export -d DEVICE -e NAME -u UID again for each export: the clients' gnbd_recvd reconnect",
		Examples: []Example{{Role: Storage}},
		apply:    gnbdServDies,
	},
	{
		Name: "import-disconnect", Args: "[IMPORT]",
		Doc: "one import's gnbd_recvd is gone: gnbd_import -l shows it Disconnected",
		Codes: []Expect{
			{Code: findings.GNBDImportDown, On: OnHost},
			{Code: findings.PathFailed, On: OnHost, If: "the import is a path of a multipath map"},
		},
		Repair:   "gnbd_import -i SERVER (or gnbd_import -a) on the host: gnbd_recvd is restarted",
		Examples: []Example{{Role: Client}},
		maxArgs:  1, apply: importDisconnect,
	},
	{
		Name: "path-fail", Args: "[MAP [PATH]]",
		Doc:      "device-mapper fails one path of a multipath map: multipath -l shows it [failed]",
		Codes:    []Expect{{Code: findings.PathFailed, On: OnHost}},
		Repair:   "/etc/init.d/multipathd restart (or reload): its checker reinstates the path",
		Examples: []Example{{Role: Client}},
		maxArgs:  2, apply: pathFail,
	},
	{
		Name:     "multipathd-stop",
		Doc:      "multipathd dies: status says dead but subsys locked, the maps stay",
		Codes:    []Expect{{Code: findings.MultipathdDown, On: OnHost}},
		Repair:   "/etc/init.d/multipathd restart (or start)",
		Examples: []Example{{Role: Client}},
		apply:    multipathdStop,
	},
	{
		Name:     "clvmd-stop",
		Doc:      "clvmd dies: status says dead but subsys locked, the LVs stay active",
		Codes:    []Expect{{Code: findings.ClvmdDown, On: OnHost}},
		Repair:   "/etc/init.d/clvmd start",
		Examples: []Example{{Role: Client}},
		apply:    clvmdStop,
	},
	{
		Name: "lv-deactivate", Args: "[VG/LV]",
		Doc: "lvchange -aln on the host, after unmounting the GFS2 on it there",
		Codes: []Expect{
			{Code: findings.LVInactive, On: OnHost},
			{Code: findings.GFS2NotMounted, On: OnHost, If: "a GFS2 on the LV was mounted on the host"},
		},
		Repair:   "lvchange -ay VG/LV; mount -t gfs2 /dev/VG/LV DIR where it was mounted",
		Examples: []Example{{Role: Client}},
		maxArgs:  1, apply: lvDeactivate,
	},
	{
		Name: "gfs2-unmount", Args: "[DIR]",
		Doc:      "the GFS2 is unmounted on the host",
		Codes:    []Expect{{Code: findings.GFS2NotMounted, On: OnHost}},
		Repair:   "mount -t gfs2 /dev/VG/LV DIR",
		Examples: []Example{{Role: Client}},
		maxArgs:  1, apply: gfs2Unmount,
	},
	{
		Name: "config-edit", Args: "FILE",
		Doc: "a managed config file edited by hand (lvm.conf, drbd.conf, multipath.conf, cluster.conf)",
		Codes: []Expect{
			{Code: findings.LockingNotCluster, On: OnHost, If: "FILE is " + lvmConf + " (locking_type = 1)"},
			{Code: findings.DRBDConfDrift, On: OnHost, If: "FILE is " + drbdConf + " (a syncer rate doubled)"},
			{Code: findings.MultipathConfDrift, On: OnHost, If: "FILE is " + multipathConf + " (polling_interval set)"},
			{Code: findings.ConfigSkew, On: OnMembers, If: "FILE is " + clusterConf + " (config_version raised on this member only: the others hold an older file)"},
		},
		Repair: "write the file the runbook renders again (for lvm.conf, lvmconf --enable-cluster does it); " +
			"cluster.conf back to the running config_version, or a higher one pushed with ccs_tool update",
		Examples: []Example{
			{Role: Client, Args: []string{lvmConf}},
			{Role: Storage, Args: []string{drbdConf}},
			{Role: Client, Args: []string{multipathConf}},
			{Role: Storage, Args: []string{clusterConf}},
		},
		minArgs: 1, maxArgs: 1, apply: configEdit,
	},
	{
		Name: "package-remove", Args: "PACKAGE",
		Doc:      "rpm -e --nodeps PACKAGE: rpm -q no longer finds it, its tools are gone",
		Codes:    []Expect{{Code: findings.PackageMissing, On: OnHost}},
		Repair:   "yum -y install PACKAGE",
		Examples: []Example{{Role: Client, Args: []string{"gfs2-utils"}}},
		minArgs:  1, maxArgs: 1, apply: packageRemove,
	},
}
