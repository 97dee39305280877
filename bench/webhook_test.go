package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/webhook"
)

// BenchmarkWebhookPlan is the time from a signed POST /v1/runs asking
// for a plan to the webhook's answer holding that plan: the signature and
// field checks, the Update-with-Start of the ticket's run, the run's plan
// child (every host read once by its agent, the procedure worked out in
// workflow code) and the Update's answer. The six hosts of the shipped
// runbook, on the real dev server, orchestrator and agents; the webhook
// in this process. Each request is a new ticket, so each starts a run.
// p50-ms and p95-ms are over every request of the benchmark; the goal is
// a p95 under one second.
//
//   - procedure=prepare-disk: one host's step, on fresh hosts.
//   - procedure=storage-build: the whole build of six fresh hosts.
//   - procedure=shutdown: the stack's shutdown, once a StorageBuild has
//     built it: every host's reads find every layer up (more commands
//     than on a fresh host).
func BenchmarkWebhookPlan(b *testing.B) {
	book := filepath.Join(repo, "runbooks", "scalable-storage.yaml")
	l := newLab(b, "webhook", book, 6, nil)
	// The initial syncs of the build's two 1 GiB pairs at 200 times their 10M.
	l.run(b, "set", "--dir", l.dir, "drbd-speedup", "200")
	l.up(b)
	c := l.orchestrator(b)

	dir := b.TempDir()
	secret := []byte(strings.Repeat("s", 40))
	if err := os.WriteFile(filepath.Join(dir, "secret"), secret, 0o600); err != nil {
		b.Fatal(err)
	}
	conf := `{"secrets": [{"id": "bench", "file": "secret", "procedures": ["*"], "runbooks": ["scalable-storage"]}]}`
	if err := os.WriteFile(filepath.Join(dir, "webhook.json"), []byte(conf), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := webhook.LoadConfig(filepath.Join(dir, "webhook.json"))
	if err != nil {
		b.Fatal(err)
	}
	s := webhook.New(cfg, c, 64)
	s.Namespace = "webhook"
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)

	// Every request is a new ticket, across the reruns of a sub-benchmark
	// too: the same body signed in the same second is a replay.
	tickets := 0
	for _, proc := range []struct {
		name, args string
		built      bool
	}{
		{"prepare-disk", `{"host": "storage0a.example.org"}`, false},
		{"storage-build", `{}`, false},
		{"shutdown", `{}`, true},
	} {
		if proc.built {
			build(b, c, book)
		}
		b.Run("procedure="+proc.name, func(b *testing.B) {
			var (
				took []time.Duration
				last string
			)
			ask := func() {
				n := len(took)
				tickets++
				body := fmt.Appendf(nil, `{"ticket": {"system": "bench", "key": "%s-%d"}, "procedure": %q, "runbook": "scalable-storage", "args": %s, "plan": true}`,
					proc.name, tickets, proc.name, proc.args)
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/runs", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				req.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, start, body))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				took = append(took, time.Since(start))
				var a webhook.RunAnswer
				if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &a) != nil || a.Plan == nil || a.Plan.Empty {
					b.Fatalf("request %d: %d %s", n, resp.StatusCode, data)
				}
				last = a.WorkflowID
			}
			ask() // the first run of the workers warms their caches
			took = took[:0]
			for b.Loop() {
				for range 10 {
					ask()
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(len(took)), "requests")
			// What the hosts' reads took, of the last request: the
			// longest PlanProbe, start to completion on its agent.
			if h := history(b, c, last+"-plan"); len(h.runs) > 0 {
				b.ReportMetric(float64(slices.Max(h.runs).Microseconds())/1000, "probe-max-ms")
			}
		})
	}
}
