package connect

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// KeyFileEnv names the key file when no -codec-key-file flag is given.
const KeyFileEnv = "TETSUZUKI_CODEC_KEY_FILE"

// The metadata of a payload the codec encrypted. Any other payload passes
// through Decode untouched: histories written before the codec was turned
// on, and the replay fixtures, still read.
const (
	EncryptedEncoding = "binary/encrypted"
	MetadataKeyID     = "encryption-key-id"
)

// maxKeyFile bounds what a key file may hold: a few dozen keys.
const maxKeyFile = 64 << 10

// Codec encrypts payloads with AES-256-GCM, so that the server's database,
// its logs and anyone reading the namespace without the key see no input,
// result, memo, summary or failure message in clear: probes return whole
// config files, with fence passwords and DRBD shared secrets in them.
//
// It holds one or more keys. It encrypts with the first and decrypts with
// whichever the payload names in its MetadataKeyID, so keys rotate without
// a flag day: put the new key first, restart every process, and drop the
// old line only once no history that needs it is kept.
type Codec struct {
	keys []codecKey
}

type codecKey struct {
	id   string
	aead cipher.AEAD
}

// NewCodec makes a codec from raw 32-byte keys, the first for encryption.
func NewCodec(keys ...[]byte) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("no key")
	}
	c := &Codec{}
	seen := map[string]bool{}
	for i, k := range keys {
		if len(k) != 32 {
			return nil, fmt.Errorf("key %d: %d bytes, want 32 (AES-256)", i+1, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(k)
		if seen[id] {
			return nil, fmt.Errorf("key %d: key %s is listed twice", i+1, id)
		}
		seen[id] = true
		c.keys = append(c.keys, codecKey{id: id, aead: aead})
	}
	return c, nil
}

// KeyID names a key in the payloads it encrypted: the first 8 bytes of its
// SHA-256, in hex. It is derived, not chosen, so two files holding the same
// key always agree, and it says nothing usable about the key.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// ParseKeys reads a key file: one key per line, 64 hex digits (32 random
// bytes, as GenerateKey writes them); blank lines and lines starting with #
// are skipped. The first key encrypts; every key decrypts.
func ParseKeys(name string, r io.Reader) ([][]byte, error) {
	var keys [][]byte
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := hex.DecodeString(line)
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s: line %d: want 64 hex digits (32 bytes), as `starter keygen` writes", name, n)
		}
		keys = append(keys, k)
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no key", name)
	}
	return keys, nil
}

// LoadCodec reads the key file at path; see ParseKeys for its format.
func LoadCodec(path string) (*Codec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("codec key file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("codec key file %s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("codec key file: %w", err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("codec key file %s is larger than %d bytes", path, maxKeyFile)
	}
	keys, err := ParseKeys(path, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return NewCodec(keys...)
}

// GenerateKey returns a new key as a key file line: 64 hex digits and a
// newline.
func GenerateKey() (string, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return "", err
	}
	return hex.EncodeToString(k) + "\n", nil
}

// KeyIDs lists the codec's keys by ID, the encrypting one first.
func (c *Codec) KeyIDs() []string {
	ids := make([]string, len(c.keys))
	for i, k := range c.keys {
		ids[i] = k.id
	}
	return ids
}

// Encode encrypts each payload whole (metadata and data, so the encoding
// of what is inside does not show either) with the first key. The data is
// the nonce followed by the sealed payload; the key ID is bound to it as
// additional data.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	k := c.keys[0]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encrypt payload: %w", err)
		}
		nonceSize := k.aead.NonceSize()
		data := make([]byte, nonceSize, nonceSize+len(plain)+k.aead.Overhead())
		if _, err := rand.Read(data); err != nil {
			return nil, fmt.Errorf("encrypt payload: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(EncryptedEncoding),
				MetadataKeyID:              []byte(k.id),
			},
			Data: k.aead.Seal(data, data, plain, []byte(k.id)),
		}
	}
	return out, nil
}

// Decode decrypts the payloads Encode made, with the key each names, and
// passes any other payload through as it is.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != EncryptedEncoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		var aead cipher.AEAD
		for _, k := range c.keys {
			if k.id == id {
				aead = k.aead
				break
			}
		}
		if aead == nil {
			return nil, fmt.Errorf("decrypt payload: it was encrypted with key %q, which is not in the key file (it holds %s)", id, strings.Join(c.KeyIDs(), ", "))
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, fmt.Errorf("decrypt payload: %d bytes, shorter than a nonce", len(data))
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("decrypt payload with key %s: %w", id, err)
		}
		var dec commonpb.Payload
		if err := proto.Unmarshal(plain, &dec); err != nil {
			return nil, fmt.Errorf("decrypt payload: %w", err)
		}
		out[i] = &dec
	}
	return out, nil
}

// Converters are the data and failure converters a client and its workers
// use: the SDK's defaults, through the codec when it is given. Failures
// are encoded too (message and stack trace, EncodeCommonAttributes), since
// an activity's error carries the command's stderr. A nil codec gives the
// SDK's defaults, unchanged.
func Converters(c *Codec) (converter.DataConverter, converter.FailureConverter) {
	if c == nil {
		return converter.GetDefaultDataConverter(), temporal.GetDefaultFailureConverter()
	}
	dc := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
	return dc, temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: dc, EncodeCommonAttributes: true})
}

// Converters reads the options' key file and returns the converters a
// client dialed with them uses; see the function Converters. Without a key
// file the codec is off.
func (o Options) Converters() (converter.DataConverter, converter.FailureConverter, error) {
	if o.CodecKeyFile == "" {
		dc, fc := Converters(nil)
		return dc, fc, nil
	}
	c, err := LoadCodec(o.CodecKeyFile)
	if err != nil {
		return nil, nil, err
	}
	dc, fc := Converters(c)
	return dc, fc, nil
}
