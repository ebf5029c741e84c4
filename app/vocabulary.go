package app

// The call layer's vocabulary: what a party is to a call and what can be asked of a
// call are types, so that a misspelt role or operation is a compile error, not a call
// that silently matches nothing.

// partyRole is what a channel in an answered call is to it.
type partyRole string

const (
	roleRemote         partyRole = "remote"          // the caller (or the far end of a call placed as the executive)
	roleAssistant      partyRole = "assistant"       // an assistant of the executive's pool
	roleExecutive      partyRole = "executive"       // the executive
	roleForward        partyRole = "forward"         // a rollover forward's far end
	roleTransferTarget partyRole = "transfer-target" // whoever a phone transferred the call to
)

// refusal is why a call's owner did not do what was asked, in words for the asker
// (announced by a FAC, the 409 of the API).
type refusal string

func (r refusal) Error() string { return string(r) }
