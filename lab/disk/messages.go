package disk

// What parted 1.8.1 prints, each in one place. Where a message comes from the
// real sources its wording is theirs; the few the lab adds say "lab".
const (
	partedBanner       = "GNU Parted 1.8.1\nUsing %s\nWelcome to GNU Parted! Type 'help' to view a list of commands.\n"
	partedPrompt       = "(parted) "
	fmtUnrecognised    = "Error: Unable to open %s - unrecognised disk label."
	fmtCouldNotStat    = "Error: Could not stat device %s - No such file or directory."
	fmtBadLabelType    = "parted: invalid token: %s"
	msgExpectingType   = "Error: Expecting a disk label type."
	msgExpectingPart   = "Error: Expecting a partition number."
	msgNoPartition     = "Error: Partition doesn't exist."
	msgExpectingFlag   = "Error: Expecting a flag."
	fmtBadFlag         = "parted: invalid token: %s"
	fmtFlagUnavailable = "Error: The flag '%s' is not available for %s disk labels."
	msgExpectingState  = "Error: Expecting ON or OFF."
	msgExpectingStart  = "Error: Expecting a start position."
	msgExpectingEnd    = "Error: Expecting an end position."
	fmtBadNumber       = "Error: \"%s\" is an invalid number."
	msgExpectingType2  = "Error: Expecting a partition type."
	fmtBadPartType     = "parted: invalid token: %s"
	msgNoConstraint    = "Error: Unable to satisfy all constraints on the partition."
	msgOutside         = "Error: The location %s is outside of the device %s."
	fmtBadUnit         = "parted: invalid token: %s"
	fmtUnknownCommand  = "parted: invalid token: %s"
	msgUsage           = "Usage: parted [OPTION]... [DEVICE [COMMAND [PARAMETERS]...]...]"
	fmtNotEmulated     = "parted: %s is not emulated in the lab"

	fmtModel       = "Model: %s\n"
	fmtDisk        = "Disk %s: %s\n"
	msgSectorSize  = "Sector size (logical/physical): 512B/512B\n"
	fmtTable       = "Partition Table: %s\n"
	modelXen       = "Xen Virtual Block Device (xvd)"
	modelUnknown   = "Unknown (unknown)"
	xenDiskMajor   = 202
	spareDisk      = "/dev/xvdb"
	spareSectors   = 2097152 // 1 GiB
	spareMinor     = 16
	labelGPT       = "gpt"
	labelMsdos     = "msdos"
	gptFirstUsable = 34 // protective MBR, header, 32 sectors of entries
	gptTail        = 33 // 32 sectors of entries and the backup header
	msdosFirst     = 63 // parted 1.8 starts msdos partitions on track 1
)
