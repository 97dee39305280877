package names

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// patterns are the rules as they were written, as regular expressions,
// which the package no longer compiles (shape.go says why): each rule must
// accept exactly what its pattern accepts, no more and no less. ok are
// values the pattern accepts, which the generated values vary.
var patterns = []struct {
	name, pattern string
	rule          matcher
	ok            []string
}{
	{"runbook", `^[a-z0-9][a-z0-9-]{0,62}$`, runbookRule, []string{"a", "0z", "a-b", "scalable-storage"}},
	{"digest", `^sha256:[0-9a-f]{64}$`, digestRule, []string{"sha256:" + strings.Repeat("09af", 16)}},
	{"approver", `^[A-Za-z0-9][A-Za-z0-9@._ -]{0,63}$`, approverRule, []string{"A", "z9", "Ann Lee", "a.b_c@d-e"}},
	{"system", `^[a-z][a-z0-9-]{0,31}$`, systemRule, []string{"a", "jira", "z-0"}},
	{"ticket", `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, ticketRule, []string{"0", "OPS-123", "a._Z"}},
	{"host", `^[a-z][a-z0-9-]{0,62}$`, hostRule, []string{"a", "storage0a", "z-9"}},
	{"cluster", `^[A-Za-z0-9_-]+$`, clusterRule, []string{"-", "client", "A_z-0"}},
	{"fqdnLabel", `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, fqdnLabelRule, []string{"a", "0", "z9", "a-b", "9-a-z"}},
	{"devPath", `^/dev/[a-z][a-z0-9/]{0,30}$`, devPathRule, []string{"/dev/a", "/dev/xvdb1", "/dev/z/0"}},
	{"disk", `^/dev/(sd|hd|vd|xvd)[a-z]{1,2}$`, diskRule, []string{"/dev/sda", "/dev/hdz", "/dev/vdab", "/dev/xvdb", "/dev/xvdzz"}},
	{"service", `^[a-z][a-z0-9_-]{0,30}$`, serviceRule, []string{"a", "cman", "z_0-9"}},
	{"partNum", `^[1-9][0-9]{0,2}$`, partNumRule, []string{"1", "9", "10", "999"}},
	{"drbd", `^[a-z][a-z0-9_]{0,30}$`, drbdRule, []string{"a", "r0", "z_9"}},
	{"drbdDevice", `^/dev/drbd(0|[1-9][0-9]{0,2})$`, drbdDeviceRule, []string{"/dev/drbd0", "/dev/drbd1", "/dev/drbd90", "/dev/drbd999"}},
	{"drbdRate", `^[1-9][0-9]{0,5}[KMG]$`, drbdRateRule, []string{"1K", "10M", "9G", "100000K", "999999G"}},
	{"export", `^[a-z][a-z0-9_]{0,15}$`, exportRule, []string{"a", "gnbd0a", "z_9"}},
	{"lvm", `^[A-Za-z][A-Za-z0-9_]{0,31}$`, lvmRule, []string{"a", "VG0", "Z_z9"}},
	{"mpath", `^/dev/mapper/mpath(0|[1-9][0-9]{0,2})$`, mpathRule, []string{"/dev/mapper/mpath0", "/dev/mapper/mpath1", "/dev/mapper/mpath90", "/dev/mapper/mpath999"}},
	{"lockFS", `^[A-Za-z0-9_-]{1,16}$`, lockFSRule, []string{"-", "gfs2", "A_z-9"}},
	{"mountpoint", `^/[a-z0-9/_-]{0,63}$`, mountpointRule, []string{"/", "/mnt", "/a/z_0-9"}},
	{"module", `^[a-z][a-z0-9_]{0,30}$`, moduleRule, []string{"a", "drbd", "z_9"}},
	{"moduleOpt", `^[a-z][a-z0-9_]{0,30}=[A-Za-z0-9_.,-]{1,30}$`, moduleOptRule, []string{"a=b", "minor_count=1", "z9_=A.z,0-_", strings.Repeat("a", 31) + "=" + strings.Repeat("Z", 30)}},
	{"package", `^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$`, packageRule, []string{"a", "Z9", "gcc-c++", "kmod-gfs2.x86_64"}},
	{"file", `^[A-Za-z0-9._-]{1,64}$`, fileRule, []string{".", "a", "Z_9-", "tetsuzuki-check.txt"}},
}

