package app

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// Overload: callers never pay for ours. A filtered call is set up (decided, its legs
// created) within a deadline, and only so many calls are set up at once; a call that
// cannot be set up in time, or arrives while the limit is reached, is continued in the
// dialplan at once (the executive's own Dial) instead of waiting in our queue, journaled
// overload:continued and counted. The deadline is wall time, as it bounds Asterisk's
// REST latency and our queueing, not a policy timer.
const (
	defaultSetupLimit    = 64
	defaultSetupDeadline = 2 * time.Second
)

// setupGate counts the calls being set up; shared by every session (atomics only).
type setupGate struct {
	limit    int64
	deadline time.Duration
	inFlight atomic.Int64
	// continued counts calls continued for overload (a metric).
	continued atomic.Int64
}

func newSetupGate(limit int, deadline time.Duration) *setupGate {
	if limit <= 0 {
		limit = defaultSetupLimit
	}
	if deadline <= 0 {
		deadline = defaultSetupDeadline
	}
	return &setupGate{limit: int64(limit), deadline: deadline}
}

// enter admits a call to setup, or says why not; leave must follow an admission.
func (g *setupGate) enter() (why string) {
	if n := g.inFlight.Add(1); n > g.limit {
		g.inFlight.Add(-1)
		return fmt.Sprintf("%d calls are being set up already (the limit)", g.limit)
	}
	return ""
}

func (g *setupGate) leave() { g.inFlight.Add(-1) }

// setupContext bounds a call's setup: REST calls made for it end at the deadline, counted
// from when the call reached execassist.
func (g *setupGate) setupContext(ctx context.Context, arrived time.Time) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, arrived.Add(g.deadline))
}
