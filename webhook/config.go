package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/procedures"
	"github.com/tetsuzuki/tetsuzuki/sign"
)

// Config is the webhook's configuration file, JSON, read strictly (an
// unknown field is an error, so a misspelt allow list is not silently
// empty). Paths in it are relative to the file's directory.
//
//	{
//	  "secrets": [
//	    {"id": "jira-2026-12", "file": "secrets/jira-2026-12",
//	     "procedures": ["check", "expand-capacity"], "runbooks": ["scalable-storage"],
//	     "approver_key": "keys/jira.key"}
//	  ],
//	  "systems": [
//	    {"name": "jira", "callback": "https://jira.example.com/hooks/tetsuzuki",
//	     "secret_file": "secrets/jira-callback"}
//	  ]
//	}
type Config struct {
	// Secrets are the active request secrets: several during a rotation.
	Secrets []SecretConfig `json:"secrets"`
	// Systems are the ticketing systems change records go back to.
	Systems []SystemConfig `json:"systems,omitempty"`
	// PagerDuty and Jira switch their adapters on.
	PagerDuty *PagerDutyConfig `json:"pagerduty,omitempty"`
	Jira      *JiraConfig      `json:"jira,omitempty"`
}

// SecretConfig is one request secret and what requests signed with it may
// start.
type SecretConfig struct {
	// ID names the sender: runs record it as who started them, and
	// approvals as who decided (unless ApproverKey signs them).
	ID string `json:"id"`
	// File holds the secret: at least 32 bytes, readable by its owner only.
	File string `json:"file"`
	// Procedures and Runbooks are what the secret may start: names from
	// `starter procedures` and the orchestrator's catalog; "*" is any.
	Procedures []string `json:"procedures"`
	Runbooks   []string `json:"runbooks"`
	// ApproverKey is an approver key file (starter signkey) whose public
	// half a runbook lists under approvals.approvers: approvals sent with
	// this secret are signed with it, and the run records the runbook's
	// name for the key. Without it they go unsigned, by the secret's ID,
	// which only a runbook with approvals.unsigned takes.
	ApproverKey string `json:"approver_key,omitempty"`
}

// SystemConfig is a ticketing system the webhook reports back to.
type SystemConfig struct {
	Name string `json:"name"`
	// Callback is the URL each ended run's change record is POSTed to.
	Callback string `json:"callback"`
	// SecretFile signs the change records (SignatureHeader).
	SecretFile string `json:"secret_file"`
}

// Secret is a loaded request secret.
type Secret struct {
	ID         string
	key        []byte
	procedures []string
	runbooks   []string
	approver   *sign.Signer
}

// Allows says whether the secret may start procedure on runbook.
func (s *Secret) Allows(procedure, runbook string) *Error {
	if !slices.Contains(s.procedures, "*") && !slices.Contains(s.procedures, procedure) {
		return refuse(403, CodeNotAllowed, "procedure", "secret %s may not start %s (it may start %s)", s.ID, procedure, strings.Join(s.procedures, ", "))
	}
	if !slices.Contains(s.runbooks, "*") && !slices.Contains(s.runbooks, runbook) {
		return refuse(403, CodeNotAllowed, "runbook", "secret %s may not start runs of %s (it may use %s)", s.ID, runbook, strings.Join(s.runbooks, ", "))
	}
	return nil
}

// System is a loaded ticketing system.
type System struct {
	Name     string
	Callback string
	key      []byte
}

// Loaded is the configuration with its secrets read.
type Loaded struct {
	Secrets   []*Secret
	Systems   []*System
	PagerDuty *PagerDuty
	Jira      *Jira
}

