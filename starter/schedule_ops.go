package main

import (
	"context"
	"flag"
	"fmt"

	"go.temporal.io/sdk/client"

	"github.com/tetsuzuki/tetsuzuki/connect"
)

// oneSchedule is a command on one existing schedule, once its flags have
// parsed and it has dialed.
type oneSchedule struct {
	id    string
	conn  connect.Options
	c     Client
	h     client.ScheduleHandle
	close func()
}

// openSchedule parses the flags of a command on one schedule (the
// connection, --id, and those extra registers), checks them, and only then
// dials.
func (m *Main) openSchedule(ctx context.Context, name string, args []string, extra func(*flag.FlagSet) func() error) (*oneSchedule, error) {
	fs := flag.NewFlagSet("starter schedule "+name, flag.ContinueOnError)
	fs.SetOutput(m.Err)
	s := &oneSchedule{}
	s.conn.Flags(fs)
	fs.StringVar(&s.id, "id", "", "the schedule's ID")
	check := func() error { return nil }
	if extra != nil {
		check = extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := checkExistingID(s.id); err != nil {
		return nil, err
	}
	if err := check(); err != nil {
		return nil, err
	}
	s.conn.Quiet = true
	c, closeClient, err := m.Dial(ctx, s.conn)
	if err != nil {
		return nil, err
	}
	s.c, s.close = c, closeClient
	s.h = c.ScheduleClient().GetHandle(ctx, s.id)
	return s, nil
}

// schedulePause pauses or unpauses a schedule. The note replaces the
// schedule's, so that it says why the schedule is in its state now; the
// default names who did it.
func (m *Main) schedulePause(ctx context.Context, args []string, pause bool) error {
	verb := "unpause"
	if pause {
		verb = "pause"
	}
	var note *string
	s, err := m.openSchedule(ctx, verb, args, func(fs *flag.FlagSet) func() error {
		note = fs.String("note", "", "why, shown with the schedule (default: who, with starter)")
		return func() error { return checkNote(*note) }
	})
	if err != nil {
		return err
	}
	defer s.close()
	if *note == "" {
		*note = fmt.Sprintf("%sd by %s with starter", verb, defaultApprover())
	}
	if pause {
		err = s.h.Pause(ctx, client.SchedulePauseOptions{Note: *note})
	} else {
		err = s.h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: *note})
	}
	if err != nil {
		return scheduleError(err, verb, s.id, s.conn.Namespace)
	}
	fmt.Fprintf(m.Out, "%sd schedule %s: %q\n", verb, plain(s.id), *note)
	return nil
}

// scheduleTrigger takes the schedule's action now. The schedule's own
// overlap policy applies: with skip, nothing starts while a run of it
// still runs. A paused schedule still takes it: a person asked.
func (m *Main) scheduleTrigger(ctx context.Context, args []string) error {
	s, err := m.openSchedule(ctx, "trigger", args, nil)
	if err != nil {
		return err
	}
	defer s.close()
	if err := s.h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		return scheduleError(err, "trigger", s.id, s.conn.Namespace)
	}
	fmt.Fprintf(m.Out, "triggered schedule %s: a run starts now, unless one of its runs still runs and its overlap policy skips\n  starter schedule describe --id %s shows it\n", plain(s.id), plain(s.id))
	return nil
}

// scheduleDelete removes a schedule. The runs it started are workflows of
// their own and go on; a repair is not cut short by it.
func (m *Main) scheduleDelete(ctx context.Context, args []string) error {
	s, err := m.openSchedule(ctx, "delete", args, nil)
	if err != nil {
		return err
	}
	defer s.close()
	if err := s.h.Delete(ctx); err != nil {
		return scheduleError(err, "delete", s.id, s.conn.Namespace)
	}
	fmt.Fprintf(m.Out, "deleted schedule %s; the runs it started are not stopped\n", plain(s.id))
	return nil
}
