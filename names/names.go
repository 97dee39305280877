package names

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// The rules, each under the pattern it was (shape.go says why they are no
// longer patterns). A shape's min and max count every character after its
// prefix, where a pattern counted the repeats after the first.
var (
	// ^[a-z0-9][a-z0-9-]{0,62}$
	runbookRule = shape{first: chars("a-z0-9"), rest: chars("a-z0-9-"), min: 1, max: 63}
	// ^sha256:[0-9a-f]{64}$
	digestRule = shape{prefix: "sha256:", rest: chars("0-9a-f"), min: 64, max: 64}
	// ^[A-Za-z0-9][A-Za-z0-9@._ -]{0,63}$
	approverRule = shape{first: chars("A-Za-z0-9"), rest: chars("A-Za-z0-9@._ -"), min: 1, max: 64}
	// ^[a-z][a-z0-9-]{0,31}$
	systemRule = shape{first: chars("a-z"), rest: chars("a-z0-9-"), min: 1, max: 32}
	// ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$
	ticketRule = shape{first: chars("A-Za-z0-9"), rest: chars("A-Za-z0-9._-"), min: 1, max: 64}
	// ^[a-z][a-z0-9-]{0,62}$
	hostRule = shape{first: chars("a-z"), rest: chars("a-z0-9-"), min: 1, max: 63}
	// ^[A-Za-z0-9_-]+$
	clusterRule = shape{rest: chars("A-Za-z0-9_-"), min: 1, max: many}
	// ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$
	fqdnLabelRule = shape{first: chars("a-z0-9"), rest: chars("a-z0-9-"), last: chars("a-z0-9"), min: 1, max: many}
	// ^/dev/[a-z][a-z0-9/]{0,30}$
	devPathRule = shape{prefix: "/dev/", first: chars("a-z"), rest: chars("a-z0-9/"), min: 1, max: 31}
	// ^/dev/(sd|hd|vd|xvd)[a-z]{1,2}$
	diskRule = oneOf{
		shape{prefix: "/dev/sd", rest: chars("a-z"), min: 1, max: 2},
		shape{prefix: "/dev/hd", rest: chars("a-z"), min: 1, max: 2},
		shape{prefix: "/dev/vd", rest: chars("a-z"), min: 1, max: 2},
		shape{prefix: "/dev/xvd", rest: chars("a-z"), min: 1, max: 2},
	}
	// ^[a-z][a-z0-9_-]{0,30}$
	serviceRule = shape{first: chars("a-z"), rest: chars("a-z0-9_-"), min: 1, max: 31}
	// ^[1-9][0-9]{0,2}$
	partNumRule = shape{first: chars("1-9"), rest: chars("0-9"), min: 1, max: 3}
	// ^[a-z][a-z0-9_]{0,30}$
	drbdRule = shape{first: chars("a-z"), rest: chars("a-z0-9_"), min: 1, max: 31}
	// ^/dev/drbd(0|[1-9][0-9]{0,2})$
	drbdDeviceRule = oneOf{
		literal("/dev/drbd0"),
		shape{prefix: "/dev/drbd", first: chars("1-9"), rest: chars("0-9"), min: 1, max: 3},
	}
	// ^[1-9][0-9]{0,5}[KMG]$
	drbdRateRule = shape{first: chars("1-9"), rest: chars("0-9"), last: chars("KMG"), min: 2, max: 7}
	// ^[a-z][a-z0-9_]{0,15}$
	exportRule = shape{first: chars("a-z"), rest: chars("a-z0-9_"), min: 1, max: 16}
	// ^[A-Za-z][A-Za-z0-9_]{0,31}$
	lvmRule = shape{first: chars("A-Za-z"), rest: chars("A-Za-z0-9_"), min: 1, max: 32}
	// ^/dev/mapper/mpath(0|[1-9][0-9]{0,2})$
	mpathRule = oneOf{
		literal("/dev/mapper/mpath0"),
		shape{prefix: "/dev/mapper/mpath", first: chars("1-9"), rest: chars("0-9"), min: 1, max: 3},
	}
	// ^[A-Za-z0-9_-]{1,16}$
	lockFSRule = shape{rest: chars("A-Za-z0-9_-"), min: 1, max: 16}
	// ^/[a-z0-9/_-]{0,63}$
	mountpointRule = shape{prefix: "/", rest: chars("a-z0-9/_-"), min: 0, max: 63}
	// ^[a-z][a-z0-9_]{0,30}$
	moduleRule = shape{first: chars("a-z"), rest: chars("a-z0-9_"), min: 1, max: 31}
	// ^[a-z][a-z0-9_]{0,30}=[A-Za-z0-9_.,-]{1,30}$
	moduleOptRule = pair{moduleRule, "=", shape{rest: chars("A-Za-z0-9_.,-"), min: 1, max: 30}}
	// ^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$
	packageRule = shape{first: chars("A-Za-z0-9"), rest: chars("A-Za-z0-9._+-"), min: 1, max: 100}
	// ^[A-Za-z0-9._-]{1,64}$
	fileRule = shape{rest: chars("A-Za-z0-9._-"), min: 1, max: 64}
)

