package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/execassist/execassist/store"
)

// With the etcd store several execassists run, one beside each Asterisk. Settings are
// shared; calls are not: ARI is node-local, so a call stays with the node it arrived
// at. Each node shares what its calls are (store.PublishCall) so that a FAC or a
// console action meant for a call on another node is refused with that node's name
// instead of "no call", and never acted on wrongly.

// OtherNodeError refuses an action on a call that lives on another node.
type OtherNodeError struct {
	Call, Node string
}

func (e *OtherNodeError) Error() string {
	return fmt.Sprintf("call %s is on node %s: calls stay on the node they arrived at; act on it from %s's page or a phone registered there", e.Call, e.Node, e.Node)
}

// Node is this execassist's name among the others.
func (a *App) Node() string {
	if a.store == nil {
		return ""
	}
	return a.store.Node()
}

// remoteCalls decodes the calls other nodes share, each with its node.
func remoteCalls(st settings) []LiveCall {
	var out []LiveCall
	for _, r := range st.RemoteCalls() {
		var c LiveCall
		if json.Unmarshal(r.Record, &c) == nil {
			c.ID, c.Node = r.ID, r.Node
			out = append(out, c)
		}
	}
	return out
}

// AllCalls is LiveCalls and the calls other nodes share (their Node set), for the API.
func (a *App) AllCalls() []LiveCall {
	calls, _ := a.LiveCalls()
	return append(calls, a.RemoteCalls()...)
}

// RemoteCalls lists the calls other nodes share, their Node set (none on one node).
func (a *App) RemoteCalls() []LiveCall {
	if a.store == nil {
		return nil
	}
	return remoteCalls(a.store)
}

// elsewhere names the node of an answered call on another node that match accepts, or "".
func (e *callEnv) elsewhere(match func(LiveCall) bool) string {
	if e.settings == nil {
		return ""
	}
	for _, c := range remoteCalls(e.settings) {
		if !c.AnsweredAt.IsZero() && match(c) {
			return c.Node
		}
	}
	return ""
}

// shareCalls publishes this node's live calls whenever they change (etcd only): the
// registry's change channel wakes it, changes within shareEvery are written together,
// and only the calls that changed are encoded, never on a call's own goroutine.
func (a *App) shareCalls(ctx context.Context) {
	if a.store == nil || !a.store.Health().Shared {
		return
	}
	seen := map[string]uint64{}
	for {
		changed, revs, gone, next := a.registry.delta(seen)
		for _, c := range changed {
			raw, _ := json.Marshal(c)
			a.store.PublishCall(c.ID, raw)
		}
		for _, id := range gone {
			a.store.PublishCall(id, nil)
		}
		seen = revs
		select {
		case <-next:
		case <-ctx.Done():
			for id := range seen {
				a.store.PublishCall(id, nil)
			}
			return
		}
		select {
		case <-time.After(shareEvery):
		case <-ctx.Done():
		}
	}
}

// shareEvery gathers a busy node's call changes into one write.
const shareEvery = 20 * time.Millisecond

// followSettings keeps this node's BLF lamps with the settings, whoever changed them:
// a FAC or the API here, an import, or another node (through the store's watch). It
// waits on the snapshot being superseded (no polling) and sets only the lamps that
// changed.
func (a *App) followSettings(ctx context.Context) {
	if a.store == nil {
		return
	}
	snap := a.store.Snapshot()
	lamps := lampStates(snap)
	for {
		select {
		case <-snap.Superseded():
		case <-ctx.Done():
			return
		}
		snap = a.store.Snapshot()
		now := lampStates(snap)
		for exec, state := range now {
			if lamps[exec] == state {
				continue
			}
			if err := a.cli.DeviceState().Update(ctx, FilteringDevice(exec), state); err != nil {
				a.log.Warn().Err(err).Str("executive", exec).Msg("BLF device state not set")
			}
		}
		lamps = now
	}
}

// lampStates is each executive's filtering lamp: INUSE while filtering is on.
func lampStates(snap *store.Snapshot) map[string]string {
	out := map[string]string{}
	for _, u := range snap.Config.Users {
		if u.Executive == nil {
			continue
		}
		on, _ := snap.Runtime.FilteringOn(&u)
		out[u.Extension] = map[bool]string{true: "INUSE", false: "NOT_INUSE"}[on]
	}
	return out
}

// otherNodePrompt is the announcement for a FAC meant for a call on another node:
// the configured prompt with {node} spelled out (node names are letters, digits, '.',
// '-' and '_', safe in a characters: media URI).
func otherNodePrompt(prompt, node string) string {
	return strings.ReplaceAll(prompt, "{node}", node)
}
