package webhook

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The test tokens: the one a rule sends and a new one during a rotation.
const (
	jiraTokenA = "b1f0e6c2d93a47a8e5c7f21d0b6a9e34c8d2f1a7e6b5c403"
	jiraTokenB = "7e4c2a9f1d6b3e8a0c5f2d7b9e1a4c6f8d0b2e5a7c9f1e3d"
)

// jiraConfig takes both tokens, check and expand-capacity on
// scalable-storage, and the recorded Jira-format issue's fields.
func jiraConfig(t *testing.T) (JiraConfig, func(string) string) {
	dir := t.TempDir()
	return JiraConfig{
		TokenFiles: []string{writeSecret(t, dir, "jira-a", jiraTokenA, 0o600), writeSecret(t, dir, "jira-b", jiraTokenB, 0o600)},
		Procedures: []string{"check", "expand-capacity"},
		Runbooks:   []string{"scalable-storage"},
		Fields:     &JiraFields{Procedure: "customfield_10050", Runbook: "customfield_10051", Cluster: "customfield_10052"},
	}, relTo(dir)
}

func loadJira(t *testing.T, c JiraConfig, rel func(string) string) *Jira {
	t.Helper()
	j, err := c.load(rel)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func jiraToken(token string) http.Header {
	h := http.Header{}
	h.Set("X-Tetsuzuki-Token", token)
	return h
}

var jiraNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestJiraCustomData(t *testing.T) {
	c, rel := jiraConfig(t)
	j := loadJira(t, c, rel)
	body := readTestdata(t, "jira/custom-data.json")
	r, sender, err := j.Request(jiraToken(jiraTokenA), body, jiraNow)
	if err != nil {
		t.Fatal(err)
	}
	want := RunRequest{
		Ticket:      Ticket{System: "jira", Key: "OPS-123", URL: "https://example.atlassian.net/browse/OPS-123"},
		Procedure:   "check",
		Runbook:     "scalable-storage",
		RequestedBy: "Mia Krystof",
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if sender.ID != "jira" || sender.key != nil || sender.approver != nil {
		t.Errorf("sender %+v: want ID jira, no key, no approver", sender)
	}
	if !reflect.DeepEqual(sender.procedures, c.Procedures) || !reflect.DeepEqual(sender.runbooks, c.Runbooks) {
		t.Errorf("sender allows %v on %v; want the configuration's", sender.procedures, sender.runbooks)
	}
	if e := sender.Allows(r.Procedure, r.Runbook); e != nil {
		t.Error(e)
	}
}

func TestJiraFormat(t *testing.T) {
	c, rel := jiraConfig(t)
	j := loadJira(t, c, rel)
	body := readTestdata(t, "jira/jira-format.json")
	r, sender, err := j.Request(jiraToken(jiraTokenA), body, jiraNow)
	if err != nil {
		t.Fatal(err)
	}
	want := RunRequest{
		Ticket:      Ticket{System: "jira", Key: "SP-53", URL: "https://sample.jira-dev.com/browse/SP-53"},
		Procedure:   "expand-capacity",
		Runbook:     "scalable-storage",
		Args:        Args{Cluster: "storage2"},
		RequestedBy: "Mia Krystof",
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if e := sender.Allows(r.Procedure, r.Runbook); e != nil {
		t.Error(e)
	}

	// Without a field mapping the format cannot be read.
	c.Fields = nil
	_, _, err = loadJira(t, c, rel).Request(jiraToken(jiraTokenA), body, jiraNow)
	wantRefusal(t, err, http.StatusBadRequest, CodeBadJSON, "issue")
}

func TestJiraAutomationFormatRefused(t *testing.T) {
	c, rel := jiraConfig(t)
	body := readTestdata(t, "jira/automation-format.json")
	_, _, err := loadJira(t, c, rel).Request(jiraToken(jiraTokenA), body, jiraNow)
	wantRefusal(t, err, http.StatusBadRequest, CodeBadJSON, "fields")
}

func TestJiraToken(t *testing.T) {
	c, rel := jiraConfig(t)
	j := loadJira(t, c, rel)
	body := readTestdata(t, "jira/custom-data.json")
	for _, tc := range []struct {
		name   string
		header http.Header
		code   string // "" accepted
	}{
		{"first token", jiraToken(jiraTokenA), ""},
		{"second token of the rotation", jiraToken(jiraTokenB), ""},
		{"header name in another case", http.Header{"X-Tetsuzuki-Token": {jiraTokenA}}, ""},
		{"no header", http.Header{}, CodeNoSignature},
		{"empty header", jiraToken(""), CodeNoSignature},
		{"another token", jiraToken(strings.Repeat("0", 48)), CodeBadSignature},
		{"a token's prefix", jiraToken(jiraTokenA[:32]), CodeBadSignature},
		{"a token and more", jiraToken(jiraTokenA + "0"), CodeBadSignature},
		{"both tokens in one", jiraToken(jiraTokenA + "," + jiraTokenB), CodeBadSignature},
		{"the header twice", http.Header{"X-Tetsuzuki-Token": {jiraTokenA, jiraTokenB}}, CodeBadSignature},
		{"in another header", http.Header{"Authorization": {"Bearer " + jiraTokenA}}, CodeNoSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, sender, err := j.Request(tc.header, body, jiraNow)
			if tc.code == "" {
				if err != nil || sender == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantRefusal(t, err, http.StatusUnauthorized, tc.code, "X-Tetsuzuki-Token")
		})
	}

	// A configured header name is the only one read.
	c.TokenHeader = "x-jira-automation-token"
	j = loadJira(t, c, rel)
	if _, _, err := j.Request(http.Header{"X-Jira-Automation-Token": {jiraTokenB}}, body, jiraNow); err != nil {
		t.Errorf("configured header: %v", err)
	}
	_, _, err := j.Request(jiraToken(jiraTokenA), body, jiraNow)
	wantRefusal(t, err, http.StatusUnauthorized, CodeNoSignature, "X-Jira-Automation-Token")
}

func TestJiraMapping(t *testing.T) {
	c, rel := jiraConfig(t)
	j := loadJira(t, c, rel)
	custom := string(readTestdata(t, "jira/custom-data.json"))
	issue := string(readTestdata(t, "jira/jira-format.json"))
	edit := func(body, old, new string) []byte {
		if !strings.Contains(body, old) {
			t.Fatalf("the recorded body has no %s", old)
		}
		return []byte(strings.Replace(body, old, new, 1))
	}
	for _, tc := range []struct {
		name  string
		body  []byte
		code  string
		field string
	}{
		// Both formats.
		{"an array", []byte(`[` + custom + `]`), CodeBadJSON, ""},
		{"a string", []byte(`"OPS-123"`), CodeBadJSON, ""},
		{"null", []byte(`null`), CodeBadJSON, ""},
		{"empty", []byte(``), CodeBadJSON, ""},
		{"not JSON: an empty smart value unquoted", edit(custom, `"reporter": "Mia Krystof"`, `"reporter": `), CodeBadJSON, ""},
		{"not UTF-8", edit(custom, `"Mia Krystof"`, "\"Mia \xfe Krystof\""), CodeBadJSON, ""},
		{"two objects", []byte(custom + custom), CodeBadJSON, ""},
		{"a key twice", edit(custom, `"key": "OPS-123",`, `"key": "OPS-123", "key": "OPS-9",`), CodeBadJSON, "key"},

		// Custom data.
		{"no key", edit(custom, `"key": "OPS-123",`, ``), CodeBadField, "key"},
		{"empty key", edit(custom, `"key": "OPS-123"`, `"key": ""`), CodeBadField, "key"},
		{"a key that is not a ticket key", edit(custom, `"key": "OPS-123"`, `"key": "OPS 123; rm"`), CodeBadField, "key"},
		{"a key that is an option", edit(custom, `"key": "OPS-123"`, `"key": "-OPS-123"`), CodeBadField, "key"},
		{"key a number", edit(custom, `"key": "OPS-123"`, `"key": 123`), CodeBadField, "key"},
		{"no procedure", edit(custom, `"procedure": "check"`, `"procedure": ""`), CodeBadField, "procedure"},
		{"an unknown procedure", edit(custom, `"procedure": "check"`, `"procedure": "rm -rf"`), CodeBadField, "procedure"},
		{"no runbook", edit(custom, `"runbook": "scalable-storage"`, `"runbook": ""`), CodeBadField, "runbook"},
		{"args a string", edit(custom, `"args": {"cluster": "", "node": "", "via": "", "host": "", "resource": ""}`, `"args": "storage2"`), CodeBadField, "args"},
		{"a bad cluster", edit(custom, `"cluster": ""`, `"cluster": "storage 2"`), CodeBadField, "args.cluster"},
		{"expand-capacity without its cluster", edit(custom, `"procedure": "check"`, `"procedure": "expand-capacity"`), CodeBadField, "args"},
		{"plan for a check", edit(custom, `"plan": ""`, `"plan": true`), CodeBadField, "plan"},
		{"plan neither true nor false", edit(custom, `"plan": ""`, `"plan": "maybe"`), CodeBadField, "plan"},
		{"url not http", edit(custom, `"url": "https://example.atlassian.net/browse/OPS-123"`, `"url": "file:///etc/passwd"`), CodeBadField, "url"},
		{"url a list", edit(custom, `"url": "https://example.atlassian.net/browse/OPS-123"`, `"url": ["x"]`), CodeBadField, "url"},

		// Issue data (Jira format).
		{"issue a string", []byte(`{"issue": "SP-53"}`), CodeBadField, "issue"},
		{"no issue key", edit(issue, `"key": "SP-53",`, ``), CodeBadField, "issue.key"},
		{"an issue key that is not a ticket key", edit(issue, `"key": "SP-53"`, `"key": "SP 53"`), CodeBadField, "issue.key"},
		{"an issue key a number", edit(issue, `"key": "SP-53"`, `"key": 53`), CodeBadField, "issue.key"},
		{"fields a list", edit(issue, `"fields": {
      "statuscategorychangedate"`, `"fields": [], "x": {
      "statuscategorychangedate"`), CodeBadField, "issue.fields"},
		{"procedure field empty", edit(issue, `"value": "expand-capacity",`, `"value": null,`), CodeBadField, "issue.fields.customfield_10050"},
		{"procedure field absent", edit(issue, `"customfield_10050"`, `"customfield_10059"`), CodeBadField, "issue.fields.customfield_10050"},
		{"procedure field a number", edit(issue, `"customfield_10050": {`, `"customfield_10050": 7, "x": {`), CodeBadField, "issue.fields.customfield_10050"},
		{"procedure field a list", edit(issue, `"customfield_10050": {`, `"customfield_10050": ["check"], "x": {`), CodeBadField, "issue.fields.customfield_10050"},
		{"an unknown procedure", edit(issue, `"value": "expand-capacity"`, `"value": "format-disks"`), CodeBadField, "issue.fields.customfield_10050"},
		{"a bad runbook", edit(issue, `"value": "scalable-storage"`, `"value": "Scalable Storage"`), CodeBadField, "issue.fields.customfield_10051"},
		{"a bad cluster", edit(issue, `"customfield_10052": "storage2"`, `"customfield_10052": "storage2;reboot"`), CodeBadField, "issue.fields.customfield_10052"},
		{"no cluster for expand-capacity", edit(issue, `"customfield_10052": "storage2"`, `"customfield_10052": null`), CodeBadField, "args"},
		{"reporter a string", edit(issue, `"reporter": {`, `"reporter": "Mia", "x": {`), CodeBadField, "issue.fields.reporter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, sender, err := j.Request(jiraToken(jiraTokenA), tc.body, jiraNow)
			wantRefusal(t, err, http.StatusBadRequest, tc.code, tc.field)
			if sender != nil || !reflect.DeepEqual(r, RunRequest{}) {
				t.Errorf("a refusal returned %+v from %v", r, sender)
			}
		})
	}
}

// TestJiraNotAllowed: the adapter maps what the issue asks for, and the
// sender's allow list, which the server checks, refuses it.
func TestJiraNotAllowed(t *testing.T) {
	c, rel := jiraConfig(t)
	j := loadJira(t, c, rel)
	custom := string(readTestdata(t, "jira/custom-data.json"))
	for _, tc := range []struct {
		name, old, new string
		procedure      string
		runbook        string
		field          string
	}{
		{"a procedure not allowed", `"procedure": "check"`, `"procedure": "teardown"`, "teardown", "scalable-storage", "procedure"},
		{"a runbook not allowed", `"runbook": "scalable-storage"`, `"runbook": "payroll-storage"`, "check", "payroll-storage", "runbook"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(strings.Replace(custom, tc.old, tc.new, 1))
			r, sender, err := j.Request(jiraToken(jiraTokenA), body, jiraNow)
			if err != nil {
				t.Fatal(err)
			}
			if r.Procedure != tc.procedure || r.Runbook != tc.runbook {
				t.Fatalf("mapped %s on %s; want %s on %s", r.Procedure, r.Runbook, tc.procedure, tc.runbook)
			}
			wantRefusal(t, sender.Allows(r.Procedure, r.Runbook), http.StatusForbidden, CodeNotAllowed, tc.field)
		})
	}

	issue := strings.Replace(string(readTestdata(t, "jira/jira-format.json")), `"value": "expand-capacity"`, `"value": "teardown"`, 1)
	r, sender, err := j.Request(jiraToken(jiraTokenA), []byte(issue), jiraNow)
	if err != nil {
		t.Fatal(err)
	}
	if r.Procedure != "teardown" {
		t.Fatalf("mapped %s; want teardown", r.Procedure)
	}
	wantRefusal(t, sender.Allows(r.Procedure, r.Runbook), http.StatusForbidden, CodeNotAllowed, "procedure")
}

func TestJiraTolerates(t *testing.T) {
	c, rel := jiraConfig(t)
	j := loadJira(t, c, rel)
	custom := string(readTestdata(t, "jira/custom-data.json"))
	for _, tc := range []struct {
		name, old, new string
		want           func(*RunRequest)
	}{
		{"fields it does not read", `"key": "OPS-123",`, `"key": "OPS-123", "summary": "Disk \"full\"", "labels": ["a", 1], "extra": {"deep": [null]},`, func(r *RunRequest) {}},
		{"a reporter runs do not take", `"reporter": "Mia Krystof"`, `"reporter": "Zoë 🚀"`, func(r *RunRequest) { r.RequestedBy = "" }},
		{"no reporter", `"reporter": "Mia Krystof",`, ``, func(r *RunRequest) { r.RequestedBy = "" }},
		{"no url", `"url": "https://example.atlassian.net/browse/OPS-123",`, ``, func(r *RunRequest) { r.Ticket.URL = "" }},
		{"plan as text", `"procedure": "check",
  "runbook": "scalable-storage",
  "args": {"cluster": "", "node": "", "via": "", "host": "", "resource": ""},
  "plan": ""`, `"procedure": "expand-capacity",
  "runbook": "scalable-storage",
  "args": {"cluster": "storage2", "node": "", "via": "", "host": "", "resource": ""},
  "plan": "true"`, func(r *RunRequest) {
			r.Procedure, r.Args.Cluster, r.Plan = "expand-capacity", "storage2", true
		}},
		{"plan false", `"plan": ""`, `"plan": false`, func(r *RunRequest) {}},
		{"plan null", `"plan": ""`, `"plan": null`, func(r *RunRequest) {}},
		{"no args", `"args": {"cluster": "", "node": "", "via": "", "host": "", "resource": ""},`, ``, func(r *RunRequest) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(custom, tc.old) {
				t.Fatalf("the recorded body has no %s", tc.old)
			}
			body := []byte(strings.Replace(custom, tc.old, tc.new, 1))
			r, _, err := j.Request(jiraToken(jiraTokenA), body, jiraNow)
			if err != nil {
				t.Fatal(err)
			}
			want := RunRequest{
				Ticket:      Ticket{System: "jira", Key: "OPS-123", URL: "https://example.atlassian.net/browse/OPS-123"},
				Procedure:   "check",
				Runbook:     "scalable-storage",
				RequestedBy: "Mia Krystof",
			}
			tc.want(&want)
			if !reflect.DeepEqual(r, want) {
				t.Errorf("got %+v\nwant %+v", r, want)
			}
		})
	}

	// A text field for the procedure, and a self link Jira Data Center
	// would send, under a context path.
	issue := string(readTestdata(t, "jira/jira-format.json"))
	for _, e := range [][2]string{
		{`"customfield_10050": {
        "self": "https://sample.jira-dev.com/rest/api/2/customFieldOption/10100",
        "value": "expand-capacity",
        "id": "10100"
      }`, `"customfield_10050": "expand-capacity"`},
		{`"self": "https://sample.jira-dev.com/rest/api/2/issue/11111"`, `"self": "https://jira.example.org/jira/rest/api/2/issue/11111"`},
	} {
		if !strings.Contains(issue, e[0]) {
			t.Fatalf("the recorded issue has no %s", e[0])
		}
		issue = strings.Replace(issue, e[0], e[1], 1)
	}
	r, _, err := j.Request(jiraToken(jiraTokenA), []byte(issue), jiraNow)
	if err != nil {
		t.Fatal(err)
	}
	if r.Procedure != "expand-capacity" || r.Ticket.URL != "https://jira.example.org/jira/browse/SP-53" {
		t.Errorf("got %+v", r)
	}
}