const (
	// MaxCluster is cman's limit on the length of a cluster name.
	MaxCluster = 15
	// MaxLockCluster is mkfs.gfs2's limit on the cluster part of a lock
	// table; the part must equal a cluster name, whose limit is lower.
	MaxLockCluster = 16
	// MaxJournals bounds the journals of a GFS2 file system.
	MaxJournals = 64
	// MinPort and MaxPort bound a DRBD port: no privileged port.
	MinPort, MaxPort = 1024, 65535
	// MaxUID is the largest GNBD uid.
	MaxUID = 65535
)

// word is a rule and the words that explain it.
type word struct {
	rule matcher
	what string
}

func (w word) check(s string) error {
	switch {
	case s == "":
		return errors.New("is required")
	case w.rule.match(s):
		return nil
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("%s must not start with '-', a tool would read it as an option; want %s", Quote(s), w.what)
	default:
		return fmt.Errorf("%s is not %s", Quote(s), w.what)
	}
}

var (
	runbookWord = word{runbookRule, "a runbook name: lowercase letters, digits and '-', starting with a letter or digit, at most 63 characters"}
	digestWord  = word{digestRule, "a runbook version's digest: sha256: and 64 lowercase hex digits"}
	hostWord    = word{hostRule, "a host name: a lowercase letter, then lowercase letters, digits and '-', at most 63 characters"}
	drbdWord    = word{drbdRule, "a DRBD resource name: a lowercase letter, then lowercase letters, digits and '_', at most 31 characters"}
	exportWord  = word{exportRule, "a GNBD export name: a lowercase letter, then lowercase letters, digits and '_', at most 16 characters"}
	vgWord      = word{lvmRule, "a volume group name: a letter, then letters, digits and '_', at most 32 characters"}
	lvWord      = word{lvmRule, "a logical volume name: a letter, then letters, digits and '_', at most 32 characters"}
	moduleWord  = word{moduleRule, "a kernel module name: a lowercase letter, then lowercase letters, digits and '_', at most 31 characters"}
	optionWord  = word{moduleOptRule, "a module option: name=value, as in minor_count=1"}
	packageWord = word{packageRule, "a package name: a letter or digit, then letters, digits and '.', '_', '+', '-'"}
	serviceWord = word{serviceRule, "a service name: a lowercase letter, then lowercase letters, digits, '_' and '-', at most 31 characters"}
	fileWord    = word{fileRule, "a file name: letters, digits, '.', '_' and '-', at most 64 characters"}
	systemWord  = word{systemRule, "a ticketing system's name: a lowercase letter, then lowercase letters, digits and '-', at most 32 characters"}
	ticketWord  = word{ticketRule, "a ticket key: a letter or digit, then letters, digits and '.', '_', '-', at most 64 characters, as in OPS-123"}
	approverWrd = word{approverRule, "who decides: up to 64 letters, digits and @._ -, starting with a letter or digit"}
)

