package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/procedures"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// MaxBody bounds every request body.
const MaxBody = 64 << 10

// RunRequest is the body of POST /v1/runs: start, or join, the run of a
// procedure for a ticket.
//
//	{"ticket": {"system": "jira", "key": "OPS-123"},
//	 "procedure": "expand-capacity", "runbook": "scalable-storage",
//	 "args": {"cluster": "storage2"}, "plan": true}
type RunRequest struct {
	Ticket    Ticket `json:"ticket"`
	Procedure string `json:"procedure"`
	// Runbook is a name in the orchestrator's catalog: a ticket cannot
	// bring its own runbook.
	Runbook string `json:"runbook"`
	// Args say what the procedure acts on, as starter run's flags do.
	Args Args `json:"args,omitzero"`
	// Overrides is a JSON merge patch of the runbook (runbooks.Override):
	// it may narrow the runbook's approvals, never widen them.
	Overrides json.RawMessage `json:"overrides,omitempty"`
	// Plan asks for the plan only: the run changes nothing.
	Plan bool `json:"plan,omitempty"`
	// RequestedBy is who filed the ticket, as the ticketing system says:
	// recorded, never trusted for anything.
	RequestedBy string `json:"requested_by,omitempty"`
}

// Ticket names the ticket a run is for.
type Ticket struct {
	System string `json:"system"`
	Key    string `json:"key"`
	// URL is the ticket's page, for the change record.
	URL string `json:"url,omitempty"`
}

// Args are a procedure's arguments.
type Args struct {
	Cluster  string `json:"cluster,omitempty"`
	Node     string `json:"node,omitempty"`
	Via      string `json:"via,omitempty"`
	Host     string `json:"host,omitempty"`
	Resource string `json:"resource,omitempty"`
}

// DecodeRunRequest reads a request body strictly: one JSON object, no
// field twice, no unknown field, each field well-formed. The error is an
// *Error naming the field.
func DecodeRunRequest(body []byte) (RunRequest, error) {
	var r RunRequest
	if err := decodeStrict(body, &r); err != nil {
		return r, err
	}
	return r, r.check()
}

// decodeStrict decodes one JSON object into v, refusing duplicate and
// unknown fields, trailing data and invalid UTF-8.
func decodeStrict(body []byte, v any) *Error {
	if !utf8.Valid(body) {
		return refuse(400, CodeBadJSON, "", "the body is not UTF-8")
	}
	if err := noDuplicates(body); err != nil {
		return err
	}
	if err := exactFields(body, reflect.TypeOf(v), ""); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return refuse(400, CodeBadJSON, "", "more than one JSON value")
	}
	return nil
}

