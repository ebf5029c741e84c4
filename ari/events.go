package ari

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Event is one message from the events WebSocket. Every typed event embeds EventHeader;
// unknown types arrive as *RawEvent, never as an error.
type Event interface {
	// Header is the type, application and timestamp every event carries.
	Header() *EventHeader
}

// EventHeader holds the fields every ARI event carries.
type EventHeader struct {
	Type        string `json:"type"`
	Application string `json:"application"`
	Timestamp   string `json:"timestamp"`
	AsteriskID  string `json:"asterisk_id,omitempty"`
}

// Header returns the header itself, so embedding it implements Event.
func (h *EventHeader) Header() *EventHeader { return h }

// StasisStart: a channel entered the app; Args are the Stasis() arguments.
type StasisStart struct {
	EventHeader
	Args           []string     `json:"args"`
	Channel        ChannelData  `json:"channel"`
	ReplaceChannel *ChannelData `json:"replace_channel,omitempty"`
}

// StasisEnd: a channel left the app (hung up or continued).
type StasisEnd struct {
	EventHeader
	Channel ChannelData `json:"channel"`
}

// ChannelStateChange: e.g. Ringing, Up (answer is a state change).
type ChannelStateChange struct {
	EventHeader
	Channel ChannelData `json:"channel"`
}

// ChannelDestroyed: the channel is gone, with its hangup cause.
type ChannelDestroyed struct {
	EventHeader
	Cause    int         `json:"cause"`
	CauseTxt string      `json:"cause_txt"`
	Channel  ChannelData `json:"channel"`
}

// ChannelHangupRequest: a hangup was requested (by the phone, the app or a timeout).
type ChannelHangupRequest struct {
	EventHeader
	Cause     int         `json:"cause,omitempty"`
	TechCause int         `json:"tech_cause,omitempty"`
	Soft      bool        `json:"soft,omitempty"`
	Channel   ChannelData `json:"channel"`
}

// ChannelDtmfReceived: a digit from the phone.
type ChannelDtmfReceived struct {
	EventHeader
	Digit      string      `json:"digit"`
	DurationMs int         `json:"duration_ms"`
	Channel    ChannelData `json:"channel"`
}

// Dial: progress of a dial; Dialstatus "" (started), RINGING, ANSWER, BUSY, ...
type Dial struct {
	EventHeader
	Caller     *ChannelData `json:"caller,omitempty"`
	Peer       ChannelData  `json:"peer"`
	Forwarded  *ChannelData `json:"forwarded,omitempty"`
	Forward    string       `json:"forward,omitempty"`
	Dialstring string       `json:"dialstring,omitempty"`
	Dialstatus string       `json:"dialstatus"`
}

// ChannelEnteredBridge: a channel joined a bridge.
type ChannelEnteredBridge struct {
	EventHeader
	Bridge  BridgeData   `json:"bridge"`
	Channel *ChannelData `json:"channel,omitempty"`
}

// ChannelLeftBridge: a channel left a bridge.
type ChannelLeftBridge struct {
	EventHeader
	Bridge  BridgeData  `json:"bridge"`
	Channel ChannelData `json:"channel"`
}

// PlaybackStarted: media began playing.
type PlaybackStarted struct {
	EventHeader
	Playback PlaybackData `json:"playback"`
}

// PlaybackContinuing: one media item of a list ended, the next begins.
type PlaybackContinuing struct {
	EventHeader
	Playback PlaybackData `json:"playback"`
}

// PlaybackFinished: the playback ended (done, failed or stopped).
type PlaybackFinished struct {
	EventHeader
	Playback PlaybackData `json:"playback"`
}

// RecordingStarted: a recording began.
type RecordingStarted struct {
	EventHeader
	Recording LiveRecordingData `json:"recording"`
}

// RecordingFinished: a recording ended (also when its channel hung up; the file is kept).
type RecordingFinished struct {
	EventHeader
	Recording LiveRecordingData `json:"recording"`
}

// RecordingFailed: a recording could not go on.
type RecordingFailed struct {
	EventHeader
	Recording LiveRecordingData `json:"recording"`
}

// ChannelHold: the phone put the call on hold (re-INVITE sendonly).
type ChannelHold struct {
	EventHeader
	MusicClass string      `json:"musicclass,omitempty"`
	Channel    ChannelData `json:"channel"`
}

// ChannelUnhold: the phone resumed the call.
type ChannelUnhold struct {
	EventHeader
	Channel ChannelData `json:"channel"`
}

