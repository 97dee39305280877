package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

var (
	storageHosts = []string{"storage0a.example.org", "storage0b.example.org", "storage1a.example.org", "storage1b.example.org"}
	clientHosts  = []string{"client0.example.org", "client1.example.org"}
)

// formed is a lab of the blog's six hosts with its clusters formed and
// DRBD syncing speedup times faster than the blog's 10M. The agents that
// formed them are stopped: each test starts its own.
func formed(t *testing.T, ns string, speedup float64) *lab {
	t.Helper()
	l := newLab(t, ns, "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, speedup); err != nil {
		t.Fatal(err)
	}
	agents := l.up()
	defer agents.kill()
	if out, err := runBin(t, "starter", "run", "--namespace", ns, "--runbook", l.book, "--id", "clusters-"+t.Name()); err != nil {
		t.Fatalf("form clusters: %v\n%s", err, out)
	}
	return l
}

// prepareDisks partitions the spare disks of a storage cluster, which a
// DRBD pair needs first; the lab's disks have no partition table, and the
// runbook lets their labels through.
func prepareDisks(t *testing.T, l *lab, ns string, hosts ...string) {
	t.Helper()
	book := autoRunbook(t, l)
	for _, h := range hosts {
		if out, err := runBin(t, "starter", "run", "--namespace", ns, "--runbook", book, "--procedure", "prepare-disk", "--host", h); err != nil {
			t.Fatalf("prepare-disk %s: %v\n%s", h, err, out)
		}
	}
}

// autoRunbook writes the blog's runbook with the DRBD overwrite and the
// labels of the lab's blank disks let through without a person.
func autoRunbook(t *testing.T, l *lab) string {
	t.Helper()
	data, err := os.ReadFile(l.book)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "auto.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), "  auto: []", "  auto: [disk-label, drbd-overwrite]", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkMultipath checks each client's `multipath -l`: mpath0 over gnbd0 and
// gnbd1 (uid 0), mpath1 over gnbd2 and gnbd3 (uid 1).
func checkMultipath(t *testing.T, l *lab) {
	t.Helper()
	checkMultipathOf(t, l, clientHosts...)
}

// checkMultipathOf checks the maps of the clients given.
func checkMultipathOf(t *testing.T, l *lab, clients ...string) {
	t.Helper()
	for _, c := range clients {
		out, err := l.exec(c, "multipath", "-l")
		if err != nil {
			t.Fatalf("%s: multipath -l: %v\n%s", c, err, out)
		}
		maps, err := activities.ParseMultipath(out)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, m := range maps {
			for _, p := range m.Paths {
				got[m.Name+" ("+m.UID+")"] = append(got[m.Name+" ("+m.UID+")"], p.Device)
			}
		}
		want := map[string][]string{"mpath0 (0)": {"gnbd0", "gnbd1"}, "mpath1 (1)": {"gnbd2", "gnbd3"}}
		for k, v := range want {
			slices.Sort(got[k])
			if !slices.Equal(got[k], v) {
				t.Errorf("%s: %s has paths %v, want %v\n%s", c, k, got[k], v, out)
			}
		}
		if len(got) != 2 {
			t.Errorf("%s: %d maps, want 2:\n%s", c, len(got), out)
		}
	}
}

// drbdOf reads /proc/drbd on a storage host.
func drbdOf(t *testing.T, l *lab, host string) activities.DRBDStatus {
	t.Helper()
	out, err := l.exec(host, "cat", "/proc/drbd")
	if err != nil {
		return activities.DRBDStatus{Connection: "Unconfigured"}
	}
	s, err := activities.ParseProcDRBD(out)
	if err != nil || len(s) == 0 {
		return activities.DRBDStatus{Connection: "Unconfigured"}
	}
	return s[0]
}

// waitPending waits until a workflow waits for an approval, and fails at
// once if it ended instead.
func waitPending(t *testing.T, c client.Client, id string) {
	t.Helper()
	eventually(t, 2*time.Minute, id+" waiting for approval", func() bool {
		desc, err := c.DescribeWorkflowExecution(context.Background(), id, "")
		if err == nil && desc.GetWorkflowExecutionInfo().GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
			err := c.GetWorkflow(context.Background(), id, "").Get(context.Background(), nil)
			t.Fatalf("%s ended before asking for approval: %v", id, err)
		}
		v, err := c.QueryWorkflow(context.Background(), id, "", workflows.ApprovalsQuery)
		var st workflows.ApprovalsState
		return err == nil && v.Get(&st) == nil && len(st.Pending) > 0
	})
}

