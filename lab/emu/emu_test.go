package emu_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }

const (
	a = "storage0a.example.org"
	b = "storage0b.example.org"
)

// conf renders a cluster.conf in the layout of PROCEDURES.md.
func conf(name string, version int, twoNode bool, nodes ...string) string {
	var s strings.Builder
	fmt.Fprintf(&s, "<?xml version=\"1.0\"?>\n<cluster name=%q config_version=\"%d\">\n", name, version)
	if twoNode {
		s.WriteString("  <cman two_node=\"1\" expected_votes=\"1\"/>\n")
	}
	s.WriteString("    <clusternodes>\n")
	for i, n := range nodes {
		fmt.Fprintf(&s, "        <clusternode name=%q nodeid=\"%d\" votes=\"1\"/>\n", n, i+1)
	}
	s.WriteString("    </clusternodes>\n  <fencedevices/>\n  <rm>\n    <failoverdomains/>\n    <resources/>\n  </rm>\n</cluster>\n")
	return s.String()
}

// must runs a command and fails the test unless it exits with want.
func must(t *testing.T, lab *labtest.Lab, host string, want int, argv ...string) labtest.Result {
	t.Helper()
	r := lab.Run(t, host, argv...)
	if r.Exit != want {
		t.Fatalf("%s on %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), host, r.Exit, want, r.Stdout, r.Stderr)
	}
	return r
}

var memberLine = regexp.MustCompile(`^ +(\d+) +([MX]) +(\d+) +(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)? +(\S+)$`)

// nodes returns "nodeid:status:name" for each line of cman_tool nodes.
func nodes(t *testing.T, lab *labtest.Lab, host string) []string {
	t.Helper()
	out := must(t, lab, host, 0, "cman_tool", "nodes").Stdout
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "Node  Sts   Inc   Joined               Name" {
		t.Fatalf("header %q", lines[0])
	}
	var got []string
	for _, l := range lines[1:] {
		m := memberLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("cman_tool nodes line %q", l)
		}
		got = append(got, m[1]+":"+m[2]+":"+m[5])
	}
	return got
}

