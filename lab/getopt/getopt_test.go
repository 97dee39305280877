package getopt

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		spec     string
		args     []string
		want     string
		operands []string
		stderr   string
	}{
		// gnbd_export's options.
		{"acd:e:hlLOoqrRt:u:U::vV", []string{"-d", "/dev/drbd0", "-e", "gnbd0a", "-u0"}, "d=/dev/drbd0 e=gnbd0a u=0", nil, ""},
		{"acd:e:hlLOoqrRt:u:U::vV", []string{"-d/dev/drbd0", "-egnbd0a", "-u", "0"}, "d=/dev/drbd0 e=gnbd0a u=0", nil, ""},
		{"acd:e:hlLOoqrRt:u:U::vV", []string{"gnbd0a", "-r", "gnbd0b"}, "r=", []string{"gnbd0a", "gnbd0b"}, ""},
		{"acd:e:hlLOoqrRt:u:U::vV", []string{"-lq", "--", "-r"}, "l= q=", []string{"-r"}, ""},
		{"acd:e:hlLOoqrRt:u:U::vV", []string{"-U", "-Ucmd", "-U", "x"}, "U= U=cmd U=", []string{"x"}, ""},
		{"acd:e:hlLOoqrRt:u:U::vV", []string{"-x", "-t"}, "?= ?=", nil,
			"prog: invalid option -- x\nprog: option requires an argument -- t\n"},
		{"acd:e:hlLOoqrRt:u:U::vV", []string{"-a:", "--all"}, "a= ?= ?= a= l= l=", nil,
			"prog: invalid option -- :\nprog: invalid option -- -\n"},
		// mkfs.gfs2's: operands in place, as option 1.
		{"-b:c:DhJ:j:Op:qr:t:u:VX", []string{"-O", "-j2", "-t", "client:gfs2", "/dev/VG0/LV0", "-z"}, "O= j=2 t=client:gfs2 \x01=/dev/VG0/LV0 ?=", nil,
			"prog: invalid option -- z\n"},
		{"-b:c:DhJ:j:Op:qr:t:u:VX", []string{"-", "-O", "--", "-j"}, "\x01=- O=", []string{"-j"}, ""},
		{"-b:c:DhJ:j:Op:qr:t:u:VX", []string{"--"}, "", nil, ""},
		// Stopping at the first operand.
		{"+ab:", []string{"-a", "x", "-b", "y"}, "a=", []string{"x", "-b", "y"}, ""},
	} {
		var stderr bytes.Buffer
		opts, operands := Parse("prog", tc.args, tc.spec, &stderr)
		var got []string
		for _, o := range opts {
			got = append(got, fmt.Sprintf("%c=%s", o.C, o.Arg))
		}
		if strings.Join(got, " ") != tc.want || !slices.Equal(operands, tc.operands) {
			t.Errorf("%q %v: got %q %q, want %q %q", tc.spec, tc.args, got, operands, tc.want, tc.operands)
		}
		if stderr.String() != tc.stderr {
			t.Errorf("%q %v: stderr %q, want %q", tc.spec, tc.args, stderr.String(), tc.stderr)
		}
	}
}

func TestHasArg(t *testing.T) {
	opts, _ := Parse("prog", []string{"-U", "-Ux", "-u", ""}, "u:U::", &bytes.Buffer{})
	if len(opts) != 3 || opts[0].HasArg || !opts[1].HasArg || !opts[2].HasArg {
		t.Errorf("HasArg: %+v", opts)
	}
}