func TestJiraBrowseURL(t *testing.T) {
	for _, tc := range []struct{ self, want string }{
		{"https://sample.jira-dev.com/rest/api/2/issue/11111", "https://sample.jira-dev.com/browse/SP-53"},
		{"https://jira.example.org:8443/jira/rest/api/2/issue/11111", "https://jira.example.org:8443/jira/browse/SP-53"},
		{"", ""},
		{"https://sample.jira-dev.com/issue/11111", ""},
		{"javascript:x/rest/api/2/issue/1", ""},
		{"https://user:pw@sample.jira-dev.com/rest/api/2/issue/11111", ""},
		{"/rest/api/2/issue/11111", ""},
	} {
		if got := browseURL(tc.self, "SP-53"); got != tc.want {
			t.Errorf("browseURL(%q) = %q, want %q", tc.self, got, tc.want)
		}
	}
}

func TestJiraConfigLoad(t *testing.T) {
	dir := t.TempDir()
	rel := relTo(dir)
	good := writeSecret(t, dir, "good", jiraTokenA, 0o600)
	open := writeSecret(t, dir, "open", jiraTokenB, 0o644)
	short := writeSecret(t, dir, "short", "password", 0o600)
	procs, books := []string{"check"}, []string{"scalable-storage"}

	j, err := (&JiraConfig{System: "jira-ops", TokenHeader: "x-ops-token", TokenFiles: []string{good}, Procedures: procs, Runbooks: books}).load(rel)
	if err != nil {
		t.Fatal(err)
	}
	if j.system != "jira-ops" || j.sender.ID != "jira-ops" || j.header != "X-Ops-Token" || len(j.tokens) != 1 || j.fields != nil {
		t.Errorf("loaded %+v", j)
	}

	for _, tc := range []struct {
		name string
		c    JiraConfig
		want string
	}{
		{"a token others can read", JiraConfig{TokenFiles: []string{good, open}, Procedures: procs, Runbooks: books}, "chmod 600"},
		{"a short token", JiraConfig{TokenFiles: []string{short}, Procedures: procs, Runbooks: books}, "at least 32"},
		{"no token", JiraConfig{Procedures: procs, Runbooks: books}, "token_files"},
		{"no procedures", JiraConfig{TokenFiles: []string{good}, Runbooks: books}, "procedures and runbooks"},
		{"no runbooks", JiraConfig{TokenFiles: []string{good}, Procedures: procs}, "procedures and runbooks"},
		{"an unknown procedure", JiraConfig{TokenFiles: []string{good}, Procedures: []string{"reboot"}, Runbooks: books}, "jira.procedures"},
		{"a bad runbook", JiraConfig{TokenFiles: []string{good}, Procedures: procs, Runbooks: []string{"Bad Book"}}, "jira.runbooks"},
		{"a bad header", JiraConfig{TokenHeader: "X Token:", TokenFiles: []string{good}, Procedures: procs, Runbooks: books}, "token_header"},
		{"fields without a runbook", JiraConfig{TokenFiles: []string{good}, Procedures: procs, Runbooks: books, Fields: &JiraFields{Procedure: "customfield_10050"}}, "fields"},
		{"a bad field ID", JiraConfig{TokenFiles: []string{good}, Procedures: procs, Runbooks: books, Fields: &JiraFields{Procedure: "customfield_10050", Runbook: "Runbook name"}}, "fields.runbook"},
		{"a bad system", JiraConfig{System: "JIRA", TokenFiles: []string{good}, Procedures: procs, Runbooks: books}, "system"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.load(rel)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v; want an error about %s", err, tc.want)
			}
		})
	}
}

