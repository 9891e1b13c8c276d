package cli

import (
	"slices"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

func account(id string, numbers ...string) wassist.WhatsAppAccount {
	a := wassist.WhatsAppAccount{ID: id}
	for _, n := range numbers {
		a.PhoneNumbers = append(a.PhoneNumbers, wassist.AccountPhoneNumber{ID: "id-" + n, Number: n})
	}
	return a
}

func TestAddedSinceReportsNewAccountsAndNewNumbersOfOldOnes(t *testing.T) {
	before := []wassist.WhatsAppAccount{account("old", "447700900100"), account("quiet", "447700900300")}
	after := []wassist.WhatsAppAccount{
		account("old", "447700900100", "+447700900101"),
		account("quiet", "+447700900300"), // the same number, written with "+"
		account("new"),
	}
	got := addedSince(before, after)
	if len(got) != 2 || got[0].ID != "old" || got[0].New || got[1].ID != "new" || !got[1].New || len(got[1].PhoneNumbers) != 0 {
		t.Fatalf("added = %+v", got)
	}
	n := got[0].PhoneNumbers
	if len(n) != 1 || n[0].Number != "+447700900101" || n[0].WassistDeployment.PhoneNumberID != "id-+447700900101" ||
		n[0].WassistDeployment.WhatsAppAccountID != "old" || !slices.Equal(got[0].WassistTemplate.PublishTo, []string{"old"}) {
		t.Fatalf("numbers = %+v", n)
	}
	if len(addedSince(after, after)) != 0 {
		t.Fatal("nothing was added")
	}
}