// Approver checks who a decision names: a person's name in the runbook's
// approvers, or what someone deciding without a key says they are.
func Approver(s string) error { return approverWrd.check(s) }

// TicketSystem checks the name of a ticketing system, as the webhook's
// configuration and a ticket's workflow ID spell it.
func TicketSystem(s string) error { return systemWord.check(s) }

// TicketKey checks a ticket's key (Jira's OPS-123, a PagerDuty incident
// ID): it becomes part of a workflow ID and a search attribute's value.
func TicketKey(s string) error { return ticketWord.check(s) }

// Runbook checks the name of a runbook, which names its workflows.
func Runbook(s string) error { return runbookWord.check(s) }

// RunbookDigest checks the digest that pins a runbook's version, which
// names a file of the orchestrator's pins directory.
func RunbookDigest(s string) error { return digestWord.check(s) }

// Host checks a host's short name, as a runbook refers to it.
func Host(s string) error { return hostWord.check(s) }

// Cluster applies cman's rules to a cluster name: at most 15 characters,
// and the characters cman and the GFS2 lock table accept.
func Cluster(s string) error {
	switch {
	case s == "":
		return errors.New("is required")
	case !clusterRule.match(s):
		return fmt.Errorf("%s is not a cluster name: letters, digits, '_' and '-' only", Quote(s))
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("%s must not start with '-', a tool would read it as an option", Quote(s))
	case len(s) > MaxCluster:
		return fmt.Errorf("%s is %d characters long; cman refuses cluster names longer than %d", Quote(s), len(s), MaxCluster)
	}
	return nil
}

// FQDN checks an RFC 1123 host name with at least one dot, in lowercase
// so that it compares equal to what cman_tool prints.
func FQDN(s string) error {
	switch {
	case s == "":
		return errors.New("is required")
	case len(s) > 253:
		return fmt.Errorf("%s is longer than 253 characters", Quote(s))
	case strings.ToLower(s) != s:
		return fmt.Errorf("%s must be lowercase", Quote(s))
	case !strings.Contains(s, "."):
		return fmt.Errorf("%s is not fully qualified: it needs a domain, as in storage0a.example.org", Quote(s))
	case strings.HasSuffix(s, "."):
		return fmt.Errorf("%s must not end with a dot", Quote(s))
	}
	for _, label := range strings.Split(s, ".") {
		switch {
		case label == "":
			return fmt.Errorf("%s has an empty label", Quote(s))
		case len(label) > 63:
			return fmt.Errorf("%s has a label longer than 63 characters", Quote(s))
		case !fqdnLabelRule.match(label):
			return fmt.Errorf("%s is not a valid FQDN: label %s must hold only a-z, 0-9 and '-', and not start or end with '-'", Quote(s), Quote(label))
		}
	}
	return nil
}

