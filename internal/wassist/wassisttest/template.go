package wassisttest

import (
	"slices"
	"time"
)

// Template is a WhatsApp template as /whatsapp-templates/ serves it. Components are Meta's
// JSON, passed through (snake_case inside example and buttons); AccountLinks are computed on
// every read from the template's submissions, with Meta's review applied (see review.go).
type Template struct {
	ID              string                `json:"id"`
	Name            string                `json:"name"`
	Category        string                `json:"category"`
	Language        string                `json:"language"`
	ParameterFormat string                `json:"parameterFormat"`
	Components      []TemplateComponent   `json:"components"`
	AccountLinks    []TemplateAccountLink `json:"accountLinks"`
	CreatedAt       time.Time             `json:"createdAt"`
	UpdatedAt       time.Time             `json:"updatedAt"`
}

// TemplateComponent is a HEADER, BODY, FOOTER or BUTTONS component.
type TemplateComponent struct {
	Type    string           `json:"type"`
	Format  string           `json:"format,omitempty"`
	Text    string           `json:"text,omitempty"`
	Example *TemplateExample `json:"example,omitempty"`
	Buttons []TemplateButton `json:"buttons,omitempty"`
}

// TemplateExample holds the example values Meta requires for a component's variables.
type TemplateExample struct {
	BodyText              [][]string           `json:"body_text,omitempty"`
	HeaderText            []string             `json:"header_text,omitempty"`
	BodyTextNamedParams   []TemplateNamedParam `json:"body_text_named_params,omitempty"`
	HeaderTextNamedParams []TemplateNamedParam `json:"header_text_named_params,omitempty"`
	HeaderHandle          []string             `json:"header_handle,omitempty"`
	HeaderURL             []string             `json:"header_url,omitempty"`
}

// TemplateNamedParam is the example of one {{named}} variable.
type TemplateNamedParam struct {
	ParamName string `json:"param_name"`
	Example   string `json:"example"`
}

// TemplateButton is one button of a BUTTONS component.
type TemplateButton struct {
	Type        string   `json:"type"`
	Text        string   `json:"text"`
	URL         string   `json:"url,omitempty"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	Example     []string `json:"example,omitempty"`
}

// TemplateAccountLink is the template on one of the key's WhatsApp accounts.
type TemplateAccountLink struct {
	AccountID       string `json:"accountId"`
	AccountName     string `json:"accountName"`
	WabaID          string `json:"wabaId"` // the account's waId, Meta's WABA id
	MetaTemplateID  string `json:"metaTemplateId"`
	Status          string `json:"status"`
	QualityScore    string `json:"qualityScore"`
	RejectionReason string `json:"rejectionReason"`
}

// Review states and quality scores, as the SDK names them.
const (
	templatePending  = "PENDING"
	templateApproved = "APPROVED"
	templateRejected = "REJECTED"
	templatePaused   = "PAUSED"
	qualityGreen     = "GREEN"
	qualityUnknown   = "UNKNOWN"
)

// templateRecord is a stored template and its submissions, one per account it is published
// on, in the order they were published.
type templateRecord struct {
	tpl   Template // AccountLinks is always nil here: links are rendered from the submissions
	links []*templateLink
}

// templateLink is one account's copy of the template: what Meta holds and, while it is
// PENDING, when it was submitted and the verdict Meta will give.
type templateLink struct {
	link        TemplateAccountLink
	submittedAt time.Time
	verdict     TemplateVerdict
}

func (t *tenant) addTemplate(tpl Template) *templateRecord {
	rec := &templateRecord{tpl: tpl}
	t.templates = append(t.templates, rec)
	t.templateByID[tpl.ID] = rec
	return rec
}

// removeTemplate deletes the template, which unpublishes it from every account. Outbound
// triggers naming it keep their templateId (a plain string on the agent), so the next PATCH
// that sends them back is refused until they name a template that exists.
func (t *tenant) removeTemplate(id string) bool {
	if t.templateByID[id] == nil {
		return false
	}
	delete(t.templateByID, id)
	t.templates = slices.DeleteFunc(t.templates, func(r *templateRecord) bool { return r.tpl.ID == id })
	return true
}

// renderTemplate is the template as the API serves it: a private copy with its links.
func renderTemplate(rec *templateRecord) Template {
	tpl := cloneJSON(rec.tpl)
	tpl.Components = emptyIfNil(tpl.Components)
	tpl.AccountLinks = make([]TemplateAccountLink, 0, len(rec.links))
	for _, l := range rec.links {
		tpl.AccountLinks = append(tpl.AccountLinks, l.link)
	}
	return tpl
}

func (rec *templateRecord) linkFor(accountID string) *templateLink {
	for _, l := range rec.links {
		if l.link.AccountID == accountID {
			return l
		}
	}
	return nil
}

func (rec *templateRecord) unlink(accountID string) bool {
	n := len(rec.links)
	rec.links = slices.DeleteFunc(rec.links, func(l *templateLink) bool { return l.link.AccountID == accountID })
	return len(rec.links) != n
}

// templateNamed finds the key's template with this name and language other than except.
func (t *tenant) templateNamed(name, language, except string) *templateRecord {
	for _, rec := range t.templates {
		if rec.tpl.ID != except && rec.tpl.Name == name && rec.tpl.Language == language {
			return rec
		}
	}
	return nil
}
