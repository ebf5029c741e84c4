package poll

import (
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that records a failure instead of stopping the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper()           {}
func (r *recorder) Fatal(args ...any) { r.failed = args[0].(string) }

func TestUntilReturnsWhenTheConditionHoldsAndSaysWhatItAwaitedOtherwise(t *testing.T) {
	n := 0
	Until(t, 0, "three calls", func() bool { n++; return n == 3 })
	if n != 3 {
		t.Fatalf("polled %d times", n)
	}
	r := &recorder{TB: t}
	Until(r, 10*time.Millisecond, "a phone to ring", func() bool { return false }, func() string { return "live: none" })
	if !strings.Contains(r.failed, "timed out waiting for a phone to ring; live: none") {
		t.Fatalf("failure: %q", r.failed)
	}
}
