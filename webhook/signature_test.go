package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test request secrets: the current one and the one a rotation adds.
var (
	secretOld = &Secret{ID: "jira-old", key: []byte("0123456789abcdef0123456789abcdef-old"), procedures: []string{"*"}, runbooks: []string{"*"}}
	secretNew = &Secret{ID: "jira-new", key: []byte("fedcba9876543210fedcba9876543210-new"), procedures: []string{"*"}, runbooks: []string{"*"}}
)

// signedAt is when the test requests are signed.
var signedAt = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

// v1 is the v1 part of a header signing body at t with s.
func v1(s *Secret, t time.Time, body []byte) string {
	_, sig, _ := strings.Cut(Sign(s.key, t, body), ",")
	return sig
}

// wantError fails unless e is a refusal with status, code and field.
func wantError(t *testing.T, e *Error, status int, code, field string) {
	t.Helper()
	if e == nil {
		t.Fatalf("accepted; want %d %s (field %q)", status, code, field)
	}
	if e.Status != status || e.Code != code || e.Field != field {
		t.Fatalf("got %d %s (field %q): %s; want %d %s (field %q)", e.Status, e.Code, e.Field, e.Message, status, code, field)
	}
}

func TestSignVerify(t *testing.T) {
	body := []byte(minimalRequest)
	h := Sign(secretOld.key, signedAt, body)
	if want := "t=" + strconv.FormatInt(signedAt.Unix(), 10) + ",v1="; !strings.HasPrefix(h, want) || len(h) != len(want)+64 {
		t.Fatalf("Sign = %q; want %s<64 hex digits>", h, want)
	}
	sec, sigs, e := verify(h, body, signedAt, []*Secret{secretOld})
	if e != nil {
		t.Fatal(e)
	}
	if sec != secretOld || len(sigs) != 1 {
		t.Fatalf("verified by %v with %v; want %s and one signature", sec, sigs, secretOld.ID)
	}
	// The signature is HMAC-SHA256 of the time, a dot and the body, as a
	// sender in any language computes it.
	m := hmac.New(sha256.New, secretOld.key)
	m.Write([]byte(strconv.FormatInt(signedAt.Unix(), 10) + "." + minimalRequest))
	if want := "t=" + strconv.FormatInt(signedAt.Unix(), 10) + ",v1=" + hex.EncodeToString(m.Sum(nil)); h != want {
		t.Fatalf("Sign = %q; want %q", h, want)
	}
	// The same request is the same signature: the replay cache's key.
	_, again, _ := verify(h, body, signedAt.Add(time.Minute), []*Secret{secretOld})
	if again[0] != sigs[0] {
		t.Fatalf("one header, two keys: %q, %q", sigs[0], again[0])
	}
}

func TestVerifyOtherBody(t *testing.T) {
	body := []byte(minimalRequest)
	h := Sign(secretOld.key, signedAt, body)
	for i := range body {
		other := []byte(minimalRequest)
		other[i] ^= 1
		_, _, e := verify(h, other, signedAt, []*Secret{secretOld})
		wantError(t, e, http.StatusUnauthorized, CodeBadSignature, SignatureHeader)
	}
	_, _, e := verify(h, append(body, ' '), signedAt, []*Secret{secretOld})
	wantError(t, e, http.StatusUnauthorized, CodeBadSignature, SignatureHeader)
	// Nor may the time change: it is signed too.
	moved := strings.Replace(h, strconv.FormatInt(signedAt.Unix(), 10), strconv.FormatInt(signedAt.Unix()+1, 10), 1)
	_, _, e = verify(moved, body, signedAt, []*Secret{secretOld})
	wantError(t, e, http.StatusUnauthorized, CodeBadSignature, SignatureHeader)
	// A secret not configured signs nothing.
	_, _, e = verify(h, body, signedAt, []*Secret{secretNew})
	wantError(t, e, http.StatusUnauthorized, CodeBadSignature, SignatureHeader)
}

