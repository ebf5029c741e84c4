package app

import "sync"

// mailbox is an unbounded FIFO: the dispatcher never blocks delivering to a session,
// and a session's timers can post to it from any goroutine.
type mailbox struct {
	mu     sync.Mutex
	items  []any
	signal chan struct{}
}

func newMailbox() *mailbox { return &mailbox{signal: make(chan struct{}, 1)} }

func (m *mailbox) put(v any) {
	m.mu.Lock()
	m.items = append(m.items, v)
	m.mu.Unlock()
	select {
	case m.signal <- struct{}{}:
	default:
	}
}

// take returns the next item, or false if none is queued; wait on m.signal then retry.
func (m *mailbox) take() (any, bool) {
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