// Address parses the IPv4 address of a host. It insists on the canonical
// spelling so that the same address cannot appear twice in two spellings
// and the text lands unchanged in drbd.conf.
//
// IPv6 is refused: DRBD 8.2 takes an IPv6 peer only as "address ipv6
// [ADDR]:PORT", which the drbd.conf renderer does not write, so a runbook
// with one would load and then fail on the hosts. Loopback, unspecified
// ("this network", 0.0.0.0/8), broadcast, multicast and reserved (240/4)
// addresses are refused too: no peer reaches a host there.
func Address(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, errors.New("is required")
	}
	addr, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return addr, fmt.Errorf("%s is not an IPv4 address", Quote(s))
	case addr.Zone() != "":
		return addr, fmt.Errorf("%s is an IPv6 address with a zone; want the host's IPv4 address", Quote(s))
	case !addr.Is4():
		return addr, fmt.Errorf("%s is an IPv6 address; DRBD 8.2 needs \"ipv6 [addr]:port\" for one, which tetsuzuki does not write: give the host's IPv4 address", Quote(s))
	case addr.String() != s:
		return addr, fmt.Errorf("%s is not in canonical form; write %s", Quote(s), strconv.Quote(addr.String()))
	case addr.IsLoopback():
		return addr, fmt.Errorf("%s is a loopback address (127.0.0.0/8); want an address its peers reach the host at", Quote(s))
	case addr.As4()[0] == 0:
		return addr, fmt.Errorf("%s is an unspecified address (0.0.0.0/8); want an address its peers reach the host at", Quote(s))
	case addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return addr, fmt.Errorf("%s is the broadcast address; want a host's own address", Quote(s))
	case addr.IsMulticast():
		return addr, fmt.Errorf("%s is a multicast address (224.0.0.0/4); want a host's own address", Quote(s))
	case addr.As4()[0] >= 240:
		return addr, fmt.Errorf("%s is a reserved address (240.0.0.0/4); want a host's own address", Quote(s))
	}
	return addr, nil
}

// NodeID checks a cman node id, which cluster.conf keeps from 1 to 255.
func NodeID(n int) error {
	if n < 1 || n > 255 {
		return fmt.Errorf("must be from 1 to 255, got %d", n)
	}
	return nil
}

// Votes checks a node's votes, from 1 to 255.
func Votes(n int) error { return NodeID(n) }

// Device checks a block device path: under /dev, lowercase letters,
// digits and '/', and no way to climb out of /dev.
func Device(s string) error {
	switch {
	case s == "":
		return errors.New("is required")
	case strings.Contains(s, ".."):
		return fmt.Errorf("%s must not contain '..'", Quote(s))
	case strings.Contains(s, "//"):
		return fmt.Errorf("%s must not contain '//'", Quote(s))
	case strings.HasSuffix(s, "/"):
		return fmt.Errorf("%s must not end with '/'", Quote(s))
	case !devPathRule.match(s):
		return fmt.Errorf("%s is not a device path: /dev/, a lowercase letter, then lowercase letters, digits and '/', at most 36 characters", Quote(s))
	}
	return nil
}

// Disk checks a spare disk: a whole disk of the kinds a spare disk is
// (/dev/sdX, /dev/hdX, /dev/vdX, /dev/xvdX, one or two letters), never a
// partition, a character device such as /dev/mem, /dev/kmem or /dev/port,
// nor any other node of /dev. Disks whose name ends in a digit are not
// supported: the kernel names their partitions <disk>p<N>.
func Disk(s string) error {
	if err := Device(s); err != nil {
		return err
	}
	if last := s[len(s)-1]; last >= '0' && last <= '9' {
		return fmt.Errorf("%s ends in a digit: the kernel names the partitions of such a disk <disk>p<N>, which this schema does not support; give a whole disk such as /dev/xvdb", Quote(s))
	}
	if !diskRule.match(s) {
		return fmt.Errorf("%s is not a spare disk: want a whole disk /dev/sdX, /dev/hdX, /dev/vdX or /dev/xvdX, as in /dev/xvdb", Quote(s))
	}
	return nil
}

// PartitionOf is the partition the runbooks make on a spare disk: one
// primary partition over the whole disk, which parted numbers 1 on an
// empty label.
func PartitionOf(disk string) string { return disk + "1" }

