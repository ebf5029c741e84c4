package aritest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Call describes a call a phone places into Stasis, as dialplan
// `exten => Exten,1,Stasis(App,Args...)` in Context would.
type Call struct {
	From         string // the calling endpoint, e.g. PJSIP/1002 or PJSIP/trunk
	CallerName   string // defaults to the registered phone's name
	CallerNumber string // defaults to the registered phone's number
	Context      string // default from-internal
	Exten        string // the dialled digits
	App          string // default execassist
	Args         []string
	Vars         map[string]string // channel variables set before Stasis (EXECASSIST_ORIGIN)
}

// PlaceCall puts a new channel into Stasis and returns its id. The StasisStart event is
// queued before PlaceCall returns.
func (s *Server) PlaceCall(call Call) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if call.Context == "" {
		call.Context = "from-internal"
	}
	if call.App == "" {
		call.App = "execassist"
	}
	c := s.newChannelLocked("", call.From)
	c.state = "Ring"
	c.inbound = true
	if ph := s.phones[call.From]; ph != nil {
		c.phone = ph
		c.caller = callerID{ph.Name, ph.Number}
	}
	if call.CallerName != "" {
		c.caller.Name = call.CallerName
	}
	if call.CallerNumber != "" {
		c.caller.Number = call.CallerNumber
	}
	c.context, c.exten, c.priority = call.Context, call.Exten, 1
	c.app, c.inStasis, c.args = call.App, true, call.Args
	c.appName, c.appData = "Stasis", strings.Join(append([]string{call.App}, call.Args...), ",")
	s.appLocked(call.App)
	for k, v := range call.Vars {
		c.vars[k] = v
	}
	s.emitChannel(c, "StasisStart", map[string]any{"args": nonNil(call.Args)})
	return c.id
}

// PhoneDials is the phone on endpoint calling exten in the plain dialplan (not into
// Stasis), the far end answering: a channel Up on the endpoint that no app is told of,
// listed in the endpoint's channel_ids as a real Asterisk lists it. Hangup ends it.
func (s *Server) PhoneDials(endpoint, exten string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.newChannelLocked("", endpoint)
	c.state, c.inbound = "Up", true
	if ph := s.phones[endpoint]; ph != nil {
		c.phone = ph
		c.caller = callerID{ph.Name, ph.Number}
	}
	c.context, c.exten, c.priority = "from-internal", exten, 1
	c.appName, c.appData = "Dial", "PJSIP/"+exten
	return c.id
}

func (s *Server) withChannel(id string, f func(c *channel)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[id]
	if c == nil || c.gone {
		return fmt.Errorf("aritest: channel %s is gone", id)
	}
	f(c)
	return nil
}

// Hangup is the phone on channel id hanging up (BYE/CANCEL).
func (s *Server) Hangup(id string) error {
	return s.withChannel(id, s.phoneHangupLocked)
}

// Answer makes the phone of a ringing leg answer now, whatever its script says; a test
// uses it to make two legs answer together.
func (s *Server) Answer(id string) error {
	return s.withChannel(id, s.answerLocked)
}

// SendDTMF sends digits from the phone on channel id, one ChannelDtmfReceived each.
func (s *Server) SendDTMF(id, digits string) error {
	return s.withChannel(id, func(c *channel) {
		for _, d := range digits {
			s.emitChannel(c, "ChannelDtmfReceived", map[string]any{"digit": string(d), "duration_ms": 160})
		}
	})
}

// Hold is the phone on channel id sending a re-INVITE with a=sendonly.
func (s *Server) Hold(id string) error {
	return s.withChannel(id, func(c *channel) {
		c.held = true
		s.emitChannel(c, "ChannelHold", map[string]any{"musicclass": "default"})
	})
}

// Unhold is the phone resuming (a=sendrecv).
func (s *Server) Unhold(id string) error {
	return s.withChannel(id, func(c *channel) {
		c.held = false
		s.emitChannel(c, "ChannelUnhold", nil)
	})
}

// AddLabel declares a dialplan priority label (e.g. execassist-noanswer after the
// executive's Dial), so that continue with that label succeeds; others answer 404.
func (s *Server) AddLabel(context, exten, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.labels[context+"|"+exten+"|"+label] = true
}

// Continuation is where `continue` sent a channel.
type Continuation struct {
	Context   string
	Extension string
	Priority  int64
	Label     string
}

