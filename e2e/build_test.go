package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// approveAll approves, as a person would with the starter, every step of
// the run that waits, until the run ends.
func approveAll(t *testing.T, ns, id string, run client.WorkflowRun) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- run.Get(context.Background(), nil) }()
	for {
		select {
		case err := <-done:
			return err
		default:
		}
		// It fails while nothing waits; that is fine, we ask again.
		_, _ = runBin(t, "starter", "approve", "--namespace", ns, "--workflow-id", id, "--by", "e2e")
	}
}

// survey is what the hosts' own tools say about the whole stack, for
// comparing the stack before and after a shutdown and startup.
func survey(t *testing.T, l *lab) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, h := range append(slices.Clone(storageHosts), clientHosts...) {
		s := l.status(h)
		out[h+" cman"] = s.ClusterName
		var members []string
		for _, n := range l.nodes(h) {
			members = append(members, n.Name+"="+n.Status)
		}
		out[h+" nodes"] = strings.Join(members, ",")
	}
	for _, h := range storageHosts {
		d := drbdOf(t, l, h)
		out[h+" drbd"] = d.Role + "/" + d.PeerRole + " " + d.Disk + "/" + d.PeerDisk
		e, _ := l.exec(h, "gnbd_export", "-l")
		ex, _ := activities.ParseGNBDExports(e)
		out[h+" exports"] = strings.TrimSpace(strings.Repeat("x", len(ex)))
	}
	for _, h := range clientHosts {
		m, _ := l.exec(h, "multipath", "-l")
		maps, _ := activities.ParseMultipath(m)
		var names []string
		for _, mp := range maps {
			names = append(names, mp.Name+"("+mp.UID+")")
		}
		slices.Sort(names)
		out[h+" maps"] = strings.Join(names, ",")
		mounts, _ := l.exec(h, "mount")
		for _, mt := range activities.ParseMounts(mounts) {
			if mt.Dir == "/mnt" {
				out[h+" mount"] = mt.Device + " " + mt.Type
			}
		}
		ls, _ := l.exec(h, "ls", "/mnt")
		out[h+" files"] = strings.Join(strings.Fields(ls), ",")
	}
	return out
}

func TestStorageBuildShutdownStartupTeardown(t *testing.T) {
	c := dial(t, "build")
	orchestrator(t, c)
	l := newLab(t, "build", "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	l.up()

	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "build", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := approveAll(t, "build", "build", run); err != nil {
		t.Fatal(err)
	}
	var res workflows.StorageBuildResult
	if err := run.Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Checks, func(s string) bool {
		return strings.HasPrefix(s, "ieiri created on client0.example.org, listed on client1.example.org")
	}) {
		t.Errorf("the build's checks: %q", res.Checks)
	}
	steps := map[string]bool{}
	for _, a := range res.Approvals {
		steps[strings.SplitN(a.Step, ":", 2)[0]] = a.Approved && a.By == "e2e"
	}
	if !steps["drbd-overwrite"] || !steps["mkfs"] {
		t.Errorf("approvals: %+v", res.Approvals)
	}
	// The result tells each host's end state, as the host's tools read it.
	hosts := map[string]workflows.HostState{}
	for _, h := range res.Hosts {
		hosts[h.Host] = h
	}
	if h := hosts["storage0a.example.org"]; !h.CmanRunning || h.Cluster != "storage0" || h.DRBD != "cs:Connected st:Primary/Primary ds:UpToDate/UpToDate" || !slices.Equal(h.Exports, []string{"gnbd0a"}) {
		t.Errorf("storage0a's end state: %+v", h)
	}
	if h := hosts["client1.example.org"]; !h.Multipathd || !h.Clvmd || len(h.Mounts) != 1 || len(h.Imports) != 4 {
		t.Errorf("client1's end state: %+v", h)
	}
	if len(hosts) != 6 {
		t.Errorf("end states of %d hosts, want 6", len(hosts))
	}
	checkMultipath(t, l)
	if out, _ := l.exec("client1.example.org", "ls", "/mnt"); !strings.Contains(out, "ieiri") {
		t.Errorf("client1: ls /mnt = %q", out)
	}
	record(t, c, "build")

	// A check of the built stack finds nothing.
	if res := check(t, "build"); len(res.Findings) != 0 {
		t.Errorf("the check of a healthy build found: %+v", res.Findings)
	}

	// The build run again on the built stack finds everything done: it
	// asks for no approval (no run approves for it here), spends no
	// config_version and leaves every host as it was.
	before := survey(t, l)
	again, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "build-again", TaskQueue: workflows.OrchestratorQueue},
		workflows.StorageBuildName, workflows.RunbookInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}})
	if err != nil {
		t.Fatal(err)
	}
	// A run that waits for an approval nobody gives would wait forever:
	// the build takes seconds, so a few minutes is a failure.
	waitCtx, cancelWait := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancelWait()
	var res2 workflows.StorageBuildResult
	if err := again.Get(waitCtx, &res2); err != nil {
		t.Fatalf("the build run again: %v", err)
	}
	if len(res2.Approvals) > 0 {
		t.Errorf("the build run again asked for approvals: %+v", res2.Approvals)
	}
	if d := diff(before, survey(t, l)); len(d) > 0 {
		t.Errorf("the build run again changed hosts: %v", d)
	}

	for _, p := range []string{"shutdown", "startup"} {
		out, err := runBin(t, "starter", "run", "--namespace", "build", "--runbook", "scalable-storage", "--procedure", p, "--id", p)
		if err != nil {
			t.Fatalf("%s: %v\n%s", p, err, out)
		}
		if p == "shutdown" {
			for _, h := range append(slices.Clone(storageHosts), clientHosts...) {
				if out, err := l.exec(h, "cman_tool", "status"); err == nil {
					t.Errorf("%s: cman runs after the shutdown:\n%s", h, out)
				}
			}
			// A check of the stopped stack sees every member's cman down.
			res := check(t, "build")
			for _, h := range append(slices.Clone(storageHosts), clientHosts...) {
				if !slices.ContainsFunc(res.Findings, func(f findings.Finding) bool { return f.Host == h && f.Code == findings.CmanNotRunning }) {
					t.Errorf("the check after the shutdown does not find cman stopped on %s: %+v", h, res.Findings)
				}
			}
		}
		record(t, c, p)
	}
	if after := survey(t, l); !reflect.DeepEqual(before, after) {
		for k := range before {
			if before[k] != after[k] {
				t.Errorf("%s: %q before the shutdown, %q after the startup", k, before[k], after[k])
			}
		}
	}

	// Teardown: the volume goes only after a person says so.
	teardown, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "teardown", TaskQueue: workflows.OrchestratorQueue},
		workflows.TeardownName, workflows.RunbookInput{Ref: runbooks.Ref{Runbook: "scalable-storage"}})
	if err != nil {
		t.Fatal(err)
	}
	waitPending(t, c, "teardown")
	if vgs, _ := lvm.VGs(l.dir); len(vgs) != 1 {
		t.Errorf("volume groups while the teardown waits: %d, want VG0 untouched", len(vgs))
	}
	if err := approveAll(t, "build", "teardown", teardown); err != nil {
		t.Fatal(err)
	}
	if vgs, _ := lvm.VGs(l.dir); len(vgs) != 0 {
		t.Errorf("volume groups after the teardown: %+v", vgs)
	}
	for _, h := range append(slices.Clone(storageHosts), clientHosts...) {
		if out, err := l.exec(h, "cman_tool", "status"); err == nil {
			t.Errorf("%s: cman runs after the teardown:\n%s", h, out)
		}
	}
	record(t, c, "teardown")
}

