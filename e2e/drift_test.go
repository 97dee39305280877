package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/breaks"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/plan"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// This file is issue #9's "for every kind the lab can break": on one
// built stack, each kind of lab break in turn, checked, repaired and
// checked again.

const driftNS = "drift"

// driftRunbook is the blog's runbook with the build's approvals let
// through, and every safe repair too: a repair then waits only where it
// destroys data.
func driftRunbook(t *testing.T, l *lab) string {
	t.Helper()
	data, err := os.ReadFile(l.book)
	if err != nil {
		t.Fatal(err)
	}
	var safe []string
	for _, c := range findings.Codes {
		if !findings.Destroys(c) {
			safe = append(safe, string(c))
		}
	}
	yaml := strings.Replace(string(data), "  auto: []", "  auto: [disk-label, drbd-overwrite, pvcreate, mkfs]", 1)
	yaml = strings.Replace(yaml, "  ignore: [CLUSTER_NO_FENCING]", "  ignore: [CLUSTER_NO_FENCING]\n  repair: ["+strings.Join(safe, ", ")+"]", 1)
	return yaml
}

// state is what the hosts' tools say of the stack and the config files
// they hold, for comparing a repaired stack with the built one.
// cluster.conf's config_version is left out: cman takes a pushed file
// only at a higher version, so a repaired skew is a version on.
func state(t *testing.T, l *lab) map[string]string {
	t.Helper()
	out := survey(t, l)
	for _, h := range append(slices.Clone(storageHosts), clientHosts...) {
		for _, f := range activities.ManagedFiles() {
			data, err := os.ReadFile(filepath.Join(l.root(h), f))
			if err != nil {
				out[h+" "+f] = "missing"
				continue
			}
			text := string(data)
			if f == activities.ClusterConfPath {
				if conf, err := activities.ParseClusterConf(text); err == nil {
					text = strings.Replace(text, fmt.Sprintf(`config_version="%d"`, conf.Version), `config_version="N"`, 1)
				}
			}
			out[h+" "+f] = text
		}
		out[h+" mounts"] = fmt.Sprint(gfs2Mounts(t, l, h))
	}
	return out
}

func gfs2Mounts(t *testing.T, l *lab, host string) []string {
	out, _ := l.exec(host, "mount")
	var ms []string
	for _, m := range activities.ParseMounts(out) {
		if m.Type == "gfs2" {
			ms = append(ms, m.Device+" on "+m.Dir)
		}
	}
	return ms
}

// runDrift runs Check or Repair with the drift runbook and returns its
// result; Repair's approvals are given by e2e as they come.
func runDrift[R any](t *testing.T, c client.Client, kind, id, yaml string) R {
	t.Helper()
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: workflows.OrchestratorQueue},
		kind, workflows.RunbookInput{Ref: runbooks.Ref{YAML: yaml, Source: "drift.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := approveAll(t, driftNS, id, run); err != nil {
		t.Fatalf("%s %s: %v", kind, id, err)
	}
	var res R
	if err := run.Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func pairs(fs []findings.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Host+" "+string(f.Code))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCheckFindsEachBreakAndRepairPutsItRight: a check of the built stack
// finds nothing; after each kind of break it finds exactly the codes the
// break causes, on the right hosts, each with its evidence; a repair
// brings every host's tools and config files back to the built state,
// asking for an approval only where it destroys data; and a check then
// finds nothing again.
func TestCheckFindsEachBreakAndRepairPutsItRight(t *testing.T) {
	c := dial(t, driftNS)
	orchestrator(t, c)
	l := newLab(t, driftNS, "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	l.up()
	yaml := driftRunbook(t, l)
	runDrift[workflows.StorageBuildResult](t, c, workflows.StorageBuildName, "drift-build", yaml)
	built := state(t, l)
	if res := runDrift[workflows.CheckResult](t, c, workflows.CheckName, "drift-check-built", yaml); len(res.Findings) != 0 {
		t.Fatalf("the built stack: %v", pairs(res.Findings))
	}

	hostOf := map[breaks.Role]string{breaks.Storage: "storage0b.example.org", breaks.Client: "client1.example.org"}
	for _, k := range breaks.Kinds {
		for i, ex := range k.Examples {
			name := fmt.Sprintf("%s/%d", k.Name, i)
			t.Run(name, func(t *testing.T) {
				host := hostOf[ex.Role]
				out, err := runBin(t, "lab", append([]string{"break", "--dir", l.dir, "--host", host, "--json", k.Name}, ex.Args...)...)
				if err != nil {
					t.Fatalf("lab break %s: %v\n%s", k.Name, err, out)
				}
				var broke breaks.Result
				if err := json.Unmarshal([]byte(out), &broke); err != nil {
					t.Fatalf("lab break --json: %v\n%s", err, out)
				}
				var want []string
				for _, w := range broke.Wants {
					want = append(want, w.Host+" "+string(w.Code))
				}
				slices.Sort(want)
				want = slices.Compact(want)

				id := strings.ReplaceAll(name, "/", "-")
				found := runDrift[workflows.CheckResult](t, c, workflows.CheckName, "check-"+id, yaml)
				if got := pairs(found.Findings); !slices.Equal(got, want) {
					t.Errorf("check after %s on %s:\n got %q\nwant %q", k.Name, host, got, want)
				}
				for _, f := range found.Findings {
					if len(f.Evidence) == 0 {
						t.Errorf("%s on %s: no evidence", f.Code, f.Host)
					}
				}

				// The repair is planned first; what it then runs on each
				// host is what its plan listed.
				var rp plan.Plan
				prun, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "plan-repair-" + id, TaskQueue: workflows.OrchestratorQueue},
					workflows.RepairName, map[string]any{"runbook_yaml": yaml, "source": "drift.yaml", "plan": true})
				if err == nil {
					err = prun.Get(context.Background(), &rp)
				}
				if err != nil {
					t.Fatalf("plan of the repair of %s: %v", k.Name, err)
				}
				marks := marksOf(t, l, rp)
				rep := runDrift[workflows.RepairResult](t, c, workflows.RepairName, "repair-"+id, yaml)
				heldTo(t, l, "the repair of "+k.Name, rp, marks)
				for _, a := range rep.Approvals {
					if !a.Auto && !strings.HasPrefix(a.Step, "split-brain:") {
						t.Errorf("the repair of %s asked a person for %s, which destroys nothing", k.Name, a.Step)
					}
				}
				if k.Name == "split-brain" && !slices.ContainsFunc(rep.Approvals, func(a workflows.Approval) bool {
					return strings.HasPrefix(a.Step, "split-brain:") && !a.Auto
				}) {
					t.Errorf("the split brain was resolved without a person: %+v", rep.Approvals)
				}
				// The first check and repair of a kind that asks a person
				// are kept for the replay gate.
				record(t, c, "check-"+id, "repair-"+id)
				for _, f := range rep.After {
					t.Errorf("left after the repair of %s: %s on %s: %s (repaired: %q)", k.Name, f.Code, f.Host, f.Summary, rep.Repaired)
				}
				if after := state(t, l); !mapsEqual(built, after) {
					for key, v := range built {
						if after[key] != v {
							t.Errorf("%s after the repair of %s:\n got %q\nwant %q", key, k.Name, after[key], v)
						}
					}
				}
			})
			if t.Failed() {
				return // the next kind would start from a broken stack
			}
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