// describe turns a decoding error into a refusal naming the field.
func describe(err error) *Error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	msg := err.Error()
	switch {
	case errors.As(err, &typeErr):
		return badField(cmpOr(typeErr.Field, "the body"), "a JSON %s, where %s is wanted", typeErr.Value, typeErr.Type)
	case errors.As(err, &syntaxErr):
		return refuse(400, CodeBadJSON, "", "not JSON at byte %d: %s", syntaxErr.Offset, msg)
	case strings.HasPrefix(msg, "json: unknown field "):
		return refuse(400, CodeUnknownField, strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`), "no such field")
	}
	return refuse(400, CodeBadJSON, "", "%s", msg)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// noDuplicates refuses an object with a key twice, at any depth: the
// standard decoder keeps the last, so a signed body could say one thing
// to a person reading it and another to the server.
func noDuplicates(body []byte) *Error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type frame struct {
		object bool
		keys   map[string]bool
		path   string
		last   string // the key whose value comes next
		expect bool   // the next string token is a key
	}
	var stack []*frame
	for depth := 0; ; {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return describe(err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expect {
			if key, ok := tok.(string); ok {
				if top.keys[key] {
					return refuse(400, CodeBadJSON, join(top.path, key), "the field is given twice")
				}
				top.keys[key] = true
				top.last, top.expect = key, false
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > 32 {
				return refuse(400, CodeBadJSON, "", "nested deeper than 32")
			}
			path := ""
			if top != nil {
				path = top.path
				if top.object {
					path = join(path, top.last)
				}
			}
			stack = append(stack, &frame{object: tok == json.Delim('{'), keys: map[string]bool{}, path: path, expect: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			stack[len(stack)-1].expect = true
		}
	}
}

// exactFields refuses a key that is not, byte for byte, the name of a
// field of the type its object decodes into, naming it with its path. The
// standard decoder matches keys case-insensitively (with Unicode folding,
// so "tic\u212Aet" is "ticket") and names an unknown field without its
// path; a reader that matches exactly would see a different request.
func exactFields(raw []byte, t reflect.Type, path string) *Error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		// A value of another kind is the decoder's to refuse.
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil
		}
		fields := map[string]reflect.Type{}
		if t.Kind() == reflect.Struct {
			structFields(t, fields)
		}
		for dec.More() {
			tok, err := dec.Token()
			key, ok := tok.(string)
			var value json.RawMessage
			if err != nil || !ok || dec.Decode(&value) != nil {
				return nil
			}
			ft := t
			if t.Kind() == reflect.Map {
				ft = t.Elem()
			} else if ft, ok = fields[key]; !ok {
				return refuse(400, CodeUnknownField, join(path, key), "no such field")
			}
			if err := exactFields(value, ft, join(path, key)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		var elems []json.RawMessage
		if t.Elem().Kind() == reflect.Uint8 || dec.Decode(&elems) != nil {
			return nil
		}
		for _, e := range elems {
			if err := exactFields(e, t.Elem(), path); err != nil {
				return err
			}
		}
	}
	return nil
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// structFields are the JSON names of a struct's fields, those of embedded
// structs without a name of their own included.
func structFields(t reflect.Type, fields map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" && f.Tag.Get("json") == "-":
			continue
		case name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
			structFields(f.Type, fields)
			continue
		case !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		fields[name] = f.Type
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// check checks every field, naming the first that is wrong.
func (r RunRequest) check() error {
	if err := names.TicketSystem(r.Ticket.System); err != nil {
		return badField("ticket.system", "%v", err)
	}
	if err := names.TicketKey(r.Ticket.Key); err != nil {
		return badField("ticket.key", "%v", err)
	}
	if r.Ticket.URL != "" {
		if err := checkURL(r.Ticket.URL); err != nil {
			return badField("ticket.url", "%v", err)
		}
	}
	p, err := procedures.Find(r.Procedure)
	if err != nil {
		return badField("procedure", "%v", err)
	}
	if err := names.Runbook(r.Runbook); err != nil {
		return badField("runbook", "%v", err)
	}
	for _, a := range []struct{ field, value string }{{"args.node", r.Args.Node}, {"args.via", r.Args.Via}, {"args.host", r.Args.Host}} {
		if a.value != "" {
			if err := names.FQDN(a.value); err != nil {
				return badField(a.field, "%v", err)
			}
		}
	}
	if r.Args.Cluster != "" {
		if err := names.Cluster(r.Args.Cluster); err != nil {
			return badField("args.cluster", "%v", err)
		}
	}
	if r.Args.Resource != "" {
		if err := names.DRBDResource(r.Args.Resource); err != nil {
			return badField("args.resource", "%v", err)
		}
	}
	if len(r.Overrides) > 0 {
		if len(r.Overrides) > runbooks.MaxOverrides || !bytes.HasPrefix(bytes.TrimSpace(r.Overrides), []byte("{")) {
			return badField("overrides", "a JSON object (a merge patch of the runbook) of at most %d bytes", runbooks.MaxOverrides)
		}
	}
	if r.RequestedBy != "" {
		if err := names.Approver(r.RequestedBy); err != nil {
			return badField("requested_by", "%v", err)
		}
	}
	if r.Plan && p.Name == "check" {
		return badField("plan", "check changes nothing: it has no plan")
	}
	if _, err := r.input(); err != nil {
		return badField("args", "%v", err)
	}
	return nil
}

// input is the procedure's workflow input, its runbook the catalog's.
func (r RunRequest) input() (any, error) {
	p, err := procedures.Find(r.Procedure)
	if err != nil {
		return nil, err
	}
	return p.Input(procedures.Args{
		Ref:     runbooks.Ref{Runbook: r.Runbook, Overrides: compact(r.Overrides)},
		Cluster: r.Args.Cluster, Node: r.Args.Node, Via: r.Args.Via, Host: r.Args.Host, Resource: r.Args.Resource,
	})
}

// compact is a JSON value without insignificant space (a decoded
// RawMessage is valid JSON), nil for none.
func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if len(raw) == 0 || json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
