package lvm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// ConfPath is LVM's configuration file.
const ConfPath = "/etc/lvm/lvm.conf"

// Conf is what the emulation takes from lvm.conf: the global section's
// locking settings, with LVM's built-in defaults for what the file leaves
// out.
type Conf struct {
	LockingType                int
	FallbackToLocalLocking     bool
	FallbackToClusteredLocking bool
}

// ParseConf reads lvm.conf as LVM's config parser does, as far as the
// locking settings go: sections are "name {" ... "}", settings
// "key = value", "#" starts a comment outside quotes.
func ParseConf(data []byte) Conf {
	c := Conf{LockingType: 1, FallbackToLocalLocking: true, FallbackToClusteredLocking: true}
	values := confValues(string(data))
	if v, ok := values["global/locking_type"]; ok {
		if n, err := strconv.Atoi(v); err == nil {
			c.LockingType = n
		}
	}
	if v, ok := values["global/fallback_to_local_locking"]; ok {
		c.FallbackToLocalLocking = v != "0"
	}
	if v, ok := values["global/fallback_to_clustered_locking"]; ok {
		c.FallbackToClusteredLocking = v != "0"
	}
	return c
}

// confValues flattens a config file into "section/key" -> value; the last
// setting of a key wins, as in LVM's config tree.
func confValues(text string) map[string]string {
	values := map[string]string{}
	var stack []string
	for _, line := range strings.Split(text, "\n") {
		toks := confTokens(line)
		for i := 0; i < len(toks); i++ {
			switch t := toks[i]; {
			case t == "}":
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			case t == "{":
			case i+1 < len(toks) && toks[i+1] == "{":
				stack = append(stack, t)
				i++
			case i+2 < len(toks) && toks[i+1] == "=":
				values[strings.Join(append(append([]string(nil), stack...), t), "/")] = toks[i+2]
				i += 2
			}
		}
	}
	return values
}

// confTokens splits a line into words, quoted strings (unquoted), "=",
// braces and brackets, dropping the comment.
func confTokens(line string) []string {
	var toks []string
	for i := 0; i < len(line); {
		switch ch := line[i]; {
		case ch == '#':
			return toks
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == ',':
			i++
		case strings.IndexByte("{}[]=", ch) >= 0:
			toks = append(toks, string(ch))
			i++
		case ch == '"':
			end := strings.IndexByte(line[i+1:], '"')
			if end < 0 {
				return append(toks, line[i+1:])
			}
			toks = append(toks, line[i+1:i+1+end])
			i += end + 2
		default:
			j := i
			for j < len(line) && strings.IndexByte(" \t\r,{}[]=\"#", line[j]) < 0 {
				j++
			}
			toks = append(toks, line[i:j])
			i = j
		}
	}
	return toks
}

// readConf reads the host's lvm.conf; without one LVM runs on its
// built-in defaults.
func readConf(h host.Host) (Conf, error) {
	data, err := os.ReadFile(h.Path(ConfPath))
	if errors.Is(err, fs.ErrNotExist) {
		return ParseConf(nil), nil
	}
	if err != nil {
		return Conf{}, err
	}
	return ParseConf(data), nil
}

var lockingTypeLine = regexp.MustCompile(`(?m)^(\s*locking_type\s*=\s*)\d+`)

// SetLockingType rewrites the locking_type setting of an lvm.conf text, as
// lvmconf does: the uncommented line is changed in place, or one is added
// at the top of the global section.
func SetLockingType(text string, n int) string {
	if lockingTypeLine.MatchString(text) {
		return lockingTypeLine.ReplaceAllString(text, "${1}"+strconv.Itoa(n))
	}
	global := regexp.MustCompile(`(?m)^\s*global\s*\{[^\n]*\n`)
	if loc := global.FindStringIndex(text); loc != nil {
		return text[:loc[1]] + fmt.Sprintf("    locking_type = %d\n", n) + text[loc[1]:]
	}
	return text + fmt.Sprintf("global {\n    locking_type = %d\n}\n", n)
}

