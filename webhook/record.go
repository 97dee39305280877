package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tetsuzuki/tetsuzuki/runs"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// IdempotencyHeader carries "workflow ID/run ID" on a change record: a
// receiver that sees it twice (a delivery whose answer was lost is sent
// again) keeps the first.
const IdempotencyHeader = "Idempotency-Key"

// Deliverer posts change records back to the ticketing systems: the
// activity workflows.DeliverChangeRecordName, run by the webhook's own
// worker on workflows.WebhookQueue, since it holds the callbacks' secrets
// and nothing else needs them. It adds who approved what, read from the
// run's workflows, and the Web UI link.
type Deliverer struct {
	Server *Server
	// HTTP posts the records; nil is a client with a 30 s timeout that
	// follows no redirect.
	HTTP *http.Client
}

// DeliverChangeRecord posts one record. Any answer but a 2xx is an error,
// and the workflow's retry policy tries again.
func (d *Deliverer) DeliverChangeRecord(ctx context.Context, rec workflows.ChangeRecord) error {
	s := d.Server
	sys := s.config.Load().system(rec.Ticket.System)
	if sys == nil {
		return fmt.Errorf("no callback is configured for ticketing system %s", rec.Ticket.System)
	}
	if ids, err := runs.Tree(ctx, s.Temporal, s.Namespace, rec.WorkflowID, false); err == nil {
		_, rec.Approvals = runs.Approvals(ctx, s.Temporal, ids)
	}
	rec.Link = runs.Link(s.UI, s.Namespace, rec.WorkflowID, rec.RunID)
	body, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sys.Callback, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(sys.key, s.now(), body))
	req.Header.Set(IdempotencyHeader, rec.WorkflowID+"/"+rec.RunID)
	c := d.HTTP
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("post the change record of %s to %s: %w", rec.WorkflowID, sys.Name, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post the change record of %s to %s: %s", rec.WorkflowID, sys.Name, resp.Status)
	}
	return nil
}
