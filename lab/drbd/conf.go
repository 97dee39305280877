package drbd

import (
	"fmt"
	"strconv"
	"strings"
)

// Conf is a parsed drbd.conf, as drbdadm 8.2 reads it: global options, the
// common section (a resource without hosts whose options every resource
// inherits) and the resources.
type Conf struct {
	File      string
	Global    []Option
	Common    *Resource
	Resources []*Resource
}

// Option is one `name [value];` of a section.
type Option struct {
	Name, Value string
	Line        int
}

// Resource is one `resource NAME { ... }`.
type Resource struct {
	Name     string
	Line     int
	Protocol string
	Hosts    []*HostSection
	// Sections are the option sections by name: disk, net, syncer,
	// startup, handlers, proxy.
	Sections map[string][]Option
}

// HostSection is one `on NAME { ... }` of a resource.
type HostSection struct {
	Name      string
	Line      int
	Device    string
	Disk      string
	Address   string // "192.168.10.20:7788"
	MetaDisk  string // "internal" or a device
	MetaIndex string // "internal", "flexible" or a number
}

// Minor is the device's minor number: /dev/drbd0 is 0.
func (hs *HostSection) Minor() (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(hs.Device, "/dev/drbd"))
	return n, err == nil && strings.HasPrefix(hs.Device, "/dev/drbd") && n >= 0
}

// ConfError is drbdadm refusing a configuration: the exact text it prints
// and its exit status.
type ConfError struct {
	Text   string
	Status int
}

func (e *ConfError) Error() string { return e.Text }

// Exit statuses of drbdadm (drbdadm.h).
const (
	exitUsage         = 3
	exitConfigInvalid = 10
	exitExecError     = 20
)

type token struct {
	text string
	line int
}

// tokenize splits a config as drbdadm's scanner does: words, quoted
// strings, braces and semicolons; # starts a comment.
func tokenize(src string) []token {
	var toks []token
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '{' || c == '}' || c == ';':
			toks = append(toks, token{string(c), line})
			i++
		case c == '"':
			var b strings.Builder
			start := line
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' && i+1 < len(src) {
					i++
				}
				if src[i] == '\n' {
					line++
				}
				b.WriteByte(src[i])
			}
			i++
			toks = append(toks, token{b.String(), start})
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t\r\n{};#\"", rune(src[j])) {
				j++
			}
			toks = append(toks, token{src[i:j], line})
			i = j
		}
	}
	return toks
}

type parser struct {
	file   string
	node   string // this host's name, uname -n
	toks   []token
	i      int
	errs   strings.Builder
	failed bool
}

func (p *parser) next() token {
	if p.i >= len(p.toks) {
		line := 1
		if len(p.toks) > 0 {
			line = p.toks[len(p.toks)-1].line
		}
		return token{"", line}
	}
	t := p.toks[p.i]
	p.i++
	return t
}

func (p *parser) peek() string {
	if p.i >= len(p.toks) {
		return ""
	}
	return p.toks[p.i].text
}

// parseError is drbdadm's pe_expected: it stops parsing.
type parseError struct{ text string }

func (p *parser) expected(what string, got token) {
	panic(parseError{fmt.Sprintf("%s:%d: Parse error: '%s' expected,\n\tbut got '%s'\n", p.file, got.line, what, got.text)})
}

func (p *parser) expect(what string) token {
	t := p.next()
	if t.text != what {
		p.expected(what, t)
	}
	return t
}

func (p *parser) word(what string) token {
	t := p.next()
	if t.text == "" || t.text == "{" || t.text == "}" || t.text == ";" {
		p.expected(what, t)
	}
	return t
}

func (p *parser) invalid(format string, args ...any) {
	fmt.Fprintf(&p.errs, format, args...)
	p.failed = true
}

// ParseConf parses a drbd.conf for the host called node, checking what
// drbdadm 8.2 checks while parsing: every resource has a host section for
// this node and one for its peer, each with device, disk, address and
// meta-disk. The error, if any, is a *ConfError.
func ParseConf(file, node string, src []byte) (c *Conf, err error) {
	p := &parser{file: file, node: node, toks: tokenize(string(src))}
	c = &Conf{File: file}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseError)
			if !ok {
				panic(r)
			}
			c, err = nil, &ConfError{p.errs.String() + pe.text, exitConfigInvalid}
		}
	}()
	for {
		t := p.next()
		switch t.text {
		case "":
			if p.failed {
				return nil, &ConfError{p.errs.String(), exitConfigInvalid}
			}
			return c, nil
		case "global":
			p.expect("{")
			c.Global = p.options()
		case "common":
			p.expect("{")
			c.Common = p.resource("common", t.line, false)
		case "resource":
			name := p.word("resource name")
			p.expect("{")
			c.Resources = append(c.Resources, p.resource(name.text, t.line, true))
		case "skip":
			if p.peek() != "{" {
				p.next()
			}
			p.expect("{")
			for level := 1; level > 0; {
				switch p.next().text {
				case "{":
					level++
				case "}":
					level--
				case "":
					p.expected("}", t)
				}
			}
		default:
			p.expected("global | common | resource | skip", t)
		}
	}
}

