package app

import (
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/execassist/execassist/store"
)

// callRef is how others reach the session that owns a call: its id, its mailbox and
// the channel closed when it ends; never the session itself, whose fields are its own
// goroutine's.
type callRef struct {
	id   string
	box  *mailbox
	done <-chan struct{}
}

// ref is the reference to s others may hold.
func (s *session) ref() callRef { return callRef{id: s.id, box: s.box, done: s.done} }

// execCall is what other sessions, status and the API may know of an executive call:
// enough for #63, *11 and *15 to find it and for a console to show it. Only the owning
// session changes its call; the registry is a published copy behind a mutex.
type execCall struct {
	owner        callRef // the session that owns the call
	exec         string
	callerName   string
	callerNumber string
	ringing      []string            // extensions being alerted (an unanswered call, a push)
	answeredBy   string              // who answered first ("" while ringing)
	assistant    string              // extension of the assistant on the call ("" if none)
	device       string              // the assistant's device the call is connected at
	atExec       bool                // the executive is on the call
	held         bool                // the executive's phone holds it
	heldHere     bool                // execassist holds the far end (the console's hold)
	handOff      handOff             // on hold for a push: phones ringing, or the executive hearing who it is
	placedBy     string              // a call placed as the executive (#64, the API): the assistant who placed it
	arrived      time.Time           // when the call reached execassist
	answeredAt   time.Time           // zero while ringing
	steps        []store.JournalStep // what happened since the answer (the call's record)
	rev          uint64              // the registry's change number when this was set
}

// answered: #63, *11 and *15 act only on answered calls.
func (c execCall) answered() bool { return !c.answeredAt.IsZero() }

// state names where the call is, for people: ringing, answered (at an assistant),
// pushed (on hold, the executive being rung), announced (on hold, the executive hearing
// who it is), executive, bridged (executive and
// assistant), connected (a transfer target).
func (c execCall) state() string {
	switch {
	case !c.answered():
		return "ringing"
	case c.handOff == announcingToExecutive:
		return "announced"
	case c.handOff == ringingForPush:
		return "pushed"
	case c.atExec && c.assistant != "":
		return "bridged"
	case c.atExec:
		return "executive"
	case c.assistant != "":
		return "answered"
	}
	return "connected"
}

// LiveCall is a call in progress as `execassist status`, the API and the console show
// it. Its ID is stable for the life of the call.
type LiveCall struct {
	ID           string    `json:"id"`
	Executive    string    `json:"executive"`
	CallerName   string    `json:"callerName,omitempty"`
	CallerNumber string    `json:"callerNumber,omitempty"`
	State        string    `json:"state"`
	Ringing      []string  `json:"ringing,omitempty"`
	AnsweredBy   string    `json:"answeredBy,omitempty"`
	Assistant    string    `json:"assistant,omitempty"`
	Held         bool      `json:"held,omitempty"`
	Since        time.Time `json:"since"`
	AnsweredAt   time.Time `json:"answeredAt,omitzero"`
	// Direction is "incoming" (a call to the executive) or "outgoing" (placed as the
	// executive by PlacedBy, to CallerNumber).
	Direction string `json:"direction"`
	PlacedBy  string `json:"placedBy,omitempty"`
	// Node is set on a call another node shares (AllCalls): it can only be acted on
	// there.
	Node string `json:"node,omitempty"`
	// Steps are what happened to the call since it was answered, from its record.
	Steps []store.JournalStep `json:"steps,omitempty"`
}

func (c execCall) live() LiveCall {
	return LiveCall{ID: c.owner.id, Executive: c.exec, CallerName: c.callerName, CallerNumber: c.callerNumber,
		State: c.state(), Ringing: slices.Clone(c.ringing), AnsweredBy: c.answeredBy, Assistant: c.assistant,
		Held: c.held || c.heldHere, Since: c.arrived, AnsweredAt: c.answeredAt, Steps: slices.Clone(c.steps),
		Direction: map[bool]string{false: "incoming", true: "outgoing"}[c.placedBy != ""], PlacedBy: c.placedBy}
}

// registry holds the published state of every executive call. changed is closed and
// replaced on every change: watchers (the API's event stream) wait on it and read a
// fresh snapshot, so a slow watcher never holds up a call.
type registry struct {
	mu      sync.Mutex
	calls   map[string]execCall // by session id
	changed chan struct{}
	rev     uint64
}

func (r *registry) set(c execCall) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]execCall{}
	}
	r.rev++
	c.rev = r.rev
	if prev, ok := r.calls[c.owner.id]; ok && c.steps == nil {
		c.steps = prev.steps // the record's steps only grow; a new state's entry keeps them
	}
	r.calls[c.owner.id] = c
	r.notifyLocked()
}

// stepped shows the steps of the call id's record in its published entry, if it has
// one.
func (r *registry) stepped(id string, steps []store.JournalStep) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.calls[id]; ok {
		r.rev++
		c.steps, c.rev = slices.Clone(steps), r.rev
		r.calls[id] = c
		r.notifyLocked()
	}
}

func (r *registry) remove(s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.calls[s.id]; ok {
		delete(r.calls, s.id)
		r.notifyLocked()
	}
}

func (r *registry) notifyLocked() {
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// find returns matching answered calls, most recently answered first.
// byID is the call of session id, ringing or answered.
func (r *registry) byID(id string) (execCall, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.calls[id]
	return c, ok
}

// find lists the answered calls that match, the most recently answered first.
func (r *registry) find(match func(execCall) bool) []execCall {
	r.mu.Lock()
	var out []execCall
	for _, c := range r.calls {
		if c.answered() && match(c) {
			out = append(out, c)
		}
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].answeredAt.After(out[j].answeredAt) })
	return out
}

// ringingFor lists the unanswered calls alerting user, the one ringing longest first.
func (r *registry) ringingFor(user string) []execCall {
	r.mu.Lock()
	var out []execCall
	for _, c := range r.calls {
		if !c.answered() && slices.Contains(c.ringing, user) {
			out = append(out, c)
		}
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].arrived.Before(out[j].arrived) })
	return out
}

// snapshot returns every live call, oldest first, and a channel closed at the next
// change.
func (r *registry) snapshot() ([]LiveCall, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]LiveCall, 0, len(r.calls))
	for _, c := range r.calls {
		out = append(out, c.live())
	}
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Since.Equal(out[j].Since) {
			return out[i].Since.Before(out[j].Since)
		}
		return out[i].ID < out[j].ID
	})
	return out, r.changed
}

// delta returns the calls set since the change numbers in seen (id -> rev), the ids in
// seen that have ended, and a channel closed at the next change: what a node shares
// with the others, without re-encoding the calls that did not change.
func (r *registry) delta(seen map[string]uint64) (changed []LiveCall, revs map[string]uint64, gone []string, next <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	revs = make(map[string]uint64, len(r.calls))
	for _, c := range r.calls {
		revs[c.owner.id] = c.rev
		if seen[c.owner.id] != c.rev {
			changed = append(changed, c.live())
		}
	}
	for id := range seen {
		if _, ok := revs[id]; !ok {
			gone = append(gone, id)
		}
	}
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	return changed, revs, gone, r.changed
}

// LiveCalls lists the calls in progress, oldest first, and returns a channel that is
// closed at the next change (a new call, a state change, a call ending).
func (a *App) LiveCalls() ([]LiveCall, <-chan struct{}) { return a.registry.snapshot() }
