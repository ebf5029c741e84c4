package aritest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/execassist/execassist/internal/clock"
)

type callerID struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

type channel struct {
	recording       *recording // a live recording on the channel, if any
	snooping        bool       // a Snoop channel: its hang-up ends with StasisEnd, no ChannelDestroyed
	id, name, state string
	protocolID      string
	caller          callerID
	connected       callerID
	context, exten  string
	priority        int64
	appName         string
	appData         string
	created         time.Time
	app             string // the Stasis app it is in (events go there, also after continue)
	inStasis        bool
	originated      bool // StasisStart waits for answer
	inbound         bool // placed by a phone into the dialplan (PlaceCall)
	args            []string
	vars            map[string]string
	phone           *Phone
	talking         bool // TalkAfterBridged's hang-up is scheduled
	bridge          string
	dialed          bool
	dialCaller      *channelJSON
	moh             bool
	held            bool
	gone            bool
	// referred: the phone sent REFER for this channel (a transfer). Asterisk then never
	// sends ChannelDestroyed for it: a hang-up ends it with ChannelHangupRequest and
	// StasisEnd only, and Asterisk BYEs the phone 60 s after the REFER.
	referred bool
	// linked is the other channel that ends with this one (a Local pair's far end, the
	// transfer target behind it).
	linked   []*channel
	order    int // creation order
	chanVars []string
	timers   []clock.Timer
}

// channelJSON is ARI's Channel model as Asterisk writes it (field order included).
type channelJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	State        string            `json:"state"`
	ProtocolID   string            `json:"protocol_id"`
	Caller       callerID          `json:"caller"`
	Connected    callerID          `json:"connected"`
	AccountCode  string            `json:"accountcode"`
	Dialplan     dialplanJSON      `json:"dialplan"`
	CreationTime string            `json:"creationtime"`
	Language     string            `json:"language"`
	ChannelVars  map[string]string `json:"channelvars,omitempty"`
}

type dialplanJSON struct {
	Context  string `json:"context"`
	Exten    string `json:"exten"`
	Priority int64  `json:"priority"`
	AppName  string `json:"app_name"`
	AppData  string `json:"app_data"`
}

func (c *channel) snapshot() *channelJSON {
	j := &channelJSON{ID: c.id, Name: c.name, State: c.state, ProtocolID: c.protocolID,
		Caller: c.caller, Connected: c.connected,
		Dialplan:     dialplanJSON{Context: c.context, Exten: c.exten, Priority: c.priority, AppName: c.appName, AppData: c.appData},
		CreationTime: c.created.UTC().Format("2006-01-02T15:04:05.000-0700"), Language: "en"}
	if c.chanVars != nil {
		j.ChannelVars = make(map[string]string, len(c.chanVars))
		for _, name := range c.chanVars {
			j.ChannelVars[name] = c.vars[name]
		}
	}
	return j
}

func (s *Server) appsOf(c *channel) []string {
	apps := []string{c.app}
	if c.bridge != "" {
		if b := s.bridges[c.bridge]; b != nil {
			apps = append(apps, b.app)
		}
	}
	return apps
}

func (s *Server) emitChannel(c *channel, typ string, extra map[string]any) {
	ev := map[string]any{"type": typ, "channel": c.snapshot()}
	for k, v := range extra {
		ev[k] = v
	}
	s.emitLocked(s.appsOf(c), ev)
}

// newChannelLocked allocates a channel on endpoint (e.g. PJSIP/1002).
func (s *Server) newChannelLocked(id, endpoint string) *channel {
	s.seq++
	s.nameSeq++
	if id == "" {
		id = fmt.Sprintf("%d.%d", s.epoch, s.seq)
	}
	c := &channel{id: id, name: fmt.Sprintf("%s-%08x", endpoint, s.nameSeq), state: "Down",
		protocolID: randomID(), context: "from-internal", exten: "s", priority: 1,
		created: s.clock.Now(), vars: map[string]string{}, chanVars: s.chanVars, order: s.nameSeq}
	s.channels[id] = c
	return c
}

