// Package ari is execassist's own typed client for the Asterisk REST Interface (ARI) of
// Asterisk 22: REST calls plus the events WebSocket.
//
// It is shaped after github.com/CyCoreSystems/ari/v6 (a Client with one interface per ARI
// resource, Key values naming resources, Channel and Bridge handles) so that a later swap
// to that library stays mechanical; it differs in that every call takes a
// context.Context. The module proxy here refuses CyCoreSystems modules, hence this package.
//
// Invariants: credentials travel only in the Authorization header and never appear in an
// error, a log line or a URL string this package builds; every REST failure is an *Error
// whose Status tells 404 (gone), 409 (not in Stasis / wrong state), 422 and 5xx apart.
package ari
