// Package testskip is how a test says it cannot run here (no ../shared beside the
// checkout, no Chromium): the skip is counted and the package's test run ends with one
// line per reason, so that no test is skipped silently; under CI (CI set) the missing
// part is an error instead, as CI installs or provides everything.
package testskip

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
)

var (
	mu      sync.Mutex
	reasons = map[string]int{}
)

// Skip skips t for why, or fails it under CI.
func Skip(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI must run this test, but %s", why)
	}
	mu.Lock()
	reasons[why]++
	mu.Unlock()
	t.Skip(why)
}

// Optional skips t for why, counted, also under CI: for what a machine of the CI's kind
// may lack and CI does not install (root to mount a tmpfs, a FIFO).
func Optional(t testing.TB, why string) {
	t.Helper()
	mu.Lock()
	reasons[why]++
	mu.Unlock()
	t.Skip(why)
}

// Main runs the package's tests (call it from TestMain) and prints how many were
// skipped, and why.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	whys := make([]string, 0, len(reasons))
	for why := range reasons {
		whys = append(whys, why)
	}
	sort.Strings(whys)
	for _, why := range whys {
		fmt.Fprintf(os.Stderr, "skipped %d tests: %s\n", reasons[why], why)
	}
	return code
}
