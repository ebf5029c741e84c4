package api

import (
	"os"
	"testing"

	"github.com/execassist/execassist/internal/testskip"
)

// TestMain ends the run with a line per reason tests were skipped.
func TestMain(m *testing.M) { os.Exit(testskip.Main(m)) }
