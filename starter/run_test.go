package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/procedures"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// TestRunStartsEachProcedure checks, for every procedure, which workflow
// type its flags start and with what input, as the workflow receives it.
func TestRunStartsEachProcedure(t *testing.T) {
	tests := []struct {
		procedure string
		flags     []string
		workflow  string
		input     string
	}{
		{"form-clusters", nil, "FormClusters", `{"runbook": "scalable-storage"}`},
		{"form-clusters", []string{"--cluster", "storage1"}, "FormClusters", `{"runbook": "scalable-storage", "clusters": ["storage1"]}`},
		{"cluster-bootstrap", []string{"--cluster", "storage0"}, "ClusterBootstrap", `{"runbook": "scalable-storage", "cluster": "storage0"}`},
		{"node-join", []string{"--cluster", "storage0", "--node", "storage0b"}, "NodeJoin", `{"runbook": "scalable-storage", "cluster": "storage0", "node": "storage0b"}`},
		{"node-join", []string{"--cluster", "storage0", "--node", "storage0b", "--via", "storage0a"}, "NodeJoin", `{"runbook": "scalable-storage", "cluster": "storage0", "node": "storage0b", "via": "storage0a"}`},
		{"storage-layer", nil, "StorageLayer", `{"runbook": "scalable-storage"}`},
		{"storage-build", nil, "StorageBuild", `{"runbook": "scalable-storage"}`},
		{"clvm", nil, "CLVM", `{"runbook": "scalable-storage"}`},
		{"gfs2", nil, "GFS2", `{"runbook": "scalable-storage"}`},
		{"shutdown", nil, "Shutdown", `{"runbook": "scalable-storage"}`},
		{"startup", nil, "Startup", `{"runbook": "scalable-storage"}`},
		{"teardown", nil, "Teardown", `{"runbook": "scalable-storage"}`},
		{"expand-capacity", []string{"--cluster", "storage2"}, "ExpandCapacity", `{"runbook": "scalable-storage", "clusters": ["storage2"]}`},
		{"prepare-disk", []string{"--host", "storage0a"}, "PrepareDisk", `{"runbook": "scalable-storage", "host": "storage0a"}`},
		{"drbd-pair", []string{"--cluster", "storage0"}, "DRBDPair", `{"runbook": "scalable-storage", "cluster": "storage0"}`},
		{"drbd-pair", []string{"--cluster", "storage0", "--resource", "r0"}, "DRBDPair", `{"runbook": "scalable-storage", "cluster": "storage0", "resource": "r0"}`},
		{"gnbd-export", []string{"--host", "storage0a"}, "GNBDExport", `{"runbook": "scalable-storage", "host": "storage0a"}`},
		{"gnbd-import", []string{"--host", "client0"}, "GNBDImport", `{"runbook": "scalable-storage", "host": "client0"}`},
		{"multipath", []string{"--host", "client0"}, "Multipath", `{"runbook": "scalable-storage", "host": "client0"}`},
		{"check", nil, "Check", `{"runbook": "scalable-storage"}`},
		{"repair", nil, "Repair", `{"runbook": "scalable-storage"}`},
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		tested[tt.procedure] = true
		t.Run(strings.Join(append([]string{tt.procedure}, tt.flags...), " "), func(t *testing.T) {
			f := &fakeClient{}
			h := newHarness(f)
			args := append([]string{"run", "--runbook", "scalable-storage", "--procedure", tt.procedure,
				"--id", "the-run", "--ui", "http://ui.example:8233/", "--detach"}, tt.flags...)
			if err := h.m.Run(context.Background(), args); err != nil {
				t.Fatalf("run: %v", err)
			}
			if len(f.started) != 1 {
				t.Fatalf("%d workflows started, want 1", len(f.started))
			}
			s := f.started[0]
			if s.workflow != tt.workflow {
				t.Errorf("started workflow %v, want %s", s.workflow, tt.workflow)
			}
			if len(s.args) != 1 {
				t.Fatalf("started with %d arguments, want 1 input", len(s.args))
			}
			sameJSON(t, s.args[0], tt.input)
			if s.opts.ID != "the-run" {
				t.Errorf("workflow ID %q, want the-run (--id)", s.opts.ID)
			}
			if s.opts.TaskQueue != "runbooks" {
				t.Errorf("task queue %q, want runbooks", s.opts.TaskQueue)
			}
			if s.opts.WorkflowIDConflictPolicy != enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL {
				t.Errorf("ID conflict policy %v, want FAIL: one procedure on one thing at a time", s.opts.WorkflowIDConflictPolicy)
			}
			if want := tt.procedure + " on scalable-storage"; s.opts.StaticSummary != want {
				t.Errorf("summary %q, want %q", s.opts.StaticSummary, want)
			}
			want := fmt.Sprintf("started %s\n  workflow ID: the-run\n  Web UI:      http://ui.example:8233/namespaces/default/workflows/the-run/run-1/history\n", tt.workflow)
			if got := h.out.String(); got != want {
				t.Errorf("output:\n%s\nwant:\n%s", got, want)
			}
			if h.closed != 1 {
				t.Errorf("closed the client %d times, want 1", h.closed)
			}
		})
	}
	for _, p := range procedures.All {
		if !tested[p.Name] {
			t.Errorf("procedure %s is not tested", p.Name)
		}
	}
}

