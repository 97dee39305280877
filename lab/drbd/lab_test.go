package drbd_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }

const (
	a = "storage0a.example.org"
	b = "storage0b.example.org"
)

func conf(twoPrimaries bool) string {
	net, startup := "\tnet { allow-two-primaries; }\n", "\tstartup { become-primary-on both; }\n"
	if !twoPrimaries {
		net, startup = "", ""
	}
	s := "global { usage-count no; }\ncommon { syncer { rate 10M; } }\nresource r0 {\n\tprotocol C;\n" + startup + net + "\tsyncer { rate 10M; }\n"
	for _, h := range []struct{ fqdn, addr string }{{a, "192.168.10.20"}, {b, "192.168.10.27"}} {
		s += "\ton " + h.fqdn + " {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/xvdb1;\n\t\taddress " + h.addr + ":7788;\n\t\tmeta-disk internal;\n\t}\n"
	}
	return s + "}\n"
}

func must(t *testing.T, lab *labtest.Lab, host string, want int, argv ...string) labtest.Result {
	t.Helper()
	r := lab.Run(t, host, argv...)
	if r.Exit != want {
		t.Fatalf("%s on %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), host, r.Exit, want, r.Stdout, r.Stderr)
	}
	return r
}

// prepare takes a host through part #2a and #2b up to create-md.
func prepare(t *testing.T, lab *labtest.Lab, host string, twoPrimaries bool) {
	t.Helper()
	must(t, lab, host, 0, "parted", "-s", "/dev/xvdb", "mklabel", "gpt")
	must(t, lab, host, 0, "parted", "-s", "/dev/xvdb", "mkpart", "primary", "0", "1074")
	must(t, lab, host, 0, "parted", "-s", "/dev/xvdb", "set", "1", "lvm", "on")
	must(t, lab, host, 0, "yum", "-y", "install", "kmod-drbd82-xen")
	must(t, lab, host, 0, "/sbin/modprobe", "drbd", "minor_count=1")
	lab.WriteFile(t, host, "/etc/drbd.conf", conf(twoPrimaries))
	r := must(t, lab, host, 0, "/sbin/drbdadm", "create-md", "r0")
	if !strings.HasSuffix(r.Stdout, "New drbd meta data block sucessfully created.\n") {
		t.Errorf("create-md on %s: %q", host, r.Stdout)
	}
}

var resourceLine = regexp.MustCompile(`(?m)^ 0: cs:(\S+) st:(\S+) ds:(\S+) C r---$`)
var syncedLine = regexp.MustCompile(`(?m)^\t\[[=>.]+\] sync'ed: *(\d+\.\d)% \((\d+)/1048472\)K$`)

// proc reads /proc/drbd on a host and returns its resource line's states.
func proc(t *testing.T, lab *labtest.Lab, host string) (cs, st, ds, out string) {
	t.Helper()
	out = must(t, lab, host, 0, "cat", "/proc/drbd").Stdout
	m := resourceLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("/proc/drbd on %s:\n%s", host, out)
	}
	return m[1], m[2], m[3], out
}

