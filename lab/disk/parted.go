package disk

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Parted runs parted 1.8.1: `parted -s DEVICE COMMAND...` as the agent calls
// it (mklabel, mkpart, set, rm, unit, print), or the commands of stdin when
// none is given, as the blog types them. Like parted 1.8, it prints its
// errors ("Error: ...") on stdout; in script mode the first one ends the
// run with status 1.
func Parted(p *host.Proc) int {
	script := false
	var words []string
	for _, a := range p.Args {
		if len(words) == 0 && strings.HasPrefix(a, "-") {
			switch a {
			case "-s", "--script":
				script = true
			case "-i", "--interactive":
			case "-v", "--version":
				fmt.Fprintln(p.Stdout, "parted (GNU parted) 1.8.1")
				return 0
			default:
				fmt.Fprintln(p.Stderr, msgUsage)
				return 1
			}
			continue
		}
		words = append(words, a)
	}
	if len(words) == 0 {
		fmt.Fprintln(p.Stderr, msgUsage)
		return 1
	}
	dev := p.Abs(words[0])
	d, ok, err := blockdev.Get(p.Host, dev)
	if err != nil {
		fmt.Fprintf(p.Stdout, "Error: %v\n", err)
		return 1
	}
	if !ok {
		fmt.Fprintf(p.Stdout, fmtCouldNotStat+"\n", dev)
		return 1
	}
	s := &session{h: p.Host, out: p.Stdout, dev: dev, disk: d, unit: "compact"}
	if cmds := words[1:]; len(cmds) > 0 || script {
		for len(cmds) > 0 {
			n, err := s.run(cmds)
			if err != nil {
				fmt.Fprintln(p.Stdout, err)
				return 1
			}
			cmds = cmds[n:]
		}
		return 0
	}
	return s.interactive(p.Stdin)
}

// session is one run of parted on one device.
type session struct {
	h    host.Host
	out  io.Writer
	dev  string
	disk blockdev.Device
	unit string
	quit bool
}

// interactive reads commands line by line, as parted does at its prompt;
// an error is printed and the next command read.
func (s *session) interactive(in io.Reader) int {
	fmt.Fprintf(s.out, partedBanner, s.dev)
	sc := bufio.NewScanner(in)
	for !s.quit {
		fmt.Fprint(s.out, partedPrompt)
		if !sc.Scan() {
			fmt.Fprintln(s.out)
			break
		}
		words := strings.Fields(sc.Text())
		for len(words) > 0 {
			n, err := s.run(words)
			if err != nil {
				fmt.Fprintln(s.out, err)
				break
			}
			words = words[n:]
		}
	}
	return 0
}

// run executes the command at the head of words and returns how many words
// it took.
func (s *session) run(words []string) (int, error) {
	cmd, args := words[0], words[1:]
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	switch cmd {
	case "mklabel", "mktable":
		return 2, s.mklabel(arg(0))
	case "mkpart":
		return s.mkpart(args)
	case "set":
		return 4, s.set(arg(0), arg(1), arg(2))
	case "rm":
		return 2, s.rm(arg(0))
	case "unit":
		if !validUnit(arg(0)) {
			return 2, partedf(fmtBadUnit, arg(0))
		}
		s.unit = arg(0)
		return 2, nil
	case "print":
		return 1, s.print()
	case "quit":
		s.quit = true
		return len(words), nil
	case "help", "check", "cp", "mkfs", "mkpartfs", "move", "name", "rescue", "resize", "select", "toggle", "version":
		return len(words), partedf(fmtNotEmulated, cmd)
	default:
		return len(words), partedf(fmtUnknownCommand, cmd)
	}
}

func (s *session) label() (*Label, error) {
	l, err := LabelOf(s.h, s.dev)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, partedf(fmtUnrecognised, s.dev)
	}
	return l, nil
}

