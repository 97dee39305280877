package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The agent carries none of the orchestrator's packages: their code would
// be pages of every host's agent, and their package initialisation (the
// built-in runbooks, the workflows' tables) memory it never uses.
func TestImportsNoOrchestratorCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, not := range []string{"/workflows", "/runbooks", "/plan", "/findings", "/worker/roles", "/lab"} {
			if strings.HasPrefix(pkg, "github.com/tetsuzuki/tetsuzuki/") && strings.Contains(pkg, not) {
				t.Errorf("the agent imports %s", pkg)
			}
		}
	}
}
