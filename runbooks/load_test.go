package runbooks

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// base is a valid runbook whose line numbers the cases below rely on.
const base = `name: lab
description: a test runbook
hosts:
  - name: node1
    fqdn: node1.example.org
    address: 192.168.10.1
  - name: node2
    fqdn: node2.example.org
    address: 192.168.10.2
  - name: node3
    fqdn: node3.example.org
    address: 192.168.10.3
clusters:
  - name: pair
    two_node: true
    nodes:
      - host: node1
        nodeid: 1
        votes: 1
      - host: node2
        nodeid: 2
  - name: solo
    nodes:
      - host: node3
        nodeid: 1
`

// edit returns base with old replaced by new; old must occur exactly once,
// so a case cannot silently test the unedited document.
func edit(old, new string) string {
	if n := strings.Count(base, old); n != 1 {
		panic("edit: " + strconv.Quote(old) + " occurs " + strconv.Itoa(n) + " times in base")
	}
	return strings.Replace(base, old, new, 1)
}

const src = "runbooks/x.yaml"

// errorList flattens an error from Parse into its *Error parts.
func errorList(t *testing.T, err error) []*Error {
	t.Helper()
	var parts []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts = j.Unwrap()
	} else {
		parts = []error{err}
	}
	var list []*Error
	for _, e := range parts {
		var re *Error
		if !errors.As(e, &re) {
			t.Fatalf("error %q (%T) is not a *Error", e, e)
		}
		list = append(list, re)
	}
	return list
}

