package webhook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	configSecretA = "a3f1c9e07b5d4e2a8c6f0b1d9e7a5c3f"
	configSecretB = "0b1d9e7a5c3fa3f1c9e07b5d4e2a8c6f-b"
	configSecretC = "9e7a5c3fa3f1c9e07b5d4e2a8c6f0b1d-callback"
)

// configDir is a directory with a secrets/ subdirectory holding the test
// secrets, owner-only, and a secret too short and one readable by all.
func configDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		secret string
		mode   os.FileMode
	}{
		"a": {configSecretA, 0o600}, "b": {"  " + configSecretB + "\n\n", 0o400}, "callback": {configSecretC, 0o600},
		"short": {configSecretA[:31], 0o600}, "open": {configSecretA, 0o644}, "group": {configSecretA, 0o640},
	} {
		path := filepath.Join(dir, "secrets", name)
		if err := os.WriteFile(path, []byte(c.secret), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, c.mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// writeConfig writes config as webhook.json in dir and loads it.
func writeConfig(t *testing.T, dir, config string) (*Loaded, error) {
	t.Helper()
	path := filepath.Join(dir, "webhook.json")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return LoadConfig(path)
}

func TestLoadConfig(t *testing.T) {
	dir := configDir(t)
	l, err := writeConfig(t, dir, `{
  "secrets": [
    {"id": "jira", "file": "secrets/a", "procedures": ["check", "expand-capacity"], "runbooks": ["scalable-storage"]},
    {"id": "jira-next", "file": "`+filepath.Join(dir, "secrets", "b")+`", "procedures": ["*"], "runbooks": ["*"]}
  ],
  "systems": [
    {"name": "jira", "callback": "https://jira.example.com/hooks/tetsuzuki", "secret_file": "secrets/callback"}
  ]
}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Secrets) != 2 || len(l.Systems) != 1 || l.PagerDuty != nil || l.Jira != nil {
		t.Fatalf("loaded %+v", l)
	}
	a, b := l.Secrets[0], l.Secrets[1]
	// Relative to the configuration's directory; white space around the
	// secret is not the secret's.
	if a.ID != "jira" || string(a.key) != configSecretA || b.ID != "jira-next" || string(b.key) != configSecretB {
		t.Fatalf("secrets %s %q, %s %q", a.ID, a.key, b.ID, b.key)
	}
	if sys := l.system("jira"); sys == nil || sys.Callback != "https://jira.example.com/hooks/tetsuzuki" || string(sys.key) != configSecretC {
		t.Fatalf("system %+v", sys)
	}
	if l.system("servicenow") != nil {
		t.Fatal("a system not configured")
	}
	for _, c := range []struct {
		s                  *Secret
		procedure, runbook string
		field              string
	}{
		{a, "check", "scalable-storage", ""},
		{a, "expand-capacity", "scalable-storage", ""},
		{a, "teardown", "scalable-storage", "procedure"},
		{a, "check", "other-storage", "runbook"},
		{a, "teardown", "other-storage", "procedure"},
		{b, "teardown", "other-storage", ""},
	} {
		e := c.s.Allows(c.procedure, c.runbook)
		if c.field == "" && e != nil {
			t.Errorf("%s may not start %s of %s: %v", c.s.ID, c.procedure, c.runbook, e)
		}
		if c.field != "" && (e == nil || e.Status != 403 || e.Code != CodeNotAllowed || e.Field != c.field) {
			t.Errorf("%s starting %s of %s: %v; want 403 %s %s", c.s.ID, c.procedure, c.runbook, e, CodeNotAllowed, c.field)
		}
	}
	// Loaded from another working directory, the paths are the same.
	wd, _ := os.Getwd()
	t.Chdir(t.TempDir())
	if _, err := LoadConfig(filepath.Join(dir, "webhook.json")); err != nil {
		t.Fatalf("from %s: %v", wd, err)
	}
}

func TestLoadConfigRefuses(t *testing.T) {
	dir := configDir(t)
	secret := func(id, file, procs, books string) string {
		return `{"id":"` + id + `","file":"` + file + `","procedures":` + procs + `,"runbooks":` + books + `}`
	}
	good := secret("jira", "secrets/a", `["check"]`, `["scalable-storage"]`)
	system := func(name, callback string) string {
		return `{"name":"` + name + `","callback":"` + callback + `","secret_file":"secrets/callback"}`
	}
	withSystems := func(systems ...string) string {
		return `{"secrets":[` + good + `],"systems":[` + strings.Join(systems, ",") + `]}`
	}
	for _, c := range []struct{ name, config, says string }{
		{"not JSON", `secrets: []`, "invalid character"},
		{"unknown field", `{"secrets":[` + good + `],"secret":[]}`, `secret`},
		{"unknown field in a secret", `{"secrets":[{"id":"jira","file":"secrets/a","procedures":["check"],"runbooks":["*"],"procedure":["*"]}]}`, `procedure`},
		{"field twice", `{"secrets":[{"id":"jira","file":"secrets/a","procedures":["check"],"runbooks":["scalable-storage"],"runbooks":["*"]}]}`, "secrets.runbooks"},
		{"trailing data", `{"secrets":[` + good + `]} {"secrets":[]}`, "more than one JSON value"},
		{"no secrets", `{"secrets":[]}`, "secrets: at least one"},
		{"secrets missing", `{}`, "secrets: at least one"},
		{"bad id", `{"secrets":[` + secret("Jira!", "secrets/a", `["*"]`, `["*"]`) + `]}`, "secrets[0].id"},
		{"no id", `{"secrets":[` + secret("", "secrets/a", `["*"]`, `["*"]`) + `]}`, "secrets[0].id"},
		{"duplicate id", `{"secrets":[` + good + `,` + secret("jira", "secrets/b", `["*"]`, `["*"]`) + `]}`, "secrets[1].id: jira twice"},
		{"no file", `{"secrets":[` + secret("jira", "", `["*"]`, `["*"]`) + `]}`, "secrets[0].file"},
		{"missing file", `{"secrets":[` + secret("jira", "secrets/none", `["*"]`, `["*"]`) + `]}`, "secrets[0].file"},
		{"short secret", `{"secrets":[` + secret("jira", "secrets/short", `["*"]`, `["*"]`) + `]}`, "secrets[0].file"},
		{"0644 secret", `{"secrets":[` + secret("jira", "secrets/open", `["*"]`, `["*"]`) + `]}`, "secrets[0].file"},
		{"0640 secret", `{"secrets":[` + secret("jira", "secrets/group", `["*"]`, `["*"]`) + `]}`, "mode"},
		{"unknown procedure", `{"secrets":[` + secret("jira", "secrets/a", `["check","rm-rf"]`, `["*"]`) + `]}`, "secrets[0].procedures"},
		{"bad runbook", `{"secrets":[` + secret("jira", "secrets/a", `["*"]`, `["Scalable-Storage"]`) + `]}`, "secrets[0].runbooks"},
		{"runbook path", `{"secrets":[` + secret("jira", "secrets/a", `["*"]`, `["../x"]`) + `]}`, "secrets[0].runbooks"},
		{"empty procedures", `{"secrets":[` + secret("jira", "secrets/a", `[]`, `["*"]`) + `]}`, "secrets[0]: procedures and runbooks are both required"},
		{"empty runbooks", `{"secrets":[` + secret("jira", "secrets/a", `["*"]`, `[]`) + `]}`, "secrets[0]: procedures and runbooks are both required"},
		{"no runbooks", `{"secrets":[{"id":"jira","file":"secrets/a","procedures":["*"]}]}`, "secrets[0]: procedures and runbooks are both required"},
		{"second secret bad", `{"secrets":[` + good + `,` + secret("jira-2", "secrets/b", `["*"]`, `[""]`) + `]}`, "secrets[1].runbooks"},
		{"ftp callback", withSystems(system("jira", "ftp://jira.example.com/hooks")), "systems[0].callback"},
		{"callback with credentials", withSystems(system("jira", "https://user:pass@jira.example.com/hooks")), "systems[0].callback"},
		{"relative callback", withSystems(system("jira", "/hooks/tetsuzuki")), "systems[0].callback"},
		{"no callback", withSystems(system("jira", "")), "systems[0].callback"},
		{"bad system name", withSystems(system("JIRA", "https://jira.example.com/hooks")), "systems[0].name"},
		{"duplicate system", withSystems(system("jira", "https://jira.example.com/hooks"), system("jira", "https://jira2.example.com/hooks")), "systems[1].name: jira twice"},
		{"no callback secret", `{"secrets":[` + good + `],"systems":[{"name":"jira","callback":"https://jira.example.com/hooks"}]}`, "systems[0].secret_file"},
		{"open callback secret", `{"secrets":[` + good + `],"systems":[{"name":"jira","callback":"https://jira.example.com/hooks","secret_file":"secrets/open"}]}`, "systems[0].secret_file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, err := writeConfig(t, dir, c.config)
			if err == nil {
				t.Fatalf("loaded %+v; want an error saying %q", l, c.says)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Fatalf("%v; want it to say %q", err, c.says)
			}
			if !strings.Contains(err.Error(), "webhook.json") {
				t.Fatalf("%v: does not name the file", err)
			}
		})
	}
}

func TestReadSecret(t *testing.T) {
	dir := configDir(t)
	if key, err := ReadSecret(filepath.Join(dir, "secrets", "b")); err != nil || string(key) != configSecretB {
		t.Fatalf("%q, %v", key, err)
	}
	for _, name := range []string{"short", "open", "group", "none"} {
		if _, err := ReadSecret(filepath.Join(dir, "secrets", name)); err == nil {
			t.Errorf("%s: read", name)
		}
	}
	if _, err := ReadSecret(""); err == nil {
		t.Error("no path: read")
	}
}
