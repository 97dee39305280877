package activities

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/activity"
)

// Output is what a command left behind: its exit status and the captured,
// size-capped streams.
type Output struct {
	Argv   []string `json:"argv"`
	Exit   int      `json:"exit"`
	Stdout string   `json:"stdout,omitempty"`
	Stderr string   `json:"stderr,omitempty"`
}

// run executes argv on the host, without a shell, and waits for it at most
// timeout. While it runs it heartbeats, so a dead agent is noticed by the
// server within the heartbeat timeout rather than the step's whole timeout.
// Heartbeats are recorded with the activity's context, never the
// command's: the SDK sends them in batches, later, with the context they
// were recorded with, and the command's context ends with the command.
// A non-zero exit is returned as an error carrying the status and stderr,
// and the Output is returned either way for callers that read failures.
func (h *Host) run(ctx context.Context, timeout time.Duration, argv ...string) (Output, error) {
	return h.runInput(ctx, timeout, "", argv...)
}

// runInput is run with stdin: the answer to a tool's prompt, which the
// agent gives only where a workflow decided it may (mkfs.gfs2 after an
// approval). Without input the tool reads end of file.
func (h *Host) runInput(ctx context.Context, timeout time.Duration, stdin string, argv ...string) (Output, error) {
	out := Output{Argv: argv, Exit: -1}
	bin, err := h.lookPath(argv[0])
	if err != nil {
		return out, err
	}
	actx := ctx // the activity's, for heartbeats
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, bin, argv[1:]...)
	cmd.Dir = h.Root
	cmd.Env = []string{"PATH=" + strings.Join(h.Path, ":"), "LANG=C", "LC_ALL=C"}
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	stdout, stderr := &capped{max: h.OutputLimit}, &capped{max: h.OutputLimit}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Its own process group, so a timeout kills the tool and whatever it
	// started; and killed with the agent, so no orphan keeps acting after
	// the agent is gone and the step has been handed to a new attempt.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second

	if dueBeat(actx, h.every()) {
		// A command counts as progress, so a step made of many short
		// commands never looks dead for lack of a long one (pace.go: not
		// before the step has run a heartbeat interval).
		activity.RecordHeartbeat(actx, strings.Join(argv, " "))
	}
	if err := cmd.Start(); err != nil {
		return out, fmt.Errorf("%s: %w", argv[0], err)
	}
	done := make(chan struct{})
	go h.heartbeat(actx, done, argv)
	err = cmd.Wait()
	close(done)

	out.Stdout, out.Stderr = stdout.String(), stderr.String()
	if cmd.ProcessState != nil {
		out.Exit = cmd.ProcessState.ExitCode()
	}
	switch {
	case actx.Err() != nil:
		// The caller's deadline or cancellation, not the command's: the
		// step is over, whatever the command was doing, and its error
		// must say so rather than blame the command's own timeout.
		return out, actx.Err()
	case ctx.Err() == context.DeadlineExceeded:
		return out, transient(ErrCommandFailed, "%s: timed out after %s", strings.Join(argv, " "), timeout)
	case ctx.Err() != nil:
		return out, ctx.Err()
	case err != nil:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return out, &CommandError{Output: out}
		}
		return out, fmt.Errorf("%s: %w", argv[0], err)
	}
	return out, nil
}

// heartbeat reports the command as alive until done, with the activity's
// context ctx; outside an activity (tests calling methods directly) there is
// nothing to report to.
func (h *Host) heartbeat(ctx context.Context, done <-chan struct{}, argv []string) {
	if !activity.IsActivity(ctx) {
		return
	}
	t := time.NewTicker(h.every())
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			activity.RecordHeartbeat(ctx, strings.Join(argv, " "))
		}
	}
}

// every is how often a running command heartbeats.
func (h *Host) every() time.Duration {
	if h.HeartbeatEvery <= 0 {
		return 2 * time.Second
	}
	return h.HeartbeatEvery
}

// lookPath resolves a command the way a shell on the host would, but under
// the root: an absolute path is taken as is, a bare name is searched in Path.
func (h *Host) lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		p, err := h.file(name)
		if err != nil {
			return "", err
		}
		if isExecutable(p) {
			return p, nil
		}
		return "", &CommandError{Output: Output{Argv: []string{name}, Exit: 127, Stderr: name + ": command not found"}}
	}
	for _, dir := range h.Path {
		p, err := h.file(dir + "/" + name)
		if err == nil && isExecutable(p) {
			return p, nil
		}
	}
	return "", &CommandError{Output: Output{Argv: []string{name}, Exit: 127, Stderr: name + ": command not found"}}
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// CommandError is a command that ran and failed, or could not be found. It
// carries what the operator needs to act: the command, its status and what it
// said on stderr.
type CommandError struct{ Output Output }

func (e *CommandError) Error() string {
	msg := strings.TrimSpace(e.Output.Stderr)
	if msg == "" {
		msg = strings.TrimSpace(e.Output.Stdout)
	}
	if len(msg) > 400 {
		// A long story is told by its first line, most often the cause,
		// and its last, most often the verdict.
		first, last := msg, msg
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			first, last = msg[:i], msg[strings.LastIndexByte(msg, '\n')+1:]
		}
		msg = first[:min(len(first), 200)] + " [...] " + last[max(len(last)-200, 0):]
	}
	return fmt.Sprintf("%s: exit status %d: %s", strings.Join(e.Output.Argv, " "), e.Output.Exit, msg)
}

// capped keeps the head and the tail of what is written, max bytes in all,
// and counts what it drops between them: a runaway tool cannot exhaust the
// agent's memory or the history's size limit, and what is kept has both the
// tool's first words, most often the cause, and its last.
type capped struct {
	max        int
	head, tail []byte
	dropped    int
}

func (c *capped) Write(p []byte) (int, error) {
	n := len(p)
	headMax, tailMax := c.max-c.max/2, max(c.max/2, 0)
	if room := headMax - len(c.head); room > 0 {
		k := min(room, len(p))
		c.head = append(c.head, p[:k]...)
		p = p[k:]
	}
	if len(p) >= tailMax {
		c.dropped += len(c.tail) + len(p) - tailMax
		c.tail = append(c.tail[:0], p[len(p)-tailMax:]...)
		return n, nil
	}
	if over := len(c.tail) + len(p) - tailMax; over > 0 {
		c.dropped += over
		c.tail = c.tail[:copy(c.tail, c.tail[over:])]
	}
	c.tail = append(c.tail, p...)
	return n, nil
}

func (c *capped) String() string {
	if c.dropped > 0 {
		return fmt.Sprintf("%s\n[... %d bytes dropped]\n%s", c.head, c.dropped, c.tail)
	}
	return string(c.head) + string(c.tail)
}

// act runs a command that changes the host and reports the change: the
// last step of every activity that found its work not done yet.
func (h *Host) act(ctx context.Context, timeout time.Duration, argv ...string) (Change, error) {
	if _, err := h.run(ctx, timeout, argv...); err != nil {
		return Change{}, err
	}
	return Change{Changed: true}, nil
}