// Partition checks the partition a runbook names for a disk that passed
// Disk: it must be PartitionOf the disk, since that is the one PrepareDisk
// makes (the agent refused any other number; the loader used to accept
// one, and the run failed at the disk step).
func Partition(disk, part string) error {
	if err := Device(part); err != nil {
		return err
	}
	if part == PartitionOf(disk) {
		return nil
	}
	if num, ok := strings.CutPrefix(part, disk); ok && partNumRule.match(num) {
		return fmt.Errorf("%s is partition %s of %s; the runbooks make one partition over the whole spare disk, which parted numbers 1: want %s", Quote(part), num, Quote(disk), PartitionOf(disk))
	}
	return fmt.Errorf("%s is not a partition of %s: want the disk followed by the partition number, as in %s", Quote(part), Quote(disk), PartitionOf(disk))
}

// DRBDDisk checks the disk of one side of a DRBD pair: the partition the
// runbooks make on a spare disk, PartitionOf a Disk, since that is the
// only device a runbook gives DRBD (disks[].partition).
func DRBDDisk(s string) error {
	if err := Device(s); err != nil {
		return err
	}
	disk, ok := strings.CutSuffix(s, "1")
	if !ok || Disk(disk) != nil {
		return fmt.Errorf("%s is not the partition of a spare disk: want partition 1 of a whole disk, as in /dev/xvdb1", Quote(s))
	}
	return nil
}

// DRBDResource checks a DRBD resource name. "all" fits the pattern but is
// drbdadm's word for every resource of the host.
func DRBDResource(s string) error {
	if err := drbdWord.check(s); err != nil {
		return err
	}
	if s == "all" {
		return fmt.Errorf("%s is drbdadm's word for every resource of the host; want %s", Quote(s), drbdWord.what)
	}
	return nil
}

// DRBDDevice checks a DRBD device path, spelled as drbdadm creates it (no
// leading zeros in the minor number), and returns its minor number.
func DRBDDevice(s string) (minor int, err error) {
	if s == "" {
		return -1, errors.New("is required")
	}
	if !drbdDeviceRule.match(s) {
		return -1, fmt.Errorf("%s is not a DRBD device: /dev/drbd and a minor number from 0 to 999 without leading zeros", Quote(s))
	}
	minor, _ = strconv.Atoi(strings.TrimPrefix(s, "/dev/drbd"))
	return minor, nil
}

// DRBDRate checks a syncer rate as drbd.conf takes it.
func DRBDRate(s string) error {
	if !drbdRateRule.match(s) {
		return fmt.Errorf("%s is not a syncer rate: a number from 1 to 999999 followed by K, M or G, as in 10M", Quote(s))
	}
	return nil
}

// DRBDProtocol checks a replication protocol. Both sides of a pair are
// primary (allow-two-primaries, which the agent always writes), and DRBD
// allows that only with protocol C.
func DRBDProtocol(s string) error {
	if s != "C" {
		return fmt.Errorf("must be C: both sides are primary (allow-two-primaries), which DRBD allows only with protocol C; got %s", Quote(s))
	}
	return nil
}

// DRBDAddress checks the address of one side of a DRBD pair, which
// drbd.conf takes as "address A.B.C.D:PORT": Address.
func DRBDAddress(s string) error {
	_, err := Address(s)
	return err
}

// Port checks a DRBD port.
func Port(n int) error {
	if n < MinPort || n > MaxPort {
		return fmt.Errorf("must be from %d to %d, got %d", MinPort, MaxPort, n)
	}
	return nil
}

// Export checks a GNBD export name, which is also the name of its import
// on the clients (/dev/gnbd/NAME).
func Export(s string) error { return exportWord.check(s) }

// UID checks a GNBD uid.
func UID(n int) error {
	if n < 0 || n > MaxUID {
		return fmt.Errorf("must be from 0 to %d, got %d", MaxUID, n)
	}
	return nil
}

// VG checks a volume group name.
func VG(s string) error { return vgWord.check(s) }

// lvReserved are the prefixes and infixes of the names LVM gives its
// internal volumes (snapshots, pvmove, mirror and RAID legs, thin pool
// parts); lvcreate refuses an LV name that uses them.
var (
	lvReservedPrefixes = []string{"snapshot", "pvmove"}
	lvReservedInfixes  = []string{"_mlog", "_mimage", "_rimage", "_rmeta", "_tdata", "_tmeta", "_pmspare", "_cdata", "_cmeta", "_corig", "_vorigin"}
)