// TestRunDefaultID checks the ID a run gets without --id: procedure,
// runbook and a random suffix, so that the ID says what runs.
func TestRunDefaultID(t *testing.T) {
	f := &fakeClient{}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"run", "--runbook", "scalable-storage", "--procedure", "node-join", "--cluster", "storage0", "--node", "storage0b", "--detach"}); err != nil {
		t.Fatal(err)
	}
	if len(f.started) != 1 {
		t.Fatalf("%d workflows started, want 1", len(f.started))
	}
	if id := f.started[0].opts.ID; !regexp.MustCompile(`^node-join-scalable-storage-[0-9a-f]{8}$`).MatchString(id) {
		t.Errorf("workflow ID %q, want node-join-scalable-storage-XXXXXXXX", id)
	}
}

// TestRunRefusesBadFlags checks that a run the flags cannot start fails
// with a message naming what is wrong, before it dials the server.
func TestRunRefusesBadFlags(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: scalable-storage\nhostz: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no runbook", []string{"--procedure", "storage-build"}, "--runbook is required"},
		{"unknown procedure", []string{"--runbook", "scalable-storage", "--procedure", "format-everything"}, `unknown procedure "format-everything"`},
		{"unknown flag", []string{"--runbook", "scalable-storage", "--force"}, "flag provided but not defined: -force"},
		{"extra argument", []string{"--runbook", "scalable-storage", "storage0"}, `unexpected arguments ["storage0"]`},
		{"bootstrap without cluster", []string{"--runbook", "scalable-storage", "--procedure", "cluster-bootstrap"}, "cluster-bootstrap needs --cluster"},
		{"join without node", []string{"--runbook", "scalable-storage", "--procedure", "node-join", "--cluster", "storage0"}, "node-join needs --cluster and --node"},
		{"join without cluster", []string{"--runbook", "scalable-storage", "--procedure", "node-join", "--node", "storage0b"}, "node-join needs --cluster and --node"},
		{"expand without cluster", []string{"--runbook", "scalable-storage-expand", "--procedure", "expand-capacity"}, "expand-capacity needs --cluster"},
		{"pair without cluster", []string{"--runbook", "scalable-storage", "--procedure", "drbd-pair"}, "drbd-pair needs --cluster"},
		{"disk without host", []string{"--runbook", "scalable-storage", "--procedure", "prepare-disk"}, "prepare-disk needs --host"},
		{"export without host", []string{"--runbook", "scalable-storage", "--procedure", "gnbd-export"}, "gnbd-export needs --host"},
		{"import without host", []string{"--runbook", "scalable-storage", "--procedure", "gnbd-import"}, "gnbd-import needs --host"},
		{"multipath without host", []string{"--runbook", "scalable-storage", "--procedure", "multipath"}, "multipath needs --host"},
		{"missing runbook file", []string{"--runbook", "runbooks/nope.yaml"}, "runbooks/nope.yaml"},
		{"invalid runbook file", []string{"--runbook", bad, "--procedure", "storage-build"}, bad + ":2: hostz: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{}
			h := newHarness(f)
			err := h.m.Run(context.Background(), append([]string{"run"}, tt.args...))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if len(h.dialed) != 0 || len(f.started) != 0 {
				t.Errorf("dialed %d times and started %d runs, want nothing started", len(h.dialed), len(f.started))
			}
			if strings.HasPrefix(tt.want, "flag provided") && !strings.Contains(h.err.String(), "-runbook string") {
				t.Errorf("a bad flag printed %q, want the usage of run's flags", h.err)
			}
		})
	}
}

