package replaytests

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// ManifestName is the file, in the histories directory, that lists every
// fixture ever recorded with its SHA-256, one per line in the format of
// sha256sum(1): 64 hex digits, two spaces, the path relative to the
// histories directory: <workflow type>/<escaped workflow id>.json for
// version 1, the fixtures recorded before versions existed, kept where
// they were first recorded; <version>/<workflow type>/<escaped workflow
// id>.json for every version after it.
// `sha256sum --check --strict MANIFEST` run in that directory verifies it
// too. Lines are only ever appended, by ./record.
const ManifestName = "MANIFEST"

// Entry is one line of the manifest.
type Entry struct {
	Path   string // slash-separated, relative to the histories directory
	SHA256 string // lower-case hex
}

// FirstVersion is the version of the fixtures that have no version
// directory: those recorded before versions existed.
const FirstVersion = "v1"

// Version is the fixture's version: its version directory, e.g. "v2", or
// FirstVersion for a fixture at <type>/<name>.json.
func (e Entry) Version() string {
	parts := strings.Split(e.Path, "/")
	if len(parts) == 2 {
		return FirstVersion
	}
	return parts[0]
}

// WorkflowType is the workflow type the fixture is a history of.
func (e Entry) WorkflowType() string {
	parts := strings.Split(e.Path, "/")
	return parts[len(parts)-2]
}

var manifestLine = regexp.MustCompile(`^([0-9a-f]{64})  ((?:[A-Za-z0-9._-]+/)?[A-Za-z0-9_]+/[^/\s]+\.json)$`)

// ReadManifest reads dir/MANIFEST. A malformed line, a path that is not
// [<version>/]<type>/<name>.json, or a path listed twice is an error.
func ReadManifest(dir string) ([]Entry, error) {
	f, err := os.Open(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var entries []Entry
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := manifestLine.FindStringSubmatch(sc.Text())
		if m == nil || path.Clean(m[2]) != m[2] || strings.HasPrefix(m[2], ".") {
			return nil, fmt.Errorf("%s:%d: want %q, got %q", ManifestName, n, "<sha256>  [<version>/]<type>/<name>.json", sc.Text())
		}
		if first, dup := seen[m[2]]; dup {
			return nil, fmt.Errorf("%s:%d: %s is already listed on line %d", ManifestName, n, m[2], first)
		}
		seen[m[2]] = n
		entries = append(entries, Entry{Path: m[2], SHA256: m[1]})
	}
	return entries, sc.Err()
}

// ProblemKind says how the fixtures on disk differ from the manifest.
type ProblemKind int

const (
	// Missing: a fixture the manifest lists is not on disk.
	Missing ProblemKind = iota + 1
	// Changed: a listed fixture's content is not what was recorded.
	Changed
	// Unlisted: a file in the histories directory is not in the manifest.
	Unlisted
)

// Problem is one difference between the histories directory and its
// manifest.
type Problem struct {
	Kind ProblemKind
	Path string // slash-separated, relative to the histories directory
	Want string // the recorded SHA-256 (Changed)
	Got  string // the SHA-256 on disk (Changed)
}

func (p Problem) String() string {
	switch p.Kind {
	case Missing:
		return fmt.Sprintf("%s is listed in %s but missing. Fixtures are never deleted: a workflow "+
			"still running may have this history. Restore it (git checkout -- replaytests/histories/%s); "+
			"if the workflow changed, make the change replay-safe (workflow.GetVersion or a new workflow "+
			"type) and record a new version beside the old ones with replaytests/record", p.Path, ManifestName, p.Path)
	case Changed:
		return fmt.Sprintf("%s has SHA-256 %s, %s records %s. Fixtures are never re-recorded or edited "+
			"in place: restore it (git checkout -- replaytests/histories/%s) and record a new version "+
			"beside it with replaytests/record", p.Path, p.Got, ManifestName, p.Want, p.Path)
	case Unlisted:
		return fmt.Sprintf("%s is not in %s. A fixture is added knowingly: replaytests/record "+
			"records a new version and appends its files to %s", p.Path, ManifestName, ManifestName)
	}
	return fmt.Sprintf("problem %d with %s", p.Kind, p.Path)
}

// CheckFixtures compares the histories directory dir with its manifest:
// every listed fixture must exist with its recorded SHA-256, and every file
// under dir but the manifest itself must be listed. It returns the
// differences in manifest order, then the unlisted files in lexical order;
// an error means the check itself could not be made.
func CheckFixtures(dir string) ([]Problem, error) {
	entries, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	var problems []Problem
	listed := map[string]bool{}
	for _, e := range entries {
		listed[e.Path] = true
		sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(e.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, Problem{Kind: Missing, Path: e.Path})
		case err != nil:
			return nil, err
		case sum != e.SHA256:
			problems = append(problems, Problem{Kind: Changed, Path: e.Path, Want: e.SHA256, Got: sum})
		}
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != ManifestName && !listed[rel] {
			problems = append(problems, Problem{Kind: Unlisted, Path: rel})
		}
		return nil
	})
	return problems, err
}

func fileSHA256(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