// mklabel writes a new, empty table; in script mode parted does not warn
// that the partitions of the old one are lost, and they are.
func (s *session) mklabel(typ string) error {
	switch typ {
	case "":
		return errParted(msgExpectingType)
	case labelGPT, labelMsdos:
	default:
		return partedf(fmtBadLabelType, typ)
	}
	return changeLabel(s.h, s.dev, func(l **Label) error {
		if *l != nil {
			for _, part := range (*l).Parts {
				if err := blockdev.Remove(s.h, PartitionPath(s.dev, part.Number)); err != nil {
					return err
				}
			}
		}
		*l = &Label{Type: typ}
		return nil
	})
}

// mkpart takes PART-TYPE [FS-TYPE] START END; on GPT the part type is the
// partition's name, as parted 1.8 names it.
func (s *session) mkpart(args []string) (int, error) {
	if len(args) == 0 {
		return 1, errParted(msgExpectingType2)
	}
	name := args[0]
	rest := args[1:]
	used := 2
	if len(rest) > 0 && !looksLikeLocation(rest[0]) {
		rest = rest[1:] // a file system type: parted 1.8 only records it in the partition type id
		used++
	}
	if len(rest) < 1 {
		return used, errParted(msgExpectingStart)
	}
	if len(rest) < 2 {
		return used + 1, errParted(msgExpectingEnd)
	}
	used += 2
	startS, endS := rest[0], rest[1]
	err := changeLabel(s.h, s.dev, func(lp **Label) error {
		l := *lp
		if l == nil {
			return partedf(fmtUnrecognised, s.dev)
		}
		if l.Type == labelMsdos && !slices.Contains([]string{"primary", "extended", "logical"}, name) {
			return partedf(fmtBadPartType, name)
		}
		n := s.disk.Sectors
		start, sr, err := location(startS, s.unit, n)
		if err != nil {
			return err
		}
		end, er, err := location(endS, s.unit, n)
		if err != nil {
			return err
		}
		if start >= n+sr {
			return partedf(msgOutside, startS, s.dev)
		}
		if end >= n+er {
			return partedf(msgOutside, endS, s.dev)
		}
		first, last := l.usable(n)
		part, ok := place(l, first, last, start, sr, end, er)
		if !ok {
			return errParted(msgNoConstraint)
		}
		part.Number = l.nextNumber()
		if l.Type == labelGPT {
			part.Name = name
		} else {
			part.Type = name
		}
		l.Parts = append(l.Parts, part)
		slices.SortFunc(l.Parts, func(a, b Part) int { return int(a.Start - b.Start) })
		return blockdev.Create(s.h, PartitionPath(s.dev, part.Number), blockdev.Device{
			Sectors: part.Sectors(), Major: s.disk.Major, Minor: s.disk.Minor + part.Number, Backing: s.dev,
		})
	})
	return used, err
}

func looksLikeLocation(w string) bool {
	return w != "" && (w[0] == '-' || w[0] == '.' || (w[0] >= '0' && w[0] <= '9'))
}

// place finds the partition parted would make: within the free region that
// can hold it, the start and end closest to those asked for, each allowed
// to move by its radius.
func place(l *Label, first, last, start, sr, end, er int64) (Part, bool) {
	lo := first
	regions := [][2]int64{}
	for _, p := range l.Parts {
		if p.Start > lo {
			regions = append(regions, [2]int64{lo, p.Start - 1})
		}
		lo = max(lo, p.End+1)
	}
	if lo <= last {
		regions = append(regions, [2]int64{lo, last})
	}
	for _, r := range regions {
		sLo, sHi := max(r[0], start-sr), min(r[1], start+sr)
		eLo, eHi := max(r[0], end-er), min(r[1], end+er)
		if sLo > sHi || eLo > eHi {
			continue
		}
		s := min(max(start, sLo), sHi)
		e := min(max(end, eLo), eHi)
		if e < s {
			continue
		}
		return Part{Start: s, End: e}, true
	}
	return Part{}, false
}

