package connect

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
)

// Retry is how a process that runs for good (an agent, the orchestrator,
// lab up) waits for a server it cannot reach yet: a host rebooted before
// the server, a server restarted, a network not up. It retries with capped
// exponential backoff and jitter, so a fleet of agents does not return in
// step, and says on Log what it waits for, at most one line every Every,
// so a person reading the journal sees the address and the error without
// a flood. The zero value is ready to use.
type Retry struct {
	// First is the wait after the first failure; each failure doubles it,
	// up to Max. The wait actually taken is between half of it and all of
	// it. Defaults: 500ms and 30s.
	First, Max time.Duration
	// Every is the least time between two lines on Log (default 5s); the
	// attempts between are counted, not printed.
	Every time.Duration
	// Log gets the lines; os.Stderr by default.
	Log io.Writer

	// Tests replace how to dial, the clock and the random draw.
	dial  func(context.Context, Options) (client.Client, func(), error)
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	rand  func(n int64) int64
}

func (r Retry) withDefaults() Retry {
	if r.First <= 0 {
		r.First = 500 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 30 * time.Second
	}
	if r.Max < r.First {
		r.Max = r.First
	}
	if r.Every <= 0 {
		r.Every = 5 * time.Second
	}
	if r.Log == nil {
		r.Log = os.Stderr
	}
	if r.dial == nil {
		r.dial = Dial
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.after == nil {
		r.after = time.After
	}
	if r.rand == nil {
		r.rand = rand.Int64N
	}
	return r
}

// DialRetry is Dial for processes that must outlive the server: while the
// server cannot be reached it keeps trying, as r says, instead of failing.
// It fails at once on what no retry mends (a TLS file that cannot be read,
// a tracing setting it does not know), and returns ctx's error when ctx
// ends first, which is how SIGINT and SIGTERM stop a process that waits.
func DialRetry(ctx context.Context, o Options, r Retry) (client.Client, func(), error) {
	r = r.withDefaults()
	wait := r.First
	var lastLine time.Time
	for attempt := 1; ; attempt++ {
		c, closeClient, err := r.dial(ctx, o)
		if err == nil {
			if attempt > 1 {
				fmt.Fprintf(r.Log, "connected to Temporal at %s (namespace %s) after %d attempts\n", o.Address, o.Namespace, attempt)
			}
			return c, closeClient, nil
		}
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("stopped waiting for Temporal at %s after %d attempts: %w", o.Address, attempt, ctx.Err())
		}
		if !retryable(err) {
			return nil, nil, err
		}
		// Equal jitter: never less than half the backoff, never more.
		d := wait/2 + time.Duration(r.rand(int64(wait/2)+1))
		if now := r.now(); attempt == 1 || now.Sub(lastLine) >= r.Every {
			lastLine = now
			msg := err.Error()
			if !strings.Contains(msg, o.Address) { // Dial's own errors name it
				msg = fmt.Sprintf("Temporal at %s (namespace %s): %s", o.Address, o.Namespace, msg)
			}
			fmt.Fprintf(r.Log, "waiting for the server, attempt %d: %s; next attempt in %s\n", attempt, msg, d.Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("stopped waiting for Temporal at %s after %d attempts: %w", o.Address, attempt, ctx.Err())
		case <-r.after(d):
		}
		wait = min(2*wait, r.Max)
	}
}

// retryable says whether a failed dial may work later: the server is down,
// restarting, overloaded or slow to answer. Anything else, above all an
// error from before any connection (a certificate file that is not there),
// is the operator's to fix, and waiting would only hide it.
func retryable(err error) bool {
	switch serviceerror.ToStatus(err).Code() {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted, codes.Internal:
		return true
	}
	return false
}
