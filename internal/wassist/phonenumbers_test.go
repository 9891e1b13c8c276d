package wassist_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// A number is read through GET /phone-numbers/{number}/ where the API has it, and from the
// list (every page) where it does not; a number in neither is not found.
func TestGetPhoneNumberWithAndWithoutTheSingleNumberRoute(t *testing.T) {
	cases := []struct {
		name              string
		noRoute           bool
		number            string
		found             bool
		singles, listings int
	}{
		{"route: a number", false, "447700910149", true, 1, 0},
		{"route: an unknown number", false, "447700900999", false, 1, 2},
		{"no route: a number on the second page", true, "447700910149", true, 1, 2},
		{"no route: a number on the first page", true, "447700910000", true, 1, 2},
		{"no route: an unknown number", true, "447700900999", false, 1, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, wassisttest.Options{NoSingleNumberRoute: tc.noRoute}, wassist.PoolOptions{})
			numbers := make([]wassisttest.AccountPhoneNumber, 150)
			for i := range numbers {
				numbers[i].Number = fmt.Sprintf("4477009100%02d", i)
			}
			numbers[149].Number = "447700910149"
			numbers[0].Number = "447700910000"
			acc := f.sim.SeedAccount(testKey, wassisttest.Account{Name: "Many numbers", PhoneNumbers: numbers})
			agent := f.sim.SeedAgent(testKey, wassisttest.Agent{Name: "a"})
			if !f.sim.ConnectNumber(testKey, "447700910149", agent.ID) {
				t.Fatal("could not route the number")
			}
			f.sim.ResetRequests()

			n, err := f.client.GetPhoneNumber(context.Background(), tc.number)
			switch {
			case !tc.found && !wassist.IsNotFound(err):
				t.Fatalf("unknown number: %v, want not found", err)
			case tc.found && err != nil:
				t.Fatal(err)
			case tc.found && (n.Number != tc.number || n.WhatsAppBusinessAccount.ID != acc.ID):
				t.Fatalf("number %+v", n)
			case tc.number == "447700910149" && n.ActiveAgent.ID != agent.ID:
				t.Fatalf("number %+v does not serve its agent %s", n, agent.ID)
			}
			singles := f.sim.Count(testKey, http.MethodGet, "/phone-numbers/{number}/")
			listings := f.sim.Count(testKey, http.MethodGet, "/phone-numbers/")
			if f.sim.BareLists() && tc.listings > 0 {
				tc.listings = 1 // a bare array is the whole list at once
			}
			if singles != tc.singles || listings != tc.listings {
				t.Fatalf("%d single reads and %d list pages, want %d and %d", singles, listings, tc.singles, tc.listings)
			}
		})
	}
}

// A number subscribed to a dashboard webhook reads back with the webhook and without its
// agent; an unknown webhook is the API's field error.
func TestSubscribeNumber(t *testing.T) {
	f := newFixture(t, wassisttest.Options{}, wassist.PoolOptions{})
	ctx := context.Background()
	acc := seedAccount(f)
	agent := f.sim.SeedAgent(testKey, wassisttest.Agent{Name: "Coffee"})
	wh := f.sim.SeedWebhook(testKey, "Orders", "https://hooks.example.com/orders")
	if !f.sim.ConnectNumber(testKey, "447700900100", agent.ID) {
		t.Fatal("could not route the number")
	}
	n, err := f.client.SubscribeNumber(ctx, "447700900100", wh.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if n.DefaultRouting != "webhook" || n.DefaultWebhook.ID != wh.ID || n.DefaultWebhook.Name != "Orders" || n.ActiveAgent.ID != "" ||
		n.WhatsAppBusinessAccount.ID != acc.ID || n.WhatsAppBusinessAccount.Name != "Daily Grind Ltd" {
		t.Fatalf("subscribe answered %+v", n)
	}
	if got, _ := f.sim.PhoneNumber(testKey, "447700900100"); got.DefaultWebhook == nil || *got.DefaultWebhook != wh.ID {
		t.Fatalf("the API holds %+v", got)
	}
	n, err = f.client.ConnectAgent(ctx, "447700900100", agent.ID, false)
	if err != nil || n.DefaultWebhook.ID != "" || n.ActiveAgent.ID != agent.ID || n.ActiveAgent.Name != "Coffee" {
		t.Fatalf("connect after subscribe: %+v %v", n, err)
	}
	_, err = f.client.SubscribeNumber(ctx, "447700900100", agent.ID, false)
	if !wassist.IsInvalid(err) || !strings.Contains(err.Error(), "webhookId: Invalid pk") {
		t.Fatalf("an agent's id as the webhook: %v", err)
	}
}
