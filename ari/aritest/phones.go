package aritest

import (
	"sort"
	"strings"
	"time"
)

// Mode is what a scripted phone does when it is dialled.
type Mode int

const (
	// RingForever rings until the dial times out or someone hangs up.
	RingForever Mode = iota
	// Answer answers after Script.After.
	Answer
	// Busy answers 486 at once: ChannelDestroyed cause 17.
	Busy
	// Unavailable is a qualified phone that is down: endpoint "offline", and
	// channels/create answers 500 "Allocation failed".
	Unavailable
	// Reject rings for Script.After, then declines (cause 21).
	Reject
)

// Script tells a phone how to behave; durations run on the server's clock.
type Script struct {
	Mode  Mode
	After time.Duration // Answer / Reject delay
	// AutoAnswer answers at once without ringing (a softphone set to auto-answer sends
	// 200 OK without 180: no Ringing state, no Dial RINGING), as the attended-transfer
	// traces' assistant phone.
	AutoAnswer bool
	// IgnoresAutoAnswer is a phone with intercom turned off: a leg asking it to answer
	// by itself (Call-Info answer-after=0, Alert-Info alert-autoanswer) rings as usual.
	// Other phones answer such a leg at once, whatever their Mode (but Busy).
	IgnoresAutoAnswer bool
	// HangupAfter hangs up this long after answering (0: never).
	HangupAfter time.Duration
	// TalkAfterBridged hangs up this long after the channel first enters a bridge: a
	// person who talks for a while once connected (0: never). Load tests use it, so a
	// slow bridge does not turn into a phone that hung up before it was connected.
	TalkAfterBridged time.Duration
	// DTMF is sent digit by digit, DTMFGap apart (default 500 ms), starting DTMFAfter
	// after answering.
	DTMF      string
	DTMFAfter time.Duration
	DTMFGap   time.Duration
}

// Phone is a scripted endpoint such as PJSIP/1002.
type Phone struct {
	Endpoint string // "PJSIP/1002"
	Name     string
	Number   string
	Script   Script
}

// AddPhone registers (or replaces) a phone.
func (s *Server) AddPhone(p Phone) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := p
	s.phones[p.Endpoint] = &cp
}

// SetScript changes what a registered phone does from the next call on.
func (s *Server) SetScript(endpoint string, sc Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.phones[endpoint]; p != nil {
		p.Script = sc
	}
}

// ringPhoneLocked plays a phone's script on a leg that was just dialled or originated.
func (s *Server) ringPhoneLocked(c *channel, timeout time.Duration) {
	sc := c.phone.Script
	if sc.Mode == Busy {
		s.destroyLocked(c, map[string]any{"cause": 17, "tech_cause": 486}, 17, nil)
		return
	}
	if sc.Mode == Answer && sc.AutoAnswer || !sc.IgnoresAutoAnswer && asksAutoAnswer(c) {
		s.answerLocked(c)
		return
	}
	c.state = "Ringing"
	s.emitChannel(c, "ChannelStateChange", nil)
	s.emitDial(c, "RINGING")
	switch sc.Mode {
	case Answer:
		s.after(c, sc.After, func() { s.answerLocked(c) })
	case Reject:
		s.after(c, sc.After, func() { s.destroyLocked(c, map[string]any{"cause": 21}, 21, nil) })
	}
	if timeout > 0 {
		s.after(c, timeout, func() {
			if c.state != "Up" {
				s.destroyLocked(c, map[string]any{"cause": 32, "soft": true}, 19, nil)
			}
		})
	}
}

// asksAutoAnswer reports whether the leg was created with a header that makes a phone
// answer by itself (PJSIP_HEADER(add,...) set at create time).
func asksAutoAnswer(c *channel) bool {
	for k, v := range c.vars {
		if strings.HasPrefix(k, "PJSIP_HEADER(add,") && (strings.Contains(v, "answer-after=0") || strings.Contains(v, "alert-autoanswer")) {
			return true
		}
	}
	return false
}

// answerLocked is the far end picking up.
func (s *Server) answerLocked(c *channel) {
	if c.state == "Up" {
		return
	}
	c.state = "Up"
	if c.originated && !c.inStasis {
		c.inStasis = true
		s.emitChannel(c, "StasisStart", map[string]any{"args": nonNil(c.args)})
	} else {
		s.emitChannel(c, "ChannelStateChange", nil)
	}
	s.emitDial(c, "ANSWER")
	sc := c.phone.Script
	if sc.HangupAfter > 0 {
		s.after(c, sc.HangupAfter, func() { s.phoneHangupLocked(c) })
	}
	if sc.DTMF != "" {
		gap := sc.DTMFGap
		if gap == 0 {
			gap = 500 * time.Millisecond
		}
		for i, d := range sc.DTMF {
			digit := string(d)
			s.after(c, sc.DTMFAfter+time.Duration(i)*gap, func() {
				s.emitChannel(c, "ChannelDtmfReceived", map[string]any{"digit": digit, "duration_ms": 160})
			})
		}
	}
}

