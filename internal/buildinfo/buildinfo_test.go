package buildinfo

import (
	"strings"
	"testing"
)

// TestTheVersionLineSaysWhatIsKnown: an unstamped build says (devel) and unknown, never
// empty parentheses; a stamped one says its version, commit and date.
func TestTheVersionLineSaysWhatIsKnown(t *testing.T) {
	if s := Read().String(); !strings.HasPrefix(s, "execassist ") || strings.Contains(s, "()") || strings.Contains(s, "  ") {
		t.Errorf("unstamped: %q", s)
	}
	version, commit, date = "v1.2.3", "abc123", "2026-12-03T00:00:00Z"
	defer func() { version, commit, date = "", "", "" }()
	in := Read()
	if got := in.String(); !strings.HasPrefix(got, "execassist v1.2.3 (commit abc123, built 2026-12-03T00:00:00Z, go") {
		t.Errorf("stamped: %q", got)
	}
}
