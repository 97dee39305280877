package findings_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
)

// A drift is one thing gone wrong on the built stack, made by changing
// what the hosts' tools print, and the findings a check must report for
// it: exactly these, nothing else.
type drift struct {
	name   string
	breaks func(s *stack)
	want   []want
	// fencing: report CLUSTER_NO_FENCING, which the other cases ignore,
	// as the blog's runbook does (checks.ignore).
	fencing bool
}

// want is one finding a drift must cause.
type want struct {
	code     findings.Code
	host     string // short name
	severity findings.Severity
	repair   findings.RepairKind
	// shows are lines the finding's evidence must show, each whole; nil
	// when the finding has no evidence.
	shows []string
}

// analyze runs a check's analysis on the stack as its tools print it now.
func analyze(s *stack, fencing bool) []findings.Finding {
	ignore := []findings.Code{findings.NoFencing}
	if fencing {
		ignore = nil
	}
	return findings.Analyze(s.findingsHosts(), ignore)
}

// runDrifts breaks the healthy stack as each case says and checks what
// Analyze reports.
func runDrifts(t *testing.T, cases []drift) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := healthyStack(t)
			c.breaks(s)
			checkFindings(t, analyze(s, c.fencing), c.want)
		})
	}
}

// checkFindings checks that got are the wanted findings, no more, no less,
// each with its layer, severity, repair and evidence.
func checkFindings(t *testing.T, got []findings.Finding, wants []want) {
	t.Helper()
	var gotPairs, wantPairs []string
	for _, f := range got {
		gotPairs = append(gotPairs, string(f.Code)+"@"+short(f.Host))
	}
	for _, w := range wants {
		wantPairs = append(wantPairs, string(w.code)+"@"+w.host)
	}
	slices.Sort(gotPairs)
	slices.Sort(wantPairs)
	if !slices.Equal(gotPairs, wantPairs) {
		t.Fatalf("findings:\n got  %v\n want %v\n%s", gotPairs, wantPairs, describe(got))
	}
	used := make([]bool, len(wants))
	for _, f := range got {
		checkFinding(t, f)
		match := -1
		var why []string
		for j := range wants {
			w := wants[j]
			if used[j] || w.code != f.Code || fqdn(w.host) != f.Host {
				continue
			}
			if problem := w.mismatch(f); problem != "" {
				why = append(why, problem)
				continue
			}
			match = j
			break
		}
		if match < 0 {
			t.Errorf("%s on %s is not as wanted: %s\n%s", f.Code, short(f.Host), strings.Join(why, "; "), describe([]findings.Finding{f}))
			continue
		}
		used[match] = true
	}
}

// mismatch says how f differs from w, "" when it does not.
func (w want) mismatch(f findings.Finding) string {
	switch {
	case f.Severity != w.severity:
		return fmt.Sprintf("severity %s, want %s", f.Severity, w.severity)
	case f.Repair.Kind != w.repair:
		return fmt.Sprintf("repair %s, want %s", f.Repair.Kind, w.repair)
	case w.shows == nil && len(f.Evidence) > 0:
		return "evidence, want none"
	}
	for _, line := range w.shows {
		if !slices.ContainsFunc(f.Evidence, func(ev activities.Evidence) bool { return slices.Contains(ev.Lines, line) }) {
			return fmt.Sprintf("evidence does not show %q", line)
		}
	}
	return ""
}

// checkFinding checks what every finding must have: the layer its code
// names, a summary, a repair, and data at stake only on a destructive one,
// which only a split brain and a disk not up to date have.
func checkFinding(t *testing.T, f findings.Finding) {
	t.Helper()
	if want := layerOf(f.Code); f.Layer != want {
		t.Errorf("%s on %s: layer %q, want %q", f.Code, f.Host, f.Layer, want)
	}
	if !findings.Known(f.Code) {
		t.Errorf("%s on %s: not a code of findings.Codes", f.Code, f.Host)
	}
	if !slices.Contains([]findings.Severity{findings.Info, findings.Warning, findings.Critical}, f.Severity) {
		t.Errorf("%s on %s: severity %q", f.Code, f.Host, f.Severity)
	}
	if f.Summary == "" || f.Repair.Action == "" {
		t.Errorf("%s on %s: summary %q, repair %q", f.Code, f.Host, f.Summary, f.Repair.Action)
	}
	destructive := f.Code == findings.DRBDSplitBrain || f.Code == findings.DRBDNotUpToDate
	if (f.Repair.Kind == findings.Destructive) != destructive || (f.Repair.Destroys != "") != destructive {
		t.Errorf("%s on %s: repair %s destroying %q", f.Code, f.Host, f.Repair.Kind, f.Repair.Destroys)
	}
	for _, ev := range f.Evidence {
		if len(ev.Argv) == 0 || len(ev.Lines) == 0 {
			t.Errorf("%s on %s: empty evidence %+v", f.Code, f.Host, ev)
		}
	}
}

