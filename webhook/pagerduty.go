package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// CodeIgnored answers an authentic delivery that starts nothing: an event
// the adapter does not act on, or one about something it is not set up
// for. Its status is 202, so that the sender counts it delivered and does
// not retry.
const CodeIgnored = "ignored"

func ignored(format string, args ...any) *Error {
	return refuse(http.StatusAccepted, CodeIgnored, "", format, args...)
}

// PagerDutySignatureHeader carries a PagerDuty V3 webhook's signatures:
// "v1=" and the hex HMAC-SHA256 of the raw body with the subscription's
// signing secret, comma-separated when a secret rotation is under way.
const PagerDutySignatureHeader = "X-PagerDuty-Signature"

// PagerDutyConfig switches on the PagerDuty adapter: a V3 webhook
// subscription's incidents start a check of the runbook of their service.
//
//	"pagerduty": {
//	  "secret_files": ["secrets/pagerduty"],
//	  "services": {"PF9KMXH": "scalable-storage"}
//	}
type PagerDutyConfig struct {
	// System is the ticket system runs record and the sender's ID;
	// "pagerduty" when empty.
	System string `json:"system,omitempty"`
	// SecretFiles hold the subscription's signing secrets, each as
	// PagerDuty shows it, in a file only its owner reads: a delivery
	// signed by any of them is taken (several during a rotation).
	SecretFiles []string `json:"secret_files"`
	// Services maps a PagerDuty service ID to the runbook its incidents
	// check. An incident of any other service is ignored.
	Services map[string]string `json:"services"`
	// Events are the event types that start a check: incident.triggered
	// when empty; incident.reopened is the only other one taken.
	Events []string `json:"events,omitempty"`
	// MaxAge is how old an event's occurred_at may be, as Go writes a
	// duration ("1h" when empty, at most "24h"). PagerDuty retries a
	// failed delivery for about 20 minutes.
	MaxAge string `json:"max_age,omitempty"`
}

// PagerDuty is the loaded adapter.
type PagerDuty struct {
	system   string
	keys     [][]byte
	services map[string]string
	events   []string
	maxAge   time.Duration
	sender   *Secret
}

// pagerDutyFuture is how far ahead of this server's clock an event may
// say it occurred: clocks differ, but not by more.
const pagerDutyFuture = 5 * time.Minute

// pagerDutyEvents are the event types a check may start on: those whose
// data is an incident that has just become open.
var pagerDutyEvents = []string{"incident.triggered", "incident.reopened"}

func (c *PagerDutyConfig) load(rel func(string) string) (*PagerDuty, error) {
	p := &PagerDuty{system: cmpOr(c.System, "pagerduty"), services: map[string]string{}, maxAge: time.Hour}
	if err := names.TicketSystem(p.system); err != nil {
		return nil, fmt.Errorf("system: %v", err)
	}
	if len(c.SecretFiles) == 0 {
		return nil, errors.New("secret_files: at least one is required (the subscription's signing secret)")
	}
	for i, f := range c.SecretFiles {
		key, err := ReadSecret(rel(f))
		if err != nil {
			return nil, fmt.Errorf("secret_files[%d]: %w", i, err)
		}
		p.keys = append(p.keys, key)
	}
	if len(c.Services) == 0 {
		return nil, errors.New("services: at least one service ID and its runbook is required")
	}
	var runbooks []string
	for id, book := range c.Services {
		if err := names.TicketKey(id); err != nil {
			return nil, fmt.Errorf("services: %q is not a PagerDuty service ID: %v", id, err)
		}
		if err := names.Runbook(book); err != nil {
			return nil, fmt.Errorf("services.%s: %v", id, err)
		}
		p.services[id] = book
		if !slices.Contains(runbooks, book) {
			runbooks = append(runbooks, book)
		}
	}
	slices.Sort(runbooks)
	p.events = []string{"incident.triggered"}
	if len(c.Events) > 0 {
		p.events = nil
		for _, e := range c.Events {
			if !slices.Contains(pagerDutyEvents, e) {
				return nil, fmt.Errorf("events: %q: a check starts on %s only", e, strings.Join(pagerDutyEvents, " or "))
			}
			if !slices.Contains(p.events, e) {
				p.events = append(p.events, e)
			}
		}
	}
	if c.MaxAge != "" {
		d, err := time.ParseDuration(c.MaxAge)
		if err != nil || d <= 0 || d > 24*time.Hour {
			return nil, fmt.Errorf("max_age: %q is not a duration from 1s to 24h, as in \"1h\"", c.MaxAge)
		}
		p.maxAge = d
	}
	p.sender = &Secret{ID: p.system, procedures: []string{"check"}, runbooks: runbooks}
	return p, nil
}

// pagerDutyEvent is what the adapter reads of a V3 webhook payload; the
// rest of it is ignored.
type pagerDutyEvent struct {
	Event struct {
		ID           string `json:"id"`
		EventType    string `json:"event_type"`
		ResourceType string `json:"resource_type"`
		OccurredAt   string `json:"occurred_at"`
		Agent        *struct {
			Summary string `json:"summary"`
		} `json:"agent"`
		Data struct {
			ID      string `json:"id"`
			Type    string `json:"type"`
			HTMLURL string `json:"html_url"`
			Service *struct {
				ID string `json:"id"`
			} `json:"service"`
		} `json:"data"`
	} `json:"event"`
}

