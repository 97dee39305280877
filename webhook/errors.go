package webhook

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error is a refused request: the HTTP status, a code a program can act
// on, the request field it is about (when there is one) and a sentence
// for a person. Every refusal is one, and nothing has started when it is
// returned.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"error"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return e.Code + ": " + e.Message
}

// The codes of refusals.
const (
	CodeTooLarge     = "body_too_large"
	CodeContentType  = "unsupported_content_type"
	CodeNoSignature  = "missing_signature"
	CodeBadSignature = "bad_signature"
	CodeStale        = "stale_timestamp"
	CodeReplayed     = "replayed_signature"
	CodeBusy         = "replay_cache_full"
	CodeUnknownField = "unknown_field"
	CodeBadField     = "bad_field"
	CodeBadJSON      = "bad_json"
	CodeNotAllowed   = "not_allowed"
	CodeNotFound     = "not_found"
	CodeConflict     = "conflict"
	CodeNotWaiting   = "not_waiting"
	CodeMethod       = "method_not_allowed"
	CodeOverloaded   = "overloaded"
	CodeUpstream     = "temporal_unavailable"
)

func refuse(status int, code, field, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

func badField(field, format string, args ...any) *Error {
	return refuse(http.StatusBadRequest, CodeBadField, field, format, args...)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeError answers with a refusal.
func writeError(w http.ResponseWriter, e *Error) { writeJSON(w, e.Status, e) }
