package coreutils

// What coreutils 5.97 (cat, ls, touch, df), util-linux 2.13 (mount,
// umount, dmesg) and module-init-tools 3.3 print, each in one place. The few
// messages the lab adds say "lab".
const (
	fmtLabError    = "%s: lab: %v"
	fmtNotEmulated = "%s: lab: %s is not emulated in the lab"

	fmtCatMissing  = "cat: %s: No such file or directory"
	fmtCatIsDir    = "cat: %s: Is a directory"
	fmtCatBadOpt   = "cat: invalid option -- %c\nTry `cat --help' for more information."
	fmtNotFound    = "FATAL: Module %s not found."
	fmtInUse       = "FATAL: Module %s is in use."
	fmtNotInKernel = "FATAL: Module %s is not in kernel."
	msgModprobeVer = "module-init-tools 3.3-pre3"
	msgModprobeUse = "Usage: modprobe [-v] [-V] [-C config-file] [-n] [-i] [-q] [-b] [-o <modname>] [ --dump-modversions ] <modname> [parameters...]\n" +
		"modprobe -r [-n] [-i] [-v] <modulename> ...\n" +
		"modprobe -l -t <dirname> [ -a <modulename> ...]"
	msgLsmodHeader = "Module                  Size  Used by"
	fmtLsmodLine   = "%-19s %8s  %s"

	// dmesg of util-linux 2.13, named by its argv[0].
	fmtDmesgUsage = "Usage: %s [-c] [-n level] [-s bufsize]"

	// mount and umount of util-linux 2.13.
	fmtMountUsage     = "Usage: mount -V                 : print version\n       mount -h                 : print this help\n       mount                    : list mounted filesystems\n       mount -l                 : idem, including volume labels\nSo far the informational part. Next the mounting.\nThe command is `mount [-t fstype] something somewhere'.\n"
	fmtNoFstab        = "mount: can't find %s in /etc/fstab or /etc/mtab"
	fmtSpecialMissing = "mount: special device %s does not exist"
	msgNeedType       = "mount: you must specify the filesystem type"
	fmtUnknownType    = "mount: unknown filesystem type '%s'"
	fmtWrongFS        = "mount: wrong fs type, bad option, bad superblock on %s,\n       missing codepage or other error\n       In some cases useful info is found in syslog - try\n       dmesg | tail  or so\n"
	fmtNotMountedU    = "umount: %s: not mounted"
	fmtMountLine      = "%s on %s type %s (%s)"

	// ls, touch, df of coreutils 5.97.
	fmtLsMissing    = "ls: %s: No such file or directory"
	fmtLsBadOpt     = "ls: invalid option -- %c\nTry `ls --help' for more information."
	fmtTouchMissing = "touch: cannot touch `%s': No such file or directory"
	fmtTouchBadOpt  = "touch: invalid option -- %c\nTry `touch --help' for more information."
	msgTouchNoFile  = "touch: missing file operand\nTry `touch --help' for more information."
	fmtDfMissing    = "df: `%s': No such file or directory"
	fmtDfBadOpt     = "df: invalid option -- %c\nTry `df --help' for more information."
)