// LV checks a logical volume name: the pattern and LVM's reserved names.
func LV(s string) error {
	if err := lvWord.check(s); err != nil {
		return err
	}
	for _, p := range lvReservedPrefixes {
		if strings.HasPrefix(s, p) {
			return fmt.Errorf("%s starts with %s, which LVM reserves for its own volumes; lvcreate refuses it", Quote(s), Quote(p))
		}
	}
	for _, p := range lvReservedInfixes {
		if strings.Contains(s, p) {
			return fmt.Errorf("%s contains %s, which LVM reserves for its own volumes; lvcreate refuses it", Quote(s), Quote(p))
		}
	}
	return nil
}

// LVPath is the device of a logical volume, /dev/VG/LV.
func LVPath(vg, lv string) string { return "/dev/" + vg + "/" + lv }

// SplitLVPath checks a logical volume's device and returns its names.
func SplitLVPath(p string) (vg, lv string, err error) {
	rest, ok := strings.CutPrefix(p, "/dev/")
	vg, lv, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || VG(vg) != nil || LV(lv) != nil {
		return "", "", fmt.Errorf("%s is not a logical volume: /dev/VG/LV", Quote(p))
	}
	return vg, lv, nil
}

// LVMapperPath is the device-mapper name of a logical volume, as mount
// and /proc/mounts show it: /dev/mapper/VG-LV, each '-' of a name doubled.
func LVMapperPath(vg, lv string) string {
	esc := strings.NewReplacer("-", "--")
	return "/dev/mapper/" + esc.Replace(vg) + "-" + esc.Replace(lv)
}

// MultipathDevice is the device of the n-th multipath map: the map of the
// n-th GNBD uid in ascending order.
func MultipathDevice(n int) string { return "/dev/mapper/mpath" + strconv.Itoa(n) }

// MultipathMap checks a multipath map's device as multipath names it,
// without leading zeros (the agent used to accept mpath00, which multipath
// never creates), and returns the map's number.
func MultipathMap(s string) (int, error) {
	if s == "" {
		return 0, errors.New("is required")
	}
	if !mpathRule.match(s) {
		return 0, fmt.Errorf("%s is not a multipath map: /dev/mapper/mpath and a number from 0 to 999 without leading zeros, as in /dev/mapper/mpath0", Quote(s))
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(s, "/dev/mapper/mpath"))
	return n, nil
}

// LockTable checks a GFS2 lock table, <cluster>:<fsname>, by mkfs.gfs2's
// rules and the characters of cman's cluster names. Whether the cluster
// part names the clients' cluster is for the caller.
func LockTable(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	cluster, fsName, ok := strings.Cut(s, ":")
	const want = "a lock table: <cluster>:<fsname>, as in client:gfs2"
	switch {
	case !ok:
		return fmt.Errorf("%s is not %s", Quote(s), want)
	case cluster == "":
		return fmt.Errorf("%s has an empty cluster part; want %s", Quote(s), want)
	case !clusterRule.match(cluster):
		return fmt.Errorf("%s has cluster part %s, which is not a cluster name: letters, digits, '_' and '-' only", Quote(s), Quote(cluster))
	case strings.HasPrefix(cluster, "-"):
		return fmt.Errorf("%s has cluster part %s, which must not start with '-'", Quote(s), Quote(cluster))
	case len(cluster) > MaxLockCluster:
		return fmt.Errorf("%s has a cluster part of %d characters; mkfs.gfs2 refuses more than %d", Quote(s), len(cluster), MaxLockCluster)
	case fsName == "":
		return fmt.Errorf("%s has an empty file system part; want %s", Quote(s), want)
	case !lockFSRule.match(fsName):
		return fmt.Errorf("%s has file system part %s: want letters, digits, '_' and '-', at most 16 characters", Quote(s), Quote(fsName))
	}
	return nil
}