func TestVerifyRotation(t *testing.T) {
	body := []byte(minimalRequest)
	both := []*Secret{secretOld, secretNew}
	for _, s := range both {
		sec, _, e := verify(Sign(s.key, signedAt, body), body, signedAt, both)
		if e != nil || sec != s {
			t.Fatalf("signed with %s: verified by %v, %v", s.ID, sec, e)
		}
	}
	ts := "t=" + strconv.FormatInt(signedAt.Unix(), 10)
	// A sender signing with both, in either order.
	for _, h := range []string{
		ts + "," + v1(secretOld, signedAt, body) + "," + v1(secretNew, signedAt, body),
		ts + "," + v1(secretNew, signedAt, body) + "," + v1(secretOld, signedAt, body),
	} {
		if _, sigs, e := verify(h, body, signedAt, []*Secret{secretNew}); e != nil || len(sigs) != 2 {
			t.Fatalf("%s: %v, %v", h, sigs, e)
		}
	}
	// One good v1 among others that sign nothing.
	garbage := "v1=" + strings.Repeat("ab", 32)
	h := ts + "," + garbage + "," + v1(secretNew, signedAt, body) + "," + garbage
	if sec, _, e := verify(h, body, signedAt, both); e != nil || sec != secretNew {
		t.Fatalf("%s: %v, %v", h, sec, e)
	}
	// The header's parts may come in any order, with spaces after commas.
	h = v1(secretOld, signedAt, body) + ", " + ts
	if _, _, e := verify(h, body, signedAt, both); e != nil {
		t.Fatalf("%s: %v", h, e)
	}
	// A dropped secret no longer verifies.
	_, _, e := verify(Sign(secretOld.key, signedAt, body), body, signedAt, []*Secret{secretNew})
	wantError(t, e, http.StatusUnauthorized, CodeBadSignature, SignatureHeader)
}

func TestVerifyTolerance(t *testing.T) {
	body := []byte(minimalRequest)
	h := Sign(secretOld.key, signedAt, body)
	for _, c := range []struct {
		now   time.Time
		stale bool
	}{
		{signedAt, false},
		{signedAt.Add(Tolerance), false},
		{signedAt.Add(Tolerance + time.Second), true},
		{signedAt.Add(-Tolerance), false},
		{signedAt.Add(-Tolerance - time.Second), true},
		{signedAt.Add(24 * time.Hour), true},
		{signedAt.Add(-24 * time.Hour), true},
	} {
		_, _, e := verify(h, body, c.now, []*Secret{secretOld})
		if !c.stale && e != nil {
			t.Errorf("checked %s after signing: %v", c.now.Sub(signedAt), e)
		}
		if c.stale {
			if e == nil || e.Status != http.StatusUnauthorized || e.Code != CodeStale || e.Field != SignatureHeader {
				t.Errorf("checked %s after signing: %v; want 401 %s", c.now.Sub(signedAt), e, CodeStale)
			}
		}
	}
	// The time is checked before the signature: a stale request with a
	// bad signature says stale, which tells the sender to fix its clock.
	_, _, e := verify(Sign(secretNew.key, signedAt, body), body, signedAt.Add(time.Hour), []*Secret{secretOld})
	wantError(t, e, http.StatusUnauthorized, CodeStale, SignatureHeader)
}

