package gnbd

// What gnbd 1.1.5's tools print, each in one place. The wording is the real
// sources' (gnbd_serv.c, gnbd_export.c, gnbd_import.c, gnbd_recvd.c,
// gnbd_monitor.c, trans.c); the few messages the lab adds say "lab".
//
// The tools print their messages with a fixed program name, not argv[0]:
// printm is "NAME: message" on stdout, printe "NAME: ERROR message" on
// stderr. glibc's getopt (package getopt) prefixes its own complaints
// with argv[0].
const (
	progServ    = "gnbd_serv"
	progExport  = "gnbd_export"
	progImport  = "gnbd_import"
	progRecvd   = "gnbd_recvd"
	progMonitor = "gnbd_monitor"

	fmtNotEmulated = "%s: lab: %s is not emulated in the lab"
	fmtLabError    = "%s: lab: %v"
	fmtPrintm      = "%s: "       // program name
	fmtPrinte      = "%s: ERROR " // program name
	msgUseH        = "Please use '-h' for usage."
	msgUseHLower   = "please use '-h' for usage."
	msgSeeMan      = "Please see man page for details."
	fmtVersion     = "%s 1.1.5 (built Jun 26 2008 09:37:12)\nCopyright (C) Red Hat, Inc.  2004  All rights reserved.\n" // argv[0] (gnbd_serv: its name)

	// strerror(3) of the errors the tools report.
	errConnRefused = "Connection refused"
	errNoEnt       = "No such file or directory"
	errBusy        = "Device or resource busy"
	errNoDev       = "No such device"
	errNotSup      = "Operation not supported"
	errNoSpace     = "No space left on device"
	errNoRoute     = "No route to host"

	// Cluster manager, shared by gnbd_serv and gnbd_import.
	fmtNoNodeName = "cannot get node name : %s"
	msgUseN       = "If you are not planning to use a cluster manager, use -n"
	msgQuietVerb  = "cannot use both -q and -v options\nPlease use '-h' for usage."

	// gnbd_serv.
	msgServUsage = "Usage:\n" +
		"\n" +
		"gnbd_serv [options]\n" +
		"\n" +
		"Options:\n" +
		"  -h               print this help message\n" +
		"  -k               kill the currently running gnbd_serv\n" +
		"  -K               kill gnbd_serv even if there are exported devices\n" +
		"  -n               No cluster. Do not contact cluster manager\n" +
		"  -p <port>        port to start the gnbd_server on (default is 14567)\n" +
		"  -q               quiet mode.  Only print errors.\n" +
		"  -v               verbose output\n" +
		"  -V               version information\n"
	msgServNotRunning   = "gnbd_serv not running"
	msgServShuttingDown = "gnbd_serv shutting down"
	msgServKilled       = "gnbd_serv killed"
	msgServStarted      = "startup succeeded"
	msgServRunning      = "gnbd_serv already running"
	fmtShutdownFailed   = "shutdown request failed : %s"
	fmtConnectServ      = "error connecting to gnbd_serv: %s"
	fmtServBadPort      = "invalid port %s with -p\nPlease see man page for details."

	// gnbd_export.
	msgExportUsage = "Usage:\n" +
		"\n" +
		"gnbd_export [options]\n" +
		"\n" +
		"Options:\n" +
		"  -a               validate the servers, and remove the bad ones\n" +
		"  -c               enable caching (used with -e)\n" +
		"  -d <device>      the device to create a GNBD on\n" +
		"  -e <GNBD>        export the specified GNBD\n" +
		"  -h               print this help message\n" +
		"  -l               list the exported GNBDS (default)\n" +
		"  -L               list the server processes\n" +
		"  -O               Force unexport. (used with -r and -R)\n" +
		"  -o               export device readonly (used with -e)\n" +
		"  -q               quiet mode\n" +
		"  -R               unexport all GNBDs\n" +
		"  -r [GNBD | list] unexport the specified GNBD(s)\n" +
		"  -t <seconds>     set the timeout duration\n" +
		"  -u <uid>         manually set the Unique ID of a device (used with -e)\n" +
		"  -U[command]      command to get the Unique ID of a device (used with -e)\n" +
		"                   If no command is specificed, the default is\n" +
		"                   \"/sbin/gnbd_get_uid %n\"\n" +
		"  -v               verbose output (useful with -l)\n" +
		"  -V               version information\n"
	fmtIncompatible   = "flags -%c and -%c are not compatible"
	fmtBadTimeout     = "invalid timeout '%s' with -t\n" + msgSeeMan
	msgCachedUID      = "the -c option may not be used with the -u or -U option\n" + msgSeeMan
	msgCachedTimeout  = "the -t option may not be used with the -c option\n" + msgSeeMan
	msgOnlyWithE      = "the -c, -t, -d , -u and -U flags may only be used with -e\n" + msgSeeMan
	msgOnlyWithR      = "the -O option mhy only be used with -r or -R.\n" + msgSeeMan // sic
	fmtExtraOperand   = "extra operand for action: %s"
	msgNeedD          = "The -d option must be specified with -e.\n" + msgSeeMan
	msgUidBoth        = "the -u and -U options cannot be used together.\n" + msgSeeMan
	msgMissingOperand = "missing operand for remove action"
	fmtBadName        = "server name %s is invalid. Names cannot contain a '/'"
	fmtCreateFailed   = "create request failed : %s"
	fmtCreated        = "created GNBD %s serving file %s"
	fmtRemoveFailed   = "remove request failed : %s"
	fmtInvalidFailed  = "invalidate request failed : %s"
	fmtRemoved        = "removed GNBD %s"
	msgNoExports      = "no exported GNBDs"
	msgValidated      = "removed invalid server processes"
	msgNoGserv        = "no server processes"
	msgGservHeader    = "  pid       client      device\n--------------------------------"
	fmtGservLine      = "%5d  %15s  %s" // pid, client node, export
	// fmtExportBlock is one export of `gnbd_export -l`; the name is
	// followed by " (invalid)" or by the space of an empty flag.
	fmtExportBlock = "Server[%d] : %s %s\n" +
		"--------------------------\n" +
		"      file : %s\n" +
		"   sectors : %d\n" +
		"  readonly : %s\n" +
		"    cached : %s\n"
	fmtExportTimeout = "   timeout : %d\n"
	msgExportNoTmo   = "   timeout : no\n"
	fmtExportUID     = "       uid : %s\n"

	// gnbd_import.
	msgImportUsage = "Usage:\n" +
		"\n" +
		"gnbd_import [options]\n" +
		"\n" +
		"Options:\n" +
		"  -a               validate all imported GNBDs, and remove the invalid ones\n" +
		"  -c <server>      list all nodes currently IO fenced from the server\n" +
		"  -e <server>      list all GNBDs exported by the server\n" +
		"  -h               print this help message\n" +
		"  -i <server>      import all GNBDs from the server\n" +
		"  -l               list all imported GNBDs [default action]\n" +
		"  -n               No cluster. Do not contact the cluster manager\n" +
		"  -O               Override prompts\n" +
		"  -p <port>        change the port to check on the GNBD server [default 14567]\n" +
		"  -q               quiet mode.\n" +
		"  -R               remove all imported GNBDs\n" +
		"  -r [GNBD | list] remove specified GNBD(s)\n" +
		"  -s <host>        IO fence the host (from known servers by default)\n" +
		"  -t <server>      specify a server for the IO fence (with -s or -u)\n" +
		"  -u <host>        unfence the host (from known servers by default)\n" +
		"  -U <GNBD>        get the Universal Identifier for the specified GNBD\n" +
		"  -V               version information\n" +
		"  -v               verbose output\n" +
		"\n"
	msgTOnlyWithSU      = "-t can only be used with -s or -u\n" + msgSeeMan
	fmtImportBadPort    = "invalid port number, %s\n" + msgSeeMan
	msgNoModule         = "could not find gnbd registered in /proc/devices.  This\nprobably means that you have not loaded the gnbd module."
	msgCreatedDir       = "created directory /dev/gnbd"
	fmtCannotConnect    = "cannot connect to server %s (%d) : %s"
	fmtRequestFailed    = "request to %s failed : %s"
	msgUncachedN        = "cannot import uncached devices while using the -n option\n" + msgSeeMan
	fmtImported         = "created gnbd device %s"
	fmtMonitorStarted   = "gnbd_monitor started. Monitoring device #%d"
	msgRecvdStarted     = "gnbd_recvd started"
	fmtRestartedRecvd   = "restarted gnbd_recvd for gnbd device %s"
	fmtNoReimport       = "cannot reimport uncached GNBD %s"
	fmtReimporting      = "reimporting device %s on server %s, port %d"
	fmtCannotDisconnect = "cannot disconnect device #%d : %s"
	fmtImportRemoved    = "removed gnbd device %s"
	fmtCannotFind       = "cannot find device '%s'"
	fmtWaitingUsers     = "waiting for all users to close device %s"
	fmtWaitsForever     = "%s: lab: %s stays open; the real gnbd_import waits here until it is closed"
	msgNoMinor          = "No available minor numbers"
	fmtNeedT            = "you must use -t with %s\n" + msgSeeMan
	// fmtImportBlock is one device of `gnbd_import -l`, blank line
	// included.
	fmtImportBlock = "Device name : %s\n" +
		"----------------------\n" +
		"    Minor # : %d\n" +
		" sysfs name : /block/gnbd%d\n" +
		"     Server : %s\n" +
		"       Port : %d\n" +
		"      State : %s %s %s\n" +
		"   Readonly : %s\n" +
		"    Sectors : %d\n\n"
)