func TestStorageLayerBuildsTheBlogsDataPath(t *testing.T) {
	c := dial(t, "storage")
	orchestrator(t, c)
	l := formed(t, "storage", 200)
	l.up()
	l.fault("--host", "client0.example.org", "--command", "gnbd_import -i", "--fail", "2")

	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "layer", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageLayerName, workflows.StorageLayerInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}})
	if err != nil {
		t.Fatal(err)
	}
	// The lab's blank disks wait for a person before their labels.
	for _, h := range storageHosts {
		waitPending(t, c, "layer/disk-"+h)
		if out, err := runBin(t, "starter", "approve", "--namespace", "storage", "--workflow-id", "layer", "--step", "disk-label:"+h+":/dev/xvdb", "--by", "dave"); err != nil {
			t.Fatalf("starter approve disk-label of %s: %v\n%s", h, err, out)
		}
	}
	// Both pairs wait for a person; approve one from the command line and
	// the other as the Web UI does, by Signal.
	waitPending(t, c, "layer/drbd-storage0-r0")
	waitPending(t, c, "layer/drbd-storage1-r0")
	if out, err := runBin(t, "starter", "approve", "--namespace", "storage", "--workflow-id", "layer", "--step", "drbd-overwrite:storage0/r0", "--by", "alice"); err != nil || !strings.Contains(out, "approved drbd-overwrite:storage0/r0 in layer/drbd-storage0-r0 (by alice)") {
		t.Fatalf("starter approve: %v\n%s", err, out)
	}
	if err := c.SignalWorkflow(context.Background(), "layer/drbd-storage1-r0", "", workflows.ApproveSignal,
		workflows.ApprovalRequest{Step: "drbd-overwrite:storage1/r0", By: "bob", Approve: true}); err != nil {
		t.Fatal(err)
	}
	var res workflows.StorageLayerResult
	if err := run.Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	checkMultipath(t, l)
	for _, h := range storageHosts {
		if s := drbdOf(t, l, h); s.Role != "Primary" || s.PeerRole != "Primary" || !s.InSync() {
			t.Errorf("%s: /proc/drbd %+v, want Primary/Primary UpToDate/UpToDate", h, s)
		}
	}
	for _, c := range clientHosts {
		entries, _ := os.ReadDir(filepath.Join(l.root(c), "dev/gnbd"))
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if !slices.Equal(got, []string{"gnbd0a", "gnbd0b", "gnbd1a", "gnbd1b"}) {
			t.Errorf("%s: ls /dev/gnbd/ = %v", c, got)
		}
	}
	approvers := map[string]string{}
	for _, a := range res.Approvals {
		approvers[a.Step] = a.By
	}
	if approvers["drbd-overwrite:storage0/r0"] != "alice" || approvers["drbd-overwrite:storage1/r0"] != "bob" || approvers["disk-label:storage0a.example.org:/dev/xvdb"] != "dave" {
		t.Errorf("approvals recorded: %+v", res.Approvals)
	}
	// The import that failed twice was retried, not restarted from scratch.
	runs, _ := emu.Invocations(l.dir, "client0.example.org")
	var imports []int
	for _, r := range runs {
		if filepath.Base(r.Argv[0]) == "gnbd_import" && slices.Contains(r.Argv, "-i") && r.Argv[len(r.Argv)-1] == "storage0a.example.org" {
			imports = append(imports, r.Exit)
		}
	}
	if len(imports) != 3 || imports[0] == 0 || imports[1] == 0 || imports[2] != 0 {
		t.Errorf("gnbd_import -i storage0a on client0: exits %v, want two failures then a success", imports)
	}
	record(t, c, "layer")
}

func TestStorageLayerFailingAtTheEndLeavesTheHostsAsTheyBegan(t *testing.T) {
	c := dial(t, "storage")
	orchestrator(t, c)
	l := formed(t, "storage", 200)
	l.up()
	before := l.snapshot()
	l.fault("--host", "client1.example.org", "--command", "multipathd restart", "--fail-always",
		"--message", "error parsing config file")

	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "layer-undo", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageLayerName, workflows.StorageLayerInput{Ref: runbooks.Ref{YAML: mustRead(t, autoRunbook(t, l))}})
	if err != nil {
		t.Fatal(err)
	}
	err = run.Get(context.Background(), nil)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrRunFailed {
		t.Fatalf("run ended with %v, want %s", err, workflows.ErrRunFailed)
	}
	// What cannot be undone is named: the partition tables (and DRBD
	// metadata and the overwritten peers, which live on the disks).
	var partial workflows.StorageLayerResult
	if err := appErr.Details(&partial); err != nil {
		t.Fatal(err)
	}
	for _, h := range storageHosts {
		if !slices.ContainsFunc(partial.Irreversible, func(s string) bool {
			return strings.HasPrefix(s, h+": partition table written on /dev/xvdb")
		}) {
			t.Errorf("the failed run does not name the partition table of %s: %q", h, partial.Irreversible)
		}
	}
	for _, h := range storageHosts {
		if out, err := l.exec(h, "gnbd_export", "-l"); err == nil && strings.Contains(out, "Server[") {
			t.Errorf("%s still exports:\n%s", h, out)
		}
		if s := drbdOf(t, l, h); s.Connection != "Unconfigured" {
			t.Errorf("%s: DRBD is %s, want down", h, s.Connection)
		}
	}
	for _, h := range clientHosts {
		if out, err := l.exec(h, "gnbd_import", "-l"); err == nil && strings.Contains(out, "Device name") {
			t.Errorf("%s still imports:\n%s", h, out)
		}
	}
	// Everything else as it was, but what the run names as irreversible:
	// the partition tables and the DRBD metadata on the storage disks.
	var changed []string
	for _, d := range diff(before, l.snapshot()) {
		if !strings.HasSuffix(d, "/dev/xvdb1") { // the partition the run names
			changed = append(changed, d)
		}
	}
	if len(changed) > 0 {
		t.Errorf("hosts changed by a failed run: %v", changed)
	}
	record(t, c, "layer-undo")
}

