package cman

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// cmanHost makes a one-host lab with cman installed.
func cmanHost(t *testing.T) host.Host {
	t.Helper()
	lab := t.TempDir()
	h := host.Host{Lab: lab, FQDN: a, Root: host.Root(lab, a)}
	for _, d := range []string{"/etc/cluster", "/var/lib/rpm", "/var/lock/subsys"} {
		if err := os.MkdirAll(h.Path(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := host.Mark(lab, a); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.Path("/var/lib/rpm/lab-installed"), []byte("openais-0.80.3-15.el5\ncman-2.0.84-2.el5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return h
}

type result struct {
	stdout, stderr string
	exit           int
}

func run(h host.Host, tool func(*host.Proc) int, name string, args ...string) result {
	var out, errs bytes.Buffer
	p := &host.Proc{Host: h, Name: name, Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Cwd: "/", Now: func() time.Time { return t0 }}
	exit := tool(p)
	return result{out.String(), errs.String(), exit}
}

func TestCcsToolCreate(t *testing.T) {
	h := cmanHost(t)
	if r := run(h, CcsTool, "ccs_tool", "create", "-2", "storage0"); r.exit != 0 || r.stdout+r.stderr != "" {
		t.Fatalf("create: %+v", r)
	}
	data, _ := os.ReadFile(h.Path(ClusterConfPath))
	if !bytes.Equal(data, Skeleton("storage0", true)) {
		t.Errorf("wrote\n%s", data)
	}
	r := run(h, CcsTool, "ccs_tool", "create", "storage1")
	if r.exit != 1 || r.stderr != "ccs_tool: /etc/cluster/cluster.conf already exists\n" {
		t.Errorf("over an existing file: %+v", r)
	}
	if r := run(h, CcsTool, "ccs_tool", "create"); r.exit != 0 || !strings.HasPrefix(r.stderr, "Usage: ccs_tool create [-2] <clustername>\n") {
		t.Errorf("without a name: %+v", r)
	}
	if r := run(h, CcsTool, "ccs_tool", "create", "-c", "/nodir/x.conf", "c"); r.exit != 1 || r.stderr != "ccs_tool: Error writing new config file /nodir/x.conf\n" {
		t.Errorf("into a missing directory: %+v", r)
	}
}

func TestCcsToolUpdateFileErrors(t *testing.T) {
	h := cmanHost(t)
	os.WriteFile(h.Path(ClusterConfPath), []byte(confV1), 0o644)
	if r := run(h, InitScript, "/etc/init.d/cman", "start"); r.exit != 0 {
		t.Fatalf("start: %+v", r)
	}
	for _, tc := range []struct {
		file, content, want string
	}{
		{"/tmp/missing.conf", "", "I/O warning : failed to load external entity \"/tmp/missing.conf\"\nUnable to parse /tmp/missing.conf\n"},
		{"/etc/cluster/nover.conf", `<cluster name="storage0"/>`, "Error while retrieving config_version.\nUnable to get the config_version from /etc/cluster/nover.conf\n"},
		{"/etc/cluster/badver.conf", `<cluster name="storage0" config_version="x2"/>`, "config_version is not a valid integer.\nUnable to get the config_version from /etc/cluster/badver.conf\n"},
	} {
		if tc.content != "" {
			os.WriteFile(h.Path(tc.file), []byte(tc.content), 0o644)
		}
		r := run(h, CcsTool, "/sbin/ccs_tool", "update", tc.file)
		if r.exit != 1 || r.stderr != tc.want+"\nFailed to update config file.\n" {
			t.Errorf("%s: %+v", tc.file, r)
		}
	}
	if r := run(h, CcsTool, "ccs_tool", "update"); r.exit != 1 || r.stderr != "Too few arguments.\nTry 'ccs_tool help' for help.\n" {
		t.Errorf("no file: %+v", r)
	}
	if r := run(h, CcsTool, "ccs_tool", "frob"); r.exit != 1 || r.stderr != "Unknown command, frob.\nTry 'ccs_tool help' for help.\n" {
		t.Errorf("unknown command: %+v", r)
	}
}

func TestCmanToolArguments(t *testing.T) {
	h := cmanHost(t)
	os.WriteFile(h.Path(ClusterConfPath), []byte(confV1), 0o644)
	run(h, InitScript, "/etc/init.d/cman", "start")
	for _, tc := range []struct {
		args         []string
		exit         int
		stdout, errs string
	}{
		{[]string{"version"}, 0, "6.1.0 config 1\n", ""},
		{[]string{"-d", "nodes"}, 0, "Node  Sts   Inc   Joined               Name\n   1   M      4   2008-10-25 04:23:50  storage0a.example.org\n", ""},
		{nil, 1, "", "/sbin/cman_tool: no operation specified\n"},
		{[]string{"frob"}, 1, "", "/sbin/cman_tool: unknown option frob\n"},
		{[]string{"leave"}, 1, "", "/sbin/cman_tool: cman_tool leave is not emulated in the lab\n"},
	} {
		r := run(h, CmanTool, "/sbin/cman_tool", tc.args...)
		if r.exit != tc.exit || r.stdout != tc.stdout || r.stderr != tc.errs {
			t.Errorf("cman_tool %v: %+v", tc.args, r)
		}
	}
}

func TestInitScriptStartWithoutConfig(t *testing.T) {
	h := cmanHost(t)
	r := run(h, InitScript, "/etc/init.d/cman", "start")
	if r.exit != 1 || !strings.HasSuffix(r.stdout, "   Starting cman... failed\ncman not started: Can't connect to CCSD /sbin/cman_tool: aisexec daemon didn't start\n[FAILED]\n") {
		t.Errorf("no cluster.conf: %+v", r)
	}
	os.WriteFile(h.Path(ClusterConfPath), []byte("<cluster"), 0o644)
	r = run(h, InitScript, "/etc/init.d/cman", "start")
	if r.exit != 1 || !strings.HasSuffix(r.stdout, "   Starting ccsd... failed\nUnable to parse /etc/cluster/cluster.conf\n[FAILED]\n") {
		t.Errorf("malformed cluster.conf: %+v", r)
	}
	if r := run(h, InitScript, "/etc/init.d/cman", "frob"); r.exit != 1 || r.stdout != "Usage: /etc/init.d/cman {start|stop|reload|restart|status}\n" {
		t.Errorf("usage: %+v", r)
	}
}

func TestInitScriptRestartAndLockFile(t *testing.T) {
	h := cmanHost(t)
	os.WriteFile(h.Path(ClusterConfPath), []byte(confV1), 0o644)
	if r := run(h, InitScript, "/etc/init.d/cman", "restart"); r.exit != 0 || !strings.Contains(r.stdout, "Stopping cluster: \n") || !strings.HasSuffix(r.stdout, "[  OK  ]\n") {
		t.Fatalf("restart: %+v", r)
	}
	if _, err := os.Stat(h.Path(lockFile)); err != nil {
		t.Errorf("lock file after start: %v", err)
	}
	run(h, InitScript, "/etc/init.d/cman", "stop")
	if _, err := os.Stat(h.Path(lockFile)); !os.IsNotExist(err) {
		t.Errorf("lock file after stop: %v", err)
	}
}

func TestToolsAbsentWithoutCman(t *testing.T) {
	h := cmanHost(t)
	os.WriteFile(h.Path("/var/lib/rpm/lab-installed"), nil, 0o644)
	for _, tool := range []func(*host.Proc) int{CcsTool, CmanTool, InitScript} {
		if r := run(h, tool, "cman_tool", "status"); r.exit != 127 || r.stderr != "cman_tool: command not found\n" {
			t.Errorf("%+v", r)
		}
	}
}

func TestCmanToolExpected(t *testing.T) {
	h := cmanHost(t)
	for _, args := range [][]string{{"expected"}, {"expected", "-e", "0"}, {"expected", "-e", "x"}} {
		if r := run(h, CmanTool, "cman_tool", args...); r.exit == 0 {
			t.Errorf("cman_tool %v succeeded", args)
		}
	}
	if r := run(h, CmanTool, "cman_tool", "expected", "-e", "1"); r.exit != 1 || !strings.Contains(r.stderr, "Cannot open connection to cman") {
		t.Errorf("without cman running: %+v", r)
	}
}
