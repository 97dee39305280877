package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// JiraTokenHeader is the header a Jira automation rule's "Send web
// request" action sends the token in, unless the configuration names
// another.
const JiraTokenHeader = "X-Tetsuzuki-Token"

// JiraConfig switches on the Jira adapter: an automation rule's "Send web
// request" action starts a procedure for an issue. Jira automation cannot
// sign a body, so the rule sends a token in a hidden header.
//
//	"jira": {
//	  "token_files": ["secrets/jira-token"],
//	  "procedures": ["check", "expand-capacity"],
//	  "runbooks": ["scalable-storage"],
//	  "fields": {"procedure": "customfield_10050", "runbook": "customfield_10051"}
//	}
type JiraConfig struct {
	// System is the ticket system runs record and the sender's ID; "jira"
	// when empty.
	System string `json:"system,omitempty"`
	// TokenHeader is the header that carries the token; X-Tetsuzuki-Token
	// when empty.
	TokenHeader string `json:"token_header,omitempty"`
	// TokenFiles hold the tokens, at least 32 bytes each, in files only
	// their owner reads: a request with any of them is taken (several
	// during a rotation).
	TokenFiles []string `json:"token_files"`
	// Procedures and Runbooks are what Jira may start, as a secret's
	// (SecretConfig): the server refuses anything else.
	Procedures []string `json:"procedures"`
	Runbooks   []string `json:"runbooks"`
	// Fields are the IDs of the issue fields a body in Issue data (Jira
	// format) gives the procedure, the runbook and the arguments in: a
	// text field, or a select list's value. Only needed for that format.
	Fields *JiraFields `json:"fields,omitempty"`
}

// JiraFields name the issue fields a request's parts come from, as in
// customfield_10050.
type JiraFields struct {
	Procedure string `json:"procedure"`
	Runbook   string `json:"runbook"`
	Cluster   string `json:"cluster,omitempty"`
	Node      string `json:"node,omitempty"`
	Via       string `json:"via,omitempty"`
	Host      string `json:"host,omitempty"`
	Resource  string `json:"resource,omitempty"`
}

// Jira is the loaded adapter.
type Jira struct {
	system string
	header string
	tokens [][sha256.Size]byte
	fields *JiraFields
	sender *Secret
}

func (c *JiraConfig) load(rel func(string) string) (*Jira, error) {
	j := &Jira{system: cmpOr(c.System, "jira"), header: http.CanonicalHeaderKey(cmpOr(c.TokenHeader, JiraTokenHeader))}
	if err := names.TicketSystem(j.system); err != nil {
		return nil, fmt.Errorf("system: %v", err)
	}
	if !headerName(j.header) {
		return nil, fmt.Errorf("token_header: %q is not a header name: letters, digits and '-', at most 64", c.TokenHeader)
	}
	if len(c.TokenFiles) == 0 {
		return nil, errors.New("token_files: at least one is required")
	}
	for i, f := range c.TokenFiles {
		tok, err := ReadSecret(rel(f))
		if err != nil {
			return nil, fmt.Errorf("token_files[%d]: %w", i, err)
		}
		j.tokens = append(j.tokens, sha256.Sum256(tok))
	}
	if err := checkAllowed("jira", c.Procedures, c.Runbooks); err != nil {
		return nil, err
	}
	if f := c.Fields; f != nil {
		if f.Procedure == "" || f.Runbook == "" {
			return nil, errors.New("fields: procedure and runbook are both required")
		}
		for _, id := range []struct{ name, id string }{{"procedure", f.Procedure}, {"runbook", f.Runbook}, {"cluster", f.Cluster}, {"node", f.Node}, {"via", f.Via}, {"host", f.Host}, {"resource", f.Resource}} {
			if id.id != "" && !fieldID(id.id) {
				return nil, fmt.Errorf("fields.%s: %q is not a Jira field ID, as in customfield_10050", id.name, id.id)
			}
		}
		j.fields = f
	}
	j.sender = &Secret{ID: j.system, procedures: c.Procedures, runbooks: c.Runbooks}
	return j, nil
}

// headerName says whether s is a header name the configuration takes.
func headerName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// fieldID says whether s looks like a Jira field ID: letters, digits and
// '_', at most 64.
func fieldID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// jiraCustom is the body of the "Custom data" format: a JSON object the
// rule writes from smart values. Fields it does not name are skipped.
type jiraCustom struct {
	Key       string   `json:"key"`
	URL       string   `json:"url"`
	Reporter  string   `json:"reporter"`
	Procedure string   `json:"procedure"`
	Runbook   string   `json:"runbook"`
	Args      Args     `json:"args"`
	Plan      jiraBool `json:"plan"`
}

// jiraBool is true, false, or the text of either (a smart value rendered
// in quotes); empty text or null is false.
type jiraBool bool

func (b *jiraBool) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case "true", `"true"`:
		*b = true
	case "false", `"false"`, `""`, "null":
		*b = false
	default:
		return &json.UnmarshalTypeError{Value: "value " + string(data), Type: reflect.TypeFor[bool]()}
	}
	return nil
}

// jiraEnvelope tells the three body formats of "Send web request" apart:
// Issue data (Jira format) has the issue under "issue", Issue data
// (Automation format) is the issue itself, with "fields" at the top.
type jiraEnvelope struct {
	Issue  json.RawMessage `json:"issue"`
	Fields json.RawMessage `json:"fields"`
}

// jiraIssue is what the adapter reads of an issue in Jira's format.
type jiraIssue struct {
	Key    string                     `json:"key"`
	Self   string                     `json:"self"`
	Fields map[string]json.RawMessage `json:"fields"`
}

