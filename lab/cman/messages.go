package cman

// What ccs_tool, cman_tool and the init script of cman 2.0.84 print, each in
// one place. Where a message comes from the real sources its wording is
// theirs; the few the lab adds say "lab".
const (
	// Shared.
	fmtNotEmulated = "%s: %s is not emulated in the lab"

	// ccs_tool.
	ccsProg             = "ccs_tool" // editconf.c hard-codes its prog_name
	fmtCreateExists     = "ccs_tool: %s already exists"
	fmtCreateWriteError = "ccs_tool: Error writing new config file %s"
	msgCreateUsage      = "Usage: ccs_tool create [-2] <clustername>\n" +
		" -2                 Create a 2-node cman cluster config file\n" +
		" -c --configfile    Name of configuration file (/etc/cluster/cluster.conf)\n" +
		" -h --help          Display this help text\n"
	msgCcsUsage = "Usage:\n" +
		"  ccs_tool [options] <command>\n" +
		"\n" +
		"Options:\n" +
		"  -verbose            Make some operations print more details.\n" +
		"  -h                  Print this usage and exit.\n" +
		"  -V                  Print version information and exit.\n" +
		"\n" +
		"Commands:\n" +
		"  help                Print this usage and exit.\n" +
		"  update <xml file>   Tells ccsd to upgrade to new config file version.\n" +
		"  create              Create a skeleton config file\n" +
		"\n"
	msgCcsVersion         = "ccs_tool 2.0.84 (built Jun 23 2008 12:10:37)\nCopyright (C) Red Hat, Inc.  2004  All rights reserved.\n"
	fmtCcsUnknown         = "Unknown command, %s.\nTry 'ccs_tool help' for help.\n"
	msgCcsTooFew          = "Too few arguments.\nTry 'ccs_tool help' for help.\n"
	msgConnectRefused     = "Unable to connect to the CCS daemon: Connection refused"
	fmtIOWarning          = `I/O warning : failed to load external entity "%s"`
	fmtUnableToParse      = "Unable to parse %s"
	msgNoVersion          = "Error while retrieving config_version."
	msgBadVersion         = "config_version is not a valid integer."
	fmtNoVersionFrom      = "Unable to get the config_version from %s"
	fmtNotGreater         = "Proposed updated config file does not have greater version number.\n  Current config_version :: %d\n  Proposed config_version:: %d"
	msgNotQuorate         = "Unable to honor update request. Cluster is not quorate."
	fmtNoNoticeAck        = "Failed to receive COMM_UPDATE_NOTICE_ACK from %s.\nHint: Check the log on %s for reason."
	fmtConfigUpdated      = "Config file updated from version %d to %d"
	msgUpdateComplete     = "\nUpdate complete."
	msgUpdateFailed       = "\nFailed to update config file."
	skeletonHeader        = "<?xml version=\"1.0\"?>\n"
	fmtSkeletonCluster    = "<cluster name=\"%s\" config_version=\"1\">\n"
	skeletonTwoNode       = "  <cman two_node=\"1\" expected_votes=\"1\"/>\n"
	skeletonBody          = "  <clusternodes/>\n  <fencedevices/>\n  <rm>\n    <failoverdomains/>\n    <resources/>\n  </rm>\n</cluster>\n"
	defaultClusterConfDir = "/etc/cluster"

	// cman_tool.
	fmtCannotConnect  = "%s: Cannot open connection to cman, is it running ?"
	fmtNoOperation    = "%s: no operation specified"
	fmtUnknownOption  = "%s: unknown option %s"
	fmtBadExpected    = "%s: expected votes value not given or not a positive number (use -e)"
	fmtCmanVersion    = "6.1.0 config %d"
	msgCmanToolUsage  = "Usage:\n\n%s <join|leave|kill|expected|votes|version|wait|status|nodes|services> [options]\n\n"
	msgNodesHeader    = "Node  Sts   Inc   Joined               Name"
	fmtNodeLine       = "%4d   %c  %5d   %s  %s" // nodeid, M or X, incarnation, joined, name
	joinedLayout      = "2006-01-02 15:04:05"
	notJoined         = "                   " // as wide as a join time
	fmtStatus         = "Version: 6.1.0\nConfig Version: %d\nCluster Name: %s\nCluster Id: %d\nCluster Member: Yes\nCluster Generation: %d\nMembership state: Cluster-Member\nNodes: %d\nExpected votes: %d\nTotal votes: %d\nQuorum: %d %s\nActive subsystems: 7\nFlags:%s Dirty \nPorts Bound: 0  \nNode name: %s\nNode ID: %d\nMulticast addresses: %s \nNode addresses: %s \n"
	quorateMark       = " "
	inquorateMark     = "Activity blocked"
	twoNodeFlag       = " 2node"
	defaultNodeAddr   = "127.0.0.1"
	cmanToolInScript  = "/sbin/cman_tool" // how the init script runs it, hence how its errors name it
	fmtJoinFailed     = "cman not started: %s %s: aisexec daemon didn't start"
	msgNoCCSD         = "Can't connect to CCSD"
	msgNoClusterName  = "Can't find cluster name in CCS"
	msgNoLocalNode    = "Can't find local node name in cluster.conf"
	msgNoNodeID       = "CCS does not have a nodeid for this node, run 'ccs_tool addnodeids' to fix"
	msgTwoNodeCount   = "two_node set but there are more than 2 nodes"
	msgTwoNodeVotes   = "two_node set but votes not set to 1"
	fmtRefusedVersion = "Node refused, remote config version id=%d, local=%d" // the lab reports the member's log line
	fmtRefusedNodeID  = "Node refused, nodeid %d already in use"

	// /etc/init.d/cman.
	initScriptPath   = "/etc/init.d/cman"
	lockFile         = "/var/lock/subsys/cman"
	fmtInitUsage     = "Usage: %s {start|stop|reload|restart|status}"
	msgStarting      = "Starting cluster: "
	msgStopping      = "Stopping cluster: "
	fmtStep          = "   %s... " // followed by done or failed
	stepDone         = "done"
	stepFailed       = "failed"
	msgOK            = "[  OK  ]"
	msgFAILED        = "[FAILED]"
	msgRunning       = "cman is running."
	msgCcsdStopped   = "ccsd is stopped"
	stepModules      = "Loading modules"
	stepConfigfs     = "Mounting configfs"
	stepCcsd         = "Starting ccsd"
	stepCman         = "Starting cman"
	stepDaemons      = "Starting daemons"
	stepFencing      = "Starting fencing"
	stepStopFencing  = "Stopping fencing"
	stepStopCman     = "Stopping cman"
	stepStopCcsd     = "Stopping ccsd"
	stepUnmountCfgfs = "Unmounting configfs"
)
