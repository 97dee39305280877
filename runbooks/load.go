package runbooks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxSize is the largest runbook Parse accepts. Real runbooks are a few
// kilobytes; the limit keeps a wrong path (a disk image, /dev/zero) or a
// hostile file from costing the worker memory and time.
const MaxSize = 1 << 20

// Load reads the runbook at path and parses it, naming path in every error.
// It reads at most one byte more than MaxSize, so a huge file is refused
// without being read whole.
func Load(path string) (*Runbook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load runbook: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("load runbook: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates one runbook. Source is the file name used in
// error messages. Every problem found is reported as an *Error carrying
// source, line and field; several are joined in line order. Anchors,
// aliases and merge keys are refused rather than resolved, so what an
// operator reads in the file is exactly what runs. Lines of YAML syntax
// errors are yaml.v3's and may point one line above the mistake.
func Parse(source string, data []byte) (*Runbook, error) {
	p := &problems{source: source}
	if len(data) > MaxSize {
		p.add(0, "", fmt.Sprintf("file is larger than %d bytes (1 MiB); a runbook is a few kilobytes", MaxSize))
		return nil, p.err()
	}
	root, ok := document(p, data)
	if !ok {
		return nil, p.err()
	}
	d := &decoder{problems: p, lines: map[string]int{}}
	r := d.runbook(root)
	if root.Kind != yaml.MappingNode {
		return nil, p.err() // nothing more to say about a file that is not a runbook
	}
	(&validator{problems: p, lines: d.lines}).runbook(r)
	if err := p.err(); err != nil {
		return nil, err
	}
	return r, nil
}

// document returns the root node of the only YAML document in data.
func document(p *problems, data []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// yaml.v3 has panicked on malformed input before; a bad runbook
		// must fail its workflow, not crash the worker.
		if v := recover(); v != nil {
			p.add(0, "", fmt.Sprintf("invalid YAML: parser failed: %v", v))
			ok = false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.add(0, "", "file is empty; a runbook needs at least name and hosts")
		} else {
			syntaxError(p, err)
		}
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		syntaxError(p, err)
		return nil, false
	default:
		p.add(next.Line, "", "more than one YAML document; a runbook file holds exactly one")
		return nil, false
	}
	if len(doc.Content) != 1 {
		p.add(doc.Line, "", "file holds no YAML value")
		return nil, false
	}
	return doc.Content[0], true
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns yaml.v3's "yaml: line N: msg" into an *Error so that
// syntax errors read like every other problem.
func syntaxError(p *problems, err error) {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.add(line, "", "invalid YAML: "+m[2])
		return
	}
	p.add(0, "", "invalid YAML: "+strings.TrimPrefix(msg, "yaml: "))
}
