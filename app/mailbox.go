package app

import (
	"sync"

	"github.com/execassist/execassist/ari"
)

// message is one item of a session's mailbox. The set is closed: an ARI event for one
// of the session's channels, one of its own timers firing, a request from another
// session or the API (requests.go), or a notice that events may have been lost.
type message interface{ isMessage() }

// eventMsg is an ARI event for a channel the session owns.
type eventMsg struct{ ari.Event }

// timerFired is posted by the session's own timers (see session.after); gen tells a
// stale fire (of a timer stopped or re-armed since) from the current one.
type timerFired struct {
	name timerName
	gen  uint64
}

// resyncNeeded tells a session that events may have been lost (WebSocket reconnect):
// it re-reads the state of its channels.
type resyncNeeded struct{}

// eventOf is the ARI event a message carries, or nil.
func eventOf(m message) ari.Event {
	if e, ok := m.(eventMsg); ok {
		return e.Event
	}
	return nil
}

func (eventMsg) isMessage()     {}
func (timerFired) isMessage()   {}
func (resyncNeeded) isMessage() {}

// mailbox is an unbounded FIFO: the dispatcher never blocks delivering to a session,
// and a session's timers can post to it from any goroutine.
type mailbox struct {
	mu     sync.Mutex
	items  []message
	signal chan struct{}
}

func newMailbox() *mailbox { return &mailbox{signal: make(chan struct{}, 1)} }

func (m *mailbox) put(v message) {
	m.mu.Lock()
	m.items = append(m.items, v)
	m.mu.Unlock()
	select {
	case m.signal <- struct{}{}:
	default:
	}
}

// take returns the next item, or false if none is queued; wait on m.signal then retry.
func (m *mailbox) take() (message, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.items) == 0 {
		return nil, false
	}
	v := m.items[0]
	m.items[0] = nil
	m.items = m.items[1:]
	return v, true
}
