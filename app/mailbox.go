package app

import (
	"sync"

	"github.com/execassist/execassist/ari"
)

// message is one item of a session's mailbox. The set is closed: an ARI event for one
// of the session's channels, one of its own timers firing, a request from another
// session or the API, or a notice that events may have been lost.
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

// control asks the session owning an executive call to act on it. It carries all it
// needs: the owner never reads the asking session's fields.
type control struct {
	op callOp
	// by is the extension of the user asking (the assistant for take/join).
	by string
	// device is the device the request came from (push: the assistant's phone).
	device string
	// role and devices: for the API's ring-retrieve and ring-bridge, the phones to ring
	// and the role they join as (executive or assistant).
	role    partyRole
	devices []string
	// channel is the FAC caller's channel, to be answered and added to the call
	// (retrieve, take, bridge, join).
	channel ari.ChannelData
	// asker is the session that asked (a FAC): when the operation fails after the call
	// took its channel over, the channel goes back to it, which announces why.
	asker string
	reply chan<- error // nil: done; a refusal says why not
}

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
func (control) isMessage()      {}

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
