package aritest

import "strings"

// snoopLocked is POST /channels/{id}/snoop (ari-traces/whisper-to-one-party-with-snoop):
// 200 with the new Snoop/<id>-N channel, Up, already in the app (StasisStart with
// appArgs), the snooped channel's bridge untouched; neither spy nor whisper: 400.
func (s *Server) snoopLocked(c *channel, p params) reply {
	spy, whisper := p.get("spy"), p.get("whisper")
	if (spy == "" || spy == "none") && (whisper == "" || whisper == "none") {
		return fail(400, "Direction must be specified for at least spy or whisper")
	}
	app := p.get("app")
	if app == "" {
		return fail(400, "Application name is required")
	}
	sn := s.newChannelLocked(p.get("snoopId"), "Snoop/"+c.id)
	sn.state, sn.snooping = "Up", true
	sn.context, sn.exten, sn.priority = "default", "s", 1
	sn.app, sn.inStasis, sn.args = app, true, splitArgs(p.get("appArgs"))
	sn.appName, sn.appData = "Stasis", strings.Join(append([]string{app}, sn.args...), ",")
	s.appLocked(app)
	snap := sn.snapshot()
	s.emitChannel(sn, "StasisStart", map[string]any{"args": nonNil(sn.args)})
	return ok(snap)
}

// Message is an out-of-dialog SIP MESSAGE sent with PUT /endpoints/.../sendMessage.
type Message struct{ To, From, Body string }

// Messages lists the messages sent so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// sendMessageLocked is PUT /endpoints/{tech}/{resource}/sendMessage and
// PUT /endpoints/sendMessage?to= (ari-traces/send-message-to-endpoint): 202 whatever
// the phone does with it (nothing tells the app), 404 for an endpoint that is not
// there.
func (s *Server) sendMessageLocked(to string, p params) reply {
	tech, res, _ := strings.Cut(to, "/")
	if tech == "" || res == "" || s.phones[strings.ToUpper(tech)+"/"+res] == nil && s.phones[tech+"/"+res] == nil {
		return fail(404, "Endpoint not found")
	}
	s.messages = append(s.messages, Message{To: to, From: p.get("from"), Body: p.get("body")})
	return reply{status: 202}
}
