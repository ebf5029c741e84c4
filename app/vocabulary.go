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

// callOp is a request to the session that owns a call.
type callOp string

const (
	opPush         callOp = "push"          // #63: the remote on hold, the executive rung
	opRetrieve     callOp = "retrieve"      // *11 by the executive: the call at an assistant moves to them
	opTake         callOp = "take"          // #64 <exec> *11 by an assistant: the executive's held call moves to them
	opBridge       callOp = "bridge"        // *15 by the executive: join the call at an assistant
	opJoin         callOp = "join"          // #64 <exec> *15 by an assistant: join the executive's call
	opRingRetrieve callOp = "ring-retrieve" // the API's retrieve: ring the executive, who then takes the call
	opRingBridge   callOp = "ring-bridge"   // the API's bridge: ring the asker, who then joins
)
