package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }

// lab runs the lab command and returns its streams and exit status.
func lab(t *testing.T, args ...string) (stdout, stderr string, exit int) {
	t.Helper()
	cmd := exec.Command(labtest.Binary(t), args...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		exit = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errs.String(), exit
}

func newTestLab(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, errs, exit := lab(t, "init", "--runbook", "../runbooks/lab-three-node.yaml", "--dir", dir)
	if exit != 0 || !strings.Contains(out, "3 hosts") {
		t.Fatalf("lab init: exit %d\n%s%s", exit, out, errs)
	}
	return dir
}

func TestInit(t *testing.T) {
	dir := newTestLab(t)
	root := filepath.Join(dir, "hosts", "node2.example.org")
	marker, err := os.ReadFile(filepath.Join(root, ".lab"))
	if err != nil || !strings.Contains(string(marker), `"host":"node2.example.org"`) {
		t.Errorf(".lab: %s, %v", marker, err)
	}
	hosts, _ := os.ReadFile(filepath.Join(root, "etc", "hosts"))
	if !strings.Contains(string(hosts), "192.168.20.11\tnode1.example.org node1\n") {
		t.Errorf("/etc/hosts:\n%s", hosts)
	}
	// Init again keeps what the hosts have.
	if _, _, exit := lab(t, "exec", "--dir", dir, "--host", "node2", "--", "yum", "-y", "install", "gnbd"); exit != 0 {
		t.Fatal("yum install failed")
	}
	if _, errs, exit := lab(t, "init", "--runbook", "../runbooks/lab-three-node.yaml", "--dir", dir); exit != 0 {
		t.Fatalf("second init: %s", errs)
	}
	if out, _, exit := lab(t, "exec", "--dir", dir, "--host", "node2", "--", "rpm", "-q", "gnbd"); exit != 0 || out != "gnbd-1.1.5-1.el5\n" {
		t.Errorf("after re-init: %q, exit %d", out, exit)
	}
	if _, errs, exit := lab(t, "init", "--runbook", "nosuch.yaml", "--dir", dir); exit != 1 || !strings.Contains(errs, "nosuch.yaml") {
		t.Errorf("missing runbook: exit %d, %q", exit, errs)
	}
}

// TestInitTools: --tools (or $TETSUZUKI_LAB_TOOLS) links the hosts' tools
// to labtools, whose tools answer as the lab binary's do, also those yum
// installs later; an init without it links them back to the lab binary.
func TestInitTools(t *testing.T) {
	labtools := filepath.Join(t.TempDir(), "labtools")
	if out, err := exec.Command("go", "build", "-o", labtools, "github.com/tetsuzuki/tetsuzuki/lab/labtools").CombinedOutput(); err != nil {
		t.Fatalf("go build labtools: %v\n%s", err, out)
	}
	dir := t.TempDir()
	if _, errs, exit := lab(t, "init", "--runbook", "../runbooks/lab-three-node.yaml", "--dir", dir, "--tools", labtools); exit != 0 {
		t.Fatalf("lab init --tools: %s", errs)
	}
	linkedTo := func(host, path string) string {
		t.Helper()
		target, err := filepath.EvalSymlinks(filepath.Join(dir, "hosts", host, path))
		if err != nil {
			t.Fatal(err)
		}
		return target
	}
	if got := linkedTo("node1.example.org", "bin/rpm"); got != labtools {
		t.Errorf("/bin/rpm is a link to %s, want %s", got, labtools)
	}
	if out, _, exit := lab(t, "exec", "--dir", dir, "--host", "node1", "--", "yum", "-y", "install", "cman"); exit != 0 || !strings.HasSuffix(out, "Complete!\n") {
		t.Fatalf("yum: exit %d\n%s", exit, out)
	}
	if got := linkedTo("node1.example.org", "sbin/cman_tool"); got != labtools {
		t.Errorf("yum linked /sbin/cman_tool to %s, want %s", got, labtools)
	}
	if _, errs, exit := lab(t, "exec", "--dir", dir, "--host", "node1", "--", "cman_tool", "nodes"); exit != 1 || errs != "/sbin/cman_tool: Cannot open connection to cman, is it running ?\n" {
		t.Errorf("cman_tool: exit %d, %q", exit, errs)
	}
	if out, err := exec.Command(labtools, "init").CombinedOutput(); err == nil || !strings.Contains(string(out), "not an emulated tool") {
		t.Errorf("labtools init: %v, %q", err, out)
	}

	if _, errs, exit := lab(t, "init", "--runbook", "../runbooks/lab-three-node.yaml", "--dir", dir); exit != 0 {
		t.Fatalf("lab init: %s", errs)
	}
	if got, want := linkedTo("node1.example.org", "sbin/cman_tool"), labtest.Binary(t); got != want {
		t.Errorf("after lab init without --tools, /sbin/cman_tool is a link to %s, want %s", got, want)
	}
	cmd := exec.Command(labtest.Binary(t), "init", "--runbook", "../runbooks/lab-three-node.yaml", "--dir", dir)
	cmd.Env = append(os.Environ(), "TETSUZUKI_LAB_TOOLS="+labtools)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lab init with $TETSUZUKI_LAB_TOOLS: %v\n%s", err, out)
	}
	if got := linkedTo("node3.example.org", "bin/mount"); got != labtools {
		t.Errorf("with $TETSUZUKI_LAB_TOOLS, /bin/mount is a link to %s, want %s", got, labtools)
	}
}

