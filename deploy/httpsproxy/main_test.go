package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// selfSigned is a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// The front answers over TLS with what the upstream answers, and tells
// the upstream the browser's Host and that the browser spoke HTTPS; a
// request in clear is refused, not forwarded; it stops when told to.
func TestServeForwardsOverTLSOnly(t *testing.T) {
	type seen struct{ host, proto, path string }
	got := make(chan seen, 2)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.Host, r.Header.Get("X-Forwarded-Proto"), r.URL.RequestURI()}
		io.WriteString(w, "the web ui")
	}))
	defer up.Close()
	upstream, _ := url.Parse(up.URL)

	pair, pool := selfSigned(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, l, upstream, pair) }()

	addr := l.Addr().String()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get("https://" + addr + "/namespaces/default/workflows?x=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "the web ui" {
		t.Errorf("got %d %q, want 200 %q", resp.StatusCode, body, "the web ui")
	}
	if s := <-got; s != (seen{addr, "https", "/namespaces/default/workflows?x=1"}) {
		t.Errorf("upstream saw %+v, want Host %s, X-Forwarded-Proto https and the same path", s, addr)
	}

	clear, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	clear.Body.Close()
	if clear.StatusCode != http.StatusBadRequest {
		t.Errorf("a request in clear got %d, want 400", clear.StatusCode)
	}
	select {
	case s := <-got:
		t.Errorf("a request in clear reached the upstream: %+v", s)
	default:
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve after stop: %v", err)
	}
}

// Mistakes in the flags are reported before anything listens.
func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-upstream", "http://temporal-ui:8080"},
		{"-upstream", "https://temporal-ui:8080", "-cert", "c", "-key", "k"},
		{"-upstream", "temporal-ui:8080", "-cert", "c", "-key", "k"},
		{"-upstream", "http://temporal-ui:8080", "-cert", "/nonexistent/c", "-key", "/nonexistent/k"},
		{"-upstream", "http://temporal-ui:8080", "-cert", "c", "-key", "k", "extra"},
	} {
		if err := run(args); err == nil {
			t.Errorf("run(%s): no error", strings.Join(args, " "))
		}
	}
}
