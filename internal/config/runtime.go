package config

import "slices"

// Runtime is what executives and assistants changed themselves (FACs and the
// self-service API): it lives beside the provisioning, survives re-imports, and the
// policy core reads it with the provisioning. A nil field means "as provisioned".
type Runtime struct {
	Executives map[string]ExecutiveState `json:"executives,omitempty"`
	Assistants map[string]AssistantState `json:"assistants,omitempty"`
	// DoNotDisturb lists the users who set do-not-disturb through the API (SPEC 3): an
	// executive on DND gets no screening legs, an assistant on DND is skipped as if busy.
	DoNotDisturb map[string]bool `json:"do_not_disturb,omitempty"`
}

// OnDND reports whether ext set do-not-disturb.
func (rt Runtime) OnDND(ext string) bool { return rt.DoNotDisturb[ext] }

// FilteringOn says whether executive u's calls are filtered: what #61/#62 (or the API's
// callFiltering.enabled) set last, else the provisioning; source says which. It is the
// one place that rule lives (the policy, the lamps and the API read it).
func (rt Runtime) FilteringOn(u *User) (on bool, source string) {
	if u == nil || u.Executive == nil {
		return false, "no executive service"
	}
	if st, ok := rt.Executives[u.Extension]; ok && st.Filtering != nil {
		return *st.Filtering, "set by #61/#62"
	}
	f := u.Executive.Filtering.Enabled
	return f != nil && *f, "provisioned"
}

// ExecutiveState is what an executive (or an assigned assistant, for them) changed.
// Each non-nil section replaces the provisioned one as a whole (WithRuntime), so a
// later re-import changes what nobody has touched and keeps what users set.
type ExecutiveState struct {
	// Filtering is #61/#62 and the API's callFiltering.enabled.
	Filtering     *bool     `json:"filtering,omitempty"`
	FilterMode    *string   `json:"filter_mode,omitempty"`
	Filters       *[]Filter `json:"filters,omitempty"`
	Assistants    *[]string `json:"assistants,omitempty"`
	AllowOptInOut *bool     `json:"allow_opt_in_out,omitempty"`
	// AssistantPermissions replaces the provisioned per-assistant permissions.
	AssistantPermissions *map[string]AssistantPermissions `json:"assistant_permissions,omitempty"`
	Alerting             *Alerting                        `json:"alerting,omitempty"`
	Screening            *Screening                       `json:"screening,omitempty"`
	// AnnouncePush and RecordCallerName are the hand-offs card (API handOffs).
	AnnouncePush     *AnnouncePush `json:"announce_push,omitempty"`
	RecordCallerName *bool         `json:"record_caller_name,omitempty"`
	// Lists and Bypass are the executive's number lists card (API numberLists).
	Lists  *map[string][]string `json:"lists,omitempty"`
	Bypass *[]string            `json:"bypass,omitempty"`
	// Availability is the status the executive (or an assistant) set: it is not
	// provisioning, so it lives here only.
	Availability *Availability `json:"availability,omitempty"`
	// AvailabilityActions replaces the provisioned actions per status.
	AvailabilityActions *map[string]AvailabilityAction `json:"availability_actions,omitempty"`
}

// AssistantState is what an assistant changed: opt-in/out per executive, divert.
type AssistantState struct {
	// OptedIn maps executive extension -> opted in (absent: opted in).
	OptedIn map[string]bool `json:"opted_in,omitempty"`
	Divert  *Divert         `json:"divert,omitempty"`
}

// WithRuntime returns the configuration calls are decided with: the provisioning with
// every executive's own changes laid over it. cfg is not modified (snapshots are
// shared); users without changes share their provisioned sections.
func WithRuntime(cfg *Config, rt Runtime) *Config {
	if len(rt.Executives) == 0 {
		return cfg
	}
	out := &Config{ARI: cfg.ARI, Store: cfg.Store, Listen: cfg.Listen, TLS: cfg.TLS, Log: cfg.Log, Dialing: cfg.Dialing, Lists: cfg.Lists,
		Codes: cfg.Codes, Prompts: cfg.Prompts, Schedules: cfg.Schedules, Defaults: cfg.Defaults,
		Admins: cfg.Admins, Users: slices.Clone(cfg.Users)}
	for i := range out.Users {
		u := &out.Users[i]
		st, ok := rt.Executives[u.Extension]
		if !ok || u.Executive == nil {
			continue
		}
		e := *u.Executive
		if st.AssistantPermissions != nil {
			e.AssistantPermissions = *st.AssistantPermissions
		}
		if st.Assistants != nil {
			e.Assistants = slices.Clone(*st.Assistants)
			// Permissions are for pool members only (the pool's API write also keeps them
			// so, so that an assistant who rejoins starts with every permission).
			kept := map[string]AssistantPermissions{}
			for ext, perms := range e.AssistantPermissions {
				if slices.Contains(e.Assistants, ext) {
					kept[ext] = perms
				}
			}
			e.AssistantPermissions = kept
		}
		if st.AllowOptInOut != nil {
			e.AllowOptInOut = st.AllowOptInOut
		}
		if st.FilterMode != nil {
			e.Filtering.Mode = *st.FilterMode
		}
		if st.Filters != nil {
			e.Filtering.Filters = slices.Clone(*st.Filters)
		}
		if st.Alerting != nil {
			e.Alerting = st.Alerting
		}
		if st.Screening != nil {
			e.Screening = st.Screening
		}
		if st.AnnouncePush != nil {
			e.AnnouncePush = st.AnnouncePush
		}
		if st.RecordCallerName != nil {
			e.RecordCallerName = st.RecordCallerName
		}
		if st.Lists != nil {
			e.Lists = *st.Lists
		}
		if st.Bypass != nil {
			e.Bypass = slices.Clone(*st.Bypass)
		}
		if st.AvailabilityActions != nil {
			e.AvailabilityActions = *st.AvailabilityActions
		}
		u.Executive = &e
	}
	return out
}
