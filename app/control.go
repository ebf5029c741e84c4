package app

import (
	"errors"
	"time"
)

// ErrNoSuchCall means the call has ended (or never was one of ours).
var ErrNoSuchCall = errors.New("no such live call")

// Push asks the session owning the live call id to push it to the executive, as #63
// from the assistant's phone does: the remote party hears music on hold, the
// executive's phones ring, and the call returns to the assistant if nobody answers.
func (a *App) Push(id string) error {
	var target execCall
	found := false
	for _, c := range a.registry.find(func(c execCall) bool { return c.sess.id == id }) {
		target, found = c, true
	}
	if !found {
		return ErrNoSuchCall
	}
	if target.assistant == "" {
		return errors.New("the call is not at an assistant")
	}
	reply := make(chan string, 1)
	target.sess.box.put(control{op: "push", by: target.assistant, device: target.device, reply: reply})
	select {
	case why := <-reply:
		if why != "" {
			return errors.New(why)
		}
		return nil
	case <-target.sess.done:
		return ErrNoSuchCall
	case <-time.After(10 * time.Second):
		return errors.New("the call did not answer")
	}
}
