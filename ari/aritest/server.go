package aritest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/execassist/execassist/internal/clock"
)

// Options configure a Server.
type Options struct {
	Username, Password string      // defaults "execassist" / "secret"
	Clock              clock.Clock // defaults to clock.Real
	// MediaDuration is how long one media item plays (default 500 ms).
	MediaDuration time.Duration
	// RecordEvents keeps every emitted event for Events() (trace comparisons); off,
	// a long load test does not grow the fake's memory.
	RecordEvents bool
	// ChannelVars are reported in every channel snapshot, as ari.conf
	// `channelvars = A,B` makes Asterisk do (unset ones as "").
	ChannelVars []string
}

// Server is the fake Asterisk.
type Server struct {
	// URL is the ARI base URL (http://127.0.0.1:port/ari).
	URL      string
	Username string
	Password string

	clock    clock.Clock
	mediaDur time.Duration
	chanVars []string
	record   bool
	hs       *httptest.Server

	mu        sync.Mutex
	epoch     int64
	seq       int
	nameSeq   int
	channels  map[string]*channel
	bridges   map[string]*bridge
	playbacks map[string]*playback
	// recordings live now, by name; stored files (name -> format); noRecordingDir: the
	// lab's spool recording folder is missing.
	recordings     map[string]*recording
	stored         map[string]string
	noRecordingDir bool
	messages       []Message // SIP MESSAGEs sent to endpoints
	phones         map[string]*Phone
	devices        map[string]string
	apps           map[string]*application
	labels         map[string]bool
	continued      map[string]Continuation
	requests       []Request
	events         []json.RawMessage
	faults         []*fault
}

// Request is one REST call the fake served, for assertions such as "nothing was dialled".
type Request struct {
	At     time.Time // wall clock, for latency measurements
	Method string
	Path   string // below /ari, without query
	Query  string
	Status int
}

type application struct {
	name      string
	allowed   map[string]bool // event filter: only these types (empty: all)
	disallow  map[string]bool // event filter: never these types
	conns     map[*wsConn]bool
	endpoints map[string]bool
	devices   map[string]bool
}

// New starts a fake Asterisk on a loopback port; Close stops it.
func New(opts Options) *Server {
	s := &Server{
		Username:  opts.Username,
		Password:  opts.Password,
		clock:     opts.Clock,
		mediaDur:  opts.MediaDuration,
		chanVars:  opts.ChannelVars,
		record:    opts.RecordEvents,
		channels:  map[string]*channel{},
		bridges:   map[string]*bridge{},
		playbacks: map[string]*playback{}, recordings: map[string]*recording{}, stored: map[string]string{},
		phones:    map[string]*Phone{},
		devices:   map[string]string{},
		apps:      map[string]*application{},
		labels:    map[string]bool{},
		continued: map[string]Continuation{},
	}
	if s.Username == "" {
		s.Username, s.Password = "execassist", "secret"
	}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	if s.mediaDur == 0 {
		s.mediaDur = 500 * time.Millisecond
	}
	s.epoch = s.clock.Now().Unix()
	mux := http.NewServeMux()
	mux.HandleFunc("/ari/events", s.serveEvents)
	mux.HandleFunc("/ari/", s.serveREST)
	s.hs = httptest.NewServer(mux)
	s.URL = s.hs.URL + "/ari"
	return s
}

// Close drops every connection and stops the server.
func (s *Server) Close() {
	s.DropConnections()
	s.hs.Close()
}

func (s *Server) authorised(r *http.Request) bool {
	if u, p, ok := r.BasicAuth(); ok {
		return u == s.Username && p == s.Password
	}
	return r.URL.Query().Get("api_key") == s.Username+":"+s.Password
}

// wsConn queues events for one WebSocket; a writer goroutine drains the queue so that
// emitting under the state lock never waits for the network.
type wsConn struct {
	ws     *websocket.Conn
	mu     sync.Mutex
	cond   *sync.Cond
	queue  [][]byte
	closed bool
}

func (c *wsConn) push(b []byte) {
	c.mu.Lock()
	if !c.closed {
		c.queue = append(c.queue, b)
		c.cond.Signal()
	}
	c.mu.Unlock()
}

func (c *wsConn) close() {
	c.mu.Lock()
	c.closed = true
	c.cond.Broadcast()
	ws := c.ws
	c.mu.Unlock()
	if ws != nil {
		ws.CloseNow()
	}
}

