package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The test secrets, as PagerDuty shows a subscription's signing secret
// and as a second one during a rotation.
const (
	pdSecretA = "uSK0kHX8t9G6wKq5mN2zV7rQ1cY4bJ3dE8fA0pL6hT2sW9xR"
	pdSecretB = "Nq3T7vB1mZ8cX5kL2wJ9hF4dS6aG0pR3tY7uI1oE5nM8bV2c"
)

// pdOccurred is when the recorded events occurred (their occurred_at).
var pdOccurred = time.Date(2020, 10, 2, 18, 45, 22, 169e6, time.UTC)

// writeSecret writes a secret file with mode into dir.
func writeSecret(t *testing.T, dir, name, secret string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(secret+"\n"), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return name
}

// relTo resolves paths as Config.load does, against dir.
func relTo(dir string) func(string) string {
	return func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
}

// pdConfig is a configuration with both secrets and PF9KMXH (the recorded
// incidents' service) mapped to scalable-storage.
func pdConfig(t *testing.T) (PagerDutyConfig, func(string) string) {
	dir := t.TempDir()
	return PagerDutyConfig{
		SecretFiles: []string{writeSecret(t, dir, "pd-a", pdSecretA, 0o600), writeSecret(t, dir, "pd-b", pdSecretB, 0o600)},
		Services:    map[string]string{"PF9KMXH": "scalable-storage", "PZZZZZZ": "other-storage"},
	}, relTo(dir)
}

