package activities

import (
	"os"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

// The activity tests run the real exec path against the lab's tools, built
// once for the package.
func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }
