package app

// Call records the PBX's own tools see: execassist writes why it sent a call where it
// went into the CDR's userfield of the channels involved, in Webex Calling's vocabulary,
// so an Asterisk admin's CDR reports (cdr_csv, cdr_adaptive_odbc ...) show it.

import (
	"context"
	"slices"
	"strings"

	"github.com/execassist/execassist/ari"
)

// cdrReason is one reason, a closed set. The Executive* names are Webex Calling's
// "related reason" values where it has one; ExecutiveCallRetrieve, ExecutiveCallBridge
// and ExecutiveSentToVoicemail are ours, named the same way.
type cdrReason string

const (
	// reasonForwarded: a filtered call alerted the assistants instead of the executive.
	reasonForwarded cdrReason = "ExecutiveForwarded"
	// reasonDivert: an assistant's divert number was alerted.
	reasonDivert cdrReason = "ExecutiveAssistantDivert"
	// reasonRollover: nobody answered in time; the rollover action took the call.
	reasonRollover cdrReason = "ExecutiveCallFilteringRollover"
	// reasonPush: an assistant pushed the call to the executive.
	reasonPush cdrReason = "ExecutiveAssistantCallPush"
	// reasonInitiate: an assistant placed the call as the executive (#64, the API).
	reasonInitiate cdrReason = "ExecutiveAssistantInitiateCall"
	// reasonRetrieve: the call moved from an assistant to the executive or back (*11).
	reasonRetrieve cdrReason = "ExecutiveCallRetrieve"
	// reasonBridge: someone joined the call (*15, the console's Bridge in).
	reasonBridge cdrReason = "ExecutiveCallBridge"
	// reasonVoicemail: an assistant or the executive sent the caller to voice messaging.
	reasonVoicemail cdrReason = "ExecutiveSentToVoicemail"
)

// cdrField is the CDR field the reasons go to: a dialplan function, so setting it
// raises no ChannelVarset (Asterisk writes functions without the variable event).
const cdrField = "CDR(userfield)"

// markCDR adds r to the call's reasons and writes them all, in order and separated by
// ";", to the CDR of each channel given. A write that fails is logged and forgotten:
// a call record never stands in a caller's way.
func (s *session) markCDR(ctx context.Context, r cdrReason, channels ...string) {
	if !slices.Contains(s.cdr, r) {
		s.cdr = append(s.cdr, r)
	}
	words := make([]string, len(s.cdr))
	for i, x := range s.cdr {
		words[i] = string(x)
	}
	value := strings.Join(words, ";")
	for _, id := range channels {
		if id == "" {
			continue
		}
		if err := s.env.cli.Channel().SetVariable(ctx, ari.NewKey(ari.ChannelKey, id), cdrField, value); err != nil && !ari.IsGone(err) {
			s.log.Info().Err(err).Str("reason", string(r)).Msg("call record reason not written")
		}
	}
}