// TestRulesMatchTheirPatterns puts each rule and its pattern to the values
// generated from the pattern and its examples: every length from 0 to two
// past the longest value the pattern takes, of characters in and just
// outside each of its character sets, and the examples with each character
// changed, doubled, dropped or repeated.
func TestRulesMatchTheirPatterns(t *testing.T) {
	for _, p := range patterns {
		t.Run(p.name, func(t *testing.T) {
			re := regexp.MustCompile(p.pattern)
			for _, s := range p.ok {
				if !re.MatchString(s) {
					t.Fatalf("example %q does not match %s", s, p.pattern)
				}
			}
			longest, bounded := maxLen(parse(t, p.pattern))
			var n, accepted, fails int
			var reachedLongest bool
			generate(re, p.ok, func(s string) {
				n++
				want := re.MatchString(s)
				if want {
					accepted++
					reachedLongest = reachedLongest || len(s) == longest
				}
				if got := p.rule.match(s); got != want && fails < 10 {
					fails++
					t.Errorf("%q: rule says %v, %s says %v", s, got, p.pattern, want)
				}
			})
			// The values must reach both sides of the rule and, for a
			// bounded pattern, its longest values.
			if accepted == 0 || accepted == n || bounded && !reachedLongest {
				t.Errorf("%d values, %d accepted, longest (%d) reached: %v", n, accepted, longest, reachedLongest)
			}
			t.Logf("%d values, %d accepted", n, accepted)
		})
	}
}

// FuzzRulesMatchTheirPatterns puts every rule and its pattern to each
// value, and to each pattern's literal prefix followed by the value. Its
// seeds are the examples, the edge cases and a sample of the generated
// values.
func FuzzRulesMatchTheirPatterns(f *testing.F) {
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p.pattern)
		n := 0
		generate(res[i], p.ok, func(s string) {
			if n%499 == 0 {
				f.Add(s)
			}
			n++
		})
		for _, s := range append(edges(res[i], p.ok), p.ok...) {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, p := range patterns {
			prefix, _ := res[i].LiteralPrefix()
			for _, v := range []string{s, prefix + s} {
				if got, want := p.rule.match(v), res[i].MatchString(v); got != want {
					t.Errorf("%s: %q: rule says %v, %s says %v", p.name, v, got, p.pattern, want)
				}
			}
		}
	})
}

// The runbook catalog quotes Runbook's rule as a pattern.
func TestRunbookPattern(t *testing.T) {
	if RunbookPattern() != patterns[0].pattern {
		t.Errorf("RunbookPattern() = %s, want %s", RunbookPattern(), patterns[0].pattern)
	}
}

// generate gives the values a rule and its pattern re are put to.
func generate(re *regexp.Regexp, ok []string, try func(string)) {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		panic(err)
	}
	longest, bounded := maxLen(tree)
	if !bounded {
		longest = 70 // past the 63 characters of an FQDN's label
	}
	prefix, _ := re.LiteralPrefix()
	probes, near := probesOf(tree, true), probesOf(tree, false)
	var bytes []string // every byte, those of 0x80 and above alone invalid UTF-8
	for b := range 256 {
		bytes = append(bytes, string([]byte{byte(b)}))
	}
	all := slices.Concat(probes, bytes)

	for _, s := range edges(re, ok) {
		try(s)
	}
	// Every length, of each probe and each byte alone, with the prefix and
	// without.
	for n := 0; n <= longest+2; n++ {
		for _, p := range all {
			try(strings.Repeat(p, n))
			try(prefix + strings.Repeat(p, n))
		}
	}
	// After the prefix, a first character and the rest, each in or next
	// to a character set, at the shortest and longest lengths.
	body := longest - len(prefix)
	for _, n := range []int{1, 2, 3, body - 1, body, body + 1} {
		for _, first := range near {
			for _, rest := range near {
				if n >= 1 {
					try(prefix + first + strings.Repeat(rest, n-1))
				}
			}
		}
	}
	// Each character of each example repeated 0 to longest+2 times: every
	// length of each part of a value (the name and the value of a module
	// option, the number after a device's prefix).
	var longs []string
	for _, s := range ok {
		for i := range len(s) {
			for k := 0; k <= longest+2; k++ {
				v := s[:i] + strings.Repeat(s[i:i+1], k) + s[i+1:]
				try(v)
				if (len(v) == longest || len(v) == longest+1) && !slices.Contains(longs, v) {
					longs = append(longs, v)
				}
			}
		}
	}
	// The examples with any byte or probe, and those at the longest
	// lengths with a probe, put in place of a character or inserted
	// before it, or the character dropped: at the first characters (the
	// prefix's too), the middle and the end.
	mutate := func(b string, with []string) {
		for _, j := range positions(len(b), len(prefix)+3) {
			if j < len(b) {
				try(b[:j] + b[j+1:])
			}
			for _, p := range with {
				try(b[:j] + p + b[j:])
				if j < len(b) {
					try(b[:j] + p + b[j+1:])
				}
			}
		}
	}
	for _, b := range ok {
		mutate(b, all)
	}
	for _, b := range longs {
		mutate(b, probes)
	}
}

