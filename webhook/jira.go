package webhook

import (
	"errors"
	"net/http"
	"time"
)

// JiraConfig switches on the Jira adapter (to be filled in).
type JiraConfig struct{}

// PagerDuty is the loaded adapter.
type Jira struct{}

func (c *JiraConfig) load(rel func(string) string) (*Jira, error) {
	return nil, errors.New("not yet supported")
}

// Request verifies a Jira delivery and maps it onto a RunRequest.
func (p *Jira) Request(h http.Header, body []byte, now time.Time) (RunRequest, *Secret, *Error) {
	return RunRequest{}, nil, refuse(http.StatusNotFound, CodeNotFound, "", "the Jira adapter is not configured")
}
