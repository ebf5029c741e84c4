package app

import (
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
)

// settings is the part of the store a call may touch: the configuration snapshot it
// decides with, and the two settings a FAC changes.
type settings interface {
	Snapshot() *store.Snapshot
	SetFiltering(exec string, on bool) error
	SetOptIn(asst, exec string, in bool) error
	SetAvailability(exec string, a *config.Availability) error
	RemoteCalls() []store.RemoteCall
}

// callEnv is everything a call may use. Calls never reach the App itself
// (its dispatcher maps, its lifecycle): what they share with other calls goes through
// the registry, the journal and transfer.
type callEnv struct {
	cli      ari.Client
	clock    clock.Clock
	settings settings
	registry *registry
	// journal queues an entry; it never blocks a call.
	journal func(store.JournalEntry)
	// transfer makes the session with id to the owner of a channel's events (a FAC
	// caller joining a call, or handed back).
	transfer func(channelID, to string)
	// setup bounds the calls being set up and how long setting one up may take.
	setup *setupGate
	// plans is the policy compiled per settings snapshot.
	plans *plans
	// strict, when not nil, hears of resources left after a call ended.
	strict func(problem string)
}
