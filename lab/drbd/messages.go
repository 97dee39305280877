package drbd

// What drbdadm, and the drbdsetup and drbdmeta it runs, print in DRBD 8.2.6,
// each in one place. The wording is the 8.2 sources'; where this lab could
// not verify a text against 8.2.6 itself, the doc of package drbd says so.
const (
	fmtNotEmulated  = "%s: %s is not emulated in the lab"
	fmtCannotOpen   = "Can not open '%s': No such file or directory" // no newline: drbdadm prints none
	fmtCannotOpenC  = "Can not open '%s'.\n."                        // -c FILE; the stray dot is drbdadm's
	fmtUnknownCmd   = "Unknown command '%s'."
	fmtNotDefined   = "'%s' not defined in your config."
	msgNoResources  = "no resources defined!"
	fmtBadLongOpt   = "%s: unrecognized option `%s'\ntry '%s help'"
	fmtBadShortOpt  = "%s: invalid option -- %c\ntry '%s help'"
	fmtNeedsArg     = "%s: option requires an argument -- %c\ntry '%s help'"
	fmtCommand      = "Command '%s' terminated with exit code %d"
	fmtExited       = "%s %s %s: exited with code %d"
	msgMissingArgs  = "missing arguments"
	msgMissingRes   = "missing resourcename arguments"
	fmtUsageHead    = "\nUSAGE: %s [OPTION...] [-- DRBDSETUP-OPTION...] COMMAND {all|RESOURCE...}\n\nOPTIONS:\n"
	msgUsageOptions = " {--dry-run|-d}\n {--verbose|-v}\n {--config-file|-c} val\n {--drbdsetup|-s} val\n {--drbdmeta|-m} val\n {--drbd-proxy-ctl|-p} val\n {--sh-varname|-n} val\n {--force|-f}\n"
	msgVersion      = "\nVersion: 8.2.6 (api:88)\nGIT-hash: 3e69822d3bb4920a8c1bfdf7d647169eba7d2eb4 build by buildsvn@c5-i386-build, 2008-10-03 11:42:32\n"

	// drbdsetup.
	msgNoModule        = "Could not stat(\"/proc/drbd\"): No such file or directory\ndo you need to load the module?\ntry: modprobe drbd\n"
	msgMinorInvalid    = "Failure: (127) Device minor not allocated\n"
	msgNoDisk          = "Failure: (104) Can not open backing device.\n"
	msgNoMeta          = "Failure: (119) No valid meta-data signature found.\n\n\t==> Use 'drbdadm create-md res' to initialize meta-data area. <==\n\n"
	msgHaveDisk        = "Failure: (124) Device is attached to a disk (use detach first)\n"
	msgHaveNet         = "Failure: (125) Device has a net-config (use disconnect first)\n"
	fmtStateFailed     = "State change failed: (%d) %s\n"
	fmtSetupBadOpt     = "drbdsetup %s: unrecognized option '%s'\n"
	exitStateChange    = 11
	exitSetupFailure   = 10
	exitMetaNoValidMD  = 255
	drbdMajor          = 147
	defaultMinorCount  = 32
	minorCountParam    = "/sys/module/drbd/parameters/minor_count"
	overwriteLong      = "--overwrite-data-of-peer"
	overwriteShort     = "-o"
	metaFormat         = "v08"
	internalMeta       = "internal"
	setDefaults        = "--set-defaults"
	createDevice       = "--create-device"
	unconfiguredAnswer = "Unconfigured\n"
	// fmtUnconfiguredMinor is an allocated minor with nothing configured,
	// as /proc/drbd shows it.
	fmtUnconfiguredMinor = "%2d: cs:Unconfigured\n"
	discardLong          = "--discard-my-data"
	discardShort         = "-D"

	// The kernel module's messages (drbd_receiver.c), after "drbdN: ".
	msgSplitBrain       = "Split-Brain detected, dropping connection!"
	fmtSplitBrainSolved = "Split-Brain detected, manually solved. Sync from %s node" // "this" or "peer"
	msgTargetPrimary    = "I shall become SyncTarget, but I am primary!"

	// drbdmeta.
	fmtOpenFailed     = "open(%s) failed: No such file or directory\n"
	fmtConfigured     = "Device '%s' is configured!\n"
	msgV07NotFound    = "v07 Magic number not found\n"
	msgV08NotFound    = "v08 Magic number not found\n"
	msgNoValidMD      = "No valid meta data found\n"
	fmtExistingMD     = "You want me to create a v08 style flexible-size internal meta data block.\nThere apears to be a v08 flexible-size internal meta data block\nalready in place on %s at byte offset %d"
	msgOverwriteMD    = "\nDo you really want to overwrite the existing v08 meta-data?\n[need to type 'yes' to confirm] "
	msgCancelled      = "Operation cancelled.\n"
	msgCreatedMD      = "Writing meta data...\ninitialising activity log\nNOT initialized bitmap\nNew drbd meta data block sucessfully created.\n"
	msgNoMDToWipe     = "There apears to be no drbd meta data to wipe out?\n"
	msgWipedMD        = "Wiping meta data...\nDRBD meta data block successfully wiped out.\n"
	fmtExternalMeta   = "external meta data (%s) is not emulated in the lab\n"
	consistentUnknown = "Consistent/DUnknown\n"
	inconsistentUnkwn = "Inconsistent/DUnknown\n"
)

// usageCommands are drbdadm 8.2's commands of its usage, in its order.
var usageCommands = []string{
	"attach", "detach", "connect", "disconnect", "up", "down", "primary", "secondary",
	"invalidate", "invalidate-remote", "outdate", "resize", "syncer", "verify",
	"pause-sync", "resume-sync", "adjust", "wait-connect", "wait-con-int", "state",
	"cstate", "dstate", "dump", "dump-xml", "create-md", "show-gi", "get-gi",
	"dump-md", "wipe-md", "hidden-commands",
}

// configFiles are where drbdadm 8.2 looks for its configuration, in order.
var configFiles = []string{"/etc/drbd-82.conf", "/etc/drbd-08.conf", "/etc/drbd.conf"}
