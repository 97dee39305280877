package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// DiskInput names a spare disk and the partition to make on it. Label is
// the recorded approval to write a partition table on a disk that has
// none: such a disk may hold data on the whole of it (a file system, a
// physical volume).
type DiskInput struct {
	Device    string `json:"device"`
	Partition string `json:"partition"`
	Label     bool   `json:"label,omitempty"`
}

// PrepareDisk is part #2a in the guest: a gpt label, one primary partition
// over the whole disk, the lvm flag. It only ever writes to a disk with no
// partitions: one partitioned any other way may hold data, and is a
// permanent error for a person to look at. A disk with no partition table
// at all is labelled only with Label set (an approval); without it, it is
// a permanent Unlabelled error that says what blkid and parted see on it.
// An empty label of another type is replaced: it holds nothing.
func (h *Host) PrepareDisk(ctx context.Context, in DiskInput) (Change, error) {
	if err := names.Disk(in.Device); err != nil {
		return Change{}, badInput("disk", err)
	}
	if err := names.Partition(in.Device, in.Partition); err != nil {
		return Change{}, badInput("partition", err)
	}
	if err := h.checkDiskNode("disk", in.Device); err != nil {
		return Change{}, err
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
		return Change{}, err
	}
	table := ParseParted(text)
	if labelled && table.GPT && table.LVMOne && table.Partitions == 1 {
		return Change{}, nil
	}
	if labelled && table.Partitions > 0 {
		return Change{}, permanent(ErrNotSpare, "%s: %s already has partitions; the runbook needs a spare disk:\n%s", h.FQDN, in.Device, text)
	}
	// About to write a label: not on a disk that holds a mounted file
	// system, such as one formatted whole without a partition table.
	if err := h.notMounted(ctx, "disk", in.Device); err != nil {
		return Change{}, err
	}
	if !labelled && !in.Label {
		return Change{}, h.unlabelled(ctx, in.Device, text)
	}
	if !labelled || !table.GPT {
		// No label, and a person approved writing one; or an empty
		// label of another type, which holds nothing.
		if _, err := h.run(ctx, time.Minute, "parted", "-s", in.Device, "mklabel", "gpt"); err != nil {
			return Change{}, err
		}
	}
	// The partition spans the disk (100%: parted puts its end on the last
	// usable sector), so the commands depend on nothing read in between
	// and a plan lists them exactly.
	for _, argv := range PartitionCommands(in.Device) {
		if _, err := h.run(ctx, time.Minute, argv...); err != nil {
			return Change{}, err
		}
	}
	if text, _, err = print(); err != nil || !ParseParted(text).LVMOne {
		return Change{}, fmt.Errorf("%s: %s has no lvm partition after parted: %v\n%s", h.FQDN, in.Device, err, text)
	}
	return Change{Changed: true}, nil
}

// unlabelled is the refusal to label a disk that has no partition table
// without an approval: what is on it, as blkid and parted see it, is in
// the message for the person who decides.
func (h *Host) unlabelled(ctx context.Context, dev, parted string) error {
	sig, err := h.signature(ctx, dev)
	if err != nil {
		return err
	}
	saw := "blkid finds no signature on it"
	if sig != "" {
		saw = "blkid says " + sig
	}
	return permanent(ErrUnlabelled, "%s: %s has no partition table; labelling it (parted mklabel gpt) needs an approval, since a disk without one may hold data on the whole of it. %s; parted print says: %s",
		h.FQDN, dev, saw, strings.TrimSpace(parted))
}

// PartitionCommands are the commands that make a labelled spare disk's
// one lvm partition.
func PartitionCommands(dev string) [][]string {
	return [][]string{
		{"parted", "-s", dev, "mkpart", "primary", "0", "100%"},
		{"parted", "-s", dev, "set", "1", "lvm", "on"},
	}
}
