package multipath

// What device-mapper-multipath 0.4.7-17.el5 prints, each in one place: the
// topology formats of print.c, the init script's lines (RHEL 5's
// /etc/init.d/functions, printed without the terminal's colour codes, as
// the lab's cman script does), the bindings file's header (alias.h). The
// messages the lab adds say "lab".
const (
	fmtNotEmulated = "%s: lab: %s is not emulated in the lab"
	fmtLabError    = "%s: lab: %v"

	// Topology (multipath -l, -ll, and what multipath prints as it
	// creates or reloads maps).
	fmtMapLine   = "%s%s%s %s %s"                             // action prefix, name, " (wwid)", sysfs name, vendor,product
	fmtMapProps  = "[size=%s][features=%s][hwhandler=%s]"     // size, features, hardware handler
	fmtPGLine    = "\\_ %s [prio=%d][%s]"                     // selector, priority, state
	fmtPathLine  = " \\_ %s %-*s %-*s [%s][%s]"               // hcil, dev, dev_t, dm state, checker state
	hcilNone     = "#:#:#:#"                                  // a path that is not a SCSI device
	vendorGNBD   = "GNBD,GNBD"                                // what multipath reads as vendor and product of a GNBD
	selector     = "round-robin 0"                            // the default path selector
	features     = "0"                                        // no features for GNBD
	hwHandler    = "0"                                        // no hardware handler for GNBD
	stateActive  = "active"                                   // a path or group the kernel uses
	stateFailed  = "failed"                                   // a path the kernel failed
	stateUndef   = "undef"                                    // not known (not asked, or not loaded yet)
	checkReady   = "ready"                                    // the path checker's verdict on a working path
	checkFaulty  = "faulty"                                   // and on a dead one
	actionCreate = "create"                                   // multipath created the map
	actionReload = "reload"                                   // multipath reloaded it with new paths
	fmtInUse     = "%s: map in use"                           // flushing a map something holds
	msgUsage     = "multipath-tools v0.4.7 (03/12, 2006)\n" + // the usage of multipath
		"Usage: multipath\t[-v level] [-d] [-h|-l|-ll|-f|-F]\n" +
		"\t\t\t[-p failover|multibus|group_by_serial|group_by_prio]\n" +
		"\t\t\t[device]\n" +
		"\n" +
		"\t-v0\tprint nothing\n" +
		"\t-v1\tprint created devmap names only\n" +
		"\t-v2\tprint all info : paths, groups, devmaps\n" +
		"\t-v3\tprint debug messages (default level)\n" +
		"\t-h\tprint this usage text\n" +
		"\t-b fil\tbindings file location\n" +
		"\t-d\tdry run, do not create or update devmaps\n" +
		"\t-l\tshow multipath topology (sysfs and DM info)\n" +
		"\t-ll\tshow multipath topology (maximum info)\n" +
		"\t-f\tflush a multipath device map\n" +
		"\t-F\tflush all multipath device maps\n" +
		"\t-p\tforce all maps to specified policy :\n" +
		"\t   failover\t\t1 path per priority group\n" +
		"\t   multibus\t\tall paths in 1 priority group\n" +
		"\t   group_by_serial\t1 priority group per serial\n" +
		"\t   group_by_prio\t1 priority group per priority lvl\n" +
		"\t   group_by_node_name\t1 priority group per target node\n" +
		"\n" +
		"\tdevice\tlimit scope to the device's multipath\n" +
		"\t\t(udev-style $DEVNAME reference, eg /dev/sdb\n" +
		"\t\tor major:minor or a device map name)\n"

	// The bindings file.
	bindingsHeader = "# Multipath bindings, Version : 1.0\n" +
		"# NOTE: this file is automatically maintained by the multipath program.\n" +
		"# You should not need to edit this file in normal circumstances.\n" +
		"#\n" +
		"# Format:\n" +
		"# alias wwid\n" +
		"#\n"

	// /etc/init.d/multipathd.
	msgStarting      = "Starting multipathd daemon: "
	msgStopping      = "Stopping multipathd daemon: "
	msgReloading     = "Reloading multipathd: "
	msgOK            = "[  OK  ]"
	msgFAILED        = "[FAILED]"
	fmtStatusRunning = "multipathd (pid %d) is running..."
	msgStatusLocked  = "multipathd dead but subsys locked"
	msgStatusStopped = "multipathd is stopped"
	fmtInitUsage     = "Usage: %s {start|stop|status|restart|condrestart|reload}"
)