// waitFor polls until cond holds, failing the test at the deadline.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v; last:\n%s", what, timeout, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPairThroughTheLabBinary(t *testing.T) {
	lab := labtest.New(t, a, b)
	// 10M at 40 times: the 1 GiB resync takes some 2.5 s.
	if out, err := exec.Command(labtest.Binary(t), "set", "--dir", lab.Dir, "drbd-speedup", "40").CombinedOutput(); err != nil {
		t.Fatalf("lab set: %v %s", err, out)
	}
	if f, err := drbd.Speedup(lab.Dir); err != nil || f != 40 {
		t.Fatalf("speed-up %v, %v", f, err)
	}
	prepare(t, lab, a, true)
	prepare(t, lab, b, true)
	must(t, lab, a, 0, "/sbin/drbdadm", "up", "all")
	if cs, st, ds, _ := proc(t, lab, a); cs+" "+st+" "+ds != "WFConnection Secondary/Unknown Inconsistent/DUnknown" {
		t.Errorf("a alone: %s %s %s", cs, st, ds)
	}
	must(t, lab, b, 0, "/sbin/drbdadm", "up", "all")
	for _, h := range []string{a, b} {
		_, _, _, out := proc(t, lab, h)
		want := " 0: cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent C r---\n    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 oos:0\n"
		if !strings.HasSuffix(out, want) || !strings.HasPrefix(out, "version: 8.2.6 (api:88/proto:86-88)\nGIT-hash: ") {
			t.Errorf("/proc/drbd on %s:\n%s", h, out)
		}
	}
	r := must(t, lab, a, 11, "/sbin/drbdadm", "primary", "r0")
	if !strings.Contains(r.Stderr, "State change failed: (-2) Refusing to be Primary without at least one UpToDate disk\n") {
		t.Errorf("primary on Inconsistent: %q", r.Stderr)
	}

	must(t, lab, a, 0, "/sbin/drbdadm", "--", "--overwrite-data-of-peer", "primary", "all")
	var seen []string
	waitFor(t, "the resync to progress and finish", 30*time.Second, func() (bool, string) {
		cs, st, ds, out := proc(t, lab, a)
		if cs == "SyncSource" {
			if st != "Primary/Secondary" || ds != "UpToDate/Inconsistent" {
				t.Fatalf("during the resync:\n%s", out)
			}
			m := syncedLine.FindStringSubmatch(out)
			if m == nil || !strings.Contains(out, " K/sec\n") {
				t.Fatalf("no progress lines:\n%s", out)
			}
			if len(seen) == 0 || seen[len(seen)-1] != m[1] {
				seen = append(seen, m[1])
			}
		}
		return cs == "Connected" && ds == "UpToDate/UpToDate", out
	})
	if len(seen) < 2 {
		t.Errorf("progress seen: %v", seen)
	}
	for i := 1; i < len(seen); i++ {
		prev, _ := strconv.ParseFloat(seen[i-1], 64)
		cur, _ := strconv.ParseFloat(seen[i], 64)
		if cur <= prev {
			t.Errorf("progress went %v", seen)
		}
	}
	must(t, lab, b, 0, "/sbin/drbdadm", "primary", "r0")
	if cs, st, ds, _ := proc(t, lab, b); cs+" "+st+" "+ds != "Connected Primary/Primary UpToDate/UpToDate" {
		t.Errorf("b at the end of part #2b: %s %s %s", cs, st, ds)
	}
	if r := must(t, lab, a, 1, "/sbin/modprobe", "-r", "drbd"); r.Stderr != "FATAL: Module drbd is in use.\n" {
		t.Errorf("modprobe -r: %q", r.Stderr)
	}

	// Down and up again: reconnected at once, no resync.
	must(t, lab, b, 0, "/sbin/drbdadm", "down", "r0")
	if cs, st, ds, _ := proc(t, lab, a); cs+" "+st+" "+ds != "WFConnection Primary/Unknown UpToDate/DUnknown" {
		t.Errorf("a with b down: %s %s %s", cs, st, ds)
	}
	if r := must(t, lab, b, 0, "cat", "/proc/drbd"); !strings.HasSuffix(r.Stdout, "\n 0: cs:Unconfigured\n") {
		t.Errorf("b still reports its device configured:\n%s", r.Stdout)
	}
	must(t, lab, b, 0, "/sbin/drbdadm", "up", "r0")
	cs, st, ds, out := proc(t, lab, b)
	if cs+" "+st+" "+ds != "Connected Secondary/Primary UpToDate/UpToDate" || strings.Contains(out, "sync'ed") {
		t.Errorf("b up again:\n%s", out)
	}

	// The unconfigured minor goes with the module.
	must(t, lab, b, 0, "/sbin/drbdadm", "down", "r0")
	must(t, lab, b, 0, "/sbin/modprobe", "-r", "drbd")
	must(t, lab, b, 0, "/sbin/modprobe", "drbd")
	if r := must(t, lab, b, 0, "cat", "/proc/drbd"); strings.Contains(r.Stdout, " 0: ") {
		t.Errorf("a minor outlived the module:\n%s", r.Stdout)
	}
}

func TestSecondPrimaryRefusedWithoutAllowTwoPrimaries(t *testing.T) {
	lab := labtest.New(t, a, b)
	if err := drbd.SetSpeedup(lab.Dir, 1000); err != nil {
		t.Fatal(err)
	}
	prepare(t, lab, a, false)
	prepare(t, lab, b, false)
	must(t, lab, a, 0, "/sbin/drbdadm", "up", "r0")
	must(t, lab, b, 0, "/sbin/drbdadm", "up", "r0")
	must(t, lab, a, 0, "/sbin/drbdadm", "--", "--overwrite-data-of-peer", "primary", "r0")
	waitFor(t, "the resync to finish", 30*time.Second, func() (bool, string) {
		r := must(t, lab, b, 0, "/sbin/drbdadm", "dstate", "r0")
		return r.Stdout == "UpToDate/UpToDate\n", r.Stdout
	})
	r := must(t, lab, b, 11, "/sbin/drbdadm", "primary", "r0")
	if r.Stderr != "State change failed: (-1) Multiple primaries not allowed by config\nCommand '/sbin/drbdsetup /dev/drbd0 primary' terminated with exit code 11\n" {
		t.Errorf("second primary: %q", r.Stderr)
	}
	if r := must(t, lab, b, 0, "/sbin/drbdadm", "state", "r0"); r.Stdout != "Secondary/Primary\n" {
		t.Errorf("state: %q", r.Stdout)
	}
}

