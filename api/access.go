package api

import (
	"slices"

	"github.com/execassist/execassist/internal/config"
)

// Principal is who is signed in to the self-service API: a user by extension, or an
// admin from the YAML's admins list.
type Principal struct {
	Name  string // extension, or the admin's name
	Admin bool
}

// Resource is a kind of thing the API reads or changes, named for SPEC section 4's rows.
type Resource string

// The resources of SPEC 4's table, plus the live calls and call actions.
const (
	ResPool                 Resource = "pool"                  // assignedAssistants: members, order, allow opt-in/out
	ResAvailable            Resource = "available"             // availableAssistants (who could join the pool)
	ResFiltering            Resource = "filtering"             // callFiltering and its criteria
	ResScreening            Resource = "screening"             // screening
	ResAlerting             Resource = "alerting"              // alert: mode, rings, rollover, caller ID
	ResHandOffs             Resource = "hand-offs"             // announced push, caller name capture
	ResNumberLists          Resource = "number-lists"          // the executive's number lists and bypass
	ResAvailability         Resource = "availability"          // in a meeting, out of office, busy; until; actions
	ResAssistantPermissions Resource = "assistant-permissions" // what each assistant may do for the executive
	ResDivert               Resource = "divert"                // an assistant's divert
	ResOptIn                Resource = "optin"                 // an assistant's opt-in/out for one executive
	ResCalls                Resource = "calls"                 // an executive's live calls
	ResCallPush             Resource = "call-push"             // push a call at this assistant to the executive
	ResCallRetrieve         Resource = "call-retrieve"         // move a call at an assistant to the executive
	ResCallBridge           Resource = "call-bridge"           // join a call (warning tone)
	ResCallInitiate         Resource = "call-initiate"         // place a call as the executive
	ResCallControl          Resource = "call-control"          // hold, resume, hang up a call one is on
	ResAssistantView        Resource = "assistant"             // an assistant's own settings page
	ResDND                  Resource = "dnd"                   // a user's own do-not-disturb
)

// Access is the verdict of Allowed: why, in words the API returns with a 403.
type Access struct {
	OK  bool
	Why string
	// Permission names the assistant permission withheld, when that is why.
	Permission config.Permission
}

// Allowed is SPEC section 4's table, the one place the API asks. owner is the user the
// resource belongs to: the executive for pool, filtering, screening, alerting, calls
// and call actions; the assistant for divert, opt-in and the assistant view. exec is
// the executive an opt-in concerns ("" otherwise).
func Allowed(cfg *config.Config, who Principal, res Resource, owner, exec string, write bool) Access {
	if who.Admin {
		return Access{true, "admins may read and change everything", ""}
	}
	me := cfg.User(who.Name)
	if me == nil {
		return Access{false, "not a provisioned user", ""}
	}
	o := cfg.User(owner)
	if o == nil {
		return Access{false, "no such user", ""}
	}
	self := who.Name == owner
	switch res {
	case ResPool, ResAvailable, ResFiltering, ResScreening, ResAlerting, ResHandOffs, ResNumberLists, ResAvailability, ResAssistantPermissions, ResCalls,
		ResCallRetrieve, ResCallBridge, ResCallPush, ResCallInitiate, ResCallControl:
		if o.Executive == nil {
			return Access{false, owner + " does not have the executive service", ""}
		}
		assigned := me.Assistant != nil && slices.Contains(o.Executive.Assistants, who.Name)
		switch {
		case self && res == ResCallPush:
			return Access{false, "push sends a call from an assistant to the executive", ""}
		case self && res == ResCallInitiate:
			return Access{false, "the executive calls from their own phone", ""}
		case self:
			return Access{true, "an executive manages their own service", ""}
		case !assigned:
			return Access{false, who.Name + " is not an assistant of " + owner, ""}
		case res == ResPool && write:
			return Access{false, "only the executive (or an admin) changes the pool", ""}
		case res == ResAssistantPermissions && write:
			return Access{false, "only the executive (or an admin) says what assistants may do", ""}
		case res == ResAvailable:
			return Access{false, "only the executive (or an admin) chooses assistants", ""}
		case res == ResCallRetrieve:
			return Access{false, "retrieve moves a call to the executive: the executive asks for it", ""}
		}
		if p := assistantNeeds(res, write); p != "" && !o.Executive.Permits(who.Name, p) {
			return Access{false, who.Name + " (" + me.Name + ") may not " + p.Words() + " for " + owner + " (" + o.Name + ")", p}
		}
		return Access{true, who.Name + " is an assistant of " + owner, ""}
	case ResDND:
		if !self {
			return Access{false, "only the user (or an admin) sets their own do not disturb", ""}
		}
		return Access{true, "users set their own do not disturb", ""}
	case ResDivert, ResOptIn, ResAssistantView:
		if o.Assistant == nil {
			return Access{false, owner + " does not have the assistant service", ""}
		}
		if !self {
			return Access{false, "only the assistant (or an admin) sees and changes their own settings", ""}
		}
		if res == ResOptIn && write {
			e := cfg.User(exec)
			switch {
			case e == nil || e.Executive == nil || !slices.Contains(e.Executive.Assistants, owner):
				return Access{false, owner + " is not in " + exec + "'s pool", ""}
			case !e.Executive.OptInOutAllowed():
				return Access{false, exec + " does not allow assistants to opt in or out", ""}
			}
		}
		return Access{true, "an assistant manages their own settings", ""}
	}
	return Access{false, "unknown resource", ""}
}

// assistantNeeds is the permission an assistant of the pool needs for res ("" for
// none): the executive may withhold each from one assistant.
func assistantNeeds(res Resource, write bool) config.Permission {
	switch {
	case res == ResCallInitiate:
		return config.PlaceCalls
	case res == ResCallBridge:
		return config.JoinCalls
	case write && (res == ResFiltering || res == ResScreening || res == ResAlerting || res == ResHandOffs || res == ResNumberLists || res == ResAvailability):
		return config.ChangeSettings
	}
	return ""
}