func TestParseBase(t *testing.T) {
	r, err := Parse(src, []byte(base))
	if err != nil {
		t.Fatalf("Parse(base) = %v, want no error", err)
	}
	if got, want := r.Clusters[0].Nodes[1].Votes, 1; got != want {
		t.Errorf("default votes = %d, want %d", got, want)
	}
	if got, want := r.Clusters[0].TwoNode, true; got != want {
		t.Errorf("two_node = %v, want %v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		line  int
		field string
		msg   string // substring of the first error's Msg
	}{
		// YAML itself.
		// yaml.v3 reports a parser error at the line before the construct
		// that failed (its context mark, counted from 0); these lines are
		// its numbers, not ours.
		{"syntax error", edit("    address: 192.168.10.2\n", "    address: [192.168.10.2\n"), 8, "", "invalid YAML: did not find expected ',' or ']'"},
		{"bad indentation", edit("    fqdn: node2.example.org\n", "   fqdn: node2.example.org\n"), 3, "", "invalid YAML: did not find expected '-' indicator"},
		{"unterminated string", edit("    address: 192.168.10.2\n", "    address: '192.168.10.2\n"), 9, "", "invalid YAML: found unexpected end of stream"},
		{"NUL byte", base + "\x00", 0, "", "invalid YAML: control characters"},
		{"empty file", "", 0, "", "file is empty"},
		{"only comments", "# nothing here\n", 0, "", "file is empty"},
		{"two documents", base + "---\nname: other\n", 26, "", "more than one YAML document"},
		{"empty second document", base + "---\n", 26, "", "more than one YAML document"},
		{"document is a list", "- name: lab\n", 1, "", "the file must hold a mapping with keys name, hosts, description, clusters, got a list"},
		{"document is null", "~\n", 1, "", "the file must hold a mapping"},
		{"document is a string", "hello\n", 1, "", "the file must hold a mapping"},
		{"unknown top-level key", edit("description: a test runbook\n", "colour: red\n"), 2, "colour", `unknown key "colour"; expected one of name, hosts, description, clusters`},
		{"unknown host key", edit("    fqdn: node1.example.org\n", "    fqdn: node1.example.org\n    port: 22\n"), 6, "hosts[0].port", `unknown key "port"`},
		{"misspelt host key", edit("    fqdn: node1.example.org\n", "    fdqn: node1.example.org\n"), 4, "hosts[0].fqdn", "is required"},
		{"unknown cluster key", edit("    two_node: true\n", "    two_node: true\n    quorum: 1\n"), 16, "clusters[0].quorum", `unknown key "quorum"`},
		{"unknown node key", edit("        votes: 1\n", "        votes: 1\n        weight: 1\n"), 20, "clusters[0].nodes[0].weight", `unknown key "weight"`},
		{"hostile unknown key", edit("    fqdn: node1.example.org\n", "    fqdn: node1.example.org\n    \"a\\nb\": 1\n"), 6, `hosts[0]."a\nb"`, `unknown key "a\nb"`},
		{"non-string key", edit("description: a test runbook\n", "1: one\n"), 2, "", "keys must be plain strings, got an integer"},
		{"duplicate top-level key", edit("description: a test runbook\n", "name: other\n"), 2, "name", `duplicate key "name" (first at line 1)`},
		{"duplicate host key", edit("    address: 192.168.10.1\n", "    address: 192.168.10.1\n    address: 192.168.10.9\n"), 7, "hosts[0].address", `duplicate key "address" (first at line 6)`},
		{"duplicate node key", edit("        nodeid: 2\n", "        nodeid: 2\n        nodeid: 3\n"), 22, "clusters[0].nodes[1].nodeid", "duplicate key"},
		{"anchor", edit("    address: 192.168.10.1\n", "    address: &a 192.168.10.1\n"), 6, "hosts[0].address", "anchors and aliases are not supported"},
		{"alias", edit("description: a test runbook\n", "description: &d a test runbook\n"), 2, "description", "anchors and aliases are not supported"},
		{"merge key", edit("  - name: node3\n", "  - <<: {fqdn: x}\n    name: node3\n"), 10, "hosts[2].<<", "merge keys are not supported"},

		// Types.
		{"string for a number", edit("        nodeid: 2\n", "        nodeid: two\n"), 21, "clusters[0].nodes[1].nodeid", `must be an integer, got a string "two"`},
		{"quoted number", edit("        nodeid: 2\n", "        nodeid: \"2\"\n"), 21, "clusters[0].nodes[1].nodeid", "must be an integer"},
		{"hex number", edit("        nodeid: 2\n", "        nodeid: 0x2\n"), 21, "clusters[0].nodes[1].nodeid", `must be a decimal integer, got "0x2"`},
		{"float number", edit("        votes: 1\n", "        votes: 1.5\n"), 19, "clusters[0].nodes[0].votes", `must be an integer, got a number "1.5"`},
		{"huge number", edit("        votes: 1\n", "        votes: 99999999999999999999\n"), 19, "clusters[0].nodes[0].votes", "must be an integer"},
		{"number for a string", edit("name: lab\n", "name: 123\n"), 1, "name", `must be a string, got an integer "123"; quote it`},
		{"boolean for a string", edit("    fqdn: node2.example.org\n", "    fqdn: true\n"), 8, "hosts[1].fqdn", "must be a string, got a boolean"},
		{"list for a string", edit("name: lab\n", "name: [lab]\n"), 1, "name", "must be a string, got a list"},
		{"list for a mapping", edit("  - name: node3\n    fqdn: node3.example.org\n    address: 192.168.10.3\n", "  - [node3]\n"), 10, "hosts[2]", "must be a mapping with keys name, fqdn, address, got a list"},
		{"string for a mapping", edit("  - name: node3\n    fqdn: node3.example.org\n    address: 192.168.10.3\n", "  - node3\n"), 10, "hosts[2]", `got a string "node3"`},
		{"mapping for a list", edit("    nodes:\n      - host: node3\n        nodeid: 1\n", "    nodes:\n      host: node3\n"), 24, "clusters[1].nodes", "must be a list, got a mapping"},
		{"yes for a boolean", edit("    two_node: true\n", "    two_node: yes\n"), 15, "clusters[0].two_node", `must be true or false, got a string "yes"`},
		{"tagged value", edit("name: lab\n", "name: !secret lab\n"), 1, "name", `got a value tagged "!secret"`},

		// Required fields.
		{"missing name", edit("name: lab\n", ""), 1, "name", "is required"},
		{"null name", edit("name: lab\n", "name:\n"), 1, "name", "is required"},
		{"empty name", edit("name: lab\n", "name: \"\"\n"), 1, "name", "is required"},
		{"missing hosts", "name: lab\n", 1, "hosts", "is required"},
		{"empty hosts", "name: lab\nhosts: []\n", 2, "hosts", "at least one host is required"},
		{"missing fqdn", edit("    fqdn: node2.example.org\n", ""), 7, "hosts[1].fqdn", "is required"},
		{"missing address", edit("    address: 192.168.10.3\n", ""), 10, "hosts[2].address", "is required"},
		{"missing cluster name", edit("  - name: solo\n    nodes:\n", "  - nodes:\n"), 22, "clusters[1].name", "is required"},
		{"missing nodes", edit("    nodes:\n      - host: node3\n        nodeid: 1\n", ""), 22, "clusters[1].nodes", "is required"},
		{"missing node host", edit("      - host: node3\n        nodeid: 1\n", "      - nodeid: 1\n"), 24, "clusters[1].nodes[0].host", "is required"},
		{"missing nodeid", edit("        nodeid: 2\n", ""), 20, "clusters[0].nodes[1].nodeid", "is required"},

		// Malformed values.
		{"runbook name uppercase", edit("name: lab\n", "name: Lab\n"), 1, "name", `"Lab" is not a runbook name`},
		{"runbook name too long", edit("name: lab\n", "name: "+strings.Repeat("a", 64)+"\n"), 1, "name", "is not a runbook name"},
		{"host name uppercase", edit("  - name: node1\n", "  - name: Node1\n"), 4, "hosts[0].name", `"Node1" is not a host name`},
		{"host name starts with digit", edit("  - name: node1\n", "  - name: 1node\n"), 4, "hosts[0].name", "is not a host name"},
		{"host name too long", edit("  - name: node1\n", "  - name: n"+strings.Repeat("a", 63)+"\n"), 4, "hosts[0].name", "is not a host name"},
		{"fqdn without dot", edit("    fqdn: node1.example.org\n", "    fqdn: node1\n"), 5, "hosts[0].fqdn", "is not fully qualified"},
		{"fqdn uppercase", edit("    fqdn: node1.example.org\n", "    fqdn: Node1.example.org\n"), 5, "hosts[0].fqdn", "must be lowercase"},
		{"fqdn trailing dot", edit("    fqdn: node1.example.org\n", "    fqdn: node1.example.org.\n"), 5, "hosts[0].fqdn", "must not end with a dot"},
		{"fqdn empty label", edit("    fqdn: node1.example.org\n", "    fqdn: node1..example.org\n"), 5, "hosts[0].fqdn", "has an empty label"},
		{"fqdn label with leading hyphen", edit("    fqdn: node1.example.org\n", "    fqdn: node1.-example.org\n"), 5, "hosts[0].fqdn", `label "-example"`},
		{"fqdn label too long", edit("    fqdn: node1.example.org\n", "    fqdn: node1."+strings.Repeat("a", 64)+".org\n"), 5, "hosts[0].fqdn", "label longer than 63"},
		{"fqdn too long", edit("    fqdn: node1.example.org\n", "    fqdn: "+strings.Repeat("abcdefghi.", 26)+"org\n"), 5, "hosts[0].fqdn", "longer than 253"},
		{"fqdn underscore", edit("    fqdn: node1.example.org\n", "    fqdn: node_1.example.org\n"), 5, "hosts[0].fqdn", "is not a valid FQDN"},
		{"address out of range", edit("    address: 192.168.10.1\n", "    address: 192.168.10.300\n"), 6, "hosts[0].address", "is not an IPv4 address"},
		{"address hostname", edit("    address: 192.168.10.1\n", "    address: node1.example.org\n"), 6, "hosts[0].address", "is not an IPv4 address"},
		{"address with port", edit("    address: 192.168.10.1\n", "    address: \"192.168.10.1:7788\"\n"), 6, "hosts[0].address", "is not an IPv4 address"},
		{"address with zone", edit("    address: 192.168.10.1\n", "    address: \"fe80::1%eth0\"\n"), 6, "hosts[0].address", "is an IPv6 address with a zone"},
		{"address IPv6", edit("    address: 192.168.10.1\n", "    address: \"2001:db8::1\"\n"), 6, "hosts[0].address", `"2001:db8::1" is an IPv6 address; DRBD 8.2 needs "ipv6 [addr]:port" for one, which tetsuzuki does not write`},
		{"address IPv4-mapped IPv6", edit("    address: 192.168.10.1\n", "    address: \"::ffff:192.168.10.1\"\n"), 6, "hosts[0].address", "is an IPv6 address"},
		{"address not canonical", edit("    address: 192.168.10.1\n", "    address: \"192.168.010.1\"\n"), 6, "hosts[0].address", "is not an IPv4 address"},
		{"address unspecified", edit("    address: 192.168.10.1\n", "    address: 0.0.0.0\n"), 6, "hosts[0].address", "is an unspecified address"},
		{"address this network", edit("    address: 192.168.10.1\n", "    address: 0.1.2.3\n"), 6, "hosts[0].address", "is an unspecified address (0.0.0.0/8)"},
		{"address loopback", edit("    address: 192.168.10.1\n", "    address: 127.0.0.1\n"), 6, "hosts[0].address", "is a loopback address (127.0.0.0/8)"},
		{"address loopback net", edit("    address: 192.168.10.1\n", "    address: 127.1.2.3\n"), 6, "hosts[0].address", "is a loopback address"},
		{"address broadcast", edit("    address: 192.168.10.1\n", "    address: 255.255.255.255\n"), 6, "hosts[0].address", "is the broadcast address"},
		{"address multicast", edit("    address: 192.168.10.1\n", "    address: 224.0.0.1\n"), 6, "hosts[0].address", "is a multicast address"},
		{"address reserved", edit("    address: 192.168.10.1\n", "    address: 240.0.0.1\n"), 6, "hosts[0].address", "is a reserved address"},
		{"cluster name too long", edit("  - name: pair\n", "  - name: storage-cluster0\n"), 14, "clusters[0].name", `"storage-cluster0" is 16 characters long; cman refuses cluster names longer than 15`},
		{"cluster name bad characters", edit("  - name: pair\n", "  - name: pair.0\n"), 14, "clusters[0].name", "letters, digits, '_' and '-' only"},
		{"description with control character", edit("description: a test runbook\n", "description: \"ring\\a\"\n"), 2, "description", "must not contain control characters"},
		{"description too long", edit("description: a test runbook\n", "description: "+strings.Repeat("x", 5000)+"\n"), 2, "description", "5000 bytes, at most 4096"},

		// Uniqueness and references.
		{"duplicate host name", edit("  - name: node2\n", "  - name: node1\n"), 7, "hosts[1].name", `duplicate host name "node1", also hosts[0].name (line 4)`},
		{"duplicate fqdn", edit("    fqdn: node2.example.org\n", "    fqdn: node1.example.org\n"), 8, "hosts[1].fqdn", `duplicate FQDN "node1.example.org", also hosts[0].fqdn (line 5)`},
		{"duplicate address", edit("    address: 192.168.10.3\n", "    address: 192.168.10.1\n"), 12, "hosts[2].address", `duplicate address "192.168.10.1", also hosts[0].address (line 6)`},
		{"duplicate cluster name", edit("  - name: solo\n", "  - name: pair\n"), 22, "clusters[1].name", `duplicate cluster name "pair", also clusters[0].name (line 14)`},
		{"host twice in a cluster", edit("      - host: node2\n", "      - host: node1\n"), 20, "clusters[0].nodes[1].host", `host "node1" is listed twice in this cluster, also clusters[0].nodes[0].host (line 17)`},
		{"host in two clusters", edit("      - host: node3\n", "      - host: node2\n"), 24, "clusters[1].nodes[0].host", `host "node2" is already a node of cluster "pair", clusters[0].nodes[1].host (line 20); a host runs only one cman`},
		{"unknown host", edit("      - host: node3\n", "      - host: storage9a\n"), 24, "clusters[1].nodes[0].host", `"storage9a" is not a host of this runbook`},
		{"duplicate nodeid", edit("        nodeid: 2\n", "        nodeid: 1\n"), 21, "clusters[0].nodes[1].nodeid", "duplicate nodeid 1 in the cluster, also clusters[0].nodes[0].nodeid (line 18)"},
		{"cluster without nodes", edit("    nodes:\n      - host: node3\n        nodeid: 1\n", "    nodes: []\n"), 23, "clusters[1].nodes", "a cluster needs at least one node"},
		{"nodeid zero", edit("        nodeid: 2\n", "        nodeid: 0\n"), 21, "clusters[0].nodes[1].nodeid", "must be from 1 to 255, got 0"},
		{"nodeid too big", edit("        nodeid: 2\n", "        nodeid: 256\n"), 21, "clusters[0].nodes[1].nodeid", "must be from 1 to 255, got 256"},
		{"nodeid negative", edit("        nodeid: 2\n", "        nodeid: -2\n"), 21, "clusters[0].nodes[1].nodeid", "must be from 1 to 255, got -2"},
		{"votes zero", edit("        votes: 1\n", "        votes: 0\n"), 19, "clusters[0].nodes[0].votes", "must be from 1 to 255, got 0"},
		{"votes too big", edit("        votes: 1\n", "        votes: 300\n"), 19, "clusters[0].nodes[0].votes", "must be from 1 to 255, got 300"},
		{"two_node with one node", edit("  - name: solo\n", "  - name: solo\n    two_node: true\n"), 23, "clusters[1].two_node", "only allowed with exactly 2 nodes, the cluster has 1"},
		{"two_node with three nodes", edit("        nodeid: 2\n", "        nodeid: 2\n      - host: node3\n        nodeid: 3\n"), 15, "clusters[0].two_node", "the cluster has 3"},

		// Size.
		{"too large", strings.Repeat("#\n", MaxSize/2+1), 0, "", "file is larger than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(src, []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse = %+v, nil; want error %s:%d: %s: ...%s...", r, src, tt.line, tt.field, tt.msg)
			}
			if r != nil {
				t.Errorf("Parse returned a runbook with error %v", err)
			}
			list := errorList(t, err)
			got := list[0]
			if got.Source != src || got.Line != tt.line || got.Field != tt.field || !strings.Contains(got.Msg, tt.msg) {
				t.Errorf("first error = %q\nwant source %q, line %d, field %q, message containing %q", got, src, tt.line, tt.field, tt.msg)
			}
			for _, e := range list {
				if s := e.Error(); strings.ContainsAny(s, "\n\x00") || !strings.HasPrefix(s, src) {
					t.Errorf("error %q must start with the source and be one line", s)
				}
			}
		})
	}
}

