// Package wassisttest is an in-memory stand-in for the Wassist REST API, built to catch
// client bugs: it is strict wherever the real API is (or is believed to be) strict, and it
// can misbehave on demand (latency, 5xx, dropped connections, lost responses, 429 bursts,
// 403 and 409 answers, successes with an empty body). Every answer carries an X-Request-Id,
// recorded in the request log, as the real API's answers do.
//
// The API is mounted under /api/v1/, so a client's base URL is the server URL + "/api/v1".
// Every API key is its own tenant. Tests seed state and simulate other users through the
// Go methods (SeedAccount, EditAgent, ...) and read what the API holds and what the client
// sent through the inspection methods (Agents, Requests, Count, ...). The same controls are
// served over HTTP under /_sim/ for the wassist-sim binary; that surface needs no key, which
// is why the binary binds to loopback by default.
//
// WhatsApp templates go through a simulated Meta review: a submission (a publish, or an edit
// of a published template's content) is PENDING until Options.TemplateReviewDelay has passed
// on the simulator's clock, then APPROVED or REJECTED as SetTemplateReview decided for the
// account (by default APPROVED, except MARKETING that says "guaranteed": REJECTED as
// PROMOTIONAL). The verdict is worked out when the template is next read; nothing runs in
// the background.
//
// Where the API's behaviour is undocumented the simulator picks the stricter plausible
// reading of a Django REST Framework backend, so that a client that copes here copes there:
//   - CharFields are whitespace-trimmed on write (DRF's trim_whitespace default), so a
//     client that compares what it sent byte for byte sees drift.
//   - Decimal money fields are stored and returned with two decimal places ("9.9" comes back
//     as "9.90"), and JSON objects (apiSchema) come back with their keys re-ordered.
//   - Request bodies must be sent as application/json; anything else is a 415.
//   - Injected 5xx answers carry an HTML body, as an unhandled Django error or a proxy would.
//
// Every list is served in the paginated envelope {count, next, previous, results} with limit
// and offset, as the official SDK reads every list. Third parties saw phone numbers, WhatsApp
// accounts, link sessions and templates come back as bare arrays; Options.BareLists serves
// those four bare (agents stay enveloped). The environment variable WASSIST_SIM_BARE_LISTS=1 turns
// BareLists on in every simulator New makes, so that a whole suite (the client's, the
// controller's) can be run again in bare mode without a change to its code:
//
//	WASSIST_SIM_BARE_LISTS=1 go test ./internal/wassist/...
package wassisttest
