package ari

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// Listen implements Client.Listen.
func (c *RESTClient) Listen(ctx context.Context) <-chan Event {
	out := make(chan Event, 1024)
	go func() {
		defer close(out)
		wait := c.minWait
		connectedBefore := false
		for attempt := 1; ctx.Err() == nil; attempt++ {
			ws, err := c.dialEvents(ctx)
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
				ws.CloseNow()
				return
			}
			connectedBefore = true
			kaCtx, stopKA := context.WithCancel(ctx)
			go c.keepAlive(kaCtx, ws)
			c.readEvents(ctx, ws, out)
			stopKA()
			ws.CloseNow()
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

func (c *RESTClient) dialEvents(ctx context.Context) (*websocket.Conn, error) {
	u := *c.base
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	u.Path = strings.TrimRight(u.Path, "/") + "/events"
	u.RawPath = ""
	u.RawQuery = url.Values{"app": {c.app}, "subscribeAll": {"false"}}.Encode()
	// An Origin of the ARI server itself (scheme://host:port), which ari.conf's
	// allowed_origins can name.
	origin := url.URL{Scheme: c.base.Scheme, Host: c.base.Host}
	hdr := http.Header{"Origin": {origin.String()}}
	auth := http.Request{Header: hdr}
	auth.SetBasicAuth(c.user, c.password)
	// ConnectTimeout bounds TCP/TLS and the upgrade; the connection outlives it.
	dialCtx, cancel := context.WithTimeout(ctx, c.connectTO)
	defer cancel()
	ws, resp, err := websocket.Dial(dialCtx, u.String(), &websocket.DialOptions{HTTPClient: c.http, HTTPHeader: hdr})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			// The upgrade was refused; a REST call says why (401: wrong user or
			// password) instead of "expected handshake response status code 101".
			if _, perr := c.Application().Data(ctx, c.app); perr != nil {
				return nil, fmt.Errorf("events WebSocket refused: %w", perr)
			}
			return nil, fmt.Errorf("events WebSocket refused: %s", resp.Status)
		}
		return nil, err
	}
	ws.SetReadLimit(maxEventBytes)
	return ws, nil
}

// maxEventBytes bounds one event message. Asterisk's largest (a bridge listing many
// channels, a ChannelVarset with a long value) are far below it; the library's default
// (32 KiB) is not.
const maxEventBytes = 16 << 20

// keepAlive pings every interval and closes the socket when no pong has come back
// within deadAfter, so that Listen reconnects instead of staying deaf while Asterisk
// keeps sending calls into Stasis.
func (c *RESTClient) keepAlive(ctx context.Context, ws *websocket.Conn) {
	t := time.NewTicker(c.pingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, c.deadAfter)
			err := ws.Ping(pctx) // the pong is read by readEvents
			cancel()
			if err != nil {
				if ctx.Err() == nil {
					c.log.Warn().Dur("silent_for", c.deadAfter).Msg("ARI events connection is dead; reconnecting")
				}
				ws.CloseNow()
				return
			}
		}
	}
}

// readEvents reads until the socket fails or ctx ends. A message that does not decode
// is logged (type only) and skipped: one bad message must not drop the connection.
func (c *RESTClient) readEvents(ctx context.Context, ws *websocket.Conn, out chan<- Event) {
	for {
		_, msg, err := ws.Read(ctx)
		if err != nil {
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
