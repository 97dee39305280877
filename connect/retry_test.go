package connect

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// fakeClock is a clock that moves only when DialRetry waits: each wait
// returns at once, having advanced the time by what was asked, and is
// recorded.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) after(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

// failing dials fail n times with err, then succeed.
func failing(n int, err error) (dial func(context.Context, Options) (client.Client, func(), error), calls *int) {
	calls = new(int)
	return func(context.Context, Options) (client.Client, func(), error) {
		*calls++
		if *calls <= n {
			return nil, nil, err
		}
		return nil, func() {}, nil
	}, calls
}

var unreachable = serviceerror.NewUnavailable("connection refused")

func TestDialRetryBacksOffToItsCapAndConnects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rand  func(int64) int64
		waits []time.Duration
		fail  int
	}{
		{
			// The longest draw: every wait is the backoff itself, doubling
			// from First and capped at Max.
			name: "longest draw", rand: func(n int64) int64 { return n - 1 }, fail: 7,
			waits: []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second},
		},
		{
			// The shortest draw: half the backoff, never nothing.
			name: "shortest draw", rand: func(int64) int64 { return 0 }, fail: 5,
			waits: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(0, 0)}
			dial, calls := failing(tc.fail, unreachable)
			var log bytes.Buffer
			r := Retry{First: time.Second, Max: 10 * time.Second, Every: 3 * time.Second, Log: &log,
				dial: dial, now: clock.now, after: clock.after, rand: tc.rand}
			_, closeClient, err := DialRetry(context.Background(), Options{Address: "temporal.example.org:7233", Namespace: "storage"}, r)
			if err != nil {
				t.Fatalf("DialRetry: %v", err)
			}
			if closeClient == nil {
				t.Error("DialRetry returned no close function")
			}
			if *calls != tc.fail+1 {
				t.Errorf("dialled %d times, want %d", *calls, tc.fail+1)
			}
			if !equal(clock.waits, tc.waits) {
				t.Errorf("waited %v, want %v", clock.waits, tc.waits)
			}
			lines := strings.Split(strings.TrimSpace(log.String()), "\n")
			first := "waiting for the server, attempt 1: Temporal at temporal.example.org:7233 (namespace storage): connection refused; next attempt in "
			if !strings.HasPrefix(lines[0], first) {
				t.Errorf("first line %q, want it to start %q", lines[0], first)
			}
			if last, want := lines[len(lines)-1], "connected to Temporal at temporal.example.org:7233 (namespace storage) after "; !strings.HasPrefix(last, want) {
				t.Errorf("last line %q, want it to start %q", last, want)
			}
			// One line per attempt at most every Every: never two lines
			// within Every of each other, however many attempts failed.
			waiting := lines[:len(lines)-1]
			var at time.Duration
			var printed []time.Duration
			for i := range tc.fail {
				if i > 0 {
					at += clock.waits[i-1]
				}
				if len(printed) == 0 || at-printed[len(printed)-1] >= r.Every {
					printed = append(printed, at)
				}
			}
			if len(waiting) != len(printed) {
				t.Errorf("%d waiting lines, want %d (at %v):\n%s", len(waiting), len(printed), printed, log.String())
			}
		})
	}
}

func equal(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDialRetryJittersWithinHalfTheBackoff(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	dial, _ := failing(50, unreachable)
	r := Retry{First: time.Second, Max: 8 * time.Second, Log: &bytes.Buffer{}, dial: dial, now: clock.now, after: clock.after}
	if _, _, err := DialRetry(context.Background(), Options{Address: "a:1"}, r); err != nil {
		t.Fatal(err)
	}
	backoff := time.Second
	distinct := map[time.Duration]bool{}
	for i, d := range clock.waits {
		if d < backoff/2 || d > backoff {
			t.Errorf("wait %d is %s, want between %s and %s", i+1, d, backoff/2, backoff)
		}
		if backoff == r.Max {
			distinct[d] = true
		}
		backoff = min(2*backoff, r.Max)
	}
	if len(distinct) < 2 {
		t.Errorf("the waits at the cap are all the same (%v): no jitter", clock.waits)
	}
}

func TestDialRetryFailsAtOnceOnWhatNoRetryMends(t *testing.T) {
	for _, err := range []error{
		errors.New("load client certificate: open agent.pem: no such file or directory"),
		serviceerror.NewInvalidArgument("bad namespace"),
		serviceerror.NewPermissionDenied("not allowed", ""),
	} {
		clock := &fakeClock{}
		dial, calls := failing(1, err)
		var log bytes.Buffer
		_, _, got := DialRetry(context.Background(), Options{Address: "a:1"}, Retry{Log: &log, dial: dial, now: clock.now, after: clock.after})
		if !errors.Is(got, err) {
			t.Errorf("DialRetry: got %v, want %v", got, err)
		}
		if *calls != 1 || len(clock.waits) != 0 || log.Len() != 0 {
			t.Errorf("%v: %d dials, waits %v, log %q; want one dial, no wait, no line", err, *calls, clock.waits, log.String())
		}
	}
}

// A signal while waiting ends the wait at once: the timer never fires
// here, so only ctx can end it.
func TestDialRetryStopsWhenCancelledWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan struct{})
	r := Retry{Log: &bytes.Buffer{}, now: time.Now,
		dial: func(context.Context, Options) (client.Client, func(), error) { return nil, nil, unreachable },
		after: func(time.Duration) <-chan time.Time {
			close(waiting)
			return nil
		}}
	done := make(chan error, 1)
	go func() {
		_, _, err := DialRetry(ctx, Options{Address: "a:1"}, r)
		done <- err
	}()
	<-waiting
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("DialRetry after cancel: %v, want context.Canceled", err)
	}
}

// What the SDK returns for a port nobody listens on is an error DialRetry
// retries, and the line it prints names the address and the cause.
func TestDialRetryRetriesARefusedConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log bytes.Buffer
	r := Retry{Log: &log, dial: func(ctx context.Context, o Options) (client.Client, func(), error) {
		c, closeClient, err := Dial(ctx, o)
		if err == nil {
			closeClient()
			t.Errorf("dialled %s: nobody listens there", addr)
		}
		return c, closeClient, err
	}, after: func(time.Duration) <-chan time.Time {
		cancel()
		return nil
	}}
	_, _, err = DialRetry(ctx, Options{Address: addr, Namespace: "default", Quiet: true}, r)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("DialRetry: %v, want it cancelled while waiting to retry", err)
	}
	if line := log.String(); !strings.Contains(line, "waiting for the server, attempt 1: connect to Temporal at "+addr) || !strings.Contains(line, "connection refused") {
		t.Errorf("line %q names neither the address nor the cause", line)
	}
}
