package wassist

import (
	"encoding/json"
)

// The wire types of WhatsApp numbers, accounts and link sessions (see types.go).

// PhoneNumber is a WhatsApp number as /phone-numbers/ returns it. ActiveAgent and
// WhatsAppBusinessAccount are ids in the documented shape and objects in others seen,
// so both are accepted (see Ref).
type PhoneNumber struct {
	ID                      string `json:"id"`
	Number                  string `json:"number"`
	WhatsAppPhoneNumberID   string `json:"whatsappPhoneNumberId"`
	WhatsAppBusinessAccount Ref    `json:"whatsappBusinessAccount"`
	ActiveAgent             Ref    `json:"activeAgent"`
	DefaultRouting          string `json:"defaultRouting"`
	// DefaultWebhook is the webhook the number is routed to (defaultRouting "webhook").
	DefaultWebhook Ref  `json:"defaultWebhook"`
	IsSandbox      bool `json:"isSandbox"`
}

// Ref is a reference the API renders either as an id string or as an object with an
// id (and sometimes a name); null gives the zero Ref.
type Ref struct {
	ID   string
	Name string
}

// UnmarshalJSON accepts "id", {"id": ..., "name": ...} and null.
func (r *Ref) UnmarshalJSON(data []byte) error {
	*r = Ref{}
	if string(data) == "null" {
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &r.ID)
	}
	var obj struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	r.ID, r.Name = obj.ID, obj.Name
	return nil
}

// MarshalJSON writes the id, or null when there is none.
func (r Ref) MarshalJSON() ([]byte, error) {
	if r.ID == "" {
		return []byte("null"), nil
	}
	return json.Marshal(r.ID)
}

// WhatsAppAccount is a WhatsApp Business account (WABA) linked to Wassist.
type WhatsAppAccount struct {
	ID           string               `json:"id"`
	Name         *string              `json:"name"`
	WAID         string               `json:"waId"`
	PhoneNumbers []AccountPhoneNumber `json:"phoneNumbers"`
	TemplatesURL string               `json:"templatesUrl"`
}

// AccountPhoneNumber is a number of a WhatsApp account; Bot is the agent serving it.
type AccountPhoneNumber struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Bot    *Ref   `json:"bot"`
	WABA   *Ref   `json:"waba"`
}

// LinkSession states.
const (
	LinkSessionPending = "PENDING"
	LinkSessionSuccess = "SUCCESS"
	LinkSessionFailed  = "FAILED"
	LinkSessionExpired = "EXPIRED"
)

// LinkSession onboards a new WhatsApp account through Meta's embedded signup.
type LinkSession struct {
	ID         string `json:"id"`
	SuccessURL string `json:"successUrl"`
	ReturnURL  string `json:"returnUrl"`
	Status     string `json:"status"`
	LinkURL    string `json:"linkUrl"`
}
