package gfs2

import (
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// BlockSize is the block size mkfs.gfs2 uses by default, the only one the
// lab makes.
const BlockSize = 4096

// State is every GFS2 file system of the lab: what their superblocks,
// resource groups, journals and root directories hold, and who has them
// mounted.
type State struct {
	// FS are the file systems by the identity of the device they are on
	// (lvm.Identify: "lv:<LV UUID>" for a logical volume).
	FS map[string]*FS `json:"fs,omitempty"`
	// Seq counts mounts, to list a host's mounts in the order they were
	// made.
	Seq int `json:"seq,omitempty"`
}

// FS is one GFS2 file system.
type FS struct {
	LockProto string `json:"lockproto"`
	LockTable string `json:"locktable"`
	// Blocks is the file system's size, the end of its last resource
	// group; RGLength the blocks per resource group.
	Blocks    int64 `json:"blocks"`
	RGLength  int64 `json:"rg_length"`
	RGrps     int   `json:"rgrps"`
	BlockSize int64 `json:"block_size"`
	// Journals are the journals' sizes in MB, journal0 first.
	Journals []int `json:"journals"`
	// Files are the paths in the file system (relative to its root) of
	// its regular files, Dirs of its directories other than the root.
	Files  []string `json:"files,omitempty"`
	Dirs   []string `json:"dirs,omitempty"`
	Mounts []Mount  `json:"mounts,omitempty"`
	// GroupID is the id gfs_controld gives the mount group while anyone
	// has it mounted.
	GroupID int `json:"group_id,omitempty"`
}

// Mount is the file system mounted on a host.
type Mount struct {
	Host   string `json:"host"`
	Dir    string `json:"dir"`
	Device string `json:"device"` // as /proc/mounts shows it
	JID    int    `json:"jid"`
	First  bool   `json:"first"`
	Seq    int    `json:"seq"`
}

// Hostdata is the mount option gfs_controld hands mount.gfs2.
func (m Mount) Hostdata(fs *FS) string {
	first := 0
	if m.First {
		first = 1
	}
	return "hostdata=jid=" + itoa(m.JID) + ":id=" + itoa(fs.GroupID) + ":first=" + itoa(first)
}

// ClusterName is the cluster part of the lock table.
func (fs *FS) ClusterName() string {
	c, _, _ := strings.Cut(fs.LockTable, ":")
	return c
}

// freeJID is the lowest journal no mount holds, or -1.
func (fs *FS) freeJID() int {
	for j := range fs.Journals {
		if !slices.ContainsFunc(fs.Mounts, func(m Mount) bool { return m.JID == j }) {
			return j
		}
	}
	return -1
}

// UsedBlocks is what statfs counts as used: the journals, each node's
// quota change file and small per-node files, the system inodes and one
// block per file or directory.
func (fs *FS) UsedBlocks() int64 {
	var n int64 = 20 // root, master directory, jindex, per_node, inum, statfs, rindex, quota
	for _, mb := range fs.Journals {
		n += (int64(mb)<<20)/fs.bsize() + (1<<20)/fs.bsize() + 2
	}
	n += int64(fs.RGrps) // rindex entries and the like
	return n + int64(len(fs.Files)+len(fs.Dirs))
}

// TotalBlocks is what statfs counts as the file system's data blocks: its
// size less the resource group headers and bitmaps.
func (fs *FS) TotalBlocks() int64 {
	bitmaps := (fs.RGLength*2/8 + fs.bsize() - 1) / fs.bsize() // two bits a block
	return fs.Blocks - 17 - int64(fs.RGrps)*(1+bitmaps)
}

// KB is the file system's size and what it uses, in 1K blocks, as statfs
// gives them to df.
func (fs *FS) KB() (total, used int64) {
	k := fs.bsize() / 1024
	return fs.TotalBlocks() * k, fs.UsedBlocks() * k
}

func (fs *FS) bsize() int64 {
	if fs.BlockSize == 0 {
		return BlockSize
	}
	return fs.BlockSize
}

// Exists tells whether a path relative to the root is in the file system;
// "" is the root.
func (fs *FS) Exists(rel string) (found, dir bool) {
	if rel == "" || slices.Contains(fs.Dirs, rel) {
		return true, true
	}
	return slices.Contains(fs.Files, rel), false
}

// Children lists the names directly under a directory of the file system.
func (fs *FS) Children(rel string) []string {
	var names []string
	for _, p := range append(append([]string(nil), fs.Files...), fs.Dirs...) {
		dir, name := path.Split(p)
		if strings.TrimSuffix(dir, "/") == rel {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// stateFile is where the lab keeps this emulation's shared state.
const stateFile = "gfs2.json"

// Load reads the GFS2 state without the lab's lock (the file is replaced
// atomically), so it may be called while holding the lock.
func Load(lab string) (*State, error) { return state.Load[State](lab, stateFile) }

// Superblock is the GFS2 superblock on the device at devPath, as blkid
// reads it (a blockdev.Signature): the lock table as LABEL, since 0.1.44
// writes no UUID, and TYPE gfs2; nil when no file system was made there.
func Superblock(h host.Host, devPath string) ([]blockdev.Tag, error) {
	id, ok, err := lvm.Identify(h, devPath)
	if err != nil || !ok || id == "" {
		return nil, err
	}
	s, err := Load(h.Lab)
	if err != nil {
		return nil, err
	}
	if fs := s.FS[id]; fs != nil {
		return []blockdev.Tag{{Name: "LABEL", Value: fs.LockTable}, {Name: "TYPE", Value: "gfs2"}}, nil
	}
	return nil, nil
}

// change runs fn on the shared state under the lab's lock and saves it; an
// error from fn leaves the state as it was.
func change(lab string, fn func(*State) error) error { return state.Change(lab, stateFile, fn) }

// HostMount is a mount of a host with its file system.
type HostMount struct {
	ID string // the device's identity
	FS *FS
	Mount
}

// MountsOf lists a host's GFS2 mounts in the order they were made.
func (s *State) MountsOf(fqdn string) []HostMount {
	var out []HostMount
	for id, fs := range s.FS {
		for _, m := range fs.Mounts {
			if m.Host == fqdn {
				out = append(out, HostMount{ID: id, FS: fs, Mount: m})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// At finds the mount a host path is in: the mount whose directory is the
// path or its longest prefix. rel is the path inside the file system.
func (s *State) At(fqdn, p string) (hm HostMount, rel string, ok bool) {
	p = path.Clean("/" + p)
	best := -1
	for _, m := range s.MountsOf(fqdn) {
		if p == m.Dir || strings.HasPrefix(p, strings.TrimSuffix(m.Dir, "/")+"/") {
			if len(m.Dir) > best {
				best, hm = len(m.Dir), m
			}
		}
	}
	if best < 0 {
		return HostMount{}, "", false
	}
	rel = strings.TrimPrefix(strings.TrimPrefix(p, hm.Dir), "/")
	return hm, rel, true
}

// Touch creates the regular file at host path abs in the GFS2 file system
// mounted there on host fqdn, for every host that mounts it, unless it
// exists or create is false. inGFS2 is false when no GFS2 mount holds abs;
// missing is true when its directory does not exist.
func Touch(lab, fqdn, abs string, create bool) (inGFS2, missing bool, err error) {
	err = change(lab, func(s *State) error {
		m, rel, ok := s.At(fqdn, abs)
		if !ok {
			return nil
		}
		inGFS2 = true
		if found, _ := m.FS.Exists(rel); found {
			return nil
		}
		if parent, isDir := m.FS.Exists(path.Dir("/" + rel)[1:]); !parent || !isDir {
			missing = true
			return nil
		}
		if create {
			m.FS.Files = append(m.FS.Files, rel)
			sort.Strings(m.FS.Files)
		}
		return nil
	})
	return inGFS2, missing, err
}

// Filesystems returns every GFS2 file system, by device identity, for
// tests of other packages.
func Filesystems(lab string) (map[string]FS, error) {
	s, err := Load(lab)
	if err != nil {
		return nil, err
	}
	out := map[string]FS{}
	for id, fs := range s.FS {
		out[id] = *fs
	}
	return out, nil
}

// Files lists the regular files of the file system on the device with this
// identity (lvm.Identify), relative to its root.
func Files(lab, id string) ([]string, error) {
	s, err := Load(lab)
	if err != nil {
		return nil, err
	}
	if fs := s.FS[id]; fs != nil {
		return slices.Clone(fs.Files), nil
	}
	return nil, nil
}

// Mounts lists a host's GFS2 mounts, in the order they were made.
func Mounts(lab, fqdn string) ([]Mount, error) {
	s, err := Load(lab)
	if err != nil {
		return nil, err
	}
	var out []Mount
	for _, m := range s.MountsOf(fqdn) {
		out = append(out, m.Mount)
	}
	return out, nil
}

// OpenCount is the lvm.Opener of GFS2: a mounted file system keeps its
// device open on the host that mounted it.
func OpenCount(h host.Host, devPath string) (int, error) {
	s, err := Load(h.Lab)
	if err != nil {
		return 0, err
	}
	dev := lvm.Resolve(h, devPath)
	n := 0
	for _, m := range s.MountsOf(h.FQDN) {
		if lvm.Resolve(h, m.Device) == dev {
			n++
		}
	}
	return n, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
