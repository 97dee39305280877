package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/runbooks"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// goodRequest is a request every check passes: a host procedure, with
// every optional field given.
const goodRequest = `{
  "ticket": {"system": "jira", "key": "OPS-123", "url": "https://jira.example.com/browse/OPS-123"},
  "procedure": "prepare-disk",
  "runbook": "scalable-storage",
  "args": {"host": "storage0a.example.org"},
  "overrides": {"gfs2": {"journals": 6}},
  "requested_by": "ada@example.com"
}`

// minimalRequest is the least a request says.
const minimalRequest = `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"check","runbook":"scalable-storage"}`

// withField is minimalRequest with one more top-level member, raw JSON.
func withField(name, value string) string {
	return strings.TrimSuffix(minimalRequest, "}") + `,"` + name + `":` + value + `}`
}

// withTicket is a request for the ticket given as raw JSON.
func withTicket(ticket string) string {
	return `{"ticket":` + ticket + `,"procedure":"check","runbook":"scalable-storage"}`
}

// withArgs is a request of procedure with args given as raw JSON.
func withArgs(procedure, args string) string {
	return `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"` + procedure + `","runbook":"scalable-storage","args":` + args + `}`
}

// refusals are bodies DecodeRunRequest refuses, with the code and field
// each refusal names. FuzzDecodeRunRequest seeds with them too.
var refusals = []struct {
	name, body, code, field string
}{
	// Not one JSON object.
	{"empty", ``, CodeBadJSON, ""},
	{"not JSON", `ticket=OPS-1`, CodeBadJSON, ""},
	{"truncated", `{"ticket":{"system":"jira"`, CodeBadJSON, ""},
	{"trailing object", minimalRequest + `{}`, CodeBadJSON, ""},
	{"trailing garbage", minimalRequest + ` x`, CodeBadJSON, ""},
	{"two objects", minimalRequest + "\n" + minimalRequest, CodeBadJSON, ""},
	{"invalid UTF-8", strings.Replace(minimalRequest, "OPS-1", "OPS-\xff", 1), CodeBadJSON, ""},
	{"invalid UTF-8 in a key", withField("\xc3\x28", `1`), CodeBadJSON, ""},
	{"array", `[` + minimalRequest + `]`, CodeBadField, "the body"},
	{"string", `"check"`, CodeBadField, "the body"},
	{"null", `null`, CodeBadField, "ticket.system"},
	{"too deep", withField("overrides", strings.Repeat(`{"a":`, 40)+`1`+strings.Repeat(`}`, 40)), CodeBadJSON, ""},

	// Unknown fields, at any depth, and fields spelt in another case: the
	// standard decoder would take "Procedure" for "procedure".
	{"unknown top-level", withField("shell", `"rm -rf /"`), CodeUnknownField, "shell"},
	{"unknown in ticket", withTicket(`{"system":"jira","key":"OPS-1","extra":1}`), CodeUnknownField, "ticket.extra"},
	{"unknown in args", withArgs("prepare-disk", `{"host":"storage0a.example.org","shell":"sh"}`), CodeUnknownField, "args.shell"},
	{"other case top-level", withField("PLAN", `true`), CodeUnknownField, "PLAN"},
	{"other case in args", withArgs("prepare-disk", `{"Host":"storage0a.example.org"}`), CodeUnknownField, "args.Host"},
	{"case smuggling", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"check","runbook":"scalable-storage","Procedure":"teardown"}`, CodeUnknownField, "Procedure"},
	{"kelvin sign smuggling", withField("tic\u212aet", `{}`), CodeUnknownField, "tic\u212aet"},

	// Duplicate keys, at any depth, also when spelt with an escape.
	{"duplicate top-level", withField("procedure", `"teardown"`), CodeBadJSON, "procedure"},
	{"duplicate escaped", withField(`proc\u0065dure`, `"teardown"`), CodeBadJSON, "procedure"},
	{"duplicate in ticket", withTicket(`{"system":"jira","key":"OPS-1","key":"OPS-2"}`), CodeBadJSON, "ticket.key"},
	{"duplicate in args", withArgs("prepare-disk", `{"host":"storage0a.example.org","host":"storage1a.example.org"}`), CodeBadJSON, "args.host"},
	{"duplicate in overrides", withField("overrides", `{"gfs2":{"journals":6,"journals":1}}`), CodeBadJSON, "overrides.gfs2.journals"},
	{"duplicate ticket", withField("ticket", `{"system":"jira","key":"OPS-2"}`), CodeBadJSON, "ticket"},

	// Wrong types.
	{"ticket a string", withTicket(`"jira/OPS-1"`), CodeBadField, "ticket"},
	{"key a number", withTicket(`{"system":"jira","key":123}`), CodeBadField, "ticket.key"},
	{"plan a string", withField("plan", `"yes"`), CodeBadField, "plan"},
	{"args an array", withArgs("prepare-disk", `["storage0a.example.org"]`), CodeBadField, "args"},
	{"host a number", withArgs("prepare-disk", `{"host":1}`), CodeBadField, "args.host"},
	{"requested_by an object", withField("requested_by", `{"name":"ada"}`), CodeBadField, "requested_by"},

	// Each field's bad values.
	{"no ticket", `{"procedure":"check","runbook":"scalable-storage"}`, CodeBadField, "ticket.system"},
	{"system uppercase", withTicket(`{"system":"JIRA","key":"OPS-1"}`), CodeBadField, "ticket.system"},
	{"system option", withTicket(`{"system":"-x","key":"OPS-1"}`), CodeBadField, "ticket.system"},
	{"no key", withTicket(`{"system":"jira"}`), CodeBadField, "ticket.key"},
	{"key with slash", withTicket(`{"system":"jira","key":"OPS/1"}`), CodeBadField, "ticket.key"},
	{"key dot dot", withTicket(`{"system":"jira","key":".."}`), CodeBadField, "ticket.key"},
	{"key path", withTicket(`{"system":"jira","key":"../etc/passwd"}`), CodeBadField, "ticket.key"},
	{"key with space", withTicket(`{"system":"jira","key":"OPS 1"}`), CodeBadField, "ticket.key"},
	{"key too long", withTicket(`{"system":"jira","key":"` + strings.Repeat("A", 65) + `"}`), CodeBadField, "ticket.key"},
	{"url http with credentials", withTicket(`{"system":"jira","key":"OPS-1","url":"https://user:pass@jira.example.com/browse/OPS-1"}`), CodeBadField, "ticket.url"},
	{"url javascript", withTicket(`{"system":"jira","key":"OPS-1","url":"javascript:alert(1)"}`), CodeBadField, "ticket.url"},
	{"url relative", withTicket(`{"system":"jira","key":"OPS-1","url":"/browse/OPS-1"}`), CodeBadField, "ticket.url"},
	{"url ftp", withTicket(`{"system":"jira","key":"OPS-1","url":"ftp://jira.example.com/OPS-1"}`), CodeBadField, "ticket.url"},
	{"no procedure", `{"ticket":{"system":"jira","key":"OPS-1"},"runbook":"scalable-storage"}`, CodeBadField, "procedure"},
	{"unknown procedure", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"rm-rf","runbook":"scalable-storage"}`, CodeBadField, "procedure"},
	{"procedure other case", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"Check","runbook":"scalable-storage"}`, CodeBadField, "procedure"},
	{"no runbook", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"check"}`, CodeBadField, "runbook"},
	{"runbook uppercase", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"check","runbook":"Scalable-Storage"}`, CodeBadField, "runbook"},
	{"runbook path", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"check","runbook":"../scalable-storage"}`, CodeBadField, "runbook"},
	{"runbook option", `{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"check","runbook":"-rf"}`, CodeBadField, "runbook"},
	{"host option", withArgs("prepare-disk", `{"host":"-rf"}`), CodeBadField, "args.host"},
	{"host uppercase", withArgs("prepare-disk", `{"host":"Storage0a.example.org"}`), CodeBadField, "args.host"},
	{"host short", withArgs("prepare-disk", `{"host":"storage0a"}`), CodeBadField, "args.host"},
	{"host with a command", withArgs("prepare-disk", `{"host":"storage0a.example.org;reboot"}`), CodeBadField, "args.host"},
	{"node option", withArgs("node-join", `{"cluster":"storage2","node":"-x.example.org"}`), CodeBadField, "args.node"},
	{"via trailing dot", withArgs("node-join", `{"cluster":"storage2","node":"storage2a.example.org","via":"storage2b.example.org."}`), CodeBadField, "args.via"},
	{"cluster too long", withArgs("expand-capacity", `{"cluster":"storage2storage2storage2"}`), CodeBadField, "args.cluster"},
	{"cluster with space", withArgs("expand-capacity", `{"cluster":"storage 2"}`), CodeBadField, "args.cluster"},
	{"resource uppercase", withArgs("drbd-pair", `{"cluster":"storage2","resource":"R0"}`), CodeBadField, "args.resource"},
	{"host missing", withArgs("prepare-disk", `{}`), CodeBadField, "args"},
	{"cluster missing", withArgs("expand-capacity", `{"host":"storage0a.example.org"}`), CodeBadField, "args"},
	{"overrides array", withField("overrides", `[{"gfs2":{}}]`), CodeBadField, "overrides"},
	{"overrides string", withField("overrides", `"{\"gfs2\":{}}"`), CodeBadField, "overrides"},
	{"overrides null", withField("overrides", `null`), CodeBadField, "overrides"},
	{"overrides number", withField("overrides", `1`), CodeBadField, "overrides"},
	{"overrides too large", withField("overrides", `{"x":"`+strings.Repeat("a", runbooks.MaxOverrides)+`"}`), CodeBadField, "overrides"},
	{"requested_by control", withField("requested_by", `"ada\nroot"`), CodeBadField, "requested_by"},
	{"requested_by too long", withField("requested_by", `"`+strings.Repeat("a", 65)+`"`), CodeBadField, "requested_by"},
	{"plan of check", withField("plan", `true`), CodeBadField, "plan"},
}

