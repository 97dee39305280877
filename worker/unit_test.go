package main

import (
	"bytes"
	"os"
	"testing"
)

// The README shows the agent's service unit as deploy/ ships it, whole, so
// that what a person copies from one is what the other installs.
func TestREADMEShowsTheShippedServiceUnit(t *testing.T) {
	unit, err := os.ReadFile("../deploy/tetsuzuki-agent.service")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := append(append([]byte("```ini\n"), unit...), "```\n"...)
	if !bytes.Contains(readme, block) {
		t.Error("README.md does not show deploy/tetsuzuki-agent.service as it is: copy the file into its ```ini block")
	}
}
