package breaks_test

import (
	"bytes"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/breaks"
	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

// brk breaks a host through `lab break` and checks what it says it broke
// and what it says a check must find.
func (s *stack) brk(h, kind string, args []string, done string, wants ...string) {
	s.t.Helper()
	cmd := exec.Command(labtest.Binary(s.t), append([]string{"break", "--dir", s.lab.Dir, "--host", h, kind}, args...)...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("lab break %s %v on %s: %v\n%s", kind, args, h, err, errs.String())
	}
	want := "broke " + h + ": " + kind + " " + done + "\n"
	k, _ := breaks.Lookup(kind)
	for _, w := range wants {
		want += "expect " + w + "\n"
		code := strings.Fields(w)[1]
		if !slices.ContainsFunc(k.Codes, func(e breaks.Expect) bool { return string(e.Code) == code }) {
			s.t.Errorf("%s expects %s, which its Codes do not list", kind, code)
		}
	}
	if out.String() != want {
		s.t.Errorf("lab break %s on %s said\n%s\nwant\n%s", kind, h, out.String(), want)
	}
}

// says checks a command's output on a host.
func (s *stack) says(h string, exit int, want string, argv ...string) {
	s.t.Helper()
	r := s.lab.Run(s.t, h, argv...)
	if got := r.Stdout + r.Stderr; r.Exit != exit || got != want {
		s.t.Errorf("%s on %s: exit %d\n%s\nwant exit %d\n%s", strings.Join(argv, " "), h, r.Exit, got, exit, want)
	}
}

// has checks a command's output on a host holds a text.
func (s *stack) has(h string, exit int, part string, argv ...string) {
	s.t.Helper()
	r := s.lab.Run(s.t, h, argv...)
	if got := r.Stdout + r.Stderr; r.Exit != exit || !strings.Contains(got, part) {
		s.t.Errorf("%s on %s: exit %d\n%s\nwant exit %d with %q", strings.Join(argv, " "), h, r.Exit, got, exit, part)
	}
}

const (
	healthyMap  = "mpath0 (0) dm-0 GNBD,GNBD\n[size=1024M][features=0][hwhandler=0]\n\\_ round-robin 0 [prio=0][active]\n \\_ #:#:#:# gnbd0 252:0 [active][undef]\n \\_ #:#:#:# gnbd1 252:1 [active][undef]\n"
	failedGnbd0 = "mpath0 (0) dm-0 GNBD,GNBD\n[size=1024M][features=0][hwhandler=0]\n\\_ round-robin 0 [prio=0][active]\n \\_ #:#:#:# gnbd0 252:0 [failed][undef]\n \\_ #:#:#:# gnbd1 252:1 [active][undef]\n"
)

// TestEveryKindBreaksAndIsRepaired breaks the stack once for every kind,
// checks the tools print the drift, repairs it with the commands the
// build runs, and checks every host's tools print what they printed when
// it was built.
func TestEveryKindBreaksAndIsRepaired(t *testing.T) {
	s := newStack(t)
	tested := map[string]bool{}
	step := func(kind, name string, fn func(s *stack)) {
		tested[kind] = true
		t.Run(name, func(t *testing.T) {
			st := *s
			st.t = t
			fn(&st)
			st.isHealthy()
		})
		if t.Failed() {
			t.FailNow() // what follows starts from a healthy stack
		}
	}

	step("node-crash", "node-crash/storage", func(s *stack) {
		// The blog's two-node clusters have no two_node: one member
		// left is not quorate.
		s.brk(s0a, "node-crash", nil, "storage0",
			s0a+" CLUSTER_CMAN_NOT_RUNNING storage0", s0b+" CLUSTER_NOT_QUORATE storage0")
		s.says(s0a, 1, "/sbin/cman_tool: Cannot open connection to cman, is it running ?\n", "/sbin/cman_tool", "status")
		s.has(s0b, 0, "Nodes: 1\nExpected votes: 2\nTotal votes: 1\nQuorum: 2 Activity blocked\n", "cman_tool", "status")
		s.has(s0b, 0, "   1   X  ", "cman_tool", "nodes")
		s.run(s0a, 0, "/etc/init.d/cman", "start")
	})
	step("node-crash", "node-crash/client", func(s *stack) {
		s.brk(c0, "node-crash", nil, "client",
			c0+" CLUSTER_CMAN_NOT_RUNNING client", c0+" CLVM_CLVMD_DOWN", c1+" CLUSTER_NOT_QUORATE client")
		s.has(c0, 2, "clvmd dead but subsys locked\n", "/etc/init.d/clvmd", "status")
		s.run(c0, 0, "/etc/init.d/cman", "start")
		s.run(c0, 0, "/etc/init.d/clvmd", "start")
	})
	step("drbd-disconnect", "drbd-disconnect", func(s *stack) {
		s.brk(s0a, "drbd-disconnect", nil, "r0", s0a+" DRBD_STANDALONE r0", s0b+" DRBD_WFCONNECTION r0")
		s.has(s0a, 0, "\n 0: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---\n", "cat", "/proc/drbd")
		s.has(s0b, 0, "\n 0: cs:WFConnection st:Primary/Unknown ds:UpToDate/DUnknown C r---\n", "cat", "/proc/drbd")
		s.run(s0a, 0, "drbdadm", "connect", "r0")
	})
	step("split-brain", "split-brain", func(s *stack) {
		s.brk(s0a, "split-brain", []string{"r0"}, "r0", s0a+" DRBD_SPLIT_BRAIN r0", s0b+" DRBD_SPLIT_BRAIN r0")
		for _, h := range storages {
			s.has(h, 0, "\n 0: cs:StandAlone st:Primary/Unknown ds:UpToDate/DUnknown   r---\n", "cat", "/proc/drbd")
			s.says(h, 0, "drbd0: Split-Brain detected, dropping connection!\n", "dmesg")
		}
		// storage0b's changes go.
		s.run(s0b, 0, "drbdadm", "secondary", "r0")
		s.run(s0b, 0, "drbdadm", "--", "--discard-my-data", "connect", "r0")
		s.run(s0a, 0, "drbdadm", "connect", "r0")
		s.waitSynced()
		s.run(s0b, 0, "drbdadm", "primary", "r0")
		s.says(s0b, 0, "drbd0: Split-Brain detected, dropping connection!\ndrbd0: Split-Brain detected, manually solved. Sync from peer node\n", "dmesg", "-c")
		s.says(s0a, 0, "drbd0: Split-Brain detected, dropping connection!\ndrbd0: Split-Brain detected, manually solved. Sync from this node\n", "dmesg", "-c")
	})
	step("drbd-down", "drbd-down", func(s *stack) {
		s.brk(s0b, "drbd-down", nil, "r0", s0b+" DRBD_DOWN r0", s0a+" DRBD_WFCONNECTION r0")
		s.has(s0b, 0, "\n 0: cs:Unconfigured\n", "cat", "/proc/drbd")
		s.run(s0b, 0, "drbdadm", "up", "r0")
		s.run(s0b, 0, "drbdadm", "primary", "r0")
	})
	step("drbd-secondary", "drbd-secondary", func(s *stack) {
		s.brk(s0a, "drbd-secondary", nil, "r0", s0a+" DRBD_NOT_PRIMARY r0")
		s.says(s0a, 0, "Secondary/Primary\n", "drbdadm", "state", "r0")
		s.run(s0a, 0, "drbdadm", "primary", "r0")
	})
	step("gnbd-serv-dies", "gnbd-serv-dies", func(s *stack) {
		s.brk(s0a, "gnbd-serv-dies", nil, "gnbd_serv",
			s0a+" GNBD_SERV_DOWN", s0a+" GNBD_EXPORT_MISSING gnbd0a",
			c0+" GNBD_IMPORT_DISCONNECTED gnbd0a", c0+" MULTIPATH_PATH_FAILED mpath0 gnbd0",
			c1+" GNBD_IMPORT_DISCONNECTED gnbd0a", c1+" MULTIPATH_PATH_FAILED mpath0 gnbd0")
		s.says(s0a, 1, "gnbd_export: ERROR error connecting to gnbd_serv: Connection refused\n", "gnbd_export", "-l")
		for _, h := range clients {
			s.has(h, 0, "Device name : gnbd0a\n----------------------\n    Minor # : 0\n sysfs name : /block/gnbd0\n     Server : storage0a.example.org\n       Port : 14567\n      State : Open Disconnected Pending\n", "gnbd_import", "-l")
			s.says(h, 0, failedGnbd0, "multipath", "-l")
			s.has(h, 0, "gnbd0 252:0 [failed][faulty]", "multipath", "-ll")
		}
		s.run(s0a, 0, "gnbd_serv")
		s.run(s0a, 0, "gnbd_export", "-d", "/dev/drbd0", "-e", "gnbd0a", "-u0")
	})
	step("import-disconnect", "import-disconnect", func(s *stack) {
		s.brk(c1, "import-disconnect", nil, "gnbd0a", c1+" GNBD_IMPORT_DISCONNECTED gnbd0a", c1+" MULTIPATH_PATH_FAILED mpath0 gnbd0")
		s.has(c1, 0, "      State : Open Disconnected Pending\n", "gnbd_import", "-l")
		s.says(c1, 0, failedGnbd0, "multipath", "-l")
		s.says(c0, 0, healthyMap, "multipath", "-l")
		s.says(c1, 0, "gnbd_recvd: gnbd_recvd started\ngnbd_import: restarted gnbd_recvd for gnbd device gnbd0a\n", "gnbd_import", "-i", s0a)
	})
	step("path-fail", "path-fail", func(s *stack) {
		s.brk(c0, "path-fail", nil, "mpath0 gnbd0", c0+" MULTIPATH_PATH_FAILED mpath0 gnbd0")
		s.says(c0, 0, failedGnbd0, "multipath", "-l")
		s.has(c0, 0, "gnbd0 252:0 [failed][ready]", "multipath", "-ll")
		s.run(c0, 0, "/etc/init.d/multipathd", "restart")
	})
	step("multipathd-stop", "multipathd-stop", func(s *stack) {
		s.brk(c0, "multipathd-stop", nil, "multipathd", c0+" MULTIPATH_DAEMON_DOWN")
		s.says(c0, 2, "multipathd dead but subsys locked\n", "/etc/init.d/multipathd", "status")
		s.says(c0, 0, healthyMap, "multipath", "-l")
		s.run(c0, 0, "/etc/init.d/multipathd", "restart")
	})
	step("clvmd-stop", "clvmd-stop", func(s *stack) {
		s.brk(c1, "clvmd-stop", nil, "clvmd", c1+" CLVM_CLVMD_DOWN")
		// The script's lvdisplay cannot reach clvmd: it falls back to
		// local locking, which skips the clustered VG.
		s.says(c1, 2, "clvmd dead but subsys locked\nactive volumes: (none)\n", "/etc/init.d/clvmd", "status")
		if lab := s.lab.ReadFile(s.t, c1, "/dev/mapper/VG0-LV0"); lab == "" {
			s.t.Error("the LV went with clvmd")
		}
		s.run(c1, 0, "/etc/init.d/clvmd", "start")
	})
	step("lv-deactivate", "lv-deactivate", func(s *stack) {
		s.brk(c0, "lv-deactivate", nil, "VG0/LV0", c0+" CLVM_LV_INACTIVE VG0/LV0", c0+" GFS2_NOT_MOUNTED /mnt")
		s.says(c0, 0, "  LV0  VG0  -wi---\n", "lvs", "--noheadings", "-o", "lv_name,vg_name,lv_attr")
		s.says(c1, 0, "  LV0  VG0  -wi-ao\n", "lvs", "--noheadings", "-o", "lv_name,vg_name,lv_attr")
		s.run(c0, 0, "lvchange", "-ay", "VG0/LV0")
		s.run(c0, 0, "mount", "-t", "gfs2", "/dev/VG0/LV0", "/mnt")
	})
	step("gfs2-unmount", "gfs2-unmount", func(s *stack) {
		s.brk(c1, "gfs2-unmount", nil, "/mnt", c1+" GFS2_NOT_MOUNTED /mnt")
		if r := s.run(c1, 0, "cat", "/proc/mounts"); strings.Contains(r.Stdout, "gfs2") {
			s.t.Errorf("/proc/mounts:\n%s", r.Stdout)
		}
		s.has(c0, 0, "/dev/mapper/VG0-LV0 /mnt gfs2 ", "cat", "/proc/mounts")
		s.run(c1, 0, "mount", "-t", "gfs2", "/dev/VG0/LV0", "/mnt")
	})
	step("config-edit", "config-edit/lvm.conf", func(s *stack) {
		s.brk(c0, "config-edit", []string{"/etc/lvm/lvm.conf"}, "/etc/lvm/lvm.conf", c0+" CLVM_LOCKING_NOT_CLUSTERED /etc/lvm/lvm.conf")
		s.has(c0, 0, "\n    locking_type = 1\n", "cat", "/etc/lvm/lvm.conf")
		s.has(c0, 5, "  Skipping clustered volume group VG0\n", "lvs")
		s.run(c0, 0, "lvmconf", "--enable-cluster")
	})
	step("config-edit", "config-edit/drbd.conf", func(s *stack) {
		s.brk(s0a, "config-edit", []string{"/etc/drbd.conf"}, "/etc/drbd.conf", s0a+" DRBD_CONF_DRIFT /etc/drbd.conf")
		s.says(s0a, 0, strings.Replace(drbdConf, "rate 10M", "rate 20M", 1), "cat", "/etc/drbd.conf")
		s.lab.WriteFile(s.t, s0a, "/etc/drbd.conf", drbdConf)
	})
	step("config-edit", "config-edit/multipath.conf", func(s *stack) {
		before := s.lab.ReadFile(s.t, c1, "/etc/multipath.conf")
		s.brk(c1, "config-edit", []string{"/etc/multipath.conf"}, "/etc/multipath.conf", c1+" MULTIPATH_CONF_DRIFT /etc/multipath.conf")
		s.says(c1, 0, strings.Replace(before, "#blacklist {\n#        devnode \"*\"\n#}", "blacklist {\n        devnode \"*\"\n}", 1), "cat", "/etc/multipath.conf")
		s.lab.WriteFile(s.t, c1, "/etc/multipath.conf", before)
		s.run(c1, 0, "/etc/init.d/multipathd", "reload")
	})
	step("config-edit", "config-edit/cluster.conf", func(s *stack) {
		before := s.lab.ReadFile(s.t, s0b, "/etc/cluster/cluster.conf")
		s.brk(s0b, "config-edit", []string{"/etc/cluster/cluster.conf"}, "/etc/cluster/cluster.conf", s0a+" CLUSTER_CONFIG_SKEW /etc/cluster/cluster.conf")
		s.has(s0b, 0, `<cluster name="storage0" config_version="2">`, "cat", "/etc/cluster/cluster.conf")
		s.has(s0a, 0, `<cluster name="storage0" config_version="1">`, "cat", "/etc/cluster/cluster.conf")
		s.says(s0b, 0, "6.1.0 config 1\n", "cman_tool", "version")
		s.lab.WriteFile(s.t, s0b, "/etc/cluster/cluster.conf", before)
	})
	step("package-remove", "package-remove", func(s *stack) {
		s.brk(c0, "package-remove", []string{"gfs2-utils"}, "gfs2-utils", c0+" HOST_PACKAGE_MISSING gfs2-utils")
		s.says(c0, 1, "package gfs2-utils is not installed\n", "rpm", "-q", "gfs2-utils")
		if r := s.lab.Run(s.t, c0, "mkfs.gfs2", "-V"); r.Exit != 127 {
			s.t.Errorf("mkfs.gfs2 without its package: %+v", r)
		}
		s.run(c0, 0, "yum", "-y", "install", "gfs2-utils")
	})

	for _, k := range breaks.Kinds {
		if !tested[k.Name] {
			t.Errorf("kind %s is not broken and repaired here", k.Name)
		}
	}
}

// TestCrashesLoseQuorum: a three-node cluster that loses two members is
// no longer quorate, and the break says so of the one left.
func TestCrashesLoseQuorum(t *testing.T) {
	const n0, n1, n2 = "node0.example.org", "node1.example.org", "node2.example.org"
	s := &stack{t: t, lab: labtest.New(t, n0, n1, n2)}
	for _, h := range []string{n0, n1, n2} {
		s.run(h, 0, "yum", "-y", "install", "cman")
		s.lab.WriteFile(t, h, "/etc/cluster/cluster.conf", clusterConf("three", n0, n1, n2))
		s.run(h, 0, "/etc/init.d/cman", "start")
	}
	s.brk(n1, "node-crash", nil, "three", n1+" CLUSTER_CMAN_NOT_RUNNING three")
	s.brk(n2, "node-crash", nil, "three", n2+" CLUSTER_CMAN_NOT_RUNNING three", n0+" CLUSTER_NOT_QUORATE three")
	s.has(n0, 0, "Quorum: 2 Activity blocked\n", "cman_tool", "status")
}

// TestApplyRefuses: breaks that cannot happen change nothing.
func TestApplyRefuses(t *testing.T) {
	s := &stack{t: t, lab: labtest.New(t, c0)}
	for _, tc := range []struct {
		kind string
		args []string
		msg  string
	}{
		{"frob", nil, `unknown kind "frob"`},
		{"node-crash", []string{"x"}, "node-crash takes no arguments"},
		{"config-edit", nil, "config-edit takes FILE"},
		{"path-fail", []string{"a", "b", "c"}, "path-fail takes [MAP [PATH]]"},
		{"node-crash", nil, "cman is not running"},
		{"drbd-down", nil, "no DRBD resource is up"},
		{"drbd-down", []string{"r0"}, "not configured"},
		{"gnbd-serv-dies", nil, "gnbd_serv is not running"},
		{"import-disconnect", nil, "imports no connected GNBD"},
		{"path-fail", nil, "has no multipath maps"},
		{"multipathd-stop", nil, "multipathd is not running"},
		{"clvmd-stop", nil, "clvmd is not running"},
		{"lv-deactivate", nil, "no logical volume is active"},
		{"lv-deactivate", []string{"VG0"}, "name the logical volume as VG/LV"},
		{"lv-deactivate", []string{"VG0/LV9"}, "is not an active logical volume"},
		{"gfs2-unmount", nil, "no GFS2 is mounted"},
		{"config-edit", []string{"/etc/hosts"}, "not /etc/hosts"},
		{"config-edit", []string{"/etc/drbd.conf"}, "no such file"},
		{"config-edit", []string{"/etc/lvm/lvm.conf"}, "locking_type is 1 already"},
		{"package-remove", []string{"cman"}, "package cman is not installed"},
	} {
		_, err := breaks.Apply(s.lab.Dir, "client0", tc.kind, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s %v: %v, want %q", tc.kind, tc.args, err, tc.msg)
		}
	}
	if _, err := breaks.Apply(s.lab.Dir, "client9", "node-crash"); err == nil || !strings.Contains(err.Error(), "not in the lab") {
		t.Errorf("a host not in the lab: %v", err)
	}
}

// TestKindsTable: every kind is documented, its codes name where they are
// found, and its examples give the arguments it needs.
func TestKindsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range breaks.Kinds {
		if seen[k.Name] || k.Name == "" || strings.ToLower(k.Name) != k.Name || strings.ContainsAny(k.Name, " _") {
			t.Errorf("kind name %q", k.Name)
		}
		seen[k.Name] = true
		if k.Doc == "" || k.Repair == "" || len(k.Codes) == 0 || len(k.Examples) == 0 {
			t.Errorf("%s: doc, repair, codes and examples are all needed", k.Name)
		}
		for _, c := range k.Codes {
			if !slices.Contains([]breaks.Where{breaks.OnHost, breaks.OnPeer, breaks.OnMembers, breaks.OnClients}, c.On) || !strings.Contains(string(c.Code), "_") {
				t.Errorf("%s: code %+v", k.Name, c)
			}
		}
		needs := strings.Count(k.Args, " ") + 1
		for _, e := range k.Examples {
			if !strings.HasPrefix(k.Args, "[") && k.Args != "" && len(e.Args) < needs {
				t.Errorf("%s: example %+v lacks its arguments", k.Name, e)
			}
			if e.Role != breaks.Storage && e.Role != breaks.Client {
				t.Errorf("%s: example role %q", k.Name, e.Role)
			}
		}
		if got, ok := breaks.Lookup(k.Name); !ok || got.Name != k.Name {
			t.Errorf("Lookup(%s)", k.Name)
		}
	}
}