func loadPagerDuty(t *testing.T, c PagerDutyConfig, rel func(string) string) *PagerDuty {
	t.Helper()
	p, err := c.load(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readTestdata(t *testing.T, path string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// pdSign is the header PagerDuty sends with body, signed with secrets.
func pdSign(body []byte, secrets ...string) http.Header {
	var sigs []string
	for _, s := range secrets {
		m := hmac.New(sha256.New, []byte(s))
		m.Write(body)
		sigs = append(sigs, "v1="+hex.EncodeToString(m.Sum(nil)))
	}
	h := http.Header{}
	h.Set("X-PagerDuty-Signature", strings.Join(sigs, ","))
	return h
}

// wantRefusal fails unless err has status, code and field.
func wantRefusal(t *testing.T, err *Error, status int, code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %d %s (field %q)", status, code, field)
	}
	if err.Status != status || err.Code != code || err.Field != field {
		t.Fatalf("got %d %s (field %q): %s; want %d %s (field %q)", err.Status, err.Code, err.Field, err.Message, status, code, field)
	}
}

func TestPagerDutyTriggeredStartsCheck(t *testing.T) {
	c, rel := pdConfig(t)
	p := loadPagerDuty(t, c, rel)
	body := readTestdata(t, "pagerduty/incident.triggered.json")
	r, sender, err := p.Request(pdSign(body, pdSecretA), body, pdOccurred.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	want := RunRequest{
		Ticket:      Ticket{System: "pagerduty", Key: "PGR0VU2", URL: "https://acme.pagerduty.com/incidents/PGR0VU2"},
		Procedure:   "check",
		Runbook:     "scalable-storage",
		RequestedBy: "Tenex Engineer",
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if sender.ID != "pagerduty" || sender.key != nil || sender.approver != nil {
		t.Errorf("sender %+v: want ID pagerduty, no key, no approver", sender)
	}
	if !reflect.DeepEqual(sender.procedures, []string{"check"}) || !reflect.DeepEqual(sender.runbooks, []string{"other-storage", "scalable-storage"}) {
		t.Errorf("sender allows %v on %v; want check on the mapped runbooks", sender.procedures, sender.runbooks)
	}
	if e := sender.Allows(r.Procedure, r.Runbook); e != nil {
		t.Errorf("the sender does not allow its own request: %v", e)
	}
	if e := sender.Allows("teardown", "scalable-storage"); e == nil {
		t.Error("the sender allows teardown: a PagerDuty incident only starts a check")
	}
}

func TestPagerDutySignature(t *testing.T) {
	c, rel := pdConfig(t)
	p := loadPagerDuty(t, c, rel)
	body := readTestdata(t, "pagerduty/incident.triggered.json")
	now := pdOccurred.Add(time.Minute)
	const wrong = "another subscription's secret, 48 bytes long...."
	good := pdSign(body, pdSecretA).Get("X-PagerDuty-Signature")
	other := pdSign(body, wrong).Get("X-PagerDuty-Signature")

	for _, tc := range []struct {
		name   string
		header []string // values of X-PagerDuty-Signature; nil: none
		body   []byte
		code   string // "" accepted
	}{
		{"signed", []string{good}, body, ""},
		{"second secret of the rotation", pdSign(body, pdSecretB)["X-Pagerduty-Signature"], body, ""},
		{"old and new secret, new second", []string{other + "," + good}, body, ""},
		{"old and new secret, spaced", []string{other + ", " + good}, body, ""},
		{"a later version beside v1", []string{"v2=" + strings.Repeat("ab", 40) + "," + good}, body, ""},
		{"two header lines", []string{other, good}, body, ""},
		{"no header", nil, body, CodeNoSignature},
		{"empty header", []string{""}, body, CodeNoSignature},
		{"another secret", []string{other}, body, CodeBadSignature},
		{"body changed after signing", []string{good}, []byte(strings.Replace(string(body), "PF9KMXH", "PZZZZZZ", 1)), CodeBadSignature},
		{"signature without version", []string{strings.TrimPrefix(good, "v1=")}, body, CodeBadSignature},
		{"only a later version", []string{"v2=" + strings.TrimPrefix(good, "v1=")}, body, CodeBadSignature},
		{"not hex", []string{"v1=" + strings.Repeat("zz", 32)}, body, CodeBadSignature},
		{"short", []string{good[:40]}, body, CodeBadSignature},
		{"uppercase prefix", []string{"V1=" + strings.TrimPrefix(good, "v1=")}, body, CodeBadSignature},
		{"too many", []string{strings.Repeat(other+",", maxSignatures) + good}, body, CodeBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"X-Pagerduty-Signature": tc.header}
			_, sender, err := p.Request(h, tc.body, now)
			if tc.code == "" {
				if err != nil || sender == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantRefusal(t, err, http.StatusUnauthorized, tc.code, "X-PagerDuty-Signature")
		})
	}
}

func TestPagerDutyFreshness(t *testing.T) {
	c, rel := pdConfig(t)
	body := readTestdata(t, "pagerduty/incident.triggered.json")
	h := pdSign(body, pdSecretA)
	for _, tc := range []struct {
		name   string
		maxAge string
		now    time.Time
		fresh  bool
	}{
		{"a minute old", "", pdOccurred.Add(time.Minute), true},
		{"59 minutes old: a redelivery", "", pdOccurred.Add(59 * time.Minute), true},
		{"older than an hour", "", pdOccurred.Add(time.Hour + time.Second), false},
		{"a day old", "", pdOccurred.Add(24 * time.Hour), false},
		{"4 minutes ahead of this clock", "", pdOccurred.Add(-4 * time.Minute), true},
		{"6 minutes ahead of this clock", "", pdOccurred.Add(-6 * time.Minute), false},
		{"11 minutes old, max_age 10m", "10m", pdOccurred.Add(11 * time.Minute), false},
		{"9 minutes old, max_age 10m", "10m", pdOccurred.Add(9 * time.Minute), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := c
			c.MaxAge = tc.maxAge
			p := loadPagerDuty(t, c, rel)
			_, _, err := p.Request(h, body, tc.now)
			if tc.fresh {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantRefusal(t, err, http.StatusUnauthorized, CodeStale, "event.occurred_at")
		})
	}
}

func TestPagerDutyIgnores(t *testing.T) {
	c, rel := pdConfig(t)
	p := loadPagerDuty(t, c, rel)
	triggered := readTestdata(t, "pagerduty/incident.triggered.json")
	reopened := []byte(strings.Replace(string(triggered), `"incident.triggered"`, `"incident.reopened"`, 1))
	for _, tc := range []struct {
		name string
		p    *PagerDuty
		body []byte
		now  time.Time
	}{
		{"incident.acknowledged", p, readTestdata(t, "pagerduty/incident.acknowledged.json"), pdOccurred.Add(3 * time.Minute)},
		{"incident.priority_updated", p, readTestdata(t, "pagerduty/incident.priority_updated.json"), pdOccurred},
		{"service.updated", p, readTestdata(t, "pagerduty/service.updated.json"), time.Date(2021, 3, 2, 13, 36, 0, 0, time.UTC)},
		{"incident.reopened, not configured", p, reopened, pdOccurred},
		{"a service without a runbook", loadPagerDuty(t, PagerDutyConfig{SecretFiles: c.SecretFiles, Services: map[string]string{"PZZZZZZ": "other-storage"}}, rel), triggered, pdOccurred},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, sender, err := tc.p.Request(pdSign(tc.body, pdSecretA), tc.body, tc.now)
			wantRefusal(t, err, http.StatusAccepted, CodeIgnored, "")
			if sender != nil || !reflect.DeepEqual(r, RunRequest{}) {
				t.Errorf("an ignored event returned %+v from %v", r, sender)
			}
			if err.Message == "" {
				t.Error("no reason given")
			}
		})
	}

	// An unauthentic event is refused, not ignored: the signature comes
	// first.
	body := readTestdata(t, "pagerduty/incident.acknowledged.json")
	_, _, err := p.Request(pdSign(body, "an unknown secret of 32 bytes or more....."), body, pdOccurred)
	wantRefusal(t, err, http.StatusUnauthorized, CodeBadSignature, "X-PagerDuty-Signature")

	// Configured, incident.reopened starts a check too.
	c.Events = []string{"incident.triggered", "incident.reopened"}
	r, _, err := loadPagerDuty(t, c, rel).Request(pdSign(reopened, pdSecretA), reopened, pdOccurred)
	if err != nil || r.Ticket.Key != "PGR0VU2" || r.Procedure != "check" {
		t.Fatalf("incident.reopened: %+v, %v", r, err)
	}
}

func TestPagerDutyBody(t *testing.T) {
	c, rel := pdConfig(t)
	p := loadPagerDuty(t, c, rel)
	triggered := string(readTestdata(t, "pagerduty/incident.triggered.json"))
	edit := func(old, new string) []byte {
		if !strings.Contains(triggered, old) {
			t.Fatalf("the recorded event has no %s", old)
		}
		return []byte(strings.Replace(triggered, old, new, 1))
	}
	for _, tc := range []struct {
		name  string
		body  []byte
		code  string
		field string
	}{
		{"an array", []byte(`[{"event": {}}]`), CodeBadJSON, ""},
		{"a string", []byte(`"incident.triggered"`), CodeBadJSON, ""},
		{"null", []byte(`null`), CodeBadJSON, ""},
		{"a number", []byte(`42`), CodeBadJSON, ""},
		{"empty", []byte(``), CodeBadJSON, ""},
		{"not JSON", []byte(`{"event": `), CodeBadJSON, ""},
		{"two objects", []byte(triggered + `{}`), CodeBadJSON, ""},
		{"not UTF-8", edit(`"A little bump`, "\"A little \xff bump"), CodeBadJSON, ""},
		{"a key twice", edit(`"id": "PGR0VU2",`, `"id": "PGR0VU2", "id": "PXXXXXX",`), CodeBadJSON, "event.data.id"},
		{"no event", []byte(`{"messages": []}`), CodeBadField, "event.event_type"},
		{"event a string", []byte(`{"event": "incident.triggered"}`), CodeBadField, "event"},
		{"event_type a number", edit(`"event_type": "incident.triggered"`, `"event_type": 1`), CodeBadField, "event.event_type"},
		{"incident id a number", edit(`"id": "PGR0VU2"`, `"id": 2`), CodeBadField, "event.data.id"},
		{"service a string", edit(`"service": {`, `"service": "PF9KMXH", "x": {`), CodeBadField, "event.data.service"},
		{"agent summary a number", edit(`"summary": "Tenex Engineer"`, `"summary": 7`), CodeBadField, "event.agent.summary"},
		{"occurred_at a number", edit(`"occurred_at": "2020-10-02T18:45:22.169Z"`, `"occurred_at": 1601664322`), CodeBadField, "event.occurred_at"},
		{"occurred_at not a time", edit(`"occurred_at": "2020-10-02T18:45:22.169Z"`, `"occurred_at": "yesterday"`), CodeBadField, "event.occurred_at"},
		{"no occurred_at", edit(`"occurred_at": "2020-10-02T18:45:22.169Z",`, ``), CodeBadField, "event.occurred_at"},
		{"no service", edit(`"service": {`, `"x": {`), CodeBadField, "event.data.service.id"},
		{"not an incident", edit(`"resource_type": "incident"`, `"resource_type": "service"`), CodeBadField, "event.resource_type"},
		{"incident id not a key", edit(`"id": "PGR0VU2"`, `"id": "PGR/../0VU2"`), CodeBadField, "event.data.id"},
		{"no incident id", edit(`"id": "PGR0VU2",`, ``), CodeBadField, "event.data.id"},
		{"html_url not http", edit(`"html_url": "https://acme.pagerduty.com/incidents/PGR0VU2"`, `"html_url": "javascript:alert(1)"`), CodeBadField, "event.data.html_url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := p.Request(pdSign(tc.body, pdSecretA), tc.body, pdOccurred)
			wantRefusal(t, err, http.StatusBadRequest, tc.code, tc.field)
		})
	}

	// Who triggered it is recorded when it is a name runs take, and left
	// out otherwise: it is never a reason to refuse.
	for _, tc := range []struct{ old, new, want string }{
		{`"summary": "Tenex Engineer"`, `"summary": "Renée O'Brien"`, ""},
		{`"summary": "Tenex Engineer"`, `"summary": "-rf"`, ""},
		{`"agent": {`, `"agent": null, "x": {`, ""},
		{`"summary": "Tenex Engineer"`, `"summary": "oncall@example.com"`, "oncall@example.com"},
	} {
		body := edit(tc.old, tc.new)
		r, _, err := p.Request(pdSign(body, pdSecretA), body, pdOccurred)
		if err != nil {
			t.Fatalf("%s: %v", tc.new, err)
		}
		if r.RequestedBy != tc.want {
			t.Errorf("%s: requested_by %q, want %q", tc.new, r.RequestedBy, tc.want)
		}
	}
}

