package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// refusingTemporal fails the test on any call: nothing a refused request
// does may reach Temporal.
type refusingTemporal struct{ t *testing.T }

func (f refusingTemporal) ListWorkflow(context.Context, *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.t.Errorf("ListWorkflow started: a refused request reached Temporal")
	return nil, context.Canceled
}

func (f refusingTemporal) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	f.t.Errorf("QueryWorkflow started: a refused request reached Temporal")
	return nil, context.Canceled
}

func (f refusingTemporal) UpdateWorkflow(context.Context, client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.t.Errorf("UpdateWorkflow started: a refused request reached Temporal")
	return nil, context.Canceled
}

func (f refusingTemporal) NewWithStartWorkflowOperation(client.StartWorkflowOptions, any, ...any) client.WithStartWorkflowOperation {
	f.t.Errorf("NewWithStartWorkflowOperation started: a refused request reached Temporal")
	return nil
}

func (f refusingTemporal) UpdateWithStartWorkflow(context.Context, client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.t.Errorf("UpdateWithStartWorkflow started: a refused request reached Temporal")
	return nil, context.Canceled
}

func (f refusingTemporal) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	f.t.Errorf("DescribeWorkflowExecution started: a refused request reached Temporal")
	return nil, context.Canceled
}

// narrowSecret may start checks and disk preparations of scalable-storage
// only.
func narrowSecret(s *Secret) *Secret {
	n := *s
	n.procedures, n.runbooks = []string{"check", "prepare-disk"}, []string{"scalable-storage"}
	return &n
}

// testServer is a server with the old secret, its allow lists narrow,
// its clock at signedAt.
func testServer(t *testing.T, concurrent int) (*Server, http.Handler) {
	s := New(&Loaded{Secrets: []*Secret{narrowSecret(secretOld)}}, refusingTemporal{t}, concurrent)
	s.Now = func() time.Time { return signedAt }
	return s, s.Handler()
}

// signedPost is a POST of body to path, signed with s at signedAt.
func signedPost(s *Secret, path, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(SignatureHeader, Sign(s.key, signedAt, []byte(body)))
	return r
}

// notAllowed is a well-formed request the narrow secret may not start:
// refused after the door, before anything starts.
const notAllowed = `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"teardown","runbook":"scalable-storage"}`

// wantAnswer fails unless the answer has status and, as JSON, code and
// field.
func wantAnswer(t *testing.T, w *httptest.ResponseRecorder, status int, code, field string) {
	t.Helper()
	wantResponse(t, w.Code, w.Header(), w.Body.Bytes(), status, code, field)
}

func wantResponse(t *testing.T, got int, h http.Header, body []byte, status int, code, field string) {
	t.Helper()
	var e Error
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%d %q: not JSON: %v", got, body, err)
	}
	if got != status || e.Code != code || e.Field != field {
		t.Fatalf("got %d %s (field %q): %s; want %d %s (field %q)", got, e.Code, e.Field, e.Message, status, code, field)
	}
	if ct := h.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if e.Message == "" {
		t.Fatal("no message")
	}
}

