package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/execassist/execassist/ari"
)

// adoptedCall is an answered call found bridged after execassist restarted, and its
// only state: its parties stay connected, and when one of them leaves the others are
// released and the bridge destroyed, as the conversation that built it would have done.
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
	c := &adoptedCall{bridge: b, parties: map[string]bool{}}
	for _, id := range b.Channels {
		c.parties[id] = true
		s.own(id)
	}
	s.res.bridges[b.ID] = b.Key()
	s.begin(recordAdopted, "", "").Decision = "adopted"
	s.box.put(resyncNeeded{}) // a call with one party left ends at once
	go s.run(ctx, c)
}

// handle drops the parties that leave; with fewer than two left the call is over and
// the teardown releases whoever is left and the bridge.
func (c *adoptedCall) handle(ctx context.Context, s *session, m message) state {
	switch m := m.(type) {
	case resyncNeeded:
		for id := range c.parties {
			if _, err := s.env.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, id)); errors.Is(err, ari.ErrNotFound) {
				delete(c.parties, id)
				s.forgotten(id)
			}
		}
	case eventMsg:
		if callerLeft(m.Event) {
			id := ari.ChannelID(m.Event)
			delete(c.parties, id)
			s.forgotten(id)
		}
	}
	if len(c.parties) < 2 {
		s.rec.Outcome = "answered"
		s.ended("party-hung-up", "a party of the adopted call hung up")
		return nil
	}
	return c
}

// stopping again: the call stays connected.
func (c *adoptedCall) stopping(_ context.Context, s *session) { s.keepAll() }

func (c *adoptedCall) failOpen(context.Context, *session, string) {}
