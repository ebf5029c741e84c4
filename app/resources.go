package app

// What a call holds in Asterisk, and the one teardown that gives it all back.

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/clock"
)

// timerName names one of a call's timers: a call has at most one of each armed.
type timerName string

const (
	timerRollover   timerName = "rollover"  // no assistant answered in time
	timerRecall     timerName = "recall"    // the pushed call returns to the assistant
	timerWarn       timerName = "warn"      // the next barge-in-repeat tone
	timerWarnStop   timerName = "warn-stop" // stops the tone playing now
	timerDigits     timerName = "digits"    // a FAC's prompt waited long enough for digits
	timerAnnounce   timerName = "announce"  // a FAC's announcement played long enough
	timerPushKey    timerName = "push-key"  // an announced push: no key pressed, the executive takes it
	timerCallerName timerName = "name"      // the caller's name: prompt or recording took too long
	timerPool       timerName = "pool"      // the executive rang alone long enough: the assistants too now
)

// playback is media the call plays and what it plays on (a channel or bridge id).
type playback struct {
	key *ari.Key
	on  string
}

// armedTimer is a timer and the generation it was armed with: a fire of an earlier
// generation (stopped or re-armed since) is stale.
type armedTimer struct {
	t   clock.Timer
	gen uint64
}

// resources are the channels, bridges, playbacks and timers a call holds. Invariant:
// everything execassist created for the call, or took over, is in it until it is
// released (hung up, destroyed, stopped) or handed on (a caller continued in the
// dialplan, a channel passed to another call, a call left connected at shutdown);
// teardown empties it. Only the session's goroutine touches it.
type resources struct {
	channels  map[string]bool // channel id -> true
	bridges   map[string]*ari.Key
	playbacks map[string]playback
	timers    map[timerName]armedTimer
	// recorded are stored recordings of the call (a caller's name), deleted at the end.
	recorded []string
	gen      uint64
	// ended is what the teardown released, for the strict check.
	endedChannels, endedBridges []string
}

func (r *resources) init() {
	r.channels, r.bridges, r.playbacks, r.timers = map[string]bool{}, map[string]*ari.Key{}, map[string]playback{}, map[timerName]armedTimer{}
}

// holds reports whether the call still holds channel id.
func (r *resources) holds(id string) bool { return r.channels[id] }

// current reports whether t is the last arming of its timer and still armed.
func (r *resources) current(t timerFired) bool {
	a, ok := r.timers[t.name]
	if !ok || a.gen != t.gen {
		return false
	}
	delete(r.timers, t.name)
	return true
}

// own adds a channel the call created or took over.
func (s *session) own(id string) { s.res.channels[id] = true }

// handOn drops a channel from the call without hanging it up: it went on in the
// dialplan, to another call, or stays up at shutdown.
func (s *session) handOn(id string) { delete(s.res.channels, id) }

// forgotten: a channel of the call is gone by itself (its StasisEnd or
// ChannelDestroyed arrived); there is nothing to release.
func (s *session) forgotten(id string) { delete(s.res.channels, id) }

// keepAll leaves everything the call holds in Asterisk (an answered call at shutdown:
// its bridge stays up and a restarted execassist adopts it).
func (s *session) keepAll() {
	s.stopTimers()
	s.res.channels, s.res.bridges, s.res.playbacks = map[string]bool{}, map[string]*ari.Key{}, map[string]playback{}
}

// after arms timer name to post timerFired once d has passed, replacing an earlier
// arming of the same timer.
func (s *session) after(d time.Duration, name timerName) {
	s.cancel(name)
	s.res.gen++
	gen, box := s.res.gen, s.box
	t := s.env.clock.AfterFunc(d, func() { box.put(timerFired{name: name, gen: gen}) })
	s.res.timers[name] = armedTimer{t: t, gen: gen}
}

// cancel stops timer name if armed.
func (s *session) cancel(name timerName) {
	if a, ok := s.res.timers[name]; ok {
		a.t.Stop()
		delete(s.res.timers, name)
	}
}

// armed reports whether timer name is armed.
func (s *session) armed(name timerName) bool { _, ok := s.res.timers[name]; return ok }

func (s *session) stopTimers() {
	for name := range s.res.timers {
		s.cancel(name)
	}
}

// release hangs up a channel of the call in the background: the session's loop and its
// timers never wait on a hang-up (a hung Asterisk must not delay a rollover); "already
// gone" is not an error.
func (s *session) release(ctx context.Context, id, reason string) {
	delete(s.res.channels, id)
	s.res.endedChannels = append(s.res.endedChannels, id)
	s.releases.Add(1)
	go func() {
		defer s.releases.Done()
		if err := s.env.cli.Channel().Hangup(ctx, ari.NewKey(ari.ChannelKey, id), reason); err != nil && !ari.IsGone(err) {
			s.log.Warn().Err(err).Str("channel", id).Msg("hang up")
		}
	}()
}

