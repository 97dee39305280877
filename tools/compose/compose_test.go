package compose

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

// root is the repository: this module is tools/compose.
var root = func() string {
	abs, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return abs
}()

// dummySecrets stands for deploy/make-certs' directory, outside the tree
// as the README asks. Nothing reads it: loading the file does not open a
// secret.
const dummySecrets = "/nonexistent/tetsuzuki-secrets"

// load reads docker-compose.yml as `docker compose` would, in env.
func load(env map[string]string) (*types.Project, error) {
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "docker-compose.yml")}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("tetsuzuki", true) })
}

// shape is the compose file loaded with secrets at secrets, together
// with the Dockerfiles and configuration templates it builds from.
type shape struct {
	*types.Project
	secrets     string
	dockerfiles map[string]*dockerfile // by absolute path
	server      serverConfig           // deploy/docker/temporal.yaml
	serverRaw   string
}

func loadShape(t *testing.T, secrets string) *shape {
	t.Helper()
	p, err := load(map[string]string{"TETSUZUKI_SECRETS": secrets})
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	s := &shape{Project: p, secrets: secrets, dockerfiles: map[string]*dockerfile{}}
	for _, svc := range p.Services {
		if svc.Build == nil {
			continue
		}
		file := s.dockerfilePath(svc)
		if _, ok := s.dockerfiles[file]; ok {
			continue
		}
		d, err := parseDockerfile(file)
		if err != nil {
			t.Fatalf("service %s: %v", svc.Name, err)
		}
		s.dockerfiles[file] = d
	}
	s.serverRaw = readFile(t, "deploy/docker/temporal.yaml")
	s.server = parseServerConfig(t, s.serverRaw)
	return s
}

func (s *shape) dockerfilePath(svc types.ServiceConfig) string {
	name := svc.Build.Dockerfile
	if name == "" {
		name = "Dockerfile"
	}
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(svc.Build.Context, name)
}

// stage is the Dockerfile stage a service's image is, nil if none.
func (s *shape) stage(svc types.ServiceConfig) *stage {
	if svc.Build == nil {
		return nil
	}
	d := s.dockerfiles[s.dockerfilePath(svc)]
	if svc.Build.Target == "" {
		return d.stages[len(d.stages)-1]
	}
	return d.stage(svc.Build.Target)
}

// entrypoint is what a service's container runs first: its own
// entrypoint, else its image's.
func (s *shape) entrypoint(svc types.ServiceConfig) []string {
	if len(svc.Entrypoint) > 0 {
		return svc.Entrypoint
	}
	if st := s.stage(svc); st != nil {
		return st.entrypoint
	}
	return nil
}

// serverProcesses are the Temporal server processes: the services whose
// container runs temporal-start.
func (s *shape) serverProcesses() []types.ServiceConfig {
	var out []types.ServiceConfig
	for _, name := range s.ServiceNames() {
		svc := s.Services[name]
		if ep := s.entrypoint(svc); len(ep) > 0 && filepath.Base(ep[0]) == "temporal-start" {
			out = append(out, svc)
		}
	}
	return out
}

// services is the --service set of a server process, sorted.
func services(svc types.ServiceConfig) []string {
	var out []string
	for i, a := range svc.Command {
		if a == "--service" && i+1 < len(svc.Command) {
			out = append(out, svc.Command[i+1])
		}
	}
	slices.Sort(out)
	return out
}

