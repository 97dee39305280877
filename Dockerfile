# Every image of docker-compose.yml, built from this repository: Go code
# from the module proxy on golang:1.26-bookworm, Debian's packages on
# debian:bookworm-slim, and no other image or binary pulled. Targets:
#
#   postgresql    Debian's PostgreSQL
#   temporal      the Temporal server, its SQL schema tool and the temporal
#                 CLI, with the compose shape's configuration and scripts
#                 (deploy/docker)
#   temporal-ui   the standalone Web UI server and its HTTPS front
#   tetsuzuki     worker (orchestrator), agent (a real host's), lab and
#                 starter; the last stage, so that `docker build .` alone
#                 makes it

# The Temporal binaries, as the Makefile builds .bin/temporal-server,
# .bin/temporal-sql-tool, .bin/temporal-ui-server and .bin/temporal: the
# same packages of tools/go.mod, at the versions it pins (the ones the
# pinned CLI uses). Only tools/go.mod and go.sum go in, so that a change to
# the project's code does not build the server again.
FROM golang:1.26-bookworm AS temporal-build
WORKDIR /src/tools
COPY tools/go.mod tools/go.sum ./
RUN CGO_ENABLED=0 go build -o /out/temporal-server go.temporal.io/server/cmd/server && \
    CGO_ENABLED=0 go build -o /out/temporal-sql-tool go.temporal.io/server/cmd/tools/sql && \
    CGO_ENABLED=0 go build -o /out/temporal-ui-server github.com/temporalio/ui-server/v2/cmd/server && \
    CGO_ENABLED=0 go build -o /out/temporal github.com/temporalio/cli/cmd/temporal

# The project's binaries.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/worker ./worker && \
    CGO_ENABLED=0 go build -o /out/agent ./agent && \
    CGO_ENABLED=0 go build -o /out/lab ./lab && \
    CGO_ENABLED=0 go build -o /out/starter ./starter && \
    CGO_ENABLED=0 go build -o /out/httpsproxy ./deploy/httpsproxy

# Debian's PostgreSQL. The package's own cluster is not made
# (createcluster.conf): postgresql-start makes ours in the volume on its
# first start, with the password of its secret.
FROM debian:bookworm-slim AS postgresql
RUN apt-get update && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-common && \
    sed -ri 's/#? *create_main_cluster *=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql && \
    rm -rf /var/lib/apt/lists/* && \
    ln -s "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)" /usr/local/lib/postgresql && \
    install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data && \
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
# A new volume takes the owner and mode of the image's directory.
ENV PATH=/usr/local/lib/postgresql:$PATH PGDATA=/var/lib/postgresql/data
COPY deploy/docker/postgresql-start /usr/local/bin/
USER postgres
ENTRYPOINT ["postgresql-start"]

# The Temporal server processes and their one-shots (temporal-schema,
# temporal-namespace), not as root: they read only the server certificate,
# the CA and the database password, which deploy/make-certs leaves
# readable by any uid.
FROM debian:bookworm-slim AS temporal
RUN useradd --system --no-create-home --home-dir /nonexistent temporal
COPY --from=temporal-build /out/temporal-server /out/temporal-sql-tool /out/temporal /usr/local/bin/
COPY deploy/docker/temporal.yaml /etc/temporal/docker.yaml
COPY deploy/docker/temporal-start deploy/docker/temporal-schema deploy/docker/temporal-namespace /usr/local/bin/
USER temporal
ENTRYPOINT ["temporal-start"]

# The Web UI server and its HTTPS front, two services of one image.
FROM debian:bookworm-slim AS temporal-ui
RUN useradd --system --no-create-home --home-dir /nonexistent temporal-ui
COPY --from=temporal-build /out/temporal-ui-server /usr/local/bin/
COPY --from=build /out/httpsproxy /usr/local/bin/
COPY deploy/docker/ui.yaml /etc/temporal-ui/docker.yaml
USER temporal-ui
ENTRYPOINT ["temporal-ui-server", "--root", "/", "--config", "etc/temporal-ui", "--env", "docker", "start"]

# The project's binaries in one image: worker (the orchestrator), agent
# (what a real host runs), lab (emulated hosts and their tools) and starter
# (the webhook).
FROM debian:bookworm-slim AS tetsuzuki
COPY --from=build /out/worker /out/agent /out/lab /out/starter /usr/local/bin/
COPY runbooks/ /runbooks/
ENTRYPOINT ["/usr/local/bin/worker"]
