package activities

import (
	"context"
	"time"
)

// ServiceInput names an init script of /etc/init.d.
type ServiceInput struct {
	Name string `json:"name"`
}

// StartService starts a service unless its init script says it runs.
func (h *Host) StartService(ctx context.Context, in ServiceInput) (Change, error) {
	return h.setService(ctx, in.Name, true)
}

// StopService stops a service unless it is stopped; a service that is not
// installed is stopped.
func (h *Host) StopService(ctx context.Context, in ServiceInput) (Change, error) {
	return h.setService(ctx, in.Name, false)
}

func (h *Host) setService(ctx context.Context, name string, start bool) (Change, error) {
	if err := checkService(name); err != nil {
		return Change{}, err
	}
	running, err := h.serviceRunning(ctx, name)
	if err != nil || running == start {
		return Change{}, err
	}
	verb := "stop"
	if start {
		verb = "start"
	}
	return h.act(ctx, 3*time.Minute, "/etc/init.d/"+name, verb)
}

// serviceRunning asks the init script; a service that is not installed is
// not running.
func (h *Host) serviceRunning(ctx context.Context, name string) (bool, error) {
	if _, err := h.lookPath("/etc/init.d/" + name); err != nil {
		return false, nil
	}
	_, err := h.run(ctx, time.Minute, "/etc/init.d/"+name, "status")
	return err == nil, nil
}
