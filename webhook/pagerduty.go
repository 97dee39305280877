package webhook

import (
	"errors"
	"net/http"
	"time"
)

// PagerDutyConfig switches on the PagerDuty adapter (to be filled in).
type PagerDutyConfig struct{}

// PagerDuty is the loaded adapter.
type PagerDuty struct{}

func (c *PagerDutyConfig) load(rel func(string) string) (*PagerDuty, error) {
	return nil, errors.New("not yet supported")
}

// Request verifies a PagerDuty delivery and maps it onto a RunRequest.
func (p *PagerDuty) Request(h http.Header, body []byte, now time.Time) (RunRequest, *Secret, *Error) {
	return RunRequest{}, nil, refuse(http.StatusNotFound, CodeNotFound, "", "the PagerDuty adapter is not configured")
}
