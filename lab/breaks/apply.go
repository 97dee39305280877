package breaks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Want is a finding a check must report after a break: a code on a host,
// about a subject (a resource, an export, an import, "map path", an LV, a
// mount point, a file, a package; "" for the host itself).
type Want struct {
	Host    string        `json:"host"`
	Code    findings.Code `json:"code"`
	Subject string        `json:"subject,omitempty"`
}

func (w Want) String() string {
	s := w.Host + " " + string(w.Code)
	if w.Subject != "" {
		s += " " + w.Subject
	}
	return s
}

// Result is what a break did, and what checks must find because of it.
// Drift that was there before is not listed.
type Result struct {
	Kind  string `json:"kind"`
	Host  string `json:"host"`
	Done  string `json:"done"` // what was broken, in words: "r0", "mpath0 gnbd0"
	Wants []Want `json:"wants"`
}

// Lookup returns the kind called name.
func Lookup(name string) (Kind, bool) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		return Kind{}, false
	}
	return Kinds[i], true
}

// Apply breaks a host of a lab as kind says, with the kind's arguments.
// The host is named by FQDN or short name.
func Apply(lab, hostName, kind string, args ...string) (Result, error) {
	k, ok := Lookup(kind)
	if !ok {
		return Result{}, fmt.Errorf("unknown kind %q (lab break --list lists them)", kind)
	}
	h, err := host.Open(lab, hostName)
	if err != nil {
		return Result{}, err
	}
	if len(args) < k.minArgs || len(args) > k.maxArgs {
		return Result{}, fmt.Errorf("%s takes %s", k.Name, usageOf(k))
	}
	b := &breaker{h: h, now: time.Now(), res: Result{Kind: k.Name, Host: h.FQDN}}
	if err := k.apply(b, args); err != nil {
		return Result{}, fmt.Errorf("%s on %s: %w", k.Name, h.FQDN, err)
	}
	return b.res, nil
}

func usageOf(k Kind) string {
	if k.Args == "" {
		return "no arguments"
	}
	return k.Args
}

// breaker is one break under way.
type breaker struct {
	h   host.Host
	now time.Time
	res Result
}

func (b *breaker) lab() string { return b.h.Lab }

// want records a finding the break causes.
func (b *breaker) want(fqdn string, code findings.Code, subject ...string) {
	b.res.Wants = append(b.res.Wants, Want{Host: fqdn, Code: code, Subject: strings.Join(subject, " ")})
}

// done says what was broken.
func (b *breaker) done(what ...string) { b.res.Done = strings.Join(what, " ") }

// arg is the i-th argument, "" when not given.
func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}
