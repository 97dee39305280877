package coreutils

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/gfs2"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// shortFlags splits grouped short options ("-1a") into letters, stopping
// at "--"; the letters of long options ("--all") are given by longs.
func shortFlags(args []string, longs map[string]byte) (flags []byte, operands []string) {
	for i, a := range args {
		switch {
		case a == "--":
			return flags, append(operands, args[i+1:]...)
		case strings.HasPrefix(a, "--"):
			if c, ok := longs[a[2:]]; ok {
				flags = append(flags, c)
			} else {
				flags = append(flags, '?')
			}
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a[1:]...)
		default:
			operands = append(operands, a)
		}
	}
	return flags, operands
}

// hidden are the lab's own files in a host's directories, which no tool
// shows: the host marker and the temporary files of atomic writes.
func hidden(name string) bool {
	return name == ".lab" || strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp") || strings.HasSuffix(name, ".lab-new")
}

// Ls is ls of coreutils 5.97 with its output not a terminal: names one per
// line, sorted, dot files only with -a or -A. A path in a mounted GFS2 file
// system lists what every host that mounts it sees; any other path the
// host's own directory.
func Ls(p *host.Proc) int {
	flags, operands := shortFlags(p.Args, map[string]byte{"all": 'a', "almost-all": 'A', "directory": 'd'})
	all, almost, dirsAsFiles := false, false, false
	for _, f := range flags {
		switch f {
		case 'a':
			all = true
		case 'A':
			almost = true
		case 'd':
			dirsAsFiles = true
		case '1', 'C', 'x', 'U', 'f', 'F', 'p', 'q', 'b', 'N':
		case 'l', 'n', 'o', 'g', 's', 'i', 'R':
			fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "ls -"+string(f))
			return 2
		default:
			fmt.Fprintf(p.Stderr, fmtLsBadOpt+"\n", f)
			return 2
		}
	}
	if len(operands) == 0 {
		operands = []string{"."}
	}
	s, err := gfs2.Load(p.Host.Lab)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 2
	}
	status := 0
	var files []string
	type dirList struct {
		arg   string
		names []string
	}
	var dirs []dirList
	for _, arg := range operands {
		abs := p.Abs(arg)
		var names []string
		isDir, found := false, false
		if m, rel, ok := s.At(p.Host.FQDN, abs); ok {
			found, isDir = m.FS.Exists(rel)
			if isDir {
				names = m.FS.Children(rel)
			}
		} else {
			fi, err := os.Stat(p.Host.Path(abs))
			if err == nil {
				found, isDir = true, fi.IsDir()
			}
			if isDir && !dirsAsFiles {
				entries, err := os.ReadDir(p.Host.Path(abs))
				if err != nil {
					fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
					return 2
				}
				for _, e := range entries {
					names = append(names, e.Name())
				}
			}
		}
		if !found {
			fmt.Fprintf(p.Stderr, fmtLsMissing+"\n", arg)
			status = 2
			continue
		}
		if !isDir || dirsAsFiles {
			files = append(files, arg)
			continue
		}
		var shown []string
		for _, n := range names {
			if hidden(n) || strings.HasPrefix(n, ".") && !all && !almost {
				continue
			}
			shown = append(shown, n)
		}
		if all {
			shown = append(shown, ".", "..")
		}
		sort.Strings(shown)
		dirs = append(dirs, dirList{arg, shown})
	}
	sort.Strings(files)
	sort.SliceStable(dirs, func(i, j int) bool { return dirs[i].arg < dirs[j].arg })
	var b strings.Builder
	for _, f := range files {
		b.WriteString(f + "\n")
	}
	for i, d := range dirs {
		if i > 0 || len(files) > 0 {
			b.WriteString("\n")
		}
		if len(operands) > 1 {
			b.WriteString(d.arg + ":\n")
		}
		for _, n := range d.names {
			b.WriteString(n + "\n")
		}
	}
	fmt.Fprint(p.Stdout, b.String())
	return status
}

// Touch is touch of coreutils 5.97: it creates each file that does not
// exist (not with -c), in a mounted GFS2 file system for every host that
// mounts it, elsewhere on the host's own root.
func Touch(p *host.Proc) int {
	noCreate := false
	var operands []string
	for i := 0; i < len(p.Args); i++ {
		a := p.Args[i]
		switch {
		case a == "--":
			operands = append(operands, p.Args[i+1:]...)
			i = len(p.Args)
		case a == "-d" || a == "-t" || a == "-r":
			i++ // the time it would set
		case strings.HasPrefix(a, "--"):
			if a == "--no-create" {
				noCreate = true
			}
		case len(a) > 1 && a[0] == '-':
			for _, c := range a[1:] {
				switch c {
				case 'c':
					noCreate = true
				case 'a', 'm', 'f':
				default:
					fmt.Fprintf(p.Stderr, fmtTouchBadOpt+"\n", c)
					return 1
				}
			}
		default:
			operands = append(operands, a)
		}
	}
	if len(operands) == 0 {
		fmt.Fprintln(p.Stderr, msgTouchNoFile)
		return 1
	}
	status := 0
	for _, arg := range operands {
		abs := p.Abs(arg)
		inGFS2, missing, err := gfs2.Touch(p.Host.Lab, p.Host.FQDN, abs, !noCreate)
		if err == nil && !inGFS2 {
			missing, err = touchHost(p.Host, abs, noCreate)
		}
		if err != nil {
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
			return 1
		}
		if missing {
			fmt.Fprintf(p.Stderr, fmtTouchMissing+"\n", arg)
			status = 1
		}
	}
	return status
}