// BridgeBlindTransfer: a phone in a bridge blind-transferred (SIP REFER) its call to
// Exten@Context; ReplaceChannel took Channel's place in the bridge.
type BridgeBlindTransfer struct {
	EventHeader
	Channel        ChannelData  `json:"channel"`
	ReplaceChannel *ChannelData `json:"replace_channel,omitempty"`
	Transferee     *ChannelData `json:"transferee,omitempty"`
	Exten          string       `json:"exten"`
	Context        string       `json:"context"`
	Result         string       `json:"result"`
	IsExternal     bool         `json:"is_external"`
	Bridge         *BridgeData  `json:"bridge,omitempty"`
}

// BridgeAttendedTransfer: a phone completed a consultation transfer; the first leg is
// the transferer's channel in the transferred call.
type BridgeAttendedTransfer struct {
	EventHeader
	TransfererFirstLeg  ChannelData  `json:"transferer_first_leg"`
	TransfererSecondLeg ChannelData  `json:"transferer_second_leg"`
	ReplaceChannel      *ChannelData `json:"replace_channel,omitempty"`
	Transferee          *ChannelData `json:"transferee,omitempty"`
	TransferTarget      *ChannelData `json:"transfer_target,omitempty"`
	Result              string       `json:"result"`
	IsExternal          bool         `json:"is_external"`
	DestinationType     string       `json:"destination_type"`
	DestinationBridge   string       `json:"destination_bridge,omitempty"`
}

// BridgeDestroyed: a bridge is gone.
type BridgeDestroyed struct {
	EventHeader
	Bridge BridgeData `json:"bridge"`
}

// ChannelVarset: a variable changed; mostly noise, but our own variables matter.
type ChannelVarset struct {
	EventHeader
	Variable string       `json:"variable"`
	Value    string       `json:"value"`
	Channel  *ChannelData `json:"channel,omitempty"`
}

// ChannelDialplan: the channel moved in the dialplan.
type ChannelDialplan struct {
	EventHeader
	DialplanApp     string      `json:"dialplan_app"`
	DialplanAppData string      `json:"dialplan_app_data"`
	Channel         ChannelData `json:"channel"`
}

// ChannelConnectedLine: the connected line (what the phone shows) changed.
type ChannelConnectedLine struct {
	EventHeader
	Channel ChannelData `json:"channel"`
}

// DeviceStateChanged: a device state (BLF) changed.
type DeviceStateChanged struct {
	EventHeader
	DeviceState DeviceStateData `json:"device_state"`
}

// RawEvent is an event type this package does not model; Raw is the full JSON.
type RawEvent struct {
	EventHeader
	Raw json.RawMessage `json:"-"`
}

// Connected is synthesised by Listen after each successful WebSocket connection.
// Reconnect is true after a drop: events were lost, so resynchronise from REST
// (GET /applications/{app}, /channels, /bridges); Asterisk replays nothing.
type Connected struct {
	EventHeader
	Reconnect bool
	Attempt   int
}

// Disconnected is synthesised by Listen when the events WebSocket drops; a Connected
// follows once it is back.
type Disconnected struct {
	EventHeader
}

var eventTypes = map[string]func() Event{
	"StasisStart":            func() Event { return new(StasisStart) },
	"StasisEnd":              func() Event { return new(StasisEnd) },
	"ChannelStateChange":     func() Event { return new(ChannelStateChange) },
	"ChannelDestroyed":       func() Event { return new(ChannelDestroyed) },
	"ChannelHangupRequest":   func() Event { return new(ChannelHangupRequest) },
	"ChannelDtmfReceived":    func() Event { return new(ChannelDtmfReceived) },
	"Dial":                   func() Event { return new(Dial) },
	"ChannelEnteredBridge":   func() Event { return new(ChannelEnteredBridge) },
	"ChannelLeftBridge":      func() Event { return new(ChannelLeftBridge) },
	"PlaybackStarted":        func() Event { return new(PlaybackStarted) },
	"PlaybackContinuing":     func() Event { return new(PlaybackContinuing) },
	"PlaybackFinished":       func() Event { return new(PlaybackFinished) },
	"RecordingStarted":       func() Event { return new(RecordingStarted) },
	"RecordingFinished":      func() Event { return new(RecordingFinished) },
	"RecordingFailed":        func() Event { return new(RecordingFailed) },
	"ChannelHold":            func() Event { return new(ChannelHold) },
	"ChannelUnhold":          func() Event { return new(ChannelUnhold) },
	"BridgeDestroyed":        func() Event { return new(BridgeDestroyed) },
	"BridgeBlindTransfer":    func() Event { return new(BridgeBlindTransfer) },
	"BridgeAttendedTransfer": func() Event { return new(BridgeAttendedTransfer) },
	"ChannelVarset":          func() Event { return new(ChannelVarset) },
	"ChannelDialplan":        func() Event { return new(ChannelDialplan) },
	"ChannelConnectedLine":   func() Event { return new(ChannelConnectedLine) },
	"DeviceStateChanged":     func() Event { return new(DeviceStateChanged) },
}

