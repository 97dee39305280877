package e2e

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// chromium is Debian's Chromium, which `make webui-deps` installs.
const chromium = "/usr/bin/chromium"

// TestWebUIStartsARunbook starts a runbook the way the README tells an
// operator without the CLI to: in the dev server's Web UI, from the Start
// Workflow form, here in headless Chromium driven by e2e/webui/start-run.mjs.
// The browser waits until the UI shows the run Completed, and its input and
// result decoded; the client and the hosts' own tools then confirm that it
// did and what it changed.
//
// The payload codec is on (see the harness): the UI encrypts the input it
// starts the run with and decrypts what it shows through the codec server
// (`starter codec-server`, the dev server's --ui-codec-endpoint). The
// server's copy of the input is checked to be ciphertext, so the clear text
// the browser saw can only have come through the codec endpoint.
func TestWebUIStartsARunbook(t *testing.T) {
	script := filepath.Join(repo, "e2e", "webui", "start-run.mjs")
	// Fail, never skip: a browser test that skips where the browser is
	// missing is a test that cannot fail.
	for _, need := range []string{chromium, filepath.Join(repo, "e2e", "webui", "node_modules", "playwright-core")} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("the Web UI test needs %s: run `make webui-deps` (Debian's chromium, npm ci in e2e/webui): %v", need, err)
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("the Web UI test needs Node.js for e2e/webui: %v", err)
	}

	c := dial(t, "webui")
	orchestrator(t, c)
	l := newLab(t, "webui", "lab-three-node")
	l.up()
	eventually(t, time.Minute, "the Web UI at "+uiAddr, func() bool {
		resp, err := http.Get(uiAddr)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	eventually(t, time.Minute, "the codec server at "+codecAddr, func() bool {
		req, _ := http.NewRequest(http.MethodOptions, codecAddr+"/decode", nil)
		req.Header.Set("Origin", uiAddr)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusNoContent
	})

	// The screenshot of a failure is kept for a person to look at; a
	// passing run leaves nothing behind.
	out, err := os.MkdirTemp("", "tetsuzuki-webui-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("browser artifacts kept in %s", out)
			return
		}
		os.RemoveAll(out)
	})

	const id = "webui-form-trio"
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script,
		"--ui", uiAddr, "--namespace", "webui",
		"--workflow-type", workflows.FormClustersName, "--task-queue", workflows.OrchestratorQueue,
		"--workflow-id", id, "--input", `{"runbook": "lab-three-node"}`,
		"--out", out, "--timeout", "180",
		// The input as the UI shows it decoded, and a field of the result.
		"--expect", `"runbook": "lab-three-node"`, "--expect", `"config_version": 3`)
	// Chromium runs in node's process group, so a timeout ends it too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	browser, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("start-run.mjs: %v\n%s", err, browser)
	}
	t.Logf("%s", browser)

	// The browser saw Completed; the server and the hosts must agree.
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		t.Fatalf("the run the Web UI started: %v", err)
	}
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	info := desc.GetWorkflowExecutionInfo()
	if s, typ := info.GetStatus(), info.GetType().GetName(); s != enums.WORKFLOW_EXECUTION_STATUS_COMPLETED || typ != workflows.FormClustersName {
		t.Errorf("%s is a %s run %s, want a %s run completed", id, typ, s, workflows.FormClustersName)
	}
	checkFormed(t, l, "trio", []string{"node1.example.org", "node2.example.org", "node3.example.org"}, 3)

	for _, h := range rawHistories(t, "webui", id) {
		if bytes.Contains(dump(t, h), []byte("lab-three-node")) {
			t.Errorf("the server's history of %s holds the runbook's name in clear", h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowId())
		}
	}
	input := rawHistories(t, "webui", id)[0].Events[0].GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
	if len(input) != 1 || string(input[0].GetMetadata()[converter.MetadataEncoding]) != connect.EncryptedEncoding {
		t.Errorf("the input the Web UI started the run with is %v, want one payload encrypted through the codec endpoint", input)
	}
}
