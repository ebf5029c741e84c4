package app

import (
	"sort"
	"sync"
	"time"
)

// execCall is what other sessions may know of an answered executive call: enough for
// #63, *11 and *15 to find it. Only the owning session changes its conversation; the
// registry is a published copy behind a mutex.
type execCall struct {
	sess       *session
	exec       string
	assistant  string // extension of the assistant on the call ("" if none)
	device     string // the assistant's device the call is connected at
	atExec     bool   // the executive is on the call
	held       bool   // the executive's phone holds it
	answeredAt time.Time
}

type registry struct {
	mu    sync.Mutex
	calls map[*session]execCall
}

func (r *registry) set(c execCall) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[*session]execCall{}
	}
	r.calls[c.sess] = c
}

func (r *registry) remove(s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.calls, s)
}

// find returns matching calls, most recently answered first.
func (r *registry) find(match func(execCall) bool) []execCall {
	r.mu.Lock()
	var out []execCall
	for _, c := range r.calls {
		if match(c) {
			out = append(out, c)
		}
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].answeredAt.After(out[j].answeredAt) })
	return out
}
