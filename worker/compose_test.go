package main

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is what the test reads of docker-compose.yml.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Secrets  map[string]struct {
		File        string `yaml:"file"`
		Environment string `yaml:"environment"`
	} `yaml:"secrets"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Secrets     []secretRef       `yaml:"secrets"`
}

// secretRef is a service's secret, short syntax (a name) or long.
type secretRef struct{ Source, Target string }

func (s *secretRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		s.Source = n.Value
		return nil
	}
	var long struct{ Source, Target string }
	if err := n.Decode(&long); err != nil {
		return err
	}
	*s = secretRef(long)
	return nil
}

// mounts maps each /run/secrets path of the service to its secret.
func (c composeService) mounts() map[string]string {
	m := map[string]string{}
	for _, s := range c.Secrets {
		target := s.Target
		if target == "" {
			target = s.Source
		}
		if !strings.HasPrefix(target, "/") {
			target = "/run/secrets/" + target
		}
		m[target] = s.Source
	}
	return m
}

func (c composeService) tetsuzuki() bool { return strings.HasPrefix(c.Image, "tetsuzuki:") }

var secretPath = regexp.MustCompile(`/run/secrets/[^\s"',]+`)

// A name that says its value is secret, or the file of a key: its value
// must be a mounted file, never the secret itself.
var secretName = regexp.MustCompile(`PASSWORD|PWD|SECRET|TOKEN|_KEY|_KEYS|_CERT|_CA$|_CA_`)

// The production shape closes its doors: the frontend takes only clients
// with a certificate (mTLS), the Web UI (and Jaeger) serve HTTPS, no port is
// published without TLS, every client of the frontend presents its own
// certificate, each agent has its own host key, and no key or password is
// in the file, only the names of files deploy/make-certs writes.
func TestComposeClosesItsDoors(t *testing.T) {
	data, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}

	for name, s := range f.Secrets {
		if s.Environment != "" || !strings.HasPrefix(s.File, "${TETSUZUKI_SECRETS:?") {
			t.Errorf("secret %s: not a file of $TETSUZUKI_SECRETS (deploy/make-certs): %+v", name, s)
		}
	}

	var agentKeys, clientKeys []string
	names := slices.Sorted(maps.Keys(f.Services))
	for _, name := range names {
		svc := f.Services[name]
		mounts := svc.mounts()
		for _, src := range mounts {
			if _, ok := f.Secrets[src]; !ok {
				t.Errorf("%s: mounts secret %s, which is not defined", name, src)
			}
		}
		// Every secret path a service names is one it mounts.
		uses := strings.Join(append(append(svc.Entrypoint, svc.Command...), envValues(svc.Environment)...), " ")
		for _, p := range secretPathsOf(uses) {
			if _, ok := mounts[p]; !ok {
				t.Errorf("%s: names %s but mounts no secret there", name, p)
			}
		}
		for k, v := range svc.Environment {
			if secretName.MatchString(k) && !strings.HasPrefix(v, "/run/secrets/") {
				t.Errorf("%s: %s=%q: a secret goes in a file of /run/secrets, never in the compose file", name, k, v)
			}
		}
		mounted := func(k string) bool { _, ok := mounts[svc.Environment[k]]; return ok }
		env := func(k string) string { return svc.Environment[k] }

		// Clients of the frontend: a certificate, the CA, the name to verify.
		if svc.tetsuzuki() || env("TEMPORAL_ADDRESS") != "" {
			for _, k := range []string{"TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA"} {
				if !mounted(k) {
					t.Errorf("%s: reaches the frontend without %s from a secret", name, k)
				}
			}
			if env("TEMPORAL_TLS_SERVER_NAME") == "" {
				t.Errorf("%s: no TEMPORAL_TLS_SERVER_NAME to verify the frontend by", name)
			}
			clientKeys = append(clientKeys, mounts[env("TEMPORAL_TLS_KEY")])
		}
		switch {
		case strings.HasPrefix(svc.Image, "temporalio/auto-setup:"):
			for _, k := range []string{"TEMPORAL_TLS_FRONTEND_CERT", "TEMPORAL_TLS_FRONTEND_KEY", "TEMPORAL_TLS_CLIENT1_CA_CERT"} {
				if !mounted(k) {
					t.Errorf("%s: frontend without %s from a secret", name, k)
				}
			}
			if env("TEMPORAL_TLS_REQUIRE_CLIENT_AUTH") != "true" {
				t.Errorf("%s: the frontend does not require client certificates", name)
			}
		case strings.HasPrefix(svc.Image, "temporalio/ui:"):
			if env("TEMPORAL_TLS_ENABLE_HOST_VERIFICATION") != "true" {
				t.Errorf("%s: the UI would take any certificate from the frontend", name)
			}
		}
		if len(svc.Ports) > 0 && !servesTLS(svc) {
			t.Errorf("%s: publishes %v without TLS", name, svc.Ports)
		}

		if !svc.tetsuzuki() {
			continue
		}
		if !mounted("TETSUZUKI_CODEC_KEY_FILE") {
			t.Errorf("%s: no payload key", name)
		}
		switch {
		case slices.Contains(svc.Command, "orchestrator"):
			for _, k := range []string{"TETSUZUKI_SIGN_KEY", "TETSUZUKI_HOST_KEYS"} {
				if !mounted(k) {
					t.Errorf("%s: the orchestrator without %s from a secret", name, k)
				}
			}
		case slices.Contains(svc.Command, "up"):
			host := svc.Command[slices.Index(svc.Command, "--host")+1]
			for _, k := range []string{"TETSUZUKI_TRUST_KEYS", "TETSUZUKI_HOST_KEY"} {
				if !mounted(k) {
					t.Errorf("%s: an agent without %s from a secret", name, k)
				}
			}
			// Its own keys: the files of its host.
			for _, k := range []string{"TETSUZUKI_HOST_KEY", "TEMPORAL_TLS_KEY"} {
				src := mounts[env(k)]
				if file := f.Secrets[src].File; !strings.Contains(file, "/hosts/"+host+".") {
					t.Errorf("%s: %s is %s (%s), not a key of host %s", name, k, src, file, host)
				}
			}
			agentKeys = append(agentKeys, mounts[env("TETSUZUKI_HOST_KEY")])
		default:
			t.Errorf("%s: neither orchestrator nor agent: %v", name, svc.Command)
		}
	}
	if len(agentKeys) == 0 {
		t.Error("no agent")
	}
	for _, keys := range [][]string{agentKeys, clientKeys} {
		if dup := duplicates(keys); len(dup) > 0 {
			t.Errorf("keys shared between services: %v", dup)
		}
	}
}

