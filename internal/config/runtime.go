package config

// Runtime is what executives and assistants changed themselves (FACs today, the
// self-service API later): it lives beside the provisioning, survives re-imports, and
// the policy core reads it with the provisioning. A nil field means "as provisioned".
type Runtime struct {
	Executives map[string]ExecutiveState `json:"executives,omitempty"`
	Assistants map[string]AssistantState `json:"assistants,omitempty"`
}

// ExecutiveState is what an executive (or assistant, for them) changed: #61/#62.
type ExecutiveState struct {
	Filtering *bool `json:"filtering,omitempty"`
}

// AssistantState is what an assistant changed: opt-in/out per executive, divert.
type AssistantState struct {
	// OptedIn maps executive extension -> opted in (absent: opted in).
	OptedIn map[string]bool `json:"opted_in,omitempty"`
	Divert  *Divert         `json:"divert,omitempty"`
}
