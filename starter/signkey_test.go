package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/sign"
)

func TestSignkeyWritesAPairOnce(t *testing.T) {
	key := filepath.Join(t.TempDir(), "orchestrator.key")
	var out bytes.Buffer
	m := &Main{Out: &out, Err: &out}
	if err := m.Run(context.Background(), []string{"signkey", "--out", key}); err != nil {
		t.Fatalf("signkey: %v\n%s", err, out.String())
	}
	s, err := sign.LoadSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sign.LoadTrust(key + ".pub"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), s.ID()) {
		t.Errorf("output %q does not name the key %s", out.String(), s.ID())
	}
	if err := m.Run(context.Background(), []string{"signkey", "--out", key}); err == nil {
		t.Error("a second signkey wrote over the key")
	}
}