// Request verifies a Jira automation request and maps it onto a
// RunRequest. The body is Custom data (jiraCustom) or Issue data (Jira
// format) read through the configured fields.
func (j *Jira) Request(h http.Header, body []byte, now time.Time) (RunRequest, *Secret, *Error) {
	if err := j.verify(h.Values(j.header)); err != nil {
		return RunRequest{}, nil, err
	}
	var env jiraEnvelope
	if err := decodeTolerant(body, &env); err != nil {
		return RunRequest{}, nil, err
	}
	var r RunRequest
	var err *Error
	switch {
	case isPresent(env.Issue):
		r, err = j.jiraFormat(body)
	case isPresent(env.Fields):
		return RunRequest{}, nil, refuse(http.StatusBadRequest, CodeBadJSON, "fields",
			"Issue data (Automation format) is not taken: send Custom data or Issue data (Jira format)")
	default:
		r, err = j.customData(body)
	}
	if err != nil {
		return RunRequest{}, nil, err
	}
	return r, j.sender, nil
}

func isPresent(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// verify takes a request whose token header holds one of the tokens,
// comparing digests so that the time taken says nothing of a token.
func (j *Jira) verify(values []string) *Error {
	if len(values) == 0 || strings.TrimSpace(values[0]) == "" {
		return refuse(http.StatusUnauthorized, CodeNoSignature, j.header, "every request carries the token in the %s header", j.header)
	}
	if len(values) > 1 {
		return refuse(http.StatusUnauthorized, CodeBadSignature, j.header, "the %s header is given %d times", j.header, len(values))
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(values[0])))
	ok := false
	for _, tok := range j.tokens {
		if hmac.Equal(got[:], tok[:]) {
			ok = true
		}
	}
	if !ok {
		return refuse(http.StatusUnauthorized, CodeBadSignature, j.header, "not a configured token")
	}
	return nil
}

// customData maps a Custom data body.
func (j *Jira) customData(body []byte) (RunRequest, *Error) {
	var c jiraCustom
	if err := decodeTolerant(body, &c); err != nil {
		return RunRequest{}, err
	}
	if c.Key == "" {
		return RunRequest{}, badField("key", "is required: the issue key, {{issue.key}}")
	}
	r := RunRequest{
		Ticket:    Ticket{System: j.system, Key: c.Key, URL: c.URL},
		Procedure: c.Procedure,
		Runbook:   c.Runbook,
		Args:      c.Args,
		Plan:      bool(c.Plan),
	}
	if names.Approver(c.Reporter) == nil {
		r.RequestedBy = c.Reporter
	}
	fields := map[string]string{"ticket.key": "key", "ticket.url": "url"}
	if err := checked(r, fields); err != nil {
		return RunRequest{}, err
	}
	return r, nil
}

// jiraFormat maps a body in Issue data (Jira format).
func (j *Jira) jiraFormat(body []byte) (RunRequest, *Error) {
	if j.fields == nil {
		return RunRequest{}, refuse(http.StatusBadRequest, CodeBadJSON, "issue",
			"Issue data (Jira format) needs the jira.fields of the webhook's configuration, which has none: send Custom data")
	}
	var env struct {
		Issue jiraIssue `json:"issue"`
	}
	if err := decodeTolerant(body, &env); err != nil {
		return RunRequest{}, err
	}
	is := env.Issue
	if is.Key == "" {
		return RunRequest{}, badField("issue.key", "is required")
	}
	r := RunRequest{Ticket: Ticket{System: j.system, Key: is.Key, URL: browseURL(is.Self, is.Key)}}
	from := map[string]string{"ticket.key": "issue.key"}
	for _, f := range []struct {
		part, id string
		to       *string
	}{
		{"procedure", j.fields.Procedure, &r.Procedure},
		{"runbook", j.fields.Runbook, &r.Runbook},
		{"args.cluster", j.fields.Cluster, &r.Args.Cluster},
		{"args.node", j.fields.Node, &r.Args.Node},
		{"args.via", j.fields.Via, &r.Args.Via},
		{"args.host", j.fields.Host, &r.Args.Host},
		{"args.resource", j.fields.Resource, &r.Args.Resource},
	} {
		if f.id == "" {
			continue
		}
		field := "issue.fields." + f.id
		v, err := fieldText(is.Fields[f.id])
		if err != nil {
			return RunRequest{}, badField(field, "%v", err)
		}
		*f.to = v
		from[f.part] = field
	}
	if raw := is.Fields["reporter"]; isPresent(raw) {
		var rep struct {
			DisplayName string `json:"displayName"`
		}
		if err := json.Unmarshal(raw, &rep); err != nil {
			return RunRequest{}, badField("issue.fields.reporter", "not a user: %v", err)
		}
		if names.Approver(rep.DisplayName) == nil {
			r.RequestedBy = rep.DisplayName
		}
	}
	if err := checked(r, from); err != nil {
		return RunRequest{}, err
	}
	return r, nil
}

// fieldText is the text of a field's value: a text field's string, or a
// select list's or radio button's option value. An absent or empty field
// is "".
func fieldText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{':
		var opt struct {
			Value *string `json:"value"`
		}
		if err := json.Unmarshal(raw, &opt); err != nil || opt.Value == nil {
			return "", errors.New("an object without a text value: want a text field or a single select list")
		}
		return *opt.Value, nil
	}
	return "", errors.New("neither text nor an option: want a text field or a single select list")
}

// browseURL is an issue's page, from its REST self link: the site's
// address, /browse/ and the key. It is "" when self is not such a link.
func browseURL(self, key string) string {
	base, _, ok := strings.Cut(self, "/rest/api/")
	if !ok {
		return ""
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	return base + "/browse/" + url.PathEscape(key)
}
