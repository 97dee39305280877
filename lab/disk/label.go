package disk

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// Label is a disk's partition table.
type Label struct {
	Type  string `json:"type"` // "gpt" or "msdos"
	Parts []Part `json:"parts,omitempty"`
}

// Part is one partition; Start and End are sectors, both included.
type Part struct {
	Number int      `json:"number"`
	Start  int64    `json:"start"`
	End    int64    `json:"end"`
	Name   string   `json:"name,omitempty"` // GPT partition name
	Type   string   `json:"type,omitempty"` // msdos: primary, extended, logical
	Flags  []string `json:"flags,omitempty"`
}

// Sectors is the partition's size.
func (p Part) Sectors() int64 { return p.End - p.Start + 1 }

// usable is the first and last sector a partition may use on a disk of n
// sectors with this label.
func (l *Label) usable(n int64) (first, last int64) {
	if l.Type == labelGPT {
		return gptFirstUsable, n - 1 - gptTail
	}
	return msdosFirst, n - 1
}

func (l *Label) find(number int) *Part {
	for i := range l.Parts {
		if l.Parts[i].Number == number {
			return &l.Parts[i]
		}
	}
	return nil
}

// nextNumber is the lowest number no partition has.
func (l *Label) nextNumber() int {
	for n := 1; ; n++ {
		if l.find(n) == nil {
			return n
		}
	}
}

// flags are those a label type supports, in the order parted prints them.
func (l *Label) flags() []string {
	if l.Type == labelGPT {
		return []string{"boot", "raid", "lvm", "hp-service", "msftres"}
	}
	return []string{"boot", "hidden", "raid", "lvm", "lba"}
}

func (p *Part) setFlag(flag string, on bool, order []string) {
	p.Flags = slices.DeleteFunc(p.Flags, func(f string) bool { return f == flag })
	if on {
		p.Flags = append(p.Flags, flag)
	}
	slices.SortFunc(p.Flags, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
}

// PartitionPath names partition n of a disk as the kernel does: xvdb1, but
// drbd0p1.
func PartitionPath(disk string, n int) string {
	base := filepath.Base(disk)
	if c := base[len(base)-1]; c >= '0' && c <= '9' {
		return disk + "p" + strconv.Itoa(n)
	}
	return disk + strconv.Itoa(n)
}

// labels is the shared state: host FQDN, then device path.
type labels map[string]map[string]*Label

func statePath(lab string) string { return filepath.Join(state.Dir(lab), "disks.json") }

func loadLabels(lab string) (labels, error) {
	l := labels{}
	if err := state.ReadJSON(statePath(lab), &l); err != nil {
		return nil, err
	}
	return l, nil
}

// LabelOf returns a host's partition table of a disk, nil when the disk has
// none. The state is replaced atomically, so no lock is needed to read it.
func LabelOf(h host.Host, dev string) (*Label, error) {
	l, err := loadLabels(h.Lab)
	if err != nil {
		return nil, err
	}
	return l[h.FQDN][dev], nil
}

// changeLabel runs fn on a disk's label under the lab's lock and saves what
// it leaves; fn may replace the label or set it to nil.
func changeLabel(h host.Host, dev string, fn func(**Label) error) error {
	return state.With(h.Lab, func() error {
		all, err := loadLabels(h.Lab)
		if err != nil {
			return err
		}
		l := all[h.FQDN][dev]
		if err := fn(&l); err != nil {
			return err
		}
		if all[h.FQDN] == nil {
			all[h.FQDN] = map[string]*Label{}
		}
		if l == nil {
			delete(all[h.FQDN], dev)
		} else {
			all[h.FQDN][dev] = l
		}
		return state.WriteJSON(statePath(h.Lab), all)
	})
}

// errParted is a failure parted reports in its own words.
type errParted string

func (e errParted) Error() string { return string(e) }

func partedf(format string, args ...any) error { return errParted(fmt.Sprintf(format, args...)) }
