// Package httpguard keeps serve's listener answering whoever else reaches it: deadlines
// for a request's headers, its body and the answer, a cap on open connections in all and
// per source address, and a small reserve of connections beyond the cap on which only
// the operations paths (/healthz, /metrics) are answered, so that monitoring still sees
// the process while the API is saturated. What a single process cannot withstand (a
// flood from many addresses) is for a reverse proxy or firewall in front of it.
package httpguard

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of a guarded listener. Zero fields take the defaults.
type Limits struct {
	// MaxConns bounds open connections in all (default 1024). Go raises the process's
	// file limit to its hard limit at start, so the default stays well inside it.
	MaxConns int
	// MaxConnsPerSource bounds one source address's open connections (default 128): a
	// reverse proxy multiplexes its clients over far fewer keep-alive connections.
	MaxConnsPerSource int
	// Reserve is how many connections beyond MaxConns are still accepted for the
	// operations paths only (default 32, at most 4 per source).
	Reserve int
	// ReadHeaderTimeout bounds reading a request's headers (default 5 s), ReadTimeout
	// headers and body (default 15 s), WriteTimeout the answer (default 30 s), and
	// IdleTimeout a keep-alive connection between requests (default 60 s). A stream
	// (Server-Sent Events) lifts the read deadline and sets a write deadline per write
	// (KeepStreaming).
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// OnRefused, when set, is told about refused connections, at most once a minute,
	// with how many were refused since the last call.
	OnRefused func(refused int64, why string)
}

const reservePerSource = 4

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxConns, 1024)
	def(&l.MaxConnsPerSource, 128)
	def(&l.Reserve, 32)
	defd(&l.ReadHeaderTimeout, 5*time.Second)
	defd(&l.ReadTimeout, 15*time.Second)
	defd(&l.WriteTimeout, 30*time.Second)
	defd(&l.IdleTimeout, 60*time.Second)
	return l
}

// Listener caps the connections of the listener it wraps. It owns the counts, behind
// its mutex; a connection gives its slot back when closed, once.
type Listener struct {
	net.Listener
	limits Limits

	mu        sync.Mutex
	open      int
	reserved  int
	perSource map[string]*sourceCount

	refused     atomic.Int64
	lastRefused atomic.Int64 // unix nanos of the last OnRefused call
}

type sourceCount struct{ open, reserved int }

// Listen wraps ln with limits.
func Listen(ln net.Listener, limits Limits) *Listener {
	return &Listener{Listener: ln, limits: limits.withDefaults(), perSource: map[string]*sourceCount{}}
}

// Accept returns the next connection within the limits; connections beyond them (and
// beyond the reserve) are closed at once and never reach the HTTP server.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		src := sourceOf(c.RemoteAddr())
		reserved, why := l.admit(src)
		if why != "" {
			_ = c.Close()
			l.noteRefused(why)
			continue
		}
		return &conn{Conn: c, l: l, src: src, reserved: reserved}, nil
	}
}

func (l *Listener) admit(src string) (reserved bool, refused string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sc := l.perSource[src]
	if sc == nil {
		sc = &sourceCount{}
		l.perSource[src] = sc
	}
	defer func() {
		if sc.open == 0 && sc.reserved == 0 {
			delete(l.perSource, src)
		}
	}()
	switch {
	case sc.open >= l.limits.MaxConnsPerSource:
		return false, "too many connections from one address"
	case l.open < l.limits.MaxConns:
		l.open++
		sc.open++
		return false, ""
	case l.reserved < l.limits.Reserve && sc.reserved < reservePerSource:
		l.reserved++
		sc.reserved++
		return true, ""
	}
	return false, "the listener is at its connection limit"
}

func (l *Listener) release(src string, reserved bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sc := l.perSource[src]
	if reserved {
		l.reserved--
		if sc != nil {
			sc.reserved--
		}
	} else {
		l.open--
		if sc != nil {
			sc.open--
		}
	}
	if sc != nil && sc.open <= 0 && sc.reserved <= 0 {
		delete(l.perSource, src)
	}
}

func (l *Listener) noteRefused(why string) {
	n := l.refused.Add(1)
	if l.limits.OnRefused == nil {
		return
	}
	now := time.Now().UnixNano()
	last := l.lastRefused.Load()
	if now-last < int64(time.Minute) || !l.lastRefused.CompareAndSwap(last, now) {
		return
	}
	l.limits.OnRefused(n, why)
}

// Refused counts the connections refused so far.
func (l *Listener) Refused() int64 { return l.refused.Load() }

// Open reports the connections open within the cap and in the reserve.
func (l *Listener) Open() (open, reserved int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open, l.reserved
}

func sourceOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

type conn struct {
	net.Conn
	l        *Listener
	src      string
	reserved bool
	once     sync.Once
}

func (c *conn) Close() error {
	c.once.Do(func() { c.l.release(c.src, c.reserved) })
	return c.Conn.Close()
}

type reservedKey struct{}

// Server is an http.Server for h on a guarded listener: the deadlines of limits, small
// headers, and on a reserve connection only opsPaths are answered (anything else gets
// 503 with Retry-After, and every answer there closes the connection).
func Server(h http.Handler, limits Limits, opsPaths ...string) *http.Server {
	limits = limits.withDefaults()
	return &http.Server{
		Handler:           reserveOnlyFor(h, opsPaths),
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		ReadTimeout:       limits.ReadTimeout,
		WriteTimeout:      limits.WriteTimeout,
		IdleTimeout:       limits.IdleTimeout,
		MaxHeaderBytes:    16 << 10,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if tc, ok := c.(*tls.Conn); ok {
				c = tc.NetConn()
			}
			if gc, ok := c.(*conn); ok && gc.reserved {
				ctx = context.WithValue(ctx, reservedKey{}, true)
			}
			return ctx
		},
	}
}

func reserveOnlyFor(h http.Handler, opsPaths []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(reservedKey{}) == nil {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		if slices.Contains(opsPaths, r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Retry-After", "5")
		http.Error(w, "the server is at its connection limit: try again shortly\n", http.StatusServiceUnavailable)
	})
}

// StreamWriteTimeout bounds each write of a stream: a client that stops reading is
// dropped after it.
const StreamWriteTimeout = 30 * time.Second

// KeepStreaming prepares a long answer (Server-Sent Events) on a guarded server: the
// request's read deadline is lifted (the connection stays readable, so a client that
// goes away is noticed) and the write deadline moved StreamWriteTimeout ahead. Call it
// again before each write.
func KeepStreaming(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Now().Add(StreamWriteTimeout))
}