func TestPagerDutyConfigLoad(t *testing.T) {
	dir := t.TempDir()
	rel := relTo(dir)
	good := writeSecret(t, dir, "good", pdSecretA, 0o600)
	open := writeSecret(t, dir, "open", pdSecretB, 0o644)
	short := writeSecret(t, dir, "short", "too short", 0o600)
	services := map[string]string{"PF9KMXH": "scalable-storage"}

	p, err := (&PagerDutyConfig{System: "pd-acme", SecretFiles: []string{good}, Services: services, MaxAge: "20m", Events: []string{"incident.reopened"}}).load(rel)
	if err != nil {
		t.Fatal(err)
	}
	if p.system != "pd-acme" || p.sender.ID != "pd-acme" || p.maxAge != 20*time.Minute || !reflect.DeepEqual(p.events, []string{"incident.reopened"}) || string(p.keys[0]) != pdSecretA {
		t.Errorf("loaded %+v", p)
	}
	p, err = (&PagerDutyConfig{SecretFiles: []string{good}, Services: services}).load(rel)
	if err != nil {
		t.Fatal(err)
	}
	if p.system != "pagerduty" || p.maxAge != time.Hour || !reflect.DeepEqual(p.events, []string{"incident.triggered"}) {
		t.Errorf("defaults: %+v", p)
	}

	for _, tc := range []struct {
		name string
		c    PagerDutyConfig
		want string
	}{
		{"a secret others can read", PagerDutyConfig{SecretFiles: []string{good, open}, Services: services}, "chmod 600"},
		{"a short secret", PagerDutyConfig{SecretFiles: []string{short}, Services: services}, "at least 32"},
		{"a missing secret", PagerDutyConfig{SecretFiles: []string{"nowhere"}, Services: services}, "secret_files[0]"},
		{"no secret", PagerDutyConfig{Services: services}, "secret_files"},
		{"no service", PagerDutyConfig{SecretFiles: []string{good}}, "services"},
		{"a bad runbook", PagerDutyConfig{SecretFiles: []string{good}, Services: map[string]string{"PF9KMXH": "Scalable Storage"}}, "services.PF9KMXH"},
		{"a bad service ID", PagerDutyConfig{SecretFiles: []string{good}, Services: map[string]string{"P F9": "scalable-storage"}}, "service ID"},
		{"an event that is not a start", PagerDutyConfig{SecretFiles: []string{good}, Services: services, Events: []string{"incident.acknowledged"}}, "events"},
		{"max_age not a duration", PagerDutyConfig{SecretFiles: []string{good}, Services: services, MaxAge: "an hour"}, "max_age"},
		{"max_age too long", PagerDutyConfig{SecretFiles: []string{good}, Services: services, MaxAge: "48h"}, "max_age"},
		{"max_age negative", PagerDutyConfig{SecretFiles: []string{good}, Services: services, MaxAge: "-1h"}, "max_age"},
		{"a bad system", PagerDutyConfig{System: "Pager Duty", SecretFiles: []string{good}, Services: services}, "system"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.load(rel)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v; want an error about %s", err, tc.want)
			}
		})
	}
}

