package ari

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/websocket"
)

// Listen implements Client.Listen.
func (c *RESTClient) Listen(ctx context.Context) <-chan Event {
	out := make(chan Event, 1024)
	go func() {
		defer close(out)
		wait := c.minWait
		connectedBefore := false
		for attempt := 1; ctx.Err() == nil; attempt++ {
			ws, live, err := c.dialEvents(ctx)
			if err != nil {
				c.log.Warn().Err(err).Int("attempt", attempt).Dur("retry_in", wait).Msg("ARI events connection failed")
				if !sleepCtx(ctx, wait) {
					return
				}
				wait = min(wait*2, c.maxWait)
				continue
			}
			c.log.Info().Bool("reconnect", connectedBefore).Msg("ARI events connected")
			wait = c.minWait
			select {
			case out <- &Connected{EventHeader: EventHeader{Type: "Connected", Application: c.app}, Reconnect: connectedBefore, Attempt: attempt}:
			case <-ctx.Done():
				ws.Close()
				return
			}
			connectedBefore = true
			kaCtx, stopKA := context.WithCancel(ctx)
			go c.keepAlive(kaCtx, ws, live)
			c.readEvents(ctx, ws, out)
			stopKA()
			ws.Close()
			if ctx.Err() != nil {
				return
			}
			select {
			case out <- &Disconnected{EventHeader: EventHeader{Type: "Disconnected", Application: c.app}}:
			case <-ctx.Done():
				return
			}
			c.log.Warn().Msg("ARI events connection dropped; reconnecting")
			if !sleepCtx(ctx, wait) {
				return
			}
		}
	}()
	return out
}

func (c *RESTClient) dialEvents(ctx context.Context) (*websocket.Conn, *liveConn, error) {
	u := *c.base
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	u.Path = strings.TrimRight(u.Path, "/") + "/events"
	u.RawPath = ""
	u.RawQuery = url.Values{"app": {c.app}, "subscribeAll": {"false"}}.Encode()
	// An Origin of the ARI server itself (scheme://host:port), which ari.conf's
	// allowed_origins can name.
	origin := url.URL{Scheme: c.base.Scheme, Host: c.base.Host}
	cfg, err := websocket.NewConfig(u.String(), origin.String())
	if err != nil {
		return nil, nil, err
	}
	cfg.Header = http.Header{}
	req := http.Request{Header: cfg.Header}
	req.SetBasicAuth(c.user, c.password)
	// Our own TCP (or TLS) connection, wrapped to see every byte that arrives, pongs
	// included: that is how a silently dead connection is told from a quiet PBX.
	host := c.base.Host
	if c.base.Port() == "" {
		host += map[string]string{"http": ":80", "https": ":443"}[c.base.Scheme]
	}
	dialCtx, cancel := context.WithTimeout(ctx, c.connectTO)
	defer cancel()
	var raw net.Conn
	if c.base.Scheme == "https" {
		raw, err = (&tls.Dialer{Config: &tls.Config{ServerName: c.base.Hostname()}}).DialContext(dialCtx, "tcp", host)
	} else {
		raw, err = (&net.Dialer{}).DialContext(dialCtx, "tcp", host)
	}
	if err != nil {
		return nil, nil, err
	}
	live := &liveConn{Conn: raw}
	live.touch()
	dl, _ := dialCtx.Deadline()
	_ = raw.SetDeadline(dl) // the upgrade handshake too
	ws, err := websocket.NewClient(cfg, live)
	if err != nil {
		raw.Close()
		if errors.Is(err, websocket.ErrBadStatus) {
			// The upgrade was refused; a REST call says why (401: wrong user or
			// password) instead of "bad status".
			if _, perr := c.Application().Data(ctx, c.app); perr != nil {
				return nil, nil, fmt.Errorf("events WebSocket refused: %w", perr)
			}
		}
		return nil, nil, err
	}
	_ = raw.SetDeadline(time.Time{})
	ws.PayloadType = websocket.PingFrame // we only ever write pings
	return ws, live, nil
}

// liveConn records when bytes last arrived on the events connection.
type liveConn struct {
	net.Conn
	last atomic.Int64 // unix nanoseconds
}

func (l *liveConn) touch() { l.last.Store(time.Now().UnixNano()) }

func (l *liveConn) Read(p []byte) (int, error) {
	n, err := l.Conn.Read(p)
	if n > 0 {
		l.touch()
	}
	return n, err
}

// keepAlive pings every interval and closes the socket when nothing (not even a pong)
// has arrived for deadAfter, so that Listen reconnects instead of staying deaf while
// Asterisk keeps sending calls into Stasis.
func (c *RESTClient) keepAlive(ctx context.Context, ws *websocket.Conn, live *liveConn) {
	t := time.NewTicker(c.pingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if time.Since(time.Unix(0, live.last.Load())) > c.deadAfter {
				c.log.Warn().Dur("silent_for", c.deadAfter).Msg("ARI events connection is dead; reconnecting")
				ws.Close()
				return
			}
			// Write holds the connection's write lock (x/net answers Asterisk's pings
			// from the reading goroutine); PayloadType is PingFrame for this socket.
			if _, err := ws.Write(nil); err != nil {
				return
			}
		}
	}
}

// readEvents reads until the socket fails or ctx ends. A message that does not decode
// is logged (type only) and skipped: one bad message must not drop the connection.
func (c *RESTClient) readEvents(ctx context.Context, ws *websocket.Conn, out chan<- Event) {
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	defer stop()
	for {
		var msg []byte
		if err := websocket.Message.Receive(ws, &msg); err != nil {
			return
		}
		e, err := DecodeEvent(msg)
		if err != nil {
			c.log.Warn().Err(err).Int("bytes", len(msg)).Msg("skipping undecodable ARI event")
			continue
		}
		select {
		case out <- e:
		case <-ctx.Done():
			return
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