// Request verifies a PagerDuty delivery and maps it onto a RunRequest: a
// check of the runbook of the incident's service, for the incident.
func (p *PagerDuty) Request(h http.Header, body []byte, now time.Time) (RunRequest, *Secret, *Error) {
	if err := p.verify(h.Values(PagerDutySignatureHeader), body); err != nil {
		return RunRequest{}, nil, err
	}
	var ev pagerDutyEvent
	if err := decodeTolerant(body, &ev); err != nil {
		return RunRequest{}, nil, err
	}
	e := ev.Event
	if e.EventType == "" {
		return RunRequest{}, nil, badField("event.event_type", "is required: is this a V3 webhook?")
	}
	if !slices.Contains(p.events, e.EventType) {
		return RunRequest{}, nil, ignored("event %s is %s: only %s start a check", e.ID, e.EventType, strings.Join(p.events, ", "))
	}
	if e.ResourceType != "incident" || (e.Data.Type != "" && e.Data.Type != "incident") {
		return RunRequest{}, nil, badField("event.resource_type", "%s is about %q, not an incident", e.EventType, e.ResourceType)
	}
	if e.OccurredAt == "" {
		return RunRequest{}, nil, badField("event.occurred_at", "is required")
	}
	at, err := time.Parse(time.RFC3339Nano, e.OccurredAt)
	if err != nil {
		return RunRequest{}, nil, badField("event.occurred_at", "%q is not an ISO 8601 time", e.OccurredAt)
	}
	if d := now.Sub(at); d > p.maxAge || d < -pagerDutyFuture {
		return RunRequest{}, nil, refuse(http.StatusUnauthorized, CodeStale, "event.occurred_at",
			"occurred at %s, %s from this server's clock; at most %s before it or %s after", at.UTC().Format(time.RFC3339), d.Round(time.Second), p.maxAge, pagerDutyFuture)
	}
	if e.Data.Service == nil || e.Data.Service.ID == "" {
		return RunRequest{}, nil, badField("event.data.service.id", "is required")
	}
	book, ok := p.services[e.Data.Service.ID]
	if !ok {
		return RunRequest{}, nil, ignored("incident %s is of service %s, which has no runbook here", e.Data.ID, e.Data.Service.ID)
	}
	r := RunRequest{
		Ticket:    Ticket{System: p.system, Key: e.Data.ID, URL: e.Data.HTMLURL},
		Procedure: "check",
		Runbook:   book,
	}
	if e.Agent != nil && names.Approver(e.Agent.Summary) == nil {
		r.RequestedBy = e.Agent.Summary
	}
	if err := checked(r, map[string]string{"ticket.key": "event.data.id", "ticket.url": "event.data.html_url"}); err != nil {
		return RunRequest{}, nil, err
	}
	return r, p.sender, nil
}

// maxPagerDutyHeader bounds the signature header: a few v1 during a
// rotation, and room for a later version's.
const maxPagerDutyHeader = 1024

// verify takes a body one of whose v1 signatures one of the secrets made.
// Signatures of other versions are skipped, as PagerDuty's documentation
// says; a malformed v1 is refused.
func (p *PagerDuty) verify(values []string, body []byte) *Error {
	header := strings.Join(values, ",")
	if strings.TrimSpace(header) == "" {
		return refuse(http.StatusUnauthorized, CodeNoSignature, PagerDutySignatureHeader, "every delivery is signed: v1=<hex HMAC-SHA256 of the body with the subscription's secret>")
	}
	bad := func(why string) *Error {
		return refuse(http.StatusUnauthorized, CodeBadSignature, PagerDutySignatureHeader, "%s", why)
	}
	if len(header) > maxPagerDutyHeader {
		return bad("the header is too long")
	}
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "v1=")
		if !ok {
			continue
		}
		sig, err := hex.DecodeString(v)
		if err != nil || len(sig) != sha256.Size {
			return bad("a v1 signature is not 64 hex digits")
		}
		if len(sigs) == maxSignatures {
			return bad("too many v1 signatures")
		}
		sigs = append(sigs, sig)
	}
	if len(sigs) == 0 {
		return bad("no v1 signature")
	}
	for _, key := range p.keys {
		m := hmac.New(sha256.New, key)
		m.Write(body)
		want := m.Sum(nil)
		for _, sig := range sigs {
			if hmac.Equal(sig, want) {
				return nil
			}
		}
	}
	return bad("no configured secret signed this body")
}

// decodeTolerant decodes one JSON object into v as a third party's
// payload needs: fields v does not name are skipped, since such payloads
// carry many, but the body must be UTF-8, one object, without a key twice
// (so that a reader and the server cannot see two different values), and
// the fields v names must have the types it says.
func decodeTolerant(body []byte, v any) *Error {
	if !utf8.Valid(body) {
		return refuse(http.StatusBadRequest, CodeBadJSON, "", "the body is not UTF-8")
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '{' {
		return refuse(http.StatusBadRequest, CodeBadJSON, "", "the body is not a JSON object")
	}
	if err := noDuplicates(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return refuse(http.StatusBadRequest, CodeBadJSON, "", "more than one JSON value")
	}
	return nil
}

// checked runs r.check, naming the payload's field rather than the
// request's where fields says which it came from.
func checked(r RunRequest, fields map[string]string) *Error {
	err := r.check()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		return badField("", "%v", err)
	}
	if from, ok := fields[e.Field]; ok {
		c := *e
		c.Field = from
		return &c
	}
	return e
}
