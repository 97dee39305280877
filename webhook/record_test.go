package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// noRuns is a Temporal whose runs have no workflows to ask for approvals.
type noRuns struct{ refusingTemporal }

func (noRuns) ListWorkflow(context.Context, *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	return &workflowservice.ListWorkflowExecutionsResponse{}, nil
}

// QueryWorkflow answers as a Ticket does to the approvals query: it has
// no such handler.
func (noRuns) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return nil, errors.New("unknown queryType approvals")
}

// The record goes to the system's callback, signed with its secret at the
// server's clock, with the run as its idempotency key; any answer but a
// 2xx is an error for the retry policy, and a system nobody configured is
// one too.
func TestDeliverChangeRecord(t *testing.T) {
	key := []byte(strings.Repeat("k", 40))
	now := time.Unix(1796551224, 0)
	var got struct {
		sig, idem string
		body      []byte
	}
	status := http.StatusServiceUnavailable
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.sig, got.idem = r.Header.Get(SignatureHeader), r.Header.Get(IdempotencyHeader)
		got.body, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
	}))
	defer rs.Close()
	s := New(&Loaded{Systems: []*System{{Name: "jira", Callback: rs.URL, key: key}}}, noRuns{refusingTemporal{t}}, 1)
	s.UI, s.Namespace, s.Now = "http://ui", "ns", func() time.Time { return now }
	d := &Deliverer{Server: s}
	rec := workflows.ChangeRecord{Ticket: workflows.TicketRef{System: "jira", Key: "OPS-1"}, WorkflowID: "ticket-jira-OPS-1-check", RunID: "r1", Status: "completed"}

	if err := d.DeliverChangeRecord(context.Background(), rec); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a 503: %v", err)
	}
	status = http.StatusNoContent
	if err := d.DeliverChangeRecord(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if got.sig != Sign(key, now, got.body) || got.idem != "ticket-jira-OPS-1-check/r1" {
		t.Errorf("headers: %q %q", got.sig, got.idem)
	}
	var sent workflows.ChangeRecord
	if err := json.Unmarshal(got.body, &sent); err != nil || sent.Link != "http://ui/namespaces/ns/workflows/ticket-jira-OPS-1-check/r1/history" || sent.Status != "completed" {
		t.Errorf("record: %v %+v", err, sent)
	}
	rec.Ticket.System = "pagerduty"
	if err := d.DeliverChangeRecord(context.Background(), rec); err == nil {
		t.Errorf("a record for a system with no callback was delivered")
	}
}
