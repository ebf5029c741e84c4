package ari

import (
	"context"
	"net/url"
	"strings"
)

// AddChannelOptions are the optional addChannel parameters.
type AddChannelOptions struct {
	Role string
	// InhibitConnectedLineUpdates keeps a leg's presentation stable once bridged.
	InhibitConnectedLineUpdates bool
	AbsorbDTMF                  bool
	Mute                        bool
}

// Bridge is the bridges resource, after CyCoreSystems' ari.Bridge.
type Bridge interface {
	// Get returns a handle without asking Asterisk.
	Get(key *Key) *BridgeHandle
	// Create makes a bridge; key may be nil (Asterisk picks the id). typ is e.g.
	// "mixing" or "holding"; name lets the app recognise its bridges after a restart.
	Create(ctx context.Context, key *Key, typ, name string) (*BridgeHandle, error)
	// List is GET /bridges: after a restart, execassist's named bridges are answered
	// calls to adopt.
	List(ctx context.Context) ([]BridgeData, error)
	// Data is GET /bridges/{id}: its channels now.
	Data(ctx context.Context, key *Key) (*BridgeData, error)
	// AddChannel puts a channel (in Stasis) into the bridge; a channel already in
	// another bridge is moved.
	AddChannel(ctx context.Context, key *Key, channelID string, opts AddChannelOptions) error
	// RemoveChannel takes a channel out of the bridge; it stays in Stasis.
	RemoveChannel(ctx context.Context, key *Key, channelID string) error
	// Play plays media to everyone in the bridge (the *15 warning tone).
	Play(ctx context.Context, key *Key, playbackID string, media ...string) (*PlaybackHandle, error)
	// MOH plays music on hold to the bridge (the remote party of a pushed call).
	MOH(ctx context.Context, key *Key, class string) error
	// StopMOH stops MOH.
	StopMOH(ctx context.Context, key *Key) error
	// Delete destroys the bridge; its channels stay up, in Stasis.
	Delete(ctx context.Context, key *Key) error
}

type bridges struct{ c *RESTClient }

func brPath(key *Key, suffix string) string { return "/bridges/" + esc(key.ID) + suffix }

func (s bridges) Get(key *Key) *BridgeHandle { return &BridgeHandle{key: key, c: s} }

func (s bridges) Create(ctx context.Context, key *Key, typ, name string) (*BridgeHandle, error) {
	q := url.Values{}
	setIf(q, "type", typ)
	setIf(q, "name", name)
	path := "/bridges"
	if key != nil && key.ID != "" {
		path = brPath(key, "")
	}
	var out BridgeData
	if err := s.c.do(ctx, request{method: "POST", op: "/bridges", path: path, query: q}, &out); err != nil {
		return nil, err
	}
	return &BridgeHandle{key: out.Key(), c: s, data: &out}, nil
}

func (s bridges) List(ctx context.Context) ([]BridgeData, error) {
	var out []BridgeData
	err := s.c.do(ctx, request{method: "GET", op: "/bridges", path: "/bridges"}, &out)
	return out, err
}

func (s bridges) Data(ctx context.Context, key *Key) (*BridgeData, error) {
	var out BridgeData
	if err := s.c.do(ctx, request{method: "GET", op: "/bridges/{id}", path: brPath(key, "")}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (s bridges) AddChannel(ctx context.Context, key *Key, channelID string, opts AddChannelOptions) error {
	q := url.Values{"channel": {channelID}}
	setIf(q, "role", opts.Role)
	if opts.InhibitConnectedLineUpdates {
		q.Set("inhibitConnectedLineUpdates", "true")
	}
	if opts.AbsorbDTMF {
		q.Set("absorbDTMF", "true")
	}
	if opts.Mute {
		q.Set("mute", "true")
	}
	return s.c.do(ctx, request{method: "POST", op: "/bridges/{id}/addChannel", path: brPath(key, "/addChannel"), query: q}, nil)
}

func (s bridges) RemoveChannel(ctx context.Context, key *Key, channelID string) error {
	return s.c.do(ctx, request{method: "POST", op: "/bridges/{id}/removeChannel", path: brPath(key, "/removeChannel"), query: url.Values{"channel": {channelID}}}, nil)
}

func (s bridges) Play(ctx context.Context, key *Key, playbackID string, media ...string) (*PlaybackHandle, error) {
	suffix := "/play"
	if playbackID != "" {
		suffix += "/" + esc(playbackID)
	}
	var out PlaybackData
	if err := s.c.do(ctx, request{method: "POST", op: "/bridges/{id}/play", path: brPath(key, suffix), query: url.Values{"media": {strings.Join(media, ",")}}}, &out); err != nil {
		return nil, err
	}
	return &PlaybackHandle{key: NewKey(PlaybackKey, out.ID), c: playbacks(s), data: &out}, nil
}

func (s bridges) MOH(ctx context.Context, key *Key, class string) error {
	q := url.Values{}
	setIf(q, "mohClass", class)
	return s.c.do(ctx, request{method: "POST", op: "/bridges/{id}/moh", path: brPath(key, "/moh"), query: q}, nil)
}

func (s bridges) StopMOH(ctx context.Context, key *Key) error {
	return s.c.do(ctx, request{method: "DELETE", op: "/bridges/{id}/moh", path: brPath(key, "/moh")}, nil)
}

func (s bridges) Delete(ctx context.Context, key *Key) error {
	return s.c.do(ctx, request{method: "DELETE", op: "/bridges/{id}", path: brPath(key, "")}, nil)
}

// BridgeHandle binds a bridge key to the client.
type BridgeHandle struct {
	key  *Key
	c    Bridge
	data *BridgeData
}

// Key returns the bridge key.
func (h *BridgeHandle) Key() *Key { return h.key }

// ID returns the bridge id.
func (h *BridgeHandle) ID() string { return h.key.ID }

// Created returns the snapshot from the create response.
func (h *BridgeHandle) Created() *BridgeData { return h.data }

// AddChannel puts a channel into the bridge.
func (h *BridgeHandle) AddChannel(ctx context.Context, channelID string, opts AddChannelOptions) error {
	return h.c.AddChannel(ctx, h.key, channelID, opts)
}

// RemoveChannel takes a channel out of the bridge.
func (h *BridgeHandle) RemoveChannel(ctx context.Context, channelID string) error {
	return h.c.RemoveChannel(ctx, h.key, channelID)
}

// Delete destroys the bridge.
func (h *BridgeHandle) Delete(ctx context.Context) error { return h.c.Delete(ctx, h.key) }