// layerOf is the layer a code names in its prefix.
func layerOf(c findings.Code) findings.Layer {
	prefix, _, _ := strings.Cut(string(c), "_")
	return findings.Layer(strings.ToLower(prefix))
}

func describe(fs []findings.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s %s: %s\n    repair %s: %s\n", f.Layer, short(f.Host), f.Code, f.Severity, f.Summary, f.Repair.Kind, f.Repair.Action)
		for _, ev := range f.Evidence {
			fmt.Fprintf(&b, "    $ %s (exit %d)\n", strings.Join(ev.Argv, " "), ev.Exit)
			for _, l := range ev.Lines {
				fmt.Fprintf(&b, "      %s\n", l)
			}
		}
	}
	return b.String()
}

// allDrifts are the cases of every layer.
func allDrifts() []drift {
	return slices.Concat(hostDrifts, clusterDrifts, drbdDrifts, gnbdDrifts, multipathDrifts, clvmDrifts, gfs2Drifts)
}

func TestHealthyStackHasNoFinding(t *testing.T) {
	if fs := findings.Analyze(healthy(), []findings.Code{findings.NoFencing}); len(fs) != 0 {
		t.Errorf("the healthy stack has findings:\n%s", describe(fs))
	}
	// The blog's cluster.conf has an empty <fencedevices/>: each member
	// of each cluster says so, and nothing else is wrong.
	var wants []want
	for _, h := range []string{"client0", "client1", "storage0a", "storage0b", "storage1a", "storage1b"} {
		wants = append(wants, want{findings.NoFencing, h, findings.Warning, findings.Manual, []string{"  <fencedevices/>"}})
	}
	checkFindings(t, findings.Analyze(healthy(), nil), wants)
}

func TestEveryCodeHasACase(t *testing.T) {
	made := map[findings.Code][]string{}
	for _, c := range allDrifts() {
		s := healthyStack(t)
		c.breaks(s)
		for _, f := range analyze(s, c.fencing) {
			made[f.Code] = append(made[f.Code], c.name)
		}
	}
	for _, c := range findings.Codes {
		if len(made[c]) == 0 {
			t.Errorf("no case makes %s", c)
		}
	}
	names := map[string]bool{}
	for _, c := range allDrifts() {
		if names[c.name] {
			t.Errorf("two cases are named %q", c.name)
		}
		names[c.name] = true
	}
}

// broken is the stack with drift on many layers at once: storage0a down,
// storage1b's DRBD demoted, client0's lvm.conf locking locally, client1
// without its mount.
func broken(t *testing.T) []findings.Host {
	s := healthyStack(t)
	hostDown(s, "storage0a")
	demote(s, "storage1b")
	localLocking(s, "client0")
	unmount(s, "client1")
	return s.findingsHosts()
}

func TestFindingsAreOrderedByLayerHostAndCode(t *testing.T) {
	fs := findings.Analyze(broken(t), nil)
	if len(fs) < 10 {
		t.Fatalf("only %d findings:\n%s", len(fs), describe(fs))
	}
	layer := func(f findings.Finding) int { return slices.Index(findings.Layers, f.Layer) }
	for i := 1; i < len(fs); i++ {
		a, b := fs[i-1], fs[i]
		if layer(a) < 0 || layer(b) < 0 {
			t.Fatalf("a layer not in findings.Layers: %s, %s", a.Layer, b.Layer)
		}
		ka := fmt.Sprintf("%d %s %s", layer(a), a.Host, a.Code)
		kb := fmt.Sprintf("%d %s %s", layer(b), b.Host, b.Code)
		if ka > kb {
			t.Errorf("finding %d (%s) before %d (%s):\n%s", i-1, ka, i, kb, describe(fs))
		}
	}
	if got := findings.Worst(fs); got != findings.Critical {
		t.Errorf("worst %q, want critical", got)
	}
	if got := findings.Worst(nil); got != "" {
		t.Errorf("worst of none %q", got)
	}
	var warnings []findings.Finding
	for _, f := range fs {
		if f.Severity != findings.Critical {
			warnings = append(warnings, f)
		}
	}
	if got := findings.Worst(warnings); got != findings.Warning {
		t.Errorf("worst of the warnings %q", got)
	}
}

