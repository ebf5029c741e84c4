package app

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/buildinfo"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// Options configure an App.
type Options struct {
	Client ari.Client
	Store  *store.Store
	Log    zerolog.Logger
	Clock  clock.Clock // default clock.Real
	// ResyncGrace is how long a channel must stay unowned after a (re)connection to
	// count as orphaned (default 1 s).
	ResyncGrace time.Duration
	// Build is shown by execassist_build_info (default: this binary's).
	Build *buildinfo.Info
	// SetupLimit bounds the filtered calls being set up at once (default 256) and
	// SetupDeadline how long setting one up may take (default 2 s); a call beyond either
	// is continued in the dialplan at once.
	SetupLimit    int
	SetupDeadline time.Duration
	// PhoneEvery is how often the executives' phones are read for the console
	// (default 2 s); negative: they are not watched (tests about other things, whose
	// fake clock must have no timer left when a call ends).
	PhoneEvery time.Duration
	// Strict, when set, is told of every channel or bridge Asterisk still has after
	// the call that released it ended (tests fail on it; see session.teardown). It
	// costs a REST call per resource, so production leaves it nil.
	Strict func(problem string)
}

// App is the running Stasis application.
type App struct {
	cli   ari.Client
	store *store.Store
	log   zerolog.Logger
	clock clock.Clock

	ctl      chan func() // work for the dispatcher goroutine
	stopped  chan struct{}
	owners   map[string]*session // channel id -> session; dispatcher goroutine only
	sessions map[string]*session // session id -> session; dispatcher goroutine only
	wg       sync.WaitGroup
	seq      atomic.Uint64
	active   atomic.Int64
	registry registry
	phones   phoneStates
	grace    time.Duration
	phoneDue time.Duration
	journalQ chan store.JournalEntry
	journalW sync.WaitGroup
	env      *callEnv
	metrics  *metrics
}

// New builds an App; Run starts it.
func New(opts Options) *App {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.ResyncGrace <= 0 {
		opts.ResyncGrace = time.Second
	}
	if opts.PhoneEvery == 0 {
		opts.PhoneEvery = 2 * time.Second
	}
	a := &App{cli: opts.Client, store: opts.Store, log: opts.Log, clock: opts.Clock, grace: opts.ResyncGrace, phoneDue: opts.PhoneEvery,
		ctl: make(chan func()), stopped: make(chan struct{}),
		owners: map[string]*session{}, sessions: map[string]*session{},
		journalQ: make(chan store.JournalEntry, 4096)}
	setup := newSetupGate(opts.SetupLimit, opts.SetupDeadline)
	build := buildinfo.Read()
	if opts.Build != nil {
		build = *opts.Build
	}
	a.metrics = newMetrics(build, a.ActiveSessions, func() store.Health {
		if a.store == nil {
			return store.Health{Connected: true}
		}
		return a.store.Health()
	}, setup)
	a.env = &callEnv{cli: a.cli, clock: a.clock, registry: &a.registry, journal: a.journal, transfer: a.transfer, setup: setup,
		strict: opts.Strict, plans: &plans{log: opts.Log}}
	if a.store != nil {
		a.env.settings = a.store
	}
	return a
}

// ActiveSessions counts sessions still running (tests assert it returns to zero).
func (a *App) ActiveSessions() int { return int(a.active.Load()) }

// Run processes events until ctx ends, then waits for sessions to finish.
func (a *App) Run(ctx context.Context) error {
	events := a.cli.Listen(ctx)
	a.journalW.Add(1)
	go a.journalWriter()
	bg, stopBg := context.WithCancel(ctx)
	a.wg.Add(3)
	go func() { defer a.wg.Done(); a.followSettings(bg) }()
	go func() { defer a.wg.Done(); a.shareCalls(bg) }()
	go func() { defer a.wg.Done(); a.watchPhones(bg) }()
	defer func() {
		close(a.stopped)
		stopBg()
		a.wg.Wait()
		close(a.journalQ)
		a.journalW.Wait()
	}()
	for {
		select {
		case e, ok := <-events:
			if !ok {
				return ctx.Err()
			}
			a.dispatch(ctx, e)
		case f := <-a.ctl:
			f()
		}
	}
}

// transfer makes the session with id to the owner of channel id (a FAC caller joining
// a call, or handed back to the FAC session); the dispatcher resolves the session, so
// no session is handed to another.
func (a *App) transfer(id, to string) {
	a.onDispatcher(func() {
		if s := a.sessions[to]; s != nil {
			a.owners[id] = s
		}
	})
}

// onDispatcher runs f on the dispatcher goroutine; false if the app has stopped.
func (a *App) onDispatcher(f func()) bool {
	select {
	case a.ctl <- f:
		return true
	case <-a.stopped:
		return false
	}
}