func statusField(t *testing.T, out, key string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(key) + `: (.*)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in\n%s", key, out)
	}
	return m[1]
}

// bootstrap takes storage0a through part #3's first steps.
func bootstrap(t *testing.T, lab *labtest.Lab) {
	t.Helper()
	must(t, lab, a, 0, "yum", "-y", "install", "cman")
	must(t, lab, a, 0, "ccs_tool", "create", "storage0")
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", conf("storage0", 1, false, a))
	must(t, lab, a, 0, "/etc/init.d/cman", "start")
}

// join adds storage0b as part #3 does: version 2 pushed from storage0a,
// then install, create and start on storage0b.
func join(t *testing.T, lab *labtest.Lab) {
	t.Helper()
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", conf("storage0", 2, false, a, b))
	r := must(t, lab, a, 0, "ccs_tool", "update", "/etc/cluster/cluster.conf")
	if r.Stdout != "Config file updated from version 1 to 2\n\nUpdate complete.\n" {
		t.Errorf("ccs_tool update said %q", r.Stdout)
	}
	must(t, lab, b, 0, "yum", "-y", "install", "cman")
	must(t, lab, b, 0, "ccs_tool", "create", "storage0")
	must(t, lab, b, 0, "/etc/init.d/cman", "start")
}

func TestBootstrapAndJoin(t *testing.T) {
	lab := labtest.New(t, a, b)
	if err := emu.WriteEtcHosts(lab.Dir, map[string]string{a: "192.168.10.20", b: "192.168.10.27"}); err != nil {
		t.Fatal(err)
	}
	bootstrap(t, lab)
	if got := nodes(t, lab, a); strings.Join(got, " ") != "1:M:"+a {
		t.Errorf("after bootstrap: %v", got)
	}
	st := must(t, lab, a, 0, "cman_tool", "status").Stdout
	for k, want := range map[string]string{"Config Version": "1", "Cluster Name": "storage0", "Nodes": "1", "Expected votes": "1", "Total votes": "1", "Quorum": "1  ", "Node name": a, "Node ID": "1", "Node addresses": "192.168.10.20 "} {
		if got := statusField(t, st, k); got != want {
			t.Errorf("status %s: got %q, want %q", k, got, want)
		}
	}

	join(t, lab)
	if got, want := lab.ReadFile(t, b, "/etc/cluster/cluster.conf"), lab.ReadFile(t, a, "/etc/cluster/cluster.conf"); got != want {
		t.Errorf("storage0b did not receive storage0a's cluster.conf:\n%s\nwant\n%s", got, want)
	}
	for _, h := range []string{a, b} {
		if got := nodes(t, lab, h); strings.Join(got, " ") != "1:M:"+a+" 2:M:"+b {
			t.Errorf("nodes on %s: %v", h, got)
		}
		st := must(t, lab, h, 0, "cman_tool", "status").Stdout
		if statusField(t, st, "Quorum") != "2  " || statusField(t, st, "Total votes") != "2" || statusField(t, st, "Config Version") != "2" {
			t.Errorf("status on %s:\n%s", h, st)
		}
	}
	if r := must(t, lab, a, 0, "/etc/init.d/cman", "status"); r.Stdout != "cman is running.\n" {
		t.Errorf("init status: %q", r.Stdout)
	}
}

func TestUpdateWithSameVersionRefused(t *testing.T) {
	lab := labtest.New(t, a)
	bootstrap(t, lab)
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", conf("storage0", 1, false, a, b))
	r := must(t, lab, a, 1, "ccs_tool", "update", "/etc/cluster/cluster.conf")
	want := "Proposed updated config file does not have greater version number.\n  Current config_version :: 1\n  Proposed config_version:: 1\n\nFailed to update config file.\n"
	if r.Stderr != want || r.Stdout != "" {
		t.Errorf("stdout %q, stderr:\n%s", r.Stdout, r.Stderr)
	}
	if got := nodes(t, lab, a); len(got) != 1 {
		t.Errorf("a refused update changed the cluster: %v", got)
	}
	// Relative paths are taken from the working directory, / here.
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", "<cluster")
	r = must(t, lab, a, 1, "ccs_tool", "update", "etc/cluster/cluster.conf")
	if r.Stderr != "Unable to parse /etc/cluster/cluster.conf\n\nFailed to update config file.\n" {
		t.Errorf("malformed: %q", r.Stderr)
	}
}

func TestUpdateNeedsRunningCman(t *testing.T) {
	lab := labtest.New(t, a)
	must(t, lab, a, 0, "yum", "-y", "install", "cman")
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", conf("storage0", 1, false, a))
	r := must(t, lab, a, 1, "ccs_tool", "update", "/etc/cluster/cluster.conf")
	if r.Stderr != "Unable to connect to the CCS daemon: Connection refused\n\nFailed to update config file.\n" {
		t.Errorf("stderr %q", r.Stderr)
	}
	r = must(t, lab, a, 1, "cman_tool", "status")
	if r.Stderr != "/sbin/cman_tool: Cannot open connection to cman, is it running ?\n" {
		t.Errorf("cman_tool status: %q", r.Stderr)
	}
	if r := must(t, lab, a, 1, "/etc/init.d/cman", "status"); r.Stdout != "ccsd is stopped\n" {
		t.Errorf("init status: %q", r.Stdout)
	}
}

func TestStartOfNodeAbsentFromConfigRefused(t *testing.T) {
	lab := labtest.New(t, a, b)
	bootstrap(t, lab)
	// storage0b has only the skeleton: it receives version 1, which does
	// not list it.
	must(t, lab, b, 0, "yum", "-y", "install", "cman")
	must(t, lab, b, 0, "ccs_tool", "create", "storage0")
	r := must(t, lab, b, 1, "/etc/init.d/cman", "start")
	want := "Starting cluster: \n   Loading modules... done\n   Mounting configfs... done\n   Starting ccsd... done\n   Starting cman... failed\n" +
		"cman not started: Can't find local node name in cluster.conf /sbin/cman_tool: aisexec daemon didn't start\n[FAILED]\n"
	if r.Stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.Stdout, want)
	}
	if got := nodes(t, lab, a); len(got) != 1 {
		t.Errorf("the refused node shows up: %v", got)
	}
	must(t, lab, b, 1, "cman_tool", "nodes")
}

func TestInquorateWhenOneOfTwoStops(t *testing.T) {
	lab := labtest.New(t, a, b)
	bootstrap(t, lab)
	join(t, lab)
	r := must(t, lab, b, 0, "/etc/init.d/cman", "stop")
	if !strings.HasPrefix(r.Stdout, "Stopping cluster: \n") || !strings.HasSuffix(r.Stdout, "[  OK  ]\n") {
		t.Errorf("stop said\n%s", r.Stdout)
	}
	must(t, lab, b, 0, "/etc/init.d/cman", "stop") // stopping again is fine
	st := must(t, lab, a, 0, "cman_tool", "status").Stdout
	if got := statusField(t, st, "Quorum"); got != "2 Activity blocked" {
		t.Errorf("Quorum: %q\n%s", got, st)
	}
	if got := nodes(t, lab, a); strings.Join(got, " ") != "1:M:"+a+" 2:X:"+b {
		t.Errorf("nodes: %v", got)
	}
	// An inquorate cluster takes no new config.
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", conf("storage0", 3, false, a, b))
	if r := must(t, lab, a, 1, "ccs_tool", "update", "/etc/cluster/cluster.conf"); !strings.HasPrefix(r.Stderr, "Unable to honor update request. Cluster is not quorate.\n") {
		t.Errorf("update while inquorate: %q", r.Stderr)
	}
	// storage0b rejoins with its version 2 file and the cluster is whole.
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", conf("storage0", 2, false, a, b))
	must(t, lab, b, 0, "/etc/init.d/cman", "start")
	st = must(t, lab, a, 0, "cman_tool", "status").Stdout
	if statusField(t, st, "Quorum") != "2  " || statusField(t, st, "Cluster Generation") != "16" {
		t.Errorf("after rejoin:\n%s", st)
	}
}

func TestTwoNodeClusterSurvivesOneNode(t *testing.T) {
	lab := labtest.New(t, a, b)
	for _, h := range []string{a, b} {
		must(t, lab, h, 0, "yum", "-y", "install", "cman")
		lab.WriteFile(t, h, "/etc/cluster/cluster.conf", conf("storage0", 1, true, a, b))
		must(t, lab, h, 0, "/etc/init.d/cman", "start")
	}
	must(t, lab, b, 0, "/etc/init.d/cman", "stop")
	st := must(t, lab, a, 0, "cman_tool", "status").Stdout
	if statusField(t, st, "Quorum") != "1  " || statusField(t, st, "Flags") != "2node Dirty " {
		t.Errorf("two_node with one node:\n%s", st)
	}
}

func TestToolsExistOnlyWithTheirPackage(t *testing.T) {
	lab := labtest.New(t, a)
	if r := lab.Run(t, a, "ccs_tool", "create", "storage0"); r.Exit != 127 {
		t.Errorf("ccs_tool before installing cman: %+v", r)
	}
	must(t, lab, a, 0, "yum", "-y", "install", "cman")
	if _, err := emu.Command(lab.Dir, a, "/etc/init.d/cman"); err != nil {
		t.Errorf("init script after install: %v", err)
	}
	must(t, lab, a, 0, "yum", "-y", "remove", "cman")
	for _, tool := range []string{"ccs_tool", "cman_tool", "/etc/init.d/cman"} {
		if _, err := emu.Command(lab.Dir, a, tool); err == nil {
			t.Errorf("%s survived yum remove cman", tool)
		}
	}
	if r := must(t, lab, a, 1, "rpm", "-q", "cman"); r.Stdout != "package cman is not installed\n" {
		t.Errorf("rpm -q: %q", r.Stdout)
	}
}

func TestFaultFailTwiceThenSucceed(t *testing.T) {
	lab := labtest.New(t, a)
	if err := emu.AddFault(lab.Dir, emu.Fault{Host: "storage0a", Command: "yum install", Mode: emu.FaultFail, Times: 2}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		r := must(t, lab, a, 1, "yum", "-y", "install", "gnbd")
		if r.Stderr != "yum: injected failure\n" || r.Stdout != "" {
			t.Errorf("attempt %d: %+v", i+1, r)
		}
		must(t, lab, a, 1, "rpm", "-q", "gnbd") // no effect
	}
	must(t, lab, a, 0, "yum", "-y", "install", "gnbd")
	must(t, lab, a, 0, "rpm", "-q", "gnbd")

	invs, err := emu.Invocations(lab.Dir, "storage0a")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, inv := range invs {
		got = append(got, fmt.Sprintf("%s %d %s", strings.Join(inv.Argv, " "), inv.Exit, inv.Fault))
	}
	want := []string{
		"/usr/bin/yum -y install gnbd 1 fail", "/bin/rpm -q gnbd 1 ",
		"/usr/bin/yum -y install gnbd 1 fail", "/bin/rpm -q gnbd 1 ",
		"/usr/bin/yum -y install gnbd 0 ", "/bin/rpm -q gnbd 0 ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFaultFailAlways(t *testing.T) {
	lab := labtest.New(t, a)
	bootstrap(t, lab)
	if err := emu.AddFault(lab.Dir, emu.Fault{Command: "cman_tool status", Mode: emu.FaultFail, Exit: 7, Message: "cman_tool: Cluster is in transition"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if r := must(t, lab, a, 7, "cman_tool", "status"); r.Stderr != "cman_tool: Cluster is in transition\n" {
			t.Errorf("stderr %q", r.Stderr)
		}
	}
	must(t, lab, a, 0, "cman_tool", "nodes") // another subcommand is unaffected
	if err := emu.ClearFaults(lab.Dir, ""); err != nil {
		t.Fatal(err)
	}
	must(t, lab, a, 0, "cman_tool", "status")
}

func TestFaultSlow(t *testing.T) {
	lab := labtest.New(t, a)
	const delay = 300 * time.Millisecond
	if err := emu.AddFault(lab.Dir, emu.Fault{Host: a, Command: "rpm", Mode: emu.FaultSlow, Delay: delay, Times: 1}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	must(t, lab, a, 1, "rpm", "-q", "cman")
	if took := time.Since(start); took < delay {
		t.Errorf("a slow fault of %s took %s", delay, took)
	}
	if faults, _ := emu.Faults(lab.Dir); len(faults) != 0 {
		t.Errorf("a slow fault for one invocation is still there: %+v", faults)
	}
}

func TestFaultHangKilledByTimeout(t *testing.T) {
	lab := labtest.New(t, a)
	must(t, lab, a, 0, "yum", "-y", "install", "cman")
	if err := emu.AddFault(lab.Dir, emu.Fault{Host: a, Command: "cman start", Mode: emu.FaultHang, Times: 1}); err != nil {
		t.Fatal(err)
	}
	lab.WriteFile(t, a, "/etc/cluster/cluster.conf", conf("storage0", 1, false, a))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	r := lab.RunContext(ctx, t, a, "", "/etc/init.d/cman", "start")
	if r.Exit != -1 || ctx.Err() == nil {
		t.Fatalf("a hanging start ended by itself: %+v", r)
	}
	must(t, lab, a, 1, "cman_tool", "status") // the hang had no effect
	invs, _ := emu.Invocations(lab.Dir, a)
	last := invs[len(invs)-2]
	if last.Fault != emu.FaultHang || last.Exit != -1 || strings.Join(last.Argv, " ") != "/etc/init.d/cman start" {
		t.Errorf("logged %+v", last)
	}
	// The fault was for one invocation: the retry starts cman.
	must(t, lab, a, 0, "/etc/init.d/cman", "start")
}

func TestConcurrentToolsKeepStateWhole(t *testing.T) {
	hosts := []string{"node1.example.org", "node2.example.org", "node3.example.org", "node4.example.org"}
	lab := labtest.New(t, hosts...)
	for _, h := range hosts {
		must(t, lab, h, 0, "yum", "-y", "install", "cman")
		lab.WriteFile(t, h, "/etc/cluster/cluster.conf", conf("quad", 1, false, hosts...))
	}
	var wg sync.WaitGroup
	results := make(chan string, 64)
	run := func(h string, argv ...string) {
		defer wg.Done()
		r := lab.Run(t, h, argv...)
		results <- fmt.Sprintf("%s %s: %d", h, strings.Join(argv, " "), r.Exit)
	}
	for i, h := range hosts {
		wg.Add(5)
		go run(h, "/etc/init.d/cman", "start")
		go run(h, "yum", "-y", "install", "gnbd")
		go run(h, "yum", "-y", "install", "gnbd", "gfs2-utils")
		go run(h, "rpm", "-q", "cman")
		go run(hosts[(i+1)%len(hosts)], "/etc/init.d/cman", "status")
	}
	wg.Wait()
	close(results)
	for r := range results {
		if strings.Contains(r, "install") && !strings.HasSuffix(r, ": 0") || strings.Contains(r, "start") && !strings.HasSuffix(r, ": 0") {
			t.Error(r)
		}
	}
	for _, h := range hosts {
		if got := nodes(t, lab, h); len(got) != 4 || strings.Count(strings.Join(got, " "), ":M:") != 4 {
			t.Errorf("nodes on %s: %v", h, got)
		}
		st := must(t, lab, h, 0, "cman_tool", "status").Stdout
		if statusField(t, st, "Cluster Generation") != "16" || statusField(t, st, "Quorum") != "3  " {
			t.Errorf("status on %s:\n%s", h, st)
		}
		db := lab.ReadFile(t, h, "/var/lib/rpm/lab-installed")
		for _, p := range []string{"cman-", "openais-", "gnbd-", "gfs2-utils-"} {
			n := 0
			for _, line := range strings.Split(db, "\n") {
				if strings.HasPrefix(line, p) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: %q appears %d times in\n%s", h, p, n, db)
			}
		}
		invs, err := emu.Invocations(lab.Dir, h)
		if err != nil || len(invs) < 5 {
			t.Errorf("%s: %d invocations logged, %v", h, len(invs), err)
		}
	}
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	hosts := []string{"node1.example.org", "node2.example.org", "node3.example.org"}
	lab := labtest.New(t, hosts...)
	for _, h := range hosts {
		must(t, lab, h, 0, "yum", "-y", "install", "cman")
		lab.WriteFile(t, h, "/etc/cluster/cluster.conf", conf("trio", 1, false, hosts...))
		must(t, lab, h, 0, "/etc/init.d/cman", "start")
	}
	// Every member proposes its own version 2 at once: ccs_tool update is a
	// compare-and-swap on the version, so exactly one wins.
	var wg sync.WaitGroup
	exits := make([]int, len(hosts))
	for i, h := range hosts {
		lab.WriteFile(t, h, "/tmp/proposed.conf", strings.Replace(conf("trio", 2, false, hosts...), "<rm>", fmt.Sprintf("<!-- from %s --><rm>", h), 1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			exits[i] = lab.Run(t, h, "ccs_tool", "update", "/tmp/proposed.conf").Exit
		}()
	}
	wg.Wait()
	winner := ""
	for i, e := range exits {
		if e == 0 {
			if winner != "" {
				t.Fatalf("two updates to version 2 succeeded: %v", exits)
			}
			winner = hosts[i]
		}
	}
	if winner == "" {
		t.Fatalf("no update succeeded: %v", exits)
	}
	for _, h := range hosts {
		if got := lab.ReadFile(t, h, "/etc/cluster/cluster.conf"); !strings.Contains(got, "from "+winner) {
			t.Errorf("%s did not get the winning config:\n%s", h, got)
		}
	}
}

func TestInitKeepsStateAndRelinks(t *testing.T) {
	lab := labtest.New(t, a)
	bootstrap(t, lab)
	// A rebuilt binary elsewhere: Init points every tool at it and keeps
	// what the host has.
	moved := filepath.Join(t.TempDir(), "lab")
	data, err := os.ReadFile(labtest.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(moved, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := emu.Init(lab.Dir, moved, []string{a, b}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"usr/bin/yum", "bin/rpm", "sbin/cman_tool", "etc/init.d/cman"} {
		if target, _ := os.Readlink(filepath.Join(lab.Root(a), l)); target != moved {
			t.Errorf("%s -> %s", l, target)
		}
	}
	if got := nodes(t, lab, a); len(got) != 1 {
		t.Errorf("nodes after re-init: %v", got)
	}
	must(t, lab, b, 1, "rpm", "-q", "cman") // the new host is fresh
	if err := emu.Init(lab.Dir, moved, []string{"../escape"}); err == nil {
		t.Error("a host name with a path in it was accepted")
	}
}

// Logged names the hosts that ran something, and only those.
func TestLoggedNamesTheHostsThatRan(t *testing.T) {
	lab := labtest.New(t, a, b)
	must(t, lab, a, 1, "rpm", "-q", "cman")
	hosts, err := emu.Logged(lab.Dir)
	if err != nil || len(hosts) != 1 || hosts[0] != a {
		t.Errorf("Logged = %v, %v; want [%s]", hosts, err, a)
	}
}