func TestSameHostsSameFindings(t *testing.T) {
	hosts := broken(t)
	want := findings.Analyze(hosts, nil)
	if again := findings.Analyze(broken(t), nil); !reflect.DeepEqual(again, want) {
		t.Errorf("a second analysis differs:\n%s\nfirst:\n%s", describe(again), describe(want))
	}
	for seed := int64(1); seed <= 20; seed++ {
		shuffled := slices.Clone(hosts)
		rand.New(rand.NewSource(seed)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := findings.Analyze(shuffled, nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("hosts shuffled (seed %d) give other findings:\n%s\nin the runbook's order:\n%s", seed, describe(got), describe(want))
		}
	}
}

func TestIgnoreDropsExactlyTheListedCodes(t *testing.T) {
	all := findings.Analyze(broken(t), nil)
	codes := map[findings.Code]bool{}
	for _, f := range all {
		codes[f.Code] = true
	}
	if len(codes) < 5 {
		t.Fatalf("only codes %v", codes)
	}
	for _, ignore := range [][]findings.Code{
		nil,
		{},
		{findings.NoFencing},
		{findings.DRBDWaiting, findings.PathFailed},
		{findings.AgentUnreachable, findings.GNBDImportDown, findings.NoFencing},
		{"NOT_A_CODE"},
		{findings.GFS2FewJournals},
		findings.Codes,
	} {
		var want []findings.Finding
		for _, f := range all {
			if !slices.Contains(ignore, f.Code) {
				want = append(want, f)
			}
		}
		// None left is none, nil or empty.
		if got := findings.Analyze(broken(t), ignore); len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Errorf("ignoring %v:\n%s\nwant:\n%s", ignore, describe(got), describe(want))
		}
	}
}

// TestEvidenceIsTheFindingsOwn checks whole evidence where a tool's
// output holds other parts' lines too: a finding shows its own map,
// import or resource, not its neighbours'.
func TestEvidenceIsTheFindingsOwn(t *testing.T) {
	cases := map[string]drift{}
	for _, c := range allDrifts() {
		cases[c.name] = c
	}
	for _, c := range []struct {
		drift string
		code  findings.Code
		host  string
		lines []string
	}{
		{"import removed", findings.PathsMissing, "client1", []string{
			"mpath1 (1) dm-1 GNBD,GNBD",
			` \_ #:#:#:# gnbd2 252:2 [active][undef]`,
		}},
		{"path left out", findings.PathsMissing, "client0", []string{
			"mpath0 (0) dm-0 GNBD,GNBD",
			` \_ #:#:#:# gnbd1 252:1 [active][undef]`,
		}},
		{"path failed", findings.PathFailed, "client0", []string{
			"mpath0 (0) dm-0 GNBD,GNBD",
			` \_ #:#:#:# gnbd1 252:1 [failed][undef]`,
		}},
		{"import disconnected", findings.GNBDImportDown, "client0", []string{
			"Device name : gnbd1a",
			"      State : Open Disconnected Pending",
		}},
		{"unused import disconnected", findings.GNBDImportDown, "client1", []string{
			"Device name : gnbd0b",
			"      State : Close Disconnected Clear",
		}},
		{"disconnected", findings.DRBDStandAlone, "storage0a", []string{standAlone}},
		{"split brain on drbd1", findings.DRBDSplitBrain, "storage1b", []string{" 1: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---", "drbd1: Split-Brain detected, dropping connection!"}},
		{"resyncing", findings.DRBDSyncing, "storage0b", []string{
			" 0: cs:SyncTarget st:Primary/Primary ds:Inconsistent/UpToDate C r---",
			"\t[>....................] sync'ed:  4.0% (1008036/1048472)K",
			"\tfinish: 0:01:38 speed: 10,108 (10,108) K/sec",
		}},
	} {
		d, ok := cases[c.drift]
		if !ok {
			t.Fatalf("no case %q", c.drift)
		}
		s := healthyStack(t)
		d.breaks(s)
		fs := analyze(s, false)
		i := slices.IndexFunc(fs, func(f findings.Finding) bool { return f.Code == c.code && f.Host == fqdn(c.host) })
		if i < 0 {
			t.Errorf("%s: no %s on %s", c.drift, c.code, c.host)
			continue
		}
		var got []string
		for _, ev := range fs[i].Evidence {
			got = append(got, ev.Lines...)
		}
		if !slices.Equal(got, c.lines) {
			t.Errorf("%s: %s on %s shows\n  %q\nwant\n  %q", c.drift, c.code, c.host, got, c.lines)
		}
	}
}

// TestWhatAHostHasNoRoleInIsNotLookedAt: a host of the runbook outside
// every role, a host handed over without inspection nor reason, and a
// storage host whose inspection has no DRBD status (an agent that did not
// look) add nothing.
func TestWhatAHostHasNoRoleInIsNotLookedAt(t *testing.T) {
	s := healthyStack(t)
	spare := &host{t: t, expect: findings.Expect{Host: fqdn("spare")}, cmds: map[string]output{"mount": {0, mounts(false)}}}
	s.hosts = append(s.hosts, spare)
	hosts := append(s.findingsHosts(), findings.Host{Expect: findings.Expect{Host: fqdn("storage2a"), Packages: []string{"cman"}}})
	for i := range hosts {
		if hosts[i].Expect.Host == fqdn("storage1a") {
			hosts[i].Inspection.DRBD = nil
		}
	}
	if fs := findings.Analyze(hosts, []findings.Code{findings.NoFencing}); len(fs) != 0 {
		t.Errorf("findings:\n%s", describe(fs))
	}
}