func (s *Server) listChannels() reply {
	out := []*channelJSON{}
	for _, c := range s.sortedChannels() {
		out = append(out, c.snapshot())
	}
	return ok(out)
}

func (s *Server) getChannel(id string) reply {
	c := s.channels[id]
	if c == nil {
		return fail(404, "Channel not found")
	}
	return ok(c.snapshot())
}

// endpointFor resolves a dial string to a registered, online phone; Local channels
// resolve to the phone registered for "Local/<number>@<context>" when a test added one.
func (s *Server) endpointFor(endpoint string) (*Phone, bool) {
	ph := s.phones[endpoint]
	if ph == nil || ph.Script.Mode == Unavailable {
		return nil, false
	}
	return ph, true
}

func (s *Server) applyVars(c *channel, vars map[string]string) {
	for k, v := range vars {
		c.vars[k] = v
		switch k {
		case "CONNECTEDLINE(name)":
			c.connected.Name = v
		case "CONNECTEDLINE(num)", "CONNECTEDLINE(number)":
			c.connected.Number = v
		case "CALLERID(name)":
			c.caller.Name = v
		case "CALLERID(num)", "CALLERID(number)":
			c.caller.Number = v
		}
	}
}

func (s *Server) createChannel(p params) reply {
	endpoint, app := p.get("endpoint"), p.get("app")
	if endpoint == "" || app == "" {
		return fail(400, "Endpoint and app are required")
	}
	if id := p.get("channelId"); id != "" && s.channels[id] != nil {
		return fail(409, "Channel with given unique ID already exists")
	}
	ph, found := s.endpointFor(endpoint)
	if !found {
		return allocationFailed()
	}
	c := s.newChannelLocked(p.get("channelId"), endpoint)
	c.phone = ph
	c.caller = callerID{ph.Name, ph.Number}
	c.app, c.inStasis = app, true
	c.args = splitArgs(p.get("appArgs"))
	c.appName, c.appData = "Stasis", strings.Join(append([]string{app}, c.args...), ",")
	s.applyVars(c, p.vars)
	s.emitChannel(c, "ChannelDialplan", map[string]any{"dialplan_app": "Stasis", "dialplan_app_data": c.appData})
	s.emitChannel(c, "StasisStart", map[string]any{"args": nonNil(c.args)})
	snap := c.snapshot()
	snap.Dialplan.AppName, snap.Dialplan.AppData = "", "" // as in the real create response
	return ok(snap)
}

func nonNil(a []string) []string {
	if a == nil {
		return []string{}
	}
	return a
}

func splitArgs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// originate is POST /channels: the channel enters Stasis only when the phone answers.
func (s *Server) originate(p params, id string) reply {
	endpoint := p.get("endpoint")
	if endpoint == "" {
		return fail(400, "Endpoint must be specified")
	}
	if id != "" && s.channels[id] != nil {
		return fail(409, "Channel with given unique ID already exists")
	}
	ph, found := s.endpointFor(endpoint)
	if !found {
		return allocationFailed()
	}
	c := s.newChannelLocked(id, endpoint)
	c.phone = ph
	c.caller = callerID{ph.Name, ph.Number}
	if cid := p.get("callerId"); cid != "" {
		c.connected = parseCallerID(cid)
	}
	c.app = p.get("app")
	c.args = splitArgs(p.get("appArgs"))
	c.originated = c.app != ""
	if c.app != "" {
		c.appName, c.appData = "Stasis", strings.Join(append([]string{c.app}, c.args...), ",")
	}
	s.applyVars(c, p.vars)
	timeout := 30 * time.Second
	if t, err := strconv.Atoi(p.get("timeout")); err == nil && t > 0 {
		timeout = time.Duration(t) * time.Second
	}
	snap := c.snapshot()
	s.ringPhoneLocked(c, timeout)
	return ok(snap)
}

// parseCallerID reads `"Name" <number>` or a bare number.
func parseCallerID(s string) callerID {
	if i := strings.LastIndex(s, "<"); i >= 0 && strings.HasSuffix(s, ">") {
		return callerID{Name: strings.Trim(strings.TrimSpace(s[:i]), `"`), Number: s[i+1 : len(s)-1]}
	}
	return callerID{Number: s}
}

