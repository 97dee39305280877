package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
	"go.temporal.io/sdk/activity"
)

// DRBDConfPath is where drbdadm reads its resources.
const DRBDConfPath = "/etc/drbd.conf"

// DRBDResource is one mirror pair as drbd.conf describes it; the same file
// goes to both hosts.
type DRBDResource struct {
	Name     string     `json:"name"`
	Device   string     `json:"device"`
	Protocol string     `json:"protocol"`
	Rate     string     `json:"rate"`
	Port     int        `json:"port"`
	Nodes    []DRBDNode `json:"nodes"`
}

// DRBDNode is one side of a pair.
type DRBDNode struct {
	Host    string `json:"host"` // FQDN: drbdadm matches it with uname -n
	Address string `json:"address"`
	Disk    string `json:"disk"`
}

// Minor is the device's minor number, the resource's line in /proc/drbd;
// -1 for a device that is not /dev/drbdN.
func (r DRBDResource) Minor() int {
	n, err := names.DRBDDevice(r.Device)
	if err != nil {
		return -1
	}
	return n
}

func (r DRBDResource) check() error {
	what := "drbd resource " + names.Quote(r.Name) + ": "
	_, deviceErr := names.DRBDDevice(r.Device)
	if err := broken(
		rule{what + "name", names.DRBDResource(r.Name)},
		rule{what + "device", deviceErr},
		rule{what + "protocol", names.DRBDProtocol(r.Protocol)},
		rule{what + "rate", names.DRBDRate(r.Rate)},
		rule{what + "port", names.Port(r.Port)},
	); err != nil {
		return err
	}
	if len(r.Nodes) != 2 {
		return permanent(ErrBadInput, "%sa pair has two hosts, not %d", what, len(r.Nodes))
	}
	for _, n := range r.Nodes {
		if err := broken(
			rule{what + "host", names.FQDN(n.Host)},
			rule{what + "address of " + n.Host, names.DRBDAddress(n.Address)},
			rule{what + "disk of " + n.Host, names.DRBDDisk(n.Disk)},
		); err != nil {
			return err
		}
	}
	return nil
}

