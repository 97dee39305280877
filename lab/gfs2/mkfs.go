package gfs2

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

// errDied is a failure the tool has printed already.
var errDied = errors.New("died")

// tool is one run of a gfs2-utils program: output is buffered so that
// nothing is written to a pipe while the lab's lock is held.
type tool struct {
	p   *host.Proc
	out bytes.Buffer
	err bytes.Buffer
}

func (t *tool) printf(format string, args ...any) { fmt.Fprintf(&t.out, format, args...) }

// die is gfs2-utils' die(): "argv[0]: message" on stderr, exit 1.
func (t *tool) die(format string, args ...any) error {
	fmt.Fprintf(&t.err, fmtDie+format+"\n", append([]any{t.p.Name}, args...)...)
	return errDied
}

func (t *tool) finish(err error) int {
	t.p.Stdout.Write(t.out.Bytes())
	t.p.Stderr.Write(t.err.Bytes())
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errDied):
		return 1
	default:
		fmt.Fprintf(t.p.Stderr, fmtLabError+"\n", t.p.Name, err)
		return 1
	}
}

// atoi is C's atoi: leading digits, 0 without them.
func atoi(s string) int {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

// Tool runs the gfs2-utils binary that mkfs.gfs2, gfs2_grow and gfs2_jadd
// are links to, by the name it was invoked as.
func Tool(p *host.Proc) int {
	switch path.Base(p.Name) {
	case "mkfs.gfs2":
		return mkfs(p)
	case "gfs2_grow":
		return grow(p)
	case "gfs2_jadd":
		return jadd(p)
	}
	fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, path.Base(p.Name))
	return 1
}

// mkfsOpts are mkfs.gfs2's settings.
type mkfsOpts struct {
	bsize, jsize, rgsize, journals, qcsize, utsize int
	lockproto, locktable                           string
	device                                         string
	override, quiet, expert                        bool
}

// testLocking is locking.c's test_locking.
func (t *tool) testLocking(proto, table string) error {
	switch proto {
	case "lock_nolock":
		return nil
	case "lock_gulm", "lock_dlm":
	default:
		return t.die(fmtBadProto, proto)
	}
	for _, ch := range table {
		if ch == ' ' || ch == '\t' || ch == '\n' {
			return t.die(msgTableSpace)
		}
	}
	cluster, fs, ok := strings.Cut(table, ":")
	switch {
	case !ok:
		return t.die(msgTableNoColon)
	case cluster == "":
		return t.die(msgTableNoCluster)
	case len(cluster) > 16:
		return t.die(msgTableLongClust)
	case strings.Contains(fs, ":"):
		return t.die(msgTableTwoColons)
	case fs == "":
		return t.die(msgTableNoFS)
	case len(fs) > 16:
		return t.die(msgTableLongFS)
	}
	return nil
}

// Geometry is how mkfs.gfs2 0.1.44 lays a file system out on a device of
// devBlocks blocks: the superblock's block and the one after it first,
// then the resource groups, all of one length, as many as it takes for
// none to exceed rgsizeMB; what is left over at the end stays unused.
func Geometry(devBlocks int64, bsize, rgsizeMB int) (fsBlocks, rgLength int64, rgrps int) {
	start := int64(128/(bsize/512)) + 1 // GFS2_SB_ADDR is 64 KiB in
	length := devBlocks - start
	per := int64(rgsizeMB) << 20 / int64(bsize)
	rgrps = int((length + per - 1) / per)
	if rgrps < 1 {
		rgrps = 1
	}
	rgLength = length / int64(rgrps)
	return start + int64(rgrps)*rgLength, rgLength, rgrps
}

// gb is how gfs2-utils prints a block count in GB: in single precision.
func gb(blocks int64, bsize int) float64 {
	return float64(float32(blocks) / float32(1<<30) * float32(bsize))
}

func mkfs(p *host.Proc) int {
	t := &tool{p: p}
	o := mkfsOpts{bsize: BlockSize, jsize: 128, rgsize: 256, journals: 1, qcsize: 1, utsize: 1, lockproto: "lock_dlm"}
	opts, operands := getopt.Parse(p.Name, p.Args, "-b:c:DhJ:j:Op:qr:t:u:VX", &t.err)
	// The lab takes what follows "--" as it takes operands in place.
	for _, o := range operands {
		opts = append(opts, getopt.Option{C: 1, Arg: o})
	}
	for _, op := range opts {
		switch op.C {
		case 'b':
			o.bsize = atoi(op.Arg)
		case 'c':
			o.qcsize = atoi(op.Arg)
		case 'h':
			t.printf(fmtMkfsUsage, p.Name)
			return t.finish(nil)
		case 'J':
			o.jsize = atoi(op.Arg)
		case 'j':
			o.journals = atoi(op.Arg)
		case 'O':
			o.override = true
		case 'p':
			o.lockproto = op.Arg
		case 'q':
			o.quiet = true
		case 'r':
			o.rgsize = atoi(op.Arg)
		case 't':
			o.locktable = op.Arg
		case 'u':
			o.utsize = atoi(op.Arg)
		case 'V':
			t.printf(fmtVersion, "gfs2_mkfs")
			return t.finish(nil)
		case 'X':
			o.expert = true
		case '?':
			fmt.Fprintln(&t.err, msgUseH)
			return t.finish(errDied)
		case 1:
			if op.Arg == "gfs2" {
				continue
			}
			if o.device != "" {
				return t.finish(t.die(msgTwoDevices))
			}
			o.device = op.Arg
		}
	}
	if o.device == "" {
		return t.finish(t.die(msgNoDevice))
	}
	return t.finish(t.mkfs(o))
}

