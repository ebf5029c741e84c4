package aritest

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

type bridge struct {
	id, name, typ string
	app           string
	channels      []string
	moh           bool
	created       time.Time
}

func (b *bridge) technology() string {
	switch {
	case b.typ == "holding":
		return "holding_bridge"
	case len(b.channels) > 2:
		return "softmix"
	}
	return "simple_bridge"
}

// bridgeJSON is ARI's Bridge model.
type bridgeJSON struct {
	ID           string   `json:"id"`
	Technology   string   `json:"technology"`
	BridgeType   string   `json:"bridge_type"`
	BridgeClass  string   `json:"bridge_class"`
	Creator      string   `json:"creator"`
	Name         string   `json:"name"`
	Channels     []string `json:"channels"`
	CreationTime string   `json:"creationtime"`
	VideoMode    string   `json:"video_mode"`
}

func (b *bridge) snapshot() *bridgeJSON {
	return &bridgeJSON{ID: b.id, Technology: b.technology(), BridgeType: b.typ, BridgeClass: "stasis", Creator: "Stasis",
		Name: b.name, Channels: append([]string{}, b.channels...),
		CreationTime: b.created.UTC().Format("2006-01-02T15:04:05.000-0700"), VideoMode: "talker"}
}

func (s *Server) sortedChannels() []*channel {
	out := make([]*channel, 0, len(s.channels))
	for _, c := range s.channels {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out
}

func (s *Server) sortedBridges() []*bridge {
	out := make([]*bridge, 0, len(s.bridges))
	for _, b := range s.bridges {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) listBridges() reply {
	out := []*bridgeJSON{}
	for _, b := range s.sortedBridges() {
		out = append(out, b.snapshot())
	}
	return ok(out)
}

func (s *Server) getBridge(id string) reply {
	b := s.bridges[id]
	if b == nil {
		return fail(404, "Bridge not found")
	}
	return ok(b.snapshot())
}

// soleApp is the app a REST-created bridge belongs to: ARI subscribes the creating
// app; the fake knows apps only by their WebSockets, so it takes the one there is.
func (s *Server) soleApp() string {
	names := make([]string, 0, len(s.apps))
	for n := range s.apps {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 0 {
		return names[0]
	}
	return ""
}

func (s *Server) createBridge(id string, p params) reply {
	if id == "" {
		id = randomID()
	}
	if s.bridges[id] != nil {
		return fail(409, "Bridge with the same bridgeId already exists")
	}
	typ := "mixing"
	for _, t := range strings.Split(p.get("type"), ",") {
		if t == "holding" {
			typ = "holding"
		}
	}
	b := &bridge{id: id, name: p.get("name"), typ: typ, app: s.soleApp(), created: s.clock.Now()}
	s.bridges[id] = b
	return ok(b.snapshot())
}

func (s *Server) bridgeApps(b *bridge, c *channel) []string {
	apps := []string{b.app}
	if c != nil {
		apps = append(apps, c.app)
	}
	return apps
}

func (s *Server) leaveBridgeLocked(c *channel) {
	b := s.bridges[c.bridge]
	c.bridge = ""
	if b == nil {
		return
	}
	for i, id := range b.channels {
		if id == c.id {
			b.channels = append(b.channels[:i], b.channels[i+1:]...)
			break
		}
	}
	s.emitLocked(s.bridgeApps(b, c), map[string]any{"type": "ChannelLeftBridge", "bridge": b.snapshot(), "channel": c.snapshot()})
}

func (s *Server) destroyBridge(id string) reply {
	b := s.bridges[id]
	if b == nil {
		return fail(404, "Bridge not found")
	}
	for _, cid := range append([]string{}, b.channels...) {
		if c := s.channels[cid]; c != nil {
			s.leaveBridgeLocked(c)
		}
	}
	for _, pb := range s.playbacks {
		if pb.target == "bridge:"+b.id {
			s.finishPlaybackLocked(pb)
		}
	}
	s.emitLocked([]string{b.app}, map[string]any{"type": "BridgeDestroyed", "bridge": b.snapshot()})
	delete(s.bridges, id)
	return noContent()
}

func (s *Server) bridgeOp(method, id, op, sub string, p params) reply {
	b := s.bridges[id]
	if b == nil {
		return fail(404, "Bridge not found")
	}
	switch op + " " + method {
	case "addChannel POST":
		var added []*channel
		for _, cid := range strings.Split(p.get("channel"), ",") {
			c := s.channels[cid]
			if c == nil {
				return fail(400, "Channel not found")
			}
			if !c.inStasis {
				return fail(422, "Channel not in Stasis application")
			}
			added = append(added, c)
		}
		for _, c := range added {
			if c.bridge == b.id {
				continue
			}
			if c.bridge != "" {
				s.leaveBridgeLocked(c)
			}
			c.bridge = b.id
			b.channels = append(b.channels, c.id)
			s.emitLocked(s.bridgeApps(b, c), map[string]any{"type": "ChannelEnteredBridge", "bridge": b.snapshot(), "channel": c.snapshot()})
			if c.phone != nil && c.phone.Script.TalkAfterBridged > 0 && !c.talking {
				c.talking = true
				s.after(c, c.phone.Script.TalkAfterBridged, func() { s.phoneHangupLocked(c) })
			}
		}
		return noContent()
	case "removeChannel POST":
		c := s.channels[p.get("channel")]
		if c == nil {
			return fail(400, "Channel not found")
		}
		if c.bridge != b.id {
			return fail(422, "Channel not in this bridge")
		}
		s.leaveBridgeLocked(c)
		return noContent()
	case "moh POST":
		b.moh = true
		return noContent()
	case "moh DELETE":
		b.moh = false
		return noContent()
	case "play POST":
		return s.playLocked("bridge:"+b.id, []string{b.app}, sub, p)
	}
	return fail(404, "Resource not found")
}

func (s *Server) applicationData(a *application) map[string]any {
	chans, brs := []string{}, []string{}
	for _, c := range s.sortedChannels() {
		if c.app == a.name && c.inStasis {
			chans = append(chans, c.id)
		}
	}
	for _, b := range s.sortedBridges() {
		if b.app == a.name {
			brs = append(brs, b.id)
		}
	}
	eps, devs := []string{}, []string{}
	for e := range a.endpoints {
		eps = append(eps, e)
	}
	for d := range a.devices {
		devs = append(devs, d)
	}
	sort.Strings(eps)
	sort.Strings(devs)
	typesOf := func(m map[string]bool) []map[string]string {
		out := []map[string]string{}
		names := make([]string, 0, len(m))
		for t := range m {
			names = append(names, t)
		}
		sort.Strings(names)
		for _, t := range names {
			out = append(out, map[string]string{"type": t})
		}
		return out
	}
	return map[string]any{"name": a.name, "channel_ids": chans, "bridge_ids": brs, "endpoint_ids": eps,
		"device_names": devs, "events_allowed": typesOf(a.allowed), "events_disallowed": typesOf(a.disallow)}
}

func (s *Server) applicationOp(method string, seg []string, p params) reply {
	if len(seg) == 0 && method == "GET" {
		out := []map[string]any{}
		names := make([]string, 0, len(s.apps))
		for n := range s.apps {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, s.applicationData(s.apps[n]))
		}
		return ok(out)
	}
	if len(seg) == 0 {
		return fail(404, "Resource not found")
	}
	a := s.apps[seg[0]]
	if a == nil {
		return fail(404, "Application does not exist.")
	}
	if len(seg) == 1 && method == "GET" {
		return ok(s.applicationData(a))
	}
	if len(seg) == 2 && seg[1] == "eventFilter" && method == "PUT" {
		var body map[string][]struct {
			Type string `json:"type"`
		}
		if len(p.body) > 0 && json.Unmarshal(p.body, &body) != nil {
			return fail(400, "Bad request.")
		}
		set := func(key string, dst *map[string]bool) {
			list, given := body[key]
			if !given && len(p.body) > 0 {
				return
			}
			*dst = map[string]bool{}
			for _, t := range list {
				(*dst)[t.Type] = true
			}
		}
		set("allowed", &a.allowed)
		set("disallowed", &a.disallow)
		return ok(s.applicationData(a))
	}
	if len(seg) == 2 && seg[1] == "subscription" && method == "POST" {
		src := p.get("eventSource")
		if src == "" {
			return fail(400, "Missing parameter.")
		}
		kind, name, _ := strings.Cut(src, ":")
		switch kind {
		case "channel":
			if s.channels[name] == nil {
				return fail(422, "Event source does not exist.")
			}
		case "bridge":
			b := s.bridges[name]
			if b == nil {
				return fail(422, "Event source does not exist.")
			}
			b.app = a.name
		case "endpoint":
			if s.phones[name] == nil {
				return fail(422, "Event source does not exist.")
			}
			a.endpoints[name] = true
		case "deviceState":
			a.devices[name] = true
		default:
			return fail(400, "Invalid event source URI scheme.")
		}
		return ok(s.applicationData(a))
	}
	return fail(404, "Resource not found")
}
