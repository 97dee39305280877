package gfs2

// What gfs2-utils 0.1.44 (mkfs.gfs2, gfs2_grow and gfs2_jadd, one binary
// told apart by its name; mount.gfs2; gfs2_tool) prints, each in one place.
// gfs2-utils' die() prefixes argv[0]. The few messages the lab adds say "lab".
const (
	fmtLabError    = "%s: lab: %v"
	fmtNotEmulated = "%s: lab: %s is not emulated in the lab"
	fmtDie         = "%s: " // argv[0], gfs2-utils' die() and mount.gfs2's warn()

	// mkfs.gfs2 (main_mkfs.c, locking.c).
	fmtMkfsUsage = "Usage:\n" +
		"\n" +
		"%s [options] <device>\n" +
		"\n" +
		"Options:\n" +
		"\n" +
		"  -b <bytes>       Filesystem block size\n" +
		"  -c <MB>          Size of quota change file\n" +
		"  -D               Enable debugging code\n" +
		"  -h               Print this help, then exit\n" +
		"  -J <MB>          Size of journals\n" +
		"  -j <num>         Number of journals\n" +
		"  -O               Don't ask for confirmation\n" +
		"  -p <name>        Name of the locking protocol\n" +
		"  -q               Don't print anything\n" +
		"  -r <MB>          Resource Group Size\n" +
		"  -t <name>        Name of the lock table\n" +
		"  -u <MB>          Size of unlinked file\n" +
		"  -V               Print program version information, then exit\n"
	msgUseH            = "Please use '-h' for usage."
	fmtVersion         = "%s 0.1.44 (built Jun 26 2008 09:41:03)\nCopyright (C) Red Hat, Inc.  2004-2006  All rights reserved.\n"
	msgNoDevice        = "no device specified (try -h for help)"
	msgTwoDevices      = "More than one device specified (try -h for help)"
	msgTableSpace      = "locktable error: contains space characters"
	msgTableNoColon    = "locktable error: missing colon in the locktable"
	msgTableNoCluster  = "locktable error: missing cluster name"
	msgTableLongClust  = "locktable error: cluster name too long"
	msgTableTwoColons  = "locktable error: more than one colon present"
	msgTableNoFS       = "locktable error: missing filesystem name"
	msgTableLongFS     = "locktable error: filesystem name too long"
	fmtBadProto        = "lockproto error: %s unknown"
	msgBadBlockSize    = "block size must be a power of two between 512 and 65536"
	msgBadRGSize       = "bad resource group size"
	msgNoJournals      = "no journals specified"
	msgBadJournalSize  = "bad journal size"
	msgBadUnlinkedSize = "bad unlinked size"
	msgBadQCSize       = "bad quota change size"
	fmtCantOpenDevice  = "can't open device %s: %s"
	fmtDestroy         = "This will destroy any data on %s."
	fmtAppearsContain  = "  It appears to contain a %s %s."
	msgProceed         = "\nAre you sure you want to proceed? [y/n] "
	msgAborted         = "aborted"
	fmtTooSmall        = "device %s is way too small (%d bytes)"
	msgNoJournalRoom   = "lab: the journals do not fit on the device"
	fmtMkfsResults     = "Device:                    %s\n" +
		"Blocksize:                 %d\n" +
		"Device Size                %.2f GB (%d blocks)\n" +
		"Filesystem Size:           %.2f GB (%d blocks)\n" +
		"Journals:                  %d\n" +
		"Resource Groups:           %d\n" +
		"Locking Protocol:          \"%s\"\n" +
		"Lock Table:                \"%s\"\n" +
		"\n"

	// gfs2_grow (main_grow.c) and gfs2_jadd (main_jadd.c).
	msgGrowUsage = "Usage:\n" +
		"\n" +
		"gfs2_grow [options] /path/to/filesystem\n" +
		"\n" +
		"Options:\n" +
		"  -h               Usage information\n" +
		"  -q               Quiet, reduce verbosity\n" +
		"  -T               Test, do everything except update FS\n" +
		"  -V               Version information\n" +
		"  -v               Verbose, increase verbosity\n"
	fmtJaddUsage = "Usage:\n" +
		"\n" +
		"%s [options] /path/to/filesystem\n" +
		"\n" +
		"Options:\n" +
		"\n" +
		"  -c <MB>           Size of quota change file\n" +
		"  -D                Enable debugging code\n" +
		"  -h                Print this help, then exit\n" +
		"  -J <MB>           Size of journals\n" +
		"  -j <num>          Number of journals\n" +
		"  -q                Don't print anything\n" +
		"  -V                Print program version information, then exit\n"
	msgTestMode        = "(Test mode--File system will not be changed)"
	fmtCantOpenRoot    = "can't open root directory %s: %s"
	fmtNotMounted      = "gfs2 Filesystem %s is not mounted."
	msgNoPath          = "no path specified (try -h for help)"
	fmtUnrecognizedOpt = "Unrecognized option: %s"
	fmtGrowInfo        = "FS: Mount Point: %s\n" +
		"FS: Device:      %s\n" +
		"FS: Size:        %d (0x%x)\n" +
		"FS: RG size:     %d (0x%x)\n" +
		"DEV: Size:       %d (0x%x)\n" +
		"The file system grew by %dMB.\n"
	msgGrowTooSmall = "Error: The device has grown by less than one Resource Group (RG).\n"
	fmtGrewBy       = "The device grew by %dMB.  "
	fmtOneRG        = "One RG is %dMB for this file system.\n"
	msgGrowComplete = "gfs2_grow complete."
	fmtJaddResults  = "Filesystem:            %s\n" +
		"Old Journals           %d\n" +
		"New Journals           %d\n"
	fmtBadWrite = "bad write: %s on line 424 of file main_jadd.c"

	// gfs2_tool (tool/main.c, tool/misc.c, libgfs2/misc.c), as of June
	// 2008: its usage, and what its journals action prints.
	msgToolUsage = "Clear a flag on a inode\n" +
		"  gfs2_tool clearflag flag <filenames>\n" +
		"\n" +
		"Do a GFS2 specific \"df\":\n" +
		"  gfs2_tool df <mountpoint>\n" +
		"\n" +
		"Freeze a GFS2 cluster:\n" +
		"  gfs2_tool freeze <mountpoint>\n" +
		"\n" +
		"Print the current mount arguments of a mounted filesystem:\n" +
		"  gfs2_tool getargs <mountpoint>\n" +
		"\n" +
		"Get tuneable parameters for a filesystem\n" +
		"  gfs2_tool gettune <mountpoint>\n" +
		"\n" +
		"List the file system's journals:\n" +
		"  gfs2_tool journals <mountpoint>\n" +
		"\n" +
		"List filesystems:\n" +
		"  gfs2_tool list\n" +
		"\n" +
		"Have GFS2 dump its lock state:\n" +
		"  gfs2_tool lockdump <mountpoint> [buffersize]\n" +
		"\n" +
		"Provide arguments for next mount:\n" +
		"  gfs2_tool margs <mountarguments>\n" +
		"\n" +
		"Tune a GFS2 superblock\n" +
		"  gfs2_tool sb <device> proto [newval]\n" +
		"  gfs2_tool sb <device> table [newval]\n" +
		"  gfs2_tool sb <device> ondisk [newval]\n" +
		"  gfs2_tool sb <device> multihost [newval]\n" +
		"  gfs2_tool sb <device> all\n" +
		"\n" +
		"Set a flag on a inode\n" +
		"  gfs2_tool setflag flag <filenames>\n" +
		"\n" +
		"Tune a running filesystem\n" +
		"  gfs2_tool settune <mountpoint> <parameter> <value>\n" +
		"\n" +
		"Shrink a filesystem's inode cache:\n" +
		"  gfs2_tool shrink <mountpoint>\n" +
		"\n" +
		"Unfreeze a GFS2 cluster:\n" +
		"  gfs2_tool unfreeze <mountpoint>\n" +
		"\n" +
		"Print tool version information\n" +
		"  gfs2_tool version\n" +
		"\n" +
		"Withdraw this machine from participating in a filesystem:\n" +
		"  gfs2_tool withdraw <mountpoint>\n"
	fmtUnknownOption = "unknown option: %c"
	msgNoAction      = "no action specified"
	fmtUnknownAction = "unknown action: %s"
	msgAdminLock     = "\nTrying to get admin lock...\n"
	msgGotIt         = "Got it.\n"
	fmtJournal       = "%s - %dMB\n"
	fmtJournalsFound = "%d journal(s) found.\n"

	// mount.gfs2 and umount.gfs2 (mount/util.c, mount/mount.gfs2.c).
	progMountGFS2     = "/sbin/mount.gfs2"
	fmtInvalidDev     = "invalid device path \"%s\""
	fmtInvalidDir     = "invalid mount point path \"%s\""
	fmtNoGFS2         = "there isn't a GFS2 filesystem on %s"
	msgWaitControld   = "waiting for gfs_controld to start"
	msgNoControld     = "gfs_controld not running"
	msgOtherCluster   = "fs is for a different cluster"
	fmtLockprotoError = "error mounting lockproto %s"
	fmtMountError     = "error mounting %s on %s: %s"
	fmtAlreadyMounted = "%s already mounted or %s busy"
)
