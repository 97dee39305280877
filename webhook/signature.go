package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SignatureHeader carries a request's signature: the Unix time it was
// signed at and one or more HMAC-SHA256s, in hex, of that time, a dot and
// the exact body, each with one of the sender's secrets:
//
//	Tetsuzuki-Signature: t=1733480000,v1=5f0c...,v1=9a41...
//
// Several v1 let a sender sign with an old and a new secret while a
// rotation is under way. The change records the webhook posts back carry
// the same header, made with the ticketing system's callback secret.
const SignatureHeader = "Tetsuzuki-Signature"

// Tolerance is how far a signature's time may be from the receiver's
// clock, either way: older is a replay or a stuck queue, newer a wrong
// clock.
const Tolerance = 5 * time.Minute

// maxSignatures bounds the v1 entries one header may carry.
const maxSignatures = 8

// Sign is the header value that signs body at t with secret.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// signed is a header value taken apart.
type signed struct {
	ts   string
	at   time.Time
	sigs [][]byte
}

// parseSignature reads a header value strictly: exactly one t, one to
// maxSignatures v1 of 64 hex digits, nothing else.
func parseSignature(v string) (signed, *Error) {
	bad := func(why string) (signed, *Error) {
		return signed{}, refuse(http.StatusUnauthorized, CodeBadSignature, SignatureHeader, "%s; want t=<unix seconds>,v1=<hex HMAC-SHA256>", why)
	}
	if v == "" {
		return signed{}, refuse(http.StatusUnauthorized, CodeNoSignature, SignatureHeader, "every request is signed: t=<unix seconds>,v1=<hex HMAC-SHA256 of t, '.', body>")
	}
	if len(v) > 64+maxSignatures*70 {
		return bad("too long")
	}
	var s signed
	for part := range strings.SplitSeq(v, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok:
			return bad("a part without '='")
		case key == "t":
			if s.ts != "" {
				return bad("two timestamps")
			}
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || n <= 0 || val[0] == '0' || len(val) > 12 || strings.Trim(val, "0123456789") != "" {
				return bad("t is not a Unix time in seconds")
			}
			s.ts, s.at = val, time.Unix(n, 0)
		case key == "v1":
			sig, err := hex.DecodeString(val)
			if err != nil || len(sig) != sha256.Size {
				return bad("v1 is not 64 hex digits")
			}
			if len(s.sigs) == maxSignatures {
				return bad("too many v1")
			}
			s.sigs = append(s.sigs, sig)
		default:
			return bad("unknown part " + strconv.Quote(key))
		}
	}
	if s.ts == "" || len(s.sigs) == 0 {
		return bad("t and v1 are both required")
	}
	return s, nil
}

// verify finds the secret that signed body, checking the time first. It
// returns the secret and every signature of the header, which the replay
// cache remembers: a sender signing with two secrets during a rotation
// sends two signatures of one request, and either alone must not make it
// new again.
func verify(header string, body []byte, now time.Time, secrets []*Secret) (*Secret, []string, *Error) {
	s, err := parseSignature(header)
	if err != nil {
		return nil, nil, err
	}
	if d := now.Sub(s.at); d > Tolerance || d < -Tolerance {
		return nil, nil, refuse(http.StatusUnauthorized, CodeStale, SignatureHeader,
			"signed at %s, %s from this server's clock; at most %s either way", s.at.UTC().Format(time.RFC3339), d.Round(time.Second), Tolerance)
	}
	for _, sec := range secrets {
		want := mac(sec.key, s.ts, body)
		for _, sig := range s.sigs {
			if hmac.Equal(sig, want) {
				seen := make([]string, len(s.sigs))
				for i, sig := range s.sigs {
					seen[i] = s.ts + ":" + hex.EncodeToString(sig)
				}
				return sec, seen, nil
			}
		}
	}
	return nil, nil, refuse(http.StatusUnauthorized, CodeBadSignature, SignatureHeader, "no active secret signed this body at this time")
}

// replays remembers the signatures it has seen until they are too old to
// pass the time check, so that a captured request sent again is refused.
// It is bounded: when full of signatures still in their window it refuses
// new ones (fail closed) rather than forgetting one that could come back.
type replays struct {
	mu   sync.Mutex
	max  int
	seen map[string]time.Time // signature → when it stops mattering
}

func newReplays(max int) *replays {
	return &replays{max: max, seen: make(map[string]time.Time)}
}

// first records the signatures of one request, seen at now, and says
// whether they are new: none of them was seen before.
func (r *replays) first(sigs []string, now time.Time) *Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, sig := range sigs {
		if _, ok := r.seen[sig]; ok {
			return refuse(http.StatusConflict, CodeReplayed, SignatureHeader, "this signature was used before: sign each delivery anew")
		}
	}
	if len(r.seen)+len(sigs) > r.max {
		for s, until := range r.seen {
			if now.After(until) {
				delete(r.seen, s)
			}
		}
		if len(r.seen)+len(sigs) > r.max {
			return refuse(http.StatusTooManyRequests, CodeBusy, "", "%d signatures seen in the last %s: try again later", r.max, 2*Tolerance)
		}
	}
	// A signature's time is within Tolerance of now, so it cannot pass
	// the time check after now+2*Tolerance.
	for _, sig := range sigs {
		r.seen[sig] = now.Add(2 * Tolerance)
	}
	return nil
}