// Lvmconf runs /usr/sbin/lvmconf of lvm2-cluster: --enable-cluster sets
// locking_type to 3 (clvmd's built-in clustered locking), --disable-cluster
// back to 1; --file names another config file.
func Lvmconf(p *host.Proc) int {
	mode, file := 0, ConfPath
	for i := 0; i < len(p.Args); i++ {
		switch a := p.Args[i]; a {
		case "--enable-cluster":
			mode = 3
		case "--disable-cluster":
			mode = 1
		case "--file", "--lockinglibdir", "--lockinglib":
			if i+1 >= len(p.Args) {
				fmt.Fprint(p.Stderr, msgLvmconfUsage)
				return 1
			}
			i++
			if a == "--file" {
				file = p.Abs(p.Args[i])
			}
		default:
			fmt.Fprint(p.Stderr, msgLvmconfUsage)
			return 1
		}
	}
	if mode == 0 {
		fmt.Fprint(p.Stderr, msgLvmconfUsage)
		return 1
	}
	data, err := os.ReadFile(p.Host.Path(file))
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(p.Stderr, fmtLvmconfNoFile+"\n", file)
		return 10
	}
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	if err := state.WriteFile(p.Host.Path(file), []byte(SetLockingType(string(data), mode)), 0o644); err != nil {
		fmt.Fprintf(p.Stderr, fmtLvmconfBadWrite+"\n", file)
		return 12
	}
	return 0
}

// EnsureConf gives a host the lvm.conf CentOS 5 installs with lvm2 (which
// every host has from installation), unless it has one.
func EnsureConf(h host.Host) error {
	file := h.Path(ConfPath)
	if _, err := os.Lstat(file); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, d := range []string{"/etc/lvm/backup", "/etc/lvm/archive", "/etc/lvm/cache", "/var/lock/lvm"} {
		if err := os.MkdirAll(h.Path(d), 0o700); err != nil {
			return err
		}
	}
	return state.WriteFile(file, []byte(DefaultConf), 0o644)
}