// touchHost touches a file on the host's root.
func touchHost(h host.Host, abs string, noCreate bool) (missing bool, err error) {
	file := h.Path(abs)
	if fi, err := os.Lstat(file); err == nil {
		if fi.Mode()&os.ModeSymlink != 0 {
			return false, nil // the tools' links: leave the binary alone
		}
		now := time.Now()
		return false, os.Chtimes(file, now, now)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if fi, err := os.Stat(path.Dir(file)); err != nil || !fi.IsDir() {
		return true, nil
	}
	if noCreate {
		return false, nil
	}
	return false, state.WriteFile(file, nil, 0o644)
}

// dfRow is a file system as df reports it, in 1K blocks.
type dfRow struct {
	dev, dir           string
	total, used, avail int64
}

// The base system's file systems, as df reports them.
var (
	rootFS = dfRow{"/dev/xvda1", "/", 8254240, 1474036, 6360908}
	shmFS  = dfRow{"tmpfs", "/dev/shm", 262144, 0, 262144}
)

func gfs2Row(m gfs2.HostMount) dfRow {
	total, used := m.FS.KB()
	return dfRow{m.Device, m.Dir, total, used, total - used}
}

// human is coreutils' human_readable for -h: powers of 1024, rounded up,
// one decimal below 10.
func human(kb int64) string {
	if kb == 0 {
		return "0"
	}
	x := float64(kb)
	units := "KMGTPE"
	u := 0
	for x >= 1024 && u < len(units)-1 {
		x /= 1024
		u++
	}
	if x < 10 {
		v := math.Ceil(x*10) / 10
		if v < 10 {
			return fmt.Sprintf("%.1f%c", v, units[u])
		}
		return fmt.Sprintf("%.0f%c", v, units[u])
	}
	v := math.Ceil(x)
	if v >= 1024 && u < len(units)-1 {
		return fmt.Sprintf("%.1f%c", v/1024, units[u+1])
	}
	return fmt.Sprintf("%.0f%c", v, units[u])
}

// Df is df of coreutils 5.97: the file systems the paths are on (all of
// them without paths), in 1K blocks or with -h in human units.
func Df(p *host.Proc) int {
	flags, operands := shortFlags(p.Args, map[string]byte{"human-readable": 'h', "portability": 'P'})
	hum := false
	for _, f := range flags {
		switch f {
		case 'h':
			hum = true
		case 'k', 'P', 'l':
		default:
			fmt.Fprintf(p.Stderr, fmtDfBadOpt+"\n", f)
			return 1
		}
	}
	s, err := gfs2.Load(p.Host.Lab)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	status := 0
	var rows []dfRow
	if len(operands) == 0 {
		rows = append(rows, rootFS, shmFS)
		for _, m := range s.MountsOf(p.Host.FQDN) {
			rows = append(rows, gfs2Row(m))
		}
	}
	for _, arg := range operands {
		abs := p.Abs(arg)
		if m, _, ok := s.At(p.Host.FQDN, abs); ok {
			rows = append(rows, gfs2Row(m))
			continue
		}
		if _, err := os.Stat(p.Host.Path(abs)); err != nil {
			fmt.Fprintf(p.Stderr, fmtDfMissing+"\n", arg)
			status = 1
			continue
		}
		if abs == "/dev/shm" || strings.HasPrefix(abs, "/dev/shm/") {
			rows = append(rows, shmFS)
		} else {
			rows = append(rows, rootFS)
		}
	}
	if len(rows) == 0 {
		return status
	}
	var b strings.Builder
	if hum {
		fmt.Fprintf(&b, "%-20s %5s %5s %5s %4s %s\n", "Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on")
	} else {
		fmt.Fprintf(&b, "%-20s %9s %9s %9s %4s %s\n", "Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted on")
	}
	for _, r := range rows {
		pct := "-"
		if r.used+r.avail > 0 {
			pct = fmt.Sprintf("%d%%", int64(math.Ceil(float64(r.used)*100/float64(r.used+r.avail))))
		}
		name := r.dev
		if len(name) > 20 {
			b.WriteString(name + "\n")
			name = ""
		}
		if hum {
			fmt.Fprintf(&b, "%-20s %5s %5s %5s %4s %s\n", name, human(r.total), human(r.used), human(r.avail), pct, r.dir)
		} else {
			fmt.Fprintf(&b, "%-20s %9d %9d %9d %4s %s\n", name, r.total, r.used, r.avail, pct, r.dir)
		}
	}
	fmt.Fprint(p.Stdout, b.String())
	return status
}
