package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/webhook"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

// webhookServer serves the ticket webhook (package webhook) and runs the
// worker that posts change records back to the ticketing systems.
func (m *Main) webhookServer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter webhook", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	var conn connect.Options
	conn.Flags(fs)
	config := fs.String("config", os.Getenv("TETSUZUKI_WEBHOOK_CONFIG"), "the webhook's JSON configuration: secrets, their allow lists, callbacks ($TETSUZUKI_WEBHOOK_CONFIG); SIGHUP reads it again")
	listen := fs.String("listen", envOr("TETSUZUKI_WEBHOOK_LISTEN", "127.0.0.1:8088"), "address to serve on ($TETSUZUKI_WEBHOOK_LISTEN)")
	public := fs.String("public-url", os.Getenv("TETSUZUKI_WEBHOOK_URL"), "the webhook's address as ticketing systems reach it, for approval links ($TETSUZUKI_WEBHOOK_URL; default from --listen)")
	cert := fs.String("serve-cert", os.Getenv("TETSUZUKI_WEBHOOK_CERT"), "serve HTTPS with this certificate ($TETSUZUKI_WEBHOOK_CERT)")
	key := fs.String("serve-key", os.Getenv("TETSUZUKI_WEBHOOK_KEY"), "the certificate's key ($TETSUZUKI_WEBHOOK_KEY)")
	concurrent := fs.Int("max-concurrent", 64, "requests served at once; more wait up to 5 s, then get 503")
	ui := fs.String("ui", envOr("TEMPORAL_UI", "http://localhost:8233"), "the Web UI's address, for links ($TEMPORAL_UI)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *config == "" || fs.NArg() > 0 {
		return errors.New("starter webhook needs --config FILE and nothing else")
	}
	if (*cert == "") != (*key == "") {
		return errors.New("--serve-cert and --serve-key go together")
	}
	cfg, err := webhook.LoadConfig(*config)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	defer l.Close()
	if *public == "" {
		scheme := "http"
		if *cert != "" {
			scheme = "https"
		}
		*public = scheme + "://" + l.Addr().String()
	}

	conn.Quiet = true
	c, closeClient, err := connect.Dial(ctx, conn)
	if err != nil {
		return err
	}
	defer closeClient()
	s := webhook.New(cfg, c, *concurrent)
	s.Namespace, s.UI, s.Public = conn.Namespace, *ui, *public
	s.Log = slog.New(slog.NewTextHandler(m.Err, nil))

	w := worker.New(c, workflows.WebhookQueue, worker.Options{DisableWorkflowWorker: true})
	w.RegisterActivityWithOptions((&webhook.Deliverer{Server: s}).DeliverChangeRecord, activity.RegisterOptions{Name: workflows.DeliverChangeRecordName})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			if cfg, err := webhook.LoadConfig(*config); err != nil {
				s.Log.Error("reload: kept the configuration in use", "error", err)
			} else {
				s.Reload(cfg)
				s.Log.Info("reloaded", "config", *config)
			}
		}
	}()

	srv := &http.Server{
		Handler: s.Handler(),
		// A slow client cannot hold a connection: the headers in 5 s,
		// the body (64 KiB at most) in 10; an answer waits for a plan
		// for up to 25 s.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      40 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	fmt.Fprintf(m.Out, "webhook: serving %s (POST /v1/runs, GET /v1/runs/{id}, POST /v1/runs/{id}/approvals) for namespace %s\n", *public, conn.Namespace)
	served := make(chan error, 1)
	go func() {
		if *cert != "" {
			served <- srv.ServeTLS(l, *cert, *key)
		} else {
			served <- srv.Serve(l)
		}
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shut)
	}
}
