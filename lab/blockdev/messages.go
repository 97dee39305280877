package blockdev

// What blkid of e2fsprogs 1.39 prints, each in one place. The few messages
// the lab adds say "lab".
const (
	fmtLabError    = "%s: lab: %v"
	fmtNotEmulated = "%s: lab: %s is not emulated in the lab"

	msgBlkidVersion = "blkid 1.0.0 (12-Feb-2003)\n"
	fmtBlkidTag     = "%s=\"%s\" " // every tag is followed by a space
	fmtBlkidUsage   = "usage:\tblkid [-c <file>] [-ghl] [-o format] [-s <tag>] [-t <token>]\n    [-w <file>] [dev ...]\n"
)
