package activities

import (
	"context"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// ModuleInput names a kernel module and its options (minor_count=1).
type ModuleInput struct {
	Name    string   `json:"name"`
	Options []string `json:"options,omitempty"`
}

// LoadModule loads a kernel module unless /proc/modules lists it.
func (h *Host) LoadModule(ctx context.Context, in ModuleInput) (Change, error) {
	if err := names.Module(in.Name); err != nil {
		return Change{}, badInput("module", err)
	}
	for _, o := range in.Options {
		if err := names.ModuleOption(o); err != nil {
			return Change{}, badInput("module "+in.Name, err)
		}
	}
	if err := checkModule(in.Name, in.Options); err != nil {
		return Change{}, err
	}
	loaded, err := h.moduleLoaded(in.Name)
	if err != nil || loaded {
		return Change{}, err
	}
	return h.act(ctx, time.Minute, append([]string{"modprobe", in.Name}, in.Options...)...)
}

func (h *Host) moduleLoaded(name string) (bool, error) {
	mods, err := h.readState("/proc/modules")
	if err != nil {
		return false, err
	}
	for _, line := range strings.Split(mods.Content, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == name {
			return true, nil
		}
	}
	return false, nil
}

// UnloadModule is the undo of LoadModule: modprobe -r, if it is loaded.
func (h *Host) UnloadModule(ctx context.Context, in ModuleInput) (Change, error) {
	if err := names.Module(in.Name); err != nil {
		return Change{}, badInput("module", err)
	}
	if err := checkModule(in.Name, nil); err != nil {
		return Change{}, err
	}
	loaded, err := h.moduleLoaded(in.Name)
	if err != nil || !loaded {
		return Change{}, err
	}
	return h.act(ctx, time.Minute, "modprobe", "-r", in.Name)
}
