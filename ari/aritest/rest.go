package aritest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

type msg struct {
	Message string `json:"message"`
}

// reply is what a handler returns: status and body (nil for 204).
type reply struct {
	status int
	body   any
}

func ok(body any) reply { return reply{200, body} }
func noContent() reply  { return reply{204, nil} }
func fail(status int, m string) reply {
	return reply{status, msg{m}}
}

// allocationFailed is how Asterisk answers a create/originate to an unknown or offline
// endpoint: 500 with "error", not "message".
func allocationFailed() reply { return reply{500, map[string]string{"error": "Allocation failed"}} }

// params merges query parameters and a JSON body's variables.
type params struct {
	q    url.Values
	vars map[string]string
	body []byte
}

func (p params) get(k string) string { return p.q.Get(k) }

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/ari")
	if !s.authorised(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Asterisk REST Interface"`)
		writeJSON(w, 401, msg{"Authentication required"})
		return
	}
	p := params{q: r.URL.Query()}
	if r.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		p.body = b
		if len(b) > 0 {
			var body struct {
				Variables map[string]string `json:"variables"`
			}
			if err := json.Unmarshal(b, &body); err != nil {
				writeJSON(w, 400, msg{"Invalid JSON body"})
				return
			}
			p.vars = body.Variables
		}
	}
	seg := strings.Split(strings.Trim(path, "/"), "/")
	s.mu.Lock()
	if f := s.faultFor(r.Method, path); f != nil {
		s.mu.Unlock()
		status := serveFault(w, r, f)
		s.mu.Lock()
		s.requests = append(s.requests, Request{At: time.Now(), Method: r.Method, Path: path, Query: r.URL.RawQuery, Status: status})
		s.mu.Unlock()
		return
	}
	rep := s.route(r.Method, seg, p)
	s.requests = append(s.requests, Request{At: time.Now(), Method: r.Method, Path: path, Query: r.URL.RawQuery, Status: rep.status})
	s.mu.Unlock()
	writeJSON(w, rep.status, rep.body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// route dispatches one REST call; the caller holds s.mu.
func (s *Server) route(method string, seg []string, p params) reply {
	n := len(seg)
	at := func(i int) string {
		if i < n {
			return seg[i]
		}
		return ""
	}
	switch at(0) {
	case "channels":
		switch {
		case n == 1 && method == "GET":
			return s.listChannels()
		case n == 1 && method == "POST":
			return s.originate(p, p.get("channelId"))
		case n == 2 && at(1) == "create" && method == "POST":
			return s.createChannel(p)
		case n == 2 && method == "GET":
			return s.getChannel(at(1))
		case n == 2 && method == "POST":
			return s.originate(p, at(1))
		case n == 2 && method == "DELETE":
			return s.hangupChannel(at(1), p)
		case n >= 3:
			return s.channelOp(method, at(1), at(2), at(3), p)
		}
	case "bridges":
		switch {
		case n == 1 && method == "GET":
			return s.listBridges()
		case n == 1 && method == "POST":
			return s.createBridge(p.get("bridgeId"), p)
		case n == 2 && method == "POST":
			return s.createBridge(at(1), p)
		case n == 2 && method == "GET":
			return s.getBridge(at(1))
		case n == 2 && method == "DELETE":
			return s.destroyBridge(at(1))
		case n >= 3:
			return s.bridgeOp(method, at(1), at(2), at(3), p)
		}
	case "playbacks":
		if n == 2 {
			return s.playbackOp(method, at(1))
		}
	case "applications":
		return s.applicationOp(method, seg[1:], p)
	case "asterisk":
		if n == 2 && at(1) == "info" && method == "GET" {
			return ok(map[string]any{
				"build":  map[string]string{"os": "Linux", "kernel": "6.1", "machine": "x86_64", "user": "root", "date": "2026-11-01 00:00:00 UTC"},
				"system": map[string]string{"version": "22.10.1", "entity_id": asteriskID},
				"config": map[string]any{"name": "", "default_language": "en"},
				"status": map[string]string{"startup_time": s.stamp(), "last_reload_time": s.stamp()},
			})
		}
	case "endpoints":
		return s.endpointOp(method, seg[1:], p)
	case "recordings":
		return s.recordingOp(method, seg[1:])
	case "deviceStates":
		return s.deviceStateOp(method, strings.Join(seg[1:], "/"), p)
	}
	return fail(404, "Resource not found")
}
