package multipath

import (
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// DMMajor is the block major of device-mapper on CentOS 5.
const DMMajor = 253

// Host is one host's multipath maps and daemon: what device-mapper and
// multipathd hold there, in the host's own state file.
type Host struct {
	// Daemon is multipathd's pid while it runs, 0 otherwise. Maps outlive
	// the daemon: they are the kernel's.
	Daemon int `json:"daemon,omitempty"`
	// Seq counts the maps ever created, to order them as device-mapper
	// lists them.
	Seq  int   `json:"seq,omitempty"`
	Maps []Map `json:"maps,omitempty"`
}

// Map is one multipath device-mapper device.
type Map struct {
	Name    string   `json:"name"` // alias, or the wwid without one
	WWID    string   `json:"wwid"`
	Minor   int      `json:"minor"` // dm-N
	Sectors int64    `json:"sectors"`
	Paths   []string `json:"paths"` // kernel names of the paths, gnbd0
	Seq     int      `json:"seq"`
	// Failed are the paths device-mapper failed (after an I/O error, or
	// `dmsetup message MAP 0 fail_path DEV`) whatever their devices do
	// now: they stay failed until the map is reloaded or multipathd's
	// checker reinstates them (reinstate).
	Failed []string `json:"failed,omitempty"`
}

// Device is /dev/mapper/NAME.
func (m Map) Device() string { return "/dev/mapper/" + m.Name }

// DM is the kernel's name, dm-N, also its file under /dev.
func (m Map) DM() string { return fmt.Sprintf("dm-%d", m.Minor) }

// bucket is device-mapper's hash of a device name (dm-ioctl.c's hash_str
// into 64 buckets). DM_LIST_DEVICES walks the buckets in order, newest
// first within one, which is the order `multipath -l` prints maps in:
// mpath1 (bucket 5) before mpath0 (bucket 10).
func bucket(name string) uint32 {
	const mult = 2654435387
	var h uint32
	for i := 0; i < len(name); i++ {
		h = (h + uint32(int32(int8(name[i])))) * mult
	}
	return h & 63
}

// listed returns the maps in device-mapper's list order.
func (h *Host) listed() []Map {
	ms := slices.Clone(h.Maps)
	slices.SortStableFunc(ms, func(a, b Map) int {
		if ba, bb := bucket(a.Name), bucket(b.Name); ba != bb {
			return int(ba) - int(bb)
		}
		return b.Seq - a.Seq
	})
	return ms
}

// reinstate is what multipathd's path checkers do to the paths
// device-mapper failed: those that answer are active again. The lab's
// multipathd checks when it starts or reloads its configuration, not
// every polling_interval, so a failed path stays failed until then.
func (h *Host) reinstate() {
	for i := range h.Maps {
		h.Maps[i].Failed = nil
	}
}

// stateKind names this emulation's state files: one per host,
// <lab>/state/multipath/<fqdn>.json, since every run of multipath or
// multipathd concerns one host's maps.
const stateKind = "multipath"

// load reads a host's maps and daemon without the lab's lock.
func load(lab, fqdn string) (*Host, error) { return state.LoadHost[Host](lab, stateKind, fqdn) }

// change runs fn on a host's maps and daemon under the lab's lock and saves
// them; an error from fn leaves them as they were.
func change(lab, fqdn string, fn func(*Host) error) error {
	return state.ChangeHost(lab, stateKind, fqdn, fn)
}

// Maps lists the multipath maps of a host in device-mapper's order. It
// reads without the lab's lock.
func Maps(lab, fqdn string) ([]Map, error) {
	hs, err := load(lab, fqdn)
	if err != nil {
		return nil, err
	}
	return hs.listed(), nil
}

// DaemonRunning reports whether multipathd runs on a host.
func DaemonRunning(lab, fqdn string) (bool, error) {
	hs, err := load(lab, fqdn)
	if err != nil {
		return false, err
	}
	return hs.Daemon != 0, nil
}
