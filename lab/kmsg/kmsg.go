// Package kmsg stands in for the kernel's message buffer on the lab's hosts:
// what the kernel parts of the lab printk, and what dmesg (package
// coreutils) reads back.
//
// A real buffer holds everything the kernel says from boot on; the lab's
// holds only the lines its emulations print, those a check or a person
// looks for (DRBD's split-brain handshake). Each host's buffer is kernel
// memory, so it lives in the lab's shared state (<lab>/state/kmsg.json),
// like the DRBD modules' state, and keeps the newest BufSize bytes as the
// kernel's ring does.
package kmsg

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// The printk levels the lab's kernel messages use.
const (
	Alert   = 1 // KERN_ALERT
	Err     = 3 // KERN_ERR
	Warning = 4 // KERN_WARNING
	Info    = 6 // KERN_INFO
)

// BufSize is the size of the ring: 1<<CONFIG_LOG_BUF_SHIFT with the shift
// of 17 of CentOS 5's kernel-xen configs.
const BufSize = 1 << 17

// Line is one message printed on a host.
type Line struct {
	Host  string
	Level int
	Text  string // without its newline
}

// Printf is a message at level on a host, formatted as printk formats it.
func Printf(fqdn string, level int, format string, args ...any) Line {
	return Line{Host: fqdn, Level: level, Text: fmt.Sprintf(format, args...)}
}

// buffers are the hosts' rings, by FQDN: the raw text klogctl returns,
// each line prefixed by its "<level>".
type buffers map[string]string

const stateFile = "kmsg.json"

func path(lab string) string { return filepath.Join(state.Dir(lab), stateFile) }

// Append prints lines into their hosts' buffers. The caller holds the
// lab's lock: messages come from kernel parts changing their own state
// under it.
func Append(lab string, lines ...Line) error {
	if len(lines) == 0 {
		return nil
	}
	b := buffers{}
	if err := state.ReadJSON(path(lab), &b); err != nil {
		return err
	}
	for _, l := range lines {
		text := b[l.Host] + fmt.Sprintf("<%d>%s\n", l.Level, l.Text)
		if len(text) > BufSize {
			text = text[len(text)-BufSize:]
		}
		b[l.Host] = text
	}
	return state.WriteJSON(path(lab), b)
}

// Read returns the newest size bytes of a host's buffer (all of it for
// size <= 0), raw, as klogctl's read-all returns them. It takes no lock:
// the file is replaced atomically.
func Read(lab, fqdn string, size int) (string, error) {
	b := buffers{}
	if err := state.ReadJSON(path(lab), &b); err != nil {
		return "", err
	}
	text := b[fqdn]
	if size > 0 && len(text) > size {
		text = text[len(text)-size:]
	}
	return text, nil
}

// ReadClear is klogctl's read-and-clear: the host's buffer, emptied.
func ReadClear(lab, fqdn string, size int) (text string, err error) {
	err = state.Change(lab, stateFile, func(b *buffers) error {
		if *b == nil {
			*b = buffers{}
		}
		text = (*b)[fqdn]
		if size > 0 && len(text) > size {
			text = text[len(text)-size:]
		}
		delete(*b, fqdn)
		return nil
	})
	return text, err
}

// Messages are a host's buffer without the level prefixes, as dmesg
// prints them, for tests and for checks written in Go.
func Messages(lab, fqdn string) ([]string, error) {
	raw, err := Read(lab, fqdn, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\n"), "\n") {
		if line == "" {
			continue
		}
		out = append(out, Strip(line))
	}
	return out, nil
}

// Strip removes the "<level>" printk puts before a line, as dmesg does.
func Strip(line string) string {
	if !strings.HasPrefix(line, "<") {
		return line
	}
	i := 1
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i < len(line) && line[i] == '>' {
		i++
	}
	return line[i:]
}
