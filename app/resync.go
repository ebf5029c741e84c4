package app

// After every (re)connection: the event filter, the BLF lamps, and callers left in
// Stasis by an earlier execassist (continued, never dropped).

import (
	"context"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
)

// resync runs after every (re)connection: channels still in the app that no session
// owns (execassist restarted, or their session ended during the outage) are put back on
// the normal path: callers continue in the dialplan, our stray legs are hung up.
// Channels already in a bridge are answered calls: they are left connected. A channel
// counts as orphaned only if it is still in the app and unowned a grace period later,
// so a call whose StasisStart is still on its way is not mistaken for one.
func (a *App) resync(ctx context.Context, ev *ari.Connected) {
	a.adoptBridges(ctx)
	candidates, err := a.unownedChannels(ctx)
	if err != nil || len(candidates) == 0 {
		return
	}
	select {
	case <-time.After(a.grace):
	case <-ctx.Done():
		return
	}
	again, err := a.unownedChannels(ctx)
	if err != nil {
		return
	}
	for _, c := range again {
		if !containsChannel(candidates, c.ID) {
			continue
		}
		log := a.log.With().Str("channel", c.ID).Bool("reconnect", ev.Reconnect).Logger()
		if isIncomingCaller(c, a.cli.ApplicationName()) {
			log.Info().Msg("resync: orphaned caller continues in the dialplan")
			continueCaller(ctx, a.cli, c.Key(), log)
		} else {
			log.Info().Msg("resync: orphaned channel hung up")
			_ = a.cli.Channel().Hangup(ctx, c.Key(), "normal")
		}
	}
}

// unusedEvents are event types the app never reads; asking Asterisk not to send them
// spares both sides the JSON (Dial alone is three events per leg).
var unusedEvents = []string{"Dial", "ChannelVarset", "ChannelDialplan", "ChannelConnectedLine", "ChannelCallerId"}

// filterEvents sets the application's event filter; an Asterisk without eventFilter
// (before 16.3) just sends everything.
func (a *App) filterEvents(ctx context.Context) {
	if _, err := a.cli.Application().Filter(ctx, a.cli.ApplicationName(), nil, unusedEvents); err != nil {
		a.log.Info().Err(err).Msg("event filter not set; receiving every event type")
	}
}

// syncLamps sets every executive's filtering BLF device state from the store, so the
// lamps are right after a restart or an Asterisk reload.
func (a *App) syncLamps(ctx context.Context) {
	if a.store == nil {
		return
	}
	for exec, state := range lampStates(a.store.Snapshot()) {
		if err := a.cli.DeviceState().Update(ctx, FilteringDevice(exec), state); err != nil {
			a.log.Warn().Err(err).Str("executive", exec).Msg("BLF device state not set")
		}
	}
}

func containsChannel(list []ari.ChannelData, id string) bool {
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

// unownedChannels lists channels in the app, not in a bridge, that no session owns.
func (a *App) unownedChannels(ctx context.Context) ([]ari.ChannelData, error) {
	app, err := a.cli.Application().Data(ctx, a.cli.ApplicationName())
	if err != nil {
		a.log.Warn().Err(err).Msg("resync: cannot read the application's channels")
		return nil, err
	}
	if len(app.ChannelIDs) == 0 {
		return nil, nil
	}
	chans, err := a.cli.Channel().List(ctx)
	if err != nil {
		a.log.Warn().Err(err).Msg("resync: cannot list channels")
		return nil, err
	}
	mine := map[string]bool{}
	for _, id := range app.ChannelIDs {
		mine[id] = true
	}
	bridged := map[string]bool{}
	if brs, err := a.cli.Bridge().List(ctx); err == nil {
		for _, b := range brs {
			for _, id := range b.Channels {
				bridged[id] = true
			}
		}
	}
	var out []ari.ChannelData
	for _, c := range chans {
		if !mine[c.ID] || bridged[c.ID] {
			continue
		}
		owned := make(chan bool, 1)
		if !a.onDispatcher(func() { owned <- a.owners[c.ID] != nil }) || <-owned {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func isIncomingCaller(c ari.ChannelData, app string) bool {
	d := c.Dialplan.AppData
	return c.Dialplan.AppName == "Stasis" && strings.HasPrefix(d, app+","+argExec+",")
}
