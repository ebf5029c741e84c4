// Package app is the execassist Stasis application: it reads ARI events, gives every
// call its own session (an actor: one goroutine, one mailbox, no shared state) and
// drives Asterisk through the ari client.
//
// The dispatcher goroutine alone owns the map from channel to session. A session owns
// its channels, bridges and timers and releases all of them before it ends. Whatever
// goes wrong inside a session, the caller is continued in the dialplan (fail open).
package app