// String renders context,extension,priority or context,extension,label.
func (c Continuation) String() string {
	if c.Label != "" {
		return c.Context + "," + c.Extension + "," + c.Label
	}
	return c.Context + "," + c.Extension + "," + strconv.FormatInt(c.Priority, 10)
}

// Continued reports where channel id was continued to, if it was.
func (s *Server) Continued(id string) (Continuation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.continued[id]
	return c, ok
}

func (s *Server) continueLocked(c *channel, p params) reply {
	to := Continuation{Context: p.get("context"), Extension: p.get("extension"), Label: p.get("label")}
	prio, _ := strconv.ParseInt(p.get("priority"), 10, 64)
	next := to.Context == "" && to.Extension == "" && to.Label == "" && prio == 0
	if to.Context == "" {
		to.Context = c.context
	}
	if to.Extension == "" {
		to.Extension = c.exten
	}
	switch {
	case to.Label != "":
		if !s.labels[to.Context+"|"+to.Extension+"|"+to.Label] {
			return fail(404, "Requested label can not be found")
		}
	case next:
		to.Priority = c.priority + 1
	case prio == 0:
		to.Priority = 1
	default:
		to.Priority = prio
	}
	s.continued[c.id] = to
	c.inStasis = false
	c.context, c.exten, c.priority = to.Context, to.Extension, to.Priority
	c.appName, c.appData = "", ""
	if c.bridge != "" {
		s.leaveBridgeLocked(c)
	}
	s.emitChannel(c, "StasisEnd", nil)
	return noContent()
}

// Live lists what is still allocated: channels in Stasis, every bridge and playback.
// A test asserts it is empty after a call to prove nothing leaked. Channels continued
// into the dialplan are not listed (the dialplan owns them).
type Live struct {
	Channels   []string
	Bridges    []string
	Playbacks  []string
	Recordings []string // live and stored: a caller's recorded name must not outlive the call
}

// Empty reports whether nothing is left.
func (l Live) Empty() bool {
	return len(l.Channels)+len(l.Bridges)+len(l.Playbacks)+len(l.Recordings) == 0
}

// Live returns what is left.
func (s *Server) Live() Live {
	s.mu.Lock()
	defer s.mu.Unlock()
	var l Live
	for _, c := range s.sortedChannels() {
		if _, continued := s.continued[c.id]; !continued {
			l.Channels = append(l.Channels, c.name+"("+c.id+")")
		}
	}
	for _, b := range s.sortedBridges() {
		l.Bridges = append(l.Bridges, b.id)
	}
	for id := range s.playbacks {
		l.Playbacks = append(l.Playbacks, id)
	}
	sort.Strings(l.Playbacks)
	for n := range s.recordings {
		l.Recordings = append(l.Recordings, n)
	}
	for n := range s.stored {
		l.Recordings = append(l.Recordings, n)
	}
	sort.Strings(l.Recordings)
	return l
}

// ChannelState reports a channel's state ("Ring", "Ringing", "Up") and whether it
// still exists.
func (s *Server) ChannelState(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[id]
	if c == nil {
		return "", false
	}
	return c.state, true
}

// ChannelsOn lists live channel ids on an endpoint (e.g. the legs ringing PJSIP/1002),
// oldest first.
func (s *Server) ChannelsOn(endpoint string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.sortedChannels() {
		if c.phone != nil && c.phone.Endpoint == endpoint {
			out = append(out, c.id)
		}
	}
	return out
}

// Connected returns what the phone on channel id shows: the leg's connected line.
func (s *Server) Connected(id string) (name, number string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		return c.connected.Name, c.connected.Number
	}
	return "", ""
}

// Variable reads a channel variable as the dialplan would see it.
func (s *Server) Variable(id, name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		v, ok := c.vars[name]
		return v, ok
	}
	return "", false
}

// Held reports whether the app holds channel id (POST /channels/{id}/hold; a real
// Asterisk sends no event for it).
func (s *Server) Held(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[id]
	return c != nil && c.held
}

// MOH reports whether music on hold is playing to channel or bridge id.
func (s *Server) MOH(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		return c.moh
	}
	if b := s.bridges[id]; b != nil {
		return b.moh
	}
	return false
}

// BridgeOf returns the bridge a channel is in ("" for none).
func (s *Server) BridgeOf(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		return c.bridge
	}
	return ""
}
