package app

// What the executives' own phones are doing, for the console: a call an executive makes
// or takes in the plain dialplan never passes through execassist, yet the assistants
// should see the executive is on the phone before they push a call.

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/execassist/execassist/ari"
)

// PhoneState is what an executive's phones are doing, as Asterisk's endpoints and
// channels say (GET /endpoints/{tech}/{resource}, then each of its channels).
type PhoneState string

const (
	// PhoneUnknown: not read yet, not an endpoint this Asterisk has, or no answer.
	PhoneUnknown PhoneState = ""
	// PhoneIdle: online (or not qualified) with no call off hook.
	PhoneIdle PhoneState = "idle"
	// PhoneInUse: a channel on one of the phones is off hook (talking, dialling out,
	// on hold). A phone only being rung (Ringing) is not in use: screening legs ring the
	// executive's phone for filtered calls.
	PhoneInUse PhoneState = "in-use"
	// PhoneOffline: every phone of the executive is qualified and unreachable.
	PhoneOffline PhoneState = "offline"
)

const (
	phoneGap = 300 * time.Millisecond // the least time between reads a call change causes
	phoneMax = 500                    // executives read per round, at most
)

// phoneStates is the last reading, owned by its mutex; changed is closed at the next
// change (as the registry's).
type phoneStates struct {
	mu      sync.Mutex
	states  map[string]PhoneState
	changed chan struct{}
}

// Phones returns each executive's phone state (executives not known are absent) and a
// channel closed when any of them changes.
func (a *App) Phones() (map[string]PhoneState, <-chan struct{}) {
	p := &a.phones
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.changed == nil {
		p.changed = make(chan struct{})
	}
	return maps.Clone(p.states), p.changed
}

func (p *phoneStates) set(now map[string]PhoneState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if maps.Equal(p.states, now) {
		return
	}
	p.states = now
	if p.changed != nil {
		close(p.changed)
		p.changed = nil
	}
}

// watchPhones reads the executives' phones every Options.PhoneEvery, and soon after a
// call changes (an answer, an end), at most once per phoneGap.
func (a *App) watchPhones(ctx context.Context) {
	if a.store == nil || a.phoneDue < 0 {
		return
	}
	tick := make(chan struct{}, 1)
	wake := func() {
		select {
		case tick <- struct{}{}:
		default:
		}
	}
	for {
		a.phones.set(a.readPhones(ctx))
		_, callsChanged := a.LiveCalls()
		t := a.clock.AfterFunc(a.phoneDue, wake)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-tick:
		case <-callsChanged:
			t.Stop()
			gap := a.clock.AfterFunc(phoneGap, wake)
			select {
			case <-ctx.Done():
				gap.Stop()
				return
			case <-tick:
			}
		}
	}
}

// readPhones asks Asterisk what each executive's devices are doing.
func (a *App) readPhones(ctx context.Context) map[string]PhoneState {
	out := map[string]PhoneState{}
	n := 0
	for _, u := range a.store.Snapshot().Config.Users {
		if u.Executive == nil || n >= phoneMax {
			continue
		}
		n++
		if st := a.phoneOf(ctx, u.Devices); st != PhoneUnknown {
			out[u.Extension] = st
		}
	}
	return out
}

// phoneOf combines one executive's devices: in use if any is, offline if all are.
func (a *App) phoneOf(ctx context.Context, devices []string) PhoneState {
	known, offline := 0, 0
	for _, dev := range devices {
		tech, res, ok := endpointOf(dev)
		if !ok {
			continue
		}
		ep, err := a.cli.Endpoint().Data(ctx, tech, res)
		if err != nil {
			if !errors.Is(err, ari.ErrNotFound) {
				a.log.Debug().Err(err).Str("device", dev).Msg("phone state not read")
			}
			continue
		}
		known++
		if ep.State == "offline" {
			offline++
		}
		for _, id := range ep.ChannelIDs {
			ch, err := a.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, id))
			if err == nil && ch.State != "Ringing" && ch.State != "Down" {
				return PhoneInUse
			}
		}
	}
	switch {
	case known == 0:
		return PhoneUnknown
	case offline == known:
		return PhoneOffline
	}
	return PhoneIdle
}

// endpointOf is the endpoint of a device's dial string: PJSIP/1001 and
// PJSIP/1001/sip:... are PJSIP 1001; Local and other channels that are not phones are
// not endpoints.
func endpointOf(device string) (tech, resource string, ok bool) {
	tech, rest, found := strings.Cut(device, "/")
	if !found || tech == "Local" || rest == "" {
		return "", "", false
	}
	resource, _, _ = strings.Cut(rest, "/")
	return tech, resource, resource != ""
}
