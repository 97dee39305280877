package e2e

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/plan"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// This file is issue #9's "the plan of the whole build on a fresh lab
// lists every command the build then runs on each host, in order".

const planNS = "plan"

// readOnly says whether a logged tool run only read the host: what a plan
// does not list. Everything else a run executes must be in its plan.
func readOnly(argv []string) bool {
	tool, args := filepath.Base(argv[0]), argv[1:]
	has := func(a string) bool { return slices.Contains(args, a) }
	switch tool {
	case "cat", "rpm", "blkid", "ls", "lvdisplay", "vgdisplay", "pvdisplay", "dmesg", "lsmod", "df", "pvs", "vgs", "lvs":
		return true
	case "parted":
		return has("print")
	case "drbdadm":
		return has("dump-md")
	case "gfs2_tool":
		return has("journals") || has("df")
	case "cman_tool":
		return has("status") || has("nodes")
	case "gnbd_export", "gnbd_import":
		return has("-l")
	case "multipath":
		return has("-l") || has("-ll")
	case "mount":
		return len(args) == 0
	}
	return strings.HasPrefix(argv[0], "/etc/init.d/") && has("status")
}

// command is a command as the plan and the log both say it: an init
// script by its path, any other tool by its name.
func command(argv []string) string {
	name := argv[0]
	if !strings.HasPrefix(name, "/etc/init.d/") {
		name = filepath.Base(name)
	}
	return strings.Join(append([]string{name}, argv[1:]...), " ")
}

// changes are the commands that ran on a host after its first skip log
// lines and changed it, in order.
func changes(t *testing.T, l *lab, host string, skip int) []string {
	t.Helper()
	runs, err := emu.Invocations(l.dir, host)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range runs[min(skip, len(runs)):] {
		if r.Exit == 0 && !readOnly(r.Argv) {
			out = append(out, command(r.Argv))
		}
	}
	return out
}

func logged(t *testing.T, l *lab, host string) int {
	t.Helper()
	runs, err := emu.Invocations(l.dir, host)
	if err != nil {
		t.Fatal(err)
	}
	return len(runs)
}