// TestUsage: lab break's flags and its list.
func TestUsage(t *testing.T) {
	lab := labtest.New(t, c0)
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(labtest.Binary(t), append([]string{"break"}, args...)...)
		var out, errs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errs
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return out.String(), errs.String(), exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return out.String(), errs.String(), 0
	}
	out, _, code := run("--list")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != len(breaks.Kinds) || !strings.HasPrefix(lines[0], "node-crash ") || !strings.Contains(out, "\nconfig-edit        FILE           a managed config file edited by hand (") {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
	for _, bad := range [][]string{{"--list", "--dir", lab.Dir}, {"--dir", lab.Dir}, {"--dir", lab.Dir, "--host", c0}, {"--dir", "/nonexistent", "--host", c0, "node-crash"}, {"--dir", lab.Dir, "--host", c0, "node-crash"}} {
		if _, errs, code := run(bad...); code != 1 || !strings.HasPrefix(errs, "lab break: ") {
			t.Errorf("lab break %v: exit %d, %q", bad, code, errs)
		}
	}
	if _, errs, code := run("--dir", lab.Dir, "--host", c0, "--json", "node-crash"); code != 1 || !strings.Contains(errs, "cman is not running on client0.example.org") {
		t.Errorf("a refused break: exit %d, %q", code, errs)
	}
}
