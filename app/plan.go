package app

import (
	"sync"

	"github.com/execassist/execassist/policy"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// plans compiles the policy once per settings snapshot: calls decide with the plan of
// the snapshot they read, and a configuration's problems (a divert the dial gate
// refuses) are logged once when it takes effect, not on every call.
type plans struct {
	mu   sync.Mutex
	snap *store.Snapshot
	plan *policy.Plan
	log  zerolog.Logger
}

// of is the plan of snap, compiled on first use.
func (p *plans) of(snap *store.Snapshot) *policy.Plan {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.snap != snap {
		p.snap, p.plan = snap, policy.Compile(snap.Config, snap.Runtime)
		for _, problem := range p.plan.Problems {
			p.log.Warn().Str("problem", problem).Msg("settings: this cannot be dialled; calls go on without it")
		}
	}
	return p.plan
}