// everything is every file of the lab but its log: the hosts and the
// shared state of the emulated kernel and cluster.
func everything(t *testing.T, l *lab) map[string]string {
	t.Helper()
	files := l.snapshot()
	// Some kinds of state are a directory of one file per host
	// (state.HostPath); the lock and temporary files are no state.
	err := filepath.WalkDir(filepath.Join(l.dir, "state"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "lock" || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		if data, err := os.ReadFile(p); err == nil {
			rel, _ := filepath.Rel(l.dir, p)
			files[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func startBuild(t *testing.T, c client.Client, id, yaml string, extra map[string]any) client.WorkflowRun {
	t.Helper()
	return startRun(t, c, workflows.StorageBuildName, id, yaml, extra)
}

func startRun(t *testing.T, c client.Client, workflow, id, yaml string, extra map[string]any) client.WorkflowRun {
	t.Helper()
	in := map[string]any{"runbook_yaml": yaml, "source": "plan.yaml"}
	maps.Copy(in, extra)
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: workflows.OrchestratorQueue}, workflow, in)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func makePlan(t *testing.T, c client.Client, id, yaml string) plan.Plan {
	t.Helper()
	var p plan.Plan
	if err := startBuild(t, c, id, yaml, map[string]any{"plan": true}).Get(context.Background(), &p); err != nil {
		t.Fatalf("plan %s: %v", id, err)
	}
	return p
}

func applyOf(id string, p plan.Plan) map[string]any {
	return map[string]any{"apply_plan": workflows.ApplyingOf(id, p)}
}

// TestPlanListsWhatTheBuildThenRuns: on a fresh lab, the plan of the
// whole build changes nothing anywhere; the build held to it then runs on
// each host exactly the commands the plan listed, in its order, and ends
// with the config files the plan's diffs show; the plan of the built
// stack is empty; and a run held to a plan stops, changing nothing, once
// a host has changed since the plan was made.
func TestPlanListsWhatTheBuildThenRuns(t *testing.T) {
	c := dial(t, planNS)
	orchestrator(t, c)
	l := newLab(t, planNS, "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	l.up()
	yaml := driftRunbook(t, l)
	hosts := append(slices.Clone(storageHosts), clientHosts...)

	book := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(book, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	before := everything(t, l)
	// As a person would: the starter makes the plan and prints it.
	out, err := runBin(t, "starter", "run", "--namespace", planNS, "--runbook", book, "--procedure", "storage-build", "--plan", "--id", "plan-fresh")
	if err != nil {
		t.Fatalf("starter run --plan: %v\n%s", err, out)
	}
	t.Logf("starter run --plan:\n%s", out)
	var p plan.Plan
	if err := c.GetWorkflow(context.Background(), "plan-fresh", "").Get(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "apply it: starter run --apply-plan plan-fresh") {
		t.Errorf("the starter does not say how to apply the plan:\n%s", out)
	}
	if after := everything(t, l); !maps.Equal(before, after) {
		t.Fatalf("making the plan changed the lab: %v", diff(before, after))
	}
	if p.Empty || len(p.Hosts) != len(hosts) {
		t.Fatalf("plan of a fresh lab: empty %v, %d hosts", p.Empty, len(p.Hosts))
	}
	for _, want := range []string{"disk-label:", "drbd-overwrite:", "mkfs:"} {
		if !slices.ContainsFunc(p.Approvals, func(a plan.Approval) bool { return strings.HasPrefix(a.Step, want) }) {
			t.Errorf("the plan's approvals %v lack %s", p.Approvals, want)
		}
	}
	if len(p.Destructive) == 0 {
		t.Errorf("the plan lists no destructive step")
	}
	marks := marksOf(t, l, p)

	if out, err := runBin(t, "starter", "run", "--namespace", planNS, "--apply-plan", "plan-fresh", "--id", "plan-apply"); err != nil {
		t.Fatalf("starter run --apply-plan: %v\n%s", err, out)
	}
	heldTo(t, l, "the build", p, marks)
	for _, hp := range p.Hosts {
		for _, f := range hp.Files {
			if f.Diff == "" {
				continue // written by a tool or package: the plan says which
			}
			data, err := os.ReadFile(filepath.Join(l.root(hp.Host), f.Path))
			if err != nil {
				t.Errorf("%s: %s: %v", hp.Host, f.Path, err)
				continue
			}
			want, err := patch(before["hosts/"+hp.Host+f.Path], f.Diff)
			if err != nil {
				t.Errorf("%s: %s: the plan's diff does not apply to the file as it was: %v\n%s", hp.Host, f.Path, err, f.Diff)
			} else if string(data) != want {
				t.Errorf("%s: %s after the build differs from the plan's diff applied:\n%s", hp.Host, f.Path, plan.Diff("planned", "built", want, string(data)))
			}
		}
	}

	builtState, builtTools := everything(t, l), state(t, l)
	built := makePlan(t, c, "plan-built", yaml)
	if !built.Empty {
		t.Errorf("the plan of the built stack is not empty: %+v", built)
	}
	if now := everything(t, l); !maps.Equal(builtState, now) {
		t.Errorf("the plan of the built stack changed the lab: %v", diff(builtState, now))
	}
	// The lifecycle procedures plan with the same code, and are held to
	// their plans the same way: the stack stopped, started again, and
	// the plan of its teardown made (and not applied).
	for _, lc := range []struct {
		workflow string
		want     string
		apply    bool
	}{
		{workflows.ShutdownName, "/etc/init.d/cman stop", true},
		{workflows.StartupName, "/etc/init.d/cman start", true},
		{workflows.TeardownName, "umount /mnt", false},
	} {
		id := "plan-" + lc.workflow
		var p plan.Plan
		if err := startRun(t, c, lc.workflow, id, yaml, map[string]any{"plan": true}).Get(context.Background(), &p); err != nil {
			t.Fatalf("plan of %s: %v", lc.workflow, err)
		}
		var all []string
		for _, h := range p.Hosts {
			for _, cmd := range h.Commands {
				all = append(all, command(cmd.Argv))
			}
		}
		if p.Empty || !slices.Contains(all, lc.want) {
			t.Errorf("plan of %s: empty %v, commands %v", lc.workflow, p.Empty, all)
		}
		if !lc.apply {
			continue
		}
		marks := marksOf(t, l, p)
		run := startRun(t, c, lc.workflow, id+"-apply", yaml, applyOf(id, p))
		if err := approveAll(t, planNS, id+"-apply", run); err != nil {
			t.Fatalf("%s held to its plan: %v", lc.workflow, err)
		}
		heldTo(t, l, lc.workflow, p, marks)
	}
	if now := state(t, l); !maps.Equal(builtTools, now) {
		t.Errorf("the stack stopped and started again is not the built stack: %v", diff(builtTools, now))
	}

	// A host changes after a plan is made: the run held to it refuses.
	stale := makePlan(t, c, "plan-stale", yaml)
	if out, err := runBin(t, "lab", "break", "--dir", l.dir, "--host", clientHosts[0], "clvmd-stop"); err != nil {
		t.Fatalf("lab break: %v\n%s", err, out)
	}
	before = everything(t, l)
	err = startBuild(t, c, "plan-stale-apply", yaml, applyOf("plan-stale", stale)).Get(context.Background(), nil)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrPlanStale || !strings.Contains(err.Error(), clientHosts[0]) {
		t.Fatalf("a run held to a stale plan: %v", err)
	}
	if after := everything(t, l); !maps.Equal(before, after) {
		t.Errorf("the refused run changed the lab: %v", diff(before, after))
	}
}

// patch applies a unified diff to the text it was made against.
func patch(old, d string) (string, error) {
	var src []string
	if old != "" {
		src = strings.Split(strings.TrimSuffix(old, "\n"), "\n")
	}
	var out []string
	at := 0 // lines of src used
	for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "--- "), strings.HasPrefix(l, "+++ "):
		case strings.HasPrefix(l, "@@ -"):
			var start int
			if _, err := fmt.Sscanf(l, "@@ -%d", &start); err != nil {
				return "", err
			}
			// "-N,0" inserts after line N; any other range starts at N.
			if !strings.HasSuffix(strings.Fields(l)[1], ",0") {
				start--
			}
			if start < at || start > len(src) {
				return "", fmt.Errorf("hunk %q out of order", l)
			}
			out, at = append(out, src[at:start]...), start
		case strings.HasPrefix(l, "+"):
			out = append(out, l[1:])
		case strings.HasPrefix(l, " "), strings.HasPrefix(l, "-"):
			if at >= len(src) || src[at] != l[1:] {
				return "", fmt.Errorf("line %d is not %q", at+1, l[1:])
			}
			if l[0] == ' ' {
				out = append(out, l[1:])
			}
			at++
		default:
			return "", fmt.Errorf("not a diff line: %q", l)
		}
	}
	out = append(out, src[at:]...)
	if len(out) == 0 {
		return "", nil
	}
	return strings.Join(out, "\n") + "\n", nil
}

// heldTo checks that what ran on each host since marks is what the plan
// listed for it, in order.
func heldTo(t *testing.T, l *lab, what string, p plan.Plan, marks map[string]int) {
	t.Helper()
	for _, hp := range p.Hosts {
		var planned []string
		for _, cmd := range hp.Commands {
			planned = append(planned, command(cmd.Argv))
		}
		if ran := changes(t, l, hp.Host, marks[hp.Host]); !slices.Equal(planned, ran) {
			t.Errorf("%s: the plan of %s listed\n  %s\nit ran\n  %s", hp.Host, what, strings.Join(planned, "\n  "), strings.Join(ran, "\n  "))
		}
	}
}

// marksOf is where each host's log stands now.
func marksOf(t *testing.T, l *lab, p plan.Plan) map[string]int {
	t.Helper()
	marks := map[string]int{}
	for _, h := range p.Hosts {
		marks[h.Host] = logged(t, l, h.Host)
	}
	return marks
}
