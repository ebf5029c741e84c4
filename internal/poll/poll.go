// Package poll waits in tests for something another goroutine or process brings about
// (a phone rings, a row appears, a store changes): the one wait loop every test
// package shares, so that a timeout always says what was awaited.
package poll

import (
	"testing"
	"time"
)

// Timeout is how long Until waits by default: long enough for a loaded CI machine
// running the race detector, short enough that a hung test says why.
const Timeout = 10 * time.Second

// Until polls f every 2 ms until it holds, and fails the test after within (Timeout if
// 0) with "timed out waiting for <what>", followed by detail() when given (the state a
// reader needs to see why).
func Until(tb testing.TB, within time.Duration, what string, f func() bool, detail ...func() string) {
	tb.Helper()
	if within <= 0 {
		within = Timeout
	}
	deadline := time.Now().Add(within)
	for !f() {
		if time.Now().After(deadline) {
			msg := "timed out waiting for " + what
			for _, d := range detail {
				msg += "; " + d()
			}
			tb.Fatal(msg)
			return // a TB whose Fatal returns (a recorder) must not keep us polling
		}
		time.Sleep(2 * time.Millisecond)
	}
}