func TestMissingModuleConfigAndDisk(t *testing.T) {
	lab := labtest.New(t, a, b)
	if r := lab.Run(t, a, "drbdadm", "up", "r0"); r.Exit != 127 {
		t.Errorf("drbdadm before yum: %+v", r)
	}
	if r := must(t, lab, a, 1, "/sbin/modprobe", "drbd"); r.Stderr != "FATAL: Module drbd not found.\n" {
		t.Errorf("modprobe before yum: %q", r.Stderr)
	}
	if r := must(t, lab, a, 1, "cat", "/proc/drbd"); r.Stderr != "cat: /proc/drbd: No such file or directory\n" {
		t.Errorf("cat /proc/drbd without the module: %q", r.Stderr)
	}
	must(t, lab, a, 0, "yum", "-y", "install", "kmod-drbd82-xen")
	if r := must(t, lab, a, 10, "/sbin/drbdadm", "create-md", "r0"); r.Stderr != "Can not open '/etc/drbd.conf': No such file or directory" {
		t.Errorf("without a config: %q", r.Stderr)
	}
	lab.WriteFile(t, a, "/etc/drbd.conf", conf(true))
	if r := must(t, lab, a, 20, "/sbin/drbdadm", "create-md", "r0"); !strings.HasPrefix(r.Stderr, "open(/dev/xvdb1) failed: No such file or directory\n") {
		t.Errorf("without the partition: %q", r.Stderr)
	}
	must(t, lab, a, 0, "parted", "-s", "/dev/xvdb", "mklabel", "gpt", "mkpart", "primary", "0", "1074")
	must(t, lab, a, 0, "/sbin/drbdadm", "create-md", "r0")
	// drbdadm 8.2 exits 0 from up whatever its steps said.
	r := must(t, lab, a, 0, "/sbin/drbdadm", "up", "r0")
	if !strings.HasPrefix(r.Stderr, "Could not stat(\"/proc/drbd\"): No such file or directory\ndo you need to load the module?\ntry: modprobe drbd\n") {
		t.Errorf("up without the module: %q", r.Stderr)
	}
	lab.WriteFile(t, a, "/etc/drbd.conf", strings.ReplaceAll(conf(true), a, "storage9a.example.org"))
	if r := must(t, lab, a, 10, "/sbin/drbdadm", "up", "r0"); !strings.Contains(r.Stderr, "there is no host section for this host.\n\tMissing 'on storage0a.example.org {...}' ?\n") {
		t.Errorf("a config without this host: %q", r.Stderr)
	}
}

func TestInitGivesTheSpareDiskAndBaseTools(t *testing.T) {
	lab := labtest.New(t, a)
	r := must(t, lab, a, 1, "/sbin/parted", "-s", "/dev/xvdb", "print")
	if r.Stdout != "Error: Unable to open /dev/xvdb - unrecognised disk label.\n" {
		t.Errorf("fresh disk: %q", r.Stdout)
	}
	must(t, lab, a, 0, "parted", "-s", "/dev/xvdb", "mklabel", "gpt", "mkpart", "primary", "0", "1074")
	// A second init keeps the partitioned disk.
	if out, err := exec.Command(labtest.Binary(t), "init", "--runbook", "../../runbooks/scalable-storage.yaml", "--dir", lab.Dir).CombinedOutput(); err != nil {
		t.Fatalf("lab init: %v\n%s", err, out)
	}
	if r := must(t, lab, a, 0, "parted", "-s", "/dev/xvdb", "print"); !strings.Contains(r.Stdout, " 1      17.4kB  1074MB  1074MB               primary       \n") {
		t.Errorf("after a second init:\n%s", r.Stdout)
	}
	must(t, lab, a, 0, "/sbin/lsmod")
}

func TestFaultsAndLogReachDrbdadm(t *testing.T) {
	lab := labtest.New(t, a, b)
	prepare(t, lab, a, true)
	if err := emu.AddFault(lab.Dir, emu.Fault{Host: a, Command: "drbdadm up", Mode: emu.FaultFail, Times: 1, Exit: 20}); err != nil {
		t.Fatal(err)
	}
	must(t, lab, a, 20, "/sbin/drbdadm", "up", "r0")
	if cs := must(t, lab, a, 0, "/sbin/drbdadm", "cstate", "r0").Stdout; cs != "Unconfigured\n" {
		t.Errorf("the failed up had an effect: %q", cs)
	}
	must(t, lab, a, 0, "/sbin/drbdadm", "up", "r0")
	invs, err := emu.Invocations(lab.Dir, a)
	if err != nil {
		t.Fatal(err)
	}
	var ups []string
	for _, inv := range invs {
		if len(inv.Argv) > 1 && inv.Argv[0] == "/sbin/drbdadm" && inv.Argv[1] == "up" {
			ups = append(ups, fmt.Sprintf("%d%s", inv.Exit, inv.Fault))
		}
	}
	if strings.Join(ups, " ") != "20fail 0" {
		t.Errorf("logged ups: %v", ups)
	}
}
