package activities

// The names below are the result types that Change replaced. workflows/ and
// e2e/ still use them; they go once those switch to Change. The JSON of
// each is unchanged ({"changed": ...}), so recorded histories replay.
type (
	ServiceResult     = Change
	DiskResult        = Change
	GNBDServeResult   = Change
	RestoreFileResult = Change
)

// CreateResult is what CreateClusterConf returned before Change, with the
// key "created". No workflow reads that result (its steps run with a nil
// result), so CreateClusterConf now returns Change; this type stays only
// for workflows_test.go, which stubs the activity with it.
//
// Deprecated: use Change.
type CreateResult struct {
	Created bool `json:"created"`
}
