package activities

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// LVMConfPath is LVM's configuration.
const LVMConfPath = "/etc/lvm/lvm.conf"

// LVMLockingInput is empty: there is one lvm.conf.
type LVMLockingInput struct{}

// EnableClusterLocking sets locking_type = 3 in lvm.conf unless it is set.
func (h *Host) EnableClusterLocking(ctx context.Context, _ LVMLockingInput) (Change, error) {
	cur, err := h.readState(LVMConfPath)
	if err != nil {
		return Change{}, err
	}
	if !cur.Exists || !lockingType.MatchString(cur.Content) {
		return Change{}, permanent(ErrBadConfig, "%s: %s has no locking_type line: is lvm2 installed?", h.FQDN, LVMConfPath)
	}
	want := ClusterLocking(cur.Content)
	if want == cur.Content {
		return Change{}, nil
	}
	return Change{Changed: true}, h.writeFile(LVMConfPath, []byte(want), 0o644)
}

// VolumeInput is the clustered volume group and its logical volume.
type VolumeInput struct {
	VG      string   `json:"vg"`
	LV      string   `json:"lv"`
	PVs     []string `json:"pvs"`
	Extents int      `json:"extents"`
}

func (in VolumeInput) check() error {
	if err := broken(rule{"volume group", names.VG(in.VG)}, rule{"logical volume", names.LV(in.LV)}); err != nil {
		return err
	}
	for _, pv := range in.PVs {
		if _, err := names.MultipathMap(pv); err != nil {
			return badInput("physical volume", err)
		}
	}
	if in.Extents < 0 || in.Extents > 255*1000 {
		return permanent(ErrBadInput, "extents %d out of range", in.Extents)
	}
	return nil
}

// PVInput is one physical volume to create; Wipe is the approval to
// overwrite a signature the device carries.
type PVInput struct {
	Device string `json:"device"`
	Wipe   bool   `json:"wipe,omitempty"`
}

// IsPV reports whether blkid's answer is an LVM physical volume, in the
// name newer blkid gives it (LVM2_member) or e2fsprogs 1.39's (lvm2pv).
func IsPV(sig string) bool {
	return strings.Contains(sig, `TYPE="LVM2_member"`) || strings.Contains(sig, `TYPE="lvm2pv"`)
}

// Signature is what blkid finds on a device: "" for a blank one.
func (h *Host) signature(ctx context.Context, dev string) (string, error) {
	out, err := h.run(ctx, time.Minute, "blkid", dev)
	var cerr *CommandError
	if errors.As(err, &cerr) && cerr.Output.Exit == 2 {
		return "", nil // blkid: nothing found
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out.Stdout), nil
}

// SignatureInput names devices to look at.
type SignatureInput struct {
	Devices []string `json:"devices"`
}

// SignatureResult is what each device carries, "" when blank.
type SignatureResult struct {
	Signatures []string `json:"signatures"`
}

// Signatures reads the devices' signatures, changing nothing: the workflow
// asks for an approval before a pvcreate that would overwrite one.
func (h *Host) Signatures(ctx context.Context, in SignatureInput) (SignatureResult, error) {
	var res SignatureResult
	for _, d := range in.Devices {
		if err := checkSigned(d); err != nil {
			return res, err
		}
		sig, err := h.signature(ctx, d)
		if err != nil {
			return res, err
		}
		res.Signatures = append(res.Signatures, sig)
	}
	return res, nil
}

// PVCreate makes a device an LVM physical volume unless it is one. A device
// that carries another signature is refused unless Wipe says a person
// approved overwriting it.
func (h *Host) PVCreate(ctx context.Context, in PVInput) (Change, error) {
	if _, err := names.MultipathMap(in.Device); err != nil {
		return Change{}, badInput("physical volume", err)
	}
	sig, err := h.signature(ctx, in.Device)
	if err != nil {
		return Change{}, err
	}
	if IsPV(sig) {
		return Change{}, nil
	}
	argv := []string{"pvcreate", in.Device}
	if sig != "" {
		if !in.Wipe {
			return Change{}, permanent(ErrNotSpare, "%s: %s carries %s; pvcreate would destroy it and needs an approval", h.FQDN, in.Device, sig)
		}
		argv = []string{"pvcreate", "-ff", "-y", in.Device}
	}
	return h.act(ctx, 2*time.Minute, argv...)
}

// VGCreate creates the clustered volume group over the PVs unless it
// exists.
func (h *Host) VGCreate(ctx context.Context, in VolumeInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	if _, err := h.run(ctx, time.Minute, "vgdisplay", in.VG); err == nil {
		return Change{}, nil
	}
	return h.act(ctx, 2*time.Minute, append([]string{"vgcreate", "--clustered", "y", in.VG}, in.PVs...)...)
}

// LVCreate creates the logical volume unless it exists.
func (h *Host) LVCreate(ctx context.Context, in VolumeInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	if _, err := h.run(ctx, time.Minute, "lvdisplay", names.LVPath(in.VG, in.LV)); err == nil {
		return Change{}, nil
	}
	return h.act(ctx, 2*time.Minute, "lvcreate", "--extent="+strconv.Itoa(in.Extents), "--name="+in.LV, in.VG)
}

