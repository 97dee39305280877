package drbd

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmsg"
)

// primaries is part #2b to its end: both sides Primary, UpToDate.
func primaries(t *testing.T) *pair {
	t.Helper()
	p := newPair(t, procedureConf)
	p.bringUp(t)
	p.must(t, p.a, "--", "--overwrite-data-of-peer", "primary", "r0")
	p.now = t0.Add(103 * time.Second)
	p.must(t, p.b, "primary", "r0")
	p.healthy(t)
	return p
}

// healthy checks both sides are as part #2b leaves them.
func (p *pair) healthy(t *testing.T) {
	t.Helper()
	for _, h := range []host.Host{p.a, p.b} {
		if got := p.line(t, h); got != "Connected Primary/Primary UpToDate/UpToDate" {
			t.Errorf("%s: %s", h.FQDN, got)
		}
	}
}

// procLine is the resource's first line of /proc/drbd on a host.
func (p *pair) procLine(t *testing.T, h host.Host) string {
	t.Helper()
	s, err := load(p.lab)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(s.Proc(h.FQDN, p.now), "\n")
	return lines[2]
}

func TestDisconnectAndConnect(t *testing.T) {
	p := primaries(t)
	peer, err := Disconnect(p.lab, a, "r0", p.now)
	if err != nil || peer != b {
		t.Fatalf("Disconnect: %q, %v", peer, err)
	}
	if got := p.procLine(t, p.a); got != " 0: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---" {
		t.Errorf("a disconnected: %q", got)
	}
	if got := p.procLine(t, p.b); got != " 0: cs:WFConnection st:Primary/Unknown ds:UpToDate/DUnknown C r---" {
		t.Errorf("b waiting: %q", got)
	}
	if r := p.must(t, p.a, "cstate", "r0"); r.stdout != "StandAlone\n" {
		t.Errorf("cstate: %q", r.stdout)
	}
	if _, err := Disconnect(p.lab, a, "r0", p.now); err == nil {
		t.Error("a second Disconnect went through")
	}
	// drbdadm disconnect of a device standing alone is no failure.
	if r := p.adm(p.a, "", "disconnect", "r0"); r.exit != 0 || r.stderr != "" {
		t.Errorf("disconnect again: %+v", r)
	}
	p.must(t, p.a, "connect", "r0")
	p.healthy(t)
	r := p.adm(p.a, "", "connect", "r0")
	if r.exit != 10 || r.stderr != msgHaveNet+"Command '/sbin/drbdsetup /dev/drbd0 net 192.168.10.20:7788 192.168.10.27:7788 C --set-defaults --create-device --allow-two-primaries' terminated with exit code 10\n" {
		t.Errorf("connect while connected: %+v", r)
	}
	// drbdadm's own disconnect does what the break does.
	p.must(t, p.b, "disconnect", "r0")
	if got := p.line(t, p.b) + ", " + p.line(t, p.a); got != "StandAlone Primary/Unknown UpToDate/DUnknown, WFConnection Primary/Unknown UpToDate/DUnknown" {
		t.Errorf("after drbdadm disconnect: %s", got)
	}
	p.must(t, p.b, "connect", "r0")
	p.healthy(t)
}

func TestDisconnectPausesResync(t *testing.T) {
	p := newPair(t, procedureConf)
	p.bringUp(t)
	p.must(t, p.a, "--", "--overwrite-data-of-peer", "primary", "r0")
	p.now = t0.Add(40 * time.Second)
	p.must(t, p.b, "disconnect", "r0")
	p.now = p.now.Add(time.Hour)
	if st := p.status(t, p.a); st.CState != WFConnection || st.OOS != 1048472-409600 {
		t.Errorf("a while b stands alone: %+v", st)
	}
	p.must(t, p.b, "connect", "r0")
	if st := p.status(t, p.a); st.CState != SyncSource || st.Sync.LeftKB != 1048472-409600 {
		t.Errorf("a after b connected: %+v", st)
	}
}

