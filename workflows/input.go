package workflows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"go.temporal.io/sdk/workflow"
)

// Every workflow input, and the approval a person sends, is decoded
// strictly: an unknown field (a typo such as "cluster" for "clusters",
// which would otherwise widen the run to every cluster), a value of the
// wrong JSON type, a list naming one thing twice or a part over its size
// limit is a BadInput naming the field, before any host is touched.
//
// The decoding itself never fails: an input the SDK cannot decode fails
// the run's first workflow task, which the server retries forever. So
// UnmarshalJSON keeps the problem beside the input, and the workflow's
// first step reports it.

// decoding is embedded in every input: the problem its decoding found.
type decoding struct {
	problem error
}

// strict decodes data into v, a pointer to an input's plain type (one
// without the UnmarshalJSON that calls strict), and returns what is wrong
// with it; what is well-formed is decoded either way.
func strict(data []byte, v any) error {
	_ = json.Unmarshal(data, v)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSON(err)
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// describeJSON names the field a JSON decoding error is about, in the
// words of the request rather than of Go.
func describeJSON(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "the input"
		}
		return fmt.Errorf("%s: %s where %s belongs", field, article(typeErr.Value), jsonKind(typeErr.Type))
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("not JSON: %v (at byte %d)", syntaxErr, syntaxErr.Offset)
	}
	if field, ok := bytes.CutPrefix([]byte(err.Error()), []byte("json: unknown field ")); ok {
		return fmt.Errorf("unknown field %s", field)
	}
	return fmt.Errorf("the input: %v", err)
}

func article(jsonValue string) string {
	switch jsonValue {
	case "array", "object":
		return "an " + jsonValue
	case "string", "number", "bool":
		return "a " + jsonValue
	}
	return jsonValue
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "an array of " + jsonKind(t.Elem())[2:] + "s"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// unique refuses a list that names one thing twice: each would start the
// same child workflow.
func unique(field string, list []string) error {
	for i, v := range list {
		if slices.Contains(list[:i], v) {
			return fmt.Errorf("%s: %q named twice", field, v)
		}
	}
	return nil
}

// firstOf returns the first problem found.
func firstOf(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// refuseBadInput is the first step of every workflow: a request its
// decoding found wrong is a BadInput. A run started before inputs were
// checked (and its replay) goes on as it did.
func refuseBadInput(ctx workflow.Context, r decoding) error {
	if r.problem == nil || !since(ctx, strictInputs) {
		return nil
	}
	return badRequest("%v", r.problem)
}

func (in *FormClustersInput) UnmarshalJSON(b []byte) error {
	type plain FormClustersInput
	err := strict(b, (*plain)(in))
	in.problem = firstOf(err, in.Ref.Check(), unique("clusters", in.Clusters))
	return nil
}

func (in *ClusterBootstrapInput) UnmarshalJSON(b []byte) error {
	type plain ClusterBootstrapInput
	in.problem = firstOf(strict(b, (*plain)(in)), in.Ref.Check())
	return nil
}

func (in *NodeJoinInput) UnmarshalJSON(b []byte) error {
	type plain NodeJoinInput
	in.problem = firstOf(strict(b, (*plain)(in)), in.Ref.Check())
	return nil
}

func (in *HostInput) UnmarshalJSON(b []byte) error {
	type plain HostInput
	in.problem = firstOf(strict(b, (*plain)(in)), in.Ref.Check())
	return nil
}

func (in *DRBDPairInput) UnmarshalJSON(b []byte) error {
	type plain DRBDPairInput
	in.problem = firstOf(strict(b, (*plain)(in)), in.Ref.Check())
	return nil
}

func (in *ClientBatchInput) UnmarshalJSON(b []byte) error {
	type plain ClientBatchInput
	err := strict(b, (*plain)(in))
	in.problem = firstOf(err, in.Ref.Check(), unique("hosts", in.Hosts))
	return nil
}

func (in *SurveyInput) UnmarshalJSON(b []byte) error {
	type plain SurveyInput
	err := strict(b, (*plain)(in))
	in.problem = firstOf(err, in.Ref.Check(), unique("hosts", in.Hosts))
	return nil
}

func (in *StorageLayerInput) UnmarshalJSON(b []byte) error {
	type plain StorageLayerInput
	in.problem = firstOf(strict(b, (*plain)(in)), in.Ref.Check())
	return nil
}

func (in *RunbookInput) UnmarshalJSON(b []byte) error {
	type plain RunbookInput
	in.problem = firstOf(strict(b, (*plain)(in)), in.Ref.Check())
	return nil
}

func (in *ExpandCapacityInput) UnmarshalJSON(b []byte) error {
	type plain ExpandCapacityInput
	err := strict(b, (*plain)(in))
	in.problem = firstOf(err, in.Ref.Check(), unique("clusters", in.Clusters))
	return nil
}

// The free text of an approval is bounded: it is printed and recorded.
const maxReason = 512

func (r *ApprovalRequest) UnmarshalJSON(b []byte) error {
	type plain ApprovalRequest
	err := strict(b, (*plain)(r))
	if err == nil && len(r.Reason) > maxReason {
		err = fmt.Errorf("reason: %d bytes, at most %d", len(r.Reason), maxReason)
	}
	if err == nil && len(r.Step) > 256 {
		err = fmt.Errorf("step: %d bytes, at most 256", len(r.Step))
	}
	r.problem = err
	return nil
}