// mounts maps each path of a service's secrets to the secret's name.
func mounts(svc types.ServiceConfig) map[string]string {
	m := map[string]string{}
	for _, s := range svc.Secrets {
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

func env(svc types.ServiceConfig, k string) string {
	if v := svc.Environment[k]; v != nil {
		return *v
	}
	return ""
}

func readFile(t *testing.T, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// serverConfig is what the tests read of the Temporal server's
// configuration template.
type serverConfig struct {
	Persistence struct {
		NumHistoryShards int `yaml:"numHistoryShards"`
		Datastores       map[string]struct {
			SQL struct {
				ConnectAddr string `yaml:"connectAddr"`
				Password    string `yaml:"password"`
			} `yaml:"sql"`
		} `yaml:"datastores"`
	} `yaml:"persistence"`
	Global struct {
		TLS struct {
			Internode    groupTLS `yaml:"internode"`
			Frontend     groupTLS `yaml:"frontend"`
			SystemWorker struct {
				CertFile string    `yaml:"certFile"`
				KeyFile  string    `yaml:"keyFile"`
				Client   clientTLS `yaml:"client"`
			} `yaml:"systemWorker"`
		} `yaml:"tls"`
	} `yaml:"global"`
	Services map[string]struct {
		RPC struct {
			GRPCPort int `yaml:"grpcPort"`
		} `yaml:"rpc"`
	} `yaml:"services"`
	DynamicConfigClient struct {
		Filepath string `yaml:"filepath"`
	} `yaml:"dynamicConfigClient"`
}

type groupTLS struct {
	Server struct {
		CertFile          string   `yaml:"certFile"`
		KeyFile           string   `yaml:"keyFile"`
		ClientCAFiles     []string `yaml:"clientCaFiles"`
		RequireClientAuth bool     `yaml:"requireClientAuth"`
	} `yaml:"server"`
	Client clientTLS `yaml:"client"`
}

type clientTLS struct {
	ServerName              string   `yaml:"serverName"`
	RootCAFiles             []string `yaml:"rootCaFiles"`
	DisableHostVerification bool     `yaml:"disableHostVerification"`
}

// templateExpr is a Go template expression ({{ env "X" }}) of the
// configuration templates, which the servers render at start.
var templateExpr = regexp.MustCompile(`\{\{[^}]*\}\}`)

func parseServerConfig(t *testing.T, raw string) serverConfig {
	t.Helper()
	if !strings.Contains(strings.SplitN(raw, "\n", 2)[0], "enable-template") {
		t.Error("deploy/docker/temporal.yaml: no enable-template comment first: the server would not render its expressions")
	}
	var c serverConfig
	if err := yaml.Unmarshal([]byte(templateExpr.ReplaceAllString(raw, `"TEMPLATED"`)), &c); err != nil {
		t.Fatalf("deploy/docker/temporal.yaml: %v", err)
	}
	return c
}

// The file loads as compose loads it, with every variable set, and not
// without TETSUZUKI_SECRETS: a missing one must stop `docker compose`,
// not mount files from the wrong place.
func TestComposeLoads(t *testing.T) {
	if _, err := load(map[string]string{"TETSUZUKI_SECRETS": dummySecrets}); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	_, err := load(map[string]string{})
	if err == nil || !strings.Contains(err.Error(), "deploy/make-certs") {
		t.Errorf("without TETSUZUKI_SECRETS: %v, want an error naming deploy/make-certs", err)
	}
}

// Every image is built here: no service runs an image compose would
// pull, every base is golang on bookworm, debian bookworm or an earlier
// stage, and nothing is downloaded but Go modules and Debian packages.
func TestEveryImageIsBuiltHere(t *testing.T) {
	s := loadShape(t, dummySecrets)
	builtAs := map[string]string{} // image name -> context:dockerfile:target
	for _, name := range s.ServiceNames() {
		svc := s.Services[name]
		if svc.Build == nil {
			t.Errorf("%s: image %q is pulled, not built from this repository", name, svc.Image)
			continue
		}
		if svc.Build.Context != root {
			t.Errorf("%s: built from %s, not from the repository (%s)", name, svc.Build.Context, root)
		}
		if svc.Build.DockerfileInline != "" {
			t.Errorf("%s: an inline Dockerfile: keep it in the tree", name)
		}
		if s.stage(svc) == nil {
			t.Errorf("%s: no stage %q in %s", name, svc.Build.Target, s.dockerfilePath(svc))
		}
		// An image name is local: one built here, and the same build for
		// every service that names it (else the last build wins the name).
		if svc.Image == "" || strings.Contains(strings.Split(svc.Image, ":")[0], "/") {
			t.Errorf("%s: image %q: want a local name (NAME:TAG)", name, svc.Image)
		}
		build := svc.Build.Context + ":" + s.dockerfilePath(svc) + ":" + svc.Build.Target
		if prev, ok := builtAs[svc.Image]; ok && prev != build {
			t.Errorf("%s: image %s is both %s and %s", name, svc.Image, prev, build)
		}
		builtAs[svc.Image] = build
	}

	base := regexp.MustCompile(`^(golang:[0-9.]+-bookworm|debian:bookworm(-slim)?)$`)
	for file, d := range s.dockerfiles {
		var earlier []string
		for _, st := range d.stages {
			if !base.MatchString(st.base) && !slices.Contains(earlier, st.base) {
				t.Errorf("%s: FROM %s: neither golang:*-bookworm, debian:bookworm* nor an earlier stage", file, st.base)
			}
			for _, c := range st.copies {
				if c.from != "" && !slices.Contains(earlier, c.from) {
					t.Errorf("%s: COPY --from=%s: not an earlier stage", c.where, c.from)
				}
			}
			if st.name != "" {
				earlier = append(earlier, st.name)
			}
		}
		for _, w := range d.adds {
			t.Errorf("%s: ADD may fetch what was not built here; COPY from the tree instead", w)
		}
		for _, w := range d.downloads {
			t.Errorf("%s: downloads with curl or wget", w)
		}
	}

	// Each container's first program is in its image.
	for _, name := range s.ServiceNames() {
		svc := s.Services[name]
		st, ep := s.stage(svc), s.entrypoint(svc)
		if st == nil {
			continue
		}
		if len(ep) == 0 {
			t.Errorf("%s: no entrypoint", name)
			continue
		}
		if _, ok := st.bins[filepath.Base(ep[0])]; !ok || (filepath.IsAbs(ep[0]) && filepath.Dir(ep[0]) != "/usr/local/bin") {
			t.Errorf("%s: runs %s, which stage %s does not put in /usr/local/bin (it has %v)", name, ep[0], st.name, keys(st.bins))
		}
	}
}

// The Temporal cluster is make cluster's: PostgreSQL, the schema one-shot,
// three server processes (the frontend with matching and the worker
// service; two history processes) sharing at least 4 shards, the Web UI
// server, and the namespace one-shot; started in make cluster's order.
func TestTheClusterIsMakeClusters(t *testing.T) {
	s := loadShape(t, dummySecrets)
	procs := s.serverProcesses()
	var sets []string
	var frontend string
	var histories []string
	for _, p := range procs {
		set := strings.Join(services(p), ",")
		sets = append(sets, set)
		switch set {
		case "frontend,matching,worker":
			frontend = p.Name
		case "history":
			histories = append(histories, p.Name)
		}
	}
	slices.Sort(sets)
	if want := []string{"frontend,matching,worker", "history", "history"}; !slices.Equal(sets, want) {
		t.Fatalf("server processes start %q, want %q", sets, want)
	}
	if n := s.server.Persistence.NumHistoryShards; n < 4 {
		t.Errorf("deploy/docker/temporal.yaml: %d history shards, want at least 4", n)
	}
	for _, svc := range []string{"frontend", "matching", "history", "worker"} {
		if s.server.Services[svc].RPC.GRPCPort == 0 {
			t.Errorf("deploy/docker/temporal.yaml: no ports for %s: every process must list all four services", svc)
		}
	}

	// The database: the service the configuration names, Debian's.
	for store, ds := range s.server.Persistence.Datastores {
		host, port, _ := strings.Cut(ds.SQL.ConnectAddr, ":")
		pg, ok := s.Services[host]
		if !ok || port != "5432" || pg.Build == nil || pg.Build.Target != "postgresql" {
			t.Errorf("deploy/docker/temporal.yaml: datastore %s at %s, not the postgresql service", store, ds.SQL.ConnectAddr)
		}
		if ds.SQL.Password != "TEMPLATED" {
			t.Errorf("deploy/docker/temporal.yaml: datastore %s: the password is not read from the environment", store)
		}
	}
	if !strings.Contains(readFile(t, "deploy/docker/temporal-start"), "export POSTGRES_PWD") ||
		!strings.Contains(s.serverRaw, `env "POSTGRES_PWD"`) {
		t.Error("temporal-start and temporal.yaml no longer pass the password through POSTGRES_PWD")
	}
	pgStage := s.stage(s.Services["postgresql"])
	if pgStage == nil || !strings.Contains(readFile(t, "Dockerfile"), "apt-get install -y --no-install-recommends postgresql") {
		t.Error("PostgreSQL is not Debian's postgresql package")
	}

	// One-shots and order.
	byEntrypoint := func(prog string) string {
		for _, name := range s.ServiceNames() {
			if ep := s.entrypoint(s.Services[name]); len(ep) > 0 && filepath.Base(ep[0]) == prog {
				return name
			}
		}
		t.Fatalf("no service runs %s", prog)
		return ""
	}
	schema, namespace := byEntrypoint("temporal-schema"), byEntrypoint("temporal-namespace")
	after := func(svc, dep, cond string) {
		t.Helper()
		if got := s.Services[svc].DependsOn[dep].Condition; got != cond {
			t.Errorf("%s waits for %s with %q, want %q", svc, dep, got, cond)
		}
	}
	after(schema, "postgresql", types.ServiceConditionHealthy)
	// On a new database the first process alone writes the cluster's
	// metadata: history starts once the frontend's process listens.
	after(frontend, schema, types.ServiceConditionCompletedSuccessfully)
	for _, h := range histories {
		after(h, frontend, types.ServiceConditionHealthy)
		after(namespace, h, types.ServiceConditionStarted)
	}
	after(namespace, frontend, types.ServiceConditionHealthy)
	if s.Services[frontend].HealthCheck == nil {
		t.Errorf("%s: no healthcheck for the others to wait on", frontend)
	}
	for _, name := range s.ServiceNames() {
		if st := s.stage(s.Services[name]); st != nil && st.name == "tetsuzuki" {
			after(name, namespace, types.ServiceConditionCompletedSuccessfully)
		}
		if s.Services[name].Restart != "" && (name == schema || name == namespace) {
			t.Errorf("%s: a one-shot restarts (%s)", name, s.Services[name].Restart)
		}
	}
	for _, want := range []string{"postgresql/v12/temporal", "postgresql/v12/visibility", "temporal_visibility", "create-database", "setup-schema", "update-schema"} {
		if !strings.Contains(readFile(t, "deploy/docker/temporal-schema"), want) {
			t.Errorf("deploy/docker/temporal-schema: no %s", want)
		}
	}

	// Every process reads make cluster's dynamic config where its
	// configuration says.
	for _, p := range procs {
		found := false
		for _, c := range p.Configs {
			cfg := s.Configs[c.Source]
			found = found || (c.Target == s.server.DynamicConfigClient.Filepath && cfg.File == filepath.Join(root, "deploy/docker/dynamicconfig.yaml"))
		}
		if !found {
			t.Errorf("%s: deploy/docker/dynamicconfig.yaml not mounted at %s", p.Name, s.server.DynamicConfigClient.Filepath)
		}
	}

	// The Web UI server, from tools/go.mod.
	ui := byEntrypoint("temporal-ui-server")
	if st := s.stage(s.Services[ui]); st.bins["temporal-ui-server"] != "temporal-build:/out/temporal-ui-server" {
		t.Errorf("%s: temporal-ui-server is %s", ui, st.bins["temporal-ui-server"])
	}
}

// The Temporal binaries are built as the Makefile builds them: the same
// packages, in tools/, from nothing but tools/go.mod and go.sum.
func TestTemporalIsBuiltAsTheMakefileBuildsIt(t *testing.T) {
	makefile, dockerfile := readFile(t, "Makefile"), readFile(t, "Dockerfile")
	built := regexp.MustCompile(`cd tools && \$\(GO\) build -o \.\./\S+ (\S+)`).FindAllStringSubmatch(makefile, -1)
	if len(built) < 4 {
		t.Fatalf("Makefile: %d Temporal binaries built in tools/, want the CLI, server, SQL tool and UI server", len(built))
	}
	for _, b := range built {
		if !regexp.MustCompile(`(?m)go build -o /out/\S+ ` + regexp.QuoteMeta(b[1]) + `( |$)`).MatchString(dockerfile) {
			t.Errorf("Dockerfile does not build %s", b[1])
		}
	}
	d, err := parseDockerfile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	st := d.stage("temporal-build")
	if st == nil {
		t.Fatal("Dockerfile: no stage temporal-build")
	}
	var srcs []string
	for _, c := range st.copies {
		srcs = append(srcs, c.srcs...)
	}
	if !slices.Equal(srcs, []string{"tools/go.mod", "tools/go.sum"}) {
		t.Errorf("temporal-build copies %v, want tools/go.mod and tools/go.sum alone", srcs)
	}
}

// A name that says its value is secret, or the file of a key: its value
// must be a mounted file, never the secret itself.
var secretName = regexp.MustCompile(`PASSWORD|PWD|SECRET|TOKEN|_KEY|_KEYS|_CERT|_CA$|_CA_`)

var secretPath = regexp.MustCompile(`/run/secrets/[^\s"',\])]+`)

// The production shape closes its doors: the frontend and the server's
// own processes take only clients with a certificate of the deployment's
// CA (mTLS); no port is published without TLS; every client of the
// frontend presents its own certificate; each agent has its own host key;
// and no key or password is in the file, only the names of files
// deploy/make-certs writes.
func TestComposeClosesItsDoors(t *testing.T) {
	s := loadShape(t, dummySecrets)

	// The frontend and internode: mTLS, from mounted files.
	serverFiles := secretPath.FindAllString(s.serverRaw, -1)
	tls := s.server.Global.TLS
	for name, g := range map[string]groupTLS{"frontend": tls.Frontend, "internode": tls.Internode} {
		if !g.Server.RequireClientAuth {
			t.Errorf("temporal.yaml: global.tls.%s.server.requireClientAuth is off", name)
		}
		if g.Server.CertFile == "" || g.Server.KeyFile == "" || len(g.Server.ClientCAFiles) == 0 {
			t.Errorf("temporal.yaml: global.tls.%s.server: want certFile, keyFile and clientCaFiles", name)
		}
		if g.Client.ServerName == "" || len(g.Client.RootCAFiles) == 0 || g.Client.DisableHostVerification {
			t.Errorf("temporal.yaml: global.tls.%s.client: want serverName and rootCaFiles, host verification on", name)
		}
	}
	if sw := tls.SystemWorker; sw.CertFile == "" || sw.KeyFile == "" || sw.Client.ServerName == "" {
		t.Error("temporal.yaml: the system worker dials the frontend without a client certificate")
	}
	if len(serverFiles) == 0 {
		t.Fatal("temporal.yaml names no file of /run/secrets")
	}
	for _, p := range s.serverProcesses() {
		m := mounts(p)
		for _, f := range serverFiles {
			if _, ok := m[f]; !ok {
				t.Errorf("%s: temporal.yaml names %s, which it does not mount", p.Name, f)
			}
		}
	}
	ui := readFile(t, "deploy/docker/ui.yaml")
	if !regexp.MustCompile(`(?m)^\s*enableHostVerification: true$`).MatchString(ui) {
		t.Error("deploy/docker/ui.yaml: the UI would take any certificate from the frontend")
	}

	// Secrets are files of make-certs' directory.
	for name, sec := range s.Secrets {
		if sec.Environment != "" || sec.Content != "" || !strings.HasPrefix(sec.File, dummySecrets+"/") {
			t.Errorf("secret %s: not a file of $TETSUZUKI_SECRETS (deploy/make-certs): %+v", name, sec)
		}
	}
	for name, cfg := range s.Configs {
		if cfg.Content != "" || cfg.Environment != "" {
			t.Errorf("config %s: inline; a config is a file of the tree", name)
		}
	}
	raw := readFile(t, "docker-compose.yml")
	if regexp.MustCompile(`BEGIN [A-Z ]*(KEY|CERTIFICATE)|[0-9a-fA-F]{32}`).MatchString(raw) {
		t.Error("docker-compose.yml holds a key, a certificate or a hex secret")
	}

	var agentKeys, clientKeys []string
	for _, name := range s.ServiceNames() {
		svc := s.Services[name]
		m := mounts(svc)
		for _, src := range m {
			if _, ok := s.Secrets[src]; !ok {
				t.Errorf("%s: mounts secret %s, which is not defined", name, src)
			}
		}
		// Every secret path a service names is one it mounts.
		uses := slices.Concat([]string(svc.Entrypoint), []string(svc.Command))
		for k, v := range svc.Environment {
			if v == nil {
				continue
			}
			uses = append(uses, *v)
			if secretName.MatchString(k) && !strings.HasPrefix(*v, "/run/secrets/") {
				t.Errorf("%s: %s=%q: a secret goes in a file of /run/secrets, never in the compose file", name, k, *v)
			}
		}
		for _, p := range secretPath.FindAllString(strings.Join(uses, " "), -1) {
			if _, ok := m[p]; !ok {
				t.Errorf("%s: names %s but mounts no secret there", name, p)
			}
		}
		mounted := func(k string) bool { _, ok := m[env(svc, k)]; return ok }

		// Clients of the frontend: a certificate, the CA, the name to verify.
		if env(svc, "TEMPORAL_ADDRESS") != "" {
			for _, k := range []string{"TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA"} {
				if !mounted(k) {
					t.Errorf("%s: reaches the frontend without %s from a secret", name, k)
				}
			}
			if env(svc, "TEMPORAL_TLS_SERVER_NAME") != tls.Frontend.Client.ServerName {
				t.Errorf("%s: TEMPORAL_TLS_SERVER_NAME is %q, not the frontend's name %q", name, env(svc, "TEMPORAL_TLS_SERVER_NAME"), tls.Frontend.Client.ServerName)
			}
			clientKeys = append(clientKeys, m[env(svc, "TEMPORAL_TLS_KEY")])
		}

		if st := s.stage(svc); st == nil || st.name != "tetsuzuki" {
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
				src := m[env(svc, k)]
				if file := s.Secrets[src].File; !strings.Contains(file, "/hosts/"+host+".") {
					t.Errorf("%s: %s is %s (%s), not a key of host %s", name, k, src, file, host)
				}
			}
			agentKeys = append(agentKeys, m[env(svc, "TETSUZUKI_HOST_KEY")])
		case slices.Contains(svc.Command, "webhook"):
			for _, k := range []string{"TETSUZUKI_WEBHOOK_CONFIG", "TETSUZUKI_WEBHOOK_CERT", "TETSUZUKI_WEBHOOK_KEY"} {
				if !mounted(k) {
					t.Errorf("%s: the webhook without %s from a secret", name, k)
				}
			}
		default:
			t.Errorf("%s: neither orchestrator, agent nor webhook: %v", name, svc.Command)
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

// What is published is the frontend (mTLS), the Web UI's HTTPS front and
// the webhook's HTTPS, and each is served over TLS by what listens there.
func TestPortsArePublishedOverTLSOnly(t *testing.T) {
	s := loadShape(t, dummySecrets)
	published := map[string]string{}
	for _, name := range s.ServiceNames() {
		svc := s.Services[name]
		m := mounts(svc)
		mountedArg := func(flag string) bool {
			i := slices.Index(svc.Command, flag)
			if i < 0 || i+1 >= len(svc.Command) {
				return false
			}
			_, ok := m[svc.Command[i+1]]
			return ok
		}
		ep := s.entrypoint(svc)
		for _, p := range svc.Ports {
			published[p.Published] = name
			target := strconv.Itoa(int(p.Target))
			var tlsOK bool
			switch {
			case slices.Contains(services(svc), "frontend"):
				tlsOK = s.server.Services["frontend"].RPC.GRPCPort == int(p.Target) &&
					s.server.Global.TLS.Frontend.Server.RequireClientAuth
			case len(ep) > 0 && filepath.Base(ep[0]) == "httpsproxy":
				i := slices.Index(svc.Command, "-listen")
				tlsOK = i >= 0 && strings.HasSuffix(svc.Command[i+1], ":"+target) && mountedArg("-cert") && mountedArg("-key")
			case slices.Contains(svc.Command, "webhook"):
				_, certOK := m[env(svc, "TETSUZUKI_WEBHOOK_CERT")]
				_, keyOK := m[env(svc, "TETSUZUKI_WEBHOOK_KEY")]
				tlsOK = certOK && keyOK && strings.HasSuffix(env(svc, "TETSUZUKI_WEBHOOK_LISTEN"), ":"+target) &&
					strings.HasPrefix(env(svc, "TETSUZUKI_WEBHOOK_URL"), "https://")
			}
			if !tlsOK {
				t.Errorf("%s: publishes %s:%d without TLS", name, p.Published, p.Target)
			}
		}
	}
	want := map[string]string{"7233": "temporal", "8080": "temporal-ui-https", "8088": "webhook"}
	if len(published) != len(want) {
		t.Errorf("published %v, want %v", published, want)
	}
	for port, svc := range want {
		if published[port] != svc {
			t.Errorf("port %s published by %q, want %s", port, published[port], svc)
		}
	}
	// The UI's HTTPS front forwards to the UI server, which the UI's CORS
	// origins name as the browser sees it.
	front := s.Services["temporal-ui-https"]
	i := slices.Index(front.Command, "-upstream")
	if i < 0 || !strings.HasPrefix(front.Command[i+1], "http://temporal-ui:") {
		t.Errorf("temporal-ui-https forwards to %v, not to temporal-ui", front.Command)
	}
	if got := env(s.Services["temporal-ui"], "TEMPORAL_CORS_ORIGINS"); got != "https://localhost:8080" {
		t.Errorf("temporal-ui: CORS origins %q, want https://localhost:8080", got)
	}
}

// The configuration templates read only variables their services set.
func TestTemplatesReadWhatTheServicesSet(t *testing.T) {
	s := loadShape(t, dummySecrets)
	envRef := regexp.MustCompile(`env "([A-Z_]+)"`)
	ui := s.Services["temporal-ui"]
	for _, m := range envRef.FindAllStringSubmatch(readFile(t, "deploy/docker/ui.yaml"), -1) {
		if _, ok := ui.Environment[m[1]]; !ok {
			t.Errorf("deploy/docker/ui.yaml reads %s, which temporal-ui does not set", m[1])
		}
	}
	for _, m := range envRef.FindAllStringSubmatch(s.serverRaw, -1) {
		if m[1] != "POSTGRES_PWD" {
			t.Errorf("deploy/docker/temporal.yaml reads %s: the processes share one configuration, set by temporal-start", m[1])
		}
	}
}

func duplicates(xs []string) []string {
	seen := map[string]int{}
	var dup []string
	for _, x := range xs {
		if seen[x]++; seen[x] == 2 {
			dup = append(dup, x)
		}
	}
	return dup
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