func TestParseSignatureMalformed(t *testing.T) {
	body := []byte(minimalRequest)
	ts := strconv.FormatInt(signedAt.Unix(), 10)
	sig := v1(secretOld, signedAt, body)
	hexSig := strings.TrimPrefix(sig, "v1=")
	// signedAs is a header whose v1 signs body at the t it gives, however
	// it spells it: only the spelling is wrong.
	signedAs := func(t string) string {
		return "t=" + t + ",v1=" + hex.EncodeToString(mac(secretOld.key, t, body))
	}
	for _, c := range []struct{ name, header string }{
		{"no t", sig},
		{"no v1", "t=" + ts},
		{"two t", "t=" + ts + ",t=" + ts + "," + sig},
		{"t leading zero", signedAs("0" + ts)},
		{"t plus", signedAs("+" + ts)},
		{"t negative", signedAs("-" + ts)},
		{"t zero", signedAs("0")},
		{"t milliseconds", signedAs(ts + "000")},
		{"t fraction", signedAs(ts + ".5")},
		{"t space", signedAs(ts[:3] + " " + ts[3:])},
		{"t empty", signedAs("")},
		{"t RFC 3339", signedAs(signedAt.Format(time.RFC3339))},
		{"v1 not hex", "t=" + ts + ",v1=" + strings.Repeat("zz", 32)},
		{"v1 short", "t=" + ts + ",v1=" + hexSig[:62]},
		{"v1 long", "t=" + ts + ",v1=" + hexSig + "00"},
		{"v1 odd", "t=" + ts + ",v1=" + hexSig[:63]},
		{"v1 empty", "t=" + ts + ",v1="},
		{"v1 base64", "t=" + ts + ",v1=X/Zz3hX0HNLx5RrzAsnfJwxVo4u3P8DUMT3QkREZgRE="},
		{"unknown part", "t=" + ts + "," + sig + ",v0=" + hexSig},
		{"scheme v2", "t=" + ts + ",v2=" + hexSig},
		{"part without =", "t=" + ts + "," + sig + ",x"},
		{"empty part", "t=" + ts + ",," + sig},
		{"key other case", "T=" + ts + "," + sig},
		{"too many v1", "t=" + ts + strings.Repeat(","+sig, maxSignatures+1)},
		{"huge", "t=" + ts + "," + sig + strings.Repeat(" ", 100<<10)},
		{"huge v1", "t=" + ts + ",v1=" + strings.Repeat("ab", 1<<10)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, e := verify(c.header, body, signedAt, []*Secret{secretOld})
			wantError(t, e, http.StatusUnauthorized, CodeBadSignature, SignatureHeader)
		})
	}
	_, _, e := verify("", body, signedAt, []*Secret{secretOld})
	wantError(t, e, http.StatusUnauthorized, CodeNoSignature, SignatureHeader)
	// As many v1 as allowed are taken, the good one last.
	h := "t=" + ts + strings.Repeat(",v1="+strings.Repeat("00", 32), maxSignatures-1) + "," + sig
	if _, _, e := verify(h, body, signedAt, []*Secret{secretOld}); e != nil {
		t.Fatalf("%d v1: %v", maxSignatures, e)
	}
	// Hex digits in upper case are hex digits.
	h = "t=" + ts + ",v1=" + strings.ToUpper(hexSig)
	if _, _, e := verify(h, body, signedAt, []*Secret{secretOld}); e != nil {
		t.Fatalf("upper case: %v", e)
	}
}

func TestReplays(t *testing.T) {
	body := []byte(minimalRequest)
	r := newReplays(4)
	h := Sign(secretOld.key, signedAt, body)
	_, sigs, e := verify(h, body, signedAt, []*Secret{secretOld})
	if e != nil {
		t.Fatal(e)
	}
	if e := r.first(sigs, signedAt); e != nil {
		t.Fatalf("first use: %v", e)
	}
	wantError(t, r.first(sigs, signedAt.Add(time.Second)), http.StatusConflict, CodeReplayed, SignatureHeader)
	// The same signature in upper case is the same signature.
	upper := strings.Replace(h, strings.TrimPrefix(v1(secretOld, signedAt, body), "v1="), strings.ToUpper(strings.TrimPrefix(v1(secretOld, signedAt, body), "v1=")), 1)
	_, sigs, e = verify(upper, body, signedAt, []*Secret{secretOld})
	if e != nil {
		t.Fatal(e)
	}
	wantError(t, r.first(sigs, signedAt.Add(time.Second)), http.StatusConflict, CodeReplayed, SignatureHeader)
	// Nor does a v1 that signs nothing, added to the header, make it new.
	_, sigs, e = verify(h+",v1="+strings.Repeat("00", 32), body, signedAt, []*Secret{secretOld})
	if e != nil {
		t.Fatal(e)
	}
	wantError(t, r.first(sigs, signedAt.Add(time.Second)), http.StatusConflict, CodeReplayed, SignatureHeader)
}

