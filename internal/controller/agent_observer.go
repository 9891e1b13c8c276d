package controller

import (
	"context"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// AgentAPI is what the agent controller needs of Wassist (after crossplane's external
// client): *wassist.Client satisfies it.
type AgentAPI interface {
	GetAgent(ctx context.Context, id string) (*wassist.Agent, error)
	ListAgents(ctx context.Context) ([]wassist.Agent, error)
	CreateAgent(ctx context.Context, name string) (*wassist.Agent, error)
	UpdateAgent(ctx context.Context, id string, u wassist.AgentUpdate) (*wassist.Agent, error)
	DeleteAgent(ctx context.Context, id string) error
	ShareAgent(ctx context.Context, id, phoneNumber string) error
	UnshareAgent(ctx context.Context, id, phoneNumber string) error
}

var _ AgentAPI = (*wassist.Client)(nil)

// AgentObserver reads the current remote agent. The default reads it with one GET; a
// bulk observer can answer from a per-key list taken once per sync period instead.
type AgentObserver interface {
	Observe(ctx context.Context, api AgentAPI, id string) (*wassist.Agent, error)
}

// directObserver reads each agent with its own GET.
type directObserver struct{}

func (directObserver) Observe(ctx context.Context, api AgentAPI, id string) (*wassist.Agent, error) {
	return api.GetAgent(ctx, id)
}