// newBridge creates a mixing bridge for the call (named bridgePrefix+<caller>: found
// again after a restart) and holds it.
func (s *session) newBridge(ctx context.Context, caller string) (*ari.Key, error) {
	b, err := s.env.cli.Bridge().Create(ctx, nil, "mixing", bridgePrefix+caller)
	if err != nil {
		return nil, err
	}
	s.res.bridges[b.ID()] = b.Key()
	return b.Key(), nil
}

// play starts media on a channel or bridge of the call and holds the playback.
func (s *session) play(ctx context.Context, on *ari.Key, media []string) (*ari.Key, error) {
	var pb *ari.PlaybackHandle
	var err error
	if on.Kind == ari.BridgeKey {
		pb, err = s.env.cli.Bridge().Play(ctx, on, "", media...)
	} else {
		pb, err = s.env.cli.Channel().Play(ctx, on, "", media...)
	}
	if err != nil {
		return nil, err
	}
	s.res.playbacks[pb.ID()] = playback{key: pb.Key(), on: on.ID}
	return pb.Key(), nil
}

// stopPlayback stops a playback of the call ("already finished" is not an error).
func (s *session) stopPlayback(ctx context.Context, pb *ari.Key) {
	if pb == nil {
		return
	}
	delete(s.res.playbacks, pb.ID)
	if err := s.env.cli.Playback().Stop(ctx, pb); err != nil && !ari.IsGone(err) {
		s.log.Warn().Err(err).Str("playback", pb.ID).Msg("stop playback")
	}
}

// finished: a playback of the call ended by itself.
func (s *session) finished(id string) { delete(s.res.playbacks, id) }

// continueCaller puts the session's first channel back on the dialplan (see
// continueCaller) and hands it on.
func (s *session) continueCaller(ctx context.Context, targets ...ari.ContinueTarget) {
	key := s.start.Channel.Key()
	s.handOn(key.ID)
	continueCaller(ctx, s.env.cli, key, s.log, targets...)
}

// teardown is the only place a call's remaining resources are given back: timers
// stopped, playbacks stopped, channels hung up, bridges destroyed. It then waits for
// the hang-ups, writes the call's record, and in strict mode checks with Asterisk that none of what was released
// is left.
func (s *session) teardown(ctx context.Context) {
	s.stopTimers()
	for _, pb := range s.res.playbacks {
		// Media on a channel or bridge released below ends with it; only media left
		// playing on something handed on is stopped.
		if !s.res.channels[pb.on] && s.res.bridges[pb.on] == nil {
			s.stopPlayback(ctx, pb.key)
		}
	}
	clear(s.res.playbacks)
	for _, id := range slices.Sorted(maps.Keys(s.res.channels)) {
		s.release(ctx, id, "normal")
	}
	for id, b := range s.res.bridges {
		delete(s.res.bridges, id)
		s.res.endedBridges = append(s.res.endedBridges, id)
		if err := s.env.cli.Bridge().Delete(ctx, b); err != nil && !ari.IsGone(err) {
			s.log.Warn().Err(err).Str("bridge", id).Msg("destroy bridge")
		}
	}
	s.releases.Wait()
	for _, name := range s.res.recorded { // after the channels: a hang-up stores the file
		if err := s.env.cli.Recording().DeleteStored(ctx, name); err != nil && !ari.IsGone(err) {
			s.log.Warn().Err(err).Str("recording", name).Msg("delete the caller's recorded name")
		}
	}
	s.res.recorded = nil
	s.writeRecord(s.env.clock.Now())
	if s.env.strict != nil {
		s.checkNothingLeft(ctx)
	}
}

// checkNothingLeft asks Asterisk for every channel and bridge the teardown released:
// each must be gone, as bbolt's strict mode checks every commit. A leftover is
// reported to env.strict (tests fail on it).
func (s *session) checkNothingLeft(ctx context.Context) {
	for _, id := range s.res.endedBridges {
		if _, err := s.env.cli.Bridge().Data(ctx, ari.NewKey(ari.BridgeKey, id)); !errors.Is(err, ari.ErrNotFound) {
			s.env.strict("session " + s.id + ": bridge " + id + " left after the call ended")
		}
	}
	for _, id := range s.res.endedChannels {
		if _, err := s.env.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, id)); !errors.Is(err, ari.ErrNotFound) {
			s.env.strict("session " + s.id + ": channel " + id + " left up after the call ended")
		}
	}
}
