package coreutils

// What cat and module-init-tools 3.3 print, each in one place.
const (
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
)