// TestPagerDutyConfigFile loads the section as ADAPTERS.md writes it,
// through LoadConfig, so that the JSON names are the documented ones.
func TestPagerDutyConfigFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeSecret(t, dir, "secrets/generic", pdSecretB, 0o600)
	writeSecret(t, dir, "secrets/pagerduty-2026-12", pdSecretA, 0o600)
	writeSecret(t, dir, "secrets/pagerduty-2027-06", pdSecretB, 0o600)
	write := func(section string) string {
		path := filepath.Join(dir, "webhook.json")
		conf := `{"secrets": [{"id": "ops", "file": "secrets/generic", "procedures": ["check"], "runbooks": ["*"]}],
		  "pagerduty": ` + section + `}`
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	l, err := LoadConfig(write(`{
	    "system": "pagerduty",
	    "secret_files": ["secrets/pagerduty-2026-12", "secrets/pagerduty-2027-06"],
	    "services": {"PF9KMXH": "scalable-storage"},
	    "events": ["incident.triggered", "incident.reopened"],
	    "max_age": "1h"
	  }`))
	if err != nil {
		t.Fatal(err)
	}
	body := readTestdata(t, "pagerduty/incident.triggered.json")
	if _, _, e := l.PagerDuty.Request(pdSign(body, pdSecretB), body, pdOccurred); e != nil {
		t.Errorf("the loaded adapter refuses a delivery signed with its second secret: %v", e)
	}
	if _, err := LoadConfig(write(`{"secret_file": "secrets/pagerduty-2026-12", "services": {"PF9KMXH": "scalable-storage"}}`)); err == nil || !strings.Contains(err.Error(), "secret_file") {
		t.Errorf("a misspelt field is taken: %v", err)
	}
}