// TestRunSendsTheRunbookFile checks that a runbook file is read and
// checked here and sent whole, so the run works on exactly that version.
func TestRunSendsTheRunbookFile(t *testing.T) {
	file := filepath.Join("..", "runbooks", "scalable-storage.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeClient{}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"run", "--runbook", file, "--procedure", "drbd-pair", "--cluster", "storage1", "--id", "x", "--detach"}); err != nil {
		t.Fatal(err)
	}
	if len(f.started) != 1 {
		t.Fatalf("%d workflows started, want 1", len(f.started))
	}
	want := fmt.Sprintf(`{"runbook": "scalable-storage", "runbook_yaml": %q, "source": %q, "cluster": "storage1"}`, data, file)
	sameJSON(t, f.started[0].args[0], want)
	if s := f.started[0].opts.StaticSummary; s != "drbd-pair on scalable-storage" {
		t.Errorf("summary %q, want the runbook's name, not its path", s)
	}
}

// TestRunFollowsToTheEnd checks a followed run: its steps as the history
// records them, then its result.
func TestRunFollowsToTheEnd(t *testing.T) {
	f := &fakeClient{
		histories: map[string][]*history.HistoryEvent{"the-run": {
			scheduledEvent(5, "start cman on storage0a", "StartCman"),
			completedEvent(7, 5),
			closedEvent(enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
		}},
		result: map[string]any{"runbook": "scalable-storage", "done": []string{"cman"}},
	}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"run", "--runbook", "scalable-storage", "--procedure", "storage-build", "--id", "the-run", "--ui", "http://ui"}); err != nil {
		t.Fatal(err)
	}
	want := `started StorageBuild
  workflow ID: the-run
  Web UI:      http://ui/namespaces/default/workflows/the-run/run-1/history
` + stamp + `  ... start cman on storage0a
` + stamp + `  ok  start cman on storage0a
` + stamp + `completed StorageBuild
{
  "done": [
    "cman"
  ],
  "runbook": "scalable-storage"
}
`
	if got := h.out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// A start request given again with the ID of a run that exists, running
// or ended, follows that run and starts nothing: the server refuses the
// duplicate, and the starter reads the run the ID names.
func TestRunGivenAgainFollowsTheExistingRun(t *testing.T) {
	f := &fakeClient{
		histories: map[string][]*history.HistoryEvent{"the-run": {
			closedEvent(enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
		}},
		result:   map[string]any{"runbook": "scalable-storage"},
		existing: "run-0",
	}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"run", "--runbook", "scalable-storage", "--procedure", "storage-build", "--id", "the-run", "--ui", "http://ui"}); err != nil {
		t.Fatal(err)
	}
	if len(f.started) != 1 {
		t.Fatalf("%d start requests, want 1", len(f.started))
	}
	opts := f.started[0].opts
	if opts.WorkflowIDReusePolicy != enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE || opts.WorkflowIDConflictPolicy != enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL {
		t.Errorf("start policies: reuse %v, conflict %v; a second start of an ID must be refused by the server", opts.WorkflowIDReusePolicy, opts.WorkflowIDConflictPolicy)
	}
	want := "already started, following StorageBuild\n  workflow ID: the-run\n  Web UI:      http://ui/namespaces/default/workflows/the-run/run-0/history\n"
	if got := h.out.String(); !strings.HasPrefix(got, want) || !strings.Contains(got, "completed StorageBuild") {
		t.Errorf("output:\n%s\nwant it to start with:\n%s\nand end with the run's result", got, want)
	}
}

// TestRunPrintsFormedClusters checks FormClusters' result, printed the
// way cman_tool nodes prints a cluster.
func TestRunPrintsFormedClusters(t *testing.T) {
	f := &fakeClient{
		histories: map[string][]*history.HistoryEvent{"fc": {closedEvent(enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)}},
		result: map[string]any{"runbook": "scalable-storage", "clusters": []any{
			map[string]any{"name": "storage0", "config_version": 2, "nodes": []any{
				map[string]any{"nodeid": 1, "status": "M", "inc": 4, "joined": "2026-11-29 21:10:40", "name": "storage0a.example.org"},
				map[string]any{"nodeid": 2, "status": "M", "inc": 8, "joined": "2026-11-29 21:10:45", "name": "storage0b.example.org"},
			}},
		}},
	}
	h := newHarness(f)
	if err := h.m.Run(context.Background(), []string{"run", "--runbook", "scalable-storage", "--id", "fc", "--ui", "http://ui"}); err != nil {
		t.Fatal(err)
	}
	want := stamp + `completed FormClusters

cluster storage0  config_version 2
Node  Sts   Inc   Joined               Name
   1   M      4   2026-11-29 21:10:40  storage0a.example.org
   2   M      8   2026-11-29 21:10:45  storage0b.example.org
`
	if got := h.out.String(); !strings.HasSuffix(got, want) {
		t.Errorf("output:\n%s\nwant it to end with:\n%s", got, want)
	}
}