func (t *tool) mkfs(o mkfsOpts) error {
	p := t.p
	if !o.expert {
		if err := t.testLocking(o.lockproto, o.locktable); err != nil {
			return err
		}
	}
	okSize := false
	for x := 512; x <= 65536; x <<= 1 {
		okSize = okSize || x == o.bsize
	}
	switch {
	case !okSize:
		return t.die(msgBadBlockSize)
	case o.rgsize < 32 && !o.expert || o.rgsize < 1 || o.rgsize > 2048:
		return t.die(msgBadRGSize)
	case o.journals <= 0:
		return t.die(msgNoJournals)
	case o.jsize < 8 || o.jsize > 1024:
		return t.die(msgBadJournalSize)
	case o.utsize <= 0 || o.utsize > 64:
		return t.die(msgBadUnlinkedSize)
	case o.qcsize <= 0 || o.qcsize > 64:
		return t.die(msgBadQCSize)
	}
	h := p.Host
	devPath := lvm.Resolve(h, p.Abs(o.device))
	dev, ok, err := blockdev.Get(h, devPath)
	if err != nil {
		return err
	}
	if !ok {
		return t.die(fmtCantOpenDevice, o.device, "No such file or directory")
	}
	id, _, err := lvm.Identify(h, devPath)
	if err != nil {
		return err
	}
	if id == "" {
		return t.die(fmtCantOpenDevice, o.device, "Input/output error")
	}
	if !o.override {
		t.printf(fmtDestroy+"\n", o.device)
		if what, usage, err := contents(h.Lab, id); err != nil {
			return err
		} else if what != "" {
			t.printf(fmtAppearsContain+"\n", what, usage)
		}
		t.printf(msgProceed)
		t.p.Stdout.Write(t.out.Bytes())
		t.out.Reset()
		line := ""
		if p.Stdin != nil {
			line, _ = bufio.NewReader(p.Stdin).ReadString('\n')
		}
		if !strings.HasPrefix(line, "y") {
			return t.die(msgAborted)
		}
		t.printf("\n")
	}
	devBlocks := dev.Sectors * 512 / int64(o.bsize)
	if devBlocks*int64(o.bsize) < 1<<20 {
		return t.die(fmtTooSmall, o.device, dev.Sectors*512)
	}
	fsBlocks, rgLength, rgrps := Geometry(devBlocks, o.bsize, o.rgsize)
	journalBlocks := int64(o.journals) * (int64(o.jsize)<<20/int64(o.bsize) + int64(o.qcsize)<<20/int64(o.bsize) + 2)
	if journalBlocks >= fsBlocks-int64(rgrps) {
		return t.die(msgNoJournalRoom)
	}
	journals := make([]int, o.journals)
	for i := range journals {
		journals[i] = o.jsize
	}
	err = change(h.Lab, func(s *State) error {
		if s.FS == nil {
			s.FS = map[string]*FS{}
		}
		fs := &FS{LockProto: o.lockproto, LockTable: o.locktable, Blocks: fsBlocks, RGLength: rgLength, RGrps: rgrps,
			BlockSize: int64(o.bsize), Journals: journals}
		if old := s.FS[id]; old != nil {
			// The kernels that have it mounted do not notice.
			fs.Mounts, fs.GroupID = old.Mounts, old.GroupID
		}
		s.FS[id] = fs
		return nil
	})
	if err != nil {
		return err
	}
	if !o.quiet {
		t.printf(fmtMkfsResults, o.device, o.bsize, gb(devBlocks, o.bsize), devBlocks, gb(fsBlocks, o.bsize), fsBlocks,
			o.journals, rgrps, o.lockproto, o.locktable)
	}
	return nil
}

// contents is what libvolume_id finds on a device, as mkfs.gfs2 reports
// it before asking: a GFS2 file system or an LVM2 PV label.
func contents(lab, id string) (what, usage string, err error) {
	s, err := Load(lab)
	if err != nil {
		return "", "", err
	}
	if s.FS[id] != nil {
		return "gfs2", "filesystem", nil
	}
	ls, err := lvm.Load(lab)
	if err != nil {
		return "", "", err
	}
	if ls.Labels[id] != nil {
		return "LVM2_member", "raid", nil
	}
	return "", "", nil
}

