package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/tetsuzuki/tetsuzuki/connect"
	"github.com/tetsuzuki/tetsuzuki/workflows"
)

const uiOrigin = "http://127.0.0.1:8233"

func testCodec(t *testing.T) *connect.Codec {
	t.Helper()
	c, err := connect.NewCodec(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// post sends payloads to the codec server as the Web UI does: JSON, with
// the namespace in X-Namespace and the UI's origin.
func post(t *testing.T, url, origin string, ps ...*common.Payload) (*http.Response, []*common.Payload) {
	t.Helper()
	body, err := protojson.Marshal(&common.Payloads{Payloads: ps})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out common.Payloads
	if resp.StatusCode == http.StatusOK {
		data := new(bytes.Buffer)
		_, _ = data.ReadFrom(resp.Body)
		if err := protojson.Unmarshal(data.Bytes(), &out); err != nil {
			t.Fatalf("the response is not Temporal's payloads JSON: %v\n%s", err, data)
		}
	}
	return resp, out.Payloads
}

// TestCodecServerSpeaksTheRemoteCodecProtocol: what /encode returns is
// ciphertext that /decode (and the workers' codec) turn back into the
// payload; the UI's origin is allowed by CORS, its preflight answered.
func TestCodecServerSpeaksTheRemoteCodecProtocol(t *testing.T) {
	codec := testCodec(t)
	srv := httptest.NewServer(codecHandler(codec, []string{uiOrigin}))
	defer srv.Close()

	plain := payload(`{"runbook": "scalable-storage"}`)
	resp, enc := post(t, srv.URL+"/encode", uiOrigin, plain)
	if resp.StatusCode != http.StatusOK || len(enc) != 1 {
		t.Fatalf("/encode: %s, %d payloads", resp.Status, len(enc))
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != uiOrigin {
		t.Errorf("Access-Control-Allow-Origin %q, want %q", got, uiOrigin)
	}
	if bytes.Contains(enc[0].Data, []byte("scalable-storage")) {
		t.Error("/encode returned the payload in clear")
	}
	if dec, err := codec.Decode(enc); err != nil || !bytes.Equal(dec[0].Data, plain.Data) {
		t.Errorf("the workers' codec cannot read what /encode wrote: %v", err)
	}
	resp, dec := post(t, srv.URL+"/decode", uiOrigin, enc[0], plain)
	if resp.StatusCode != http.StatusOK || len(dec) != 2 || !bytes.Equal(dec[0].Data, plain.Data) || !bytes.Equal(dec[1].Data, plain.Data) {
		t.Errorf("/decode: %s, %v; want the payload back, and the plain one passed through", resp.Status, dec)
	}

	pre, _ := http.NewRequest(http.MethodOptions, srv.URL+"/decode", nil)
	pre.Header.Set("Origin", uiOrigin)
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "content-type,x-namespace")
	presp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	presp.Body.Close()
	if presp.StatusCode != http.StatusNoContent || !strings.Contains(presp.Header.Get("Access-Control-Allow-Headers"), "X-Namespace") {
		t.Errorf("preflight: %s, allowed headers %q", presp.Status, presp.Header.Get("Access-Control-Allow-Headers"))
	}
}

// TestCodecServerRefuses: another origin, another path, another method,
// an oversized body.
func TestCodecServerRefuses(t *testing.T) {
	srv := httptest.NewServer(codecHandler(testCodec(t), []string{uiOrigin}))
	defer srv.Close()
	if resp, _ := post(t, srv.URL+"/decode", "http://evil.example", payload("x")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a page of another origin: %s, want 403", resp.Status)
	}
	if resp, _ := post(t, srv.URL+"/metrics/decode", uiOrigin, payload("x")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another path: %s, want 404", resp.Status)
	}
	if resp, err := http.Get(srv.URL + "/decode"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v, want 405", resp.Status, err)
	}
	big := payload(strings.Repeat("x", maxCodecRequest))
	if resp, _ := post(t, srv.URL+"/encode", "", big); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a body past %d bytes: %s, want 400", maxCodecRequest, resp.Status)
	}
}

// TestCodecServerCommand runs `starter codec-server` itself until its
// context ends, and refuses it without a key file.
func TestCodecServerCommand(t *testing.T) {
	var out bytes.Buffer
	m := &Main{Out: &out, Err: &out}
	if err := m.Run(context.Background(), []string{"codec-server", "--key-file", ""}); err == nil || !strings.Contains(err.Error(), "--key-file") {
		t.Errorf("without a key file: %v, want an error naming --key-file", err)
	}

	keyFile := filepath.Join(t.TempDir(), "codec.key")
	if err := m.Run(context.Background(), []string{"keygen", "--out", keyFile}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background(), []string{"keygen", "--out", keyFile}); err == nil {
		t.Error("keygen wrote over an existing key file")
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v (%v), want 0600", st.Mode(), err)
	}
	out.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"codec-server", "--listen", "127.0.0.1:0", "--key-file", keyFile})
	}()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("codec-server stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("codec-server did not stop when its context ended")
	}
}

// TestFollowReadsThroughTheCodec: with the codec on, the history holds
// summaries, memos and failure messages encrypted; the starter's progress
// still reads them, through the client's converters.
func TestFollowReadsThroughTheCodec(t *testing.T) {
	dc, fc := connect.Converters(testCodec(t))
	enc := func(s string) *common.Payload {
		p, err := dc.ToPayload(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	named := scheduledEvent(6, "x", "Partition")
	named.UserMetadata.Summary = enc("partition /dev/sdb on storage0a")
	failed := failedEvent(7, 6, "")
	failed.GetActivityTaskFailedEventAttributes().Failure = fc.ErrorToFailure(temporal.NewApplicationError("parted: shared-secret in stderr", "Command"))
	waiting := awaitingEvent(8, "")
	waiting.GetWorkflowPropertiesModifiedEventAttributes().UpsertedMemo.Fields[workflows.AwaitingMemo] = enc("mkfs:VG0/LV0")
	f := &fakeClient{histories: map[string][]*history.HistoryEvent{
		"run": {named, failed, waiting, closedEvent(enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)},
	}}
	var out bytes.Buffer
	if err := follow(context.Background(), f, &printer{w: &out, dc: dc}, "run", "", ""); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"... partition /dev/sdb on storage0a",
		"!!  partition /dev/sdb on storage0a: parted: shared-secret in stderr",
		"waiting for approval of mkfs:VG0/LV0",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the progress lacks %q:\n%s", want, out.String())
		}
	}
	if raw, _ := json.Marshal(failed); bytes.Contains(raw, []byte("shared-secret")) {
		t.Error("the test's failure is not encoded: it proves nothing")
	}
	// Without the codec the same history reads as nothing useful, which
	// is what a client without the key sees.
	out.Reset()
	if err := follow(context.Background(), f, &printer{w: &out}, "run", "", ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "shared-secret") || strings.Contains(out.String(), "/dev/sdb") {
		t.Errorf("a printer without the codec read the encrypted history:\n%s", out.String())
	}
}
