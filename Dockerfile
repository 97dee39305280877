# The project's three binaries in one image: worker (orchestrator or agent),
# lab (emulated hosts and their tools) and starter.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/worker ./worker && \
    CGO_ENABLED=0 go build -o /out/lab ./lab && \
    CGO_ENABLED=0 go build -o /out/starter ./starter

FROM debian:bookworm-slim
COPY --from=build /out/ /usr/local/bin/
COPY runbooks/ /runbooks/
ENTRYPOINT ["/usr/local/bin/worker"]