func TestDecodeRunRequestRefuses(t *testing.T) {
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeRunRequest([]byte(c.body))
			var e *Error
			if !errors.As(err, &e) || e == nil {
				t.Fatalf("got %v (%T); want an *Error %s, field %q", err, err, c.code, c.field)
			}
			if e.Status != 400 || e.Code != c.code || e.Field != c.field {
				t.Fatalf("got %d %s field %q (%s); want 400 %s field %q", e.Status, e.Code, e.Field, e.Message, c.code, c.field)
			}
			if e.Message == "" {
				t.Fatal("no message")
			}
		})
	}
}

func TestDecodeRunRequestGood(t *testing.T) {
	r, err := DecodeRunRequest([]byte(goodRequest))
	if err != nil {
		t.Fatal(err)
	}
	want := RunRequest{
		Ticket:      Ticket{System: "jira", Key: "OPS-123", URL: "https://jira.example.com/browse/OPS-123"},
		Procedure:   "prepare-disk",
		Runbook:     "scalable-storage",
		Args:        Args{Host: "storage0a.example.org"},
		Overrides:   json.RawMessage(`{"gfs2": {"journals": 6}}`),
		RequestedBy: "ada@example.com",
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", r, want)
	}
	in, err := r.input()
	if err != nil {
		t.Fatal(err)
	}
	host, ok := in.(workflows.HostInput)
	if !ok {
		t.Fatalf("input is a %T; want workflows.HostInput", in)
	}
	// The overrides reach the workflow compacted: the same patch whatever
	// the ticket's spacing.
	wantRef := runbooks.Ref{Runbook: "scalable-storage", Overrides: json.RawMessage(`{"gfs2":{"journals":6}}`)}
	if host.Host != "storage0a.example.org" || !reflect.DeepEqual(host.Ref, wantRef) {
		t.Fatalf("input %+v; want host storage0a.example.org and %+v", host, wantRef)
	}
}