// LVStatus is a logical volume as one client's lvdisplay shows it.
type LVStatus struct {
	Host    string `json:"host"`
	UUID    string `json:"uuid"`
	Status  string `json:"status"`
	Extents int    `json:"extents"`
}

// LogicalVolume reads lvdisplay. With Extents set it fails with a
// retryable NotReady until the LV is available with at least that many
// extents; without, it only reports, and a missing LV is an empty status.
func (h *Host) LogicalVolume(ctx context.Context, in VolumeInput) (LVStatus, error) {
	if err := in.check(); err != nil {
		return LVStatus{}, err
	}
	out, err := h.run(ctx, time.Minute, "lvdisplay", names.LVPath(in.VG, in.LV))
	var cerr *CommandError
	if errors.As(err, &cerr) && in.Extents == 0 && strings.Contains(cerr.Output.Stdout+cerr.Output.Stderr, "not found") {
		return LVStatus{Host: h.FQDN}, nil
	}
	if err != nil {
		return LVStatus{}, transient(ErrNotReady, "%s: %v", h.FQDN, err)
	}
	blocks, err := ParseDisplay(out.Stdout)
	if err != nil {
		return LVStatus{}, err
	}
	le, _ := strconv.Atoi(blocks[0]["Current LE"])
	s := LVStatus{Host: h.FQDN, UUID: blocks[0]["LV UUID"], Status: blocks[0]["LV Status"], Extents: le}
	if s.Status != "available" || s.Extents < in.Extents {
		return s, transient(ErrNotReady, "%s: %s is %s with %d extents, want available with %d", h.FQDN, names.LVPath(in.VG, in.LV), s.Status, s.Extents, in.Extents)
	}
	return s, nil
}

// RemoveVolume is the undo of the volume: it removes the LV, the VG and the
// PVs the run created, each only if present.
func (h *Host) RemoveVolume(ctx context.Context, in VolumeInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	changed := false
	if _, err := h.run(ctx, time.Minute, "lvdisplay", names.LVPath(in.VG, in.LV)); err == nil && in.LV != "" {
		if _, err := h.run(ctx, 2*time.Minute, "lvremove", "-f", names.LVPath(in.VG, in.LV)); err != nil {
			return Change{}, err
		}
		changed = true
	}
	if _, err := h.run(ctx, time.Minute, "vgdisplay", in.VG); err == nil {
		if _, err := h.run(ctx, 2*time.Minute, "vgremove", "-f", in.VG); err != nil {
			return Change{}, err
		}
		changed = true
	}
	for _, pv := range in.PVs {
		if sig, err := h.signature(ctx, pv); err == nil && IsPV(sig) {
			if _, err := h.run(ctx, 2*time.Minute, "pvremove", "-f", pv); err != nil {
				return Change{}, err
			}
			changed = true
		}
	}
	return Change{Changed: changed}, nil
}

// ExtendVolume grows the volume group over any PV of the list it does not
// hold yet (vgextend) and the logical volume to Extents (lvextend), each
// only if needed.
func (h *Host) ExtendVolume(ctx context.Context, in VolumeInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	changed := false
	for _, pv := range in.PVs {
		out, err := h.run(ctx, time.Minute, "pvdisplay", pv)
		if err != nil {
			return Change{}, err
		}
		blocks, err := ParseDisplay(out.Stdout)
		if err != nil {
			return Change{}, err
		}
		if blocks[0]["VG Name"] == in.VG {
			continue
		}
		if _, err := h.run(ctx, 2*time.Minute, "vgextend", in.VG, pv); err != nil {
			return Change{}, err
		}
		changed = true
	}
	lv, err := h.LogicalVolume(ctx, VolumeInput{VG: in.VG, LV: in.LV})
	if err != nil {
		return Change{}, err
	}
	if lv.Extents < in.Extents {
		if _, err := h.run(ctx, 2*time.Minute, "lvextend", "-l", strconv.Itoa(in.Extents), names.LVPath(in.VG, in.LV)); err != nil {
			return Change{}, err
		}
		changed = true
	}
	return Change{Changed: changed}, nil
}

// ActivateVolume activates the logical volume on this host (lvchange -ay)
// unless lvdisplay says it is available: what clvmd's start does for a
// clustered volume, for one deactivated since.
func (h *Host) ActivateVolume(ctx context.Context, in VolumeInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	out, err := h.run(ctx, time.Minute, "lvdisplay", names.LVPath(in.VG, in.LV))
	if err != nil {
		return Change{}, err
	}
	if blocks, _ := ParseDisplay(out.Stdout); len(blocks) > 0 && blocks[0]["LV Status"] == "available" {
		return Change{}, nil
	}
	return h.act(ctx, 2*time.Minute, "lvchange", "-ay", names.LVPath(in.VG, in.LV))
}

// checkSigned refuses a device that is neither a multipath map nor a
// logical volume: the only devices a step reads signatures of.
func checkSigned(d string) error {
	_, mapErr := names.MultipathMap(d)
	if _, _, lvErr := names.SplitLVPath(d); mapErr != nil && lvErr != nil {
		return permanent(ErrBadInput, "device %s: not a multipath map /dev/mapper/mpathN nor a logical volume /dev/VG/LV", names.Quote(d))
	}
	return nil
}
