package multipath

import (
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// DMMajor is the block major of device-mapper on CentOS 5.
const DMMajor = 253

// State is what device-mapper and multipathd hold on the lab's hosts.
type State struct {
	Hosts map[string]*Host `json:"hosts,omitempty"` // by FQDN
}

// Host is one host's multipath maps and daemon.
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

func (s *State) host(fqdn string) *Host {
	if s.Hosts == nil {
		s.Hosts = map[string]*Host{}
	}
	if s.Hosts[fqdn] == nil {
		s.Hosts[fqdn] = &Host{}
	}
	return s.Hosts[fqdn]
}

// stateFile is where the lab keeps this emulation's shared state.
const stateFile = "multipath.json"

func load(lab string) (*State, error) { return state.Load[State](lab, stateFile) }

// change runs fn on the shared state under the lab's lock and saves it;
// an error from fn leaves the state as it was.
func change(lab string, fn func(*State) error) error { return state.Change(lab, stateFile, fn) }

// Maps lists the multipath maps of a host in device-mapper's order. It
// reads without the lab's lock.
func Maps(lab, fqdn string) ([]Map, error) {
	s, err := load(lab)
	if err != nil {
		return nil, err
	}
	if h := s.Hosts[fqdn]; h != nil {
		return h.listed(), nil
	}
	return nil, nil
}

// DaemonRunning reports whether multipathd runs on a host.
func DaemonRunning(lab, fqdn string) (bool, error) {
	s, err := load(lab)
	if err != nil {
		return false, err
	}
	h := s.Hosts[fqdn]
	return h != nil && h.Daemon != 0, nil
}