// TestDecodeRunRequestInputs pins the workflow input each kind of
// procedure gets from a request.
func TestDecodeRunRequestInputs(t *testing.T) {
	ref := runbooks.Ref{Runbook: "scalable-storage"}
	for _, c := range []struct {
		body string
		want any
	}{
		{minimalRequest, workflows.RunbookInput{Ref: ref}},
		{withArgs("expand-capacity", `{"cluster":"storage2"}`), workflows.ExpandCapacityInput{Ref: ref, Clusters: []string{"storage2"}}},
		{withArgs("node-join", `{"cluster":"storage2","node":"storage2a.example.org","via":"storage2b.example.org"}`),
			workflows.NodeJoinInput{Ref: ref, Cluster: "storage2", Node: "storage2a.example.org", Via: "storage2b.example.org"}},
		{withArgs("drbd-pair", `{"cluster":"storage2","resource":"r0"}`), workflows.DRBDPairInput{Ref: ref, Cluster: "storage2", Resource: "r0"}},
		{withArgs("gnbd-import", `{"host":"client0.example.org"}`), workflows.HostInput{Ref: ref, Host: "client0.example.org"}},
		{withArgs("form-clusters", `{}`), workflows.FormClustersInput{Ref: ref}},
	} {
		r, err := DecodeRunRequest([]byte(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		in, err := r.input()
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		if !reflect.DeepEqual(in, c.want) {
			t.Errorf("%s: input %#v; want %#v", c.body, in, c.want)
		}
	}
	// A plan of a procedure that changes something is taken.
	r, err := DecodeRunRequest([]byte(`{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"expand-capacity","runbook":"scalable-storage","args":{"cluster":"storage2"},"plan":true}`))
	if err != nil || !r.Plan {
		t.Fatalf("plan of expand-capacity: %+v, %v", r, err)
	}
}

// FuzzDecodeRunRequest feeds DecodeRunRequest any body: it never panics,
// refuses with a 4xx *Error that has a code, and what it takes passes its
// checks again, survives a round trip through encoding/json and builds
// its workflow input.
func FuzzDecodeRunRequest(f *testing.F) {
	f.Add([]byte(goodRequest))
	f.Add([]byte(minimalRequest))
	f.Add([]byte(`{"ticket":{"system":"jira","key":"OPS-1"},"procedure":"expand-capacity","runbook":"scalable-storage","args":{"cluster":"storage2"},"plan":true}`))
	f.Add([]byte(withArgs("node-join", `{"cluster":"storage2","node":"storage2a.example.org","via":"storage2b.example.org"}`)))
	f.Add([]byte(withArgs("drbd-pair", `{"cluster":"storage2","resource":"r0"}`)))
	for _, c := range refusals {
		if len(c.body) <= 4096 {
			f.Add([]byte(c.body))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeRunRequest(body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e == nil {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			if e.Status < 400 || e.Status > 499 || e.Code == "" || e.Message == "" {
				t.Fatalf("refusal %#v: want a 4xx status, a code and a message", e)
			}
			return
		}
		if err := r.check(); err != nil {
			t.Fatalf("taken, then refused by check: %v", err)
		}
		if _, err := r.input(); err != nil {
			t.Fatalf("taken, but its input does not build: %v", err)
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("taken, but does not encode: %v", err)
		}
		r2, err := DecodeRunRequest(again)
		if err != nil {
			t.Fatalf("taken, but its encoding %s is refused: %v", again, err)
		}
		// encoding/json compacts a RawMessage and escapes <, > and & in
		// it: compare the overrides as the workflow gets them.
		r.Overrides, r2.Overrides = compactRaw(t, r.Overrides), compactRaw(t, r2.Overrides)
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("round trip changed the request:\n%+v\n%+v", r, r2)
		}
	})
}

func compactRaw(t *testing.T, raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("overrides %q: %v", raw, err)
	}
	var escaped bytes.Buffer
	json.HTMLEscape(&escaped, b.Bytes())
	return escaped.Bytes()
}
