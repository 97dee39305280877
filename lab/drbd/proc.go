package drbd

import (
	"fmt"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// ProcPath is the file the module reports through.
const ProcPath = "/proc/drbd"

// procHeader is what the CentOS extras' kmod-drbd82 (8.2.6) says about
// itself.
const procHeader = "version: 8.2.6 (api:88/proto:86-88)\n" +
	"GIT-hash: 3e69822d3bb4920a8c1bfdf7d647169eba7d2eb4 build by buildsvn@c5-i386-build, 2008-10-03 11:42:32\n"

// FormatStatus is one device's lines of /proc/drbd, as drbd_proc.c of 8.2
// prints them: the state line, the counters, and during a resync its
// progress bar and estimate.
func FormatStatus(st Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%2d: cs:%s st:%s/%s ds:%s/%s %s r---\n",
		st.Minor, st.CState, st.Role, st.PeerRole, st.Disk, st.PeerDisk, st.Protocol)
	fmt.Fprintf(&b, "    ns:%d nr:%d dw:%d dr:%d al:%d bm:%d lo:%d pe:%d ua:%d ap:%d oos:%d\n",
		st.NS, st.NR, st.DW, st.DR, st.AL, st.BM, st.LO, st.PE, st.UA, st.AP, st.OOS)
	if st.Sync != nil {
		b.WriteString(formatProgress(*st.Sync))
	}
	return b.String()
}

// formatProgress is drbd_syncer_progress: per mille done from the bitmap
// (with its >>10 rounding), a bar of x-1 '=', a '>' and 20-x '.', the
// amounts in KiB (MiB beyond 4 GiB), then the estimate.
func formatProgress(pr Progress) string {
	left, total := pr.LeftKB/bitKB, pr.TotalKB/bitKB
	permil := int64(0)
	if left <= total {
		permil = 1000 - (left>>10)*1000/((total>>10)+1)
	}
	x := permil / 50
	var b strings.Builder
	b.WriteString("\t[")
	for i := int64(1); i < x; i++ {
		b.WriteByte('=')
	}
	b.WriteByte('>')
	for i := int64(0); i < 20-x; i++ {
		b.WriteByte('.')
	}
	b.WriteString("] ")
	fmt.Fprintf(&b, "sync'ed:%3d.%d%% ", permil/10, permil%10)
	if total > 0x100000 {
		fmt.Fprintf(&b, "(%d/%d)M\n\t", (left>>10)*bitKB, (total>>10)*bitKB)
	} else {
		fmt.Fprintf(&b, "(%d/%d)K\n\t", left*bitKB, total*bitKB)
	}
	rt := pr.Finish
	fmt.Fprintf(&b, "finish: %d:%02d:%02d", rt/3600, (rt%3600)/60, rt%60)
	fmt.Fprintf(&b, " speed: %s (%s) K/sec\n", thousands(pr.Speed), thousands(pr.Mean))
	return b.String()
}

// thousands is DRBD's one-comma speed: 10,108, but 1024,000.
func thousands(n int64) string {
	if n > 1000 {
		return fmt.Sprintf("%d,%03d", n/1000, n%1000)
	}
	return fmt.Sprintf("%d", n)
}

// Proc is /proc/drbd for a host at now: the version lines, then each
// minor the module has allocated, configured or not, in order. As
// drbd_proc.c walks the minors, a gap before one is a blank line.
func (s *State) Proc(fqdn string, now time.Time) string {
	var b strings.Builder
	b.WriteString(procHeader)
	next := 0
	for _, minor := range s.Minors[fqdn] {
		if minor != next {
			b.WriteString("\n")
		}
		next = minor + 1
		if d := s.Device(fqdn, minor); d != nil {
			b.WriteString(FormatStatus(s.Status(d, now)))
		} else {
			fmt.Fprintf(&b, fmtUnconfiguredMinor, minor)
		}
	}
	return b.String()
}

// ProcFile generates /proc/drbd for cat; it does not exist while the module
// is not loaded.
func ProcFile(p *host.Proc) (string, bool, error) {
	loaded, err := kmod.Loaded(p.Host, "drbd")
	if err != nil || !loaded {
		return "", false, err
	}
	s, err := load(p.Host.Lab)
	if err != nil {
		return "", false, err
	}
	return s.Proc(p.Host.FQDN, p.Now()), true, nil
}

// Statuses reports a host's configured devices at now, for tests that
// would rather not parse /proc/drbd.
func Statuses(labDir, fqdn string, now time.Time) ([]Status, error) {
	h, err := host.Open(labDir, fqdn)
	if err != nil {
		return nil, err
	}
	s, err := load(h.Lab)
	if err != nil {
		return nil, err
	}
	var out []Status
	for _, d := range s.HostDevices(h.FQDN) {
		out = append(out, s.Status(d, now))
	}
	return out, nil
}

// ModuleUnloaded forgets the minors of a host whose module was unloaded
// (modprobe -r drbd): a module loaded again has none. The caller holds the
// lab's lock.
func ModuleUnloaded(h host.Host) error {
	s, err := load(h.Lab)
	if err != nil || len(s.Minors[h.FQDN]) == 0 {
		return err
	}
	delete(s.Minors, h.FQDN)
	return state.WriteJSON(statePath(h.Lab), s)
}

// ModuleInUse reports whether a host has a configured DRBD device, which
// keeps `modprobe -r drbd` from unloading the module. The caller holds the
// lab's lock.
func ModuleInUse(h host.Host) (bool, error) {
	s, err := load(h.Lab)
	if err != nil {
		return false, err
	}
	return len(s.HostDevices(h.FQDN)) > 0, nil
}
