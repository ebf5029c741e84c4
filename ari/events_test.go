package ari_test

import (
	"encoding/json"
	"testing"

	"github.com/execassist/execassist/ari"
)

func TestDecodeEventTypedAndUnknown(t *testing.T) {
	e, err := ari.DecodeEvent([]byte(`{"type":"ChannelDestroyed","cause":26,"cause_txt":"Answered elsewhere","channel":{"id":"1.2","name":"PJSIP/1002-00000001","state":"Ringing"},"application":"execassist"}`))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := e.(*ari.ChannelDestroyed)
	if !ok || d.Cause != 26 || d.Channel.Device() != "PJSIP/1002" || d.Header().Application != "execassist" {
		t.Fatalf("decoded %#v", e)
	}
	e, err = ari.DecodeEvent([]byte(`{"type":"BridgeVideoSourceChanged","bridge":{"id":"b"}}`))
	if err != nil {
		t.Fatalf("an unknown type must not be an error: %v", err)
	}
	raw, ok := e.(*ari.RawEvent)
	if !ok || raw.Type != "BridgeVideoSourceChanged" || !json.Valid(raw.Raw) {
		t.Fatalf("unknown type decoded as %#v", e)
	}
	for _, bad := range []string{``, `{`, `[]`, `{"type":""}`, `{"type":"Dial","peer":"not-an-object"}`} {
		if _, err := ari.DecodeEvent([]byte(bad)); err == nil {
			t.Errorf("DecodeEvent(%q) = nil error", bad)
		}
	}
}

// FuzzDecodeEvent: no input crashes the decoder; a decoded event always has its type.
// Seeds in testdata/fuzz come from the real Asterisk traces.
func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"type":"StasisStart","args":["exec","1001"],"channel":{"id":"1.1","name":"PJSIP/trunk-00000000"}}`))
	f.Add([]byte(`{"type":"Unknown"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ari.DecodeEvent(data)
		if err != nil {
			return
		}
		if e.Header().Type == "" {
			t.Fatalf("event without type from %q", data)
		}
	})
}

func TestChannelID(t *testing.T) {
	ch := ari.ChannelData{ID: "c1"}
	for _, c := range []struct {
		e    ari.Event
		want string
	}{
		{&ari.StasisStart{Channel: ch}, "c1"},
		{&ari.Dial{Peer: ch}, "c1"},
		{&ari.ChannelEnteredBridge{Channel: &ch}, "c1"},
		{&ari.ChannelEnteredBridge{}, ""},
		{&ari.PlaybackFinished{Playback: ari.PlaybackData{TargetURI: "channel:c1"}}, "c1"},
		{&ari.PlaybackStarted{Playback: ari.PlaybackData{TargetURI: "bridge:b1"}}, ""},
		{&ari.BridgeDestroyed{}, ""},
		{&ari.RawEvent{}, ""},
	} {
		if got := ari.ChannelID(c.e); got != c.want {
			t.Errorf("ChannelID(%T) = %q, want %q", c.e, got, c.want)
		}
	}
}
