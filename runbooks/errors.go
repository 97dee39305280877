package runbooks

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in a runbook, located precisely enough that an
// operator can open the file at the line and fix the field. Parse, Load and
// Validate return a *Error, or several joined with errors.Join in line order;
// errors.As finds the first.
type Error struct {
	Source string // file name given to Parse; "" for Validate
	Line   int    // 1-based line; 0 when unknown
	Field  string // path such as clusters[0].nodes[1].host; "" when the problem is not one field's
	Msg    string
}

// Error formats the problem as "<source>:<line>: <field>: <msg>", leaving out
// the parts that are unknown, so that editors and terminals can jump to it.
func (e *Error) Error() string {
	var parts []string
	loc := e.Source
	if e.Line > 0 {
		if loc != "" {
			loc += ":"
		}
		loc += strconv.Itoa(e.Line)
	}
	if loc != "" {
		parts = append(parts, loc)
	}
	if e.Field != "" {
		parts = append(parts, e.Field)
	}
	parts = append(parts, e.Msg)
	return strings.Join(parts, ": ")
}

// maxErrors bounds the report, because a hostile or badly broken file could
// otherwise produce one error per line of a megabyte.
const maxErrors = 20

// problems collects errors and keeps only the first one about any field and
// the fields under it, so that one mistake (a list where a mapping goes)
// does not also report every field that could not be read because of it.
type problems struct {
	source string
	list   []*Error
	fields map[string]bool
}

func (p *problems) add(line int, field, msg string) {
	if field != "" && p.covered(field) {
		return
	}
	if p.fields == nil {
		p.fields = make(map[string]bool)
	}
	p.fields[field] = true
	p.list = append(p.list, &Error{Source: p.source, Line: line, Field: field, Msg: msg})
}

// covered reports whether field or one of its parents already has an error.
func (p *problems) covered(field string) bool {
	for f := field; f != ""; f = parent(f) {
		if p.fields[f] {
			return true
		}
	}
	return false
}

// broken reports whether field, a parent of it or a field under it has an
// error, so that a check matching one section against another can stay
// quiet about a section whose own errors are already reported.
func (p *problems) broken(field string) bool {
	if p.covered(field) {
		return true
	}
	for f := range p.fields {
		if strings.HasPrefix(f, field) && len(f) > len(field) && (f[len(field)] == '.' || f[len(field)] == '[') {
			return true
		}
	}
	return false
}

// parent returns the path one level up: hosts[0].name -> hosts[0] -> hosts -> "".
func parent(field string) string {
	i := strings.LastIndexAny(field, ".[")
	if i < 0 {
		return ""
	}
	return field[:i]
}

// err returns the collected errors in line order, or nil.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	list := slices.Clone(p.list)
	slices.SortStableFunc(list, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	if len(list) == 1 {
		return list[0]
	}
	var errs []error
	for i, e := range list {
		if i == maxErrors {
			errs = append(errs, &Error{Source: p.source, Msg: strconv.Itoa(len(list)-maxErrors) + " more errors not shown"})
			break
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}
