package runbooks

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// a located *Error on one line, and that an accepted runbook validates again
// and survives a round trip through yaml.Marshal unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte(storageBase))
	f.Add([]byte(volumeBase))
	for _, name := range Builtin() {
		_, data, err := Open(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("name: a\nhosts: [{name: b, fqdn: b.c, address: \"::1\"}]\nclusters: [{name: x, two_node: true, nodes: [{host: b, nodeid: 1}]}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("name: a\nhosts: [{name: s, fqdn: s.c, address: 10.0.0.1}, {name: t, fqdn: t.c, address: 10.0.0.2}, {name: c, fqdn: c.c, address: 10.0.0.3}]\n" +
		"clusters: [{name: st, nodes: [{host: s, nodeid: 1}, {host: t, nodeid: 2}]}, {name: cl, nodes: [{host: c, nodeid: 1}]}]\n" +
		"disks: [{host: s, device: /dev/xvdb, partition: /dev/xvdb1}, {host: t, device: /dev/sdb, partition: /dev/sdb2}]\n" +
		"drbd: [{name: r0, device: /dev/drbd0, hosts: [s, t], port: 7790}]\n" +
		"gnbd: {exports: [{host: s, name: e0, device: /dev/drbd0, uid: 0}, {host: t, name: e1, device: /dev/drbd0, uid: 0}], imports: {clients: [c]}}\n" +
		"multipath: {clients: [c]}\napprovals: {auto: [drbd-overwrite]}\n"))
	f.Add([]byte("name: a\nhosts: [{name: s, fqdn: s.c, address: 10.0.0.1}, {name: t, fqdn: t.c, address: 10.0.0.2}, {name: c, fqdn: c.c, address: 10.0.0.3}]\n" +
		"clusters: [{name: st, nodes: [{host: s, nodeid: 1}, {host: t, nodeid: 2}]}, {name: cl, nodes: [{host: c, nodeid: 1}]}]\n" +
		"disks: [{host: s, device: /dev/xvdb, partition: /dev/xvdb1}, {host: t, device: /dev/sdb, partition: /dev/sdb2}]\n" +
		"drbd: [{name: r0, device: /dev/drbd0, hosts: [s, t]}]\n" +
		"gnbd: {exports: [{host: s, name: e0, device: /dev/drbd0, uid: 3}, {host: t, name: e1, device: /dev/drbd0, uid: 3}], imports: {clients: [c]}}\n" +
		"multipath: {clients: [c]}\nclvm: {clients: [c], vg: V, lv: L, pvs: [/dev/mapper/mpath0], extents: 1}\n" +
		"gfs2: {lock_table: \"cl:f\", journals: 1, mountpoint: /m, clients: [c], creator: c}\napprovals: {auto: [pvcreate, mkfs]}\n"))
	f.Add([]byte("name: lab\n---\nname: lab\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(src, data)
		if err != nil {
			if r != nil {
				t.Fatalf("Parse returned a runbook and error %v", err)
			}
			var parts []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				parts = j.Unwrap()
			} else {
				parts = []error{err}
			}
			for _, e := range parts {
				var re *Error
				if !errors.As(e, &re) || re.Source != src {
					t.Fatalf("error %q is not a *Error from %s", e, src)
				}
				if strings.ContainsAny(re.Error(), "\n\r\x00") {
					t.Fatalf("error %q is not one clean line", re.Error())
				}
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("accepted runbook fails Validate: %v", err)
		}
		out, err := yaml.Marshal(r)
		if err != nil {
			t.Fatalf("yaml.Marshal: %v", err)
		}
		again, err := Parse("marshalled", out)
		if err != nil {
			t.Fatalf("marshalled runbook does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("round trip changed the runbook:\n%+v\n%+v", r, again)
		}
	})
}