// RenderDRBDConf writes the resources in the layout of PROCEDURES.md,
// part #2b: both primaries allowed (the clients write through both halves
// of a pair) and both sides promoted at startup. A check renders it in
// workflow code, so it writes to nothing but a string.
func RenderDRBDConf(resources []DRBDResource) string {
	var b strings.Builder
	b.WriteString("global { usage-count no; }\n")
	if len(resources) > 0 {
		b.WriteString(fmt.Sprintf("common { syncer { rate %s; } }\n", resources[0].Rate))
	}
	for _, r := range resources {
		b.WriteString(fmt.Sprintf("resource %s {\n  protocol %s;\n  startup { become-primary-on both; }\n  net { allow-two-primaries; }\n  syncer { rate %s; }\n", r.Name, r.Protocol, r.Rate))
		for _, n := range r.Nodes {
			b.WriteString(fmt.Sprintf("  on %s {\n    device %s;\n    disk %s;\n    address %s:%d;\n    meta-disk internal;\n  }\n", n.Host, r.Device, n.Disk, n.Address, r.Port))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// DRBDConfInput is the drbd.conf a host should have.
type DRBDConfInput struct {
	Resources []DRBDResource `json:"resources"`
}

// WriteDRBDConf writes /etc/drbd.conf unless it already says this.
func (h *Host) WriteDRBDConf(ctx context.Context, in DRBDConfInput) (Change, error) {
	for _, r := range in.Resources {
		if err := r.check(); err != nil {
			return Change{}, err
		}
	}
	want := RenderDRBDConf(in.Resources)
	cur, err := h.readState(DRBDConfPath)
	if err != nil || cur.Content == want {
		return Change{}, err
	}
	return Change{Changed: true}, h.writeFile(DRBDConfPath, []byte(want), 0o644)
}

// DRBDInput names a resource on this host.
type DRBDInput struct {
	Resource DRBDResource `json:"resource"`
}

// drbdState reads this resource's line of /proc/drbd; without the module or
// the resource it reads as Unconfigured.
func (h *Host) drbdState(ctx context.Context, r DRBDResource) (DRBDStatus, error) {
	none := DRBDStatus{Minor: r.Minor(), Connection: "Unconfigured"}
	if ok, err := h.moduleLoaded("drbd"); err != nil || !ok {
		return none, err
	}
	out, err := h.run(ctx, time.Minute, "cat", "/proc/drbd")
	if err != nil {
		return none, err
	}
	all, err := ParseProcDRBD(out.Stdout)
	if err != nil {
		return none, err
	}
	for _, s := range all {
		if s.Minor == r.Minor() {
			return s, nil
		}
	}
	return none, nil
}

// CreateMetadata writes DRBD's internal metadata on the disk, once: a
// resource that is up has it, and `drbdadm dump-md` succeeds on a disk that
// carries it (create-md would ask before overwriting it, and the agent
// never answers yes).
func (h *Host) CreateMetadata(ctx context.Context, in DRBDInput) (Change, error) {
	if err := in.Resource.check(); err != nil {
		return Change{}, err
	}
	if !slices.ContainsFunc(in.Resource.Nodes, func(n DRBDNode) bool { return n.Host == h.FQDN }) {
		return Change{}, permanent(ErrBadInput, "drbd resource %s: %s is not one of its hosts", names.Quote(in.Resource.Name), h.FQDN)
	}
	s, err := h.drbdState(ctx, in.Resource)
	if err != nil || s.up() {
		return Change{}, err
	}
	if _, err := h.run(ctx, time.Minute, "drbdadm", "dump-md", in.Resource.Name); err == nil {
		return Change{}, nil
	}
	for _, n := range in.Resource.Nodes {
		if n.Host != h.FQDN {
			continue
		}
		if ok, err := h.exists(n.Disk); err != nil || !ok {
			return Change{}, permanent(ErrNoDisk, "%s: %s does not exist: prepare the disk (PrepareDisk) before the DRBD pair", h.FQDN, n.Disk)
		}
		if err := h.checkDiskNode("drbd disk", n.Disk); err != nil {
			return Change{}, err
		}
		if err := h.notMounted(ctx, "drbd disk", n.Disk); err != nil {
			return Change{}, err
		}
	}
	return h.act(ctx, 5*time.Minute, "drbdadm", "create-md", in.Resource.Name)
}

// DRBDUp attaches the disk and connects to the peer unless the resource is
// up already.
//
// drbdadm 8.2 exits 0 from `up` even when a step failed, so the state is
// read back: a resource up without its disk (Diskless) is not up.
func (h *Host) DRBDUp(ctx context.Context, in DRBDInput) (Change, error) {
	res, err := h.drbdSet(ctx, in, DRBDStatus.up, "up", in.Resource.Name)
	if err != nil {
		return res, err
	}
	s, err := h.drbdState(ctx, in.Resource)
	if err != nil {
		return res, err
	}
	if s.Connection == "Unconfigured" || s.Disk == "Diskless" {
		return res, transient(ErrNotReady, "%s: drbdadm up %s left it %s with disk %s", h.FQDN, in.Resource.Name, s.Connection, s.Disk)
	}
	return res, nil
}

// up is a resource configured with its disk. One that came up Diskless (no
// meta data yet) is not: CreateMetadata still writes the meta data, and
// DRBDUp runs `drbdadm up` again, which attaches the disk.
func (s DRBDStatus) up() bool { return s.Connection != "Unconfigured" && s.Disk != "Diskless" }

// DRBDDown is the undo of DRBDUp: it detaches and disconnects, and leaves
// the metadata and the data as they are.
func (h *Host) DRBDDown(ctx context.Context, in DRBDInput) (Change, error) {
	return h.drbdSet(ctx, in, func(s DRBDStatus) bool { return s.Connection == "Unconfigured" }, "down", in.Resource.Name)
}

// DRBDOverwritePeer starts the initial sync from this side: it becomes
// Primary and the peer's data is overwritten with its own. It destroys the
// peer's data, so workflows run it only after an approval. A side that is
// already Primary, syncing or in sync is left alone: the sync is never
// started twice.
func (h *Host) DRBDOverwritePeer(ctx context.Context, in DRBDInput) (Change, error) {
	return h.drbdSet(ctx, in, func(s DRBDStatus) bool { return s.Role == "Primary" || s.Syncing || s.InSync() },
		"--", "--overwrite-data-of-peer", "primary", in.Resource.Name)
}

// DRBDPrimary promotes this side; both sides of a pair are primary, since
// the clients write through both.
func (h *Host) DRBDPrimary(ctx context.Context, in DRBDInput) (Change, error) {
	return h.drbdSet(ctx, in, func(s DRBDStatus) bool { return s.Role == "Primary" }, "primary", in.Resource.Name)
}

func (h *Host) drbdSet(ctx context.Context, in DRBDInput, done func(DRBDStatus) bool, args ...string) (Change, error) {
	if err := in.Resource.check(); err != nil {
		return Change{}, err
	}
	s, err := h.drbdState(ctx, in.Resource)
	if err != nil || done(s) {
		return Change{}, err
	}
	return h.act(ctx, 2*time.Minute, append([]string{"drbdadm"}, args...)...)
}

// DRBDWaitInput says what state to wait for.
type DRBDWaitInput struct {
	Resource DRBDResource `json:"resource"`
	// Until is "connected" (the peers see each other) or "synced" (both
	// disks UpToDate) or "primary" (both sides Primary and UpToDate).
	Until string `json:"until"`
}

// DRBDWaitResult is the state reached, and for a sync the progress at
// which this attempt found it, so a resumed wait says where it resumed.
type DRBDWaitResult struct {
	Status         DRBDStatus `json:"status"`
	ResumedPercent float64    `json:"resumed_percent,omitempty"`
}

// SyncProgress is what a sync wait heartbeats: the Web UI shows it on the
// pending step, and a retried attempt reads it back.
type SyncProgress struct {
	Percent float64 `json:"percent"`
	LeftKB  int64   `json:"left_kb"`
	TotalKB int64   `json:"total_kb"`
	Finish  string  `json:"finish,omitempty"`
	State   string  `json:"state"`
}

// DRBDWait watches /proc/drbd until the resource reaches the state asked
// for, heartbeating the sync's progress every second. The sync runs in the
// kernel, not in the agent: when the agent dies, the sync goes on, and the
// next attempt of this wait picks up from the progress it finds.
func (h *Host) DRBDWait(ctx context.Context, in DRBDWaitInput) (DRBDWaitResult, error) {
	if err := in.Resource.check(); err != nil {
		return DRBDWaitResult{}, err
	}
	var res DRBDWaitResult
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		var last SyncProgress
		if activity.GetHeartbeatDetails(ctx, &last) == nil {
			res.ResumedPercent = last.Percent
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		s, err := h.drbdState(ctx, in.Resource)
		if err != nil {
			return res, err
		}
		res.Status = s
		reached := false
		switch in.Until {
		case "connected":
			reached = s.Connection == "Connected" || s.Connection == "SyncSource" || s.Connection == "SyncTarget"
		case "synced":
			reached = s.InSync()
		case "primary":
			reached = s.InSync() && s.Role == "Primary" && s.PeerRole == "Primary"
		default:
			return res, permanent(ErrBadInput, "wait until %q: want connected, synced or primary", in.Until)
		}
		if reached {
			return res, nil
		}
		if s.Connection == "Unconfigured" || s.Connection == "StandAlone" {
			return res, transient(ErrNotReady, "%s: resource %s is %s", h.FQDN, in.Resource.Name, s.Connection)
		}
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, SyncProgress{Percent: s.Percent, LeftKB: s.LeftKB, TotalKB: s.TotalKB, Finish: s.Finish,
				State: fmt.Sprintf("cs:%s st:%s/%s ds:%s/%s", s.Connection, s.Role, s.PeerRole, s.Disk, s.PeerDisk)})
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-tick.C:
		}
	}
}

// DRBDConnect connects a resource that stands alone (after a `drbdadm
// disconnect`, or a network that failed past DRBD's patience) to its
// peer; one that is connected, syncing or waiting for its peer is left
// alone. On a split brain it connects, and DRBD drops the connection
// again: that needs DRBDDiscardMyData on the side whose writes go.
func (h *Host) DRBDConnect(ctx context.Context, in DRBDInput) (Change, error) {
	return h.drbdSet(ctx, in, func(s DRBDStatus) bool { return s.Connection != "StandAlone" }, "connect", in.Resource.Name)
}

// DRBDDiscardMyData resolves a split brain on this side, the victim: it
// becomes Secondary and connects with --discard-my-data, so the peer's
// data overwrites every write made here since the two parted. It destroys
// data, so workflows run it only after an approval that names it. A side
// that is not standing alone has nothing to resolve and is left alone.
func (h *Host) DRBDDiscardMyData(ctx context.Context, in DRBDInput) (Change, error) {
	if err := in.Resource.check(); err != nil {
		return Change{}, err
	}
	s, err := h.drbdState(ctx, in.Resource)
	if err != nil || s.Connection != "StandAlone" {
		return Change{}, err
	}
	if s.Role == "Primary" {
		if _, err := h.run(ctx, 2*time.Minute, "drbdadm", "secondary", in.Resource.Name); err != nil {
			return Change{}, err
		}
	}
	return h.act(ctx, 2*time.Minute, "drbdadm", "--", "--discard-my-data", "connect", in.Resource.Name)
}