// options parses `name [value...];` up to the closing brace.
func (p *parser) options() []Option {
	var opts []Option
	for {
		t := p.next()
		switch t.text {
		case "}":
			return opts
		case "", "{", ";":
			p.expected("an option keyword", t)
		}
		var vals []string
		for p.peek() != ";" {
			v := p.next()
			if v.text == "" || v.text == "{" || v.text == "}" {
				p.expected(";", v)
			}
			vals = append(vals, v.text)
		}
		p.next()
		opts = append(opts, Option{Name: t.text, Value: strings.Join(vals, " "), Line: t.line})
	}
}

var optionSections = []string{"disk", "net", "syncer", "startup", "handlers", "proxy"}

func (p *parser) resource(name string, line int, hosts bool) *Resource {
	r := &Resource{Name: name, Line: line, Sections: map[string][]Option{}}
	defaults := &HostSection{}
	var me, peer *HostSection
	sectionStart := line
	for {
		t := p.next()
		switch {
		case t.text == "}" || t.text == "":
			if t.text == "" {
				p.expected("}", t)
			}
			if !hosts {
				if len(r.Hosts) > 0 {
					p.invalid("%s:%d: in the %s section, there are no host sections allowed.\n", p.file, sectionStart, name)
				}
				return r
			}
			for _, hs := range r.Hosts {
				fill(hs, defaults)
				for _, kw := range []struct{ name, val string }{{"device", hs.Device}, {"disk", hs.Disk}, {"address", hs.Address}, {"meta-disk", hs.MetaDisk}} {
					if kw.val == "" {
						p.invalid("%s:%d: in resource %s, on %s { ... }: '%s' keyword missing.\n", p.file, hs.Line, name, hs.Name, kw.name)
					}
				}
			}
			if me == nil {
				p.invalid("%s:%d: in resource %s, there is no host section for this host.\n\tMissing 'on %s {...}' ?\n", p.file, sectionStart, name, p.node)
			}
			if peer == nil {
				p.invalid("%s:%d: in resource %s, there is no host section for the peer host.\n\tMissing 'on <peer-name> {...}' ?\n", p.file, sectionStart, name)
			}
			return r
		case t.text == "protocol":
			r.Protocol = p.word("protocol").text
			p.expect(";")
		case t.text == "on":
			sectionStart = t.line
			hs := p.hostSection(t.line)
			r.Hosts = append(r.Hosts, hs)
			if hs.Name == p.node {
				me = hs
			} else {
				if peer != nil {
					p.invalid("%s:%d: in resource %s, on %s { ... } ... on %s { ... }:\n\tThere are multiple host sections for the peer.\n\tMaybe misspelled local host name '%s'?\n", p.file, t.line, name, peer.Name, hs.Name, p.node)
				}
				peer = hs
			}
		case contains(optionSections, t.text) && p.peek() == "{":
			p.next()
			r.Sections[t.text] = append(r.Sections[t.text], p.options()...)
		case hosts && p.hostKeyword(defaults, t):
		default:
			p.expected("protocol | on | disk | net | syncer | startup | handler", t)
		}
	}
}

func (p *parser) hostSection(line int) *HostSection {
	hs := &HostSection{Name: p.word("host name").text, Line: line}
	p.expect("{")
	for {
		t := p.next()
		if t.text == "}" {
			return hs
		}
		if !p.hostKeyword(hs, t) {
			p.expected("disk | device | address | meta-disk | flexible-meta-disk", t)
		}
	}
}

// hostKeyword parses one statement of a host section into hs.
func (p *parser) hostKeyword(hs *HostSection, t token) bool {
	switch t.text {
	case "device":
		hs.Device = p.word("device").text
	case "disk":
		hs.Disk = p.word("disk").text
	case "address":
		a := p.word("address").text
		if a == "ipv4" || a == "ipv6" || a == "ssocks" || a == "sdp" {
			a = p.word("address").text
		}
		hs.Address = a
	case "meta-disk", "flexible-meta-disk":
		md := p.word("meta-disk").text
		idx := ""
		if i := strings.IndexByte(md, '['); i > 0 {
			md, idx = md[:i], strings.Trim(md[i:], "[]")
		} else if strings.HasPrefix(p.peek(), "[") {
			idx = strings.Trim(p.next().text, "[]")
		}
		hs.MetaDisk = md
		switch {
		case t.text == "flexible-meta-disk" && md != "internal":
			hs.MetaIndex = "flexible"
		case md == "internal":
			hs.MetaIndex = "internal"
		default:
			hs.MetaIndex = idx
		}
	default:
		return false
	}
	p.expect(";")
	return true
}

