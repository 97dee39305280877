# The two commands a newcomer needs: `make demo` and `make test`.
# Everything is built from the Go module proxy into .bin/; state lives in .demo/.

GO      ?= go
BIN     := .bin
TEMPORAL := $(BIN)/temporal
CMDS    := $(BIN)/worker $(BIN)/agent $(BIN)/lab $(BIN)/labtools $(BIN)/starter
CLUSTER_BINS := $(BIN)/temporal-server $(BIN)/temporal-sql-tool $(BIN)/temporal-ui-server

.PHONY: demo test build bench lint clean replay-record cluster cluster-down FORCE

## demo: start the dev server and Web UI, the orchestrator and the lab, form the clusters
## demo TARGET=cluster: the same on make cluster's cluster
TARGET ?= dev
demo: build $(if $(filter cluster,$(TARGET)),$(CLUSTER_BINS))
	TARGET=$(TARGET) ./scripts/demo

## test: every test: unit, workflow, activity, replay and end to end on the
## real dev server and on make cluster's shape (a history process killed
## mid-build); docker-compose.yml loaded by compose's own loader and held
## to its rules (tools/compose, a module of its own); then 20 s of fuzzing
## the webhook's request decoder
test: $(TEMPORAL) $(CLUSTER_BINS) $(BIN)/workflowcheck $(BIN)/staticcheck webui-deps
	$(GO) vet ./...
	$(BIN)/staticcheck ./...
	$(BIN)/workflowcheck ./workflows/...
	$(GO) test -race -count=1 -timeout 30m ./...
	cd tools/compose && $(GO) vet ./... && $(GO) test -count=1 ./...
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRunRequest$$' -fuzztime 20s ./webhook/

build: $(TEMPORAL) $(CMDS)

## cluster: the production shape without Docker: PostgreSQL (Debian's,
## installed when missing), three Temporal server processes (frontend with
## matching and worker; two history processes sharing 4 shards) and the Web
## UI server, on loopback, state in .cluster/ (scripts/cluster)
cluster: $(TEMPORAL) $(CLUSTER_BINS)
	./scripts/cluster up

## cluster-down: stop make cluster's processes; the data stays in .cluster/
cluster-down:
	./scripts/cluster down

## bench: what the payload codec adds per payload (encode and decode), what
## signing adds per step (sign and verify); and on the real dev server,
## orchestrator and lab agents (package bench): what the engine adds to a
## sequential host step against its commands run directly; the whole build
## against the commands on its critical path; the build of 10, 100 and
## 1,000 generated clients (their import and multipath, the largest history
## and payload); a Check of the blog's six built hosts and of 100 and 1,000
## unbuilt ones; the webhook's answer with a plan, p50 and p95; the idle
## memory of an agent, the orchestrator and the dev server over 200 s.
## About forty minutes, most of them the thousand clients' build; the lab's
## hosts run labtools, the lab's tools alone.
bench: $(TEMPORAL) $(BIN)/lab $(BIN)/labtools $(BIN)/worker $(BIN)/agent
	$(GO) test -run '^$$' -bench . -benchmem ./connect/ ./sign/
	$(GO) test -run '^$$' -bench . -benchtime 2x -timeout 100m ./bench/

## webui-deps: what the Web UI test drives the UI with: Debian's Chromium, and
## playwright-core from e2e/webui/package-lock.json (it downloads no browser)
.PHONY: webui-deps
webui-deps: e2e/webui/node_modules/.package-lock.json
	@test -x /usr/bin/chromium || { echo "installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# npm ci writes node_modules/.package-lock.json: a missing node_modules or a
# changed lock installs again.
e2e/webui/node_modules/.package-lock.json: e2e/webui/package-lock.json
	npm ci --prefix e2e/webui --no-audit --no-fund --loglevel=error

# The Temporal CLI (dev server + Web UI), pinned in tools/go.mod.
$(TEMPORAL): tools/go.mod tools/go.sum
	cd tools && $(GO) build -o ../$(TEMPORAL) github.com/temporalio/cli/cmd/temporal

# The Temporal server, its SQL schema tool and the standalone Web UI server,
# at the versions the pinned CLI uses (tools/go.mod).
$(BIN)/temporal-server: tools/go.mod tools/go.sum
	cd tools && $(GO) build -o ../$@ go.temporal.io/server/cmd/server
$(BIN)/temporal-sql-tool: tools/go.mod tools/go.sum
	cd tools && $(GO) build -o ../$@ go.temporal.io/server/cmd/tools/sql
$(BIN)/temporal-ui-server: tools/go.mod tools/go.sum
	cd tools && $(GO) build -o ../$@ github.com/temporalio/ui-server/v2/cmd/server

# workflowcheck finds I/O, clocks, randomness and map ranges in workflow code.
$(BIN)/workflowcheck: tools/lint/go.mod tools/lint/go.sum
	cd tools/lint && $(GO) build -o ../../$(BIN)/workflowcheck go.temporal.io/sdk/contrib/tools/workflowcheck

# staticcheck, pinned beside workflowcheck; staticcheck.conf files configure it.
$(BIN)/staticcheck: tools/lint/go.mod tools/lint/go.sum
	cd tools/lint && $(GO) build -o ../../$(BIN)/staticcheck honnef.co/go/tools/cmd/staticcheck

# The lab's tools alone (lab/toolset), without the lab's commands: every
# tool an emulated host runs is a process, and this binary starts in a third
# of the lab binary's time. lab init --tools links the hosts' tools to it.
$(BIN)/labtools: FORCE
	$(GO) build -o $@ ./lab/labtools

# The agent each host runs, static as the Dockerfile builds every binary:
# the C library and its loader were 1.7 MB of an idle agent's resident
# memory (BenchmarkIdleRSS as first settled: 27.9 MB linked to them, 26.2 MB
# without).
$(BIN)/agent: FORCE
	CGO_ENABLED=0 $(GO) build -o $@ ./agent

$(BIN)/%: FORCE
	$(GO) build -o $@ ./$*

## replay-record: re-record the replay fixtures from runs on a fresh dev server
replay-record: build
	./replaytests/record

lint: $(BIN)/workflowcheck $(BIN)/staticcheck
	$(GO) vet ./...
	$(BIN)/staticcheck ./...
	$(BIN)/workflowcheck ./workflows/...
	cd tools/compose && $(GO) vet ./... && ../../$(BIN)/staticcheck ./...

clean:
	rm -rf $(BIN) .demo
