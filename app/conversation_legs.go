package app

// What both states of an answered call use: legs rung to join it, FAC callers taken
// into it, the bridging warning tone and music on hold.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
)

func (v *conversation) recallAfter() time.Duration {
	eff := v.cfg.ExecutiveSettings(v.exec)
	return time.Duration(eff.PushRecallRings) * v.cfg.EffectiveDialing().RingDuration.D()
}

// adopt takes over the asking FAC caller's channel and puts it into the bridge; on
// failure the channel goes back to the asker, which announces why.
func (v *conversation) adopt(ctx context.Context, m facCaller, role partyRole, who string) bool {
	ch := m.channel
	v.s.env.transfer(ch.ID, v.s.id)
	v.s.own(ch.ID)
	giveBack := func() {
		v.s.handOn(ch.ID)
		v.s.env.transfer(ch.ID, m.asker)
	}
	if err := v.cli.Channel().Answer(ctx, ch.Key()); err != nil && ari.IsGone(err) {
		giveBack()
		return false
	}
	if err := v.cli.Bridge().AddChannel(ctx, v.bridge, ch.ID, ari.AddChannelOptions{}); err != nil {
		v.s.log.Warn().Err(err).Msg("could not add the FAC caller to the call")
		giveBack()
		return false
	}
	v.parties[ch.ID] = &party{id: ch.ID, role: role, who: who, device: ch.Device()}
	return true
}

// ringLegs creates legs to devices that join the bridge when answered (joins: what an
// API leg does then); it returns how many it created for who.
func (v *conversation) ringLegs(ctx context.Context, role partyRole, who string, joins ringJoin, devices ...string) int {
	name, num := v.remote.name, v.remote.number
	n := 0
	for _, d := range devices {
		v.nextLeg++
		id := v.callID + "-" + v.s.id + "-c" + strconv.Itoa(v.nextLeg)
		v.ringing[id] = &party{id: id, role: role, who: who, device: d, joins: joins}
		v.s.own(id)
		err := createLeg(ctx, v.cli, v.s.id, outgoingLeg{id: id, endpoint: d, originator: v.remote.id, shownName: name, shownNum: num})
		if err != nil {
			delete(v.ringing, id)
			if _, refused := errors.AsType[*ari.Error](err); refused {
				v.s.forgotten(id) // Asterisk refused it: there is no channel
			} else {
				v.s.release(ctx, id, "normal") // no answer: the leg may exist; make sure not
			}
			v.s.log.Info().Err(err).Str("device", d).Msg("push/recall leg not created")
			continue
		}
		n++
	}
	return n
}

// ringEvent handles an event of a leg rung to join: its StasisStart dials it (for at
// most timeout; 0: no limit), its answer calls up, its end calls failed.
func (v *conversation) ringEvent(ctx context.Context, e ari.Event, r *party, timeout time.Duration, up, failed func()) {
	switch ev := e.(type) {
	case *ari.StasisStart:
		if err := v.cli.Channel().Dial(ctx, ari.NewKey(ari.ChannelKey, r.id), "", timeout); err != nil {
			delete(v.ringing, r.id)
			v.hangup(ctx, r.id)
			failed()
		}
	case *ari.ChannelStateChange:
		if ev.Channel.State == "Up" {
			up()
		}
	case *ari.StasisEnd, *ari.ChannelDestroyed:
		delete(v.ringing, r.id)
		v.s.forgotten(r.id)
		failed()
	}
}

// warnOfBridging plays the executive's bridging warning tone (once, or every 30 s).
func (v *conversation) warnOfBridging(ctx context.Context) {
	tone := v.cfg.ExecutiveSettings(v.exec).BridgeWarningTone
	if tone != "none" {
		v.playWarning(ctx)
	}
	if tone == "barge-in-repeat" && !v.s.armed(timerWarn) {
		v.s.after(30*time.Second, timerWarn)
	}
}

// playWarning plays the barge-in warning into the bridge and stops it after the
// configured duration: a tone would otherwise play over the conversation until the
// call ends.
func (v *conversation) playWarning(ctx context.Context) {
	v.stopWarning(ctx)
	p := v.cfg.EffectivePrompts()
	pb, err := v.s.play(ctx, v.bridge, strings.Split(p.WarningTone, ","))
	if err != nil {
		v.s.log.Warn().Err(err).Msg("warning tone")
		return
	}
	v.warnPB = pb
	v.s.after(p.WarningToneDuration.D(), timerWarnStop)
}

func (v *conversation) stopWarning(ctx context.Context) {
	v.s.cancel(timerWarnStop)
	if v.warnPB != nil {
		v.s.stopPlayback(ctx, v.warnPB)
		v.warnPB = nil
	}
}

func (v *conversation) startMOH(ctx context.Context) {
	if err := v.cli.Bridge().MOH(ctx, v.bridge, "default"); err == nil {
		v.moh = true
	}
}

func (v *conversation) stopMOH(ctx context.Context) {
	if v.moh {
		_ = v.cli.Bridge().StopMOH(ctx, v.bridge)
		v.moh = false
	}
}

func (v *conversation) hasRole(role partyRole) bool {
	for _, p := range v.parties {
		if p.role == role {
			return true
		}
	}
	return false
}

// nameOf names a user in what the call says to people ("Ann Assist"), else by extension.
func (v *conversation) nameOf(ext string) string {
	if u := v.cfg.User(ext); u != nil && u.Name != "" {
		return u.Name
	}
	return ext
}
