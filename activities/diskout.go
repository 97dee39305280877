package activities

import "regexp"

// PartedTable is what `parted -s DISK print` (parted 1.8.1) says about a
// disk that has a label:
//
//	Disk /dev/xvdb: 1074MB
//	Partition Table: gpt
//
//	Number  Start   End     Size    File system  Name     Flags
//	 1      17.4kB  1074MB  1074MB               primary  lvm
type PartedTable struct {
	// SizeMB is the disk's size as parted prints it, "" when it is not
	// there; mkpart takes it back as the end of the partition.
	SizeMB string
	GPT    bool
	// Partitions counts the partitions listed.
	Partitions int
	// LVMOne is partition 1 with the lvm flag.
	LVMOne bool
}

var (
	partedDisk = regexp.MustCompile(`(?m)^Disk /dev/\S+: (\d+)MB$`)
	partedGPT  = regexp.MustCompile(`(?m)^Partition Table: gpt$`)
	partedOne  = regexp.MustCompile(`(?m)^ 1\s.*\blvm\s*$`)
	partedAny  = regexp.MustCompile(`(?m)^ \d+\s`)
)

// ParseParted reads the output of `parted -s DISK print`.
func ParseParted(text string) PartedTable {
	t := PartedTable{
		GPT:        partedGPT.MatchString(text),
		Partitions: len(partedAny.FindAllString(text, -1)),
		LVMOne:     partedOne.MatchString(text),
	}
	if m := partedDisk.FindStringSubmatch(text); m != nil {
		t.SizeMB = m[1]
	}
	return t
}