// TestReplaysRotation: a request signed with both secrets of a rotation
// is used once, not once per signature.
func TestReplaysRotation(t *testing.T) {
	body := []byte(minimalRequest)
	both := []*Secret{secretOld, secretNew}
	ts := "t=" + strconv.FormatInt(signedAt.Unix(), 10)
	r := newReplays(16)
	_, sigs, e := verify(ts+","+v1(secretOld, signedAt, body)+","+v1(secretNew, signedAt, body), body, signedAt, both)
	if e != nil {
		t.Fatal(e)
	}
	if e := r.first(sigs, signedAt); e != nil {
		t.Fatal(e)
	}
	for _, s := range both {
		_, sigs, e := verify(ts+","+v1(s, signedAt, body), body, signedAt, both)
		if e != nil {
			t.Fatal(e)
		}
		wantError(t, r.first(sigs, signedAt.Add(time.Second)), http.StatusConflict, CodeReplayed, SignatureHeader)
	}
	// Nor once the receiver drops the old secret, or only then adds the new.
	for _, s := range both {
		_, sigs, e := verify(ts+","+v1(s, signedAt, body), body, signedAt, []*Secret{s})
		if e != nil {
			t.Fatal(e)
		}
		wantError(t, r.first(sigs, signedAt.Add(time.Second)), http.StatusConflict, CodeReplayed, SignatureHeader)
	}
}

func TestReplaysCapacity(t *testing.T) {
	r := newReplays(3)
	sig := func(i int) []string { return []string{fmt.Sprintf("%d:%064x", signedAt.Unix(), i)} }
	for i := range 3 {
		if e := r.first(sig(i), signedAt.Add(time.Duration(i)*time.Minute)); e != nil {
			t.Fatalf("signature %d: %v", i, e)
		}
	}
	// Full of signatures still in their window: fail closed, and what was
	// refused is not remembered.
	wantError(t, r.first(sig(3), signedAt.Add(2*time.Minute)), http.StatusTooManyRequests, CodeBusy, "")
	wantError(t, r.first(sig(3), signedAt.Add(2*Tolerance)), http.StatusTooManyRequests, CodeBusy, "")
	// A seen signature is still a replay, not "busy".
	wantError(t, r.first(sig(1), signedAt.Add(2*time.Minute)), http.StatusConflict, CodeReplayed, SignatureHeader)
	// Ten minutes and a moment after the first was seen, it has expired:
	// it makes room, and the others stay.
	now := signedAt.Add(2*Tolerance + time.Second)
	if e := r.first(sig(3), now); e != nil {
		t.Fatalf("after the first expired: %v", e)
	}
	wantError(t, r.first(sig(1), now), http.StatusConflict, CodeReplayed, SignatureHeader)
	wantError(t, r.first(sig(4), now), http.StatusTooManyRequests, CodeBusy, "")
	// Once all have expired, the cache takes as many again.
	later := now.Add(2*Tolerance + time.Second)
	for i := 10; i < 13; i++ {
		if e := r.first(sig(i), later); e != nil {
			t.Fatalf("signature %d, later: %v", i, e)
		}
	}
	if len(r.seen) != 3 {
		t.Fatalf("%d remembered; want 3", len(r.seen))
	}
	// An expired signature that comes back is not a replay the cache
	// need catch: the time check refuses it.
	if _, _, e := verify(Sign(secretOld.key, signedAt, []byte("{}")), []byte("{}"), later, []*Secret{secretOld}); e == nil || e.Code != CodeStale {
		t.Fatalf("an expired signature's request: %v; want %s", e, CodeStale)
	}
}