// TestRunFailed checks a run that fails: its steps, then FAILED with the
// failure's type and root cause, and exit status 1 with nothing more to
// print.
func TestRunFailed(t *testing.T) {
	cause := temporal.NewNonRetryableApplicationError("no cluster storage9 in runbook scalable-storage", "BadInput", nil)
	f := &fakeClient{
		histories: map[string][]*history.HistoryEvent{"bad": {closedEvent(enums.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)}},
		runErr:    fmt.Errorf("workflow execution error: %w", cause),
	}
	h := newHarness(f)
	err := h.m.Run(context.Background(), []string{"run", "--runbook", "scalable-storage", "--procedure", "cluster-bootstrap", "--cluster", "storage9", "--id", "bad", "--ui", "http://ui"})
	var exit exitError
	if !errors.As(err, &exit) || exit != 1 {
		t.Fatalf("error %v, want exit status 1", err)
	}
	want := stamp + "FAILED: BadInput\n    no cluster storage9 in runbook scalable-storage (BadInput)\n"
	if got := h.out.String(); !strings.HasSuffix(got, want) {
		t.Errorf("output:\n%s\nwant it to end with:\n%s", got, want)
	}
}

// TestProcedures checks the list people choose from: every procedure run
// accepts, once, with its help.
func TestProcedures(t *testing.T) {
	h := newHarness(&fakeClient{})
	if err := h.m.Run(context.Background(), []string{"procedures"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"form-clusters", "cluster-bootstrap", "node-join", "storage-layer", "storage-build", "clvm", "gfs2",
		"shutdown", "startup", "teardown", "expand-capacity", "prepare-disk", "drbd-pair", "gnbd-export", "gnbd-import", "multipath", "check", "repair"}
	lines := strings.Split(strings.TrimSuffix(h.out.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), h.out)
	}
	for i, line := range lines {
		name, help, _ := strings.Cut(line, " ")
		if name != want[i] {
			t.Errorf("line %d names %q, want %q", i+1, name, want[i])
		}
		if len(line) < 19 || line[18] != ' ' || strings.TrimSpace(help) == "" || line[19] == ' ' {
			t.Errorf("line %d: %q, want the name, padded to 18, and its help", i+1, line)
		}
		if _, err := procedures.Find(name); err != nil {
			t.Errorf("listed %s, which run refuses: %v", name, err)
		}
	}
}

// TestUnknownCommand checks what a mistyped command says.
func TestUnknownCommand(t *testing.T) {
	h := newHarness(&fakeClient{})
	err := h.m.Run(context.Background(), []string{"strat"})
	if err == nil || !strings.Contains(err.Error(), `unknown command "strat"`) || !strings.Contains(err.Error(), "usage: starter") {
		t.Errorf("error %v, want unknown command and the usage", err)
	}
	if err := h.m.Run(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "usage: starter") {
		t.Errorf("no command: error %v, want the usage", err)
	}
}

// TestRunRefusesRunbooksThatAreNotFiles checks that a runbook path naming
// a FIFO or a device is refused at once, without blocking or reading
// without end, and that a file larger than the orchestrator takes is
// refused here, read no further than the limit.
func TestRunRefusesRunbooksThatAreNotFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("#\n", 3<<20/2)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{fifo, fifo + ": not a regular file"},
		{"/dev/zero", "/dev/zero: not a regular file"},
		{dir, dir + ": not a regular file"},
		{big, fmt.Sprintf("file is larger than %d bytes", runbooks.MaxSize)},
	} {
		f := &fakeClient{}
		h := newHarness(f)
		done := make(chan error, 1)
		go func() {
			done <- h.m.Run(context.Background(), []string{"run", "--runbook", tt.path, "--procedure", "storage-build"})
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			// Unblock a reader stuck on the FIFO before failing.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			t.Fatalf("run --runbook %s: still reading after 5s", tt.path)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run --runbook %s: %v, want an error containing %q", tt.path, err, tt.want)
		}
		if len(h.dialed) != 0 || len(f.started) != 0 {
			t.Errorf("run --runbook %s: dialed %d times and started %d runs, want nothing started", tt.path, len(h.dialed), len(f.started))
		}
	}
}