func fill(hs, defaults *HostSection) {
	if hs.Device == "" {
		hs.Device = defaults.Device
	}
	if hs.Disk == "" {
		hs.Disk = defaults.Disk
	}
	if hs.MetaDisk == "" {
		hs.MetaDisk, hs.MetaIndex = defaults.MetaDisk, defaults.MetaIndex
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Validate makes drbdadm's checks of the whole configuration, after the
// common section is taken into account: a protocol for every resource, and
// allow-two-primaries wherever both hosts are to become primary.
func (c *Conf) Validate() error {
	var b strings.Builder
	for _, r := range c.Resources {
		if c.protocol(r) == "" {
			fmt.Fprintf(&b, "%s:%d: in resource %s:\n\tprotocol definition missing.\n", c.File, r.Line, r.Name)
		}
		if v, _ := c.Option(r, "startup", "become-primary-on"); v == "both" {
			if _, ok := c.Option(r, "net", "allow-two-primaries"); !ok {
				fmt.Fprintf(&b, "In resource %s:\nbecome-primary-on is set to both, but allow-two-primaries is not set.\n", r.Name)
			}
		}
	}
	if b.Len() > 0 {
		return &ConfError{b.String(), exitConfigInvalid}
	}
	return nil
}

func (c *Conf) protocol(r *Resource) string {
	if r.Protocol == "" && c.Common != nil {
		return strings.ToUpper(c.Common.Protocol)
	}
	return strings.ToUpper(r.Protocol)
}

// Resource returns the resource called name.
func (c *Conf) Resource(name string) *Resource {
	for _, r := range c.Resources {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Option returns an option of a resource's section, falling back to the
// common section; ok is false when neither has it.
func (c *Conf) Option(r *Resource, section, name string) (value string, ok bool) {
	for _, o := range r.Sections[section] {
		if o.Name == name {
			return o.Value, true
		}
	}
	if c.Common != nil {
		for _, o := range c.Common.Sections[section] {
			if o.Name == name {
				return o.Value, true
			}
		}
	}
	return "", false
}

// options are a section's options with those of common it does not set,
// in drbdadm's order: common's first.
func (c *Conf) options(r *Resource, section string) []Option {
	var out []Option
	if c.Common != nil {
		for _, o := range c.Common.Sections[section] {
			if _, ok := find(r.Sections[section], o.Name); !ok {
				out = append(out, o)
			}
		}
	}
	return append(out, r.Sections[section]...)
}

func find(opts []Option, name string) (Option, bool) {
	for _, o := range opts {
		if o.Name == name {
			return o, true
		}
	}
	return Option{}, false
}

// Me and Peer are the host sections of this node and of the other one.
func (r *Resource) Me(node string) *HostSection {
	for _, hs := range r.Hosts {
		if hs.Name == node {
			return hs
		}
	}
	return nil
}

// Peer is the host section that is not node's.
func (r *Resource) Peer(node string) *HostSection {
	for _, hs := range r.Hosts {
		if hs.Name != node {
			return hs
		}
	}
	return nil
}

// defaultRateKB is DRBD 8.2's syncer rate when none is configured, in KiB/s.
const defaultRateKB = 250

// RateKB is a resource's syncer rate in KiB/s: `rate 10M;` is 10240.
func (c *Conf) RateKB(r *Resource) int64 {
	v, ok := c.Option(r, "syncer", "rate")
	if !ok {
		return defaultRateKB
	}
	n, ok := parseSize(v, 'K')
	if !ok || n < 1 {
		return defaultRateKB
	}
	return n
}

// parseSize reads a number with an optional K, M or G suffix in units of
// def, as drbdadm's m_strtoll does; the result is in def's unit (KiB for
// 'K').
func parseSize(s string, def byte) (int64, bool) {
	if s == "" {
		return 0, false
	}
	mult := map[byte]float64{'s': 1.0 / 2, 'K': 1, 'k': 1, 'M': 1024, 'm': 1024, 'G': 1 << 20, 'g': 1 << 20}
	suffix := s[len(s)-1]
	num := s
	f := 1.0
	if m, ok := mult[suffix]; ok {
		num = s[:len(s)-1]
		f = m
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, false
	}
	if def != 'K' {
		return n, true
	}
	return int64(float64(n) * f), true
}
