package ari

// CallerID is a name and number pair, as on a channel's caller and connected line.
type CallerID struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

// DialplanCEP is where a channel is in the dialplan (context, extension, priority).
type DialplanCEP struct {
	Context  string `json:"context"`
	Exten    string `json:"exten"`
	Priority int64  `json:"priority"`
	AppName  string `json:"app_name"`
	AppData  string `json:"app_data"`
}

// ChannelData is ARI's Channel model: the snapshot events and GETs carry.
type ChannelData struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	State        string            `json:"state"`
	ProtocolID   string            `json:"protocol_id,omitempty"`
	Caller       CallerID          `json:"caller"`
	Connected    CallerID          `json:"connected"`
	AccountCode  string            `json:"accountcode"`
	Dialplan     DialplanCEP       `json:"dialplan"`
	CreationTime string            `json:"creationtime"`
	Language     string            `json:"language"`
	ChannelVars  map[string]string `json:"channelvars,omitempty"`
	CallerRDNIS  string            `json:"caller_rdnis,omitempty"`
}

// Device is the device part of a channel name ("PJSIP/1002" for "PJSIP/1002-0000001a"):
// the "location" a feature access code was dialled from.
func (c *ChannelData) Device() string {
	for i := len(c.Name) - 1; i >= 0; i-- {
		if c.Name[i] == '-' {
			return c.Name[:i]
		}
	}
	return c.Name
}

// Key returns the channel's key.
func (c *ChannelData) Key() *Key { return NewKey(ChannelKey, c.ID) }

// BridgeData is ARI's Bridge model.
type BridgeData struct {
	ID           string   `json:"id"`
	Technology   string   `json:"technology"`
	BridgeType   string   `json:"bridge_type"`
	BridgeClass  string   `json:"bridge_class"`
	Creator      string   `json:"creator"`
	Name         string   `json:"name"`
	Channels     []string `json:"channels"`
	CreationTime string   `json:"creationtime"`
	VideoMode    string   `json:"video_mode,omitempty"`
}

// Key returns the bridge's key.
func (b *BridgeData) Key() *Key { return NewKey(BridgeKey, b.ID) }

// PlaybackData is ARI's Playback model.
type PlaybackData struct {
	ID           string `json:"id"`
	MediaURI     string `json:"media_uri"`
	NextMediaURI string `json:"next_media_uri,omitempty"`
	TargetURI    string `json:"target_uri"`
	Language     string `json:"language"`
	State        string `json:"state"`
}

// EndpointData is ARI's Endpoint model; State "offline" means a qualified phone is down.
type EndpointData struct {
	Technology string   `json:"technology"`
	Resource   string   `json:"resource"`
	State      string   `json:"state,omitempty"`
	ChannelIDs []string `json:"channel_ids"`
}

// LiveRecordingData is ARI's LiveRecording model.
type LiveRecordingData struct {
	Name            string `json:"name"`
	Format          string `json:"format"`
	State           string `json:"state"` // queued, recording, paused, done, failed, canceled
	TargetURI       string `json:"target_uri"`
	Duration        int    `json:"duration,omitempty"`
	TalkingDuration int    `json:"talking_duration,omitempty"`
	SilenceDuration int    `json:"silence_duration,omitempty"`
	Cause           string `json:"cause,omitempty"`
}

// DeviceStateData is ARI's DeviceState model (BLF lamps).
type DeviceStateData struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

// ApplicationData is ARI's Application model: what the app is subscribed to. After a
// WebSocket reconnect it is the list to resynchronise from.
type ApplicationData struct {
	Name             string   `json:"name"`
	ChannelIDs       []string `json:"channel_ids"`
	BridgeIDs        []string `json:"bridge_ids"`
	EndpointIDs      []string `json:"endpoint_ids"`
	DeviceNames      []string `json:"device_names"`
	EventsAllowed    []any    `json:"events_allowed"`
	EventsDisallowed []any    `json:"events_disallowed"`
}

// AsteriskInfo is ARI's AsteriskInfo model, enough to log which Asterisk we reached.
type AsteriskInfo struct {
	Build *struct {
		OS      string `json:"os"`
		Kernel  string `json:"kernel"`
		Machine string `json:"machine"`
	} `json:"build,omitempty"`
	System *struct {
		Version  string `json:"version"`
		EntityID string `json:"entity_id"`
	} `json:"system,omitempty"`
	Status *struct {
		StartupTime    string `json:"startup_time"`
		LastReloadTime string `json:"last_reload_time"`
	} `json:"status,omitempty"`
}
