package workflows

import "go.temporal.io/sdk/temporal"

// The custom search attributes runs carry, so that the Web UI and
// `temporal workflow list --query` find them: which runbook a run is of,
// and what a check found. Their names are protocol; a server knows them
// only once they are created (SearchAttributes).
var (
	// RunbookAttr is the runbook's name: set by schedules and by the
	// checks on their runs.
	RunbookAttr = temporal.NewSearchAttributeKeyKeyword("TetsuzukiRunbook")
	// FindingsAttr is how many findings a check reported.
	FindingsAttr = temporal.NewSearchAttributeKeyInt64("TetsuzukiFindings")
	// SeverityAttr is the worst severity a check found, "" when none.
	SeverityAttr = temporal.NewSearchAttributeKeyKeyword("TetsuzukiWorstSeverity")
)

// SearchAttribute is one custom search attribute as a server is told of
// it: `temporal server start-dev --search-attribute NAME=TYPE`, or
// `temporal operator search-attribute create --name NAME --type TYPE`.
type SearchAttribute struct{ Name, Type string }

// SearchAttributes lists every custom search attribute, in a fixed order.
func SearchAttributes() []SearchAttribute {
	return []SearchAttribute{
		{RunbookAttr.GetName(), "Keyword"},
		{FindingsAttr.GetName(), "Int"},
		{SeverityAttr.GetName(), "Keyword"},
		{TicketAttr.GetName(), "Keyword"},
	}
}
