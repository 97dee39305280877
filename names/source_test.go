package names_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoRulesOutsideNames keeps the rules in one place: the runbook
// loader's validators and the agent's activities compile no pattern of
// their own. What the agent still compiles reads the tools' text (their
// output and the two config files it edits), in the *out.go files beside
// each tool's activities.
func TestNoRulesOutsideNames(t *testing.T) {
	for _, tc := range []struct {
		dir     string
		allowed func(file string) bool
	}{
		{"../runbooks", func(f string) bool {
			// decode.go checks YAML keys and load.go reads the YAML
			// library's errors: neither is a name rule.
			return f == "decode.go" || f == "load.go"
		}},
		{"../activities", func(f string) bool { return strings.HasSuffix(f, "out.go") }},
	} {
		files, err := filepath.Glob(filepath.Join(tc.dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", tc.dir, err)
		}
		for _, path := range files {
			name := filepath.Base(path)
			if strings.HasSuffix(name, "_test.go") || tc.allowed(name) {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "regexp" {
						t.Errorf("%s: regexp.%s: a name rule belongs in package names, which both the loader and the agent call", fset.Position(call.Pos()), sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
}