func TestSyncSourceAgentKilledMidSyncResumesTheWait(t *testing.T) {
	c := dial(t, "storage")
	orchestrator(t, c)
	l := formed(t, "storage", 20)
	var others []string
	for _, h := range append(slices.Clone(storageHosts), clientHosts...) {
		if h != "storage0a.example.org" {
			others = append(others, "--host", h)
		}
	}
	start(t, "lab", append([]string{"up", "--runbook", l.book, "--dir", l.dir, "--namespace", "storage"}, others...)...)
	source := l.agent("storage0a.example.org")
	prepareDisks(t, l, "storage", "storage0a", "storage0b")

	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "kill-sync", TaskQueue: workflows.OrchestratorQueue},
		workflows.DRBDPairName, workflows.DRBDPairInput{Ref: runbooks.Ref{YAML: mustRead(t, autoRunbook(t, l))}, Cluster: "storage0"})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Minute, "the initial sync to start", func() bool {
		s := drbdOf(t, l, "storage0a.example.org")
		return s.Syncing && s.Percent > 0
	})
	source.kill()
	killedAt := drbdOf(t, l, "storage0a.example.org").Percent
	// The sync runs in the (emulated) kernel: it goes on without the agent.
	eventually(t, time.Minute, "the sync to progress without the agent", func() bool {
		s := drbdOf(t, l, "storage0a.example.org")
		return s.InSync() || s.Percent > killedAt
	})
	l.agent("storage0a.example.org")
	if err := run.Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	overwrites := 0
	runs, _ := emu.Invocations(l.dir, "storage0a.example.org")
	for _, r := range runs {
		if slices.Contains(r.Argv, "--overwrite-data-of-peer") {
			overwrites++
		}
	}
	if overwrites != 1 {
		t.Errorf("the sync was started %d times, want once", overwrites)
	}
	for _, h := range []string{"storage0a.example.org", "storage0b.example.org"} {
		if s := drbdOf(t, l, h); s.Role != "Primary" || s.PeerRole != "Primary" || !s.InSync() {
			t.Errorf("%s: %+v, want Primary/Primary UpToDate/UpToDate", h, s)
		}
	}
}

func TestRejectedOverwriteEndsTheRunAndUndoesIt(t *testing.T) {
	c := dial(t, "storage")
	orchestrator(t, c)
	l := formed(t, "storage", 200)
	l.up()
	prepareDisks(t, l, "storage", "storage1a", "storage1b")
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "reject", TaskQueue: workflows.OrchestratorQueue},
		workflows.DRBDPairName, workflows.DRBDPairInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}, Cluster: "storage1"})
	if err != nil {
		t.Fatal(err)
	}
	waitPending(t, c, "reject")
	if out, err := runBin(t, "starter", "approve", "--namespace", "storage", "--workflow-id", "reject", "--by", "carol", "--reject", "--reason", "wrong disks"); err != nil || !strings.Contains(out, "rejected") {
		t.Fatalf("starter approve --reject: %v\n%s", err, out)
	}
	err = run.Get(context.Background(), nil)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrRejected || !strings.Contains(err.Error(), "carol") {
		t.Fatalf("run ended with %v, want Rejected by carol", err)
	}
	for _, h := range []string{"storage1a.example.org", "storage1b.example.org"} {
		if s := drbdOf(t, l, h); s.Connection != "Unconfigured" {
			t.Errorf("%s: DRBD %s after a rejection, want down", h, s.Connection)
		}
		if _, err := os.Stat(filepath.Join(l.root(h), "etc/drbd.conf")); err == nil {
			t.Errorf("%s: drbd.conf left behind", h)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
