package drbd

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmsg"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// The states DRBD 8.2 reports, by the names /proc/drbd and drbdadm print.
const (
	// Disk states (ds:, dstate).
	Diskless     = "Diskless"
	Inconsistent = "Inconsistent"
	UpToDate     = "UpToDate"
	DUnknown     = "DUnknown"
	// Connection states (cs:, cstate).
	Unconfigured = "Unconfigured"
	StandAlone   = "StandAlone"
	WFConnection = "WFConnection"
	Connected    = "Connected"
	SyncSource   = "SyncSource"
	SyncTarget   = "SyncTarget"
	// Roles (st:, state).
	Primary   = "Primary"
	Secondary = "Secondary"
	Unknown   = "Unknown"
)

// bitKB is what one bit of DRBD's bitmap covers: 4 KiB.
const bitKB = 4

// State is what the DRBD modules of all lab hosts hold in memory and what
// their backing disks hold in meta data, kept in <lab>/state/drbd.json.
type State struct {
	// Meta is the meta data on backing disks, by metaKey: it outlives the
	// devices (down and up again keep it).
	Meta map[string]*Meta `json:"meta,omitempty"`
	// Devices are the configured DRBD devices, by devKey: `up` creates
	// one, `down` deletes it.
	Devices map[string]*Device `json:"devices,omitempty"`
	// Minors are the minors each host's module has allocated, by FQDN: a
	// device is created on its first configuration and stays, Unconfigured,
	// after `down`, until the module is unloaded (ModuleUnloaded).
	Minors map[string][]int `json:"minors,omitempty"`

	// printed is what the kernels say during a change, written to their
	// message buffers (package kmsg) with the change.
	printed []kmsg.Line
}

// Meta is DRBD's internal meta data on one backing disk.
type Meta struct {
	Host string `json:"host"`
	Disk string `json:"disk"`
	// Sectors is the size of the DRBD device on this disk.
	Sectors int64     `json:"sectors"`
	State   string    `json:"state"` // Inconsistent or UpToDate
	Created time.Time `json:"created"`
	// Sync is the resync of which this disk is the target: running while
	// the pair is connected, paused (and kept, with what is left) while
	// it is not.
	Sync *Sync `json:"sync,omitempty"`
	// Diverged is how many bits of the bitmap this disk set while it was
	// Primary apart from its peer. The lab tracks no writes, so only a
	// split brain (lab break split-brain) sets it, on both disks of a
	// pair: the next handshake between two diverged disks is one. DRBD
	// tells it from the data generation UUIDs; the lab keeps their
	// verdict.
	Diverged int64 `json:"diverged,omitempty"`
}

// Sync is a resync. What is left is a pure function of the time it last
// resumed, the bits left then and its rate, so it proceeds "in the kernel"
// with no process running.
type Sync struct {
	Source    string    `json:"source"` // FQDN of the host whose data is copied
	TotalBits int64     `json:"total_bits"`
	LeftBits  int64     `json:"left_bits"`         // left when it last resumed or paused
	Resumed   time.Time `json:"resumed,omitempty"` // zero while paused
	RateKB    int64     `json:"rate_kb"`           // the target's syncer rate, KiB/s
	Speedup   float64   `json:"speedup"`           // the lab's factor when it resumed
}

// Running reports whether the resync is proceeding.
func (s *Sync) Running() bool { return !s.Resumed.IsZero() }

// kbPerSec is the rate in KiB of wall-clock time.
func (s *Sync) kbPerSec() float64 {
	f := s.Speedup
	if f <= 0 {
		f = 1
	}
	return float64(s.RateKB) * f
}

// Left is how many bits are left to sync at now.
func (s *Sync) Left(now time.Time) int64 {
	if !s.Running() {
		return s.LeftBits
	}
	el := now.Sub(s.Resumed).Seconds()
	if el < 0 {
		el = 0
	}
	done := int64(el * s.kbPerSec() / bitKB)
	if done >= s.LeftBits {
		return 0
	}
	return s.LeftBits - done
}

