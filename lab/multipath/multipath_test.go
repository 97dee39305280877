package multipath

import (
	"os"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// blogList is `multipath -l` of PROCEDURES.md, part #4.
const blogList = `mpath1 (1) dm-1 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd2 252:2 [active][undef]
 \_ #:#:#:# gnbd3 252:3 [active][undef]
mpath0 (0) dm-0 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd0 252:0 [active][undef]
 \_ #:#:#:# gnbd1 252:1 [active][undef]
`

func blogDevices(connected ...bool) map[string]gnbd.Device {
	devs := map[string]gnbd.Device{}
	for i, c := range connected {
		imp := gnbd.Import{Minor: i, Sectors: 2096944}
		devs[imp.Dev()] = gnbd.Device{Import: imp, Connected: c}
	}
	return devs
}

func blogHost() *Host {
	return &Host{Seq: 2, Maps: []Map{
		{Name: "mpath0", WWID: "0", Minor: 0, Sectors: 2096944, Paths: []string{"gnbd0", "gnbd1"}, Seq: 1},
		{Name: "mpath1", WWID: "1", Minor: 1, Sectors: 2096944, Paths: []string{"gnbd2", "gnbd3"}, Seq: 2},
	}}
}

func listEvents(h *Host) []event {
	var events []event
	for _, m := range h.listed() {
		events = append(events, event{m: m})
	}
	return events
}

func TestListIsTheBlogs(t *testing.T) {
	if got := topology(listEvents(blogHost()), viewList, blogDevices(true, true, true, true)); got != blogList {
		t.Errorf("got\n%s\nwant\n%s", got, blogList)
	}
}

func TestListShowsFailedPaths(t *testing.T) {
	got := topology(listEvents(blogHost()), viewList, blogDevices(false, true, true, true))
	if !strings.Contains(got, " \\_ #:#:#:# gnbd0 252:0 [failed][undef]\n \\_ #:#:#:# gnbd1 252:1 [active][undef]\n") {
		t.Errorf("-l:\n%s", got)
	}
	got = topology(listEvents(blogHost()), viewListLong, blogDevices(false, true, true, true))
	want := "mpath0 (0) dm-0 GNBD,GNBD\n[size=1024M][features=0][hwhandler=0]\n\\_ round-robin 0 [prio=1][active]\n" +
		" \\_ #:#:#:# gnbd0 252:0 [failed][faulty]\n \\_ #:#:#:# gnbd1 252:1 [active][ready]\n"
	if !strings.HasSuffix(got, want) {
		t.Errorf("-ll:\n%s", got)
	}
}

func TestCreatedMapAndPadding(t *testing.T) {
	devs := blogDevices(true, true, true, true, true, true, true, true, true, true, true)
	m := Map{Name: "mpath2", WWID: "2", Minor: 2, Sectors: 2096944, Paths: []string{"gnbd9", "gnbd10"}}
	want := "create: mpath2 (2) undef GNBD,GNBD\n[size=1024M][features=0][hwhandler=0]\n\\_ round-robin 0 [prio=2][undef]\n" +
		" \\_ #:#:#:# gnbd9  252:9  [undef][ready]\n \\_ #:#:#:# gnbd10 252:10 [undef][ready]\n"
	if got := topology([]event{{actionCreate, m}}, viewChange, devs); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Without user-friendly names a map is named by its wwid, which is
	// then not repeated.
	m.Name = "2"
	if got := topology([]event{{m: m}}, viewList, devs); !strings.HasPrefix(got, "2 dm-2 GNBD,GNBD\n") {
		t.Errorf("named by wwid:\n%s", got)
	}
}

func TestFormatSize(t *testing.T) {
	for sectors, want := range map[int64]string{
		2096944:          "1024M", // the blog's 1023.9 MiB
		4 * 2096944:      "4.0G",
		8:                "4.0K",
		20480:            "10M",
		2147481600:       "1024G", // 1023.999 GiB
		2 * 1073741824:   "1.0T",
		20 * 1073741824:  "10T",
		2 * 10485760 * 3: "30G",
	} {
		if got := formatSize(sectors); got != want {
			t.Errorf("formatSize(%d) = %s, want %s", sectors, got, want)
		}
	}
}

func TestListOrderIsDeviceMappers(t *testing.T) {
	// dm's name hash puts mpath2 (bucket 0) before mpath1 (5) before
	// mpath0 (10); newest first within a bucket.
	for name, want := range map[string]uint32{"mpath0": 10, "mpath1": 5, "mpath2": 0, "mpath3": 59} {
		if got := bucket(name); got != want {
			t.Errorf("bucket(%s) = %d, want %d", name, got, want)
		}
	}
	h := blogHost()
	// mpath180 shares mpath1's bucket and is newer.
	h.Maps = append(h.Maps, Map{Name: "mpath2", Seq: 3}, Map{Name: "mpath180", Seq: 4})
	var names []string
	for _, m := range h.listed() {
		names = append(names, m.Name)
	}
	if got := strings.Join(names, " "); got != "mpath2 mpath180 mpath1 mpath0" {
		t.Errorf("order: %s", got)
	}
}

// defaultConf is what yum installs.
var defaultConf = packages.Catalogue["device-mapper-multipath"].Files[ConfPath]

// uncommentedConf is the default file with the blacklist section commented
// out, as part #4 does.
func uncommentedConf(t *testing.T) string {
	t.Helper()
	const block = "blacklist {\n        devnode \"*\"\n}\n"
	if !strings.Contains(defaultConf, "# on the default devices. \n"+block) {
		t.Fatalf("the default multipath.conf lacks its blacklist block:\n%s", defaultConf)
	}
	return strings.Replace(defaultConf, block, "#blacklist {\n#        devnode \"*\"\n#}\n", 1)
}

func TestParseConf(t *testing.T) {
	c := ParseConf([]byte(defaultConf))
	if !c.BlacklistedDevnode("gnbd0") || !c.UserFriendlyNames {
		t.Errorf("default file: %+v", c)
	}
	c = ParseConf([]byte(uncommentedConf(t)))
	if c.BlacklistedDevnode("gnbd0") || !c.UserFriendlyNames || c.Blacklisted("0", vendor, product) {
		t.Errorf("blacklist commented out: %+v", c)
	}
	if !c.BlacklistedDevnode("dm-0") || !c.BlacklistedDevnode("hda") {
		t.Error("the built-in blacklist is not in force")
	}
	c = ParseConf([]byte(`defaults { user_friendly_names no }
blacklist {
	wwid 1 ! a comment
	devnode "^gnbd[2-3]$"
	device {
		vendor "GNB.*"
	}
}
blacklist_exceptions { devnode "gnbd3" }
multipaths {
	multipath {
		wwid 0
		alias yellow
	}
}`))
	switch {
	case c.UserFriendlyNames:
		t.Error("user_friendly_names no ignored")
	case !c.BlacklistedDevnode("gnbd2") || c.BlacklistedDevnode("gnbd3") || c.BlacklistedDevnode("gnbd0"):
		t.Errorf("devnodes: %+v", c.Blacklist)
	case !c.Blacklisted("1", "X", "Y") || !c.Blacklisted("0", vendor, product) || c.Blacklisted("0", "IBM", "x"):
		t.Errorf("wwids and devices: %+v", c.Blacklist)
	case c.Aliases["0"] != "yellow":
		t.Errorf("aliases: %v", c.Aliases)
	}
}

func TestBindings(t *testing.T) {
	lab := t.TempDir()
	h := host.Host{Lab: lab, FQDN: "client0.example.org", Root: host.Root(lab, "client0.example.org")}
	for _, tc := range []struct{ wwid, want string }{{"0", "mpath0"}, {"1", "mpath1"}, {"0", "mpath0"}, {"7", "mpath2"}} {
		if got, err := bindingAlias(h, tc.wwid); err != nil || got != tc.want {
			t.Errorf("bindingAlias(%s) = %s, %v; want %s", tc.wwid, got, err, tc.want)
		}
	}
	data, _ := os.ReadFile(h.Path(BindingsPath))
	if want := bindingsHeader + "mpath0 0\nmpath1 1\nmpath2 7\n"; string(data) != want {
		t.Errorf("bindings file:\n%s", data)
	}
}