func (s *session) set(num, flag, st string) error {
	if num == "" {
		return errParted(msgExpectingPart)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return errParted(msgExpectingPart)
	}
	if flag == "" {
		return errParted(msgExpectingFlag)
	}
	var on bool
	switch strings.ToLower(st) {
	case "on":
		on = true
	case "off":
	default:
		return errParted(msgExpectingState)
	}
	return changeLabel(s.h, s.dev, func(lp **Label) error {
		l := *lp
		if l == nil {
			return partedf(fmtUnrecognised, s.dev)
		}
		part := l.find(n)
		if part == nil {
			return errParted(msgNoPartition)
		}
		if !slices.Contains(l.flags(), flag) {
			return partedf(fmtFlagUnavailable, flag, l.Type)
		}
		part.setFlag(flag, on, l.flags())
		return nil
	})
}

func (s *session) rm(num string) error {
	n, err := strconv.Atoi(num)
	if err != nil {
		return errParted(msgExpectingPart)
	}
	return changeLabel(s.h, s.dev, func(lp **Label) error {
		l := *lp
		if l == nil {
			return partedf(fmtUnrecognised, s.dev)
		}
		if l.find(n) == nil {
			return errParted(msgNoPartition)
		}
		l.Parts = slices.DeleteFunc(l.Parts, func(p Part) bool { return p.Number == n })
		return blockdev.Remove(s.h, PartitionPath(s.dev, n))
	})
}

func (s *session) print() error {
	l, err := s.label()
	if err != nil {
		return err
	}
	fmt.Fprint(s.out, Print(s.dev, s.disk, l, s.unit))
	return nil
}

// Print formats parted 1.8.1's print of a disk with label l, positions in
// unit ("compact" for parted's default, "s" for sectors).
func Print(dev string, d blockdev.Device, l *Label, unit string) string {
	var b strings.Builder
	model := modelUnknown
	if d.Major == xenDiskMajor {
		model = modelXen
	}
	fmt.Fprintf(&b, fmtModel, model)
	fmt.Fprintf(&b, fmtDisk, dev, format(d.Sectors, unit))
	b.WriteString(msgSectorSize)
	fmt.Fprintf(&b, fmtTable, l.Type)
	b.WriteString("\n")
	var rows [][]string
	if l.Type == labelGPT {
		rows = append(rows, []string{"Number", "Start", "End", "Size", "File system", "Name", "Flags"})
	} else {
		rows = append(rows, []string{"Number", "Start", "End", "Size", "Type", "File system", "Flags"})
	}
	for _, p := range l.Parts {
		kind := p.Name
		if l.Type == labelMsdos {
			kind = p.Type
		}
		row := []string{fmt.Sprintf("%2d", p.Number), format(p.Start, unit), format(p.End, unit), format(p.Sectors(), unit)}
		if l.Type == labelGPT {
			row = append(row, "", kind, strings.Join(p.Flags, ", "))
		} else {
			row = append(row, kind, "", strings.Join(p.Flags, ", "))
		}
		rows = append(rows, row)
	}
	b.WriteString(table(rows))
	b.WriteString("\n")
	return b.String()
}

// table renders rows as parted's table does: every cell padded to its
// column's width, columns two spaces apart.
func table(rows [][]string) string {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c + strings.Repeat(" ", width[i]-len(c)))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// EnsureSpare gives a host its spare disk, /dev/xvdb, unless it has one: lab
// init calls it on every host and must never reset a disk a run has
// partitioned. It takes no lock; the caller holds the lab's.
func EnsureSpare(h host.Host) error {
	_, ok, err := blockdev.Get(h, spareDisk)
	if err != nil || ok {
		return err
	}
	return blockdev.Create(h, spareDisk, blockdev.Device{Sectors: spareSectors, Major: xenDiskMajor, Minor: spareMinor})
}