var hangupCauses = map[string]int{
	"normal": 16, "busy": 17, "congestion": 34, "no_answer": 19, "timeout": 19, "rejected": 21,
	"unallocated": 1, "normal_unspecified": 31, "number_incomplete": 28, "codec_mismatch": 58,
	"interworking": 127, "failure": 38, "answered_elsewhere": 26,
}

var causeText = map[int]string{
	1: "Unallocated (unassigned) number", 16: "Normal Clearing", 17: "User busy",
	19: "User alerting, no answer", 21: "Call Rejected", 26: "Answered elsewhere",
	28: "Invalid number format (addr incomplete)", 31: "Normal, unspecified", 34: "Circuit/channel congestion",
	38: "Network out of order", 58: "Bearer capability not available", 127: "Interworking, unspecified",
}

func (s *Server) hangupChannel(id string, p params) reply {
	c := s.channels[id]
	if c == nil {
		return fail(404, "Channel not found")
	}
	cause := 16
	if r := p.get("reason"); r != "" {
		v, known := hangupCauses[r]
		if !known {
			return fail(400, "Invalid reason for hangup provided")
		}
		cause = v
	} else if rc := p.get("reason_code"); rc != "" {
		v, err := strconv.Atoi(rc)
		if err != nil {
			return fail(400, "Invalid reason for hangup provided")
		}
		cause = v
	}
	// A channel that came in through the dialplan returns there and is hung up again.
	var second map[string]any
	if c.inbound {
		second = map[string]any{"cause": 16, "soft": true}
	}
	s.destroyLocked(c, map[string]any{"cause": 32, "soft": true}, cause, second)
	return noContent()
}

// destroyLocked ends a channel: ChannelHangupRequest(s), ChannelLeftBridge, StasisEnd,
// ChannelDestroyed, as a real Asterisk orders them. second is an optional later
// ChannelHangupRequest (a phone's BYE produces one without and one with a cause).
func (s *Server) destroyLocked(c *channel, request map[string]any, cause int, second map[string]any) {
	if c.gone {
		return
	}
	c.gone = true
	for _, t := range c.timers {
		t.Stop()
	}
	c.timers = nil
	s.emitChannel(c, "ChannelHangupRequest", request)
	if c.recording != nil { // in the same moment as the hang-up; the file is kept
		s.finishRecordingLocked(c.recording)
	}
	if c.bridge != "" {
		s.leaveBridgeLocked(c)
	}
	if c.inStasis {
		c.inStasis = false
		s.emitChannel(c, "StasisEnd", nil)
	}
	if c.referred || c.snooping { // no ChannelDestroyed ever comes (traces: blind-transfer-early-hangup-of-transferer, whisper-to-one-party-with-snoop)
		delete(s.channels, c.id)
		return
	}
	for _, l := range c.linked {
		s.destroyLocked(l, map[string]any{"cause": 16}, 16, nil)
	}
	if second != nil {
		s.emitChannel(c, "ChannelHangupRequest", second)
	}
	for _, pb := range s.playbacks {
		if pb.target == "channel:"+c.id {
			s.finishPlaybackLocked(pb)
		}
	}
	s.emitChannel(c, "ChannelDestroyed", map[string]any{"cause": cause, "cause_txt": causeText[cause]})
	delete(s.channels, c.id)
}

func (s *Server) after(c *channel, d time.Duration, f func()) {
	var t clock.Timer
	t = s.clock.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		c.timers = slices.DeleteFunc(c.timers, func(x clock.Timer) bool { return x == t })
		if !c.gone {
			f()
		}
	})
	c.timers = append(c.timers, t)
}