// Device is a configured DRBD minor on a host.
type Device struct {
	Host     string `json:"host"`
	Resource string `json:"resource"`
	Minor    int    `json:"minor"`
	Path     string `json:"path"`           // /dev/drbd0
	Disk     string `json:"disk,omitempty"` // backing disk; empty while diskless
	// Net is set once the network part is configured: then the device
	// connects to its peer whenever the peer's is configured to match.
	Net          bool     `json:"net"`
	Address      string   `json:"address"`
	PeerHost     string   `json:"peer_host"`
	PeerAddress  string   `json:"peer_address"`
	Protocol     string   `json:"protocol"`
	TwoPrimaries bool     `json:"two_primaries"`
	RateKB       int64    `json:"rate_kb"`
	Role         string   `json:"role"`
	Counters     Counters `json:"counters"`
	// DiscardMyData is the net option --discard-my-data: at a split
	// brain this side's changes are dropped and it becomes the resync's
	// target. It goes with the net configuration.
	DiscardMyData bool `json:"discard_my_data,omitempty"`
}

// Counters are the traffic counters of /proc/drbd, in KiB, of finished or
// paused resyncs; a running one adds its progress when reported.
type Counters struct {
	NS int64 `json:"ns"`
	NR int64 `json:"nr"`
	DW int64 `json:"dw"`
	DR int64 `json:"dr"`
}

func metaKey(host, disk string) string     { return host + " " + disk }
func devKey(host string, minor int) string { return fmt.Sprintf("%s %d", host, minor) }

func statePath(lab string) string { return filepath.Join(state.Dir(lab), "drbd.json") }

// load reads the shared state; it is replaced atomically, so readers need no
// lock.
func load(lab string) (*State, error) {
	s := &State{}
	if err := state.ReadJSON(statePath(lab), s); err != nil {
		return nil, err
	}
	if s.Meta == nil {
		s.Meta = map[string]*Meta{}
	}
	if s.Devices == nil {
		s.Devices = map[string]*Device{}
	}
	if s.Minors == nil {
		s.Minors = map[string][]int{}
	}
	return s, nil
}

// change runs fn on the state under the lab's lock, after settling the
// resyncs that finished by now, and saves it unless fn fails.
func change(lab string, now time.Time, fn func(*State) error) error {
	return state.With(lab, func() error {
		s, err := load(lab)
		if err != nil {
			return err
		}
		s.settle(now)
		if err := fn(s); err != nil {
			return err
		}
		if err := state.WriteJSON(statePath(lab), s); err != nil {
			return err
		}
		return kmsg.Append(lab, s.printed...)
	})
}

// addDevice configures d, allocating its minor on its host.
func (s *State) addDevice(d *Device) {
	s.Devices[devKey(d.Host, d.Minor)] = d
	if !slices.Contains(s.Minors[d.Host], d.Minor) {
		s.Minors[d.Host] = append(s.Minors[d.Host], d.Minor)
		slices.Sort(s.Minors[d.Host])
	}
}

// allocated tells whether a host's module has created the minor.
func (s *State) allocated(host string, minor int) bool {
	return slices.Contains(s.Minors[host], minor)
}

