package runbooks

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// shipped holds the runbooks of this directory, so a worker can start a
// build by name without the repository on its disk.
//
//go:embed *.yaml
var shipped embed.FS

// Builtin returns the names of the shipped runbooks, sorted, without the
// .yaml suffix: the names Open accepts.
func Builtin() []string {
	entries, err := fs.ReadDir(shipped, ".")
	if err != nil {
		// The embedded directory always exists; an error here is a build defect.
		panic(fmt.Sprintf("runbooks: read embedded runbooks: %v", err))
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Open returns the shipped runbook called name and the source name to pass
// to Parse, such as "runbooks/scalable-storage.yaml". Names are checked
// against the runbook name pattern first, because they may come from a user
// and must not reach the file system as paths.
func Open(name string) (source string, data []byte, err error) {
	if !runbookNameRE.MatchString(name) {
		return "", nil, fmt.Errorf("open runbook %s: not a runbook name (%s)", quote(name), runbookNameRE)
	}
	data, err = shipped.ReadFile(name + ".yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("open runbook %s: no such built-in runbook; available: %s", quote(name), strings.Join(Builtin(), ", "))
	}
	if err != nil {
		return "", nil, fmt.Errorf("open runbook %s: %w", quote(name), err)
	}
	return "runbooks/" + name + ".yaml", data, nil
}
