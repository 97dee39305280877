// Command httpsproxy serves one HTTP server over HTTPS: in
// docker-compose.yml, the standalone Temporal Web UI server. The UI server
// the project pins (tools/go.mod: ui-server v2.42.1, the version the pinned
// CLI embeds) serves only HTTP, and the production shape publishes no port
// without TLS; so the UI server listens on compose's network alone, and
// this front holds the server certificate and publishes it.
//
//	httpsproxy -listen :8080 -upstream http://temporal-ui:8080 -cert tls.pem -key tls.key
//
// It forwards every request as it came, with the browser's Host (the UI
// checks CORS origins and sets its CSRF cookie for that host) and the
// X-Forwarded-* headers, and stops on SIGINT or SIGTERM after the requests
// in flight.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "httpsproxy:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("httpsproxy", flag.ContinueOnError)
	listen := fs.String("listen", ":8080", "address to serve HTTPS on")
	upstream := fs.String("upstream", "", "the HTTP server to forward to, http://HOST:PORT")
	cert := fs.String("cert", "", "the certificate to serve (PEM)")
	key := fs.String("key", "", "its private key (PEM)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *upstream == "" || *cert == "" || *key == "" {
		return errors.New("usage: httpsproxy [-listen ADDR] -upstream http://HOST:PORT -cert FILE -key FILE")
	}
	to, err := url.Parse(*upstream)
	if err != nil || to.Scheme != "http" || to.Host == "" {
		return fmt.Errorf("-upstream %q: want http://HOST:PORT", *upstream)
	}
	// The key pair is read now: a missing or unreadable file is reported
	// at start, not at the first browser's handshake.
	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, l, to, pair)
}

// serve answers on l over TLS with pair, forwarding to upstream, until ctx
// ends; then it waits up to 10 s for the requests in flight.
func serve(ctx context.Context, l net.Listener, upstream *url.URL, pair tls.Certificate) error {
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(upstream)
			r.Out.Host = r.In.Host
			r.SetXForwarded()
		},
	}
	srv := &http.Server{
		Handler: proxy,
		// A slow client cannot hold a connection open without sending
		// its headers; no write timeout, since the UI's requests wait on
		// the frontend for as long as it takes.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		TLSConfig: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{pair},
		},
	}
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(l, "", "") }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shut)
	}
}