// DefaultConf is /etc/lvm/lvm.conf as lvm2-2.02.32 installs it on CentOS
// 5.2 (its doc/example.conf), with local file-based locking.
const DefaultConf = `# This is an example configuration file for the LVM2 system.
# It contains the default settings that would be used if there was no
# /etc/lvm/lvm.conf file.
#
# Refer to 'man lvm.conf' for further information including the file layout.
#
# To put this file in a different directory and override /etc/lvm set
# the environment variable LVM_SYSTEM_DIR before running the tools.


# This section allows you to configure which block devices should
# be used by the LVM system.
devices {

    # Where do you want your volume groups to appear ?
    dir = "/dev"

    # An array of directories that contain the device nodes you wish
    # to use with LVM2.
    scan = [ "/dev" ]

    # A filter that tells LVM2 to only use a restricted set of devices.
    # The filter consists of an array of regular expressions.  These
    # expressions can be delimited by a character of your choice, and
    # prefixed with either an 'a' (for accept) or 'r' (for reject).
    # The first expression found to match a device name determines if
    # the device will be accepted or rejected (ignored).  Devices that
    # don't match any patterns are accepted.

    # Be careful if there there are symbolic links or multiple filesystem 
    # entries for the same device as each name is checked separately against
    # the list of patterns.  The effect is that if any name matches any 'a'
    # pattern, the device is accepted; otherwise if any name matches any 'r'
    # pattern it is rejected; otherwise it is accepted.

    # Don't have more than one filter line active at once: only one gets used.

    # Run vgscan after you change this parameter to ensure that
    # the cache file gets regenerated (see below).
    # If it doesn't do what you expect, check the output of 'vgscan -vvvv'.


    # By default we accept every block device:
    filter = [ "a/.*/" ]

    # Exclude the cdrom drive
    # filter = [ "r|/dev/cdrom|" ]

    # When testing I like to work with just loopback devices:
    # filter = [ "a/loop/", "r/.*/" ]

    # Or maybe all loops and ide drives except hdc:
    # filter =[ "a|loop|", "r|/dev/hdc|", "a|/dev/ide|", "r|.*|" ]

    # Use anchors if you want to be really specific
    # filter = [ "a|^/dev/hda8$|", "r/.*/" ]

    # The results of the filtering are cached on disk to avoid
    # rescanning dud devices (which can take a very long time).
    # By default this cache is stored in the /etc/lvm/cache directory
    # in a file called '.cache'.
    # It is safe to delete the contents: the tools regenerate it.
    # (The old setting 'cache' is still respected if neither of
    # these new ones is present.)
    cache_dir = "/etc/lvm/cache"
    cache_file_prefix = ""

    # You can turn off writing this cache file by setting this to 0.
    write_cache_state = 1

    # Advanced settings.

    # List of pairs of additional acceptable block device types found 
    # in /proc/devices with maximum (non-zero) number of partitions.
    # types = [ "fd", 16 ]

    # If sysfs is mounted (2.6 kernels) restrict device scanning to 
    # the block devices it believes are valid.
    # 1 enables; 0 disables.
    sysfs_scan = 1	

    # By default, LVM2 will ignore devices used as components of
    # software RAID (md) devices by looking for md superblocks.
    # 1 enables; 0 disables.
    md_component_detection = 1

    # If, while scanning the system for PVs, LVM2 encounters a device-mapper
    # device that has its I/O suspended, it waits for it to become accessible.
    # Set this to 1 to skip such devices.  This should only be needed
    # in recovery situations.
    ignore_suspended_devices = 0
}

# This section that allows you to configure the nature of the
# information that LVM2 reports.
log {

    # Controls the messages sent to stdout or stderr.
    # There are three levels of verbosity, 3 being the most verbose.
    verbose = 0

    # Should we send log messages through syslog?
    # 1 is yes; 0 is no.
    syslog = 1

    # Should we log error and debug messages to a file?
    # By default there is no log file.
    #file = "/var/log/lvm2.log"

    # Should we overwrite the log file each time the program is run?
    # By default we append.
    overwrite = 0

    # What level of log messages should we send to the log file and/or syslog?
    # There are 6 syslog-like log levels currently in use - 2 to 7 inclusive.
    # 7 is the most verbose (LOG_DEBUG).
    level = 0
    
    # Format of output messages
    # Whether or not (1 or 0) to indent messages according to their severity
    indent = 1

    # Whether or not (1 or 0) to display the command name on each line output
    command_names = 0

    # A prefix to use before the message text (but after the command name,
    # if selected).  Default is two spaces, so you can see/grep the severity
    # of each message.
    prefix = "  "

    # To make the messages look similar to the original LVM tools use:
    #   indent = 0
    #   command_names = 1
    #   prefix = " -- "

    # Set this if you want log messages during activation.
    # Don't use this in low memory situations (can deadlock).
    # activation = 0
}

# Configuration of metadata backups and archiving.  In LVM2 when we
# talk about a 'backup' we mean making a copy of the metadata for the
# *current* system.  The 'archive' contains old metadata configurations.
# Backups are stored in a human readeable text format.
backup {

    # Should we maintain a backup of the current metadata configuration ?
    # Use 1 for Yes; 0 for No.
    # Think very hard before turning this off!
    backup = 1

    # Where shall we keep it ?
    # Remember to back up this directory regularly!
    backup_dir = "/etc/lvm/backup"

    # Should we maintain an archive of old metadata configurations.
    # Use 1 for Yes; 0 for No.
    # On by default.  Think very hard before turning this off.
    archive = 1

    # Where should archived files go ?
    # Remember to back up this directory regularly!
    archive_dir = "/etc/lvm/archive"
    
    # What is the minimum number of archive files you wish to keep ?
    retain_min = 10

    # What is the minimum time you wish to keep an archive file for ?
    retain_days = 30
}

# Settings for the running LVM2 in shell (readline) mode.
shell {

    # Number of lines of history to store in ~/.lvm_history
    history_size = 100
}


# Miscellaneous global LVM2 settings
global {
    
    # The file creation mask for any files and directories created.
    # Interpreted as octal if the first digit is zero.
    umask = 077

    # Allow other users to read the files
    #umask = 022

    # Enabling test mode means that no changes to the on disk metadata
    # will be made.  Equivalent to having the -t option on every
    # command.  Defaults to off.
    test = 0

    # Default value for --units argument
    units = "h"

    # Whether or not to communicate with the kernel device-mapper.
    # Set to 0 if you want to use the tools to manipulate LVM metadata 
    # without activating any logical volumes.
    # If the device-mapper kernel driver is not present in your kernel
    # setting this to 0 should suppress the error messages.
    activation = 1

    # If we can't communicate with device-mapper, should we try running 
    # the LVM1 tools?
    # This option only applies to 2.4 kernels and is provided to help you
    # switch between device-mapper kernels and LVM1 kernels.
    # The LVM1 tools need to be installed with .lvm1 suffices
    # e.g. vgscan.lvm1 and they will stop working after you start using
    # the new lvm2 on-disk metadata format.
    # The default value is set when the tools are built.
    # fallback_to_lvm1 = 0

    # The default metadata format that commands should use - "lvm1" or "lvm2".
    # The command line override is -M1 or -M2.
    # Defaults to "lvm1" if compiled in, else "lvm2".
    # format = "lvm1"

    # Location of proc filesystem
    proc = "/proc"

    # Type of locking to use. Defaults to local file-based locking (1).
    # Turn locking off by setting to 0 (dangerous: risks metadata corruption
    # if LVM2 commands get run concurrently).
    # Type 2 uses the external shared library locking_library.
    # Type 3 uses built-in clustered locking.
    locking_type = 1

    # If using external locking (type 2) and initialisation fails,
    # with this set to 1 an attempt will be made to use the built-in
    # clustered locking.
    # If you are using a customised locking_library you should set this to 0.
    fallback_to_clustered_locking = 1

    # If an attempt to initialise type 2 or type 3 locking failed, perhaps
    # because cluster components such as clvmd are not running, with this set
    # to 1 an attempt will be made to use local file-based locking (type 1).
    # If this succeeds, only commands against local volume groups will proceed.
    # Volume Groups marked as clustered will be ignored.
    fallback_to_local_locking = 1

    # Local non-LV directory that holds file-based locks while commands are
    # in progress.  A directory like /tmp that may get wiped on reboot is OK.
    locking_dir = "/var/lock/lvm"

    # Other entries can go here to allow you to load shared libraries
    # e.g. if support for LVM1 metadata was compiled as a shared library use
    #   format_libraries = "liblvm2format1.so" 
    # Full pathnames can be given.

    # Search this directory first for shared libraries.
    #   library_dir = "/lib"

    # The external locking library to load if locking_type is set to 2.
    #   locking_library = "liblvm2clusterlock.so"
}

activation {
    # Device used in place of missing stripes if activating incomplete volume.
    # For now, you need to set this up yourself first (e.g. with 'dmsetup')
    # For example, you could make it return I/O errors using the 'error' 
    # target or make it return zeros.
    missing_stripe_filler = "/dev/ioerror"

    # How much stack (in KB) to reserve for use while devices suspended
    reserved_stack = 256

    # How much memory (in KB) to reserve for use while devices suspended
    reserved_memory = 8192

    # Nice value used while devices suspended
    process_priority = -18

    # If volume_list is defined, each LV is only activated if there is a
    # match against the list.
    #   "vgname" and "vgname/lvname" are matched exactly.
    #   "@tag" matches any tag set in the LV or VG.
    #   "@*" matches if any tag defined on the host is also set in the LV or VG
    #
    # volume_list = [ "vg1", "vg2/lvol1", "@tag1", "@*" ]

    # Size (in KB) of each copy operation when mirroring
    mirror_region_size = 512

    # Setting to use when there is no readahead value stored in the metadata.
    #
    # "none" - Disable readahead.
    # "auto" - Use default value chosen by kernel.
    readahead = "auto"

    # 'mirror_image_fault_policy' and 'mirror_log_fault_policy' define
    # how a device failure affecting a mirror is handled.
    # A mirror is composed of mirror images (copies) and a log.
    # A disk log ensures that a mirror does not need to be re-synced
    # (all copies made the same) every time a machine reboots or crashes.
    #
    # In the event of a failure, the specified policy will be used to
    # determine what happens:
    #
    # "remove" - Simply remove the faulty device and run without it.  If
    #            the log device fails, the mirror would convert to using
    #            an in-memory log.  This means the mirror will not
    #            remember its sync status across crashes/reboots and
    #            the entire mirror will be re-synced.  If a
    #            mirror image fails, the mirror will convert to a
    #            non-mirrored device if there is only one remaining good
    #            copy.
    #
    # "allocate" - Remove the faulty device and try to allocate space on
    #            a new device to be a replacement for the failed device.
    #            Using this policy for the log is fast and maintains the
    #            ability to remember sync state through crashes/reboots.
    #            Using this policy for a mirror device is slow, as it
    #            requires the mirror to resynchronize the devices, but it
    #            will preserve the mirror characteristic of the device.
    #            This policy acts like "remove" if no suitable device and
    #            space can be allocated for the replacement.
    #            Currently this is not implemented properly and behaves
    #            similarly to:
    #
    # "allocate_anywhere" - Operates like "allocate", but it does not
    #            require that the new space being allocated be on a
    #            device is not part of the mirror.  For a log device
    #            failure, this could mean that the log is allocated on
    #            the same device as a mirror device.  For a mirror
    #            device, this could mean that the mirror device is
    #            allocated on the same device as another mirror device.
    #            This policy would not be wise for mirror devices
    #            because it would break the redundant nature of the
    #            mirror.  This policy acts like "remove" if no suitable
    #            device and space can be allocated for the replacement.

    mirror_log_fault_policy = "allocate"
    mirror_device_fault_policy = "remove"
}


####################
# Advanced section #
####################

# Metadata settings
#
# metadata {
    # Default number of copies of metadata to hold on each PV.  0, 1 or 2.
    # You might want to override it from the command line with 0 
    # when running pvcreate on new PVs which are to be added to large VGs.

    # pvmetadatacopies = 1

    # Approximate default size of on-disk metadata areas in sectors.
    # You should increase this if you have large volume groups or
    # you want to retain a large on-disk history of your metadata changes.

    # pvmetadatasize = 255

    # List of directories holding live copies of text format metadata.
    # These directories must not be on logical volumes!
    # It's possible to use LVM2 with a couple of directories here,
    # preferably on different (non-LV) filesystems, and with no other 
    # on-disk metadata (pvmetadatacopies = 0). Or this can be in
    # addition to on-disk metadata areas.
    # The feature was originally added to simplify testing and is not
    # supported under low memory situations - the machine could lock up.
    #
    # Never edit any files in these directories by hand unless you
    # you are absolutely sure you know what you are doing! Use
    # the supplied toolset to make changes (e.g. vgcfgrestore).

    # dirs = [ "/etc/lvm/metadata", "/mnt/disk2/lvm/metadata2" ]
#}

# Event daemon
#
# dmeventd {
    # mirror_library is the library used when monitoring a mirror device.
    #
    # "libdevmapper-event-lvm2mirror.so" attempts to recover from
    # failures.  It removes failed devices from a volume group and
    # reconfigures a mirror as necessary. If no mirror library is
    # provided, mirrors are not monitored through dmeventd.

    # mirror_library = "libdevmapper-event-lvm2mirror.so"

    # snapshot_library is the library used when monitoring a snapshot device.
    #
    # "libdevmapper-event-lvm2snapshot.so" monitors the filling of
    # snapshots and emits a warning through syslog, when the use of
    # snapshot exceedes 80%. The warning is repeated when 85%, 90% and
    # 95% of the snapshot are filled.

    # snapshot_library = "libdevmapper-event-lvm2snapshot.so"
#}

`