func TestGFS2FailureIsUndoneToTheStateBeforeIt(t *testing.T) {
	c := dial(t, "build")
	orchestrator(t, c)
	l := newLab(t, "build", "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	l.up()
	auto := mustRead(t, autoRunbook(t, l))
	ref := runbooks.Ref{YAML: auto}
	for _, w := range []string{workflows.FormClustersName, workflows.StorageLayerName, workflows.CLVMName} {
		run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "before-gfs2-" + w, TaskQueue: workflows.OrchestratorQueue}, w, workflows.RunbookInput{Ref: ref})
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Get(context.Background(), nil); err != nil {
			t.Fatalf("%s: %v", w, err)
		}
	}
	before := l.snapshot()
	// The second client cannot mount: the run must unmount the first.
	l.fault("--host", "client1.example.org", "--command", "mount /dev/VG0/LV0", "--fail-always", "--message", "mount: unknown filesystem type 'gfs2'")
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "gfs2-fails", TaskQueue: workflows.OrchestratorQueue},
		workflows.GFS2Name, workflows.RunbookInput{Ref: ref})
	if err != nil {
		t.Fatal(err)
	}
	if err := approveAll(t, "build", "gfs2-fails", run); err == nil {
		t.Fatal("GFS2 succeeded with mount failing on client1")
	}
	err = run.Get(context.Background(), nil)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() == workflows.ErrUndoFailed {
		t.Fatalf("run ended with %v, want a failure fully undone", err)
	}
	for _, h := range clientHosts {
		if out, _ := l.exec(h, "mount"); strings.Contains(out, " /mnt ") {
			t.Errorf("%s: still mounted:\n%s", h, out)
		}
	}
	// Everything as before but what mkfs wrote on the shared LV, which the
	// lab keeps in its own state, not in the hosts' files.
	if d := diff(before, l.snapshot()); len(d) > 0 {
		t.Errorf("hosts changed by the failed GFS2 step: %v", d)
	}
	record(t, c, "gfs2-fails")
}

// check runs `starter check --json` on the blog's runbook in namespace ns
// and returns what it found; its exit status must say whether it found
// anything.
func check(t *testing.T, ns string) workflows.CheckResult {
	t.Helper()
	out, err := runBin(t, "starter", "check", "--namespace", ns, "--runbook", "scalable-storage", "--json")
	var res workflows.CheckResult
	if jerr := json.Unmarshal([]byte(out), &res); jerr != nil {
		t.Fatalf("starter check: %v, %v\n%s", err, jerr, out)
	}
	if (err == nil) != (len(res.Findings) == 0) {
		t.Errorf("starter check exited with %v and %d findings", err, len(res.Findings))
	}
	return res
}
