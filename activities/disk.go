package activities

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

var devicePath = regexp.MustCompile(`^/dev/[a-z][a-z0-9/]{0,30}$`)

func checkDevice(p string) error {
	if !devicePath.MatchString(p) || strings.Contains(p, "//") {
		return permanent(ErrBadInput, "device %q is not a well-formed /dev path", p)
	}
	return nil
}

// DiskInput names a spare disk and the partition to make on it.
type DiskInput struct {
	Device    string `json:"device"`
	Partition string `json:"partition"`
}

// DiskResult says whether the disk had to be partitioned.
type DiskResult struct {
	Changed bool `json:"changed"`
}

var (
	partedDisk = regexp.MustCompile(`(?m)^Disk /dev/\S+: (\d+)MB$`)
	partedGPT  = regexp.MustCompile(`(?m)^Partition Table: gpt$`)
	partedOne  = regexp.MustCompile(`(?m)^ 1\s.*\blvm\s*$`)
	partedAny  = regexp.MustCompile(`(?m)^ \d+\s`)
)

// PrepareDisk is part #2a in the guest: a gpt label, one primary partition
// over the whole disk, the lvm flag. It only ever writes to a disk with no
// partitions: one partitioned any other way may hold data, and is a
// permanent error for a person to look at.
func (h *Host) PrepareDisk(ctx context.Context, in DiskInput) (DiskResult, error) {
	if err := checkDevice(in.Device); err != nil {
		return DiskResult{}, err
	}
	if in.Partition != in.Device+"1" {
		return DiskResult{}, permanent(ErrBadInput, "partition %q: the runbooks make one partition, %s1", in.Partition, in.Device)
	}
	print := func() (string, bool, error) {
		out, err := h.run(ctx, time.Minute, "parted", "-s", in.Device, "print")
		text := out.Stdout + out.Stderr
		if err != nil && strings.Contains(text, "unrecognised disk label") {
			return text, false, nil
		}
		return text, true, err
	}
	text, labelled, err := print()
	if err != nil {
		return DiskResult{}, err
	}
	if labelled && partedGPT.MatchString(text) && partedOne.MatchString(text) && len(partedAny.FindAllString(text, -1)) == 1 {
		return DiskResult{}, nil
	}
	if labelled && partedAny.MatchString(text) {
		return DiskResult{}, permanent(ErrNotSpare, "%s: %s already has partitions; the runbook needs a spare disk:\n%s", h.FQDN, in.Device, text)
	}
	if !labelled || !partedGPT.MatchString(text) {
		// No label, or an empty one of another type: nothing to lose.
		if _, err := h.run(ctx, time.Minute, "parted", "-s", in.Device, "mklabel", "gpt"); err != nil {
			return DiskResult{}, err
		}
		if text, _, err = print(); err != nil {
			return DiskResult{}, err
		}
	}
	m := partedDisk.FindStringSubmatch(text)
	if m == nil {
		return DiskResult{}, fmt.Errorf("%s: parted print: no disk size in %q", h.FQDN, text)
	}
	for _, argv := range [][]string{
		{"parted", "-s", in.Device, "mkpart", "primary", "0", m[1]},
		{"parted", "-s", in.Device, "set", "1", "lvm", "on"},
	} {
		if _, err := h.run(ctx, time.Minute, argv...); err != nil {
			return DiskResult{}, err
		}
	}
	if text, _, err = print(); err != nil || !partedOne.MatchString(text) {
		return DiskResult{}, fmt.Errorf("%s: %s has no lvm partition after parted: %v\n%s", h.FQDN, in.Device, err, text)
	}
	return DiskResult{Changed: true}, nil
}

var moduleName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)
var moduleOption = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}=[A-Za-z0-9_.,-]{1,30}$`)

// ModuleInput names a kernel module and its options (minor_count=1).
type ModuleInput struct {
	Name    string   `json:"name"`
	Options []string `json:"options,omitempty"`
}

// LoadModule loads a kernel module unless /proc/modules lists it.
func (h *Host) LoadModule(ctx context.Context, in ModuleInput) (ServiceResult, error) {
	if !moduleName.MatchString(in.Name) {
		return ServiceResult{}, permanent(ErrBadInput, "module name %q is not well formed", in.Name)
	}
	for _, o := range in.Options {
		if !moduleOption.MatchString(o) {
			return ServiceResult{}, permanent(ErrBadInput, "module option %q is not well formed", o)
		}
	}
	loaded, err := h.moduleLoaded(in.Name)
	if err != nil || loaded {
		return ServiceResult{}, err
	}
	if _, err := h.run(ctx, time.Minute, append([]string{"modprobe", in.Name}, in.Options...)...); err != nil {
		return ServiceResult{}, err
	}
	return ServiceResult{Changed: true}, nil
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
func (h *Host) UnloadModule(ctx context.Context, in ModuleInput) (ServiceResult, error) {
	if !moduleName.MatchString(in.Name) {
		return ServiceResult{}, permanent(ErrBadInput, "module name %q is not well formed", in.Name)
	}
	loaded, err := h.moduleLoaded(in.Name)
	if err != nil || !loaded {
		return ServiceResult{}, err
	}
	if _, err := h.run(ctx, time.Minute, "modprobe", "-r", in.Name); err != nil {
		return ServiceResult{}, err
	}
	return ServiceResult{Changed: true}, nil
}
