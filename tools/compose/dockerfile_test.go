package compose

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"strings"
	"testing"
)

// A dockerfile is what the tests read of a Dockerfile: its stages in
// order, and the instructions that could pull or download.
type dockerfile struct {
	path   string
	stages []*stage
	// adds and downloads are the lines of ADD instructions and of RUN
	// instructions that fetch with curl or wget: each could bring in a
	// binary that was not built here.
	adds, downloads []string
}

type stage struct {
	name, base string
	user       string
	entrypoint []string
	copies     []copyInstr
	// bins maps each file the stage puts in /usr/local/bin to where it
	// comes from: a path of the build context, or "STAGE:PATH".
	bins map[string]string
}

type copyInstr struct {
	from  string // the stage copied from; "" is the build context
	srcs  []string
	dest  string
	where string // file:line, for messages
}

func (d *dockerfile) stage(name string) *stage {
	for _, s := range d.stages {
		if s.name == name {
			return s
		}
	}
	return nil
}

// parseDockerfile reads the instructions the tests need. It takes the
// subset of the syntax this repository uses, and says so when it meets
// more, rather than guessing.
func parseDockerfile(file string) (*dockerfile, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := &dockerfile{path: file}
	var cur *stage
	var line strings.Builder
	start, n := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		// Docker drops comment lines, also within a continued instruction.
		if strings.HasPrefix(text, "#") || (text == "" && line.Len() == 0) {
			continue
		}
		if line.Len() == 0 {
			start = n
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			line.WriteString(cont + " ")
			continue
		}
		line.WriteString(text)
		instr := strings.TrimSpace(line.String())
		line.Reset()
		where := fmt.Sprintf("%s:%d", file, start)
		op, args, _ := strings.Cut(instr, " ")
		args = strings.TrimSpace(args)
		switch strings.ToUpper(op) {
		case "FROM":
			f := strings.Fields(args)
			cur = &stage{base: f[0], bins: map[string]string{}}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				cur.name = f[2]
			} else if len(f) != 1 {
				return nil, fmt.Errorf("%s: FROM %s: not FROM IMAGE [AS NAME]", where, args)
			}
			d.stages = append(d.stages, cur)
		case "COPY":
			c, err := parseCopy(args, where)
			if err != nil {
				return nil, err
			}
			cur.copies = append(cur.copies, c)
			if c.dest == "/usr/local/bin/" {
				for _, src := range c.srcs {
					from := src
					if c.from != "" {
						from = c.from + ":" + src
					}
					cur.bins[path.Base(src)] = from
				}
			}
		case "ADD":
			d.adds = append(d.adds, where)
		case "RUN":
			for _, w := range strings.Fields(args) {
				if w == "curl" || w == "wget" {
					d.downloads = append(d.downloads, where)
				}
			}
		case "USER":
			cur.user = args
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(args), &cur.entrypoint); err != nil {
				return nil, fmt.Errorf("%s: ENTRYPOINT %s: only the exec form is read here: %v", where, args, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if line.Len() > 0 {
		return nil, fmt.Errorf("%s: ends in a continued line", file)
	}
	return d, nil
}

func parseCopy(args, where string) (copyInstr, error) {
	c := copyInstr{where: where}
	f := strings.Fields(args)
	for len(f) > 0 && strings.HasPrefix(f[0], "--") {
		if from, ok := strings.CutPrefix(f[0], "--from="); ok {
			c.from = from
		} else if !strings.HasPrefix(f[0], "--chmod=") && !strings.HasPrefix(f[0], "--chown=") {
			return c, fmt.Errorf("%s: COPY %s: flag not read here", where, f[0])
		}
		f = f[1:]
	}
	if len(f) < 2 || strings.HasPrefix(f[0], "[") {
		return c, fmt.Errorf("%s: COPY %s: want SRC... DEST", where, args)
	}
	c.srcs, c.dest = f[:len(f)-1], f[len(f)-1]
	return c, nil
}

// The parser reads what it is meant to: a broken reading would make every
// test above it pass on nothing.
func TestParseDockerfile(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/Dockerfile"
	os.WriteFile(file, []byte(`# a comment
FROM golang:1.26-bookworm AS build
RUN go build -o /out/a ./a && \
    # a comment inside
    go build -o /out/b ./b
FROM debian:bookworm-slim AS run
COPY --from=build /out/a /out/b /usr/local/bin/
COPY scripts/start \
     /usr/local/bin/
USER nobody
ENTRYPOINT ["start", "now"]
FROM run
ADD https://example.com/x /x
RUN curl -o /y https://example.com/y
`), 0o644)
	d, err := parseDockerfile(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.stages) != 3 || d.stages[0].name != "build" || d.stages[1].base != "debian:bookworm-slim" || d.stages[2].base != "run" {
		t.Fatalf("stages: %+v", d.stages)
	}
	run := d.stage("run")
	want := map[string]string{"a": "build:/out/a", "b": "build:/out/b", "start": "scripts/start"}
	if fmt.Sprint(run.bins) != fmt.Sprint(want) {
		t.Errorf("bins %v, want %v", run.bins, want)
	}
	if run.user != "nobody" || strings.Join(run.entrypoint, " ") != "start now" {
		t.Errorf("user %q entrypoint %q", run.user, run.entrypoint)
	}
	if len(d.adds) != 1 || len(d.downloads) != 1 {
		t.Errorf("adds %v downloads %v, want one each", d.adds, d.downloads)
	}
}
