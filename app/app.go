package app

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/execassist/execassist/ari"
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
	// Version is shown by execassist_build_info.
	Version string
	// SetupLimit bounds the filtered calls being set up at once (default 256) and
	// SetupDeadline how long setting one up may take (default 2 s); a call beyond either
	// is continued in the dialplan at once.
	SetupLimit    int
	SetupDeadline time.Duration
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
	grace    time.Duration
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
	a := &App{cli: opts.Client, store: opts.Store, log: opts.Log, clock: opts.Clock, grace: opts.ResyncGrace,
		ctl: make(chan func()), stopped: make(chan struct{}),
		owners: map[string]*session{}, sessions: map[string]*session{},
		journalQ: make(chan store.JournalEntry, 4096)}
	a.metrics = newMetrics(opts.Version, a.ActiveSessions, func() store.Health {
		if a.store == nil {
			return store.Health{Connected: true}
		}
		return a.store.Health()
	})
	a.env = &callEnv{cli: a.cli, clock: a.clock, registry: &a.registry, journal: a.journal, transfer: a.transfer,
		setup: newSetupGate(opts.SetupLimit, opts.SetupDeadline)}
	a.metrics.overloaded = func() float64 { return float64(a.env.setup.continued.Load()) }
	a.metrics.settingUp = func() float64 { return float64(a.env.setup.inFlight.Load()) }
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
	a.wg.Add(2)
	go func() { defer a.wg.Done(); a.followSettings(bg) }()
	go func() { defer a.wg.Done(); a.shareCalls(bg) }()
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

func (a *App) start(ctx context.Context, ev *ari.StasisStart, mk func(*ari.StasisStart) behaviour) {
	id := "s" + strconv.FormatUint(a.seq.Add(1), 36)
	s := newSession(a, id, ev, a.log.With().Str("session", id).Str("channel", ev.Channel.ID).Logger())
	a.sessions[id] = s
	a.owners[ev.Channel.ID] = s
	a.wg.Add(1)
	a.active.Add(1)
	b := mk(ev)
	go s.run(ctx, b)
}

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

// journal queues an entry; a call never waits for the disk. If the queue is full
// (the disk cannot keep up) the entry is logged and dropped, never the call.
func (a *App) journal(e store.JournalEntry) {
	a.metrics.record(e)
	if a.store == nil {
		return
	}
	select {
	case a.journalQ <- e:
	default:
		a.log.Warn().Str("call", e.CallID).Str("outcome", e.Outcome).Msg("journal queue full; entry dropped")
	}
}

// journalWriter drains the queue, writing whatever has piled up in one transaction.
func (a *App) journalWriter() {
	defer a.journalW.Done()
	var pending []store.JournalEntry
	for {
		var retry <-chan time.Time
		if len(pending) > 0 {
			retry = time.After(journalRetry)
		}
		select {
		case e, ok := <-a.journalQ:
			if !ok {
				if pending = a.writeJournal(pending); len(pending) > 0 {
					a.log.Error().Int("entries", len(pending)).Msg("execassist stopped with journal entries the store did not take; they are lost")
				}
				return
			}
			pending = append(pending, e)
		more:
			for len(pending)%journalBatch != 0 {
				select {
				case next, ok := <-a.journalQ:
					if !ok {
						break more
					}
					pending = append(pending, next)
				default:
					break more
				}
			}
		case <-retry:
		}
		pending = a.writeJournal(pending)
	}
}

// Journal writes go in batches of journalBatch; what the store refuses (etcd
// unreachable) is kept, up to journalKeep entries, and tried again every journalRetry.
const (
	journalBatch = 512
	journalKeep  = 100_000
	journalRetry = 2 * time.Second
)

// writeJournal stores entries and returns those the store did not take.
func (a *App) writeJournal(entries []store.JournalEntry) []store.JournalEntry {
	for len(entries) > 0 {
		n := min(len(entries), journalBatch)
		if err := a.store.AppendJournal(entries[:n]...); err != nil {
			if len(entries) > journalKeep {
				a.log.Error().Int("dropped", len(entries)-journalKeep).Msg("journal backlog full; the oldest entries are dropped")
				entries = entries[len(entries)-journalKeep:]
			}
			if a.metrics.journalPending.Swap(int64(len(entries))) == 0 {
				a.log.Warn().Err(err).Int("entries", len(entries)).Msg("journal write failed; kept and retried")
			}
			return entries
		}
		entries = entries[n:]
	}
	if a.metrics.journalPending.Swap(0) != 0 {
		a.log.Info().Msg("journal backlog written")
	}
	return nil
}
