package multipath

import (
	"regexp"
	"strings"
)

// ConfPath is multipath's configuration file.
const ConfPath = "/etc/multipath.conf"

// Conf is what the emulation takes from multipath.conf.
type Conf struct {
	// UserFriendlyNames names maps mpathN (through the bindings file)
	// instead of by their wwid.
	UserFriendlyNames bool
	// Blacklist and Exceptions are the blacklist and
	// blacklist_exceptions sections; an exception wins over a blacklist
	// entry of the same kind.
	Blacklist, Exceptions Filter
	// Aliases name maps by wwid (multipaths { multipath { wwid alias } }).
	Aliases map[string]string
}

// Filter is a blacklist or its exceptions: regular expressions matched
// against a device's kernel name (devnode), its wwid, or its vendor and
// product.
type Filter struct {
	Devnodes []string
	WWIDs    []string
	Devices  []VendorProduct
}

// VendorProduct is a device { vendor product } entry.
type VendorProduct struct{ Vendor, Product string }

// builtinBlacklist is the devnode blacklist compiled into multipath 0.4.7,
// in force whatever the file says.
var builtinBlacklist = []string{`^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*`, `^hd[a-z]`, `^cciss!c[0-9]d[0-9]*`}

// ParseConf reads a multipath.conf as multipath's parser does: line by
// line, "#" and "!" starting comments, sections opened by "keyword {" and
// closed by "}", values possibly quoted. What it does not know it skips.
// Without a file multipath runs on its built-in defaults, the zero Conf.
func ParseConf(data []byte) Conf {
	c := Conf{}
	var stack []string
	var entry map[string]string // the device or multipath section being read
	for _, line := range strings.Split(string(data), "\n") {
		toks := tokens(line)
		for i := 0; i < len(toks); i++ {
			switch tok := toks[i]; {
			case tok == "{":
			case tok == "}":
				if len(stack) > 0 {
					c.endSection(stack, entry)
					stack = stack[:len(stack)-1]
				}
				entry = nil
			case i+1 < len(toks) && toks[i+1] == "{":
				stack = append(stack, tok)
				entry = map[string]string{}
				i++
			default:
				j := i + 1
				for j < len(toks) && toks[j] != "{" && toks[j] != "}" {
					j++
				}
				c.keyword(stack, entry, tok, strings.Join(toks[i+1:j], " "))
				i = j - 1
			}
		}
	}
	return c
}

func (c *Conf) keyword(stack []string, entry map[string]string, key, val string) {
	where := strings.Join(stack, "/")
	switch where {
	case "defaults":
		if key == "user_friendly_names" {
			c.UserFriendlyNames = val == "yes"
		}
	case "blacklist", "blacklist_exceptions":
		f := &c.Blacklist
		if where == "blacklist_exceptions" {
			f = &c.Exceptions
		}
		switch key {
		case "devnode":
			f.Devnodes = append(f.Devnodes, val)
		case "wwid":
			f.WWIDs = append(f.WWIDs, val)
		}
	default:
		if entry != nil {
			entry[key] = val
		}
	}
}

func (c *Conf) endSection(stack []string, entry map[string]string) {
	switch strings.Join(stack, "/") {
	case "multipaths/multipath":
		if entry["wwid"] != "" && entry["alias"] != "" {
			if c.Aliases == nil {
				c.Aliases = map[string]string{}
			}
			c.Aliases[entry["wwid"]] = entry["alias"]
		}
	case "blacklist/device", "blacklist_exceptions/device":
		f := &c.Blacklist
		if stack[0] == "blacklist_exceptions" {
			f = &c.Exceptions
		}
		f.Devices = append(f.Devices, VendorProduct{entry["vendor"], entry["product"]})
	}
}

// tokens splits a line into words, quoted strings (unquoted) and braces,
// dropping the comment.
func tokens(line string) []string {
	var toks []string
	for i := 0; i < len(line); {
		switch ch := line[i]; {
		case ch == '#' || ch == '!':
			return toks
		case ch == ' ' || ch == '\t' || ch == '\r':
			i++
		case ch == '{' || ch == '}':
			toks = append(toks, string(ch))
			i++
		case ch == '"':
			end := strings.IndexByte(line[i+1:], '"')
			if end < 0 {
				toks = append(toks, line[i+1:])
				return toks
			}
			toks = append(toks, line[i+1:i+1+end])
			i += end + 2
		default:
			j := i
			for j < len(line) && !strings.ContainsRune(" \t\r{}\"#!", rune(line[j])) {
				j++
			}
			toks = append(toks, line[i:j])
			i = j
		}
	}
	return toks
}

// match is regexec on a blacklist expression. "*", which RHEL 5's default
// file uses to blacklist everything, matches every name, as the file's
// comment promises.
func match(expr, s string) bool {
	if expr == "*" {
		return true
	}
	re, err := regexp.Compile(expr)
	return err == nil && re.MatchString(s)
}

func matchAny(exprs []string, s string) bool {
	for _, e := range exprs {
		if match(e, s) {
			return true
		}
	}
	return false
}

// BlacklistedDevnode tells whether a device, by kernel name (gnbd0), is
// left out before its wwid is even read.
func (c Conf) BlacklistedDevnode(dev string) bool {
	if matchAny(c.Exceptions.Devnodes, dev) {
		return false
	}
	return matchAny(c.Blacklist.Devnodes, dev) || matchAny(builtinBlacklist, dev)
}

// Blacklisted tells whether a path with this wwid, vendor and product is
// left out.
func (c Conf) Blacklisted(wwid, vendor, product string) bool {
	if !matchAny(c.Exceptions.WWIDs, wwid) && matchAny(c.Blacklist.WWIDs, wwid) {
		return true
	}
	vp := func(f Filter) bool {
		for _, d := range f.Devices {
			if (d.Vendor == "" || match(d.Vendor, vendor)) && (d.Product == "" || match(d.Product, product)) {
				return true
			}
		}
		return false
	}
	return !vp(c.Exceptions) && vp(c.Blacklist)
}
