package ari

import (
	"context"
	"net/http"
	"net/url"
	"strings"
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
				ws.Close()
				return
			}
			connectedBefore = true
			c.readEvents(ctx, ws, out)
			ws.Close()
			if ctx.Err() != nil {
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
	cfg, err := websocket.NewConfig(u.String(), origin.String())
	if err != nil {
		return nil, err
	}
	cfg.Header = http.Header{}
	req := http.Request{Header: cfg.Header}
	req.SetBasicAuth(c.user, c.password)
	cfg.Dialer = nil
	return cfg.DialContext(ctx)
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
