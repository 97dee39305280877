package compose

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dockerignore is the build context's exclusion list: patterns in
// Docker's syntax, of which the tests need the subset the file uses.
type dockerignore []string

func readDockerignore(t *testing.T) dockerignore {
	t.Helper()
	var d dockerignore
	for line := range strings.SplitSeq(readFile(t, ".dockerignore"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			t.Fatalf(".dockerignore: %s: exceptions are not read by this test", line)
		}
		d = append(d, path.Clean(strings.TrimPrefix(line, "/")))
	}
	return d
}

// ignores says whether the file rel (slash-separated, relative to the
// context) is left out of the context: a pattern matches it or one of its
// directories; **/ matches any number of directories.
func (d dockerignore) ignores(rel string) bool {
	parts := strings.Split(rel, "/")
	for i := 1; i <= len(parts); i++ {
		p := strings.Join(parts[:i], "/")
		for _, pat := range d {
			if globMatch(pat, p) {
				return true
			}
		}
	}
	return false
}

func globMatch(pat, p string) bool {
	if rest, ok := strings.CutPrefix(pat, "**/"); ok {
		parts := strings.Split(p, "/")
		for i := range parts {
			if globMatch(rest, strings.Join(parts[i:], "/")) {
				return true
			}
		}
		return false
	}
	ok, _ := path.Match(pat, p)
	return ok
}

func TestDockerignoreMatcher(t *testing.T) {
	d := dockerignore{".bin", "**/*.key", "**/node_modules"}
	for p, want := range map[string]bool{
		".bin": true, ".bin/temporal": true, "a/b/c.key": true, "c.key": true,
		"e2e/webui/node_modules/x/y.js": true, "deploy/docker/temporal.yaml": false, "bin/x": false,
	} {
		if got := d.ignores(p); got != want {
			t.Errorf("ignores(%s) = %v, want %v", p, got, want)
		}
	}
}

