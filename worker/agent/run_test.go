package agent

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/connect"
)

// An agent told no host says so at once, rather than wait for a server to
// learn it serves nothing.
func TestRunWithoutHostFailsBeforeDialing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := Run(ctx, connect.Options{Address: "127.0.0.1:1", Namespace: "default"}, Flags{Root: "/"})
	if err == nil || !strings.Contains(err.Error(), "-host") {
		t.Fatalf("Run without -host: %v, want an error naming -host", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run waited for the server before saying it has no host")
	}
}
