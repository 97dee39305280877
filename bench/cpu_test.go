package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// cpuUse is the CPU time the processes of a lab benchmark have used, by
// part: the dev server, the orchestrator (this process), the lab's agents
// (the `lab up` process) and the hosts' tools (its children, once
// reaped).
type cpuUse struct {
	at                          time.Time
	server, orch, agents, tools time.Duration
}

func (u cpuUse) sub(o cpuUse) cpuUse {
	return cpuUse{at: u.at, server: u.server - o.server, orch: u.orch - o.orch, agents: u.agents - o.agents, tools: u.tools - o.tools}
}

func (u cpuUse) total() time.Duration { return u.server + u.orch + u.agents + u.tools }

func (u cpuUse) String() string {
	return fmt.Sprintf("server %s, orchestrator %s, agents %s, tools %s",
		u.server.Round(time.Millisecond), u.orch.Round(time.Millisecond), u.agents.Round(time.Millisecond), u.tools.Round(time.Millisecond))
}

// clockTick is the unit of /proc/PID/stat's times (USER_HZ), 100 a second
// on every Linux this runs on.
const clockTick = 10 * time.Millisecond

// procCPU reads a process's own CPU time and that of its children it has
// waited for, from /proc/PID/stat.
func procCPU(pid string) (own, children time.Duration, err error) {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields
	// are counted from after its closing one (field 3, the state).
	s := string(data)
	rest := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(rest) < 15 {
		return 0, 0, fmt.Errorf("/proc/%s/stat: %d fields after the name", pid, len(rest))
	}
	var t [4]int64 // utime, stime, cutime, cstime: fields 14 to 17
	for i := range t {
		if t[i], err = strconv.ParseInt(rest[11+i], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("/proc/%s/stat field %d: %w", pid, 14+i, err)
		}
	}
	return time.Duration(t[0]+t[1]) * clockTick, time.Duration(t[2]+t[3]) * clockTick, nil
}

// readCPU samples every part's CPU time now.
func readCPU(serverPID, labPID int) (cpuUse, error) {
	u := cpuUse{at: time.Now()}
	var err error
	if u.server, _, err = procCPU(strconv.Itoa(serverPID)); err != nil {
		return u, err
	}
	if u.orch, _, err = procCPU("self"); err != nil {
		return u, err
	}
	u.agents, u.tools, err = procCPU(strconv.Itoa(labPID))
	return u, err
}

// cpuTrace samples the parts' CPU time every interval until stopped, so
// that a window known only afterwards (from the histories' event times)
// can be charged its CPU.
type cpuTrace struct {
	mu      sync.Mutex
	samples []cpuUse
	err     error
	done    chan struct{}
	stopped chan struct{}
}

func traceCPU(serverPID, labPID int, interval time.Duration) *cpuTrace {
	t := &cpuTrace{done: make(chan struct{}), stopped: make(chan struct{})}
	sample := func() {
		u, err := readCPU(serverPID, labPID)
		t.mu.Lock()
		defer t.mu.Unlock()
		if err != nil && t.err == nil {
			t.err = err
		}
		if err == nil {
			t.samples = append(t.samples, u)
		}
	}
	sample()
	go func() {
		defer close(t.stopped)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-t.done:
				sample()
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return t
}

// stop ends the sampling; the trace's samples are all taken.
func (t *cpuTrace) stop(b *testing.B) {
	b.Helper()
	close(t.done)
	<-t.stopped
	if t.err != nil {
		b.Fatalf("reading the processes' CPU time: %v", t.err)
	}
}

// between is the CPU used from the last sample at or before from to the
// first at or after to (the window, widened to whole samples).
func (t *cpuTrace) between(from, to time.Time) (use cpuUse, wall time.Duration) {
	first, last := 0, len(t.samples)-1
	for i, s := range t.samples {
		if !s.at.After(from) {
			first = i
		}
	}
	for i := len(t.samples) - 1; i >= 0; i-- {
		if !t.samples[i].at.Before(to) {
			last = i
		}
	}
	a, z := t.samples[first], t.samples[last]
	return z.sub(a), z.at.Sub(a.at)
}