// Journals checks the number of GFS2 journals.
func Journals(n int) error {
	if n < 1 || n > MaxJournals {
		return fmt.Errorf("must be from 1 to %d, got %d", MaxJournals, n)
	}
	return nil
}

// MountDir is the directory under which a shared file system may always
// be mounted, as the blog does (/mnt).
const MountDir = "/mnt"

// systemDirs are the top-level directories of the host's own (the FHS's
// and CentOS 5's): a file system is never mounted over one nor anywhere
// under one, since the mount would hide the host's programs, its
// configuration (/etc/cluster/cluster.conf among it), its devices, its
// users' files or what its services keep (/var, /srv, /tmp).
var systemDirs = []string{"bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "misc", "net", "opt", "proc", "root", "sbin", "selinux", "srv", "sys", "tmp", "usr", "var"}

// Mountpoint checks a mount point: an absolute path in a plain spelling,
// so that it compares equal to what mount and /proc/mounts print (the
// agent used to accept "/mnt/", which never matches mount's "/mnt" and
// would be mounted again on every retry), and a directory dedicated to
// the shared file system: /mnt or a directory under it, or a top-level
// directory of its own such as /gfs2 (or under one), never / nor a
// system directory or anything under one.
func Mountpoint(s string) error {
	switch {
	case s == "":
		return errors.New("is required")
	case strings.Contains(s, ".."):
		return fmt.Errorf("%s must not contain '..'", Quote(s))
	case s == "/":
		return errors.New(`"/" is the root file system; mount the file system on a directory of its own, such as /mnt`)
	case !mountpointRule.match(s):
		return fmt.Errorf("%s is not a mount point: '/', then lowercase letters, digits, '/', '_' and '-', at most 64 characters", Quote(s))
	case strings.Contains(s, "//"):
		return fmt.Errorf("%s must not contain '//'", Quote(s))
	case strings.HasSuffix(s, "/"):
		return fmt.Errorf("%s must not end with '/'", Quote(s))
	}
	top, _, under := strings.Cut(s[1:], "/")
	if slices.Contains(systemDirs, top) {
		if !under {
			return fmt.Errorf("%s is a system directory; mounting over it would hide the host's own files: mount on %s, under it, or on a directory of its own such as /gfs2", Quote(s), MountDir)
		}
		return fmt.Errorf("%s is under the system directory /%s; mounting there would hide the host's own files: mount on %s, under it, or on a directory of its own such as /gfs2", Quote(s), top, MountDir)
	}
	return nil
}

// Module checks a kernel module name.
func Module(s string) error { return moduleWord.check(s) }

// ModuleOption checks one name=value option of modprobe.
func ModuleOption(s string) error { return optionWord.check(s) }

// Package checks an RPM package name.
func Package(s string) error { return packageWord.check(s) }

// Service checks the name of an init script of /etc/init.d, which the
// agent puts on a path.
func Service(s string) error { return serviceWord.check(s) }

// File checks the name of a file in a directory, such as the file the
// GFS2 check touches in the mount point.
func File(s string) error {
	if err := fileWord.check(s); err != nil {
		return err
	}
	if s == "." || s == ".." {
		return fmt.Errorf("%s is a directory, not %s", Quote(s), fileWord.what)
	}
	return nil
}

// Quote quotes a value for an error message, cut at 64 characters so that
// a hostile value cannot flood the log.
func Quote(s string) string {
	const max = 64
	if r := []rune(s); len(r) > max {
		return strconv.Quote(string(r[:max])) + "..."
	}
	return strconv.Quote(s)
}

// RunbookPattern is the rule of Runbook spelled as a pattern, for messages
// that quote it.
func RunbookPattern() string { return `^[a-z0-9][a-z0-9-]{0,62}$` }
