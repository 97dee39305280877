package workflows

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// started records the reference of every child of the data path's
// clients, by workflow ID.
func started(t *testing.T, env *testsuite.TestWorkflowEnvironment) map[string]runbooks.Ref {
	refs := map[string]runbooks.Ref{}
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, args converter.EncodedValues) {
		var ref runbooks.Ref
		switch info.WorkflowType.Name {
		case ClientBatchName:
			var in ClientBatchInput
			if err := args.Get(&in); err != nil {
				t.Errorf("%s: %v", info.WorkflowExecution.ID, err)
			}
			if !slices.Equal(in.Focus, in.Hosts) {
				t.Errorf("%s: focus %q, want its hosts %q", info.WorkflowExecution.ID, in.Focus, in.Hosts)
			}
			ref = in.Ref
		case GNBDImportName, MultipathName:
			var in HostInput
			if err := args.Get(&in); err != nil {
				t.Errorf("%s: %v", info.WorkflowExecution.ID, err)
			}
			if len(in.Focus) > 0 && !slices.Equal(in.Focus, []string{in.Host}) {
				t.Errorf("%s: focus %q, want its host %s alone", info.WorkflowExecution.ID, in.Focus, in.Host)
			}
			ref = in.Ref
		default:
			return
		}
		refs[info.WorkflowExecution.ID] = ref
	})
	return refs
}

// In a batched data path, each batch and each client's child loads its
// own part of the runbook, which answers for its hosts.
func TestBatchedClientsLoadTheirPart(t *testing.T) {
	const n = clientBatch + 2
	env, _ := newEnv(t, nil)
	refs := started(t, env)
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: manyClients(t, n)})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2+2*n {
		t.Errorf("%d children of the clients, want 2 batches and 2 a client", len(refs))
	}
	for id, ref := range refs {
		if len(ref.Focus) == 0 {
			t.Errorf("%s: no focus", id)
			continue
		}
		loaded, err := (&Loader{}).LoadRunbook(context.Background(), ref)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if got := loaded.Runbook.Stack().Importers; !slices.Equal(got, ref.Focus) {
			t.Errorf("%s: its runbook's import clients %q, want its focus %q", id, got, ref.Focus)
		}
	}
}

// A data path of clientBatch clients or fewer hands its children the
// run's reference as before, and never asks for the version, so its
// histories are what they were.
func TestUnbatchedClientsLoadTheWhole(t *testing.T) {
	env, _ := newEnv(t, nil)
	refs := started(t, env)
	asked := false
	env.OnGetVersion(focusedRunbooks, workflow.DefaultVersion, 1).Return(workflow.Version(1)).Run(func(mock.Arguments) { asked = true })
	env.ExecuteWorkflow(StorageLayerName, StorageLayerInput{Ref: manyClients(t, clientBatch)})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2*clientBatch {
		t.Errorf("%d children of the clients, want 2 a client", len(refs))
	}
	for id, ref := range refs {
		if len(ref.Focus) > 0 {
			t.Errorf("%s: focus %q in a data path of %d clients", id, ref.Focus, clientBatch)
		}
	}
	if asked {
		t.Errorf("a data path of %d clients asked for version %s", clientBatch, focusedRunbooks)
	}
}

// A batch's focus names its clients, which Ref.Check bounds.
func TestABatchFitsAFocus(t *testing.T) {
	if clientBatch > runbooks.MaxFocus {
		t.Errorf("clientBatch %d is past runbooks.MaxFocus %d: every ClientBatch's input would be refused", clientBatch, runbooks.MaxFocus)
	}
}
