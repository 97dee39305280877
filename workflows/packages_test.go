package workflows

import (
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Every package a procedure installs is one the agent's policy lets it
// install: otherwise the step would be Forbidden on every host.
func TestProceduresInstallOnlyWhatTheAgentAllows(t *testing.T) {
	allowed := activities.PackageCatalog()
	for _, list := range [][]string{cmanPackages, drbdPackages, exportPackages, importPackages, multipathPackages, clvmPackages, gfs2Packages} {
		for _, p := range list {
			if !slices.Contains(allowed, p) {
				t.Errorf("the procedures install %q, which the agent's package catalog %v refuses", p, allowed)
			}
		}
	}
}
