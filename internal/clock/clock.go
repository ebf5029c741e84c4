// Package clock lets every timer in execassist (rollover, sequential rings, push recall,
// the fake Asterisk's ringing phones) run on either wall time or a test-controlled time,
// so a 30 s rollover can be tested in milliseconds without sleeping.
package clock

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// Clock is the source of time and timers that call sessions and the fake Asterisk use
// instead of the time package, so tests can substitute Fake.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine (Real) or in the goroutine that advances
	// time (Fake) once d has elapsed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is the part of *time.Timer that callers need: cancelling a pending callback.
type Timer interface {
	// Stop reports whether it prevented the callback from running.
	Stop() bool
}

// Real is the wall clock used in production.
type Real struct{}

// Now returns time.Now.
func (Real) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Fake is a manually advanced clock. Timers fire, in deadline order, only inside
// Advance, in the goroutine that called it; a callback may schedule further timers,
// which fire in the same Advance if they fall due within it.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	seq    int
	timers []*fakeTimer
}

type fakeTimer struct {
	c    *Fake
	when time.Time
	seq  int
	f    func()
}

// NewFake starts a fake clock at start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at Now()+d.
func (c *Fake) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{c: c, when: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return t
}

// Pending counts timers that have not fired or been stopped: a test asserts zero to
// prove that nothing outlives a call.
func (c *Fake) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Due lists when the pending timers fire, soonest first: a test waits for a timer to be
// armed and advances to just before it, whatever else moved the clock meanwhile.
func (c *Fake) Due() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Time, len(c.timers))
	for i, t := range c.timers {
		out[i] = t.when
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// Advance moves time forward by d, firing every timer that falls due, in order.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		sort.Slice(c.timers, func(i, j int) bool {
			a, b := c.timers[i], c.timers[j]
			if !a.when.Equal(b.when) {
				return a.when.Before(b.when)
			}
			return a.seq < b.seq
		})
		if len(c.timers) == 0 || c.timers[0].when.After(end) {
			c.now = end
			c.mu.Unlock()
			return
		}
		t := c.timers[0]
		c.timers = c.timers[1:]
		if t.when.After(c.now) {
			c.now = t.when
		}
		c.mu.Unlock()
		t.f()
	}
}

func (t *fakeTimer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}