// phoneHangupLocked is the phone sending BYE (or CANCEL).
func (s *Server) phoneHangupLocked(c *channel) {
	var second map[string]any
	if c.inbound {
		second = map[string]any{"cause": 16, "soft": true}
	}
	s.destroyLocked(c, map[string]any{}, 16, second)
}

func (s *Server) endpointSnapshot(p *Phone) map[string]any {
	tech, res, _ := strings.Cut(p.Endpoint, "/")
	state := "online"
	if p.Script.Mode == Unavailable {
		state = "offline"
	}
	ids := []string{}
	for _, c := range s.sortedChannels() {
		if c.phone == p {
			ids = append(ids, c.id)
		}
	}
	return map[string]any{"technology": tech, "resource": res, "state": state, "channel_ids": ids}
}

func (s *Server) sortedPhones() []*Phone {
	out := make([]*Phone, 0, len(s.phones))
	for _, p := range s.phones {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Endpoint < out[j].Endpoint })
	return out
}

func (s *Server) endpointOp(method string, seg []string, p params) reply {
	switch {
	case method == "PUT" && len(seg) == 3 && seg[2] == "sendMessage":
		return s.sendMessageLocked(seg[0]+"/"+seg[1], p)
	case method == "PUT" && len(seg) == 1 && seg[0] == "sendMessage":
		to, _ := strings.CutPrefix(p.get("to"), "pjsip:")
		return s.sendMessageLocked("PJSIP/"+to, p)
	}
	if method != "GET" {
		return fail(404, "Resource not found")
	}
	out := []map[string]any{}
	for _, p := range s.sortedPhones() {
		tech, res, _ := strings.Cut(p.Endpoint, "/")
		switch {
		case len(seg) == 0, len(seg) == 1 && seg[0] == tech:
			out = append(out, s.endpointSnapshot(p))
		case len(seg) == 2 && seg[0] == tech && seg[1] == res:
			return ok(s.endpointSnapshot(p))
		}
	}
	if len(seg) == 2 || (len(seg) == 1 && len(out) == 0) {
		return fail(404, "Endpoints not found")
	}
	return ok(out)
}

// phoneDeviceState is what Asterisk reports for a phone's device (BLF of the phone).
func (s *Server) phoneDeviceState(p *Phone) string {
	if p.Script.Mode == Unavailable {
		return "UNAVAILABLE"
	}
	state := "NOT_INUSE"
	for _, c := range s.channels {
		if c.phone != p {
			continue
		}
		switch {
		case c.held:
			return "ONHOLD"
		case c.state == "Up":
			state = "INUSE"
		case c.state == "Ringing" && state == "NOT_INUSE":
			state = "RINGING"
		}
	}
	return state
}

var deviceStates = map[string]bool{"UNKNOWN": true, "NOT_INUSE": true, "INUSE": true, "BUSY": true,
	"INVALID": true, "UNAVAILABLE": true, "RINGING": true, "RINGINUSE": true, "ONHOLD": true}

func (s *Server) deviceStateOp(method, name string, p params) reply {
	if name == "" {
		if method != "GET" {
			return fail(404, "Resource not found")
		}
		out := []map[string]string{}
		names := make([]string, 0, len(s.devices))
		for n := range s.devices {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, map[string]string{"name": n, "state": s.devices[n]})
		}
		for _, ph := range s.sortedPhones() {
			out = append(out, map[string]string{"name": ph.Endpoint, "state": s.phoneDeviceState(ph)})
		}
		return ok(out)
	}
	controlled := strings.HasPrefix(name, "Stasis:")
	switch method {
	case "GET":
		if ph := s.phones[name]; ph != nil {
			return ok(map[string]string{"name": name, "state": s.phoneDeviceState(ph)})
		}
		st, found := s.devices[name]
		if !found {
			st = "UNKNOWN"
		}
		return ok(map[string]string{"name": name, "state": st})
	case "PUT":
		if !controlled {
			return fail(409, "Uncontrolled device specified")
		}
		st := p.get("deviceState")
		if !deviceStates[st] {
			return fail(500, "Unknown device")
		}
		s.devices[name] = st
		var apps []string
		for _, a := range s.apps {
			if a.devices[name] {
				apps = append(apps, a.name)
			}
		}
		sort.Strings(apps)
		s.emitLocked(apps, map[string]any{"type": "DeviceStateChanged", "device_state": map[string]string{"name": name, "state": st}})
		return noContent()
	case "DELETE":
		if !controlled {
			return fail(409, "Uncontrolled device specified")
		}
		delete(s.devices, name)
		return noContent()
	}
	return fail(404, "Resource not found")
}

// DeviceState returns a device state the app set (PUT /deviceStates/{name}), e.g.
// Stasis:execassist-filter-1001 -> INUSE, and whether it was set.
func (s *Server) DeviceState(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.devices[name]
	return st, ok
}
