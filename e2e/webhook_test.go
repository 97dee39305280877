package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/webhook"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// This file is issue #10's "end to end on the dev server and the lab,
// against a local receiver".

const webhookNS = "webhook"

// receiver is a ticketing system's end of the change records: it checks
// each delivery's signature, fails the first failures, and keeps what it
// took.
type receiver struct {
	secret   []byte
	failures int

	mu       sync.Mutex
	attempts int
	taken    []workflows.ChangeRecord
	keys     []string
	bad      []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.attempts++
	if err := checkSigned(rc.secret, r.Header.Get(webhook.SignatureHeader), body); err != nil {
		rc.bad = append(rc.bad, err.Error())
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if rc.attempts <= rc.failures {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	var rec workflows.ChangeRecord
	if err := json.Unmarshal(body, &rec); err != nil {
		rc.bad = append(rc.bad, err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.taken = append(rc.taken, rec)
	rc.keys = append(rc.keys, r.Header.Get(webhook.IdempotencyHeader))
}

// checkSigned verifies a signature as a receiver would, by the documented
// scheme rather than the package's code: HMAC-SHA256 of t, '.', body.
func checkSigned(secret []byte, header string, body []byte) error {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	if want := hex.EncodeToString(m.Sum(nil)); sig != want {
		return fmt.Errorf("bad signature %q", header)
	}
	return nil
}

// door is the webhook as a ticketing system reaches it.
type door struct {
	t    *testing.T
	url  string
	http *http.Client
}

type reply struct {
	status int
	body   []byte
}

func (r reply) code() string {
	var e webhook.Error
	_ = json.Unmarshal(r.body, &e)
	return e.Code
}

// send signs body with secret at t and sends it.
func (d door) send(method, path string, secret []byte, at time.Time, body []byte, edit func(*http.Request)) reply {
	d.t.Helper()
	req, err := http.NewRequest(method, d.url+path, bytes.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, at, body))
	if edit != nil {
		edit(req)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, data}
}

func writeSecret(t *testing.T, dir, name string) []byte {
	t.Helper()
	secret := []byte(strings.Repeat(name[:1], 8) + "0123456789abcdef0123456789abcdef")
	if err := os.WriteFile(filepath.Join(dir, name), secret, 0o600); err != nil {
		t.Fatal(err)
	}
	return secret
}

// ticketRuns lists the workflows a query finds in the namespace.
func listed(t *testing.T, c client.Client, query string) []string {
	t.Helper()
	resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Namespace: webhookNS, Query: query})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range resp.Executions {
		ids = append(ids, e.GetExecution().GetWorkflowId())
	}
	return ids
}

// TestWebhookStartsOneRunPerTicket: every refusal of the door starts
// nothing; fifty concurrent deliveries of one request start one run and
// all get the same answer, with the plan and the approval link; approvals
// sent through the webhook let the run finish; the change record reaches
// the receiver once, though it failed twice first.
func TestWebhookStartsOneRunPerTicket(t *testing.T) {
	c := dial(t, webhookNS)
	orchestrator(t, c)
	l := newLab(t, webhookNS, "scalable-storage")
	if err := drbd.SetSpeedup(l.dir, 200); err != nil {
		t.Fatal(err)
	}
	l.up()

	dir := t.TempDir()
	ticketing, narrow, callback := writeSecret(t, dir, "ticketing"), writeSecret(t, dir, "narrow"), writeSecret(t, dir, "callback")
	pagerduty, jiraToken := writeSecret(t, dir, "pagerduty"), writeSecret(t, dir, "jira")
	rc := &receiver{secret: callback, failures: 2}
	rs := httptest.NewServer(rc)
	defer rs.Close()
	config := fmt.Sprintf(`{
  "secrets": [
    {"id": "ticketing", "file": "ticketing", "procedures": ["prepare-disk", "check"], "runbooks": ["scalable-storage"]},
    {"id": "narrow", "file": "narrow", "procedures": ["check"], "runbooks": ["scalable-storage"]}
  ],
  "systems": [{"name": "jira", "callback": %q, "secret_file": "callback"}],
  "pagerduty": {"secret_files": ["pagerduty"], "services": {"PF9KMXH": "scalable-storage"}},
  "jira": {"token_files": ["jira"], "procedures": ["check"], "runbooks": ["scalable-storage"]}
}`, rs.URL)
	if err := os.WriteFile(filepath.Join(dir, "webhook.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort()
	wh := start(t, "starter", "webhook", "--config", filepath.Join(dir, "webhook.json"), "--namespace", webhookNS,
		"--listen", fmt.Sprintf("127.0.0.1:%d", port), "--ui", uiAddr)
	d := door{t: t, url: fmt.Sprintf("http://127.0.0.1:%d", port), http: &http.Client{Timeout: time.Minute}}
	eventually(t, time.Minute, "the webhook to serve", func() bool {
		resp, err := d.http.Get(d.url + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})

	request := []byte(`{"ticket": {"system": "jira", "key": "OPS-1", "url": "https://jira.example.com/browse/OPS-1"},
 "procedure": "prepare-disk", "runbook": "scalable-storage", "args": {"host": "storage0a.example.org"}, "requested_by": "carol"}`)
	now := time.Now()

	// Each refusal: its status and code, and nothing started.
	notAllowed := d.send("POST", "/v1/runs", narrow, now, request, nil)
	refusals := []struct {
		name   string
		got    reply
		status int
		code   string
	}{
		{"bad signature", d.send("POST", "/v1/runs", []byte(strings.Repeat("x", 40)), now, request, nil), 401, webhook.CodeBadSignature},
		{"no signature", d.send("POST", "/v1/runs", ticketing, now, request, func(r *http.Request) { r.Header.Del(webhook.SignatureHeader) }), 401, webhook.CodeNoSignature},
		{"stale timestamp", d.send("POST", "/v1/runs", ticketing, now.Add(-6*time.Minute), request, nil), 401, webhook.CodeStale},
		{"oversize body", d.send("POST", "/v1/runs", ticketing, now, append(bytes.Repeat([]byte(" "), webhook.MaxBody), request...), nil), 413, webhook.CodeTooLarge},
		{"wrong content type", d.send("POST", "/v1/runs", ticketing, now, request, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }), 415, webhook.CodeContentType},
		{"unknown field", d.send("POST", "/v1/runs", ticketing, now, []byte(`{"ticket": {"system": "jira", "key": "OPS-1"}, "procedure": "check", "runbook": "scalable-storage", "shell": "rm -rf /"}`), nil), 400, webhook.CodeUnknownField},
		{"procedure not allowed", notAllowed, 403, webhook.CodeNotAllowed},
		{"replayed signature", d.send("POST", "/v1/runs", narrow, now, request, nil), 409, webhook.CodeReplayed},
	}
	for _, r := range refusals {
		if r.got.status != r.status || r.got.code() != r.code {
			t.Errorf("%s: %d %s, want %d %s", r.name, r.got.status, r.got.body, r.status, r.code)
		}
	}
	if ids := listed(t, c, ""); len(ids) != 0 {
		t.Fatalf("refused requests started %v", ids)
	}

	// Fifty deliveries at once, each signed anew, as a ticketing system
	// retrying would.
	var wg sync.WaitGroup
	replies := make([]reply, 50)
	for i := range replies {
		wg.Go(func() {
			replies[i] = d.send("POST", "/v1/runs", ticketing, now.Add(-time.Duration(i)*time.Second), request, nil)
		})
	}
	wg.Wait()
	for i, r := range replies {
		if r.status != http.StatusOK || !bytes.Equal(r.body, replies[0].body) {
			t.Fatalf("delivery %d: %d\n%s\nwant the first's:\n%s", i, r.status, r.body, replies[0].body)
		}
	}
	var answer webhook.RunAnswer
	if err := json.Unmarshal(replies[0].body, &answer); err != nil {
		t.Fatal(err)
	}
	t.Logf("answer: %s", replies[0].body)
	if answer.WorkflowID != "ticket-jira-OPS-1-prepare-disk" || answer.Plan == nil || answer.Plan.Empty || !strings.HasPrefix(answer.WebUI, uiAddr) {
		t.Fatalf("answer: %+v", answer)
	}
	if len(answer.Approvals) != 1 || !strings.HasPrefix(answer.Approvals[0].Step, "disk-label:") || answer.Approvals[0].Link != d.url+"/v1/runs/"+answer.WorkflowID+"/approvals" {
		t.Fatalf("approvals: %+v", answer.Approvals)
	}
	if ids := listed(t, c, fmt.Sprintf("WorkflowType = %q", workflows.TicketName)); len(ids) != 1 {
		t.Fatalf("50 deliveries started %v", ids)
	}

	// The approval, from the ticket, once the run waits for it.
	self := "/v1/runs/" + answer.WorkflowID
	var view webhook.RunView
	eventually(t, 2*time.Minute, "the run to wait for its approval", func() bool {
		r := d.send("GET", self, ticketing, time.Now(), nil, nil)
		view = webhook.RunView{}
		return r.status == 200 && json.Unmarshal(r.body, &view) == nil && len(view.Waiting) == 1
	})
	other := []byte(strings.Replace(string(request), "storage0a.example.org", "storage0b.example.org", 1))
	if r := d.send("POST", "/v1/runs", ticketing, time.Now(), other, nil); r.status != http.StatusConflict || r.code() != webhook.CodeConflict {
		t.Errorf("another request for the same ticket and procedure, while its run goes on: %d %s", r.status, r.body)
	}
	early := d.send("POST", self+"/approvals", ticketing, time.Now(), []byte(`{"step": "no-such-step", "approve": true}`), nil)
	if early.status != http.StatusConflict || early.code() != webhook.CodeNotWaiting {
		t.Errorf("approving a step not waiting: %d %s", early.status, early.body)
	}
	if r := d.send("POST", self+"/approvals", narrow, time.Now(), []byte(`{"step": "`+view.Waiting[0].Step+`", "approve": true}`), nil); r.status != http.StatusForbidden {
		t.Errorf("a secret that may not start prepare-disk approved it: %d %s", r.status, r.body)
	}
	ok := d.send("POST", self+"/approvals", ticketing, time.Now(), []byte(`{"step": "`+view.Waiting[0].Step+`", "approve": true, "reason": "OPS-1 approved in the CAB"}`), nil)
	if ok.status != http.StatusOK {
		t.Fatalf("approve: %d %s", ok.status, ok.body)
	}
	var rec workflows.ChangeRecord
	if err := c.GetWorkflow(context.Background(), answer.WorkflowID, "").Get(context.Background(), &rec); err != nil {
		t.Fatalf("the ticket's run: %v\nwebhook:\n%s", err, wh.out.String())
	}

	record(t, c, answer.WorkflowID)

	// The record reached the receiver once, on the third attempt.
	rc.mu.Lock()
	attempts, taken, bad := rc.attempts, rc.taken, rc.bad
	rc.mu.Unlock()
	if attempts != 3 || len(taken) != 1 || len(bad) != 0 {
		t.Fatalf("receiver: %d attempts, %d records taken, bad %v", attempts, len(taken), bad)
	}
	got := taken[0]
	if got.Status != workflows.TicketCompleted || got.StartedBy != "ticketing" || got.RequestedBy != "carol" || !got.Changed ||
		got.Ticket.Key != "OPS-1" || len(got.Hosts) != 1 || got.Hosts[0].Host != "storage0a.example.org" || len(got.Irreversible) == 0 ||
		!strings.HasPrefix(got.Link, uiAddr) || rc.keys[0] != answer.WorkflowID+"/"+answer.RunID {
		t.Errorf("change record: %+v (key %s)", got, rc.keys[0])
	}
	if len(got.Approvals) != 1 || got.Approvals[0].By != "ticketing" || !got.Approvals[0].Approved || got.Approvals[0].Reason != "OPS-1 approved in the CAB" {
		t.Errorf("the record's approvals: %+v", got.Approvals)
	}
	if _, err := l.exec("storage0a.example.org", "parted", "-s", "/dev/xvdb", "print"); err != nil {
		t.Errorf("the disk: %v", err)
	}

	// Findable by ticket; a delivery after the end starts nothing and
	// says how it ended.
	if ids := listed(t, c, `TetsuzukiTicket = "jira/OPS-1"`); len(ids) != 3 {
		t.Errorf("runs of ticket jira/OPS-1: %v, want the ticket's, its plan and its apply", ids)
	}
	late := d.send("POST", "/v1/runs", ticketing, time.Now(), request, nil)
	var after webhook.RunAnswer
	if err := json.Unmarshal(late.body, &after); err != nil || late.status != 200 || after.Status != workflows.TicketCompleted || after.RunID != answer.RunID {
		t.Errorf("a delivery after the end: %d %s", late.status, late.body)
	}
	if r := d.send("POST", "/v1/runs", ticketing, time.Now(), other, nil); r.status != http.StatusConflict || r.code() != webhook.CodeConflict {
		t.Errorf("another request for the same ticket and procedure, after its run: %d %s", r.status, r.body)
	}
	if ids := listed(t, c, fmt.Sprintf("WorkflowType = %q", workflows.TicketName)); len(ids) != 1 {
		t.Errorf("a late delivery started another run: %v", ids)
	}

	// The two ticketing systems' own formats, through the same door: a
	// PagerDuty incident starts a check of its service's runbook, a Jira
	// rule's custom data a check of the issue's.
	incident, err := os.ReadFile(filepath.Join(repo, "webhook", "testdata", "pagerduty", "incident.triggered.json"))
	if err != nil {
		t.Fatal(err)
	}
	incident = bytes.Replace(incident, []byte("2020-10-02T18:45:22.169Z"), []byte(time.Now().UTC().Format(time.RFC3339)), 1)
	pd := d.send("POST", "/v1/pagerduty", nil, time.Now(), incident, func(r *http.Request) {
		r.Header.Del(webhook.SignatureHeader)
		m := hmac.New(sha256.New, pagerduty)
		m.Write(incident)
		r.Header.Set("X-PagerDuty-Signature", "v1="+hex.EncodeToString(m.Sum(nil)))
	})
	forged := d.send("POST", "/v1/pagerduty", nil, time.Now(), incident, func(r *http.Request) {
		r.Header.Set("X-PagerDuty-Signature", "v1="+strings.Repeat("0", 64))
	})
	if forged.status != http.StatusUnauthorized {
		t.Errorf("a forged PagerDuty delivery: %d %s", forged.status, forged.body)
	}
	issue, err := os.ReadFile(filepath.Join(repo, "webhook", "testdata", "jira", "custom-data.json"))
	if err != nil {
		t.Fatal(err)
	}
	jr := d.send("POST", "/v1/jira", nil, time.Now(), issue, func(r *http.Request) {
		r.Header.Del(webhook.SignatureHeader)
		r.Header.Set("X-Tetsuzuki-Token", string(jiraToken))
	})
	for _, k := range []struct {
		name string
		got  reply
		id   string
	}{{"PagerDuty", pd, "ticket-pagerduty-PGR0VU2-check"}, {"Jira", jr, "ticket-jira-OPS-123-check"}} {
		var a webhook.RunAnswer
		if err := json.Unmarshal(k.got.body, &a); err != nil || k.got.status != http.StatusOK || a.WorkflowID != k.id {
			t.Errorf("%s: %d %s", k.name, k.got.status, k.got.body)
			continue
		}
		var rec workflows.ChangeRecord
		if err := c.GetWorkflow(context.Background(), a.WorkflowID, "").Get(context.Background(), &rec); err != nil || rec.Status != workflows.TicketCompleted || rec.Changed {
			t.Errorf("%s's check: %v %+v", k.name, err, rec)
		}
	}
}

// TestWebhookServesTLS: given a certificate, the webhook speaks HTTPS
// only.
func TestWebhookServesTLS(t *testing.T) {
	dir := t.TempDir()
	writeSecret(t, dir, "ticketing")
	conf := `{"secrets": [{"id": "ticketing", "file": "ticketing", "procedures": ["check"], "runbooks": ["scalable-storage"]}]}`
	if err := os.WriteFile(filepath.Join(dir, "webhook.json"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "tls.pem"), filepath.Join(dir, "tls.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort()
	start(t, "starter", "webhook", "--config", filepath.Join(dir, "webhook.json"), "--namespace", webhookNS,
		"--listen", fmt.Sprintf("127.0.0.1:%d", port), "--serve-cert", certFile, "--serve-key", keyFile)
	pool := x509.NewCertPool()
	pool.AddCert(must(x509.ParseCertificate(der)))
	secure := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	eventually(t, time.Minute, "the webhook to serve HTTPS", func() bool {
		resp, err := secure.Get(fmt.Sprintf("https://127.0.0.1:%d/healthz", port))
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port))
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("the webhook answered plain HTTP while serving TLS")
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
