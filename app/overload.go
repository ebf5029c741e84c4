package app

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// Overload: callers never pay for ours. A filtered call is set up (decided, its legs
// created) within a deadline, and only so many calls are set up at once; a call waits
// for a setup slot only until its deadline, and a call that cannot be set up in time is
// continued in the dialplan at once (the executive's own Dial) instead of waiting in our
// queue, journaled overload:continued and counted. The deadline is wall time, as it bounds Asterisk's
// REST latency and our queueing, not a policy timer.
const (
	defaultSetupLimit    = 256
	defaultSetupDeadline = 2 * time.Second
)

// A call waits for a setup slot at most half its deadline: a caller beyond what
// we can set up in time is better continued now than after the whole deadline.
const slotWaitShare = 2

// setupGate holds the setup slots; shared by every session (a semaphore and atomics).
type setupGate struct {
	slots    chan struct{}
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
	return &setupGate{slots: make(chan struct{}, limit), deadline: deadline}
}

// enter waits for a setup slot (at most half the deadline, and never past ctx,
// the call's setup deadline) and says why not; leave must follow an admission.
func (g *setupGate) enter(ctx context.Context) (why string) {
	select {
	case g.slots <- struct{}{}:
		g.inFlight.Add(1)
		return ""
	default:
	}
	wait := time.NewTimer(g.deadline / slotWaitShare)
	defer wait.Stop()
	select {
	case g.slots <- struct{}{}:
		g.inFlight.Add(1)
		return ""
	case <-wait.C:
	case <-ctx.Done():
	}
	return fmt.Sprintf("no setup slot free within %s (%d calls were being set up)", g.deadline/slotWaitShare, cap(g.slots))
}

func (g *setupGate) leave() {
	g.inFlight.Add(-1)
	<-g.slots
}

// setupContext bounds a call's setup: REST calls made for it end at the deadline, counted
// from when the call reached execassist.
func (g *setupGate) setupContext(ctx context.Context, arrived time.Time) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, arrived.Add(g.deadline))
}
