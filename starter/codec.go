package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/tetsuzuki/tetsuzuki/connect"
)

// maxCodecRequest bounds a request to the codec server: no payload the
// server accepts is larger than its 4 MiB gRPC message limit.
const maxCodecRequest = 4 << 20

// codecServer serves Temporal's remote codec protocol, so that the Web UI
// (started with --ui-codec-endpoint) and `temporal --codec-endpoint` show
// decoded payloads while the server itself stores only ciphertext. It
// decrypts for whoever reaches it: keep it on localhost, or behind the same
// authentication as the UI.
func (m *Main) codecServer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter codec-server", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	listen := fs.String("listen", "127.0.0.1:8234", "address to serve /encode and /decode on")
	keyFile := fs.String("key-file", os.Getenv(connect.KeyFileEnv), "the codec's key file, as the workers use ($"+connect.KeyFileEnv+")")
	origins := fs.String("allow-origin", envOr("TEMPORAL_UI", "http://localhost:8233"), "comma-separated origins of the Web UI that may call it ($TEMPORAL_UI)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *keyFile == "" {
		return errors.New("--key-file is required: a codec server without keys has nothing to decode")
	}
	codec, err := connect.LoadCodec(*keyFile)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: codecHandler(codec, splitList(*origins)), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(m.Out, "codec server on http://%s (keys %s; Web UI origins %s)\n", l.Addr(), strings.Join(codec.KeyIDs(), ", "), *origins)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shut)
	}
}

// codecHandler is the SDK's codec handler, on /encode and /decode only,
// with bounded requests and CORS for the Web UI's origins. A request from
// a browser page of any other origin is refused outright, so a page the
// operator happens to visit cannot have payloads decrypted.
func codecHandler(c *connect.Codec, origins []string) http.Handler {
	codec := converter.NewPayloadCodecHTTPHandler(c)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" {
			if !slices.Contains(origins, origin) {
				http.Error(w, "origin "+origin+" may not use this codec server", http.StatusForbidden)
				return
			}
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace")
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Add("Vary", "Origin")
		}
		if r.URL.Path != "/encode" && r.URL.Path != "/decode" {
			http.NotFound(w, r)
			return
		}
		switch r.Method {
		case http.MethodOptions:
			w.WriteHeader(http.StatusNoContent)
		case http.MethodPost:
			r.Body = http.MaxBytesReader(w, r.Body, maxCodecRequest)
			codec.ServeHTTP(w, r)
		default:
			w.Header().Set("Allow", "POST, OPTIONS")
			http.Error(w, "use POST", http.StatusMethodNotAllowed)
		}
	})
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimRight(strings.TrimSpace(f), "/"); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// keygen writes a new codec key: to --out, created with mode 0600 and never
// over an existing file (that would lose the key every history written so
// far needs), or to standard output.
func (m *Main) keygen(args []string) error {
	fs := flag.NewFlagSet("starter keygen", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	out := fs.String("out", "", "the key file to create (default: print the key)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	line, err := connect.GenerateKey()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err := fmt.Fprint(m.Out, line)
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("keygen: %w (a key file is never written over)", err)
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
