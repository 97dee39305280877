package names

import (
	"math"
	"strings"
)

// The rules of this package were regular expressions, compiled when the
// package was initialised. The agent imports the package, and their
// compiled programs were the largest piece of its heap at rest: a counted
// repetition such as {0,62} compiles into a copy of its class for each
// count, 734 KB in 10,000 allocations at start and about 335 KB still live
// after collection. Every rule is a name of a simple form, so a small
// matcher of that form does the same with nothing allocated. shape_test.go
// keeps the patterns and checks that each rule accepts exactly what its
// pattern accepts.

// matcher is a rule's test of a whole value.
type matcher interface{ match(s string) bool }

// charset is a set of ASCII characters. Every rule's characters are ASCII,
// and each byte of a longer UTF-8 character is 0x80 or above, in no set:
// a value holding one matches no rule, as it matched no pattern.
type charset [2]uint64

// chars is the set a pattern's bracket expression spells, as in "a-z0-9_-":
// ranges lo-hi and single characters, a '-' at the end being itself.
func chars(spec string) charset {
	var cs charset
	for i := 0; i < len(spec); i++ {
		lo, hi := spec[i], spec[i]
		if i+2 < len(spec) && spec[i+1] == '-' {
			hi = spec[i+2]
			i += 2
		}
		if lo > hi || hi >= 0x80 {
			panic("names: bad character set " + spec)
		}
		for c := int(lo); c <= int(hi); c++ {
			cs[c/64] |= 1 << (c % 64)
		}
	}
	return cs
}

func (cs charset) has(c byte) bool { return c < 0x80 && cs[c/64]&(1<<(c%64)) != 0 }

// many is no limit to a shape's length, as a pattern's + and *.
const many = math.MaxInt

// shape is a rule of the form: prefix, then from min to max characters
// (the length leaves out the prefix), the first of them from first and
// the last from last, each if set (a last only when there are two or
// more), and the others from rest.
type shape struct {
	prefix            string
	first, rest, last charset
	min, max          int
}

func (sh shape) match(s string) bool {
	s, ok := strings.CutPrefix(s, sh.prefix)
	if !ok || len(s) < sh.min || len(s) > sh.max {
		return false
	}
	for i := 0; i < len(s); i++ {
		set := sh.rest
		switch {
		case i == 0 && sh.first != (charset{}):
			set = sh.first
		case i > 0 && i == len(s)-1 && sh.last != (charset{}):
			set = sh.last
		}
		if !set.has(s[i]) {
			return false
		}
	}
	return true
}

// literal is a shape of one value, s.
func literal(s string) shape { return shape{prefix: s} }

// oneOf matches what any of its rules matches, as a pattern's (a|b).
type oneOf []matcher

func (o oneOf) match(s string) bool {
	for _, m := range o {
		if m.match(s) {
			return true
		}
	}
	return false
}

// pair is name, sep, value, each part with a rule of its own. sep is no
// character of the name's, so the first sep of a value ends its name.
type pair struct {
	name  shape
	sep   string
	value shape
}

func (p pair) match(s string) bool {
	name, value, ok := strings.Cut(s, p.sep)
	return ok && p.name.match(name) && p.value.match(value)
}