func (a *App) dispatch(ctx context.Context, e ari.Event) {
	switch ev := e.(type) {
	case *ari.Disconnected:
		a.metrics.connected.Store(false)
		return
	case *ari.Connected:
		a.metrics.connected.Store(true)
		if ev.Reconnect {
			a.metrics.reconnects.Inc()
			// Events were lost while the socket was down: every session re-reads the
			// state of its channels.
			for _, s := range a.sessions {
				s.box.put(resyncNeeded{})
			}
		}
		a.wg.Add(2)
		go func() { defer a.wg.Done(); a.filterEvents(ctx); a.resync(ctx, ev) }()
		go func() { defer a.wg.Done(); a.syncLamps(ctx) }()
		return
	case *ari.StasisStart:
		a.stasisStart(ctx, ev)
		return
	}
	id := ari.ChannelID(e)
	if id == "" {
		return
	}
	s := a.owners[id]
	if s == nil {
		return // a channel we no longer own, e.g. continued into the dialplan
	}
	s.box.put(eventMsg{e})
	if _, gone := e.(*ari.ChannelDestroyed); gone {
		delete(a.owners, id)
	}
}

func (a *App) stasisStart(ctx context.Context, ev *ari.StasisStart) {
	ch := ev.Channel
	kind := ""
	if len(ev.Args) > 0 {
		kind = ev.Args[0]
	}
	switch kind {
	case argLeg:
		// Our own outgoing leg: args are leg,<session id>.
		if len(ev.Args) > 1 {
			if s := a.sessions[ev.Args[1]]; s != nil {
				a.owners[ch.ID] = s
				s.box.put(eventMsg{ev})
				return
			}
		}
		a.log.Warn().Str("channel", ch.ID).Msg("leg of an ended session; hanging up")
		go a.cli.Channel().Hangup(ctx, ch.Key(), "normal")
	case argExec:
		a.start(ctx, ev, newIncomingCall)
	case argFAC:
		a.start(ctx, ev, newFACCall)
	default:
		if ev.ReplaceChannel != nil && len(ev.Args) == 0 {
			// A transfer from a phone in one of our bridges: Asterisk put the new
			// channel (Local/<target>;1, or the attended-transfer target) into the app
			// in place of replace_channel. The call that owns that channel adopts it.
			if s := a.owners[ev.ReplaceChannel.ID]; s != nil {
				a.owners[ch.ID] = s
				s.box.put(eventMsg{ev})
				return
			}
			a.log.Warn().Str("channel", ch.ID).Str("replaces", ev.ReplaceChannel.ID).
				Msg("transfer into a bridge no call owns; leaving the channel where Asterisk put it")
			return
		}
		a.start(ctx, ev, newUnknownEntry)
	}
}

// start gives a channel entering Stasis a session; its StasisStart is the first
// message of the call's first state.
func (a *App) start(ctx context.Context, ev *ari.StasisStart, first func(*ari.StasisStart) state) {
	id := "s" + strconv.FormatUint(a.seq.Add(1), 36)
	s := newSession(a, id, ev, a.log.With().Str("session", id).Str("channel", ev.Channel.ID).Logger())
	a.sessions[id] = s
	a.owners[ev.Channel.ID] = s
	a.wg.Add(1)
	a.active.Add(1)
	s.box.put(eventMsg{ev})
	go s.run(ctx, first(ev))
}

// continueCaller puts a caller back on the dialplan: at each target in turn (a target
// that fails, such as a missing label or context, is logged and the next one tried),
// then at the next priority, as if execassist were not there. Only when Asterisk
// refuses even that is the caller hung up, and the log says so: nothing is left waiting
// in Stasis. It reports whether the caller went on in the dialplan.
func continueCaller(ctx context.Context, cli ari.Client, key *ari.Key, log zerolog.Logger, targets ...ari.ContinueTarget) bool {
	for _, t := range append(targets, ari.ContinueTarget{}) {
		err := cli.Channel().Continue(ctx, key, t)
		switch {
		case err == nil:
			return true
		case ari.IsGone(err):
			log.Debug().Err(err).Msg("caller already gone")
			return false
		case t == (ari.ContinueTarget{}):
			log.Error().Err(err).Msg("could not continue the caller at the next priority either; hanging up")
			if err := cli.Channel().Hangup(ctx, key, "normal"); err != nil && !ari.IsGone(err) {
				log.Error().Err(err).Msg("hang up the caller")
			}
			return false
		default:
			log.Error().Err(err).Str("context", t.Context).Str("extension", t.Extension).Str("label", t.Label).
				Msg("could not continue the caller there; trying the next priority")
		}
	}
	return false
}
