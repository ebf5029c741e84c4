package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/execassist/execassist/ari"
)

// adoptedCall is an answered call found bridged after execassist restarted: its parties
// stay connected, and when one of them leaves the others are released and the bridge
// destroyed, as the conversation that built it would have done.
type adoptedCall struct {
	bridge  ari.BridgeData
	parties map[string]bool
}

// adoptBridges finds execassist's bridges that no session owns (after a restart) and
// gives each a session.
func (a *App) adoptBridges(ctx context.Context) {
	bridges, err := a.cli.Bridge().List(ctx)
	if err != nil {
		a.log.Warn().Err(err).Msg("resync: cannot list bridges")
		return
	}
	for _, b := range bridges {
		if !strings.HasPrefix(b.Name, bridgePrefix) || len(b.Channels) == 0 {
			continue
		}
		a.onDispatcher(func() { a.startAdopted(ctx, b) })
	}
}

// startAdopted runs on the dispatcher goroutine.
func (a *App) startAdopted(ctx context.Context, b ari.BridgeData) {
	for _, id := range b.Channels {
		if a.owners[id] != nil {
			return // a live session has it
		}
	}
	id := "s" + strconv.FormatUint(a.seq.Add(1), 36)
	s := newSession(a, id, &ari.StasisStart{Channel: ari.ChannelData{ID: b.Channels[0]}},
		a.log.With().Str("session", id).Str("bridge", b.ID).Logger())
	a.sessions[id] = s
	for _, ch := range b.Channels {
		a.owners[ch] = s
	}
	a.wg.Add(1)
	a.active.Add(1)
	s.log.Info().Strs("channels", b.Channels).Msg("resync: adopted an answered call")
	go s.run(ctx, &adoptedCall{bridge: b})
}

func (c *adoptedCall) run(ctx context.Context, s *session) behaviour {
	c.parties = map[string]bool{}
	for _, id := range c.bridge.Channels {
		c.parties[id] = true
	}
	for len(c.parties) >= 2 {
		msg := s.next()
		switch m := msg.(type) {
		case nil:
			return nil // stopping again: the call stays connected
		case resyncNeeded:
			for id := range c.parties {
				if _, err := s.env.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, id)); errors.Is(err, ari.ErrNotFound) {
					delete(c.parties, id)
				}
			}
		case eventMsg:
			switch m.Event.(type) {
			case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
				delete(c.parties, ari.ChannelID(m.Event))
			}
		}
	}
	c.failOpen(ctx, s, "a party left")
	return nil
}

// failOpen releases whoever is left and the bridge.
func (c *adoptedCall) failOpen(ctx context.Context, s *session, _ string) {
	for id := range c.parties {
		s.release(ctx, id, "normal")
	}
	if err := s.env.cli.Bridge().Delete(ctx, c.bridge.Key()); err != nil && !ari.IsGone(err) {
		s.log.Warn().Err(err).Msg("destroy bridge")
	}
}