// ChannelID is the channel an event is about ("" for none): the peer of a Dial, the
// target of a playback on a channel. It is how an app routes events to the call that
// owns the channel.
func ChannelID(e Event) string {
	var ch *ChannelData
	switch ev := e.(type) {
	case *StasisStart:
		ch = &ev.Channel
	case *StasisEnd:
		ch = &ev.Channel
	case *ChannelStateChange:
		ch = &ev.Channel
	case *ChannelDestroyed:
		ch = &ev.Channel
	case *ChannelHangupRequest:
		ch = &ev.Channel
	case *ChannelDtmfReceived:
		ch = &ev.Channel
	case *Dial:
		ch = &ev.Peer
	case *ChannelEnteredBridge:
		ch = ev.Channel
	case *ChannelLeftBridge:
		ch = &ev.Channel
	case *ChannelHold:
		ch = &ev.Channel
	case *ChannelUnhold:
		ch = &ev.Channel
	case *ChannelVarset:
		ch = ev.Channel
	case *ChannelDialplan:
		ch = &ev.Channel
	case *ChannelConnectedLine:
		ch = &ev.Channel
	case *BridgeBlindTransfer:
		ch = &ev.Channel
	case *BridgeAttendedTransfer:
		ch = &ev.TransfererFirstLeg
	case *PlaybackStarted:
		return playbackChannel(ev.Playback)
	case *PlaybackContinuing:
		return playbackChannel(ev.Playback)
	case *PlaybackFinished:
		return playbackChannel(ev.Playback)
	case *RecordingStarted:
		return targetChannel(ev.Recording.TargetURI)
	case *RecordingFinished:
		return targetChannel(ev.Recording.TargetURI)
	case *RecordingFailed:
		return targetChannel(ev.Recording.TargetURI)
	}
	if ch == nil {
		return ""
	}
	return ch.ID
}

func playbackChannel(p PlaybackData) string { return targetChannel(p.TargetURI) }

// targetChannel is the channel of a target_uri ("channel:<id>"), "" for a bridge's.
func targetChannel(uri string) string {
	if id, ok := strings.CutPrefix(uri, "channel:"); ok {
		return id
	}
	return ""
}

// DecodeEvent turns one WebSocket message into a typed event. Only malformed JSON or
// a message without a type is an error; an unknown type becomes *RawEvent.
func DecodeEvent(data []byte) (Event, error) {
	// Fast path: Asterisk writes compact JSON, so the type can be found without a
	// parse; the typed decode below validates the whole message anyway.
	if typ := peekType(data); typ != "" {
		if mk, ok := eventTypes[typ]; ok {
			e := mk()
			if err := json.Unmarshal(data, e); err != nil {
				return nil, fmt.Errorf("ari: decode %s event: %w", typ, err)
			}
			if e.Header().Type == typ {
				return e, nil
			}
		}
	}
	var h EventHeader
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("ari: decode event: %w", err)
	}
	if h.Type == "" {
		return nil, fmt.Errorf("ari: decode event: no type")
	}
	mk, ok := eventTypes[h.Type]
	if !ok {
		return &RawEvent{EventHeader: h, Raw: append(json.RawMessage(nil), data...)}, nil
	}
	e := mk()
	if err := json.Unmarshal(data, e); err != nil {
		return nil, fmt.Errorf("ari: decode %s event: %w", h.Type, err)
	}
	return e, nil
}

var typeKey = []byte(`"type":"`)

// peekType finds a top-level-looking "type":"X" without parsing; "" if unsure.
func peekType(data []byte) string {
	i := bytes.Index(data, typeKey)
	if i < 0 {
		return ""
	}
	rest := data[i+len(typeKey):]
	j := bytes.IndexByte(rest, '"')
	if j <= 0 || j > 40 {
		return ""
	}
	return string(rest[:j])
}