func TestDownLeavesTheMinorUnconfigured(t *testing.T) {
	p := primaries(t)
	if r := p.adm(p.a, "", "disconnect", "r1"); r.exit != 3 {
		t.Errorf("an unknown resource: %+v", r)
	}
	peer, err := Down(p.lab, a, "r0", p.now)
	if err != nil || peer != b {
		t.Fatalf("Down: %q, %v", peer, err)
	}
	s, _ := load(p.lab)
	if got := s.Proc(a, p.now); got != procHeaderLines+" 0: cs:Unconfigured\n" {
		t.Errorf("/proc/drbd after down:\n%s", got)
	}
	if got := p.line(t, p.b); got != "WFConnection Primary/Unknown UpToDate/DUnknown" {
		t.Errorf("b: %s", got)
	}
	if _, err := Down(p.lab, a, "r0", p.now); err == nil {
		t.Error("a second Down went through")
	}
	// An unconfigured minor: secondary and disconnect have nothing to do,
	// primary finds no UpToDate disk.
	for _, cmd := range []string{"secondary", "disconnect"} {
		if r := p.adm(p.a, "", cmd, "r0"); r.exit != 0 || r.stderr != "" {
			t.Errorf("%s: %+v", cmd, r)
		}
	}
	if r := p.adm(p.a, "", "primary", "r0"); r.exit != 11 || !strings.HasPrefix(r.stderr, "State change failed: (-2) Refusing to be Primary without at least one UpToDate disk\n") {
		t.Errorf("primary: %+v", r)
	}
	p.must(t, p.a, "up", "r0")
	p.must(t, p.a, "primary", "r0")
	p.healthy(t)

	// Unloading the module frees its minors.
	p.must(t, p.a, "down", "r0")
	if err := ModuleUnloaded(p.a); err != nil {
		t.Fatal(err)
	}
	if s, _ := load(p.lab); s.Proc(a, p.now) != procHeaderLines {
		t.Errorf("/proc/drbd after unload:\n%s", s.Proc(a, p.now))
	}
}

func TestProcShowsGapsBetweenMinors(t *testing.T) {
	s := &State{Minors: map[string][]int{a: {1, 2, 4}}}
	if got := s.Proc(a, t0); got != procHeaderLines+"\n 1: cs:Unconfigured\n 2: cs:Unconfigured\n\n 4: cs:Unconfigured\n" {
		t.Errorf("/proc/drbd:\n%s", got)
	}
}

func TestDemote(t *testing.T) {
	p := primaries(t)
	if _, err := Demote(p.lab, b, "r0", p.now); err != nil {
		t.Fatal(err)
	}
	if got := p.line(t, p.b); got != "Connected Secondary/Primary UpToDate/UpToDate" {
		t.Errorf("b demoted: %s", got)
	}
	if _, err := Demote(p.lab, b, "r0", p.now); err == nil {
		t.Error("demoting a Secondary went through")
	}
	if _, err := Demote(p.lab, b, "r9", p.now); err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Errorf("an unknown resource: %v", err)
	}
	p.must(t, p.b, "primary", "r0")
	p.healthy(t)
}

