package ari

import (
	"context"
	"net/url"
)

// Playback is the playbacks resource.
type Playback interface {
	// Get returns a handle without asking Asterisk.
	Get(key *Key) *PlaybackHandle
	// Data is GET /playbacks/{id}: ErrNotFound once it has finished.
	Data(ctx context.Context, key *Key) (*PlaybackData, error)
	// Stop ends a playback early (a tone plays until stopped).
	Stop(ctx context.Context, key *Key) error
}

type playbacks struct{ c *RESTClient }

func (s playbacks) Get(key *Key) *PlaybackHandle { return &PlaybackHandle{key: key, c: s} }

func (s playbacks) Data(ctx context.Context, key *Key) (*PlaybackData, error) {
	var out PlaybackData
	if err := s.c.do(ctx, request{method: "GET", op: "/playbacks/{id}", path: "/playbacks/" + esc(key.ID)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (s playbacks) Stop(ctx context.Context, key *Key) error {
	return s.c.do(ctx, request{method: "DELETE", op: "/playbacks/{id}", path: "/playbacks/" + esc(key.ID)}, nil)
}

// PlaybackHandle binds a playback key to the client.
type PlaybackHandle struct {
	key  *Key
	c    Playback
	data *PlaybackData
}

// Key returns the playback key.
func (h *PlaybackHandle) Key() *Key { return h.key }

// ID returns the playback id.
func (h *PlaybackHandle) ID() string { return h.key.ID }

// Created returns the snapshot from the play response.
func (h *PlaybackHandle) Created() *PlaybackData { return h.data }

// Stop stops the playback.
func (h *PlaybackHandle) Stop(ctx context.Context) error { return h.c.Stop(ctx, h.key) }

// Application is the applications resource.
type Application interface {
	// Data is GET /applications/{name}: its subscriptions and event filter; also how a
	// refused events socket learns why (401).
	Data(ctx context.Context, name string) (*ApplicationData, error)
	// Subscribe adds an event source such as "bridge:ID", "endpoint:PJSIP/1001" or
	// "deviceState:Stasis:name".
	Subscribe(ctx context.Context, name, eventSource string) (*ApplicationData, error)
	// Filter sets which event types Asterisk sends the app (PUT eventFilter): a nil list
	// leaves that list as it is, an empty one clears it.
	Filter(ctx context.Context, name string, allowed, disallowed []string) (*ApplicationData, error)
}

type applications struct{ c *RESTClient }

func (s applications) Data(ctx context.Context, name string) (*ApplicationData, error) {
	var out ApplicationData
	if err := s.c.do(ctx, request{method: "GET", op: "/applications/{app}", path: "/applications/" + esc(name)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (s applications) Subscribe(ctx context.Context, name, eventSource string) (*ApplicationData, error) {
	var out ApplicationData
	err := s.c.do(ctx, request{method: "POST", op: "/applications/{app}/subscription",
		path: "/applications/" + esc(name) + "/subscription", query: url.Values{"eventSource": {eventSource}}}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (s applications) Filter(ctx context.Context, name string, allowed, disallowed []string) (*ApplicationData, error) {
	body := map[string][]map[string]string{}
	for key, list := range map[string][]string{"allowed": allowed, "disallowed": disallowed} {
		if list == nil {
			continue
		}
		body[key] = []map[string]string{}
		for _, t := range list {
			body[key] = append(body[key], map[string]string{"type": t})
		}
	}
	var out ApplicationData
	err := s.c.do(ctx, request{method: "PUT", op: "/applications/{app}/eventFilter",
		path: "/applications/" + esc(name) + "/eventFilter", body: body}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Asterisk is the asterisk resource (info only: which Asterisk did we reach).
type Asterisk interface {
	// Info is GET /asterisk/info: version and system name, logged at connect.
	Info(ctx context.Context) (*AsteriskInfo, error)
}

type asterisk struct{ c *RESTClient }

func (s asterisk) Info(ctx context.Context) (*AsteriskInfo, error) {
	var out AsteriskInfo
	if err := s.c.do(ctx, request{method: "GET", op: "/asterisk/info", path: "/asterisk/info"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Endpoint is the endpoints resource: is a phone online?
type Endpoint interface {
	// List is GET /endpoints: every endpoint and its state.
	List(ctx context.Context) ([]EndpointData, error)
	// Data is GET /endpoints/{tech}/{resource}: online, offline, unknown.
	Data(ctx context.Context, tech, resource string) (*EndpointData, error)
}

type endpoints struct{ c *RESTClient }

func (s endpoints) List(ctx context.Context) ([]EndpointData, error) {
	var out []EndpointData
	err := s.c.do(ctx, request{method: "GET", op: "/endpoints", path: "/endpoints"}, &out)
	return out, err
}

func (s endpoints) Data(ctx context.Context, tech, resource string) (*EndpointData, error) {
	var out EndpointData
	if err := s.c.do(ctx, request{method: "GET", op: "/endpoints/{tech}/{resource}", path: "/endpoints/" + esc(tech) + "/" + esc(resource)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Recording is the recordings resource: what a channel recorded is stored until deleted.
type Recording interface {
	// DeleteStored is DELETE /recordings/stored/{name}: ErrNotFound when it is not there.
	DeleteStored(ctx context.Context, name string) error
}

type recordings struct{ c *RESTClient }

func (s recordings) DeleteStored(ctx context.Context, name string) error {
	return s.c.do(ctx, request{method: "DELETE", op: "/recordings/stored/{recordingName}", path: "/recordings/stored/" + esc(name)}, nil)
}

// DeviceState is the deviceStates resource: BLF lamps through Stasis:name devices.
type DeviceState interface {
	// List is GET /deviceStates: every device state ARI controls.
	List(ctx context.Context) ([]DeviceStateData, error)
	// Get is GET /deviceStates/{name}.
	Get(ctx context.Context, name string) (*DeviceStateData, error)
	// Update sets a Stasis: device state (NOT_INUSE, INUSE, BUSY, ...); Custom: devices
	// answer 409 because ARI does not control them.
	Update(ctx context.Context, name, state string) error
	// Delete removes a Stasis: device state (the lamp goes dark: UNKNOWN).
	Delete(ctx context.Context, name string) error
}

type deviceStates struct{ c *RESTClient }

func (s deviceStates) List(ctx context.Context) ([]DeviceStateData, error) {
	var out []DeviceStateData
	err := s.c.do(ctx, request{method: "GET", op: "/deviceStates", path: "/deviceStates"}, &out)
	return out, err
}

func (s deviceStates) Get(ctx context.Context, name string) (*DeviceStateData, error) {
	var out DeviceStateData
	if err := s.c.do(ctx, request{method: "GET", op: "/deviceStates/{name}", path: "/deviceStates/" + esc(name)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (s deviceStates) Update(ctx context.Context, name, state string) error {
	return s.c.do(ctx, request{method: "PUT", op: "/deviceStates/{name}", path: "/deviceStates/" + esc(name), query: url.Values{"deviceState": {state}}}, nil)
}

func (s deviceStates) Delete(ctx context.Context, name string) error {
	return s.c.do(ctx, request{method: "DELETE", op: "/deviceStates/{name}", path: "/deviceStates/" + esc(name)}, nil)
}
