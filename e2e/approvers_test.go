package e2e

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/sign"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// TestWhoApprovedIsTheKeysIdentity: on a runbook that lists alice's key as
// its one approver and takes no unsigned decision, labelling a blank disk
// waits; `starter approve --by alice` without her key is refused, `starter
// approve --key` with her key lets the run finish, and the run records
// alice, known by her key. The agent labelled the disk only with the
// orchestrator's signed approval of that decision.
func TestWhoApprovedIsTheKeysIdentity(t *testing.T) {
	c := dial(t, "signed")
	orchestrator(t, c)
	l := newLab(t, "signed", "scalable-storage")
	l.up()

	dir := t.TempDir()
	aliceKey := filepath.Join(dir, "alice.key")
	if out, err := runBin(t, "starter", "signkey", "--out", aliceKey); err != nil {
		t.Fatalf("starter signkey: %v\n%s", err, out)
	}
	alice, err := sign.LoadSigner(aliceKey)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(l.book)
	if err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "keyed.yaml")
	keyed := strings.Replace(string(data), "  unsigned: true", "  approvers:\n    - name: alice\n      key: "+hex.EncodeToString(alice.Public()), 1)
	if err := os.WriteFile(book, []byte(keyed), 0o644); err != nil {
		t.Fatal(err)
	}

	const id = "keyed-disk"
	run := start(t, "starter", "run", "--namespace", l.ns, "--runbook", book, "--procedure", "prepare-disk", "--host", "storage0a", "--id", id)
	waitPending(t, c, id)
	step := "disk-label:storage0a.example.org:/dev/xvdb"
	if out, err := runBin(t, "starter", "approve", "--namespace", l.ns, "--workflow-id", id, "--by", "alice"); err == nil || !strings.Contains(out, "unsigned") {
		t.Fatalf("an unsigned approval was not refused: %v\n%s", err, out)
	}
	out, err := runBin(t, "starter", "approve", "--namespace", l.ns, "--workflow-id", id, "--key", aliceKey)
	if err != nil || !strings.Contains(out, "approved "+step+" in "+id+" (by alice)") {
		t.Fatalf("starter approve --key: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var res workflows.StepResult
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil {
		t.Fatalf("the run: %v\n%s", err, run.out.String())
	}
	want := workflows.Approval{Step: step, By: "alice", Approved: true, How: sign.ByKey, Key: alice.ID()}
	if len(res.Approvals) != 1 || res.Approvals[0] != want {
		t.Errorf("approvals recorded: %+v, want %+v", res.Approvals, want)
	}
	if out, err := l.exec("storage0a.example.org", "parted", "-s", "/dev/xvdb", "print"); err != nil || !strings.Contains(out, "gpt") {
		t.Errorf("the disk was not labelled: %v\n%s", err, out)
	}
	record(t, c, id)
}
