package policy

import (
	"fmt"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// Plan is the policy compiled from one settings snapshot, as Alertmanager builds its
// routing tree once from validated configuration: for every executive, whatever does
// not depend on the call or the time (filtering on or off with #61/#62 laid over the
// provisioning, the assistants to alert with opt-outs, do not disturb and diverts
// through the dial gate, the screening locations, the rollover target, the ring
// timing). Decide then only matches the call. A Plan is immutable and safe to share.
type Plan struct {
	cfg   *config.Config
	execs map[string]*executivePlan
	// Problems are what the configuration asks for and cannot be done (a divert or a
	// forward number the dial gate refuses): said once per settings change, not per call.
	Problems []string
}

// executivePlan is one executive's part of a Plan. Reasons are kept in the order
// Decide reports them.
type executivePlan struct {
	user     *config.User
	why      string // not an executive: why the call gets normal handling
	on       bool
	onSource string
	eff      config.Effective

	ringDuration time.Duration
	assistants   []Target
	assistantWhy []string
	screening    []Target
	screeningWhy []string
	executive    []Target // the executive's own phones, with alerting executive first or together
	bypass       []namedList
	availability availabilityPlan
	rollover     config.EffectiveRollover
	rolloverEP   string
	rolloverTo   RolloverTarget
	rolloverWhy  []string
	problems     []string
}

// Compile builds the plan of every user of cfg with the runtime state rt.
func Compile(cfg *config.Config, rt config.Runtime) *Plan {
	p := &Plan{cfg: cfg, execs: map[string]*executivePlan{}}
	for i := range cfg.Users {
		u := &cfg.Users[i]
		if u.Executive == nil {
			continue
		}
		e := compileExecutive(cfg, rt, u)
		p.execs[u.Extension] = e
		for _, r := range e.problems {
			p.Problems = append(p.Problems, u.Extension+": "+r)
		}
	}
	return p
}

// Config is the configuration the plan was compiled from.
func (p *Plan) Config() *config.Config { return p.cfg }

// executive is exec's plan; for a user who is not an executive (or not a user), a plan
// whose why says so.
func (p *Plan) executive(exec string) *executivePlan {
	if e := p.execs[exec]; e != nil {
		return e
	}
	u := p.cfg.User(exec)
	if u == nil {
		return &executivePlan{why: fmt.Sprintf("%s is not a provisioned user: normal handling", exec)}
	}
	return &executivePlan{user: u, why: fmt.Sprintf("%s does not have the executive service: normal handling", exec)}
}

func compileExecutive(cfg *config.Config, rt config.Runtime, u *config.User) *executivePlan {
	e := &executivePlan{user: u, eff: cfg.ExecutiveSettings(u)}
	e.on, e.onSource = rt.FilteringOn(u)
	for _, name := range e.eff.Bypass {
		l, _ := cfg.NumberList(u, name)
		e.bypass = append(e.bypass, namedList{name, l})
	}
	dial := cfg.EffectiveDialing()
	e.ringDuration = dial.RingDuration.D()
	var d Decision
	e.availability = planAvailability(cfg, rt, u, e.eff, &d)
	d.Reasons = nil // its problems are kept (said once per settings change); the reasons come with each call
	e.assistants = availableAssistants(cfg, rt, u, e.eff, &d)
	e.assistantWhy, d.Reasons = d.Reasons, nil
	if x := e.eff.ExecutiveAlerting; x == "first" || x == "together" {
		if rt.OnDND(u.Extension) {
			d.why("the executive's phones would ring %s, but the executive is on do not disturb: they do not", map[string]string{"first": "first", "together": "with the assistants"}[x])
		} else {
			e.executive = []Target{{Who: u.Extension, Name: u.Name, Location: "main", Endpoints: u.Devices, AlertInfo: e.eff.AlertInfo}}
		}
	}
	switch {
	case e.eff.ScreeningEnabled && rt.OnDND(u.Extension):
		d.why("screening is on, but the executive is on do not disturb: no screening legs")
	case e.eff.ScreeningEnabled && len(e.executive) > 0:
		d.why("screening is on, but the executive's phones ring anyway (alerting executive: %s): no screening legs", e.eff.ExecutiveAlerting)
	case e.eff.ScreeningEnabled:
		e.screening = screening(cfg, u, e.eff, dial, &d)
	}
	e.screeningWhy, d.Reasons = d.Reasons, nil
	planRollover(cfg, u, e.eff, &d)
	e.rollover, e.rolloverEP, e.rolloverTo, e.rolloverWhy = d.Rollover, d.RolloverEndpoint, d.RolloverTo, d.Reasons
	e.problems = d.problems
	return e
}

// namedList is a number list resolved at compile time (bypass).
type namedList struct {
	name     string
	patterns []string
}
