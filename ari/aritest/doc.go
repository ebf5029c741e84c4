// Package aritest is a fake Asterisk 22 for tests: it serves ARI's REST API and events
// WebSocket on a loopback port, so the real ari client and the real app are tested over
// the real wire.
//
// Its channels, bridges and playbacks follow the state machines, field names, status
// codes and event order recorded from a real Asterisk 22.10.1 in ../shared/ari-traces
// (a test checks that). Phones are scripted (answer after d, ring forever, busy,
// unavailable, reject, hang up, send DTMF, hold); a test places calls into Stasis the way
// dialplan Stasis(app,args) does, and reads back where `continue` sent a channel.
//
// Time comes from a clock.Clock, so with clock.Fake a 30 s ring takes no wall time.
// All state is guarded by one mutex; events are queued per WebSocket in emission order
// and written by one goroutine per connection, so emitting never blocks on a reader.
package aritest
