package drbd

import (
	"errors"
	"strings"
	"testing"
)

const (
	a = "storage0a.example.org"
	b = "storage0b.example.org"
)

// procedureConf is part #2b's /etc/drbd.conf, identical on both hosts.
const procedureConf = `global { usage-count no; }
common { syncer { rate 10M; } }
resource r0 {
	protocol C;
	startup { become-primary-on both; }
	net { allow-two-primaries; }
	syncer { rate 10M; }
	on storage0a.example.org {
		device /dev/drbd0;
		disk /dev/xvdb1;
		address 192.168.10.20:7788;
		meta-disk internal;
	}
	on storage0b.example.org {
		device /dev/drbd0;
		disk /dev/xvdb1;
		address 192.168.10.27:7788;
		meta-disk internal;
	}
}
`

func TestParseProcedureConf(t *testing.T) {
	c, err := ParseConf("/etc/drbd.conf", b, []byte(procedureConf))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	r := c.Resource("r0")
	if r == nil || len(c.Resources) != 1 {
		t.Fatalf("resources: %+v", c.Resources)
	}
	me, peer := r.Me(b), r.Peer(b)
	if me == nil || me.Address != "192.168.10.27:7788" || me.Disk != "/dev/xvdb1" || me.MetaIndex != "internal" {
		t.Errorf("me: %+v", me)
	}
	if peer == nil || peer.Name != a || peer.Address != "192.168.10.20:7788" {
		t.Errorf("peer: %+v", peer)
	}
	if n, ok := me.Minor(); !ok || n != 0 {
		t.Errorf("minor %d %v", n, ok)
	}
	if got := c.RateKB(r); got != 10240 {
		t.Errorf("rate %d", got)
	}
	if _, ok := c.Option(r, "net", "allow-two-primaries"); !ok {
		t.Error("allow-two-primaries not found")
	}
	if got := c.protocol(r); got != "C" {
		t.Errorf("protocol %q", got)
	}
}

func TestConfCommonAndDefaults(t *testing.T) {
	conf := strings.Replace(procedureConf, "\tsyncer { rate 10M; }\n", "", 1)
	conf = strings.Replace(conf, "\tprotocol C;\n", "", 1)
	conf = strings.Replace(conf, "common {", "common { protocol c; net { allow-two-primaries; }", 1)
	conf = strings.Replace(conf, "\tnet { allow-two-primaries; }\n", "", 1)
	c, err := ParseConf("/etc/drbd.conf", a, []byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	r := c.Resource("r0")
	if c.RateKB(r) != 10240 || c.protocol(r) != "C" {
		t.Errorf("from common: rate %d protocol %q", c.RateKB(r), c.protocol(r))
	}
	c.Common = nil
	if c.RateKB(r) != 250 {
		t.Errorf("default rate %d", c.RateKB(r))
	}
}

func TestConfErrors(t *testing.T) {
	for _, tc := range []struct {
		name, node, conf, want string
	}{
		{"not a host of the resource", "storage1a.example.org", procedureConf,
			"/etc/drbd.conf:14: in resource r0, on storage0a.example.org { ... } ... on storage0b.example.org { ... }:\n" +
				"\tThere are multiple host sections for the peer.\n\tMaybe misspelled local host name 'storage1a.example.org'?\n" +
				"/etc/drbd.conf:14: in resource r0, there is no host section for this host.\n\tMissing 'on storage1a.example.org {...}' ?\n"},
		{"missing keyword", a, strings.Replace(procedureConf, "\t\tdisk /dev/xvdb1;\n\t\taddress 192.168.10.27", "\t\taddress 192.168.10.27", 1),
			"/etc/drbd.conf:14: in resource r0, on storage0b.example.org { ... }: 'disk' keyword missing.\n"},
		{"syntax", a, strings.Replace(procedureConf, "protocol C;", "protocol C", 1),
			"/etc/drbd.conf:5: Parse error: ';' expected,\n\tbut got 'startup'\n"},
		{"unknown section", a, "global { usage-count no; }\nfrob { }\n",
			"/etc/drbd.conf:2: Parse error: 'global | common | resource | skip' expected,\n\tbut got 'frob'\n"},
	} {
		_, err := ParseConf("/etc/drbd.conf", tc.node, []byte(tc.conf))
		var ce *ConfError
		if !errors.As(err, &ce) || ce.Text != tc.want || ce.Status != 10 {
			t.Errorf("%s: got %v\nwant %q", tc.name, err, tc.want)
		}
	}
}

func TestConfValidate(t *testing.T) {
	for _, tc := range []struct {
		name, conf, want string
	}{
		{"no protocol", strings.Replace(procedureConf, "\tprotocol C;\n", "", 1),
			"/etc/drbd.conf:3: in resource r0:\n\tprotocol definition missing.\n"},
		{"both primary without allow-two-primaries", strings.Replace(procedureConf, "\tnet { allow-two-primaries; }\n", "", 1),
			"In resource r0:\nbecome-primary-on is set to both, but allow-two-primaries is not set.\n"},
	} {
		c, err := ParseConf("/etc/drbd.conf", a, []byte(tc.conf))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ce *ConfError
		if err := c.Validate(); !errors.As(err, &ce) || ce.Text != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for s, want := range map[string]int64{"10M": 10240, "10240": 10240, "100K": 100, "1G": 1 << 20, "250k": 250} {
		if got, ok := parseSize(s, 'K'); !ok || got != want {
			t.Errorf("parseSize(%s) = %d %v, want %d", s, got, ok, want)
		}
	}
	if _, ok := parseSize("fast", 'K'); ok {
		t.Error("parseSize accepted fast")
	}
}
