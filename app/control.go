package app

import (
	"errors"
	"time"
)

// ErrNoSuchCall means the call has ended (or never was one of ours).
var ErrNoSuchCall = errors.New("no such live call")

// Retrieve rings the executive's phones for the live call id, which is at an
// assistant; when one answers it joins the call and the assistant is released (the
// API's counterpart of *11, which needs the executive to dial from the phone).
func (a *App) Retrieve(id string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	return a.ask(c, control{op: "ring-retrieve", by: c.exec, role: "executive", devices: a.devicesOf(c.exec)})
}

// Bridge rings the phones of user by (the executive, or an assistant of the pool) for
// the live call id; when one answers it joins the call with the warning tone, as *15.
func (a *App) Bridge(id, by string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	role := "assistant"
	if by == c.exec {
		role = "executive"
	}
	devs := a.devicesOf(by)
	if len(devs) == 0 {
		return errors.New(by + " has no phone to ring")
	}
	return a.ask(c, control{op: "ring-bridge", by: by, role: role, devices: devs})
}

func (a *App) devicesOf(ext string) []string {
	if a.store == nil {
		return nil
	}
	if u := a.store.Snapshot().Config.User(ext); u != nil {
		return u.Devices
	}
	return nil
}

func (a *App) liveCall(id string) (execCall, error) {
	for _, c := range a.registry.find(func(c execCall) bool { return c.sess.id == id }) {
		return c, nil
	}
	return execCall{}, ErrNoSuchCall
}

// ask sends a control to the call's session and waits for its answer.
func (a *App) ask(c execCall, m control) error {
	reply := make(chan string, 1)
	m.reply = reply
	c.sess.box.put(m)
	select {
	case why := <-reply:
		if why != "" {
			return errors.New(why)
		}
		return nil
	case <-c.sess.done:
		return ErrNoSuchCall
	case <-time.After(10 * time.Second):
		return errors.New("the call did not answer")
	}
}

// Push asks the session owning the live call id to push it to the executive, as #63
// from the assistant's phone does: the remote party hears music on hold, the
// executive's phones ring, and the call returns to the assistant if nobody answers.
func (a *App) Push(id string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	if c.assistant == "" {
		return errors.New("the call is not at an assistant")
	}
	return a.ask(c, control{op: "push", by: c.assistant, device: c.device})
}
