package config

// Permission is one thing an assistant does for an executive that the executive may
// withhold from that assistant (Teams' delegate permissions; BroadWorks has none).
type Permission string

// The permissions, a closed set: each names what it guards.
const (
	// ReceiveFilteredCalls: the assistant is alerted for the executive's filtered calls.
	ReceiveFilteredCalls Permission = "receive_filtered_calls"
	// PlaceCalls: #64 <exec> <number> and the API's calls/initiate as the executive.
	PlaceCalls Permission = "place_calls"
	// ChangeSettings: the executive's filtering, screening, alerting and hand-offs from
	// the API and the page.
	ChangeSettings Permission = "change_settings"
	// PickUpHeldCalls: #64 <exec> *11, the executive's held call to the assistant.
	PickUpHeldCalls Permission = "pick_up_held_calls"
	// JoinCalls: #64 <exec> *15 and the API's bridge into the executive's call.
	JoinCalls Permission = "join_calls"
)

// AllPermissions lists every assistant permission, in the order people read them.
var AllPermissions = []Permission{ReceiveFilteredCalls, PlaceCalls, ChangeSettings, PickUpHeldCalls, JoinCalls}

// AssistantPermissions is one assistant's permissions for one executive; unset = allowed.
type AssistantPermissions struct {
	ReceiveFilteredCalls *bool `yaml:"receive_filtered_calls,omitempty" json:"receive_filtered_calls,omitempty"`
	PlaceCalls           *bool `yaml:"place_calls,omitempty" json:"place_calls,omitempty"`
	ChangeSettings       *bool `yaml:"change_settings,omitempty" json:"change_settings,omitempty"`
	PickUpHeldCalls      *bool `yaml:"pick_up_held_calls,omitempty" json:"pick_up_held_calls,omitempty"`
	JoinCalls            *bool `yaml:"join_calls,omitempty" json:"join_calls,omitempty"`
}

// field is where p lives in a; nil for a permission that is not one.
func (a *AssistantPermissions) field(p Permission) **bool {
	switch p {
	case ReceiveFilteredCalls:
		return &a.ReceiveFilteredCalls
	case PlaceCalls:
		return &a.PlaceCalls
	case ChangeSettings:
		return &a.ChangeSettings
	case PickUpHeldCalls:
		return &a.PickUpHeldCalls
	case JoinCalls:
		return &a.JoinCalls
	}
	return nil
}

// Allows: unset is allowed (the default keeps every pool behaving as before).
func (a AssistantPermissions) Allows(p Permission) bool {
	f := a.field(p)
	return f == nil || *f == nil || **f
}

// With returns a with p set to on (a fresh value: configurations are shared).
func (a AssistantPermissions) With(p Permission, on bool) AssistantPermissions {
	if f := a.field(p); f != nil {
		*f = &on
	}
	return a
}

// Permits says whether assistant may do p for this executive. It does not ask whether
// the assistant is in the pool: callers check membership first.
func (e *Executive) Permits(assistant string, p Permission) bool {
	return e.AssistantPermissions[assistant].Allows(p)
}

// Words is how a refusal names the permission, for people.
func (p Permission) Words() string {
	switch p {
	case ReceiveFilteredCalls:
		return "receive the executive's filtered calls"
	case PlaceCalls:
		return "place calls as the executive"
	case ChangeSettings:
		return "change the executive's settings"
	case PickUpHeldCalls:
		return "pick up the executive's held calls"
	case JoinCalls:
		return "join the executive's calls"
	}
	return string(p)
}

// Withheld keeps only what is withheld (false): an allowed permission is the default,
// so stored permissions say no more than they must.
func (a AssistantPermissions) Withheld() AssistantPermissions {
	var out AssistantPermissions
	for _, p := range AllPermissions {
		if !a.Allows(p) {
			out = out.With(p, false)
		}
	}
	return out
}