// printk is a message of d's minor in its host's kernel log, as DRBD 8.2's
// ALERT, ERR, WARN and INFO macros print it: "drbd0: ...".
func (s *State) printk(d *Device, level int, msg string) {
	s.printed = append(s.printed, kmsg.Printf(d.Host, level, "drbd%d: %s", d.Minor, msg))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Device returns a host's device of a minor, nil if it is not configured.
func (s *State) Device(host string, minor int) *Device { return s.Devices[devKey(host, minor)] }

// HostDevices are a host's configured devices by minor.
func (s *State) HostDevices(host string) []*Device {
	var ds []*Device
	for _, k := range sortedKeys(s.Devices) {
		if d := s.Devices[k]; d.Host == host {
			ds = append(ds, d)
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Minor < ds[j].Minor })
	return ds
}

// MetaOf returns the meta data on a host's disk, nil if it has none.
func (s *State) MetaOf(host, disk string) *Meta { return s.Meta[metaKey(host, disk)] }

func (s *State) devMeta(d *Device) *Meta {
	if d == nil || d.Disk == "" {
		return nil
	}
	return s.MetaOf(d.Host, d.Disk)
}

// peerOf is the device d is connected to: the peer host's device whose
// addresses mirror d's, when both have their network configured.
func (s *State) peerOf(d *Device) *Device {
	if !d.Net {
		return nil
	}
	for _, k := range sortedKeys(s.Devices) {
		o := s.Devices[k]
		if o.Net && o.Host == d.PeerHost && o.PeerHost == d.Host && o.Address == d.PeerAddress && o.PeerAddress == d.Address {
			return o
		}
	}
	return nil
}

// diskState is d's disk state at now, a finished resync counting as done.
func (s *State) diskState(d *Device, now time.Time) string {
	m := s.devMeta(d)
	if m == nil {
		return Diskless
	}
	if m.Sync != nil && m.Sync.Running() && m.Sync.Left(now) == 0 {
		return UpToDate
	}
	return m.State
}

// syncFrom is the meta data of d's peer disk that d is resyncing (or is to
// resync) as the source.
func (s *State) syncFrom(d *Device) *Meta {
	for _, k := range sortedKeys(s.Meta) {
		m := s.Meta[k]
		if m.Host == d.PeerHost && m.Sync != nil && m.Sync.Source == d.Host {
			return m
		}
	}
	return nil
}

// syncInto is the meta data of d's own disk when d is a resync's target.
func (s *State) syncInto(d *Device) *Meta {
	if m := s.devMeta(d); m != nil && m.Sync != nil && m.Sync.Source == d.PeerHost {
		return m
	}
	return nil
}

// targetDevice and sourceDevice are the two ends of the resync into m.
func (s *State) targetDevice(m *Meta) *Device {
	for _, k := range sortedKeys(s.Devices) {
		if d := s.Devices[k]; d.Host == m.Host && d.Disk == m.Disk {
			return d
		}
	}
	return nil
}

func (s *State) sourceDevice(m *Meta) *Device {
	t := s.targetDevice(m)
	if t == nil {
		return nil
	}
	if p := s.peerOf(t); p != nil && p.Host == m.Sync.Source {
		return p
	}
	return nil
}

// credit adds bits synced into m to both ends' counters.
func (s *State) credit(m *Meta, bits int64) {
	kb := bits * bitKB
	if t := s.targetDevice(m); t != nil {
		t.Counters.NR += kb
		t.Counters.DW += kb
	}
	if src := s.sourceDevice(m); src != nil {
		src.Counters.NS += kb
		src.Counters.DR += kb
	}
}

// settle completes the resyncs that have finished by now.
func (s *State) settle(now time.Time) {
	for _, k := range sortedKeys(s.Meta) {
		m := s.Meta[k]
		if m.Sync != nil && m.Sync.Running() && m.Sync.Left(now) == 0 {
			s.credit(m, m.Sync.LeftBits)
			m.State = UpToDate
			m.Sync = nil
		}
	}
}

// pause stops the resync into m where it is.
func (s *State) pause(m *Meta, now time.Time) {
	if m == nil || m.Sync == nil || !m.Sync.Running() {
		return
	}
	left := m.Sync.Left(now)
	s.credit(m, m.Sync.LeftBits-left)
	m.Sync.LeftBits = left
	m.Sync.Resumed = time.Time{}
}

func resume(m *Meta, now time.Time, rateKB int64, speedup float64) {
	m.Sync.Resumed = now
	m.Sync.RateKB = rateKB
	m.Sync.Speedup = speedup
}

// startSync begins a full resync of target from source.
func startSync(target *Meta, source string, now time.Time, rateKB int64, speedup float64) {
	bits := (target.Sectors + 7) / 8
	target.State = Inconsistent
	target.Sync = &Sync{Source: source, TotalBits: bits, LeftBits: bits}
	resume(target, now, rateKB, speedup)
}

// connect settles what happens when d and its peer, both configured, find
// each other: a paused resync between them resumes where it stopped; else
// an UpToDate disk facing an Inconsistent one starts a full resync of it;
// two UpToDate disks need none.
func (s *State) connect(d *Device, now time.Time, speedup float64) {
	p := s.peerOf(d)
	if p == nil {
		return
	}
	md, mp := s.devMeta(d), s.devMeta(p)
	if md == nil || mp == nil {
		return
	}
	if md.Diverged > 0 && mp.Diverged > 0 {
		s.splitBrain(d, p, now, speedup)
		return
	}
	for _, e := range []struct {
		target  *Meta
		tdev    *Device
		srcHost string
	}{{md, d, p.Host}, {mp, p, d.Host}} {
		if e.target.Sync == nil {
			continue
		}
		if e.target.Sync.Source == e.srcHost {
			resume(e.target, now, e.tdev.RateKB, speedup)
			return
		}
		e.target.Sync = nil // a resync from another host: start over
	}
	switch {
	case md.State == UpToDate && mp.State != UpToDate:
		startSync(mp, d.Host, now, p.RateKB, speedup)
	case mp.State == UpToDate && md.State != UpToDate:
		startSync(md, p.Host, now, d.RateKB, speedup)
	}
}

// splitBrain is the handshake of two devices whose disks both diverged,
// as drbd_sync_handshake of 8.2 settles it with the default after-sb
// policies (disconnect): unless exactly one side was connected with
// --discard-my-data, both drop the connection and stand alone. With one
// victim, its changes and the survivor's are resynced from the survivor,
// unless the victim is Primary, which rr-conflict's default refuses: it
// drops the connection, and the survivor waits for it.
func (s *State) splitBrain(d, p *Device, now time.Time, speedup float64) {
	var victim, survivor *Device
	switch {
	case d.DiscardMyData && !p.DiscardMyData:
		victim, survivor = d, p
	case p.DiscardMyData && !d.DiscardMyData:
		victim, survivor = p, d
	}
	if victim == nil {
		for _, x := range []*Device{d, p} {
			s.printk(x, kmsg.Alert, msgSplitBrain)
			x.Net, x.DiscardMyData = false, false
		}
		return
	}
	s.printk(survivor, kmsg.Warning, fmt.Sprintf(fmtSplitBrainSolved, "this"))
	s.printk(victim, kmsg.Warning, fmt.Sprintf(fmtSplitBrainSolved, "peer"))
	if victim.Role == Primary {
		s.printk(victim, kmsg.Err, msgTargetPrimary)
		victim.Net, victim.DiscardMyData = false, false
		return
	}
	vm, sm := s.devMeta(victim), s.devMeta(survivor)
	bits := min(vm.Diverged+sm.Diverged, (vm.Sectors+7)/8)
	vm.Diverged, sm.Diverged = 0, 0
	victim.DiscardMyData = false
	vm.State = Inconsistent
	vm.Sync = &Sync{Source: survivor.Host, TotalBits: bits, LeftBits: bits}
	resume(vm, now, victim.RateKB, speedup)
}

// down unconfigures d on its host h: the resyncs it takes part in pause,
// its device file goes; its minor stays allocated.
func (s *State) down(h host.Host, d *Device, now time.Time) error {
	s.disconnect(d, now)
	delete(s.Devices, devKey(d.Host, d.Minor))
	return blockdev.Remove(h, d.Path)
}

// dropNet removes d's network configuration: it stands alone, its resyncs
// pause. A device without a disk either is then unconfigured.
func (s *State) dropNet(h host.Host, d *Device, now time.Time) error {
	s.disconnect(d, now)
	d.Net, d.DiscardMyData = false, false
	if d.Disk == "" {
		return s.down(h, d, now)
	}
	return nil
}

// disconnect pauses the resyncs d takes part in, before d goes.
func (s *State) disconnect(d *Device, now time.Time) {
	s.pause(s.syncInto(d), now)
	s.pause(s.syncFrom(d), now)
}

// Set-state errors, as DRBD numbers and words them.
const (
	errTwoPrimaries = -1
	errNoUpToDate   = -2
)

var stateErrors = map[int]string{
	errTwoPrimaries: "Multiple primaries not allowed by config",
	errNoUpToDate:   "Refusing to be Primary without at least one UpToDate disk",
}

// primary makes d Primary, as DRBD's state checks allow: never beside a
// Primary peer without allow-two-primaries, and only with an UpToDate disk
// on at least one side. With overwrite (--overwrite-data-of-peer) a disk
// that is not UpToDate is declared so, and a connected peer's disk is
// resynced from it.
func (s *State) primary(d *Device, overwrite bool, now time.Time, speedup float64) int {
	p := s.peerOf(d)
	if p != nil && p.Role == Primary && !d.TwoPrimaries {
		return errTwoPrimaries
	}
	disk := s.diskState(d, now)
	if overwrite && disk != UpToDate && d.Disk != "" {
		m := s.devMeta(d)
		m.State, m.Sync = UpToDate, nil
		disk = UpToDate
		if pm := s.devMeta(p); pm != nil {
			if pm.Sync != nil {
				s.pause(pm, now)
			}
			startSync(pm, d.Host, now, p.RateKB, speedup)
		}
	}
	pdisk := DUnknown
	if p != nil {
		pdisk = s.diskState(p, now)
	}
	if disk != UpToDate && pdisk != UpToDate {
		return errNoUpToDate
	}
	d.Role = Primary
	return 0
}

// Status is one device as /proc/drbd reports it.
type Status struct {
	Minor    int
	CState   string
	Role     string
	PeerRole string
	Disk     string
	PeerDisk string
	Protocol string
	// Counters, KiB except BM (bitmap writes) and the request counts.
	NS, NR, DW, DR, AL, BM, LO, PE, UA, AP int64
	OOS                                    int64 // KiB out of sync
	// Sync is the progress of a running resync, nil otherwise.
	Sync *Progress
}

// Progress is a running resync, as /proc/drbd shows it.
type Progress struct {
	LeftKB, TotalKB int64
	// Finish is the time left, in seconds.
	Finish int64
	// Speed and Mean are the current and average speed, KiB/s.
	Speed, Mean int64
}

// Status reports device d at now.
func (s *State) Status(d *Device, now time.Time) Status {
	st := Status{
		Minor: d.Minor, CState: WFConnection, Role: d.Role, PeerRole: Unknown,
		Disk: s.diskState(d, now), PeerDisk: DUnknown, Protocol: d.Protocol,
		NS: d.Counters.NS, NR: d.Counters.NR, DW: d.Counters.DW, DR: d.Counters.DR,
	}
	p := s.peerOf(d)
	switch {
	case p != nil:
		st.CState, st.PeerRole, st.PeerDisk = Connected, p.Role, s.diskState(p, now)
	case !d.Net:
		// Without a net configuration there is no wire protocol:
		// drbd_proc.c prints a space for it.
		st.CState, st.Protocol = StandAlone, " "
	}
	if md := s.devMeta(d); md != nil {
		st.OOS = md.Diverged * bitKB // what it wrote apart, known out of sync
	}
	m, source := s.syncInto(d), false
	if m == nil {
		m, source = s.syncFrom(d), true
	}
	if m != nil {
		left := m.Sync.Left(now)
		if m.Sync.Running() {
			done := (m.Sync.LeftBits - left) * bitKB
			if source {
				st.NS, st.DR = st.NS+done, st.DR+done
			} else {
				st.NR, st.DW = st.NR+done, st.DW+done
			}
		}
		st.OOS = left * bitKB
		if left > 0 && m.Sync.Running() && p != nil {
			st.CState = SyncTarget
			if source {
				st.CState = SyncSource
			}
			speed := int64(m.Sync.kbPerSec())
			st.Sync = &Progress{LeftKB: left * bitKB, TotalKB: m.Sync.TotalBits * bitKB, Speed: speed, Mean: speed}
			if speed > 0 {
				st.Sync.Finish = left * bitKB / speed
			}
		}
	}
	st.BM = (st.DR + st.DW) >> 14
	return st
}