// TestParseHostileValues checks that values which could escape into a path,
// a shell command or a tool's options are refused in every name field.
func TestParseHostileValues(t *testing.T) {
	hostile := []string{
		"a/b", "..", "../../etc/passwd", "a b", " node1", "node1 ", "a;b", "$(reboot)", "${IFS}",
		"`id`", "a|b", "a&b", "a>b", "a\nb", "node1\n", "a\x00b", "a\tb", "-rf", "--help", "*", "a'b", "a\"b", "a\\b",
	}
	fields := []struct {
		old, new string // new has %s for the quoted value
		line     int
		field    string
	}{
		{"name: lab\n", "name: %s\n", 1, "name"},
		{"  - name: node1\n", "  - name: %s\n", 4, "hosts[0].name"},
		{"    fqdn: node1.example.org\n", "    fqdn: %s\n", 5, "hosts[0].fqdn"},
		{"    address: 192.168.10.1\n", "    address: %s\n", 6, "hosts[0].address"},
		{"  - name: pair\n", "  - name: %s\n", 14, "clusters[0].name"},
		{"      - host: node1\n", "      - host: %s\n", 17, "clusters[0].nodes[0].host"},
	}
	for _, f := range fields {
		for _, h := range hostile {
			for _, v := range []string{h, h + ".example.org"} {
				t.Run(f.field+"="+strconv.Quote(v), func(t *testing.T) {
					in := edit(f.old, strings.Replace(f.new, "%s", strconv.Quote(v), 1))
					_, err := Parse(src, []byte(in))
					if err == nil {
						t.Fatalf("Parse accepted %s = %q", f.field, v)
					}
					got := errorList(t, err)[0]
					if got.Line != f.line || got.Field != f.field {
						t.Errorf("first error = %q, want line %d, field %s", got, f.line, f.field)
					}
					if s := got.Error(); strings.ContainsAny(s, "\n\x00") {
						t.Errorf("error %q is not one clean line", s)
					}
				})
			}
		}
	}
}