// mountedAt finds the GFS2 mount at a path of the tool's host, as
// check_for_gfs2 looks it up in /proc/mounts; it dies as it does when
// the path is not one.
func (t *tool) mountedAt(s *State, arg string) (HostMount, error) {
	p := t.p.Abs(arg)
	h := t.p.Host
	if fi, err := os.Stat(h.Path(p)); err != nil || !fi.IsDir() {
		if err == nil {
			return HostMount{}, t.die(fmtNotMounted, arg)
		}
		return HostMount{}, t.die(fmtCantOpenRoot, arg, "No such file or directory")
	}
	for _, m := range s.MountsOf(h.FQDN) {
		if m.Dir == p {
			return m, nil
		}
	}
	return HostMount{}, t.die(fmtNotMounted, arg)
}

// grow is gfs2_grow: it adds resource groups, of the length of the
// existing ones, to fill the device a mounted file system is on.
func grow(p *host.Proc) int {
	t := &tool{p: p}
	test, quiet := false, false
	opts, operands := getopt.Parse(p.Name, p.Args, "VD:hqTv", &t.err)
	for _, op := range opts {
		switch op.C {
		case 'V':
			t.printf(fmtVersion, p.Name)
			return t.finish(nil)
		case 'h':
			t.printf(msgGrowUsage)
			return t.finish(nil)
		case 'q':
			quiet = true
		case 'T':
			t.printf(msgTestMode + "\n")
			test = true
		case '?':
			fmt.Fprintln(&t.err, msgUseH)
			return t.finish(errDied)
		}
	}
	if len(operands) == 0 {
		t.printf(msgGrowUsage)
		t.finish(nil)
		return 1
	}
	err := change(p.Host.Lab, func(s *State) error {
		for _, arg := range operands {
			m, err := t.mountedAt(s, arg)
			if err != nil {
				return err
			}
			dev, ok, err := blockdev.Get(p.Host, m.Device)
			if err != nil {
				return err
			}
			if !ok {
				return t.die(fmtCantOpenDevice, m.Device, "No such file or directory")
			}
			fs := s.FS[m.ID]
			bs := fs.bsize()
			devBlocks := dev.Sectors * 512 / bs
			const mb = 1 << 20
			growth := (devBlocks - fs.Blocks) * bs
			if growth < fs.RGLength*bs {
				fmt.Fprint(&t.err, msgGrowTooSmall)
				fmt.Fprintf(&t.err, fmtGrewBy, max(growth, 0)/mb)
				fmt.Fprintf(&t.err, fmtOneRG, fs.RGLength*bs/mb)
				continue
			}
			if !quiet {
				t.printf(fmtGrowInfo, m.Dir, m.Device, fs.Blocks, fs.Blocks, fs.RGLength, fs.RGLength, devBlocks, devBlocks, growth/mb)
			}
			if !test {
				n := (devBlocks - fs.Blocks) / fs.RGLength
				fs.Blocks += n * fs.RGLength
				fs.RGrps += int(n)
			}
		}
		return nil
	})
	if err == nil && !quiet {
		t.printf(msgGrowComplete + "\n")
	}
	return t.finish(err)
}

// jadd is gfs2_jadd: it adds journals, taking their space from the file
// system's free space.
func jadd(p *host.Proc) int {
	t := &tool{p: p}
	journals, jsize, qcsize, quiet := 1, 128, 1, false
	opts, operands := getopt.Parse(p.Name, p.Args, "c:DhJ:j:qu:VX", &t.err)
	for _, op := range opts {
		switch op.C {
		case 'c':
			qcsize = atoi(op.Arg)
		case 'h':
			t.printf(fmtJaddUsage, p.Name)
			return t.finish(nil)
		case 'J':
			jsize = atoi(op.Arg)
		case 'j':
			journals = atoi(op.Arg)
		case 'q':
			quiet = true
		case 'V':
			t.printf(fmtVersion, "gfs2_jadd")
			return t.finish(nil)
		case '?':
			fmt.Fprintln(&t.err, msgUseH)
			return t.finish(errDied)
		}
	}
	switch {
	case len(operands) == 0:
		return t.finish(t.die(msgNoPath))
	case len(operands) > 1:
		return t.finish(t.die(fmtUnrecognizedOpt, operands[1]))
	case journals <= 0:
		return t.finish(t.die(msgNoJournals))
	case jsize < 32 || jsize > 1024:
		return t.finish(t.die(msgBadJournalSize))
	case qcsize <= 0 || qcsize > 64:
		return t.finish(t.die(msgBadQCSize))
	}
	err := change(p.Host.Lab, func(s *State) error {
		m, err := t.mountedAt(s, operands[0])
		if err != nil {
			return err
		}
		fs := s.FS[m.ID]
		bs := fs.bsize()
		need := int64(journals) * ((int64(jsize)<<20)/bs + (int64(qcsize)<<20)/bs + 2)
		if need > fs.TotalBlocks()-fs.UsedBlocks() {
			return t.die(fmtBadWrite, "No space left on device")
		}
		old := len(fs.Journals)
		for i := 0; i < journals; i++ {
			fs.Journals = append(fs.Journals, jsize)
		}
		if !quiet {
			t.printf(fmtJaddResults, operands[0], old, len(fs.Journals))
		}
		return nil
	})
	return t.finish(err)
}
