// Package compose holds the tests of the production shape,
// docker-compose.yml, its Dockerfile and deploy/docker: the file loaded by
// compose's own loader (github.com/compose-spec/compose-go), and the
// properties the README promises of it checked on what was loaded. The
// project's machine has no Docker engine, so these tests are what stands
// between a change and a compose file that would not start.
//
// It is a module of its own so that compose-go, which the project's code
// never imports, stays out of the root go.mod; `make test` runs it
// (cd tools/compose && go test ./...), since `go test ./...` at the root
// does not enter a nested module.
package compose