// TestJiraConfigFile loads the section as ADAPTERS.md writes it, through
// LoadConfig, so that the JSON names are the documented ones.
func TestJiraConfigFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeSecret(t, dir, "secrets/generic", pdSecretB, 0o600)
	writeSecret(t, dir, "secrets/jira-token-2026-12", jiraTokenA, 0o600)
	writeSecret(t, dir, "secrets/jira-token-2027-06", jiraTokenB, 0o600)
	write := func(section string) string {
		path := filepath.Join(dir, "webhook.json")
		conf := `{"secrets": [{"id": "ops", "file": "secrets/generic", "procedures": ["check"], "runbooks": ["*"]}],
		  "jira": ` + section + `}`
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	l, err := LoadConfig(write(`{
	    "system": "jira",
	    "token_header": "X-Tetsuzuki-Token",
	    "token_files": ["secrets/jira-token-2026-12", "secrets/jira-token-2027-06"],
	    "procedures": ["check", "expand-capacity"],
	    "runbooks": ["scalable-storage"],
	    "fields": {"procedure": "customfield_10050", "runbook": "customfield_10051", "cluster": "customfield_10052",
	               "node": "customfield_10053", "via": "customfield_10054", "host": "customfield_10055", "resource": "customfield_10056"}
	  }`))
	if err != nil {
		t.Fatal(err)
	}
	body := readTestdata(t, "jira/jira-format.json")
	if _, _, e := l.Jira.Request(jiraToken(jiraTokenB), body, jiraNow); e != nil {
		t.Errorf("the loaded adapter refuses the second token: %v", e)
	}
	if _, err := LoadConfig(write(`{"token_file": "secrets/jira-token-2026-12", "procedures": ["check"], "runbooks": ["*"]}`)); err == nil || !strings.Contains(err.Error(), "token_file") {
		t.Errorf("a misspelt field is taken: %v", err)
	}
}