// servesTLS says whether what the service publishes it serves over TLS,
// for the images the compose file publishes.
func servesTLS(svc composeService) bool {
	mounts := svc.mounts()
	mounted := func(k string) bool { _, ok := mounts[svc.Environment[k]]; return ok }
	switch {
	case strings.HasPrefix(svc.Image, "temporalio/auto-setup:"):
		return mounted("TEMPORAL_TLS_FRONTEND_CERT") && mounted("TEMPORAL_TLS_FRONTEND_KEY")
	case strings.HasPrefix(svc.Image, "temporalio/ui:"):
		return mounted("TEMPORAL_UI_SERVER_TLS_CERT") && mounted("TEMPORAL_UI_SERVER_TLS_KEY")
	case strings.HasPrefix(svc.Image, "jaegertracing/all-in-one:"):
		return slices.Contains(svc.Command, "--query.http.tls.enabled=true") &&
			slices.ContainsFunc(svc.Command, func(a string) bool { return strings.HasPrefix(a, "--query.http.tls.cert=/run/secrets/") }) &&
			slices.ContainsFunc(svc.Command, func(a string) bool { return strings.HasPrefix(a, "--query.http.tls.key=/run/secrets/") })
	}
	return false
}

func envValues(env map[string]string) []string {
	var vs []string
	for _, v := range env {
		vs = append(vs, v)
	}
	return vs
}

func secretPathsOf(s string) []string {
	var ps []string
	for _, p := range secretPath.FindAllString(s, -1) {
		ps = append(ps, strings.TrimRight(p, ")"))
	}
	return ps
}

func duplicates(xs []string) []string {
	seen := map[string]int{}
	var dup []string
	for _, x := range xs {
		if seen[x]++; seen[x] == 2 {
			dup = append(dup, fmt.Sprint(x))
		}
	}
	return dup
}
