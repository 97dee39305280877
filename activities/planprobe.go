package activities

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// PlanProbeInput is what a plan must know of a host beyond what a check
// reads: the disk a build partitions, the devices it signs (physical
// volumes, the logical volume) and the mountpoint whose files it lists.
type PlanProbeInput struct {
	InspectInput
	Disk       string   `json:"disk,omitempty"`
	Devices    []string `json:"devices,omitempty"`
	Mountpoint string   `json:"mountpoint,omitempty"`
}

// PlanProbe is a host as a plan starts from: everything Inspect reads,
// and the facts the build's steps decide on that a check does not need.
type PlanProbe struct {
	Inspection
	Modules []string `json:"modules,omitempty"`
	// Disk is `parted print` of the runbook's disk, parsed; DiskLabelled
	// is false for a disk with no partition table.
	Disk         PartedTable `json:"disk"`
	DiskLabelled bool        `json:"disk_labelled"`
	// Pair says the host is one side of a DRBD pair; Metadata that
	// DRBD's metadata is on the resource's disk.
	Pair     bool `json:"pair,omitempty"`
	Metadata bool `json:"metadata"`
	// Signatures are what blkid finds on each of Devices, "" for none;
	// Groups the volume group pvdisplay puts each in, "" for none.
	Signatures []string `json:"signatures,omitempty"`
	Groups     []string `json:"groups,omitempty"`
	// Present says each of Devices exists on the host.
	Present []bool `json:"present,omitempty"`
	// Mapped says the clustered volume is active here: its
	// device-mapper device exists, whatever lvdisplay can tell (it tells
	// nothing while lvm.conf's locking is not clustered).
	Mapped bool `json:"mapped,omitempty"`
	// Listed is what `ls` lists in the mountpoint, when it is mounted.
	Listed []string `json:"listed,omitempty"`
	// Services are the init scripts of /etc/init.d the host has, of the
	// ones the stack runs.
	Services []string `json:"services,omitempty"`
}

// planServices are the init scripts whose presence decides a step.
var planServices = []string{"cman", "clvmd", "multipathd"}

// PlanProbeName is the activity's protocol name.
const PlanProbeName = "PlanProbe"

// PlanProbe reads everything a plan needs and changes nothing.
func (h *Host) PlanProbe(ctx context.Context, in PlanProbeInput) (PlanProbe, error) {
	if in.Disk != "" {
		if err := names.Disk(in.Disk); err != nil {
			return PlanProbe{}, badInput("disk", err)
		}
	}
	for _, d := range in.Devices {
		if err := checkSigned(d); err != nil {
			return PlanProbe{}, err
		}
	}
	if in.Mountpoint != "" {
		if err := names.Mountpoint(in.Mountpoint); err != nil {
			return PlanProbe{}, badInput("mountpoint", err)
		}
	}
	ins, err := h.Inspect(ctx, in.InspectInput)
	if err != nil {
		return PlanProbe{}, err
	}
	r := PlanProbe{Inspection: ins}
	for _, m := range []string{"drbd", "gnbd"} {
		ok, err := h.moduleLoaded(m)
		if err != nil {
			return r, err
		}
		if ok {
			r.Modules = append(r.Modules, m)
		}
	}
	for _, s := range planServices {
		if _, err := h.lookPath("/etc/init.d/" + s); err == nil {
			r.Services = append(r.Services, s)
		}
	}
	if in.Disk != "" {
		if _, err := h.lookPath("parted"); err == nil {
			out, err := h.run(ctx, time.Minute, "parted", "-s", in.Disk, "print")
			text := out.Stdout + out.Stderr
			var cerr *CommandError
			switch {
			case err == nil:
				r.Disk, r.DiskLabelled = ParseParted(text), true
			case errors.As(err, &cerr) && strings.Contains(text, "unrecognised disk label"):
			default:
				return r, err
			}
		}
	}
	r.Pair = len(in.Resources) > 0
	for i, res := range in.Resources {
		if _, err := h.lookPath("drbdadm"); err != nil {
			break
		}
		// A resource that is up has its metadata; Inspect has read
		// /proc/drbd already (one DRBD status per resource, in order).
		if r.Metadata = ins.DRBD[i].up(); !r.Metadata {
			_, dumpErr := h.run(ctx, time.Minute, "drbdadm", "dump-md", res.Name)
			r.Metadata = dumpErr == nil
		}
	}
	for _, d := range in.Devices {
		sig := ""
		if _, err := h.lookPath("blkid"); err == nil {
			if sig, err = h.signature(ctx, d); err != nil {
				return r, err
			}
		}
		ok, err := h.exists(d)
		if err != nil {
			return r, err
		}
		r.Present = append(r.Present, ok)
		r.Signatures = append(r.Signatures, sig)
		r.Groups = append(r.Groups, h.groupOf(ctx, d, sig))
	}
	if in.VG != "" && in.LV != "" {
		if r.Mapped, err = h.exists(names.LVMapperPath(in.VG, in.LV)); err != nil {
			return r, err
		}
	}
	if in.Mountpoint != "" && mountedAt(r.Mounts, in.Mountpoint) {
		out, err := h.run(ctx, time.Minute, "ls", in.Mountpoint)
		if err != nil {
			return r, err
		}
		r.Listed = strings.Fields(out.Stdout)
	}
	return r, nil
}

// groupOf is the volume group pvdisplay puts a physical volume in, "" for
// a device that is none or is in none.
func (h *Host) groupOf(ctx context.Context, dev, sig string) string {
	if !IsPV(sig) {
		return ""
	}
	out, err := h.run(ctx, time.Minute, "pvdisplay", dev)
	if err != nil {
		return ""
	}
	blocks, err := ParseDisplay(out.Stdout)
	if err != nil || len(blocks) == 0 {
		return ""
	}
	return blocks[0]["VG Name"]
}
