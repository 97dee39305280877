package activities

import (
	"context"
	"slices"
	"time"
)

// services are the init scripts the runbooks start and stop; a name
// outside them never reaches a path.
var services = []string{"cman", "clvmd", "multipathd"}

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
	if !slices.Contains(services, name) {
		return Change{}, permanent(ErrBadInput, "service %q: the runbooks manage %v", name, services)
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
