package packages

// What yum 3.2.8 and rpm 4.4.2 print, each in one place. Formats take the
// arguments their names say.
const (
	fmtCommandNotFound   = "%s: command not found" // as bash reports a missing binary
	msgPlugins           = "Loaded plugins: fastestmirror"
	msgSetupInstall      = "Setting up Install Process"
	msgParseInstall      = "Parsing package install arguments"
	msgSetupRemove       = "Setting up Remove Process"
	msgResolving         = "Resolving Dependencies"
	msgTxCheck           = "--> Running transaction check"
	fmtToUpdate          = "---> Package %s.%s %s set to be updated" // name, arch, evr
	fmtToErase           = "---> Package %s.%s %s set to be erased"  // name, arch, evr
	fmtProcessingDep     = "--> Processing Dependency: %s for package: %s"
	msgFinishedDeps      = "--> Finished Dependency Resolution"
	msgDepsResolved      = "Dependencies Resolved"
	fmtAlreadyInstalled  = "Package %s already installed and latest version" // name-version-release.arch
	fmtNoPackage         = "No package %s available."
	msgNothingToDo       = "Nothing to do"
	fmtNoMatch           = "No Match for argument: %s"
	msgNoRemove          = "No Packages marked for removal"
	msgNeedInstallList   = "Error: Need to pass a list of pkgs to install"
	msgNeedRemoveList    = "Error: Need to pass a list of pkgs to remove"
	msgNeedCommand       = "You need to give some command"
	fmtNoSuchCommand     = "No such command: %s. Please use /usr/bin/yum --help"
	fmtNoSuchOption      = "Command line error: no such option: %s"
	msgPrompt            = "Is this ok [y/N]: "
	msgUserExit          = "Exiting on user Command"
	fmtDownloadSize      = "Total download size: %s"
	msgDownloading       = "Downloading Packages:"
	msgRpmCheckDebug     = "Running rpm_check_debug"
	msgTestRunning       = "Running Transaction Test"
	msgTestFinished      = "Finished Transaction Test"
	msgTestSucceeded     = "Transaction Test Succeeded"
	msgRunning           = "Running Transaction"
	fmtTxProgress        = "  %s: %-28s ######################### [%d/%d] " // action, name, i, n
	msgComplete          = "Complete!"
	tableRule            = "============================================================================="
	fmtTableRow          = " %-22s  %-9s  %-15s  %-16s  %5s" // name, arch, version-release, repo, size
	fmtTableHeader       = " %-22s  %-9s  %-15s  %-16s  %-5s"
	msgTransactionHeader = "Transaction Summary"
	fmtSummaryLine       = "%-8s %5d Package(s)         " // Install/Update/Remove, count

	fmtRpmNotInstalled = "package %s is not installed"
	msgRpmNoArguments  = "rpm: no arguments given for query"
	msgRpmNotEmulated  = "rpm: only -q and -qa are emulated in the lab"
)
