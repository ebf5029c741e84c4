package ari

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Options configure a Client.
type Options struct {
	// URL is the ARI base, e.g. http://127.0.0.1:8088/ari. Credentials in it are moved to
	// Username/Password and removed from the URL.
	URL string
	// Username and Password are the ari.conf user. Password is never logged.
	Username string
	Password string
	// Application is the Stasis app name (execassist).
	Application string
	// HTTPClient defaults to a client with keep-alives sized for many concurrent calls.
	HTTPClient *http.Client
	// Logger receives connection-level messages; zero value logs nothing.
	Logger zerolog.Logger
	// RequestTimeout bounds each REST call whose context has no deadline (default 10 s).
	RequestTimeout time.Duration
	// ConnectTimeout bounds dialling the events WebSocket: the TCP (and TLS) connect and
	// the upgrade handshake (default 5 s), so a black-holed Asterisk address is retried
	// instead of waited on.
	ConnectTimeout time.Duration
	// PingEvery is how often the events WebSocket is pinged (default 20 s); DeadAfter is
	// how long a connection may stay silent, pongs included, before it is dropped and
	// redialled (default 3 x PingEvery).
	PingEvery, DeadAfter time.Duration
	// ReconnectMin and ReconnectMax bound the WebSocket reconnect backoff
	// (defaults 100 ms and 10 s).
	ReconnectMin, ReconnectMax time.Duration
}

// Client is the ARI connection the app uses: one interface per resource, as in
// CyCoreSystems' ari.Client.
type Client interface {
	// ApplicationName is the Stasis application the client registers and listens as.
	ApplicationName() string
	// Channel is the channels resource.
	Channel() Channel
	// Bridge is the bridges resource.
	Bridge() Bridge
	// Playback is the playbacks resource.
	Playback() Playback
	// Application is the applications resource (subscriptions, event filter).
	Application() Application
	// Asterisk is the asterisk resource (which Asterisk answered).
	Asterisk() Asterisk
	// Endpoint is the endpoints resource (which phones are registered).
	Endpoint() Endpoint
	// Recording is the recordings resource (a caller's recorded name).
	Recording() Recording
	// DeviceState is the deviceStates resource (BLF lamps).
	DeviceState() DeviceState
	// Listen runs the events WebSocket until ctx ends, reconnecting with backoff, and
	// delivers events on the returned channel, which is closed when Listen stops.
	// After every successful (re)connection it delivers a *Connected event first.
	Listen(ctx context.Context) <-chan Event
}

// RESTClient is the HTTP+WebSocket implementation of Client.
type RESTClient struct {
	base      *url.URL
	user      string
	password  string
	app       string
	http      *http.Client
	log       zerolog.Logger
	minWait   time.Duration
	maxWait   time.Duration
	timeout   time.Duration
	connectTO time.Duration
	pingEvery time.Duration
	deadAfter time.Duration
}

// New validates opts and returns a client; it does not connect.
func New(opts Options) (*RESTClient, error) {
	u, err := url.Parse(strings.TrimRight(opts.URL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("ari: URL must look like http://host:8088/ari")
	}
	user, pass := opts.Username, opts.Password
	if u.User != nil {
		if user == "" {
			user = u.User.Username()
		}
		if p, ok := u.User.Password(); ok && pass == "" {
			pass = p
		}
		u.User = nil
	}
	if opts.Application == "" {
		return nil, fmt.Errorf("ari: application name is required")
	}
	hc := opts.HTTPClient
	if hc == nil {
		// Bounded connections: under load requests queue for a kept-alive connection
		// instead of opening thousands of sockets to Asterisk.
		hc = &http.Client{Transport: &http.Transport{
			MaxConnsPerHost:     128,
			MaxIdleConns:        128,
			MaxIdleConnsPerHost: 128,
			IdleConnTimeout:     90 * time.Second,
		}}
	}
	c := &RESTClient{base: u, user: user, password: pass, app: opts.Application, http: hc,
		log: opts.Logger, minWait: opts.ReconnectMin, maxWait: opts.ReconnectMax}
	if c.minWait <= 0 {
		c.minWait = 100 * time.Millisecond
	}
	if c.maxWait <= 0 {
		c.maxWait = 10 * time.Second
	}
	c.timeout = opts.RequestTimeout
	if c.timeout <= 0 {
		c.timeout = 10 * time.Second
	}
	c.connectTO = opts.ConnectTimeout
	if c.connectTO <= 0 {
		c.connectTO = 5 * time.Second
	}
	c.pingEvery, c.deadAfter = opts.PingEvery, opts.DeadAfter
	if c.pingEvery <= 0 {
		c.pingEvery = 20 * time.Second
	}
	if c.deadAfter <= 0 {
		c.deadAfter = 3 * c.pingEvery
	}
	return c, nil
}

// CloseIdleConnections closes kept-alive HTTP connections (load tests count goroutines
// after a burst of calls; idle connections are not leaks).
func (c *RESTClient) CloseIdleConnections() { c.http.CloseIdleConnections() }

// ApplicationName is the Stasis app this client registers.
func (c *RESTClient) ApplicationName() string { return c.app }

// Channel returns the channel resource.
func (c *RESTClient) Channel() Channel { return channels{c} }

// Bridge returns the bridge resource.
func (c *RESTClient) Bridge() Bridge { return bridges{c} }

// Playback returns the playback resource.
func (c *RESTClient) Playback() Playback { return playbacks{c} }

// Application returns the application resource.
func (c *RESTClient) Application() Application { return applications{c} }

// Asterisk returns the asterisk resource.
func (c *RESTClient) Asterisk() Asterisk { return asterisk{c} }

// Endpoint returns the endpoint resource.
func (c *RESTClient) Endpoint() Endpoint { return endpoints{c} }

// DeviceState returns the device state resource.
func (c *RESTClient) DeviceState() DeviceState { return deviceStates{c} }

// Recording returns the recordings resource.
func (c *RESTClient) Recording() Recording { return recordings{c} }

// request is one REST call: op names it for errors ("POST /channels/{id}/dial").
type request struct {
	method string
	op     string
	path   string
	query  url.Values
	body   any
}

func (c *RESTClient) do(ctx context.Context, r request, out any) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	u := *c.base
	u.RawPath = c.base.EscapedPath() + r.path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("ari %s: encode body: %w", r.op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return fmt.Errorf("ari %s: %w", r.op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.SetBasicAuth(c.user, c.password)
	resp, err := c.http.Do(req)
	if err != nil {
		// url.Error carries the URL, which holds no credentials (they are in a header).
		return fmt.Errorf("ari %s %s: %w", r.method, r.path, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("ari %s %s: read response: %w", r.method, r.path, err)
	}
	if resp.StatusCode >= 300 {
		var msg struct {
			Message string `json:"message"`
			Error   string `json:"error"`
		}
		_ = json.Unmarshal(data, &msg)
		if msg.Message == "" {
			msg.Message = msg.Error
		}
		if resp.StatusCode == http.StatusUnauthorized {
			msg.Message = fmt.Sprintf("authentication failed for user %q (check the ari.conf user and EXECASSIST_ARI_PASSWORD)", c.user)
		}
		return &Error{Op: r.method + " " + r.op, Path: r.path, Status: resp.StatusCode, Message: msg.Message}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("ari %s %s: decode response: %w", r.method, r.path, err)
		}
	}
	return nil
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// esc escapes one path segment (IDs may hold ';' as in Local channels, device names ':').
func esc(s string) string { return url.PathEscape(s) }
