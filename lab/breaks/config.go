package breaks

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// edits are the hand edits config-edit makes, by file: each returns the
// edited text, and the code of the drift it is.
var edits = map[string]struct {
	code findings.Code
	edit func(text string) (string, error)
}{
	// A person sets local locking back, as lvmconf --disable-cluster does.
	lvmConf: {findings.LockingNotCluster, func(text string) (string, error) {
		if c := lvm.ParseConf([]byte(text)); c.LockingType == 1 {
			return "", errors.New("locking_type is 1 already")
		}
		return lvm.SetLockingType(text, 1), nil
	}},
	// A person tunes the resync rate.
	drbdConf: {findings.DRBDConfDrift, func(text string) (string, error) {
		return doubleFirst(text, syncerRate, "no syncer rate")
	}},
	// A person puts the package's file back (an rpm update that replaced
	// it, say): the blacklist of every device is live again, and the next
	// multipathd start maps nothing.
	multipathConf: {findings.MultipathConfDrift, func(text string) (string, error) {
		m := commentedBlacklist.FindStringIndex(text)
		if m == nil {
			return "", errors.New("no commented-out blacklist of every device: multipath.conf is not as part #4 leaves it")
		}
		block := strings.ReplaceAll(text[m[0]:m[1]], "#", "")
		return text[:m[0]] + block + text[m[1]:], nil
	}},
	// A person raises config_version on one member without ccs_tool
	// update: the members hold different versions.
	clusterConf: {findings.ConfigSkew, func(text string) (string, error) {
		m := configVersion.FindStringSubmatchIndex(text)
		if m == nil {
			return "", errors.New("no config_version")
		}
		n, _ := strconv.Atoi(text[m[2]:m[3]])
		return text[:m[2]] + strconv.Itoa(n+1) + text[m[3]:], nil
	}},
}

var (
	syncerRate = regexp.MustCompile(`\brate\s+(\d+)`)
	// commentedBlacklist is part #4's edit of the default blacklist
	// (activities.EnableMultipath): each line of it commented out.
	commentedBlacklist = regexp.MustCompile(`(?m)^#blacklist\s*\{\s*\n#\s*devnode\s+"\*"\s*\n#\s*\}[ \t]*$`)
	configVersion      = regexp.MustCompile(`config_version="(\d+)"`)
	clusterNode        = regexp.MustCompile(`<clusternode name="([^"]+)"`)
)

// doubleFirst doubles the number of re's first match.
func doubleFirst(text string, re *regexp.Regexp, missing string) (string, error) {
	m := re.FindStringSubmatchIndex(text)
	if m == nil {
		return "", errors.New(missing)
	}
	n, _ := strconv.Atoi(text[m[2]:m[3]])
	return text[:m[2]] + strconv.Itoa(2*n) + text[m[3]:], nil
}

// configEdit edits a managed config file on the host as a person would,
// replacing it whole as an editor does.
func configEdit(b *breaker, args []string) error {
	file := args[0]
	e, ok := edits[file]
	if !ok {
		return fmt.Errorf("config-edit edits %s, %s, %s or %s, not %s", lvmConf, drbdConf, multipathConf, clusterConf, file)
	}
	data, err := os.ReadFile(b.h.Path(file))
	if err != nil {
		return err
	}
	text, err := e.edit(string(data))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := state.WriteFile(b.h.Path(file), []byte(text), 0o644); err != nil {
		return err
	}
	b.done(file)
	if file != clusterConf {
		b.want(b.h.FQDN, e.code, file)
		return nil
	}
	// The skew is the others': they hold the older file, which cman
	// would not take over this one's.
	for _, m := range clusterNode.FindAllStringSubmatch(string(data), -1) {
		if m[1] != b.h.FQDN {
			b.want(m[1], e.code, file)
		}
	}
	return nil
}