func messages(t *testing.T, p *pair, h host.Host) []string {
	t.Helper()
	m, err := kmsg.Messages(p.lab, h.FQDN)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSplitBrain(t *testing.T) {
	p := primaries(t)
	peer, err := SplitBrain(p.lab, a, "r0", p.now)
	if err != nil || peer != b {
		t.Fatalf("SplitBrain: %q, %v", peer, err)
	}
	detected := []string{"drbd0: Split-Brain detected, dropping connection!"}
	for _, h := range []host.Host{p.a, p.b} {
		if got := p.procLine(t, h); got != " 0: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---" {
			t.Errorf("%s: %q", h.FQDN, got)
		}
		if st := p.status(t, h); st.OOS != 1024 {
			t.Errorf("%s: oos %d", h.FQDN, st.OOS)
		}
		if got := messages(t, p, h); !slices.Equal(got, detected) {
			t.Errorf("%s logged %q", h.FQDN, got)
		}
	}
	if _, err := SplitBrain(p.lab, a, "r0", p.now); err == nil {
		t.Error("a split brain of a pair apart went through")
	}

	// Connecting both again finds the split brain again.
	p.must(t, p.a, "connect", "r0")
	if got := p.line(t, p.a); got != "WFConnection Primary/Unknown UpToDate/DUnknown" {
		t.Errorf("a connecting alone: %s", got)
	}
	p.must(t, p.b, "connect", "r0")
	for _, h := range []host.Host{p.a, p.b} {
		if got := p.line(t, h); got != "StandAlone Primary/Unknown UpToDate/DUnknown" {
			t.Errorf("%s after connecting again: %s", h.FQDN, got)
		}
		if got := messages(t, p, h); len(got) != 2 || got[1] != detected[0] {
			t.Errorf("%s logged %q", h.FQDN, got)
		}
	}

	// A victim still Primary refuses to become the resync's target.
	p.must(t, p.b, "--", "--discard-my-data", "connect", "r0")
	p.must(t, p.a, "connect", "r0")
	if got := p.line(t, p.a) + ", " + p.line(t, p.b); got != "WFConnection Primary/Unknown UpToDate/DUnknown, StandAlone Primary/Unknown UpToDate/DUnknown" {
		t.Errorf("with a Primary victim: %s", got)
	}
	if got := messages(t, p, p.b); !slices.Equal(got[2:], []string{"drbd0: Split-Brain detected, manually solved. Sync from peer node", "drbd0: I shall become SyncTarget, but I am primary!"}) {
		t.Errorf("the victim logged %q", got)
	}
	if got := messages(t, p, p.a); got[2] != "drbd0: Split-Brain detected, manually solved. Sync from this node" {
		t.Errorf("the survivor logged %q", got)
	}

	// The way out: the victim Secondary, discarding its data; the
	// survivor connects (it waits already); the victim resyncs what both
	// wrote apart, then is Primary again.
	p.must(t, p.b, "secondary", "r0")
	p.must(t, p.b, "--", "--discard-my-data", "connect", "r0")
	st := p.status(t, p.b)
	if st.CState != SyncTarget || st.Disk != Inconsistent || st.Sync == nil || st.Sync.TotalKB != 2048 {
		t.Fatalf("the victim resyncing: %+v %+v", st, st.Sync)
	}
	if got := p.line(t, p.a); got != "SyncSource Primary/Secondary UpToDate/Inconsistent" {
		t.Errorf("the survivor: %s", got)
	}
	p.now = p.now.Add(time.Second)
	p.must(t, p.b, "primary", "r0")
	p.healthy(t)
	for _, h := range []host.Host{p.a, p.b} {
		if st := p.status(t, h); st.OOS != 0 {
			t.Errorf("%s: oos %d after the resync", h.FQDN, st.OOS)
		}
	}
	// A pair that was split and mended connects plainly again.
	p.must(t, p.a, "disconnect", "r0")
	p.must(t, p.a, "connect", "r0")
	p.healthy(t)
}

func TestSplitBrainNeedsAPairInSync(t *testing.T) {
	p := newPair(t, procedureConf)
	p.bringUp(t)
	p.must(t, p.a, "--", "--overwrite-data-of-peer", "primary", "r0")
	if _, err := SplitBrain(p.lab, a, "r0", p.now); err == nil || !strings.Contains(err.Error(), "UpToDate") {
		t.Errorf("during the resync: %v", err)
	}
	p.now = t0.Add(103 * time.Second)
	p.must(t, p.b, "disconnect", "r0")
	if _, err := SplitBrain(p.lab, a, "r0", p.now); err == nil || !strings.Contains(err.Error(), "not connected") {
		t.Errorf("apart: %v", err)
	}
}

func TestConnectRefusesOtherOptions(t *testing.T) {
	p := primaries(t)
	r := p.adm(p.a, "", "--", "--overwrite-data-of-peer", "connect", "r0")
	if r.exit != 20 || !strings.HasPrefix(r.stderr, "drbdsetup net: unrecognized option '--overwrite-data-of-peer'\n") {
		t.Errorf("connect with a primary option: %+v", r)
	}
}
