package ari

// Kinds of resources a Key can name, as in CyCoreSystems' ari.Key.
const (
	ChannelKey  = "channel"
	BridgeKey   = "bridge"
	PlaybackKey = "playback"
	EndpointKey = "endpoint"
	DeviceKey   = "deviceState"
)

// Key names one ARI resource. It is a value the app can keep in a session and compare,
// independent of the handle used to act on it.
type Key struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// NewKey builds a Key of the given kind.
func NewKey(kind, id string) *Key { return &Key{Kind: kind, ID: id} }

// String renders kind:id, the form ARI uses for event sources (channel:ID).
func (k *Key) String() string {
	if k == nil {
		return ""
	}
	return k.Kind + ":" + k.ID
}
