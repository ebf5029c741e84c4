package app

// What others may ask of the session that owns an answered call: each request is a
// type carrying all it needs (the owner never reads the asker's fields) and a reply
// that says why not, or nil when done.

import (
	"errors"
	"time"

	"github.com/execassist/execassist/ari"
)

// askLimit bounds how long an asker waits for the owner of a call.
const askLimit = 10 * time.Second

// ask posts the request build makes (with its reply) to the call's owner and waits for
// the answer: ErrNoSuchCall when the call ends first.
func ask(c execCall, build func(replyTo) request, stop <-chan struct{}) error {
	reply := make(chan error, 1)
	c.owner.box.put(build(replyTo{reply}))
	select {
	case err := <-reply:
		return err
	case <-c.owner.done:
		// A request that ends the call (hang up, voicemail) is answered just before the
		// session ends: its answer wins over the end.
		select {
		case err := <-reply:
			return err
		default:
			return ErrNoSuchCall
		}
	case <-time.After(askLimit):
		return errors.New("the call did not answer")
	case <-stop:
		return errors.New("execassist is stopping")
	}
}

// request is a message asking the owner of a call to act on it.
type request interface {
	message
	// answer sends the owner's reply: nil when done, a refusal saying why not.
	answer(err error)
}

// replyTo is the reply channel every request carries (buffered: the owner never
// blocks on an asker that gave up).
type replyTo struct{ reply chan<- error }

func (r replyTo) answer(err error) { r.reply <- err }

// facCaller is the channel of the FAC that asks to be taken into the call (*11, *15,
// #64 <exec> *11 / *15). On success the call's session owns it; on failure it goes back
// to the asking session (asker), which announces why.
type facCaller struct {
	channel ari.ChannelData
	asker   string
}

// pushRequest (#63, the API's push): the call at the assistant's device goes on hold
// while the executive is rung.
type pushRequest struct {
	replyTo
	device string
}

// moveRequest (*11 by the executive: retrieve; #64 <exec> *11 by an assistant: take):
// the asking FAC caller takes the call over from the party in the other role.
type moveRequest struct {
	replyTo
	facCaller
	to partyRole // roleExecutive: retrieve from the assistant; roleAssistant: take the executive's held call
	by string
}

// joinRequest (*15 by the executive, #64 <exec> *15 by an assistant): the asking FAC
// caller joins the call, with the bridging warning tone.
type joinRequest struct {
	replyTo
	facCaller
	as partyRole
	by string
}

// ringRequest (the API's retrieve and bridge, which have no phone off hook): by's
// devices ring, and the one that answers does what then says.
type ringRequest struct {
	replyTo
	then    ringJoin
	as      partyRole
	by      string
	devices []string
}

// ringJoin is what a phone rung by a ringRequest does when answered.
type ringJoin string

const (
	ringRetrieve ringJoin = "retrieve" // the call moves to the executive; the assistant is released
	ringBridge   ringJoin = "bridge"   // the asker joins the call, with the warning tone
	ringTransfer ringJoin = "transfer" // the number joins the call and whoever asked leaves it
)

// holdRequest (the console's hold and resume): the far end is held (Asterisk's hold
// indication: music on hold for a caller) or resumed. Asterisk sends no ChannelHold
// for it, so the call remembers it.
type holdRequest struct {
	replyTo
	on bool
}

// hangupRequest (the console's hang up): the call ends for everyone on it.
type hangupRequest struct {
	replyTo
	by string
}

// transferRequest (the console's transfer to a number): endpoint (already through the
// dial gate) rings showing the caller; when it answers it joins the call and by leaves
// it. Unanswered, nothing changes: by is still on the call.
type transferRequest struct {
	replyTo
	by       string
	endpoint string
	number   string // as the asker typed it, for the record
}

// voicemailRequest (the console's "send to voicemail"): the caller goes to the
// executive's voice messaging, ringing or answered; whoever else is on the call is
// released.
type voicemailRequest struct {
	replyTo
	by string
}

// answerRequest (the console's answer): the call ringing at by's phone is answered
// there, the phone answering by itself (the auto-answer header), as if picked up.
type answerRequest struct {
	replyTo
	by string
}

func (answerRequest) isMessage()    {}
func (voicemailRequest) isMessage() {}
func (transferRequest) isMessage()  {}
func (holdRequest) isMessage()      {}
func (hangupRequest) isMessage()    {}
func (pushRequest) isMessage()      {}
func (moveRequest) isMessage()      {}
func (joinRequest) isMessage()      {}
func (ringRequest) isMessage()      {}
