package wassist

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// KeyID names an API key without revealing it: the first 16 bytes of its SHA-256, in
// hex. It is what caches, logs and status may hold instead of the key.
func KeyID(apiKey string) string {
	sum := sha256.Sum256([]byte(apiKey))
	return hex.EncodeToString(sum[:16])
}

// Fingerprint is what a resource's status shows of the API key that last saw its remote
// object: the first 12 hex digits of its KeyID, enough to tell two keys apart at a glance,
// nothing that helps guess the key.
func Fingerprint(apiKey string) string { return KeyID(apiKey)[:12] }

// PoolOptions configure every client of a Pool.
type PoolOptions struct {
	Options
	// RequestsPerMinute and Burst size each key's budget (defaults 100 and 5).
	RequestsPerMinute int
	Burst             int
	// Now is the budgets' clock; nil means time.Now.
	Now func() time.Time
	// StartEmpty starts each key's budget with no tokens instead of a full burst. A
	// process that may replace one killed a moment ago (a crash, a rollout, a new
	// leader) sets it: it cannot know what its predecessor spent in the current minute,
	// and a full bucket would let the two together exceed the limit by the burst.
	// Starting empty keeps their sum within the limit in every 60-second window, for one
	// refill interval (0.6 s at 100 a minute) before a key's first request.
	StartEmpty bool
}

// Pool keeps one client, and so one rate budget, per API key, shared by every
// controller and every object that uses the key. Clients are keyed by KeyID, never by
// the key itself.
type Pool struct {
	opts PoolOptions

	mu      sync.Mutex
	clients map[string]*Client
}

// NewPool returns an empty pool.
func NewPool(o PoolOptions) *Pool {
	if o.RequestsPerMinute <= 0 {
		o.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	return &Pool{opts: o, clients: map[string]*Client{}}
}

// ErrEmptyAPIKey is returned for an empty key: the API would answer 401 to every call.
var ErrEmptyAPIKey = errors.New("wassist: the API key is empty")

// For returns the client of apiKey, creating it on first use.
func (p *Pool) For(apiKey string) (*Client, error) {
	if apiKey == "" {
		return nil, ErrEmptyAPIKey
	}
	id := KeyID(apiKey)
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[id]; ok {
		return c, nil
	}
	o := p.opts.Options
	o.Budget = NewBudget(p.opts.RequestsPerMinute, p.opts.Burst, p.opts.Now)
	if p.opts.StartEmpty {
		o.Budget.drain()
	}
	c, err := New(apiKey, o)
	if err != nil {
		return nil, err
	}
	p.clients[id] = c
	return c, nil
}

// Lookup returns the client already made for the key with this KeyID. It lets the
// operator finish a deletion after the key's Secret is gone.
func (p *Pool) Lookup(keyID string) (*Client, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.clients[keyID]
	return c, ok
}
