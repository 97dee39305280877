package connect

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func newCodec(t testing.TB, keys ...[]byte) *Codec {
	t.Helper()
	c, err := NewCodec(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func payload(t testing.TB, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const secret = "shared-secret pa55-w0rd-in-drbd.conf"

// TestCodecRoundTripHidesEverything: an encoded payload holds neither the
// value nor its encoding in clear, names its key, and decodes to exactly
// the payload it was.
func TestCodecRoundTripHidesEverything(t *testing.T) {
	c := newCodec(t, key(1))
	in := payload(t, map[string]string{"conf": secret})
	enc, err := c.Encode([]*commonpb.Payload{in})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := proto.Marshal(enc[0])
	for _, clear := range []string{"pa55-w0rd", "json/plain"} {
		if bytes.Contains(raw, []byte(clear)) {
			t.Errorf("the encoded payload holds %q in clear", clear)
		}
	}
	if got := string(enc[0].Metadata[converter.MetadataEncoding]); got != EncryptedEncoding {
		t.Errorf("encoding %q, want %q", got, EncryptedEncoding)
	}
	if got, want := string(enc[0].Metadata[MetadataKeyID]), KeyID(key(1)); got != want {
		t.Errorf("key ID %q, want %q", got, want)
	}
	dec, err := c.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(dec[0], in) {
		t.Errorf("decoded %v, want %v", dec[0], in)
	}
	again, _ := c.Encode([]*commonpb.Payload{in})
	if bytes.Equal(again[0].Data, enc[0].Data) {
		t.Error("two encodings of one payload are equal: the nonce is not fresh")
	}
}

// TestCodecPassesThroughWhatItDidNotEncode: payloads written before the
// codec (the replay fixtures, old histories) still decode, unchanged.
func TestCodecPassesThroughWhatItDidNotEncode(t *testing.T) {
	c := newCodec(t, key(1))
	plain := payload(t, "scalable-storage")
	got, err := c.Decode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != plain {
		t.Errorf("a plain payload was changed: %v", got[0])
	}
}

// TestCodecRotation: the new key first, the old one after: new payloads
// use the new key, old ones still decode; without the old key they are an
// error naming the key they need.
func TestCodecRotation(t *testing.T) {
	old := newCodec(t, key(1))
	rotated := newCodec(t, key(2), key(1))
	newOnly := newCodec(t, key(2))
	in := payload(t, secret)
	fromOld, _ := old.Encode([]*commonpb.Payload{in})
	if _, err := rotated.Decode(fromOld); err != nil {
		t.Errorf("the rotated codec cannot read the old key's payload: %v", err)
	}
	fromNew, _ := rotated.Encode([]*commonpb.Payload{in})
	if got, want := string(fromNew[0].Metadata[MetadataKeyID]), KeyID(key(2)); got != want {
		t.Errorf("the rotated codec encrypts with %s, want the first key %s", got, want)
	}
	_, err := newOnly.Decode(fromOld)
	if err == nil || !strings.Contains(err.Error(), KeyID(key(1))) {
		t.Errorf("decoding with a missing key: got %v, want an error naming key %s", err, KeyID(key(1)))
	}
}

// TestCodecRefusesTampering: a changed byte, or a key ID swapped for
// another key's, fails authentication instead of decoding to garbage.
func TestCodecRefusesTampering(t *testing.T) {
	c := newCodec(t, key(1), key(2))
	enc, _ := c.Encode([]*commonpb.Payload{payload(t, secret)})
	flipped := proto.Clone(enc[0]).(*commonpb.Payload)
	flipped.Data[len(flipped.Data)-1] ^= 1
	swapped := proto.Clone(enc[0]).(*commonpb.Payload)
	swapped.Metadata[MetadataKeyID] = []byte(KeyID(key(2)))
	short := proto.Clone(enc[0]).(*commonpb.Payload)
	short.Data = short.Data[:4]
	for name, p := range map[string]*commonpb.Payload{"flipped": flipped, "swapped key": swapped, "short": short} {
		if _, err := c.Decode([]*commonpb.Payload{p}); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func TestParseKeys(t *testing.T) {
	k1 := strings.Repeat("01", 32)
	k2 := strings.Repeat("AB", 32)
	keys, err := ParseKeys("f", strings.NewReader("# rotated 2024-05\n"+k2+"\n\n  "+k1+"  \n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0][0] != 0xab || keys[1][0] != 0x01 {
		t.Errorf("got %x, want the two keys in file order", keys)
	}
	for name, text := range map[string]string{
		"empty":    "",
		"comments": "# nothing\n",
		"short":    strings.Repeat("01", 31) + "\n",
		"long":     strings.Repeat("01", 33) + "\n",
		"not hex":  strings.Repeat("zz", 32) + "\n",
		"raw":      string(key(1)),
	} {
		if _, err := ParseKeys("f", strings.NewReader(text)); err == nil {
			t.Errorf("%s: accepted %q", name, text)
		}
	}
	if _, err := NewCodec(key(1), key(1)); err == nil {
		t.Error("NewCodec accepted one key listed twice")
	}
}

// TestGeneratedKeyLoads: what GenerateKey writes, LoadCodec reads; and
// Options without a key file give the SDK's defaults.
func TestGeneratedKeyLoads(t *testing.T) {
	line, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "codec.key")
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCodec(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.KeyIDs()) != 1 {
		t.Errorf("key IDs %v, want one", c.KeyIDs())
	}
	if _, err := LoadCodec(t.TempDir()); err == nil {
		t.Error("LoadCodec accepted a directory")
	}
	dc, _, err := Options{}.Converters()
	if err != nil || dc != converter.GetDefaultDataConverter() {
		t.Errorf("no key file: got %v, %v, want the default data converter", dc, err)
	}
}

// TestFailuresAreEncoded: an activity's error message (stderr) is not in
// clear in the failure the server stores, and decodes back whole.
func TestFailuresAreEncoded(t *testing.T) {
	_, fc := Converters(newCodec(t, key(1)))
	f := fc.ErrorToFailure(temporal.NewApplicationError("drbdadm: "+secret, "Command"))
	raw, _ := proto.Marshal(f)
	if bytes.Contains(raw, []byte("pa55-w0rd")) {
		t.Fatalf("the failure holds the message in clear: %v", f)
	}
	var app *temporal.ApplicationError
	if err := fc.FailureToError(f); !errors.As(err, &app) || !strings.Contains(app.Error(), secret) {
		t.Errorf("decoded failure %v, want the message back", err)
	}
}

// BenchmarkCodec is what the codec adds per payload: encode and decode of
// a step's input the size of a probe's result (a cluster.conf, a few KiB).
func BenchmarkCodec(b *testing.B) {
	c := newCodec(b, key(1))
	conf := strings.Repeat(`<clusternode name="storage0a.example.org" nodeid="1" votes="1"/>`+"\n", 64)
	in := []*commonpb.Payload{payload(b, map[string]string{"path": "/etc/cluster/cluster.conf", "content": conf})}
	b.SetBytes(int64(len(in[0].Data)))
	for b.Loop() {
		enc, err := c.Encode(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}