func TestServerRefusals(t *testing.T) {
	body := minimalRequest
	for _, c := range []struct {
		name        string
		req         func() *http.Request
		status      int
		code, field string
	}{
		{"missing signature", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Del(SignatureHeader)
			return r
		}, 401, CodeNoSignature, SignatureHeader},
		{"bad signature", func() *http.Request { return signedPost(secretNew, "/v1/runs", body) }, 401, CodeBadSignature, SignatureHeader},
		{"malformed signature", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set(SignatureHeader, "sha256="+strings.Repeat("ab", 32))
			return r
		}, 401, CodeBadSignature, SignatureHeader},
		{"other body", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Body = io.NopCloser(strings.NewReader(notAllowed))
			r.ContentLength = int64(len(notAllowed))
			return r
		}, 401, CodeBadSignature, SignatureHeader},
		{"stale", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set(SignatureHeader, Sign(secretOld.key, signedAt.Add(-Tolerance-time.Second), []byte(body)))
			return r
		}, 401, CodeStale, SignatureHeader},
		{"future", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set(SignatureHeader, Sign(secretOld.key, signedAt.Add(Tolerance+time.Second), []byte(body)))
			return r
		}, 401, CodeStale, SignatureHeader},
		{"oversize by Content-Length", func() *http.Request {
			return signedPost(secretOld, "/v1/runs", strings.Repeat(" ", MaxBody+1))
		}, 413, CodeTooLarge, ""},
		{"oversize, Content-Length lies", func() *http.Request {
			big := strings.Repeat(" ", MaxBody+1)
			r := signedPost(secretOld, "/v1/runs", big)
			r.ContentLength = 10
			return r
		}, 413, CodeTooLarge, ""},
		{"no content type", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Del("Content-Type")
			return r
		}, 415, CodeContentType, "Content-Type"},
		{"text/plain", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, 415, CodeContentType, "Content-Type"},
		{"form", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 415, CodeContentType, "Content-Type"},
		{"charset latin1", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set("Content-Type", "application/json; charset=iso-8859-1")
			return r
		}, 415, CodeContentType, "Content-Type"},
		{"charset utf-16", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set("Content-Type", "application/json; charset=utf-16")
			return r
		}, 415, CodeContentType, "Content-Type"},
		{"malformed content type", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", body)
			r.Header.Set("Content-Type", "application/json; charset")
			return r
		}, 415, CodeContentType, "Content-Type"},
		// Charset names are case-insensitive (RFC 2046): UTF-8 is utf-8,
		// and the request goes on to its allow list.
		{"charset UTF-8", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", notAllowed)
			r.Header.Set("Content-Type", "Application/JSON; Charset=\"UTF-8\"")
			return r
		}, 403, CodeNotAllowed, "procedure"},
		{"unknown field", func() *http.Request {
			return signedPost(secretOld, "/v1/runs", withField("shell", `"sh"`))
		}, 400, CodeUnknownField, "shell"},
		{"duplicate field", func() *http.Request {
			return signedPost(secretOld, "/v1/runs", withField("procedure", `"teardown"`))
		}, 400, CodeBadJSON, "procedure"},
		{"bad host", func() *http.Request {
			return signedPost(secretOld, "/v1/runs", withArgs("prepare-disk", `{"host":"-rf"}`))
		}, 400, CodeBadField, "args.host"},
		{"procedure not allowed", func() *http.Request { return signedPost(secretOld, "/v1/runs", notAllowed) }, 403, CodeNotAllowed, "procedure"},
		{"runbook not allowed", func() *http.Request {
			return signedPost(secretOld, "/v1/runs", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"check","runbook":"other-storage"}`)
		}, 403, CodeNotAllowed, "runbook"},
		{"approval unknown field", func() *http.Request {
			return signedPost(secretOld, "/v1/runs/ticket-jira-OPS-1-check/approvals", `{"step":"mkfs","approve":true,"as":"root"}`)
		}, 400, CodeUnknownField, "as"},
		{"approval without step", func() *http.Request {
			return signedPost(secretOld, "/v1/runs/ticket-jira-OPS-1-check/approvals", `{"approve":true}`)
		}, 400, CodeBadField, "step"},
		{"approval of no ticket's run", func() *http.Request {
			return signedPost(secretOld, "/v1/runs/storage-build-scalable-storage/approvals", `{"step":"mkfs","approve":true}`)
		}, 404, CodeNotFound, "id"},
		{"status of no ticket's run", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/v1/runs/storage-build-scalable-storage", nil)
			r.Header.Set(SignatureHeader, Sign(secretOld.key, signedAt, nil))
			return r
		}, 404, CodeNotFound, "id"},
		{"status unsigned", func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/v1/runs/ticket-jira-OPS-1-check", nil)
		}, 401, CodeNoSignature, SignatureHeader},
		{"unknown route", func() *http.Request { return signedPost(secretOld, "/v1/run", notAllowed) }, 404, CodeNotFound, ""},
		{"other method", func() *http.Request {
			r := signedPost(secretOld, "/v1/runs", notAllowed)
			r.Method = http.MethodPut
			return r
		}, 404, CodeNotFound, ""},
		{"root", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, 404, CodeNotFound, ""},
		{"pagerduty not configured", func() *http.Request { return signedPost(secretOld, "/v1/pagerduty", "{}") }, 404, CodeNotFound, ""},
		{"jira not configured", func() *http.Request { return signedPost(secretOld, "/v1/jira", "{}") }, 404, CodeNotFound, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, h := testServer(t, 4)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, c.req())
			wantAnswer(t, w, c.status, c.code, c.field)
		})
	}
}

func TestServerHealthz(t *testing.T) {
	_, h := testServer(t, 1)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /healthz: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	var answer map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil || answer["status"] != "ok" {
		t.Fatalf("GET /healthz: %q, %v", w.Body, err)
	}
}

func TestServerReplay(t *testing.T) {
	_, h := testServer(t, 4)
	// The first delivery passes the door (and is refused by the allow
	// list); the same signed request again is a replay.
	r := signedPost(secretOld, "/v1/runs", notAllowed)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	wantAnswer(t, w, 403, CodeNotAllowed, "procedure")
	for range 2 {
		w = httptest.NewRecorder()
		h.ServeHTTP(w, signedPost(secretOld, "/v1/runs", notAllowed))
		wantAnswer(t, w, 409, CodeReplayed, SignatureHeader)
	}
	// A request refused at the signature is not remembered: signed
	// properly afterwards, it is new.
	body := withArgs("drbd-pair", `{"cluster":"storage2"}`)
	stale := signedPost(secretOld, "/v1/runs", body)
	stale.Header.Set(SignatureHeader, Sign(secretOld.key, signedAt.Add(-time.Hour), []byte(body)))
	w = httptest.NewRecorder()
	h.ServeHTTP(w, stale)
	wantAnswer(t, w, 401, CodeStale, SignatureHeader)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, signedPost(secretOld, "/v1/runs", body))
	wantAnswer(t, w, 403, CodeNotAllowed, "procedure")
}

// TestServerChunked sends a body without a length, as a chunked stream,
// through a real connection.
func TestServerChunked(t *testing.T) {
	_, h := testServer(t, 4)
	lengths := make(chan int64, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lengths <- r.ContentLength
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	for _, c := range []struct {
		size   int
		status int
		code   string
		field  string
	}{
		{MaxBody + 1, 413, CodeTooLarge, ""},
		{10 * MaxBody, 413, CodeTooLarge, ""},
		// A chunked body within the bound passes on to its signature.
		{MaxBody, 401, CodeBadSignature, SignatureHeader},
	} {
		body := bytes.Repeat([]byte(" "), c.size)
		// A reader of unknown length: the client sends it chunked.
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/v1/runs", io.MultiReader(bytes.NewReader(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(SignatureHeader, Sign(secretNew.key, signedAt, body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%d bytes: %v", c.size, err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if n := <-lengths; n != -1 {
			t.Fatalf("sent with a length, %d", n)
		}
		wantResponse(t, resp.StatusCode, resp.Header, answer, c.status, c.code, c.field)
	}
}

func TestServerOverloaded(t *testing.T) {
	s, h := testServer(t, 1)
	s.QueueWithin = 50 * time.Millisecond
	// The one slot is held by a request whose body has not arrived.
	pr, pw := io.Pipe()
	blocked := httptest.NewRequest(http.MethodPost, "/v1/runs", pr)
	blocked.Header.Set("Content-Type", "application/json")
	first := make(chan *httptest.ResponseRecorder)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, blocked)
		first <- w
	}()
	for deadline := time.Now().Add(5 * time.Second); len(s.slots) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first request never took its slot")
		}
	}
	start := time.Now()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, signedPost(secretOld, "/v1/runs", notAllowed))
	wantAnswer(t, w, 503, CodeOverloaded, "")
	if waited := time.Since(start); waited < s.QueueWithin {
		t.Fatalf("refused after %s; it waits %s for a slot", waited, s.QueueWithin)
	}
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	// The held request ends (unsigned: refused) and frees its slot.
	pw.Write([]byte(minimalRequest))
	pw.Close()
	wantAnswer(t, <-first, 401, CodeNoSignature, SignatureHeader)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, signedPost(secretOld, "/v1/runs", notAllowed))
	wantAnswer(t, w, 403, CodeNotAllowed, "procedure")

	// A request that waits, rather than being refused, gets the slot when
	// it frees within QueueWithin.
	s.QueueWithin = 5 * time.Second
	pr, pw = io.Pipe()
	blocked = httptest.NewRequest(http.MethodPost, "/v1/runs", pr)
	blocked.Header.Set("Content-Type", "application/json")
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, blocked)
		first <- w
	}()
	for len(s.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		pw.Close()
	}()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, signedPost(secretOld, "/v1/runs", withArgs("drbd-pair", `{"cluster":"storage2"}`)))
	wantAnswer(t, w, 403, CodeNotAllowed, "procedure")
	<-first
}

func TestServerDefaultQueue(t *testing.T) {
	s := New(&Loaded{Secrets: []*Secret{secretOld}}, refusingTemporal{t}, 0)
	if cap(s.slots) != 1 {
		t.Fatalf("%d slots; at least one", cap(s.slots))
	}
	if s.QueueWithin != 0 && s.QueueWithin != queueWithin {
		t.Fatalf("QueueWithin %s", s.QueueWithin)
	}
}

func TestServerReload(t *testing.T) {
	s, h := testServer(t, 4)
	post := func(sec *Secret, body string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signedPost(sec, "/v1/runs", body))
		return w
	}
	bodies := []string{
		notAllowed,
		strings.Replace(notAllowed, "OPS-1", "OPS-2", 1),
		strings.Replace(notAllowed, "OPS-1", "OPS-3", 1),
		strings.Replace(notAllowed, "OPS-1", "OPS-4", 1),
	}
	wantAnswer(t, post(secretNew, bodies[0]), 401, CodeBadSignature, SignatureHeader)
	// The rotation adds the new secret: both are good.
	s.Reload(&Loaded{Secrets: []*Secret{narrowSecret(secretOld), narrowSecret(secretNew)}})
	wantAnswer(t, post(secretOld, bodies[1]), 403, CodeNotAllowed, "procedure")
	wantAnswer(t, post(secretNew, bodies[2]), 403, CodeNotAllowed, "procedure")
	// Then drops the old one.
	s.Reload(&Loaded{Secrets: []*Secret{narrowSecret(secretNew)}})
	wantAnswer(t, post(secretOld, bodies[3]), 401, CodeBadSignature, SignatureHeader)
	wantAnswer(t, post(secretNew, bodies[3]), 403, CodeNotAllowed, "procedure")
	// The allow lists come with the secret: the new one's may widen.
	wide := *secretNew
	s.Reload(&Loaded{Secrets: []*Secret{&wide}})
	wantAnswer(t, post(secretNew, withArgs("prepare-disk", `{"host":"-rf"}`)), 400, CodeBadField, "args.host")
}
