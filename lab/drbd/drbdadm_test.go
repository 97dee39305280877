package drbd

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmod"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

var t0 = time.Date(2008, 10, 25, 4, 23, 50, 0, time.UTC)

// pair is two hosts of a lab with everything part #2b needs before
// create-md: the packages, the module loaded with minor_count=1, /dev/xvdb1
// and the configuration; the clock is the test's.
type pair struct {
	lab string
	a   host.Host
	b   host.Host
	now time.Time
}

func newPair(t *testing.T, conf string) *pair {
	t.Helper()
	p := &pair{lab: t.TempDir(), now: t0}
	for _, fqdn := range []string{a, b} {
		h := host.Host{Lab: p.lab, FQDN: fqdn, Root: host.Root(p.lab, fqdn)}
		if err := host.Mark(p.lab, fqdn); err != nil {
			t.Fatal(err)
		}
		var db strings.Builder
		for _, name := range []string{"drbd82", "kernel-xen", "kmod-drbd82-xen"} {
			db.WriteString(packages.Catalogue[name].NVR() + "\n")
		}
		for path, content := range map[string]string{packages.DBPath: db.String(), "/etc/drbd.conf": conf, minorCountParam: "1\n"} {
			os.MkdirAll(h.Path(path[:strings.LastIndexByte(path, '/')]), 0o755)
			if err := os.WriteFile(h.Path(path), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := kmod.Load(h, "drbd", 242384); err != nil {
			t.Fatal(err)
		}
		if err := blockdev.Create(h, "/dev/xvdb1", blockdev.Device{Sectors: 2097085, Major: 202, Minor: 17, Backing: "/dev/xvdb"}); err != nil {
			t.Fatal(err)
		}
		if fqdn == a {
			p.a = h
		} else {
			p.b = h
		}
	}
	return p
}

type result struct {
	stdout, stderr string
	exit           int
}

func (p *pair) adm(h host.Host, stdin string, args ...string) result {
	var out, errs bytes.Buffer
	proc := &host.Proc{Host: h, Name: "/sbin/drbdadm", Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errs, Cwd: "/", Now: func() time.Time { return p.now }}
	exit := Drbdadm(proc)
	return result{out.String(), errs.String(), exit}
}

func (p *pair) must(t *testing.T, h host.Host, args ...string) result {
	t.Helper()
	r := p.adm(h, "", args...)
	if r.exit != 0 {
		t.Fatalf("drbdadm %v on %s: %+v", args, h.FQDN, r)
	}
	return r
}

// status is the host's minor 0 as /proc/drbd would report it now.
func (p *pair) status(t *testing.T, h host.Host) Status {
	t.Helper()
	sts, err := Statuses(p.lab, h.FQDN, p.now)
	if err != nil || len(sts) != 1 {
		t.Fatalf("statuses of %s: %+v, %v", h.FQDN, sts, err)
	}
	return sts[0]
}

func (p *pair) line(t *testing.T, h host.Host) string {
	st := p.status(t, h)
	return st.CState + " " + st.Role + "/" + st.PeerRole + " " + st.Disk + "/" + st.PeerDisk
}

// bringUp is part #2b steps 3: create-md and up on both hosts.
func (p *pair) bringUp(t *testing.T) {
	t.Helper()
	for _, h := range []host.Host{p.a, p.b} {
		r := p.must(t, h, "create-md", "r0")
		if r.stdout != msgCreatedMD || r.stderr != "v08 Magic number not found\nv07 Magic number not found\nv07 Magic number not found\nv08 Magic number not found\n" {
			t.Errorf("create-md on %s: %+v", h.FQDN, r)
		}
	}
	p.must(t, p.a, "up", "all")
	if got := p.line(t, p.a); got != "WFConnection Secondary/Unknown Inconsistent/DUnknown" {
		t.Errorf("a alone: %s", got)
	}
	p.must(t, p.b, "up", "r0")
}

func TestPairAsPart2b(t *testing.T) {
	p := newPair(t, procedureConf)
	p.bringUp(t)
	for _, h := range []host.Host{p.a, p.b} {
		if got := p.line(t, h); got != "Connected Secondary/Secondary Inconsistent/Inconsistent" {
			t.Errorf("%s after up: %s", h.FQDN, got)
		}
	}
	if d, ok, _ := blockdev.Get(p.a, "/dev/drbd0"); !ok || d.Sectors != 2096944 || d.Major != 147 || d.Backing != "/dev/xvdb1" {
		t.Errorf("/dev/drbd0: %+v", d)
	}

	r := p.adm(p.a, "", "primary", "r0")
	if r.exit != 11 || r.stderr != "State change failed: (-2) Refusing to be Primary without at least one UpToDate disk\nCommand '/sbin/drbdsetup /dev/drbd0 primary' terminated with exit code 11\n" {
		t.Errorf("primary on Inconsistent data: %+v", r)
	}

	p.must(t, p.a, "--", "--overwrite-data-of-peer", "primary", "all")
	st := p.status(t, p.a)
	if st.CState != SyncSource || st.Role != Primary || st.Disk != UpToDate || st.PeerDisk != Inconsistent || st.Sync == nil {
		t.Fatalf("a after overwrite: %+v", st)
	}
	if st.Sync.TotalKB != 1048472 || st.Sync.LeftKB != 1048472 || st.Sync.Speed != 10240 {
		t.Errorf("progress at start: %+v", st.Sync)
	}
	if got := p.line(t, p.b); got != "SyncTarget Secondary/Primary Inconsistent/UpToDate" {
		t.Errorf("b during sync: %s", got)
	}

	// 10M a second: 40 seconds in, 409600 KiB are done.
	p.now = t0.Add(40 * time.Second)
	st = p.status(t, p.a)
	if st.Sync == nil || st.Sync.LeftKB != 1048472-409600 || st.NS != 409600 || st.DR != 409600 || st.OOS != st.Sync.LeftKB {
		t.Errorf("a at 40s: %+v %+v", st, st.Sync)
	}
	proc := (&State{}).Proc(a, p.now) // the header alone
	if proc != procHeaderLines {
		t.Errorf("empty /proc/drbd %q", proc)
	}
	if b := p.status(t, p.b); b.NR != 409600 || b.DW != 409600 || b.CState != SyncTarget {
		t.Errorf("b at 40s: %+v", b)
	}

	// 1048472 KiB at 10240 KiB/s take 102.4 s.
	p.now = t0.Add(103 * time.Second)
	for _, h := range []host.Host{p.a, p.b} {
		st := p.status(t, h)
		if st.CState != Connected || st.Disk != UpToDate || st.PeerDisk != UpToDate || st.Sync != nil || st.OOS != 0 {
			t.Errorf("%s after the sync: %+v", h.FQDN, st)
		}
	}
	p.must(t, p.b, "primary", "r0")
	if got := p.line(t, p.a); got != "Connected Primary/Primary UpToDate/UpToDate" {
		t.Errorf("a at the end: %s", got)
	}
	if st := p.status(t, p.a); st.NS != 1048472 {
		t.Errorf("a sent %d KiB", st.NS)
	}
	for h, want := range map[host.Host][]string{p.a: {"Primary/Primary", "Connected", "UpToDate/UpToDate"}, p.b: {"Primary/Primary", "Connected", "UpToDate/UpToDate"}} {
		for i, cmd := range []string{"state", "cstate", "dstate"} {
			if r := p.must(t, h, cmd, "r0"); r.stdout != want[i]+"\n" {
				t.Errorf("%s %s: %q", h.FQDN, cmd, r.stdout)
			}
		}
	}

	// Down and up again: no resync.
	p.must(t, p.b, "down", "r0")
	if got := p.line(t, p.a); got != "WFConnection Primary/Unknown UpToDate/DUnknown" {
		t.Errorf("a with b down: %s", got)
	}
	if _, ok, _ := blockdev.Get(p.b, "/dev/drbd0"); ok {
		t.Error("b still has /dev/drbd0")
	}
	if r := p.must(t, p.b, "cstate", "r0"); r.stdout != "Unconfigured\n" {
		t.Errorf("cstate of a down resource: %q", r.stdout)
	}
	p.now = p.now.Add(time.Hour)
	p.must(t, p.b, "up", "r0")
	if got := p.line(t, p.b); got != "Connected Secondary/Primary UpToDate/UpToDate" {
		t.Errorf("b up again: %s", got)
	}
}

func TestResyncPausesWhileDown(t *testing.T) {
	for _, down := range []string{"source", "target"} {
		t.Run(down, func(t *testing.T) {
			p := newPair(t, procedureConf)
			p.bringUp(t)
			p.must(t, p.a, "--", "--overwrite-data-of-peer", "primary", "r0")
			p.now = t0.Add(30 * time.Second)
			left := p.status(t, p.a).Sync.LeftKB
			gone, stays := p.a, p.b
			if down == "target" {
				gone, stays = p.b, p.a
			}
			p.must(t, gone, "down", "r0")
			p.now = p.now.Add(10 * time.Minute)
			st := p.status(t, stays)
			if st.CState != WFConnection || st.OOS != left || st.Sync != nil {
				t.Errorf("%s while %s is down: %+v", stays.FQDN, down, st)
			}
			p.must(t, gone, "up", "r0")
			st = p.status(t, p.a)
			if st.CState != SyncSource || st.Sync == nil || st.Sync.LeftKB != left {
				t.Fatalf("a after %s came back: %+v", down, st)
			}
			p.now = p.now.Add(time.Duration(left/10240+1) * time.Second)
			// The source lost its role going down, not its data.
			if st := p.status(t, p.b); st.CState != Connected || st.Disk != UpToDate || st.PeerDisk != UpToDate {
				t.Errorf("b at the end: %+v", st)
			}
		})
	}
}

func TestSecondPrimaryNeedsAllowTwoPrimaries(t *testing.T) {
	conf := strings.Replace(procedureConf, "\tnet { allow-two-primaries; }\n", "", 1)
	conf = strings.Replace(conf, "\tstartup { become-primary-on both; }\n", "", 1)
	p := newPair(t, conf)
	p.bringUp(t)
	p.must(t, p.a, "--", "--overwrite-data-of-peer", "primary", "r0")
	p.now = t0.Add(2 * time.Minute)
	r := p.adm(p.b, "", "primary", "r0")
	if r.exit != 11 || r.stderr != "State change failed: (-1) Multiple primaries not allowed by config\nCommand '/sbin/drbdsetup /dev/drbd0 primary' terminated with exit code 11\n" {
		t.Errorf("second primary: %+v", r)
	}
	if got := p.line(t, p.b); got != "Connected Secondary/Primary UpToDate/UpToDate" {
		t.Errorf("b: %s", got)
	}
}

func TestSpeedupKeepsProgress(t *testing.T) {
	p := newPair(t, procedureConf)
	p.bringUp(t)
	p.must(t, p.a, "--", "--overwrite-data-of-peer", "primary", "r0")
	p.now = t0.Add(10 * time.Second)
	if err := setSpeedup(p.lab, 100, p.now); err != nil {
		t.Fatal(err)
	}
	if f, err := Speedup(p.lab); err != nil || f != 100 {
		t.Errorf("Speedup: %v %v", f, err)
	}
	st := p.status(t, p.a)
	if st.Sync.LeftKB != 1048472-102400 || st.Sync.Speed != 1024000 {
		t.Errorf("after the speed-up: %+v", st.Sync)
	}
	p.now = p.now.Add(time.Second)
	if st := p.status(t, p.a); st.CState != Connected {
		t.Errorf("a second later: %+v", st)
	}
}

func TestCreateMD(t *testing.T) {
	p := newPair(t, procedureConf)
	p.must(t, p.a, "create-md", "r0")
	r := p.adm(p.a, "", "create-md", "r0")
	if r.exit != 1 || r.stdout != "\nDo you really want to overwrite the existing v08 meta-data?\n[need to type 'yes' to confirm] \nOperation cancelled.\n" ||
		!strings.HasSuffix(r.stderr, "already in place on /dev/xvdb1 at byte offset 1073700864") {
		t.Errorf("over existing meta data: %+v", r)
	}
	if r := p.adm(p.a, "yes\n", "create-md", "r0"); r.exit != 0 || !strings.HasSuffix(r.stdout, msgCreatedMD) {
		t.Errorf("confirmed: %+v", r)
	}
	p.must(t, p.a, "up", "r0")
	r = p.adm(p.a, "", "create-md", "r0")
	if r.exit != 20 || r.stderr != "Device '/dev/drbd0' is configured!\nCommand '/sbin/drbdmeta /dev/drbd0 v08 /dev/xvdb1 internal create-md' terminated with exit code 20\ndrbdadm create-md r0: exited with code 20\n" {
		t.Errorf("while attached: %+v", r)
	}
	if r := p.adm(p.b, "", "dump-md", "r0"); r.exit != 255 || !strings.HasSuffix(r.stderr, "No valid meta data found\nCommand '/sbin/drbdmeta /dev/drbd0 v08 /dev/xvdb1 internal dump-md' terminated with exit code 255\ndrbdadm dump-md r0: exited with code 255\n") {
		t.Errorf("dump-md without meta data: %+v", r)
	}
	blockdev.Remove(p.b, "/dev/xvdb1")
	r = p.adm(p.b, "", "create-md", "r0")
	if r.exit != 20 || !strings.HasPrefix(r.stderr, "open(/dev/xvdb1) failed: No such file or directory\n") {
		t.Errorf("without the disk: %+v", r)
	}
}

func TestWithoutModule(t *testing.T) {
	p := newPair(t, procedureConf)
	p.must(t, p.a, "create-md", "r0")
	kmod.Unload(p.a, "drbd")
	// create-md does not need the module; dstate asks drbdmeta then.
	if r := p.must(t, p.a, "dstate", "r0"); r.stdout != "Inconsistent/DUnknown\n" {
		t.Errorf("dstate: %+v", r)
	}
	r := p.adm(p.a, "", "up", "r0")
	if r.exit != 0 || !strings.HasPrefix(r.stderr, msgNoModule+"Command '/sbin/drbdsetup /dev/drbd0 disk /dev/xvdb1 /dev/xvdb1 internal --set-defaults --create-device' terminated with exit code 20\ndrbdadm attach r0: exited with code 20\n") ||
		strings.Count(r.stderr, msgNoModule) != 3 {
		t.Errorf("up: %+v", r)
	}
	r = p.adm(p.a, "", "cstate", "r0")
	if r.exit != 20 || r.stderr != msgNoModule+"Command '/sbin/drbdsetup /dev/drbd0 cstate' terminated with exit code 20\ndrbdadm cstate r0: exited with code 20\n" {
		t.Errorf("cstate: %+v", r)
	}
	if r := p.adm(p.a, "", "down", "r0"); r.exit != 0 || r.stderr != "" {
		t.Errorf("down: %+v", r)
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	p := newPair(t, procedureConf)
	for _, tc := range []struct {
		args   []string
		exit   int
		stderr string
	}{
		{[]string{"frob", "r0"}, 3, "Unknown command 'frob'.\n"},
		{[]string{"up", "r9"}, 3, "'r9' not defined in your config.\n"},
		{[]string{"-c", "/etc/nosuch.conf", "up", "r0"}, 20, "Can not open '/etc/nosuch.conf'.\n."},
		{[]string{"primary", "--overwrite-data-of-peer", "r0"}, 20, "drbdadm: unrecognized option `--overwrite-data-of-peer'\ntry 'drbdadm help'\n"},
		{[]string{"verify", "r0"}, 20, "drbdadm: drbdadm verify is not emulated in the lab\n"},
		{[]string{"--", "--discard-my-data", "primary", "r0"}, 20, "drbdsetup primary: unrecognized option '--discard-my-data'\nCommand '/sbin/drbdsetup /dev/drbd0 primary --discard-my-data' terminated with exit code 20\ndrbdadm primary r0: exited with code 20\n"},
	} {
		if r := p.adm(p.a, "", tc.args...); r.exit != tc.exit || r.stderr != tc.stderr {
			t.Errorf("drbdadm %v: %+v, want %d %q", tc.args, r, tc.exit, tc.stderr)
		}
	}
	if r := p.adm(p.a, ""); r.exit != 3 || !strings.HasPrefix(r.stdout, "\nUSAGE: drbdadm [OPTION...]") || !strings.HasSuffix(r.stdout, "\nmissing arguments\n") {
		t.Errorf("no arguments: %+v", r)
	}
	os.Remove(p.a.Path("/etc/drbd.conf"))
	if r := p.adm(p.a, "", "up", "r0"); r.exit != 10 || r.stderr != "Can not open '/etc/drbd.conf': No such file or directory" {
		t.Errorf("no config: %+v", r)
	}
	os.Remove(p.a.Path(packages.DBPath))
	if r := p.adm(p.a, "", "up", "r0"); r.exit != 127 || r.stderr != "/sbin/drbdadm: command not found\n" {
		t.Errorf("without drbd82: %+v", r)
	}
}

func TestUpWithoutMetaDataIsDiskless(t *testing.T) {
	p := newPair(t, procedureConf)
	r := p.adm(p.a, "", "up", "r0")
	if r.exit != 0 || !strings.HasPrefix(r.stderr, msgNoMeta) {
		t.Errorf("up: %+v", r)
	}
	if got := p.line(t, p.a); got != "WFConnection Secondary/Unknown Diskless/DUnknown" {
		t.Errorf("a: %s", got)
	}
	if r := p.adm(p.a, "", "up", "r0"); !strings.Contains(r.stderr, msgHaveNet) {
		t.Errorf("up again: %+v", r)
	}
	if used, _ := ModuleInUse(p.a); !used {
		t.Error("the module is not in use")
	}
	p.must(t, p.a, "down", "r0")
	if used, _ := ModuleInUse(p.a); used {
		t.Error("the module is in use after down")
	}
}
