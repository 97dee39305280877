// Package webhook is the door ticketing systems start runs through: a
// signed HTTP API that starts exactly one run per ticket and procedure,
// answers with the run's plan and the approvals it will wait for, takes
// approvals from the ticket, and posts the change record back when the
// run ends. Every request is checked where it enters (size, content type,
// signature, time, replay, fields, the secret's allow lists) and a refusal
// starts nothing.
package webhook

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Server is the webhook's HTTP side.
type Server struct {
	config atomic.Pointer[Loaded]
	// Temporal starts, reads and decides runs.
	Temporal Temporal
	// Namespace is the Temporal namespace runs are started in.
	Namespace string
	// UI is the Web UI's address, for links; Public the webhook's own
	// address as ticketing systems reach it, for approval links.
	UI, Public string
	// Now is the clock signatures are checked against; nil is time.Now.
	Now func() time.Time
	Log *slog.Logger
	// QueueWithin is how long a request waits for a free slot before it
	// is refused as overloaded; zero is queueWithin.
	QueueWithin time.Duration

	replays *replays
	slots   chan struct{}
}

// The server's bounds.
const (
	// replayCapacity bounds the signatures remembered: at most this many
	// requests in any ten minutes.
	replayCapacity = 1 << 16
	// answerWithin bounds how long a start waits for the run's plan
	// before it answers with the run's status only.
	answerWithin = 25 * time.Second
	// queueWithin is how long a request waits for a free slot, unless
	// Server.QueueWithin says otherwise.
	queueWithin = 5 * time.Second
)

// New is a server with a loaded configuration, allowing at most
// concurrent requests at once.
func New(cfg *Loaded, t Temporal, concurrent int) *Server {
	s := &Server{Temporal: t, Namespace: "default", replays: newReplays(replayCapacity), slots: make(chan struct{}, max(concurrent, 1))}
	s.config.Store(cfg)
	return s
}

// Reload swaps the configuration: a rotation adds a secret, then, once
// every sender uses the new one, drops the old.
func (s *Server) Reload(cfg *Loaded) { s.config.Store(cfg) }

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Handler routes the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/runs", s.signed(s.postRun))
	mux.HandleFunc("GET /v1/runs/{id}", s.signed(s.getRun))
	mux.HandleFunc("POST /v1/runs/{id}/approvals", s.signed(s.postApproval))
	mux.HandleFunc("POST /v1/pagerduty", s.adapter(func(c *Loaded) adapter {
		if c.PagerDuty == nil {
			return nil
		}
		return c.PagerDuty
	}))
	mux.HandleFunc("POST /v1/jira", s.adapter(func(c *Loaded) adapter {
		if c.Jira == nil {
			return nil
		}
		return c.Jira
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, refuse(http.StatusNotFound, CodeNotFound, "", "no %s %s here: POST /v1/runs, GET /v1/runs/{id}, POST /v1/runs/{id}/approvals", r.Method, r.URL.Path))
	})
	return s.limited(mux)
}

// limited lets at most cap(slots) requests in at once; the rest wait a
// little, then are refused.
func (s *Server) limited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wait := s.QueueWithin
		if wait <= 0 {
			wait = queueWithin
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
			next.ServeHTTP(w, r)
		case <-t.C:
			w.Header().Set("Retry-After", "5")
			writeError(w, refuse(http.StatusServiceUnavailable, CodeOverloaded, "", "%d requests in progress: try again", cap(s.slots)))
		case <-r.Context().Done():
		}
	})
}

// entered is a request that passed the door: its body and the secret
// that signed it.
type entered struct {
	body   []byte
	secret *Secret
}

// signed checks what every request must pass before anything reads its
// fields: its size, its content type, its signature and time, and that
// the signature is new.
func (s *Server) signed(h func(context.Context, *http.Request, entered) (int, any, *Error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, e := readBody(w, r)
		if e == nil {
			var in entered
			now := s.now()
			var sigs []string
			if in.secret, sigs, e = verify(r.Header.Get(SignatureHeader), body, now, s.config.Load().Secrets); e == nil {
				// A POST changes something: its signature is good once. A
				// GET only reads, and a poller may ask twice in a second.
				if r.Method == http.MethodPost {
					e = s.replays.first(sigs, now)
				}
				if e == nil {
					in.body = body
					status, answer, err := h(r.Context(), r, in)
					if err == nil {
						writeJSON(w, status, answer)
						return
					}
					e = err
				}
			}
		}
		s.log().Info("refused", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr, "error", e.Error())
		writeError(w, e)
	}
}

// readBody reads a body of at most MaxBody bytes; a POST's must be JSON.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *Error) {
	if r.Method == http.MethodPost {
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
			return nil, refuse(http.StatusUnsupportedMediaType, CodeContentType, "Content-Type", "want application/json, got %q", r.Header.Get("Content-Type"))
		}
	}
	if r.ContentLength > MaxBody {
		return nil, refuse(http.StatusRequestEntityTooLarge, CodeTooLarge, "", "%d bytes; at most %d", r.ContentLength, MaxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return nil, refuse(http.StatusRequestEntityTooLarge, CodeTooLarge, "", "more than %d bytes", MaxBody)
		}
		return nil, refuse(http.StatusBadRequest, CodeBadJSON, "", "reading the body: %v", err)
	}
	return body, nil
}

// adapter is a ticketing system's own webhook format mapped onto a
// RunRequest, with its own way of proving who sent it.
type adapter interface {
	Request(h http.Header, body []byte, now time.Time) (RunRequest, *Secret, *Error)
}

func (s *Server) adapter(pick func(*Loaded) adapter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := pick(s.config.Load())
		if a == nil {
			writeError(w, refuse(http.StatusNotFound, CodeNotFound, "", "this adapter is not configured"))
			return
		}
		body, e := readBody(w, r)
		if e == nil {
			var req RunRequest
			var sender *Secret
			if req, sender, e = a.Request(r.Header, body, s.now()); e == nil {
				status, answer, err := s.start(r.Context(), req, sender)
				if err == nil {
					writeJSON(w, status, answer)
					return
				}
				e = err
			}
		}
		if e.Status/100 != 2 {
			s.log().Info("refused", "path", r.URL.Path, "remote", r.RemoteAddr, "error", e.Error())
		}
		writeError(w, e)
	}
}
