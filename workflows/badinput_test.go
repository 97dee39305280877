package workflows

import (
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Every procedure of the data path, part #5 and the lifecycle refuses a
// request it cannot carry out before any host is touched.
func TestDataPathProceduresRefuseBadRequestsBeforeTouchingAHost(t *testing.T) {
	const (
		noGNBD = `{"gnbd": null, "multipath": null, "clvm": null, "gfs2": null}`
		noCLVM = `{"clvm": null, "gfs2": null}`
		noGFS2 = `{"gfs2": null}`
	)
	for name, tc := range map[string]struct {
		workflow string
		input    any
		kind     string
	}{
		"disk: unknown host":          {PrepareDiskName, hostIn("storage9", ""), activities.ErrBadInput},
		"disk: hostile host":          {PrepareDiskName, hostIn("../storage0a", ""), activities.ErrBadInput},
		"disk: host without a disk":   {PrepareDiskName, hostIn("client0", ""), activities.ErrBadInput},
		"disk: unknown runbook":       {PrepareDiskName, inputOf[HostInput](request{Runbook: "nope", Host: "storage0a"}), activities.ErrInvalidRunbook},
		"export: unknown host":        {GNBDExportName, hostIn("storage9", ""), activities.ErrBadInput},
		"export: host exports none":   {GNBDExportName, hostIn("client0", ""), activities.ErrBadInput},
		"export: no gnbd section":     {GNBDExportName, hostIn("storage0a", noGNBD), activities.ErrBadInput},
		"import: unknown host":        {GNBDImportName, hostIn("client9", ""), activities.ErrBadInput},
		"import: no gnbd section":     {GNBDImportName, hostIn("client0", noGNBD), activities.ErrBadInput},
		"import: not a client":        {GNBDImportName, hostIn("storage0a", ""), activities.ErrBadInput},
		"multipath: not a client":     {MultipathName, hostIn("storage1b", ""), activities.ErrBadInput},
		"multipath: unknown host":     {MultipathName, hostIn("client9", ""), activities.ErrBadInput},
		"multipath: no gnbd section":  {MultipathName, hostIn("client0", noGNBD), activities.ErrBadInput},
		"clvm: no clvm section":       {CLVMName, stackIn(noCLVM), activities.ErrBadInput},
		"clvm: unknown runbook":       {CLVMName, inputOf[RunbookInput](request{Runbook: "nope"}), activities.ErrInvalidRunbook},
		"gfs2: no gfs2 section":       {GFS2Name, stackIn(noGFS2), activities.ErrBadInput},
		"gfs2: no clvm under it":      {GFS2Name, stackIn(noCLVM), activities.ErrBadInput},
		"gfs2: invalid override":      {GFS2Name, stackIn(`{"gfs2": {"journals": "four"}}`), activities.ErrInvalidRunbook},
		"shutdown: unknown runbook":   {ShutdownName, inputOf[RunbookInput](request{Runbook: "nope"}), activities.ErrInvalidRunbook},
		"shutdown: no runbook":        {ShutdownName, inputOf[RunbookInput](request{}), activities.ErrInvalidRunbook},
		"startup: invalid yaml":       {StartupName, inputOf[RunbookInput](request{YAML: "name: x\nhosts: [\n"}), activities.ErrInvalidRunbook},
		"teardown: unknown runbook":   {TeardownName, inputOf[RunbookInput](request{Runbook: "nope"}), activities.ErrInvalidRunbook},
		"teardown: overrides not obj": {TeardownName, stackIn(`[1]`), activities.ErrInvalidRunbook},
	} {
		t.Run(name, func(t *testing.T) {
			env, rec := newEnv(t, nil)
			env.ExecuteWorkflow(tc.workflow, tc.input)
			wantErrType(t, env.GetWorkflowError(), tc.kind)
			if calls := rec.list(); len(calls) > 0 {
				t.Errorf("a bad request reached hosts: %q", calls)
			}
		})
	}
}