// Every file the compose file and the Dockerfile take from the tree is
// there and in the build context; every script put in an image can run;
// every secret comes from outside the tree; and the build context leaves
// out the binaries, the local clusters' state and anything like a key.
func TestEveryFileItNamesIsInTheTree(t *testing.T) {
	s := loadShape(t, dummySecrets)
	ignore := readDockerignore(t)
	inTree := func(p string) bool {
		rel, err := filepath.Rel(root, p)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
	}

	for file, d := range s.dockerfiles {
		context := filepath.Dir(file)
		for _, st := range d.stages {
			for _, c := range st.copies {
				if c.from != "" {
					continue
				}
				for _, src := range c.srcs {
					full := filepath.Join(context, src)
					fi, err := os.Stat(full)
					if err != nil {
						t.Errorf("%s: COPY %s: %v", c.where, src, err)
						continue
					}
					if rel := filepath.ToSlash(filepath.Clean(src)); rel != "." && ignore.ignores(rel) {
						t.Errorf("%s: COPY %s: .dockerignore leaves it out of the context", c.where, src)
					}
					if c.dest == "/usr/local/bin/" && fi.Mode()&0o111 == 0 {
						t.Errorf("%s: COPY %s into /usr/local/bin: not executable (chmod +x, and commit the mode)", c.where, src)
					}
				}
			}
		}
	}
	for _, name := range s.ServiceNames() {
		svc := s.Services[name]
		if svc.Build != nil {
			if _, err := os.Stat(s.dockerfilePath(svc)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		for _, v := range svc.Volumes {
			if v.Type != "bind" {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil || !inTree(v.Source) {
				t.Errorf("%s: bind mount %s: not a path of the tree (%v)", name, v.Source, err)
			}
		}
	}
	for name, cfg := range s.Configs {
		if _, err := os.Stat(cfg.File); err != nil || !inTree(cfg.File) {
			t.Errorf("config %s: %s: not a file of the tree (%v)", name, cfg.File, err)
		}
	}
	for name, sec := range s.Secrets {
		if inTree(sec.File) {
			t.Errorf("secret %s: %s is in the tree", name, sec.File)
		}
	}

	for _, p := range []string{".git/HEAD", ".bin/temporal-server", ".cluster/pg/PG_VERSION", ".demo/codec.key",
		"e2e/webui/node_modules/playwright-core/index.js", "secrets/ca.key", "secrets/server/tls.key", "secrets/ca.pem", "secrets/postgres-password"} {
		if !ignore.ignores(p) {
			t.Errorf(".dockerignore lets %s into the build context", p)
		}
	}
}

// deploy/make-certs writes every file the compose file mounts, each
// readable by the process that reads it: by any uid where the image does
// not run as root, by its owner alone where the reader insists (the
// webhook's secret). Its certificates carry the names the services check
// and the uses they are put to.
func TestMakeCertsWritesEverySecret(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("deploy/make-certs needs openssl (Debian: apt-get install openssl)")
	}
	dir := t.TempDir()
	starter := filepath.Join(dir, "starter")
	// go test puts its own toolchain first on the PATH of the tests.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command(goBin, "build", "-o", starter, "./starter")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./starter: %v\n%s", err, out)
	}
	secrets := filepath.Join(dir, "secrets")
	mk := exec.Command(filepath.Join(root, "deploy/make-certs"), secrets)
	mk.Env = append(os.Environ(), "STARTER="+starter)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("deploy/make-certs: %v\n%s", err, out)
	}

	s := loadShape(t, secrets)
	for name, sec := range s.Secrets {
		if _, err := os.Stat(sec.File); err != nil {
			t.Errorf("secret %s: make-certs does not write it: %v", name, err)
		}
	}
	for _, name := range s.ServiceNames() {
		svc := s.Services[name]
		st := s.stage(svc)
		if st == nil || st.user == "" || st.user == "root" {
			continue
		}
		for _, ref := range svc.Secrets {
			fi, err := os.Stat(s.Secrets[ref.Source].File)
			if err == nil && fi.Mode().Perm()&0o004 == 0 {
				t.Errorf("%s runs as %s, and its secret %s is %v: unreadable there", name, st.user, ref.Source, fi.Mode().Perm())
			}
		}
	}

	// The webhook: its configuration's files are mounted beside it, and
	// its request secret is its owner's alone (webhook.ReadSecret).
	hook := s.Services["webhook"]
	m := mounts(hook)
	var cfg struct {
		Secrets []struct{ File string }
	}
	data, err := os.ReadFile(filepath.Join(secrets, "webhook/webhook.json"))
	if err == nil {
		err = json.Unmarshal(data, &cfg)
	}
	if err != nil || len(cfg.Secrets) == 0 {
		t.Fatalf("webhook/webhook.json: %v (%d secrets)", err, len(cfg.Secrets))
	}
	dirOfConfig := filepath.Dir(env(hook, "TETSUZUKI_WEBHOOK_CONFIG"))
	for _, sec := range cfg.Secrets {
		src, ok := m[filepath.Join(dirOfConfig, sec.File)]
		if !ok {
			t.Errorf("webhook.json names %s, which the webhook does not mount beside it", sec.File)
			continue
		}
		if fi, err := os.Stat(s.Secrets[src].File); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: want mode 0600, the webhook refuses others (%v)", s.Secrets[src].File, err)
		}
	}

	// Certificates: names and uses.
	serverName := s.server.Global.TLS.Frontend.Client.ServerName
	webhookURL, _ := url.Parse(env(hook, "TETSUZUKI_WEBHOOK_URL"))
	for _, c := range []struct {
		file  string
		names []string
		uses  []x509.ExtKeyUsage
	}{
		// Served to clients and to the server's own processes, and
		// presented by them as clients (internode, system worker).
		{"server/tls.pem", []string{serverName, "localhost"}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}},
		{"ui/tls.pem", nil, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{"webhook/tls.pem", []string{webhookURL.Hostname()}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}},
		{"orchestrator/tls.pem", nil, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
	} {
		data, err := os.ReadFile(filepath.Join(secrets, c.file))
		if err != nil {
			t.Error(err)
			continue
		}
		block, _ := pem.Decode(data)
		if block == nil {
			t.Errorf("%s: no PEM", c.file)
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		for _, n := range c.names {
			if !slices.Contains(cert.DNSNames, n) {
				t.Errorf("%s: names %v, not %s", c.file, cert.DNSNames, n)
			}
		}
		for _, u := range c.uses {
			if !slices.Contains(cert.ExtKeyUsage, u) {
				t.Errorf("%s: usages %v, without %v", c.file, cert.ExtKeyUsage, u)
			}
		}
	}
}
