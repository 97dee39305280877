// Package connect dials the Temporal server for every binary of the
// project, with the same flags, environment variables and tracing, so the
// orchestrator, the agents, the lab and the starter cannot disagree about
// where the server is or how to reach it.
package connect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
)

// Options say where the server is. Production sets TLS; the embedded dev
// server needs none.
type Options struct {
	Address    string
	Namespace  string
	TLSCert    string
	TLSKey     string
	TLSCA      string
	ServerName string
	// CodecKeyFile turns the payload codec on (codec.go); empty is off.
	CodecKeyFile string
	// Compression is how requests to the server are compressed: "none",
	// the default, or "gzip", the SDK's (CompressionEnv).
	Compression string
	// Quiet drops the SDK's info logs, for the CLI's tidy output.
	Quiet bool
}

// Flags registers the options on fs, each defaulting to the environment
// variable the Temporal CLI uses for it.
func (o *Options) Flags(fs *flag.FlagSet) {
	fs.StringVar(&o.Address, "address", env("TEMPORAL_ADDRESS", "localhost:7233"), "Temporal frontend host:port ($TEMPORAL_ADDRESS)")
	fs.StringVar(&o.Namespace, "namespace", env("TEMPORAL_NAMESPACE", "default"), "Temporal namespace ($TEMPORAL_NAMESPACE)")
	fs.StringVar(&o.TLSCert, "tls-cert", os.Getenv("TEMPORAL_TLS_CERT"), "client certificate for mTLS ($TEMPORAL_TLS_CERT)")
	fs.StringVar(&o.TLSKey, "tls-key", os.Getenv("TEMPORAL_TLS_KEY"), "client key for mTLS ($TEMPORAL_TLS_KEY)")
	fs.StringVar(&o.TLSCA, "tls-ca", os.Getenv("TEMPORAL_TLS_CA"), "CA that signed the server's certificate ($TEMPORAL_TLS_CA)")
	fs.StringVar(&o.ServerName, "tls-server-name", os.Getenv("TEMPORAL_TLS_SERVER_NAME"), "server name to verify ($TEMPORAL_TLS_SERVER_NAME)")
	fs.StringVar(&o.CodecKeyFile, "codec-key-file", os.Getenv(KeyFileEnv), "payload encryption keys, one per line in hex, the first encrypts; empty is no encryption ($"+KeyFileEnv+")")
	fs.StringVar(&o.Compression, "grpc-compression", os.Getenv(CompressionEnv), "none or gzip: how requests to the server are compressed (default none; $"+CompressionEnv+")")
}

// CompressionEnv names the requests' compression when no -grpc-compression
// flag is given.
const CompressionEnv = "TETSUZUKI_GRPC_COMPRESSION"

// compression is the SDK's option for o.Compression. The SDK gzips every
// request by default; here none is, unless asked: with the codec on, a
// request's payloads are ciphertext, which gzip cannot shrink, and the
// rest is a few hundred bytes of protobuf. Each process paid for it all
// the same: an idle agent held 1 MB of compressor state, and the server
// unzipped every poll and completion.
func (o Options) compression() (client.GrpcCompression, error) {
	c := o.Compression
	if c == "" {
		c = os.Getenv(CompressionEnv)
	}
	switch c {
	case "", "none":
		return &client.GrpcCompressionNone{}, nil
	case "gzip":
		return &client.GrpcCompressionGzip{}, nil
	}
	return nil, fmt.Errorf("grpc compression %q: gzip or none", c)
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Dial connects, with the OpenTelemetry interceptor when tracing is on
// (see Tracing). The returned close function closes the client and flushes
// traces.
func Dial(ctx context.Context, o Options) (client.Client, func(), error) {
	tracer, shutdown, err := Tracing(ctx)
	if err != nil {
		return nil, nil, err
	}
	opts := client.Options{HostPort: o.Address, Namespace: o.Namespace, Logger: logger(o.Quiet)}
	if tracer != nil {
		opts.Interceptors = []interceptor.ClientInterceptor{tracer}
	}
	if opts.DataConverter, opts.FailureConverter, err = o.Converters(); err != nil {
		shutdown()
		return nil, nil, err
	}
	if opts.ConnectionOptions.TLS, err = o.tls(); err != nil {
		shutdown()
		return nil, nil, err
	}
	if opts.ConnectionOptions.GrpcCompression, err = o.compression(); err != nil {
		shutdown()
		return nil, nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		shutdown()
		return nil, nil, fmt.Errorf("connect to Temporal at %s (namespace %s): %w", o.Address, o.Namespace, err)
	}
	return c, func() { c.Close(); shutdown() }, nil
}

func (o Options) tls() (*tls.Config, error) {
	if o.TLSCert == "" && o.TLSCA == "" {
		return nil, nil
	}
	cfg := &tls.Config{ServerName: o.ServerName, MinVersion: tls.VersionTLS12}
	if o.TLSCert != "" {
		pair, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if o.TLSCA != "" {
		pem, err := os.ReadFile(o.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("read CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", o.TLSCA)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

func logger(quiet bool) log.Logger {
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelWarn
	}
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
}