func (s *Server) channelOp(method, id, op, sub string, p params) reply {
	c := s.channels[id]
	if c == nil || c.gone {
		if op == "snoop" {
			return fail(404, "Provided channel was not found")
		}
		return fail(404, "Channel not found")
	}
	stasisOnly := func() (reply, bool) {
		if !c.inStasis {
			return fail(409, "Channel not in Stasis application"), false
		}
		return reply{}, true
	}
	if r, ok := stasisOnly(); !ok {
		return r
	}
	switch op + " " + method {
	case "dial POST":
		return s.dialLocked(c, p)
	case "answer POST":
		if c.state != "Up" {
			c.state = "Up"
			s.emitChannel(c, "ChannelStateChange", nil)
		}
		return noContent()
	case "ring POST", "ring DELETE", "progress POST":
		return noContent()
	case "record POST":
		return s.recordLocked(c, p)
	case "snoop POST":
		return s.snoopLocked(c, p)
	case "continue POST":
		return s.continueLocked(c, p)
	case "redirect POST":
		ep := p.get("endpoint")
		if ep == "" {
			return fail(400, "Endpoint parameter not provided")
		}
		if s.phones[ep] == nil {
			return fail(404, "Channel or endpoint not found")
		}
		if strings.SplitN(ep, "/", 2)[0] != strings.SplitN(c.name, "/", 2)[0] {
			return fail(422, "Endpoint is not the same type as the channel")
		}
		c.vars["__REDIRECTED_TO"] = ep
		return noContent()
	case "hold POST":
		c.held = true
		return noContent()
	case "hold DELETE":
		c.held = false
		return noContent()
	case "moh POST":
		c.moh = true
		return noContent()
	case "moh DELETE":
		c.moh = false
		return noContent()
	case "play POST":
		return s.playLocked("channel:"+c.id, s.appsOf(c), sub, p)
	case "variable GET":
		name := p.get("variable")
		if name == "" {
			return fail(400, "Missing variable parameter.")
		}
		switch name {
		case "CALLERID(num)", "CALLERID(number)":
			return ok(map[string]string{"value": c.caller.Number})
		case "CALLERID(name)":
			return ok(map[string]string{"value": c.caller.Name})
		case "CONNECTEDLINE(num)", "CONNECTEDLINE(number)":
			return ok(map[string]string{"value": c.connected.Number})
		case "CONNECTEDLINE(name)":
			return ok(map[string]string{"value": c.connected.Name})
		}
		v, found := c.vars[name]
		if !found {
			return fail(404, "Provided variable was not found")
		}
		return ok(map[string]string{"value": v})
	case "variable POST":
		name := p.get("variable")
		if name == "" {
			return fail(400, "Missing variable parameter.")
		}
		s.applyVars(c, map[string]string{name: p.get("value")})
		// Asterisk writes a dialplan function (CDR(userfield), CALLERID(num)) through the
		// function and raises VarSet only for variables (pbx_builtin_setvar_helper).
		if !strings.HasSuffix(name, ")") {
			s.emitChannel(c, "ChannelVarset", map[string]any{"variable": name, "value": p.get("value")})
		}
		return noContent()
	}
	return fail(404, "Resource not found")
}

func (s *Server) dialLocked(c *channel, p params) reply {
	if c.dialed || c.phone == nil {
		return fail(409, "Channel cannot be dialed.")
	}
	c.dialed = true
	if callerID := p.get("caller"); callerID != "" {
		if caller := s.channels[callerID]; caller != nil {
			c.dialCaller = caller.snapshot()
			if _, set := c.vars["CONNECTEDLINE(num)"]; !set {
				c.connected = caller.caller
				s.emitChannel(c, "ChannelConnectedLine", nil)
			}
		}
	}
	var timeout time.Duration
	if t, err := strconv.Atoi(p.get("timeout")); err == nil && t > 0 {
		timeout = time.Duration(t) * time.Second
	}
	s.emitDial(c, "")
	s.ringPhoneLocked(c, timeout)
	return noContent()
}

// emitDial sends a Dial event for a leg dialled through ARI (not for originate).
func (s *Server) emitDial(c *channel, status string) {
	if !c.dialed {
		return
	}
	ev := map[string]any{"type": "Dial", "dialstatus": status, "forward": "", "dialstring": "", "peer": c.snapshot()}
	if status == "" {
		ev["dialstring"] = strings.SplitN(c.phone.Endpoint, "/", 2)[1]
	}
	if c.dialCaller != nil {
		ev["caller"] = c.dialCaller
	}
	s.emitLocked(s.appsOf(c), ev)
}