func TestParseReportsAllErrorsInLineOrder(t *testing.T) {
	in := strings.Replace(edit("      - host: node3\n", "      - host: node9\n"), "name: lab\n", "name: Lab\n", 1)
	_, err := Parse(src, []byte(in))
	list := errorList(t, err)
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	want := []string{
		`runbooks/x.yaml:1: name: "Lab" is not a runbook name: lowercase letters, digits and '-', starting with a letter or digit, at most 63 characters`,
		`runbooks/x.yaml:24: clusters[1].nodes[0].host: "node9" is not a host of this runbook`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var first *Error
	if !errors.As(err, &first) || first.Line != 1 {
		t.Errorf("errors.As found %v, want the line 1 error", first)
	}
}

func TestParseLimitsErrorCount(t *testing.T) {
	in := "name: lab\nhosts:\n" + strings.Repeat("  - name: X\n    fqdn: x\n    address: x\n", 30)
	list := errorList(t, func() error { _, err := Parse(src, []byte(in)); return err }())
	if got, want := len(list), maxErrors+1; got != want {
		t.Fatalf("got %d errors, want %d", got, want)
	}
	if got, want := list[maxErrors].Error(), "runbooks/x.yaml: 70 more errors not shown"; got != want {
		t.Errorf("last error = %q, want %q", got, want)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{"runbooks/x.yaml", 12, "clusters[0].nodes[1].host", "msg"}, "runbooks/x.yaml:12: clusters[0].nodes[1].host: msg"},
		{Error{"runbooks/x.yaml", 3, "", "msg"}, "runbooks/x.yaml:3: msg"},
		{Error{"runbooks/x.yaml", 0, "name", "msg"}, "runbooks/x.yaml: name: msg"},
		{Error{"runbooks/x.yaml", 0, "", "msg"}, "runbooks/x.yaml: msg"},
		{Error{"", 0, "hosts[0].name", "msg"}, "hosts[0].name: msg"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	r := &Runbook{
		Name:     "built",
		Hosts:    []Host{{Name: "a", FQDN: "a.example.org", Address: "10.0.0.1"}, {Name: "b", FQDN: "b.example.org", Address: "10.0.0.2"}},
		Clusters: []Cluster{{Name: "ab", TwoNode: true, Nodes: []Node{{Host: "a", NodeID: 1, Votes: 1}, {Host: "b", NodeID: 2, Votes: 1}}}},
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	r.Clusters[0].Nodes[1].Votes = 0
	r.Hosts[1].Address = "10.0.0.1"
	err := r.Validate()
	want := "hosts[1].address: duplicate address \"10.0.0.1\", also hosts[0].address\nclusters[0].nodes[1].votes: must be from 1 to 255, got 0"
	if err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want\n%s", err, want)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	good := write("good.yaml", base)
	if r, err := Load(good); err != nil || r.Name != "lab" {
		t.Errorf("Load(%s) = %v, %v; want runbook lab", good, r, err)
	}

	bad := write("bad.yaml", edit("      - host: node3\n", "      - host: node9\n"))
	_, err := Load(bad)
	if want := bad + `:24: clusters[1].nodes[0].host: "node9" is not a host of this runbook`; err == nil || err.Error() != want {
		t.Errorf("Load(bad) = %v, want %s", err, want)
	}

	big := write("big.yaml", base+strings.Repeat("#", MaxSize))
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Load(big) = %v, want a size error", err)
	}

	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want an error wrapping os.ErrNotExist", err)
	}
}