func TestExec(t *testing.T) {
	dir := newTestLab(t)
	out, _, exit := lab(t, "exec", "--dir", dir, "--host", "node1.example.org", "--", "yum", "-y", "install", "cman")
	if exit != 0 || !strings.HasSuffix(out, "Complete!\n") {
		t.Fatalf("yum: exit %d\n%s", exit, out)
	}
	if out, _, exit := lab(t, "exec", "--dir", dir, "--host", "node1", "--", "/etc/init.d/cman", "status"); exit != 1 || out != "ccsd is stopped\n" {
		t.Errorf("init status: exit %d, %q", exit, out)
	}
	if _, errs, exit := lab(t, "exec", "--dir", dir, "--host", "node1", "--", "cman_tool", "nodes"); exit != 1 || errs != "/sbin/cman_tool: Cannot open connection to cman, is it running ?\n" {
		t.Errorf("cman_tool: exit %d, %q", exit, errs)
	}
	for _, tc := range []struct {
		args []string
		exit int
		msg  string
	}{
		{[]string{"--host", "node9", "--", "rpm", "-q", "cman"}, 2, "not in the lab"},
		{[]string{"--host", "node2", "--", "ccs_tool", "create", "x"}, 127, "command not found"},
		{[]string{"--host", "node1", "--", "/../../../bin/sh"}, 2, "refused"},
		{[]string{"--host", "node1", "--", "sbin/../../x"}, 2, "refused"},
		{[]string{"--host", "node1"}, 2, "need"},
	} {
		_, errs, exit := lab(t, append([]string{"exec", "--dir", dir}, tc.args...)...)
		if exit != tc.exit || !strings.Contains(errs, tc.msg) {
			t.Errorf("lab exec %v: exit %d, %q", tc.args, exit, errs)
		}
	}
}

func TestFault(t *testing.T) {
	dir := newTestLab(t)
	run := func(args ...string) (string, string, int) {
		return lab(t, append([]string{"fault", "--dir", dir}, args...)...)
	}
	if _, errs, exit := run("--host", "node1", "--command", "rpm -q", "--fail", "1", "--exit", "9", "--message", "rpmdb: busy"); exit != 0 {
		t.Fatalf("add: %s", errs)
	}
	if _, errs, exit := run("--command", "cman start", "--slow", "2s", "--times", "3"); exit != 0 {
		t.Fatalf("add: %s", errs)
	}
	out, _, _ := run("--list")
	want := "--host node1.example.org --command \"rpm -q\" --fail 1 --exit 9 --message \"rpmdb: busy\"\n--command \"cman start\" --slow 2s --times 3\n"
	if out != want {
		t.Errorf("list:\n%s\nwant\n%s", out, want)
	}
	_, errs, exit := lab(t, "exec", "--dir", dir, "--host", "node1", "--", "rpm", "-q", "cman")
	if exit != 9 || errs != "rpmdb: busy\n" {
		t.Errorf("faulty rpm: exit %d, %q", exit, errs)
	}
	if _, _, exit := lab(t, "exec", "--dir", dir, "--host", "node1", "--", "rpm", "-q", "cman"); exit != 1 {
		t.Errorf("the fault outlived its count: exit %d", exit)
	}
	if _, _, exit := run("--clear"); exit != 0 {
		t.Error("clear failed")
	}
	if out, _, _ := run("--list"); out != "" {
		t.Errorf("after clear: %q", out)
	}
	for _, bad := range [][]string{
		{"--host", "node1", "--command", "yum"},
		{"--host", "node1", "--command", "yum", "--fail", "1", "--hang", "1"},
		{"--host", "node1", "--fail", "1"},
		{"--host", "node1", "--command", "yum", "--fail", "0"},
		{"--host", "node1", "--command", "yum", "--fail", "2", "--times", "1"},
		{"--host", "node1", "--command", "yum", "--hang", "1", "--exit", "3"},
		{"--host", "node9", "--command", "yum", "--fail-always"},
		{"--list", "--host", "node1"},
	} {
		if _, errs, exit := run(bad...); exit == 0 || errs == "" {
			t.Errorf("lab fault %v was accepted", bad)
		}
	}
}

func TestUsage(t *testing.T) {
	if _, errs, exit := lab(t); exit != 2 || !strings.Contains(errs, "usage:") {
		t.Errorf("no arguments: exit %d, %q", exit, errs)
	}
	if _, errs, exit := lab(t, "frob"); exit != 2 || !strings.Contains(errs, `unknown command "frob"`) {
		t.Errorf("unknown command: exit %d, %q", exit, errs)
	}
}

// TestRunbook: lab runbook prints a runbook that lab init makes the hosts
// of, and refuses options no runbook has.
func TestRunbook(t *testing.T) {
	out, errs, exit := lab(t, "runbook", "--clients", "20", "--pairs", "1", "--cluster-size", "4", "--name", "fan-out")
	if exit != 0 {
		t.Fatalf("lab runbook: exit %d\n%s", exit, errs)
	}
	book := filepath.Join(t.TempDir(), "fan-out.yaml")
	if err := os.WriteFile(book, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errs, exit := lab(t, "init", "--runbook", book, "--dir", t.TempDir()); exit != 0 || !strings.Contains(out, "22 hosts of runbook fan-out") {
		t.Errorf("lab init of the generated runbook: exit %d\n%s%s", exit, out, errs)
	}
	for _, bad := range [][]string{
		{"runbook"},
		{"runbook", "--clients", "10", "--cluster-size", "300"},
		{"runbook", "--clients", "10", "extra"},
	} {
		if out, errs, exit := lab(t, bad...); exit == 0 || errs == "" || out != "" {
			t.Errorf("lab %v: exit %d, printed %d bytes", bad, exit, len(out))
		}
	}
}
