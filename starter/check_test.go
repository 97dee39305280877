package main

import (
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// A check of many hosts lists only its worst findings: what it prints says
// how many there are in all, counts them, and names the runs that hold
// them; a check that lists every finding says nothing of the kind.
func TestPrintFindingsSaysWhatIsOnlyCounted(t *testing.T) {
	worst := findings.Finding{Code: findings.CmanNotRunning, Host: "client7.example.org", Severity: findings.Critical, Summary: "cman is not running"}
	bounded := workflows.CheckResult{Runbook: "many", Hosts: 1000, Worst: findings.Critical, Findings: []findings.Finding{worst},
		Total: 1200, CheckRuns: []string{"check/hosts-0", "check/hosts-31"},
		Counts: []findings.Count{{Code: findings.CmanNotRunning, Severity: findings.Critical, Count: 200}, {Code: findings.PackageMissing, Severity: findings.Critical, Count: 1000}}}
	var b strings.Builder
	printFindings(&b, bounded)
	counted := false
	for _, line := range strings.Split(b.String(), "\n") {
		counted = counted || strings.Join(strings.Fields(line), " ") == "critical HOST_PACKAGE_MISSING 1000"
	}
	if !counted {
		t.Errorf("no line counts the missing packages:\n%s", b.String())
	}
	for _, want := range []string{"1200 findings on 1000 hosts", "the worst 1 below", "check/hosts-0 to check/hosts-31", "client7.example.org"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("a bounded result's print lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	printFindings(&b, workflows.CheckResult{Runbook: "blog", Hosts: 6, Worst: findings.Critical, Findings: []findings.Finding{worst}})
	if out := b.String(); !strings.Contains(out, "1 findings on 6 hosts") || strings.Contains(out, "counted") {
		t.Errorf("a whole result's print:\n%s", out)
	}
}