// edges are the values a rule is most likely to get wrong: empty, the
// prefix alone or cut short, and the examples in uppercase, with a leading
// or trailing '-', a leading zero, a space or a newline.
func edges(re *regexp.Regexp, ok []string) []string {
	prefix, _ := re.LiteralPrefix()
	vals := []string{"", "-", "0", "00", "01", "\n", prefix, strings.ToUpper(prefix), prefix + "0", prefix + "00", prefix + "01", prefix + "-"}
	if prefix != "" {
		vals = append(vals, prefix[:len(prefix)-1], prefix[1:])
	}
	for _, s := range ok {
		vals = append(vals, strings.ToUpper(s), strings.ToLower(s), "-"+s, s+"-", "0"+s, s+"0", " "+s, s+" ", s+"\n", "\n"+s, s+s)
		if rest, ok := strings.CutPrefix(s, prefix); ok && prefix != "" {
			vals = append(vals, prefix+"0"+rest, prefix+"-"+rest, prefix+strings.ToUpper(rest))
		}
	}
	return vals
}

// positions are where a value of length n is changed: the first characters
// (first of them), the middle and the last two, and past its end.
func positions(n, first int) []int {
	var js []int
	for j := 0; j <= n && j < first; j++ {
		js = append(js, j)
	}
	for _, j := range []int{n / 2, n - 2, n - 1, n} {
		if j >= 0 && !slices.Contains(js, j) {
			js = append(js, j)
		}
	}
	return js
}

// probesOf are the characters in and just outside each character set of a
// pattern, around each of its literal characters if literals, and a few
// others (uppercase and lowercase, space, newline, NUL, DEL, bytes of
// UTF-8 and an invalid one).
func probesOf(re *syntax.Regexp, literals bool) []string {
	set := map[rune]bool{}
	var walk func(*syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpCharClass:
			for i := 0; i+1 < len(re.Rune); i += 2 {
				lo, hi := re.Rune[i], re.Rune[i+1]
				for _, r := range []rune{lo - 1, lo, lo + (hi-lo)/2, hi, hi + 1} {
					set[r] = true
				}
			}
		case syntax.OpLiteral:
			if !literals {
				break
			}
			for _, r := range re.Rune {
				set[r-1], set[r], set[r+1] = true, true, true
			}
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(re)
	for _, r := range "AZaz09-_./:=@+, \n\t\x00\x7fé" {
		set[r] = true
	}
	var probes []string
	for r := range set {
		if r >= 0 {
			probes = append(probes, string(r))
		}
	}
	probes = append(probes, "\xff")
	slices.Sort(probes)
	return probes
}

// maxLen is the length of the longest value re matches, and whether there
// is a longest.
func maxLen(re *syntax.Regexp) (int, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return len(string(re.Rune)), true
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1, true // every pattern's classes are ASCII
	case syntax.OpStar, syntax.OpPlus:
		return 0, false
	case syntax.OpRepeat:
		n, ok := maxLen(re.Sub[0])
		return n * re.Max, ok && re.Max >= 0
	case syntax.OpConcat, syntax.OpAlternate, syntax.OpCapture, syntax.OpQuest:
		total, longest := 0, 0
		for _, sub := range re.Sub {
			n, ok := maxLen(sub)
			if !ok {
				return 0, false
			}
			total += n
			longest = max(longest, n)
		}
		if re.Op == syntax.OpConcat {
			return total, true
		}
		return longest, true
	}
	return 0, true // ^, $ and the empty string
}

func parse(t *testing.T, pattern string) *syntax.Regexp {
	t.Helper()
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	return re
}