// serveEvents is GET /ari/events: Asterisk answers a bad user or password with 401
// and a missing app with 400 before any upgrade, registers the application before the
// 101 reaches the client (events from then on are queued for this connection) and
// refuses an Origin that is not allowed (here: any but the server's own) with 403.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	if !s.authorised(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Asterisk REST Interface"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Authentication required"})
		return
	}
	names := r.URL.Query().Get("app")
	if names == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Missing param 'app'"})
		return
	}
	c := &wsConn{}
	c.cond = sync.NewCond(&c.mu)
	s.mu.Lock()
	for _, n := range strings.Split(names, ",") {
		s.appLocked(n).conns[c] = true
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		for _, a := range s.apps {
			delete(a.conns, c)
		}
		s.mu.Unlock()
	}()
	ws, err := websocket.Accept(w, r, nil) // same-origin only, like allowed_origins unset
	if err != nil {
		return
	}
	ws.SetReadLimit(1 << 20)
	c.mu.Lock()
	c.ws = ws
	closed := c.closed
	c.mu.Unlock()
	if closed {
		ws.CloseNow()
		return
	}
	// A reader answers pings and notices the peer closing.
	go func() {
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				break
			}
		}
		c.close()
	}()
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.closed {
			c.cond.Wait()
		}
		if c.closed {
			c.mu.Unlock()
			break
		}
		b := c.queue[0]
		c.queue = c.queue[1:]
		c.mu.Unlock()
		if err := ws.Write(context.Background(), websocket.MessageText, b); err != nil {
			c.close()
			break
		}
	}
}

func (s *Server) appLocked(name string) *application {
	a := s.apps[name]
	if a == nil {
		a = &application{name: name, conns: map[*wsConn]bool{}, endpoints: map[string]bool{}, devices: map[string]bool{}}
		s.apps[name] = a
	}
	return a
}

// wants applies the app's event filter, as Asterisk does.
func (a *application) wants(typ string) bool {
	if a.disallow[typ] {
		return false
	}
	return len(a.allowed) == 0 || a.allowed[typ]
}

// DropConnections closes every events WebSocket, as a network blip would. Channels stay
// in Stasis and in their bridges; events emitted while no socket is open are lost.
func (s *Server) DropConnections() {
	s.mu.Lock()
	var conns []*wsConn
	for _, a := range s.apps {
		for c := range a.conns {
			conns = append(conns, c)
		}
		a.conns = map[*wsConn]bool{}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// Connections counts open events WebSockets.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.apps {
		n += len(a.conns)
	}
	return n
}

// emitLocked sends an event to the apps named, in order; the caller holds s.mu.
func (s *Server) emitLocked(apps []string, ev map[string]any) {
	if len(apps) == 0 {
		return
	}
	ev["timestamp"] = s.stamp()
	ev["asterisk_id"] = asteriskID
	seen := map[string]bool{}
	for _, name := range apps {
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		a := s.apps[name]
		if a != nil && !a.wants(ev["type"].(string)) {
			continue
		}
		ev["application"] = name
		b, _ := json.Marshal(ev)
		if s.record {
			s.events = append(s.events, b)
		}
		if a != nil {
			for c := range a.conns {
				c.push(b)
			}
		}
	}
}

const asteriskID = "02:fc:00:00:00:01"

// stamp formats time as Asterisk does in events: 2026-11-24T00:00:46.371+0000.
func (s *Server) stamp() string { return s.clock.Now().UTC().Format("2006-01-02T15:04:05.000-0700") }

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Events returns every event the fake has emitted, as sent on the wire (with
// Options.RecordEvents).
func (s *Server) Events() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.events...)
}

// Counts returns how many channels (in Stasis or not) and bridges exist: a cheap
// progress probe for load tests.
func (s *Server) Counts() (channels, bridges int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.channels), len(s.bridges)
}

// InStasis counts channels still in the app: all but those continued into the dialplan
// (a load generator's "calls in progress"; Counts includes the continued ones, which a
// real Asterisk would be dialling on in the dialplan).
func (s *Server) InStasis() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id := range s.channels {
		if _, continued := s.continued[id]; !continued {
			n++
		}
	}
	return n
}

// Requests returns every REST call served so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}