// system is the ticketing system of a name, nil when none reports back.
func (l *Loaded) system(name string) *System {
	for _, s := range l.Systems {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// minSecret is the shortest secret taken: 256 bits.
const minSecret = 32

// LoadConfig reads a configuration file and every secret it names.
func LoadConfig(path string) (*Loaded, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Strictly: a key twice (the last would win, so an allow list read
	// by a person could differ from the one used), a key in another case,
	// an unknown key at any depth, and anything after the object are
	// each an error.
	var c Config
	if e := decodeStrict(data, &c); e != nil {
		return nil, fmt.Errorf("%s: %w", path, e)
	}
	l, err := c.load(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

func (c Config) load(dir string) (*Loaded, error) {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	if len(c.Secrets) == 0 {
		return nil, errors.New("secrets: at least one is required")
	}
	l := &Loaded{}
	for i, sc := range c.Secrets {
		field := fmt.Sprintf("secrets[%d]", i)
		if err := names.TicketSystem(sc.ID); err != nil {
			return nil, fmt.Errorf("%s.id: %v", field, err)
		}
		if slices.ContainsFunc(l.Secrets, func(s *Secret) bool { return s.ID == sc.ID }) {
			return nil, fmt.Errorf("%s.id: %s twice", field, sc.ID)
		}
		key, err := ReadSecret(rel(sc.File))
		if err != nil {
			return nil, fmt.Errorf("%s.file: %w", field, err)
		}
		s := &Secret{ID: sc.ID, key: key, procedures: sc.Procedures, runbooks: sc.Runbooks}
		if err := checkAllowed(field, sc.Procedures, sc.Runbooks); err != nil {
			return nil, err
		}
		if sc.ApproverKey != "" {
			if s.approver, err = sign.LoadSigner(rel(sc.ApproverKey)); err != nil {
				return nil, fmt.Errorf("%s.approver_key: %w", field, err)
			}
		}
		l.Secrets = append(l.Secrets, s)
	}
	for i, sc := range c.Systems {
		field := fmt.Sprintf("systems[%d]", i)
		if err := names.TicketSystem(sc.Name); err != nil {
			return nil, fmt.Errorf("%s.name: %v", field, err)
		}
		if l.system(sc.Name) != nil {
			return nil, fmt.Errorf("%s.name: %s twice", field, sc.Name)
		}
		if err := checkURL(sc.Callback); err != nil {
			return nil, fmt.Errorf("%s.callback: %v", field, err)
		}
		key, err := ReadSecret(rel(sc.SecretFile))
		if err != nil {
			return nil, fmt.Errorf("%s.secret_file: %w", field, err)
		}
		l.Systems = append(l.Systems, &System{Name: sc.Name, Callback: sc.Callback, key: key})
	}
	var err error
	if c.PagerDuty != nil {
		if l.PagerDuty, err = c.PagerDuty.load(rel); err != nil {
			return nil, fmt.Errorf("pagerduty: %w", err)
		}
	}
	if c.Jira != nil {
		if l.Jira, err = c.Jira.load(rel); err != nil {
			return nil, fmt.Errorf("jira: %w", err)
		}
	}
	return l, nil
}

// checkAllowed checks an allow list's names.
func checkAllowed(field string, procs, books []string) error {
	if len(procs) == 0 || len(books) == 0 {
		return fmt.Errorf("%s: procedures and runbooks are both required (\"*\" allows any)", field)
	}
	for _, p := range procs {
		if _, err := procedures.Find(p); err != nil && p != "*" {
			return fmt.Errorf("%s.procedures: %v", field, err)
		}
	}
	for _, b := range books {
		if err := names.Runbook(b); err != nil && b != "*" {
			return fmt.Errorf("%s.runbooks: %v", field, err)
		}
	}
	return nil
}

// checkURL takes an absolute http or https URL.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(s) > 2048 {
		return fmt.Errorf("%q is not an absolute http(s) URL without credentials", s)
	}
	return nil
}

// ReadSecret reads a secret file: its bytes less surrounding white space,
// at least 32 of them, in a file no one but its owner can read.
func ReadSecret(path string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("a file is required")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: mode %v: a secret must be readable by its owner only (chmod 600)", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key := bytes.TrimSpace(data)
	if len(key) < minSecret {
		return nil, fmt.Errorf("%s: %d bytes; a secret has at least %d (openssl rand -hex 32)", path, len(key), minSecret)
	}
	return key, nil
}
